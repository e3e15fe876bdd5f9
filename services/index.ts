// Composition entry for the bot: one call wires identity, the Graph client and the PIM providers.
// Config arrives validated from bot/config; nothing here reads process.env.

import { managedIdentityAssertion, type ManagedIdentitySource } from './identity/managedIdentityAssertion';
import { ApprovalDecisions } from './approvals/decisions';
import { AzureApprovals } from './approvals/azure/azureApprovals';
import { EntraApprovals } from './approvals/entra/entraApprovals';
import { GroupApprovals } from './approvals/groups/groupApprovals';
import { GraphAppInstaller } from './approvals/graphAppInstaller';
import { GraphDirectory } from './approvals/graphDirectory';
import type { AppInstallerPort, ApprovalsPort, DirectoryPort } from './approvals/port';
import { checkAdminGroup, type AdminGroupCheck } from './admin/adminGroupCheck';
import { ClientCredentialsAppTokenProvider } from './identity/clientCredentialsAppTokenProvider';
import { LocalSsoUserTokenProvider } from './identity/localSsoUserTokenProvider';
import type { TokenCacheStore } from './identity/encryptedTokenCache';
import { MsalTokenClient, type ClientCertificate } from './identity/msalTokenClient';
import { OboUserTokenProvider, type SsoTokenSource } from './identity/oboUserTokenProvider';
import { StepUpTokens } from './identity/stepUpTokens';
import type { AppTokenProvider, UserTokenProvider } from './identity/tokenProvider';
import { EntraRoleProvider } from './pim/entra/entraRoleProvider';
import { GraphAdminService, type AdminService } from './admin/adminService';
import { GraphApi, type GraphRetryPolicy } from './pim/graph/graphApi';
import { ProviderPimService } from './pim/pimService';
import type { PimProvider, PimService } from './pim/service';
import { GroupsProvider } from './pim/groups/groupsProvider';
import { ArmApi } from './pim/azure/armApi';
import { AzureResourceProvider } from './pim/azure/azureProvider';
import { configured, type PerSurface } from './pim/surfaces';

export interface ServicesConfig {
  tenantId: string;
  /** https://localhost:PORT/<tenantId> locally; https://login.microsoftonline.com/<tenantId> in production. */
  authority: string;
  /** ['localhost:PORT'] locally; [] in production. */
  knownAuthorities: string[];
  clientId: string;
  /** Exactly one of clientSecret and clientCertificate (the app registration's credential). */
  clientSecret?: string;
  clientCertificate?: ClientCertificate;
  /** Or a federated credential backed by the host's managed identity (no secret at all). */
  managedIdentity?: ManagedIdentitySource;
  /** Persist each user's msal cache, encrypted with tokenCacheKey (32 bytes); omitted = memory only. */
  tokenCacheStore?: TokenCacheStore;
  tokenCacheKey?: Buffer;
  /** https://localhost:PORT locally; https://graph.microsoft.com in production. */
  graphBaseUrl: string;
  /** https://localhost:PORT locally; https://management.azure.com in production. Omitted = no Azure resource roles. */
  armBaseUrl?: string;
  /** Local mode only: the emulator's base URL, for the emulated SSO token. */
  localSsoUrl?: string;
  /** Per-user eligibility cache lifetime (default 60 s). */
  cacheTtlMs?: number;
  /** Production: the user's Teams SSO token, exchanged on-behalf-of. Required unless localSsoUrl is set. */
  ssoToken?: SsoTokenSource;
  /** Graph GET retries after 503/504 (default: one retry after 1 s). */
  graphRetry?: GraphRetryPolicy;
  /** Members of this group may ask tenant-wide admin questions. */
  adminGroupId?: string;
  /** The bot's id in the Teams app catalog: set, approvers the bot cannot reach get the app installed. */
  teamsAppCatalogId?: string;
}

