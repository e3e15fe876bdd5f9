// Production: the bot receives the user's Teams SSO token (audience = the bot's app id) and this
// exchanges it on-behalf-of the user. Where that token comes from is the bot's business.

import { PimError } from '../pim/errors';
import type { UserContext } from '../pim/model';
import type { MsalTokenClient } from './msalTokenClient';
import type { TokenRequest, UserTokenProvider } from './tokenProvider';

/** Returns the user's current SSO token, or undefined when the bot holds none (sign-in needed). */
export type SsoTokenSource = (user: UserContext) => Promise<string | undefined>;

export class OboUserTokenProvider implements UserTokenProvider {
  constructor(
    private readonly msal: MsalTokenClient,
    private readonly ssoToken: SsoTokenSource,
  ) {}

  async getUserToken(request: TokenRequest): Promise<string> {
    const sso = await this.ssoToken(request.user);
    if (!sso)
      throw new PimError(
        'authenticationRequired',
        'No SSO token for the user',
        request.claims ? { claims: request.claims, resource: request.resource } : {},
      );
    return this.msal.onBehalfOf(sso, request.resource, request.claims, request.user);
  }
}
