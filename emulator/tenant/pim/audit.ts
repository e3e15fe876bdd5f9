// The directory audit log's PIM entries. Every request PIM processes (any surface: Entra roles, groups,
// Azure resources, approvals) is recorded through recordPimAudit, called inside the same store.update
// as the change itself so the entry and the change are persisted together.
import { randomUUID } from 'node:crypto';
import type { TenantData } from '../state/types';

/** Graph's directoryAudit, field for field as Microsoft's v1.0 example (contracts/audit) shows it. */
export interface DirectoryAuditRecord {
  id: string;
  category: string;
  correlationId: string;
  result: 'success' | 'failure';
  resultReason: string;
  activityDisplayName: string;
  activityDateTime: string;
  loggedByService: string;
  operationType: string;
  initiatedBy: {
    app: { appId: string; displayName: string | null; servicePrincipalId: string | null; servicePrincipalName: string | null } | null;
    user: {
      id: string;
      displayName: string | null;
      userPrincipalName: string | null;
      ipAddress: string | null;
      userType: string | null;
      homeTenantId: string | null;
      homeTenantName: string | null;
    } | null;
  };
  targetResources: {
    id: string;
    displayName: string | null;
    type: string;
    userPrincipalName: string | null;
    groupType: string | null;
    modifiedProperties: { displayName: string; oldValue: string | null; newValue: string | null }[];
  }[];
  additionalDetails: { key: string; value: string }[];
}

/** The value PIM writes in loggedByService (the portal shows "PIM"; clients filter on it). */
export const PIM_SERVICE = 'PIM';

export type PimAuditSurface = 'entraRole' | 'group' | 'azureResource';

export type PimAuditActivity =
  | 'activationRequested'
  | 'activationCompleted'
  | 'activationApproved'
  | 'activationDenied'
  | 'activationCanceled'
  | 'activationExpired'
  | 'deactivationCompleted'
  | 'extensionRequested'
  | 'assignmentCompleted'
  | 'assignmentRemoved'
  | 'eligibilityAssigned'
  | 'eligibilityRemoved';

export interface PimAuditEvent {
  readonly activity: PimAuditActivity;
  readonly surface: PimAuditSurface;
  /** Who made the call: the bearer token's subject. */
  readonly initiatedBy: { readonly kind: 'user' | 'application'; readonly id: string; readonly ipAddress?: string };
  /** The schedule request (or approval) id: the audit entry's correlationId. */
  readonly requestId: string;
  /** Whose access changes. */
  readonly principalId: string;
  /** Entra role definition id, 'member' | 'owner' for a group, or the full ARM role definition id. */
  readonly roleDefinitionId: string;
  /** Group id (groups) or ARM scope (Azure resources); '/' or absent for directory roles. */
  readonly scopeId?: string;
  readonly at: Date;
  /** For assignments and eligibilities: null end = permanent. */
  readonly endDateTime?: string | null;
  readonly justification?: string | null;
  readonly result?: 'success' | 'failure';
  readonly resultReason?: string;
}

/** Oldest entries go first beyond this, like a retention window. */
export const MAX_AUDIT_ENTRIES = 10_000;

const CATEGORY: Record<PimAuditSurface, string> = {
  entraRole: 'RoleManagement',
  group: 'GroupManagement',
  azureResource: 'ResourceManagement',
};

/** PIM's wording of its audit activities ("Add member to role completed (PIM activation)"). */
export function activityDisplayName(activity: PimAuditActivity, surface: PimAuditSurface, permanent = false): string {
  const noun = surface === 'group' ? 'group' : 'role';
  const span = permanent ? 'permanent' : 'timebound';
  switch (activity) {
    case 'activationRequested':
      return `Add member to ${noun} requested (PIM activation)`;
    case 'activationCompleted':
      return `Add member to ${noun} completed (PIM activation)`;
    case 'activationApproved':
      return `Add member to ${noun} request approved (PIM activation)`;
    case 'activationDenied':
      return `Add member to ${noun} request denied (PIM activation)`;
    case 'activationCanceled':
      return `Add member to ${noun} request canceled (PIM activation)`;
    case 'activationExpired':
      return `Remove member from ${noun} (PIM activation expired)`;
    case 'deactivationCompleted':
      return `Remove member from ${noun} completed (PIM deactivate)`;
    case 'extensionRequested':
      return `Extend member in ${noun} requested (PIM activation)`;
    case 'assignmentCompleted':
      return `Add member to ${noun} in PIM completed (${span})`;
    case 'assignmentRemoved':
      return `Remove member from ${noun} in PIM completed (${span})`;
    case 'eligibilityAssigned':
      return `Add eligible member to ${noun} in PIM completed (${span})`;
    case 'eligibilityRemoved':
      return `Remove eligible member from ${noun} in PIM completed (${span})`;
  }
}