export interface Services {
  pim: PimService;
  userTokens: UserTokenProvider;
  /** Step-up sign-in (authorization code + PKCE with PIM's claims) and the tokens it yields; userTokens goes through it. */
  stepUp: StepUpTokens;
  /** App-only tokens through the same app registration, for what a user's token cannot do. */
  appTokens: AppTokenProvider;
  /** Approvals on every surface that has them, decided with the approver's own token. */
  approvals: { decisions: ApprovalDecisions; people: DirectoryPort; installer?: AppInstallerPort };
  /** Admins' questions (who holds what, pending, activity, alerts, settings). */
  admin: AdminService;
  /** ADMIN_GROUP_ID's group as Graph describes it (checked once at start); absent without the setting. */
  adminGroup?: { check(): Promise<AdminGroupCheck> };
}

export function createServices(config: ServicesConfig): Services {
  const msal = new MsalTokenClient({
    clientId: config.clientId,
    ...(config.clientSecret !== undefined ? { clientSecret: config.clientSecret } : {}),
    ...(config.clientCertificate ? { clientCertificate: config.clientCertificate } : {}),
    ...(config.managedIdentity ? { clientAssertion: managedIdentityAssertion(config.managedIdentity) } : {}),
    authority: config.authority,
    knownAuthorities: config.knownAuthorities,
    ...(config.tokenCacheStore && config.tokenCacheKey ? { cacheStore: config.tokenCacheStore, cacheKey: config.tokenCacheKey } : {}),
  });
  const stepUp = new StepUpTokens(msal, createUserTokens(config, msal));
  const userTokens: UserTokenProvider = stepUp;
  const graph = new GraphApi({ baseUrl: config.graphBaseUrl, retry: config.graphRetry });
  const appTokens = new ClientCredentialsAppTokenProvider(msal);
  const arm = config.armBaseUrl ? new ArmApi({ baseUrl: config.armBaseUrl, tokens: userTokens, appTokens }) : undefined;
  const providers: PerSurface<PimProvider> = {
    entraRole: new EntraRoleProvider({ graph, tokens: userTokens }),
    group: new GroupsProvider({ graph, tokens: userTokens }),
    azureResource: arm ? new AzureResourceProvider({ arm }) : undefined,
  };
  const pim = new ProviderPimService(configured(providers), { cacheTtlMs: config.cacheTtlMs });
  const approvalPorts: PerSurface<ApprovalsPort> = {
    entraRole: new EntraApprovals({ graph, userTokens, appTokens }),
    group: new GroupApprovals({ graph, userTokens, appTokens }),
    azureResource: arm ? new AzureApprovals({ arm }) : undefined,
  };
  const installer = config.teamsAppCatalogId
    ? new GraphAppInstaller(graph, appTokens, { catalogAppId: config.teamsAppCatalogId, graphBaseUrl: config.graphBaseUrl })
    : undefined;
  const approvals = {
    decisions: new ApprovalDecisions(configured(approvalPorts)),
    people: new GraphDirectory(graph, appTokens),
    ...(installer ? { installer } : {}),
  };
  const admin = new GraphAdminService({
    graph,
    userTokens,
    appTokens,
    ...(config.adminGroupId ? { adminGroupId: config.adminGroupId } : {}),
    ...(arm ? { arm } : {}),
  });
  const adminGroupId = config.adminGroupId;
  const adminGroup = adminGroupId ? { check: () => checkAdminGroup(graph, appTokens, adminGroupId) } : undefined;
  return { pim, userTokens, stepUp, appTokens, approvals, admin, ...(adminGroup ? { adminGroup } : {}) };
}

function createUserTokens(config: ServicesConfig, msal: MsalTokenClient): UserTokenProvider {
  if (config.localSsoUrl) {
    return new LocalSsoUserTokenProvider({
      emulatorUrl: config.localSsoUrl,
      tenantId: config.tenantId,
      botClientId: config.clientId,
      msal,
    });
  }
  if (config.ssoToken) return new OboUserTokenProvider(msal, config.ssoToken);
  throw new Error('createServices: set localSsoUrl (local mode) or ssoToken (production)');
}

export type { PimService, PimProvider } from './pim/service';
export type { UserTokenProvider, AppTokenProvider, Resource, TokenRequest } from './identity/tokenProvider';
export type { SsoTokenSource } from './identity/oboUserTokenProvider';
export type { StepUpTokens } from './identity/stepUpTokens';
export type { GraphRetryPolicy } from './pim/graph/graphApi';
export { PimError, isPimError, type PimErrorKind, type PimErrorDetails } from './pim/errors';
export * from './pim/model';
