// The approver step-up (issue 20) around the one place a decision reaches PIM: before a decision
// counts, the approver's token must prove what the policy asks (approverStepUpPolicy.ts); short of it,
// the click is held (approverStepUpPending.ts) and the approver gets a sign-in link for exactly that
// click. The coordinator calls this; it never decides anything itself.
import type { StepUpSignInRequest } from '../identity/stepUpTokens';
import type { UserTokenProvider } from '../identity/tokenProvider';
import type { UserContext } from '../pim/model';
import { checkApproverStepUp, type ApproverStepUpCheck } from './approverStepUpCheck';
import { approverStepUpResource, readApproverSignIn, type ApproverClick, type ApproverStepUpClicks } from './approverStepUpPending';
import { approvalUnderPolicy, approverStepUpFor, type ApproverStepUpPolicy, type ApproverStepUpRequirement } from './approverStepUpPolicy';
import type { Decision } from './model';
import type { ApprovalRecord, CardCopy } from './record';
import type { StepUpPrompt } from './views';

export interface ApproverStepUpDeps {
  /** APPROVER_STEP_UP (bot/config); empty = off. */
  readonly policy: ApproverStepUpPolicy;
  /** The approver's tokens as their decision goes with them (a held step-up token first). */
  readonly tokens: UserTokenProvider;
  readonly clicks: ApproverStepUpClicks;
  /** The authorize URL with the claims and PKCE (StepUpTokens.startSignIn). */
  startSignIn(approver: UserContext, request: StepUpSignInRequest): Promise<{ url: string; codeVerifier: string }>;
  /** Where the authority sends the browser back (PUBLIC_BASE_URL or the local address, + /auth/callback). */
  redirectUri(): string;
}

/** What a held click is about, besides the sign-in. */
export interface HeldClick {
  readonly approver: UserContext;
  readonly record: ApprovalRecord;
  readonly copy: CardCopy;
  readonly decision: Decision;
  readonly reason: string;
  readonly nonce: string;
  readonly conversationId: string | undefined;
}

export class ApproverStepUpGate {
  constructor(
    private readonly deps: ApproverStepUpDeps,
    private readonly now: () => Date,
  ) {}

  /** The step-up the policy asks of a decision on `record`; undefined: the session counts. */
  requirementFor(record: ApprovalRecord): ApproverStepUpRequirement | undefined {
    return approverStepUpFor(this.deps.policy, approvalUnderPolicy(record));
  }

  /** Whether `approver`'s token proves `requirement` now (the held step-up token when there is one). */
  async check(
    approver: UserContext,
    record: ApprovalRecord,
    requirement: ApproverStepUpRequirement | undefined,
  ): Promise<ApproverStepUpCheck> {
    return checkApproverStepUp(await readApproverSignIn(this.deps.tokens, approver, record.surface), requirement, this.now());
  }

  /** Holds the click under a one-time state and answers what the card's sign-in notice says. */
  async hold(
    click: HeldClick,
    requirement: ApproverStepUpRequirement,
    claims: string,
    stillMissing?: StepUpPrompt['stillMissing'],
  ): Promise<StepUpPrompt> {
    const { record } = click;
    const resource = approverStepUpResource(record.surface);
    const redirectUri = this.deps.redirectUri();
    const held: ApproverClick = {
      approver: click.approver,
      surface: record.surface,
      requestId: record.requestId,
      ...(record.approvalId ? { approvalId: record.approvalId } : {}),
      decision: click.decision,
      reason: click.reason,
      copy: { userId: click.copy.userId, role: click.copy.role },
      nonce: click.nonce,
      requirement,
      claims,
      resource,
      redirectUri,
      conversation: click.conversationId ? { conversationId: click.conversationId } : {},
    };
    const { url, expiresAt } = await this.deps.clicks.begin(held, (state) =>
      this.deps.startSignIn(click.approver, { resource, claims, state, redirectUri }),
    );
    return {
      decision: click.decision,
      requirement,
      signInUrl: url,
      linkExpiresAt: expiresAt.toISOString(),
      ...(stillMissing ? { stillMissing } : {}),
    };
  }
}

/**
 * What PIM's own claims challenge asks for, as a requirement the card can name: an authentication
 * context when it names one, else an MFA sign-in (PIM does not say how fresh: the sign-in is made now).
 */
export function requirementFromClaims(claims: string): ApproverStepUpRequirement {
  try {
    const parsed = JSON.parse(claims) as { access_token?: { acrs?: { value?: unknown; values?: unknown } } };
    const acrs = parsed.access_token?.acrs;
    const id =
      typeof acrs?.value === 'string'
        ? acrs.value
        : Array.isArray(acrs?.values) && typeof acrs.values[0] === 'string'
          ? acrs.values[0]
          : undefined;
    if (id && /^c\d{1,2}$/.test(id)) return { kind: 'acrs', id };
  } catch {
    // Not JSON: ask for MFA, the sign-in page decides the rest.
  }
  return { kind: 'mfa', withinMinutes: 10 };
}