const OPERATION: Record<PimAuditActivity, string> = {
  activationRequested: 'Add',
  activationCompleted: 'Add',
  activationApproved: 'Update',
  activationDenied: 'Update',
  activationCanceled: 'Update',
  activationExpired: 'Delete',
  deactivationCompleted: 'Delete',
  extensionRequested: 'Update',
  assignmentCompleted: 'Add',
  assignmentRemoved: 'Delete',
  eligibilityAssigned: 'Add',
  eligibilityRemoved: 'Delete',
};

/** The one hook: appends the audit entry for a processed PIM request. Call it inside store.update. */
export function recordPimAudit(data: TenantData, event: PimAuditEvent): DirectoryAuditRecord {
  const entry = buildAuditEntry(data, event);
  const log = (data.directoryAudits ??= []);
  log.push(entry);
  if (log.length > MAX_AUDIT_ENTRIES) log.splice(0, log.length - MAX_AUDIT_ENTRIES);
  return entry;
}

export function buildAuditEntry(data: Readonly<TenantData>, event: PimAuditEvent): DirectoryAuditRecord {
  const permanent = event.endDateTime === null;
  const details: { key: string; value: string }[] = [{ key: 'RequestId', value: event.requestId }];
  if (event.justification) details.push({ key: 'Justification', value: event.justification });
  if (event.endDateTime) details.push({ key: 'EndDateTime', value: event.endDateTime });
  return {
    id: `PIM_${event.requestId}_${randomUUID().slice(0, 8)}`,
    category: CATEGORY[event.surface],
    correlationId: event.requestId,
    result: event.result ?? 'success',
    resultReason: event.resultReason ?? '',
    activityDisplayName: activityDisplayName(event.activity, event.surface, permanent),
    activityDateTime: event.at.toISOString(),
    loggedByService: PIM_SERVICE,
    operationType: OPERATION[event.activity],
    initiatedBy: initiator(data, event.initiatedBy),
    targetResources: targets(data, event),
    additionalDetails: details,
  };
}

function initiator(data: Readonly<TenantData>, by: PimAuditEvent['initiatedBy']): DirectoryAuditRecord['initiatedBy'] {
  if (by.kind === 'application')
    return { app: { appId: by.id, displayName: null, servicePrincipalId: null, servicePrincipalName: null }, user: null };
  const u = data.users.find((x) => x.id.toLowerCase() === by.id.toLowerCase());
  return {
    app: null,
    user: {
      id: by.id,
      displayName: u?.displayName ?? null,
      userPrincipalName: u?.userPrincipalName ?? null,
      ipAddress: by.ipAddress ?? null,
      userType: 'Member',
      homeTenantId: data.tenantId,
      homeTenantName: null,
    },
  };
}

type Target = DirectoryAuditRecord['targetResources'][number];

function targets(data: Readonly<TenantData>, event: PimAuditEvent): Target[] {
  const out: Target[] = [roleTarget(data, event)];
  if (event.surface === 'group' && event.scopeId) {
    const g = data.groups.find((x) => x.id.toLowerCase() === event.scopeId!.toLowerCase());
    out.push(target(event.scopeId, g?.displayName ?? null, 'Group'));
  }
  if (event.surface === 'azureResource' && event.scopeId) {
    const s = data.azure.scopes.find((x) => x.id.toLowerCase() === event.scopeId!.toLowerCase());
    out.push(target(event.scopeId, s?.displayName ?? null, 'Resource'));
  }
  const u = data.users.find((x) => x.id.toLowerCase() === event.principalId.toLowerCase());
  if (u) out.push({ ...target(u.id, u.displayName, 'User'), userPrincipalName: u.userPrincipalName });
  else {
    const g = data.groups.find((x) => x.id.toLowerCase() === event.principalId.toLowerCase());
    out.push(target(event.principalId, g?.displayName ?? null, g ? 'Group' : 'Other'));
  }
  out.push(target(event.requestId, null, 'Request'));
  return out;
}

function roleTarget(data: Readonly<TenantData>, event: PimAuditEvent): Target {
  const id = event.roleDefinitionId;
  if (event.surface === 'group') return target(id, id === 'owner' ? 'Owner' : 'Member', 'Role');
  if (event.surface === 'azureResource') {
    const r = data.azure.roleDefinitions.find((x) => x.id.toLowerCase() === id.toLowerCase() || x.name.toLowerCase() === id.toLowerCase());
    return target(id, r?.roleName ?? null, 'Role');
  }
  const r = data.roleDefinitions.find((x) => x.id.toLowerCase() === id.toLowerCase());
  return target(id, r?.displayName ?? null, 'Role');
}

function target(id: string, displayName: string | null, type: string): Target {
  return { id, displayName, type, userPrincipalName: null, groupType: null, modifiedProperties: [] };
}
