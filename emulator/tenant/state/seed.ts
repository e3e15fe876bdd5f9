// The demo tenant of DESIGN.md section 3, built from the ids in demoTenant.ts.
import { DEMO_AZURE, DEMO_GROUPS, DEMO_ROLES, DEMO_TENANT_ID, DEMO_USERS, LOCAL_BOT_APP } from '../demoTenant';
import { graphPairId, stableGuid } from './ids';
import { buildPolicyRules, DIRECTORY_ROLE_DEFAULTS, GROUP_DEFAULTS, type PolicySettings } from './policyTemplate';
import { builtInRoleDefinitions } from './roleCatalog';
import type {
  AssignmentScheduleRecord,
  EligibilityScheduleRecord,
  GroupRecord,
  PolicyAssignmentRecord,
  PolicyRecord,
  TenantData,
  UserRecord,
} from './types';
import { TENANT_DATA_VERSION } from './types';

/** Seeded schedules begin here, so they are active whatever the controllable clock says (short of the past). */
export const SEED_START = '2020-01-01T00:00:00Z';

const SURNAMES: Record<string, string> = { alice: 'Adams', bob: 'Brown', carol: 'Chen', dave: 'Diaz', erin: 'Evans' };
const DEPARTMENTS: Record<string, string> = {
  alice: 'Platform Engineering',
  bob: 'Platform Engineering',
  carol: 'IT',
  dave: 'Security',
  erin: 'Sales',
};
/** Who reports to whom (Graph's manager navigation). */
const MANAGERS: Record<string, keyof typeof DEMO_USERS> = { alice: 'bob', erin: 'dave' };
const JOB_TITLES: Record<string, string> = {
  alice: 'Site Reliability Engineer',
  bob: 'Engineering Manager',
  carol: 'Identity Administrator',
  dave: 'Security Lead',
  erin: 'Sales Associate',
};

export const DEMO_POLICY_SETTINGS: Record<string, Partial<PolicySettings>> = {
  [DEMO_ROLES.globalReader.id]: { maxActivation: 'PT8H', enabledRules: ['Justification'], approvers: null },
  [DEMO_ROLES.userAdministrator.id]: {
    maxActivation: 'PT4H',
    enabledRules: ['Justification', 'Ticketing'],
    approvers: [{ kind: 'group', id: DEMO_GROUPS.pimApprovers.id }],
  },
  [DEMO_ROLES.securityAdministrator.id]: { maxActivation: 'PT2H', enabledRules: ['Justification'], authenticationContext: 'c1' },
};

