import type { MsalTokenClient } from './msalTokenClient';
import type { AppTokenProvider, Resource } from './tokenProvider';

/** App-only tokens (client credentials); msal-node caches them until shortly before expiry. */
export class ClientCredentialsAppTokenProvider implements AppTokenProvider {
  constructor(private readonly msal: MsalTokenClient) {}

  getAppToken(resource: Resource): Promise<string> {
    return this.msal.clientCredentials(resource);
  }
}
