// Composition entry for the bot: one call wires identity, the Graph client and the PIM providers.
// Config arrives validated from bot/config; nothing here reads process.env.

import { ClientCredentialsAppTokenProvider } from './identity/clientCredentialsAppTokenProvider';
import { LocalSsoUserTokenProvider } from './identity/localSsoUserTokenProvider';
import { MsalTokenClient } from './identity/msalTokenClient';
import { OboUserTokenProvider, type SsoTokenSource } from './identity/oboUserTokenProvider';
import type { AppTokenProvider, UserTokenProvider } from './identity/tokenProvider';
import { EntraRoleProvider } from './pim/entra/entraRoleProvider';
import { GraphApi, type GraphRetryPolicy } from './pim/graph/graphApi';
import { ProviderPimService } from './pim/pimService';
import type { PimService } from './pim/service';

export interface ServicesConfig {
  tenantId: string;
  /** https://localhost:PORT/<tenantId> locally; https://login.microsoftonline.com/<tenantId> in production. */
  authority: string;
  /** ['localhost:PORT'] locally; [] in production. */
  knownAuthorities: string[];
  clientId: string;
  clientSecret: string;
  /** https://localhost:PORT locally; https://graph.microsoft.com in production. */
  graphBaseUrl: string;
  /** Local mode only: the emulator's base URL, for the emulated SSO token. */
  localSsoUrl?: string;
  /** Per-user eligibility cache lifetime (default 60 s). */
  cacheTtlMs?: number;
  /** Production: the user's Teams SSO token, exchanged on-behalf-of. Required unless localSsoUrl is set. */
  ssoToken?: SsoTokenSource;
  /** Graph GET retries after 503/504 (default: one retry after 1 s). */
  graphRetry?: GraphRetryPolicy;
}

export interface Services {
  pim: PimService;
  userTokens: UserTokenProvider;
  /** App-only tokens through the same app registration, for what a user's token cannot do. */
  appTokens: AppTokenProvider;
}

export function createServices(config: ServicesConfig): Services {
  const msal = new MsalTokenClient({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authority: config.authority,
    knownAuthorities: config.knownAuthorities,
  });
  const userTokens = createUserTokens(config, msal);
  const graph = new GraphApi({ baseUrl: config.graphBaseUrl, retry: config.graphRetry });
  const providers = [new EntraRoleProvider({ graph, tokens: userTokens })];
  const pim = new ProviderPimService(providers, { cacheTtlMs: config.cacheTtlMs });
  return { pim, userTokens, appTokens: new ClientCredentialsAppTokenProvider(msal) };
}

function createUserTokens(config: ServicesConfig, msal: MsalTokenClient): UserTokenProvider {
  if (config.localSsoUrl) {
    return new LocalSsoUserTokenProvider({ emulatorUrl: config.localSsoUrl, tenantId: config.tenantId, botClientId: config.clientId, msal });
  }
  if (config.ssoToken) return new OboUserTokenProvider(msal, config.ssoToken);
  throw new Error('createServices: set localSsoUrl (local mode) or ssoToken (production)');
}

export type { PimService, PimProvider } from './pim/service';
export type { UserTokenProvider, AppTokenProvider, Resource, TokenRequest } from './identity/tokenProvider';
export type { SsoTokenSource } from './identity/oboUserTokenProvider';
export type { GraphRetryPolicy } from './pim/graph/graphApi';
export { PimError, isPimError, type PimErrorKind, type PimErrorDetails } from './pim/errors';
export * from './pim/model';
