// ARM's JSON for the PIM resources, with the fields of Microsoft's examples in contracts/arm.
import type { AzureAssignmentRecord, AzureRequestRecord } from '../state/surfaces';
import type { AzureEligibilityRecord, TenantData } from '../state/types';
import { azurePolicy, type AzurePolicyView } from './policies';
import { roleGuid, scopeJson } from './scopes';

const AUTHZ = '/providers/Microsoft.Authorization';
type Json = Record<string, unknown>;

function roleDefinitionJson(data: Readonly<TenantData>, roleDefinitionId: string): Json {
  const def = data.azure.roleDefinitions.find((r) => roleGuid(r.id) === roleGuid(roleDefinitionId));
  return { id: roleDefinitionId, displayName: def?.roleName ?? roleGuid(roleDefinitionId), type: 'BuiltInRole' };
}

function principalJson(data: Readonly<TenantData>, principalId: string): Json {
  const user = data.users.find((u) => u.id === principalId);
  if (user) return { id: user.id, displayName: user.displayName, email: user.mail, type: 'User' };
  const group = data.groups.find((g) => g.id === principalId);
  return { id: principalId, displayName: group?.displayName ?? null, email: null, type: group ? 'Group' : 'User' };
}

function expanded(data: Readonly<TenantData>, scope: string, roleDefinitionId: string, principalId: string): Json {
  return {
    scope: scopeJson(data, scope),
    roleDefinition: roleDefinitionJson(data, roleDefinitionId),
    principal: principalJson(data, principalId),
  };
}

function principalType(data: Readonly<TenantData>, principalId: string): string {
  return data.groups.some((g) => g.id === principalId) ? 'Group' : 'User';
}

export function eligibilityInstanceJson(data: Readonly<TenantData>, e: AzureEligibilityRecord): Json {
  return {
    properties: {
      scope: e.scope,
      roleDefinitionId: e.roleDefinitionId,
      principalId: e.principalId,
      principalType: principalType(data, e.principalId),
      status: 'Provisioned',
      roleEligibilityScheduleId: `${e.scope}${AUTHZ}/RoleEligibilitySchedules/${e.id}`,
      startDateTime: e.startDateTime,
      endDateTime: e.endDateTime,
      memberType: 'Direct',
      createdOn: e.startDateTime,
      condition: null,
      conditionVersion: null,
      expandedProperties: expanded(data, e.scope, e.roleDefinitionId, e.principalId),
    },
    name: e.id,
    id: `${e.scope}${AUTHZ}/RoleEligibilityScheduleInstances/${e.id}`,
    type: 'Microsoft.Authorization/RoleEligibilityScheduleInstances',
  };
}

export function assignmentInstanceJson(data: Readonly<TenantData>, a: AzureAssignmentRecord): Json {
  return {
    properties: {
      originRoleAssignmentId: `${a.scope}${AUTHZ}/roleAssignments/${a.name}`,
      linkedRoleEligibilityScheduleId: a.linkedRoleEligibilityScheduleId,
      linkedRoleEligibilityScheduleInstanceId: a.linkedRoleEligibilityScheduleId,
      assignmentType: a.assignmentType,
      scope: a.scope,
      roleDefinitionId: a.roleDefinitionId,
      principalId: a.principalId,
      principalType: principalType(data, a.principalId),
      status: a.status,
      roleAssignmentScheduleId: `${a.scope}${AUTHZ}/RoleAssignmentSchedules/${a.name}`,
      startDateTime: a.startDateTime,
      endDateTime: a.endDateTime,
      memberType: 'Direct',
      createdOn: a.createdOn,
      condition: null,
      conditionVersion: null,
      expandedProperties: expanded(data, a.scope, a.roleDefinitionId, a.principalId),
    },
    name: a.name,
    id: `${a.scope}${AUTHZ}/RoleAssignmentScheduleInstances/${a.name}`,
    type: 'Microsoft.Authorization/RoleAssignmentScheduleInstances',
  };
}

