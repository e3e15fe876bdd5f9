// Built-in Entra roles the local tenant knows: Microsoft's real template ids and descriptions.
import { DEMO_ROLES } from '../demoTenant';
import type { RoleDefinitionRecord } from './types';

const DIRECTORY_READERS = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';

/**
 * The roles of this catalog Microsoft marks privileged (isPrivileged, "Privileged roles and permissions in
 * Microsoft Entra ID"): they can lead to elevated access. Records of older files take the flag from here.
 */
export const PRIVILEGED_ROLE_IDS: ReadonlySet<string> = new Set([
  DEMO_ROLES.globalAdministrator.id,
  DEMO_ROLES.globalReader.id,
  DEMO_ROLES.userAdministrator.id,
  DEMO_ROLES.securityAdministrator.id,
  DEMO_ROLES.privilegedRoleAdministrator.id,
  '729827e3-9c14-49f7-bb1b-9608f156bbb8' /* Helpdesk Administrator */,
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3' /* Application Administrator */,
]);

export function isPrivilegedRole(r: Pick<RoleDefinitionRecord, 'isPrivileged' | 'templateId'>): boolean {
  return r.isPrivileged ?? PRIVILEGED_ROLE_IDS.has(r.templateId.toLowerCase());
}

function builtIn(id: string, displayName: string, description: string, actions: string[], inherits = true): RoleDefinitionRecord {
  return {
    id,
    description,
    displayName,
    isBuiltIn: true,
    isEnabled: true,
    templateId: id,
    version: '1',
    resourceScopes: ['/'],
    rolePermissions: [{ allowedResourceActions: actions, condition: null }],
    inheritsPermissionsFrom: inherits ? [{ id: DIRECTORY_READERS }] : [],
    isPrivileged: PRIVILEGED_ROLE_IDS.has(id),
  };
}

export function builtInRoleDefinitions(): RoleDefinitionRecord[] {
  return [
    builtIn(
      DEMO_ROLES.globalAdministrator.id,
      DEMO_ROLES.globalAdministrator.displayName,
      'Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.',
      [
        'microsoft.directory/users/allProperties/allTasks',
        'microsoft.directory/groups/allProperties/allTasks',
        'microsoft.directory/roleAssignments/allProperties/allTasks',
      ],
    ),
    builtIn(
      DEMO_ROLES.globalReader.id,
      DEMO_ROLES.globalReader.displayName,
      'Can read everything that a Global Administrator can, but not update anything.',
      [
        'microsoft.directory/users/allProperties/read',
        'microsoft.directory/groups/allProperties/read',
        'microsoft.directory/roleAssignments/allProperties/read',
      ],
    ),
    builtIn(
      DEMO_ROLES.userAdministrator.id,
      DEMO_ROLES.userAdministrator.displayName,
      'Can manage all aspects of users and groups, including resetting passwords for limited admins.',
      [
        'microsoft.directory/users/create',
        'microsoft.directory/users/delete',
        'microsoft.directory/users/password/update',
        'microsoft.directory/groups/create',
      ],
    ),
    builtIn(
      DEMO_ROLES.securityAdministrator.id,
      DEMO_ROLES.securityAdministrator.displayName,
      'Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.',
      ['microsoft.directory/conditionalAccessPolicies/create', 'microsoft.directory/identityProtection/allProperties/allTasks'],
    ),
    builtIn(
      DEMO_ROLES.privilegedRoleAdministrator.id,
      DEMO_ROLES.privilegedRoleAdministrator.displayName,
      'Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.',
      [
        'microsoft.directory/privilegedIdentityManagement/allProperties/allTasks',
        'microsoft.directory/roleAssignments/allProperties/allTasks',
        'microsoft.directory/roleDefinitions/allProperties/allTasks',
      ],
    ),
    builtIn(
      '729827e3-9c14-49f7-bb1b-9608f156bbb8',
      'Helpdesk Administrator',
      'Can reset passwords for non-administrators and Helpdesk Administrators.',
      ['microsoft.directory/users/invalidateAllRefreshTokens', 'microsoft.directory/users/password/update'],
    ),
    builtIn(
      'f023fd81-a637-4b56-95fd-791ac0226033',
      'Service Support Administrator',
      'Can read service health information and manage support tickets.',
      ['microsoft.azure.serviceHealth/allEntities/allTasks', 'microsoft.office365.supportTickets/allEntities/allTasks'],
    ),
    builtIn(
      'b0f54661-2d74-4c50-afa3-1ec803f12efe',
      'Billing Administrator',
      'Can perform common billing related tasks like updating payment information.',
      ['microsoft.directory/organization/basic/update', 'microsoft.commerce.billing/allEntities/allTasks'],
    ),
    builtIn(
      'fdd7a751-b60b-444a-984c-02652fe8fa1c',
      'Groups Administrator',
      'Members of this role can create/manage groups, create/manage groups settings like naming and expiration policies, and view groups activity and audit reports.',
      ['microsoft.directory/groups/create', 'microsoft.directory/groups/delete', 'microsoft.directory/groups/members/update'],
    ),
    builtIn(
      '8424c6f0-a189-499e-bbd0-26c1753c96d4',
      'Attribute Definition Administrator',
      'Define and manage the definition of custom security attributes.',
      [
        'microsoft.directory/attributeSets/allProperties/allTasks',
        'microsoft.directory/customSecurityAttributeDefinitions/allProperties/allTasks',
      ],
      false,
    ),
    builtIn(
      '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
      'Application Administrator',
      'Can create and manage all aspects of app registrations and enterprise apps.',
      ['microsoft.directory/applications/create', 'microsoft.directory/servicePrincipals/create'],
    ),
    builtIn(
      '5d6b6bb7-de71-4623-b4af-96380a352509',
      'Security Reader',
      'Can read security information and reports in Microsoft Entra ID and Office 365.',
      ['microsoft.directory/auditLogs/allProperties/read', 'microsoft.directory/signInReports/allProperties/read'],
    ),
    builtIn(
      DIRECTORY_READERS,
      'Directory Readers',
      'Can read basic directory information. Commonly used to grant directory read access to applications and guests.',
      ['microsoft.directory/users/standard/read', 'microsoft.directory/groups/standard/read'],
      false,
    ),
  ];
}
