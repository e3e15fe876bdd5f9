// Questions about the tenant that several endpoints ask: group membership, who holds what right now,
// which policy governs a role.
import { DEMO_ROLES } from '../demoTenant';
import type { AssignmentScheduleRecord, EligibilityScheduleRecord, PolicyRecord, PolicyRule, TenantData } from '../state/types';
import { isActiveAt } from './schedules';

/** Roles whose active holders may read everyone's PIM data and change policies. */
export const PIM_ADMIN_ROLES: readonly string[] = [DEMO_ROLES.privilegedRoleAdministrator.id, DEMO_ROLES.globalAdministrator.id];

export function groupIdsOf(data: Readonly<TenantData>, principalId: string): string[] {
  return data.groups.filter((g) => g.members.includes(principalId)).map((g) => g.id);
}

/** The principal itself and the groups it belongs to: PIM honours eligibilities and assignments held through role-assignable groups. */
export function principalsFor(data: Readonly<TenantData>, principalId: string): Set<string> {
  return new Set([principalId, ...groupIdsOf(data, principalId)]);
}

export function activeAssignmentsOf(data: Readonly<TenantData>, principalId: string, now: Date): AssignmentScheduleRecord[] {
  const ids = principalsFor(data, principalId);
  return data.roleAssignmentSchedules.filter((s) => ids.has(s.principalId) && isActiveAt(s, now));
}

export function isPimAdmin(data: Readonly<TenantData>, userId: string, now: Date): boolean {
  return activeAssignmentsOf(data, userId, now).some((s) => PIM_ADMIN_ROLES.includes(s.roleDefinitionId) && s.directoryScopeId === '/');
}

export function findEligibility(
  data: Readonly<TenantData>,
  userId: string,
  roleDefinitionId: string,
  directoryScopeId: string,
  now: Date,
): EligibilityScheduleRecord | undefined {
  const ids = principalsFor(data, userId);
  return data.roleEligibilitySchedules.find(
    (s) =>
      ids.has(s.principalId) &&
      sameId(s.roleDefinitionId, roleDefinitionId) &&
      s.directoryScopeId === directoryScopeId &&
      isActiveAt(s, now),
  );
}

export function directoryRolePolicy(data: Readonly<TenantData>, roleDefinitionId: string): PolicyRecord | undefined {
  const assignment = data.policyAssignments.find(
    (a) => a.scopeType === 'DirectoryRole' && a.scopeId === '/' && sameId(a.roleDefinitionId, roleDefinitionId),
  );
  return assignment ? data.policies.find((p) => p.id === assignment.policyId) : undefined;
}

export function rule(policy: PolicyRecord | undefined, id: string): PolicyRule | undefined {
  return policy?.rules.find((r) => r.id === id);
}

/** Users who may approve for the policy: single users plus members of approver groups. */
export function approversOf(data: Readonly<TenantData>, policy: PolicyRecord | undefined): Set<string> {
  const out = new Set<string>();
  const setting = rule(policy, 'Approval_EndUser_Assignment')?.setting as
    { approvalStages?: { primaryApprovers?: Record<string, unknown>[] }[] } | undefined;
  for (const stage of setting?.approvalStages ?? []) {
    for (const a of stage.primaryApprovers ?? []) {
      if (typeof a.userId === 'string') out.add(a.userId);
      if (typeof a.groupId === 'string') for (const m of data.groups.find((g) => g.id === a.groupId)?.members ?? []) out.add(m);
    }
  }
  return out;
}

export function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
