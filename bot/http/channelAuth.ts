// Bot Framework authentication for production: inbound requests must carry a valid channel JWT
// (botframework-connector validates issuer, signature against the published keys, endorsements,
// audience = our app id and the serviceUrl claim); replies to the channel carry an app-only token
// from the same msal-node client (secret, certificate or federated credential) the rest of the bot uses.
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
// botbuilder's own dependency (same version); CloudAdapter answers 401 only for this error class.
import { AuthenticationError } from 'botframework-connector';
import { managedIdentityAssertion } from '../../services/identity/managedIdentityAssertion';
import { MsalTokenClient } from '../../services/identity/msalTokenClient';
import type { BotConfig } from '../config';

type CredentialsFactory = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]>;
type ServiceClientCredentials = Awaited<ReturnType<CredentialsFactory['createCredentials']>>;
type WebResource = Parameters<ServiceClientCredentials['signRequest']>[0];

/** Where the Bot Framework lives. Only tests change it (a stand-in issuer on the emulator), in process or through CLOUD_BOT_* settings. */
export interface ChannelAuthEndpoints {
  /** OpenID metadata of the channel token issuer. */
  readonly openIdMetadataUrl: string;
  readonly tokenIssuer: string;
  /** Authority for the bot's own outbound tokens. */
  readonly loginUrl: string;
  /** Hosts msal may trust without instance discovery. */
  readonly knownAuthorities: readonly string[];
  /** The Bot Framework token service (OAuth connections, SSO token exchange). */
  readonly oauthUrl: string;
}

const BOT_CONNECTOR_SCOPE = 'https://api.botframework.com';

export const PUBLIC_BOT_FRAMEWORK: Omit<ChannelAuthEndpoints, 'loginUrl' | 'knownAuthorities'> = {
  openIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  tokenIssuer: 'https://api.botframework.com',
  oauthUrl: 'https://api.botframework.com',
};

class MsalCredentialsFactory implements CredentialsFactory {
  constructor(
    private readonly appId: string,
    private readonly msal: MsalTokenClient,
  ) {}

  async isValidAppId(appId: string): Promise<boolean> {
    return appId.toLowerCase() === this.appId;
  }

  async isAuthenticationDisabled(): Promise<boolean> {
    return false;
  }

  async createCredentials(appId: string, audience: string | undefined): Promise<ServiceClientCredentials> {
    if (appId.toLowerCase() !== this.appId) throw new Error('credentials requested for an app id that is not this bot');
    const scope = `${(audience ?? BOT_CONNECTOR_SCOPE).replace(/\/+$/, '')}/.default`;
    const msal = this.msal;
    return {
      async signRequest(webResource: WebResource): Promise<WebResource> {
        webResource.headers.set('authorization', `Bearer ${await msal.clientCredentialsForScope(scope)}`);
        return webResource;
      },
    };
  }
}

export function createChannelAuthentication(
  config: BotConfig,
  endpoints?: Partial<ChannelAuthEndpoints>,
): ConfigurationBotFrameworkAuthentication {
  const production = config.production;
  if (!production) {
    // Local mode has no app id: requests are not authenticated and replies go to the activity's
    // serviceUrl without a token, which is what the Agents Playground expects.
    return new ConfigurationBotFrameworkAuthentication({});
  }
  const s = config.services;
  const e: ChannelAuthEndpoints = {
    ...PUBLIC_BOT_FRAMEWORK,
    loginUrl: s.authority,
    knownAuthorities: s.knownAuthorities,
    ...production.botFrameworkEndpoints,
    ...endpoints,
  };
  const msal = new MsalTokenClient({
    clientId: production.appId,
    ...(s.clientSecret !== undefined ? { clientSecret: s.clientSecret } : {}),
    ...(s.clientCertificate ? { clientCertificate: s.clientCertificate } : {}),
    ...(s.managedIdentity ? { clientAssertion: managedIdentityAssertion(s.managedIdentity) } : {}),
    authority: e.loginUrl,
    knownAuthorities: e.knownAuthorities,
  });
  const auth = new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: production.appId,
      MicrosoftAppType: production.appType,
      MicrosoftAppTenantId: production.appTenantId,
      // All of them, so botframework-connector takes its parameterized path with exactly these values.
      ToBotFromChannelOpenIdMetadataUrl: e.openIdMetadataUrl,
      // Tokens claiming an Emulator issuer are checked against the same keys: never trusted on their own.
      ToBotFromEmulatorOpenIdMetadataUrl: e.openIdMetadataUrl,
      ToBotFromChannelTokenIssuer: e.tokenIssuer,
      ToChannelFromBotLoginUrl: e.loginUrl,
      ToChannelFromBotOAuthScope: BOT_CONNECTOR_SCOPE,
      OAuthUrl: e.oauthUrl,
      CallerId: 'urn:botframework:azure',
      ValidateAuthority: true,
    },
    new MsalCredentialsFactory(production.appId, msal),
  );
  // botframework-connector lets some validation failures (a bad signature, a malformed token) escape
  // as plain errors, which CloudAdapter turns into a 500. Any failure to authenticate is a 401.
  const authenticate = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity, authHeader) => {
    try {
      return await authenticate(activity, authHeader);
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      throw new AuthenticationError('Unauthorized. The token could not be validated.', 401);
    }
  };
  return auth;
}
