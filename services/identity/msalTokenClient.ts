// One msal-node ConfidentialClientApplication for the bot's app registration, shared by the
// on-behalf-of and client-credentials providers so they share msal's token cache.

import { ConfidentialClientApplication, type AuthenticationResult } from '@azure/msal-node';
import { PimError } from '../pim/errors';
import { mapMsalError } from './msalErrors';
import { SCOPES } from './scopes';
import type { Resource } from './tokenProvider';

export interface MsalAppConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  /** https://login.microsoftonline.com/<tenant> in production; https://localhost:PORT/<tenant> locally. */
  readonly authority: string;
  /** Hosts msal may trust without instance discovery: ['localhost:PORT'] locally, [] in production. */
  readonly knownAuthorities: readonly string[];
}

export class MsalTokenClient {
  private readonly app: ConfidentialClientApplication;

  constructor(config: MsalAppConfig) {
    this.app = new ConfidentialClientApplication({
      auth: {
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        authority: config.authority,
        knownAuthorities: [...config.knownAuthorities],
      },
    });
  }

  /**
   * Exchanges the user's token for one to `resource`. msal caches per incoming assertion, so a
   * stable assertion means cache hits; `claims` (a step-up challenge) always goes to the service.
   */
  async onBehalfOf(assertion: string, resource: Resource, claims?: string): Promise<string> {
    let result: AuthenticationResult | null;
    try {
      result = await this.app.acquireTokenOnBehalfOf({ oboAssertion: assertion, scopes: [SCOPES[resource]], ...(claims ? { claims } : {}) });
    } catch (e) {
      throw mapMsalError(e, claims);
    }
    return accessToken(result);
  }

  async clientCredentials(resource: Resource): Promise<string> {
    let result: AuthenticationResult | null;
    try {
      result = await this.app.acquireTokenByClientCredential({ scopes: [SCOPES[resource]] });
    } catch (e) {
      throw mapMsalError(e);
    }
    return accessToken(result);
  }
}

function accessToken(result: AuthenticationResult | null): string {
  if (!result?.accessToken) throw new PimError('unknown', 'The token service returned no access token');
  return result.accessToken;
}
