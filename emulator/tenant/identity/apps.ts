// App registrations of the local tenant and the APIs tokens can be issued for.
import { LOCAL_BOT_APP } from '../demoTenant';
import { stableGuid } from '../state/ids';
import type { AppCertificate } from './clientCertificates';
import type { FederatedCredential } from './managedIdentity';

export type ResourceName = 'graph' | 'arm' | 'botframework';

export interface ResourceApi {
  readonly name: ResourceName;
  /** The `aud` of tokens for this API. */
  readonly audience: string;
  /** Other spellings Entra accepts in a scope or audience (the API's app id). */
  readonly aliases: readonly string[];
}

export const RESOURCES: readonly ResourceApi[] = [
  {
    name: 'graph',
    audience: 'https://graph.microsoft.com',
    aliases: ['00000003-0000-0000-c000-000000000000', 'https://graph.microsoft.com/'],
  },
  {
    name: 'arm',
    audience: 'https://management.azure.com',
    aliases: [
      '797f4846-ba00-4fd7-ba43-dac1f8f63013',
      'https://management.azure.com/',
      'https://management.core.windows.net',
      'https://management.core.windows.net/',
    ],
  },
  // The Bot Connector: app-only tokens the bot presents when it replies to the channel.
  { name: 'botframework', audience: 'https://api.botframework.com', aliases: ['https://api.botframework.com/'] },
];

export interface AppRegistration {
  readonly clientId: string;
  readonly displayName: string;
  readonly clientSecret: string;
  /** Object id of the app's service principal: the oid of its app-only tokens. */
  readonly servicePrincipalId: string;
  /** Application permissions (admin-consented) per API: the `roles` of app-only tokens. */
  readonly applicationPermissions: Readonly<Partial<Record<ResourceName, readonly string[]>>>;
  /** Delegated permissions (admin-consented) per API: the `scp` of on-behalf-of tokens. */
  readonly delegatedPermissions: Readonly<Partial<Record<ResourceName, readonly string[]>>>;
  /** Audiences this app's own API accepts (the SSO token's aud). */
  readonly ownAudiences: readonly string[];
  /** Uploaded certificates ("Certificates & secrets"): client assertions signed with them authenticate the app. */
  readonly certificates?: readonly AppCertificate[];
  /** Federated identity credentials: tokens of these issuers/subjects are accepted as client assertions. */
  readonly federatedCredentials?: readonly FederatedCredential[];
}

// The bot reads PIM data app-only (reconciling approvals, admin questions) but acts for users only
// through their own delegated tokens, so its application permissions on PIM are read-only.
export function botAppRegistration(clientSecret: string, certificates: readonly AppCertificate[] = []): AppRegistration {
  return {
    certificates,
    clientId: LOCAL_BOT_APP.clientId,
    displayName: LOCAL_BOT_APP.displayName,
    clientSecret,
    servicePrincipalId: stableGuid('service-principal', LOCAL_BOT_APP.clientId),
    applicationPermissions: {
      graph: [
        'RoleManagement.Read.Directory',
        'RoleManagementPolicy.Read.Directory',
        'RoleEligibilitySchedule.Read.Directory',
        'RoleAssignmentSchedule.Read.Directory',
        'PrivilegedAccess.Read.AzureADGroup',
        'User.Read.All',
        'GroupMember.Read.All',
        'AuditLog.Read.All',
        'RoleManagementAlert.Read.Directory',
        // Installs itself (and no other app) for an approver who never opened the bot, so their approval card can reach them.
        'TeamsAppInstallation.ReadWriteSelfForUser.All',
      ],
      arm: [],
    },
    delegatedPermissions: {
      graph: [
        'RoleManagement.ReadWrite.Directory',
        'RoleAssignmentSchedule.ReadWrite.Directory',
        'RoleEligibilitySchedule.Read.Directory',
        'RoleManagementPolicy.Read.Directory',
        'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
        'PrivilegedEligibilitySchedule.Read.AzureADGroup',
        'RoleManagementPolicy.Read.AzureADGroup',
        'User.Read',
        'User.ReadBasic.All',
        'GroupMember.Read.All',
        'AuditLog.Read.All',
        'RoleManagementAlert.ReadWrite.Directory',
      ],
      arm: ['user_impersonation'],
    },
    ownAudiences: [LOCAL_BOT_APP.clientId, `api://${LOCAL_BOT_APP.clientId}`],
  };
}

/** Resolves a scope such as "https://graph.microsoft.com/.default" to its API. */
export function resourceForScope(scope: string): ResourceApi | undefined {
  const m = /^(.*?)\/?\.default$/.exec(scope);
  const base = (m ? m[1]! : scope).replace(/\/+$/, '').toLowerCase();
  return RESOURCES.find((r) => r.audience.toLowerCase() === base || r.aliases.some((a) => a.replace(/\/+$/, '').toLowerCase() === base));
}