export function requestJson(data: Readonly<TenantData>, r: AzureRequestRecord, status: string): Json {
  return {
    properties: {
      targetRoleAssignmentScheduleId: r.targetRoleAssignmentScheduleId,
      targetRoleAssignmentScheduleInstanceId: null,
      scope: r.scope,
      roleDefinitionId: r.roleDefinitionId,
      principalId: r.principalId,
      principalType: principalType(data, r.principalId),
      requestType: r.requestType,
      status,
      approvalId: r.approvalId,
      scheduleInfo: r.scheduleInfo,
      ticketInfo: { ...r.ticketInfo },
      justification: r.justification,
      requestorId: r.requestorId,
      createdOn: r.createdOn,
      condition: null,
      conditionVersion: null,
      expandedProperties: expanded(data, r.scope, r.roleDefinitionId, r.principalId),
    },
    name: r.name,
    id: `${r.scope}${AUTHZ}/RoleAssignmentScheduleRequests/${r.name}`,
    type: 'Microsoft.Authorization/RoleAssignmentScheduleRequests',
  };
}

export function policyJson(data: Readonly<TenantData>, p: AzurePolicyView): Json {
  return {
    properties: {
      scope: p.scope,
      displayName: null,
      description: null,
      isOrganizationDefault: false,
      lastModifiedDateTime: p.lastModifiedDateTime,
      lastModifiedBy: { id: null, displayName: 'Admin', type: null, email: null },
      rules: p.rules,
      effectiveRules: p.rules,
      policyProperties: { scope: scopeJson(data, p.scope) },
    },
    name: p.name,
    id: `${p.scope}${AUTHZ}/roleManagementPolicies/${p.name}`,
    type: 'Microsoft.Authorization/RoleManagementPolicies',
  };
}

export function policyAssignmentJson(data: Readonly<TenantData>, p: AzurePolicyView): Json {
  const policyId = `${p.scope}${AUTHZ}/roleManagementPolicies/${p.name}`;
  const name = `${p.name}_${roleGuid(p.roleDefinitionId)}`;
  return {
    properties: {
      scope: p.scope,
      roleDefinitionId: p.roleDefinitionId,
      policyId,
      effectiveRules: p.rules,
      policyAssignmentProperties: {
        scope: scopeJson(data, p.scope),
        roleDefinition: roleDefinitionJson(data, p.roleDefinitionId),
        policy: { id: policyId, lastModifiedBy: { id: null, displayName: 'Admin', type: null, email: null }, lastModifiedDateTime: null },
      },
    },
    name,
    id: `${p.scope}${AUTHZ}/roleManagementPolicyAssignment/${name}`,
    type: 'Microsoft.Authorization/RoleManagementPolicyAssignment',
  };
}

/** Microsoft's descriptions of the built-in Azure roles the demo uses (Azure built-in roles reference). */
const BUILT_IN_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'b24988ac-6180-42a0-ab88-20f7382dd24c':
    'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.',
  'acdd72a7-3385-48ef-bd42-f606fba81ae7': 'View all resources, but does not allow you to make any changes.',
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635':
    'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.',
  'de139f84-1756-47ae-9be6-808fbbe84772': 'Manage websites, but not web plans. Does not allow you to assign roles in Azure RBAC.',
};

export function roleDefinitionResourceJson(id: string, roleName: string, description?: string): Json {
  return {
    id,
    type: 'Microsoft.Authorization/roleDefinitions',
    name: roleGuid(id),
    properties: {
      roleName,
      type: 'BuiltInRole',
      description: description ?? BUILT_IN_DESCRIPTIONS[roleGuid(id)] ?? roleName,
      assignableScopes: ['/'],
      permissions: [],
      createdOn: null,
      updatedOn: null,
      createdBy: null,
      updatedBy: null,
    },
  };
}

/** The (scope, role) pairs a policy exists for: every eligibility's, so each has its policy. */
export function policiesAt(data: Readonly<TenantData>, matches: (recordScope: string) => boolean): AzurePolicyView[] {
  const seen = new Map<string, AzurePolicyView>();
  const pairs = [
    ...data.azure.policies.map((p) => [p.scope, p.roleDefinitionId] as const),
    ...data.azure.eligibilities.map((e) => [e.scope, e.roleDefinitionId] as const),
  ];
  for (const [s, role] of pairs) {
    if (!matches(s)) continue;
    const view = azurePolicy(data, s, role);
    seen.set(view.name, view);
  }
  return [...seen.values()];
}
