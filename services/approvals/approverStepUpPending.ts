// An approver's click that waits for their step-up sign-in (issue 20): held server side under a
// one-time state (the `state` the authority sends back to the bot's callback), so any bot instance can
// take the callback, and a card or a browser never carries who decides or what. The same shape as the
// requester's step-up (bot/authStepUp.ts): PKCE verifier kept here, the state used up by exactly one
// taker (written with the eTag read), a short life. After the sign-in the decision is made only while
// the clicked copy still carries the nonce it was clicked with and nothing has been decided: a replay
// of the click, or a second callback, decides nothing twice.
import { randomBytes } from 'node:crypto';
import type { Resource, UserTokenProvider } from '../identity/tokenProvider';
import type { Surface, UserContext } from '../pim/model';
import { SURFACE_TOKEN_RESOURCE } from '../pim/surfaces';
import { isETagConflict, type KeyValueStorage } from '../store/keyValueStorage';
import { approverSignInFromClaims, type ApproverSignIn } from './approverStepUpCheck';
import type { ApproverStepUpRequirement } from './approverStepUpPolicy';
import type { Decision } from './model';
import type { ApprovalRecord, CardCopy } from './record';

/** A sign-in link works this long, once (as the requester's). */
export const APPROVER_STEP_UP_TTL_MS = 10 * 60_000;
const KEY_PREFIX = 'approverStepUp/';
const STATE = /^[A-Za-z0-9_-]{32}$/;

/** What Bob clicked, and what his sign-in must bring, kept until his callback. */
export interface ApproverClick {
  /** The verified acting identity of the click (never card data). */
  readonly approver: UserContext;
  readonly surface: Surface;
  readonly requestId: string;
  /** PIM's approval id as the record states it (ARM). */
  readonly approvalId?: string;
  readonly decision: Decision;
  /** The reason typed on the card. */
  readonly reason: string;
  /** The copy clicked and the nonce its action carried. */
  readonly copy: { readonly userId: string; readonly role: CardCopy['role'] };
  readonly nonce: string;
  readonly requirement: ApproverStepUpRequirement;
  /** The claims challenge the sign-in asks for (approverStepUpCheck claimsChallengeFor). */
  readonly claims: string;
  readonly resource: Resource;
  readonly redirectUri: string;
  /** Where to continue (the bot's conversation reference, as plain JSON; opaque here). */
  readonly conversation: Readonly<Record<string, unknown>>;
}

export interface PendingApproverClick extends ApproverClick {
  /** PKCE verifier: only the server that started the sign-in can redeem its code. */
  readonly codeVerifier: string;
  /** ISO. */
  readonly expiresAt: string;
}

interface StoredClick extends PendingApproverClick {
  readonly used?: boolean;
  readonly eTag?: string;
}

/** The API an approval's decision goes to: ARM for Azure roles, Graph for Entra roles and groups. */
export function approverStepUpResource(surface: Surface): Resource {
  return SURFACE_TOKEN_RESOURCE[surface];
}

export class ApproverStepUpClicks {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly now: () => Date,
    private readonly onWarning: (message: string, error: unknown) => void = () => undefined,
  ) {}

  /**
   * Holds `click` under a fresh state and answers the sign-in URL. `startSignIn` builds it for that
   * state (StepUpTokens.startSignIn: msal getAuthCodeUrl with the claims and PKCE).
   */
  async begin(
    click: ApproverClick,
    startSignIn: (state: string) => Promise<{ url: string; codeVerifier: string }>,
  ): Promise<{ url: string; expiresAt: Date }> {
    const state = randomBytes(24).toString('base64url');
    const { url, codeVerifier } = await startSignIn(state);
    const expiresAt = new Date(this.now().getTime() + APPROVER_STEP_UP_TTL_MS);
    const held: PendingApproverClick = { ...click, codeVerifier, expiresAt: expiresAt.toISOString() };
    await this.storage.write({ [KEY_PREFIX + state]: held });
    return { url, expiresAt };
  }

  /**
   * The click for `state`, used up: of callbacks racing with one state (a replay, two instances)
   * exactly one gets it. Undefined for an unknown, forged, used or expired state.
   */
  async take(state: unknown): Promise<PendingApproverClick | undefined> {
    if (typeof state !== 'string' || !STATE.test(state)) return undefined;
    const key = KEY_PREFIX + state;
    const found = (await this.storage.read([key]))[key] as StoredClick | undefined;
    if (!found || found.used) return undefined;
    try {
      await this.storage.write({ [key]: { ...found, used: true, eTag: found.eTag ?? '' } });
    } catch (error) {
      if (isETagConflict(error)) return undefined;
      throw error;
    }
    await this.storage.delete([key]).catch((error: unknown) => this.onWarning('could not delete a used approver step-up click', error));
    if (Date.parse(found.expiresAt) <= this.now().getTime()) return undefined;
    const { used: _used, eTag: _eTag, ...click } = found;
    return click;
  }
}

/**
 * Whether a held click may still decide: nothing decided yet, and the copy clicked still carries the
 * nonce the click had (a copy answered or replaced since carries another, and its old clicks are stale).
 */
export function clickStillCounts(
  record: Pick<ApprovalRecord, 'decision' | 'copies'>,
  click: Pick<ApproverClick, 'copy' | 'nonce'>,
): boolean {
  if (record.decision) return false;
  const copy = record.copies.find((c) => c.userId === click.copy.userId.toLowerCase() && c.role === click.copy.role);
  return copy !== undefined && copy.nonce === click.nonce;
}

/**
 * How the approver signed in, from the token their decision would go with (the held step-up token when
 * there is one, else the on-behalf-of token): a token the bot got straight from the authority over TLS,
 * so its claims are read, not re-verified; it is never one a client or a card handed in.
 */
export async function readApproverSignIn(tokens: UserTokenProvider, approver: UserContext, surface: Surface): Promise<ApproverSignIn> {
  const token = await tokens.getUserToken({ user: approver, resource: approverStepUpResource(surface) });
  return approverSignInFromClaims(jwtClaims(token));
}

function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) return {};
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
