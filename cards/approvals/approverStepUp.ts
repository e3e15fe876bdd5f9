// The approver's card when a decision needs them to prove themselves first (issue 20), and the words
// that say afterwards how they did. Answered in place (the invoke response of Bob's own click: Teams
// shows it to the clicking user only, so the sign-in link never reaches a channel's other readers):
// the card keeps everything it showed (who asks, for what, the context) and gains, under its headline,
// "Nothing decided yet: approving … needs a fresh sign-in with MFA (within 10 minutes)" and a sign-in
// button (Action.OpenUrl to the step-up URL msal-node built). Approve and Deny stay: a click after the
// link lapsed just asks for a new sign-in.
import type { Attachment } from 'botbuilder';
import { CardFactory } from 'botbuilder';
import type { ApproverStepUpRequirement } from '../../services/approvals/approverStepUpPolicy';
import type { ApproverVerification, StepUpShortfall } from '../../services/approvals/approverStepUpCheck';
import type { Decision, PersonRef } from '../../services/approvals/model';
import { cardTime } from '../format';
import { CardRenderError, MAX_CARD_BYTES } from '../render';
import { sanitizeCard } from '../sanitize';

export interface ApproverStepUpNotice {
  /** What Bob clicked. */
  readonly decision: Decision;
  /** "Alice Adams" (the requester's display name). */
  readonly requesterName: string;
  /** "User Administrator", "Owner of SRE On-Call", "Contributor on Contoso Prod". */
  readonly access: string;
  readonly requirement: ApproverStepUpRequirement;
  /** The authority's sign-in URL (msal getAuthCodeUrl with the claims challenge and the one-time state). */
  readonly signInUrl: string;
  /** When the sign-in link stops working (StepUpSignIn's TTL). */
  readonly linkExpiresAt: Date;
  /** Set when Bob did sign in and it still fell short: 'mfa' = the sign-in did no MFA. */
  readonly stillMissing?: StepUpShortfall;
}

/** "needs a fresh sign-in with MFA (within 10 minutes)" / "needs a sign-in with authentication context c1 (…)". */
export function stepUpNeedInWords(requirement: ApproverStepUpRequirement): string {
  return requirement.kind === 'mfa'
    ? `needs a fresh sign-in with MFA (within ${requirement.withinMinutes} minute${requirement.withinMinutes === 1 ? '' : 's'})`
    : `needs a sign-in that meets authentication context ${requirement.id} (your organization's Conditional Access decides what it takes)`;
}

/** The headline of the notice: "Nothing decided yet: approving User Administrator for Alice Adams needs a fresh sign-in with MFA (within 10 minutes)". */
export function stepUpNoticeText(notice: Pick<ApproverStepUpNotice, 'decision' | 'requesterName' | 'access' | 'requirement'>): string {
  const verb = notice.decision === 'approve' ? 'approving' : 'denying';
  return `Nothing decided yet: ${verb} ${notice.access} for ${notice.requesterName} ${stepUpNeedInWords(notice.requirement)}`;
}

/**
 * `card`: the approver's copy as it shows now (pending). Answers it with the notice and the sign-in
 * button added and everything else kept. Throws CardRenderError past Teams' size limit, like renderCard.
 */
export function approverStepUpCard(card: Attachment, notice: ApproverStepUpNotice): Attachment {
  const url = checkedUrl(notice.signInUrl);
  const content = structuredClone(card.content) as { body?: unknown[]; actions?: unknown[] } & Record<string, unknown>;
  const body = Array.isArray(content.body) ? content.body : [];
  const actions = Array.isArray(content.actions) ? content.actions : [];
  // Only the bot's own texts are added; they go through the same sanitizer every card does (the
  // names in them come from the directory). The card given was sanitized when it was rendered.
  const added = sanitizeCard({
    type: 'AdaptiveCard',
    body: [
      {
        type: 'Container',
        style: 'warning',
        spacing: 'Medium',
        items: [
          { type: 'TextBlock', text: `🔐 ${stepUpNoticeText(notice)}`, weight: 'Bolder', wrap: true },
          { type: 'TextBlock', text: hint(notice), wrap: true, spacing: 'Small', isSubtle: true },
        ],
      },
    ],
    actions: [
      { type: 'Action.OpenUrl', title: notice.decision === 'approve' ? 'Sign in to approve' : 'Sign in to deny', url, style: 'positive' },
    ],
  });
  // Under the headline and its line of detail: the first thing read after who asks for what.
  const at = Math.min(2, body.length);
  content.body = [...body.slice(0, at), ...added.body, ...body.slice(at)];
  content.actions = [...added.actions, ...actions];
  const bytes = Buffer.byteLength(JSON.stringify(content), 'utf8');
  if (bytes > MAX_CARD_BYTES) throw new CardRenderError(`card "approverStepUp" is ${bytes} bytes, over the ${MAX_CARD_BYTES}-byte limit`);
  return CardFactory.adaptiveCard(content);
}

function hint(notice: ApproverStepUpNotice): string {
  const then = `After you sign in, your ${notice.decision === 'approve' ? 'approval' : 'denial'} is made as you and every copy of this card updates. The link works once, until ${cardTime(notice.linkExpiresAt)}.`;
  if (notice.stillMissing === 'mfa') return `Your last sign-in did not use MFA; sign in again with MFA. ${then}`;
  if (notice.stillMissing === 'authContext')
    return `Your last sign-in did not meet authentication context ${notice.requirement.kind === 'acrs' ? notice.requirement.id : ''}; try again or ask your administrator. ${then}`;
  if (notice.stillMissing === 'freshSignIn') return `Your last sign-in is too old; sign in again. ${then}`;
  return then;
}

/** The sign-in URL goes to the authority over https (or this machine's local tenant in local mode). */
function checkedUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CardRenderError('the step-up sign-in URL is not a URL');
  }
  const local = url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !local) throw new CardRenderError('the step-up sign-in URL must be https');
  return url.href;
}

/** " with MFA", " with authentication context c1", or "" for a decision on the session alone (or made before this existed). */
export function verificationPhrase(verifiedBy: ApproverVerification | undefined): string {
  if (verifiedBy?.method === 'mfa') return ' with MFA';
  if (verifiedBy?.method === 'acrs' && verifiedBy.acrs) return ` with authentication context ${verifiedBy.acrs}`;
  return '';
}

export interface VerifiedDecision {
  readonly outcome: 'approved' | 'denied';
  readonly by: PersonRef;
  /** ISO, when it was decided. */
  readonly at: string;
  readonly verifiedBy?: ApproverVerification;
}

/**
 * "Approved by Bob Brown with MFA at 10:02", "Denied by Dave Diaz with authentication context c1 at 10:05",
 * "Approved by Bob Brown at 10:02" (no step-up needed). `time` formats the moment: the card's {{TIME()}}
 * by default; a plain-text answer (the audit question) passes its own.
 */
export function verifiedDecisionLine(decision: VerifiedDecision, time: (at: Date) => string = cardTime): string {
  const verb = decision.outcome === 'approved' ? 'Approved' : 'Denied';
  return `${verb} by ${decision.by.displayName ?? 'an approver'}${verificationPhrase(decision.verifiedBy)} at ${time(new Date(decision.at))}`;
}
