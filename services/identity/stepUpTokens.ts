// Step-up, the same in every mode: when PIM answers a claims challenge (an authentication context
// such as acrs c1), the user signs in through the standard authorization-code flow with PKCE and
// that challenge; msal-node redeems the code into the user's own msal cache, and this provider then
// hands that token out for the user and resource until shortly before it expires. Nothing else sees
// it: not the dialogs, not the cards, not the logs, not the bot's Storage.
import type { UserContext } from '../pim/model';
import type { MsalTokenClient } from './msalTokenClient';
import type { Resource, TokenRequest, UserTokenProvider } from './tokenProvider';

/** Stop handing a step-up token out this long before it expires (a call must not carry a dying token). */
const EXPIRY_MARGIN_MS = 2 * 60_000;
/** A busy bot keeps this many stepped-up users in memory at most (oldest forgotten first). */
const MAX_ENTRIES = 1000;

export interface StepUpSignInRequest {
  readonly resource: Resource;
  readonly claims: string;
  /** Server-side nonce naming the pending step-up (the `state` the authority sends back). */
  readonly state: string;
  readonly redirectUri: string;
}

export interface StepUpRedeemRequest {
  readonly resource: Resource;
  readonly claims: string;
  readonly code: string;
  readonly codeVerifier: string;
  readonly redirectUri: string;
}

export class StepUpTokens implements UserTokenProvider {
  private readonly held = new Map<string, { readonly token: string; readonly until: number }>();

  constructor(
    private readonly msal: MsalTokenClient,
    private readonly inner: UserTokenProvider,
    private readonly now: () => number = Date.now,
  ) {}

  /** The authorize URL (msal-node getAuthCodeUrl with PKCE and the claims) and the verifier to keep server side. */
  startSignIn(user: UserContext, request: StepUpSignInRequest): Promise<{ url: string; codeVerifier: string }> {
    return this.msal.authCodeUrl({ ...request, loginHint: user.userId });
  }

  /**
   * Redeems the code for `user` only: a code that signed in anyone else is refused with PimError
   * 'forbidden' (someone else's browser, or a link passed on) and nothing is kept.
   */
  async completeSignIn(user: UserContext, request: StepUpRedeemRequest): Promise<void> {
    const got = await this.msal.byAuthCode(user, request);
    const key = keyOf(user, request.resource);
    this.held.delete(key);
    this.held.set(key, { token: got.accessToken, until: got.expiresOn.getTime() - EXPIRY_MARGIN_MS });
    if (this.held.size > MAX_ENTRIES) this.held.delete(this.held.keys().next().value!);
  }

  /** The user's stepped-up token for the resource while it lasts (it satisfies plain requests too); otherwise the usual one. */
  async getUserToken(request: TokenRequest): Promise<string> {
    const key = keyOf(request.user, request.resource);
    const held = this.held.get(key);
    if (held && held.until > this.now()) return held.token;
    if (held) this.held.delete(key);
    return this.inner.getUserToken(request);
  }
}

function keyOf(user: UserContext, resource: Resource): string {
  return `${user.tenantId}|${user.userId}|${resource}`.toLowerCase();
}