export function createSeed(tenantId: string = DEMO_TENANT_ID): TenantData {
  const users: UserRecord[] = Object.entries(DEMO_USERS).map(([key, u]) => ({
    id: u.id,
    displayName: u.displayName,
    givenName: u.givenName,
    surname: SURNAMES[key] ?? null,
    userPrincipalName: u.userPrincipalName,
    mail: u.userPrincipalName,
    jobTitle: JOB_TITLES[key] ?? null,
    department: DEPARTMENTS[key] ?? null,
    managerId: MANAGERS[key] ? DEMO_USERS[MANAGERS[key]].id : null,
    businessPhones: [],
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
  }));

  const groups: GroupRecord[] = [
    {
      id: DEMO_GROUPS.pimApprovers.id,
      displayName: DEMO_GROUPS.pimApprovers.displayName,
      description: 'Approve privileged access requests',
      mailNickname: 'pim-approvers',
      mailEnabled: false,
      securityEnabled: true,
      isAssignableToRole: false,
      groupTypes: [],
      members: [DEMO_USERS.bob.id, DEMO_USERS.dave.id],
    },
    {
      id: DEMO_GROUPS.sreOnCall.id,
      displayName: DEMO_GROUPS.sreOnCall.displayName,
      description: 'On-call site reliability engineers (PIM for Groups)',
      mailNickname: 'sre-on-call',
      mailEnabled: false,
      securityEnabled: true,
      isAssignableToRole: true,
      groupTypes: [],
      members: [],
    },
    {
      id: DEMO_GROUPS.accessReviewers.id,
      displayName: DEMO_GROUPS.accessReviewers.displayName,
      description:
        'May ask the PIM bot tenant-wide questions (ADMIN_GROUP_ID); role-assignable, so only privileged role administrators change its members',
      mailNickname: 'access-reviewers',
      mailEnabled: false,
      securityEnabled: true,
      isAssignableToRole: true,
      groupTypes: [],
      members: [DEMO_USERS.carol.id],
    },
  ];

  const roleDefinitions = builtInRoleDefinitions();

  const permanent = {
    startDateTime: SEED_START,
    recurrence: null,
    expiration: { type: 'noExpiration' as const, endDateTime: null, duration: null },
  };
  const aliceEligible = [DEMO_ROLES.globalReader.id, DEMO_ROLES.userAdministrator.id, DEMO_ROLES.securityAdministrator.id];
  const roleEligibilitySchedules: EligibilityScheduleRecord[] = aliceEligible.map((roleId) => {
    const id = stableGuid('eligibility', DEMO_USERS.alice.id, roleId);
    return {
      id,
      principalId: DEMO_USERS.alice.id,
      roleDefinitionId: roleId,
      directoryScopeId: '/',
      appScopeId: null,
      createdUsing: id,
      createdDateTime: SEED_START,
      modifiedDateTime: null,
      status: 'Provisioned',
      memberType: 'Direct',
      scheduleInfo: structuredClone(permanent),
      startDateTime: SEED_START,
      endDateTime: null,
    };
  });

  const carolPraId = `${graphPairId(DEMO_ROLES.privilegedRoleAdministrator.id, DEMO_USERS.carol.id)}-1`;
  const roleAssignmentSchedules: AssignmentScheduleRecord[] = [
    {
      id: carolPraId,
      principalId: DEMO_USERS.carol.id,
      roleDefinitionId: DEMO_ROLES.privilegedRoleAdministrator.id,
      directoryScopeId: '/',
      appScopeId: null,
      createdUsing: null,
      createdDateTime: null,
      modifiedDateTime: null,
      status: 'Provisioned',
      memberType: 'Direct',
      scheduleInfo: structuredClone(permanent),
      startDateTime: SEED_START,
      endDateTime: null,
      assignmentType: 'Assigned',
      activatedUsing: null,
    },
  ];

  const policies: PolicyRecord[] = [];
  const policyAssignments: PolicyAssignmentRecord[] = [];
  for (const role of roleDefinitions) {
    const settings = { ...DIRECTORY_ROLE_DEFAULTS, ...DEMO_POLICY_SETTINGS[role.id] };
    const policyId = `DirectoryRole_${tenantId}_${stableGuid('policy', tenantId, role.id)}`;
    policies.push(policyRecord(policyId, '/', 'DirectoryRole', settings));
    policyAssignments.push({ id: `${policyId}_${role.id}`, policyId, scopeId: '/', scopeType: 'DirectoryRole', roleDefinitionId: role.id });
  }
  for (const accessId of ['member', 'owner'] as const) {
    const groupId = DEMO_GROUPS.sreOnCall.id;
    // Owner needs approval by PIM Approvers, so approvals exist on the groups surface too.
    const settings: PolicySettings =
      accessId === 'member'
        ? { ...GROUP_DEFAULTS, maxActivation: 'PT4H' }
        : { ...GROUP_DEFAULTS, approvers: [{ kind: 'group', id: DEMO_GROUPS.pimApprovers.id }] };
    const policyId = `Group_${groupId}_${stableGuid('policy', groupId, accessId)}`;
    policies.push(policyRecord(policyId, groupId, 'Group', settings));
    policyAssignments.push({ id: `${policyId}_${accessId}`, policyId, scopeId: groupId, scopeType: 'Group', roleDefinitionId: accessId });
  }

  const subscriptionScope = `/subscriptions/${DEMO_AZURE.subscription.id}`;
  const rgScope = `${subscriptionScope}/resourceGroups/${DEMO_AZURE.resourceGroup.name}`;
  const armRole = (guid: string) => `${subscriptionScope}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
  const contributor = armRole('b24988ac-6180-42a0-ab88-20f7382dd24c');
  const reader = armRole('acdd72a7-3385-48ef-bd42-f606fba81ae7');
  const mgScope = `/providers/Microsoft.Management/managementGroups/${DEMO_AZURE.managementGroup.name}`;
  const siteScope = `${rgScope}/providers/Microsoft.Web/sites/${DEMO_AZURE.site.name}`;
  // Above a subscription, ARM names built-in roles without a subscription prefix.
  const tenantReader = '/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7';
  const websiteContributor = armRole('de139f84-1756-47ae-9be6-808fbbe84772');

  return {
    version: TENANT_DATA_VERSION,
    tenantId,
    users,
    groups,
    roleDefinitions,
    roleEligibilitySchedules,
    roleAssignmentSchedules,
    roleAssignmentScheduleRequests: [],
    roleEligibilityScheduleRequests: [],
    policies,
    policyAssignments,
    groupEligibilities: [
      {
        id: `${DEMO_GROUPS.sreOnCall.id}_member_${stableGuid('group-eligibility', DEMO_USERS.alice.id)}`,
        groupId: DEMO_GROUPS.sreOnCall.id,
        principalId: DEMO_USERS.alice.id,
        accessId: 'member',
        startDateTime: SEED_START,
        endDateTime: null,
        memberType: 'Direct',
      },
      {
        id: `${DEMO_GROUPS.sreOnCall.id}_owner_${stableGuid('group-eligibility-owner', DEMO_USERS.alice.id)}`,
        groupId: DEMO_GROUPS.sreOnCall.id,
        principalId: DEMO_USERS.alice.id,
        accessId: 'owner',
        startDateTime: SEED_START,
        endDateTime: null,
        memberType: 'Direct',
      },
    ],
    groupAssignments: [],
    groupAssignmentRequests: [],
    azure: {
      scopes: [
        { id: mgScope, displayName: DEMO_AZURE.managementGroup.displayName, type: 'managementgroup' },
        { id: subscriptionScope, displayName: DEMO_AZURE.subscription.displayName, type: 'subscription' },
        { id: rgScope, displayName: DEMO_AZURE.resourceGroup.name, type: 'resourcegroup' },
        { id: siteScope, displayName: DEMO_AZURE.site.name, type: 'resource' },
      ],
      roleDefinitions: [
        { id: contributor, name: 'b24988ac-6180-42a0-ab88-20f7382dd24c', roleName: 'Contributor' },
        { id: reader, name: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', roleName: 'Reader' },
        { id: armRole('8e3af657-a8ff-443c-a75c-2fe8c4bcb635'), name: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', roleName: 'Owner' },
        { id: websiteContributor, name: 'de139f84-1756-47ae-9be6-808fbbe84772', roleName: 'Website Contributor' },
      ],
      eligibilities: [
        {
          id: stableGuid('arm-eligibility', subscriptionScope, contributor),
          scope: subscriptionScope,
          principalId: DEMO_USERS.alice.id,
          roleDefinitionId: contributor,
          startDateTime: SEED_START,
          endDateTime: null,
        },
        {
          id: stableGuid('arm-eligibility', rgScope, reader),
          scope: rgScope,
          principalId: DEMO_USERS.alice.id,
          roleDefinitionId: reader,
          startDateTime: SEED_START,
          endDateTime: null,
        },
        // Above and below the subscription, so every ARM scope kind is exercised.
        {
          id: stableGuid('arm-eligibility', mgScope, tenantReader),
          scope: mgScope,
          principalId: DEMO_USERS.alice.id,
          roleDefinitionId: tenantReader,
          startDateTime: SEED_START,
          endDateTime: null,
        },
        {
          id: stableGuid('arm-eligibility', siteScope, websiteContributor),
          scope: siteScope,
          principalId: DEMO_USERS.alice.id,
          roleDefinitionId: websiteContributor,
          startDateTime: SEED_START,
          endDateTime: null,
        },
      ],
      policies: [
        {
          scope: subscriptionScope,
          roleDefinitionId: contributor,
          maximumDuration: 'PT8H',
          approvalRequired: true,
          approverGroupIds: [DEMO_GROUPS.pimApprovers.id],
          enabledRules: ['Justification'],
        },
        {
          scope: rgScope,
          roleDefinitionId: reader,
          maximumDuration: 'PT8H',
          approvalRequired: false,
          approverGroupIds: [],
          enabledRules: ['Justification'],
        },
        {
          scope: mgScope,
          roleDefinitionId: tenantReader,
          maximumDuration: 'PT4H',
          approvalRequired: false,
          approverGroupIds: [],
          enabledRules: ['MultiFactorAuthentication', 'Justification'],
        },
        {
          scope: siteScope,
          roleDefinitionId: websiteContributor,
          maximumDuration: 'PT2H',
          approvalRequired: false,
          approverGroupIds: [],
          enabledRules: ['Justification', 'Ticketing'],
          authenticationContext: 'c1',
        },
      ],
      assignments: [],
      requests: [],
      // The bot's app may read PIM requests on Contoso Prod (its approval sweep), as an operator grants it.
      servicePrincipalRoles: [
        { principalId: stableGuid('service-principal', LOCAL_BOT_APP.clientId), scope: subscriptionScope, roleDefinitionId: reader },
      ],
    },
  };
}

function policyRecord(id: string, scopeId: string, scopeType: PolicyRecord['scopeType'], settings: PolicySettings): PolicyRecord {
  return {
    id,
    displayName: scopeType,
    description: scopeType,
    isOrganizationDefault: false,
    scopeId,
    scopeType,
    lastModifiedDateTime: null,
    lastModifiedBy: { displayName: null, id: null },
    rules: buildPolicyRules(settings),
  };
}
