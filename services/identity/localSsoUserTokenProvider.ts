// Local mode: the emulator stands in for Teams SSO. We ask it for the SSO token Teams would have
// handed the bot for this user, then run msal-node's real on-behalf-of flow with it, exactly as
// production does with the token from Teams.

import { PimError } from '../pim/errors';
import { asRecord, readString } from '../pim/json';
import type { UserContext } from '../pim/model';
import { jwtExpiry } from './jwt';
import type { MsalTokenClient } from './msalTokenClient';
import type { TokenRequest, UserTokenProvider } from './tokenProvider';

export interface LocalSsoOptions {
  /** The emulator's base URL (https://localhost:PORT). */
  readonly emulatorUrl: string;
  readonly tenantId: string;
  /** The bot's app id: the audience of the SSO token, as in Teams. */
  readonly botClientId: string;
  readonly msal: MsalTokenClient;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

/**
 * Reuse an SSO token until this long before it expires. Re-using it also keeps msal's on-behalf-of
 * cache (keyed by the incoming assertion) warm, so a warm conversation makes no token calls.
 */
export const SSO_REFRESH_MARGIN_MS = 5 * 60_000;
/** When the token names no expiry, keep it briefly rather than not at all. */
const SSO_FALLBACK_TTL_MS = 5 * 60_000;

interface CachedSso {
  readonly token: string;
  readonly reuseUntil: number;
}

export class LocalSsoUserTokenProvider implements UserTokenProvider {
  private readonly cache = new Map<string, CachedSso>();
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly now: () => number;
  private readonly fetchImpl: typeof fetch;
  private readonly ssoUrl: string;

  constructor(private readonly options: LocalSsoOptions) {
    this.now = options.now ?? Date.now;
    this.fetchImpl = options.fetch ?? fetch;
    const base = options.emulatorUrl.replace(/\/+$/, '');
    this.ssoUrl = `${base}/${encodeURIComponent(options.tenantId)}/emulator/sso`;
  }

  async getUserToken(request: TokenRequest): Promise<string> {
    const userId = request.user.userId;
    const wasCached = this.isCached(userId);
    const sso = await this.ssoToken(request.user);
    try {
      return await this.options.msal.onBehalfOf(sso, request.resource, request.claims, request.user);
    } catch (e) {
      // A cached SSO token the token service no longer accepts (e.g. the emulator restarted with
      // new keys) is dropped and fetched once more. A step-up demand (claims) goes straight up: an
      // SSO token never carries a step-up, only the authorization-code sign-in does (StepUpTokens).
      if (!(e instanceof PimError) || e.kind !== 'authenticationRequired') throw e;
      if (e.details.claims !== undefined) throw e;
      this.forget(userId);
      if (!wasCached) throw e;
      const fresh = await this.ssoToken(request.user);
      return this.options.msal.onBehalfOf(fresh, request.resource, request.claims, request.user);
    }
  }

  /** Forgets the user's SSO token (e.g. after the emulator was reset). */
  forget(userId: string): void {
    this.cache.delete(userId);
  }

  private isCached(userId: string): boolean {
    const cached = this.cache.get(userId);
    return cached !== undefined && cached.reuseUntil > this.now();
  }

  private async ssoToken(user: UserContext): Promise<string> {
    const cached = this.cache.get(user.userId);
    if (cached && cached.reuseUntil > this.now()) return cached.token;
    const pending = this.inFlight.get(user.userId);
    if (pending) return pending;
    const fetching = this.fetchSso(user.userId).finally(() => this.inFlight.delete(user.userId));
    this.inFlight.set(user.userId, fetching);
    return fetching;
  }

  private async fetchSso(userId: string): Promise<string> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.ssoUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId, audience: this.options.botClientId }),
      });
    } catch {
      throw new PimError('unavailable', 'The local SSO endpoint is unreachable');
    }
    if (!response.ok) throw ssoFailure(response);
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new PimError('unknown', 'The local SSO endpoint answered without JSON', { httpStatus: response.status });
    }
    const token = readString(asRecord(body), 'token');
    if (!token) throw new PimError('unknown', 'The local SSO endpoint answered without a token', { httpStatus: response.status });
    const expiry = jwtExpiry(token)?.getTime() ?? this.now() + SSO_FALLBACK_TTL_MS + SSO_REFRESH_MARGIN_MS;
    this.cache.set(userId, { token, reuseUntil: expiry - SSO_REFRESH_MARGIN_MS });
    return token;
  }
}

function ssoFailure(response: Response): PimError {
  const details = { httpStatus: response.status };
  if (response.status === 429) return new PimError('throttled', 'The local SSO endpoint throttled the call', details);
  if (response.status >= 500) return new PimError('unavailable', 'The local SSO endpoint is unavailable', details);
  // An unknown user or app: as in Teams, the user has no SSO session the bot can use.
  return new PimError('authenticationRequired', 'The local SSO endpoint refused the user', details);
}
