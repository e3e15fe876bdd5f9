// Graph's unifiedRole* shapes → the provider-neutral model. Pure functions over `unknown` JSON, so
// the contract tests feed Microsoft's published examples through exactly what the provider uses.

import { constraintsFromRules } from '../../policy/constraints';
import { parseIsoDurationMs } from '../../policy/isoDuration';
import { PimError } from '../errors';
import { asArray, asRecord, readDate, readRecord, readString, sameEnum, type JsonRecord } from '../json';
import {
  roleTarget,
  type ActivationRequest,
  type ActiveAssignment,
  type Constraints,
  type Eligibility,
  type RequestAction,
  type RequestStatus,
  type RoleDefinitionInfo,
  type RoleTarget,
  type Scope,
  type TicketInfo,
} from '../model';

const SURFACE = 'entraRole' as const;

export function directoryScope(directoryScopeId: string): Scope {
  // '/' is the whole tenant; other ids are administrative units or app scopes, shown by id.
  return directoryScopeId === '/'
    ? { id: '/', displayName: 'Directory', kind: 'directory' }
    : { id: directoryScopeId, displayName: directoryScopeId, kind: 'directory' };
}

/** roleDefinition is present only when the request asked for $expand=roleDefinition. */
function roleName(raw: JsonRecord, roleDefinitionId: string): string {
  return readString(readRecord(raw, 'roleDefinition'), 'displayName') ?? roleDefinitionId;
}

/** The role and principal of a schedule instance; undefined when the record is unusable. */
function instanceTarget(value: unknown): { raw: JsonRecord; target: RoleTarget } | undefined {
  const raw = asRecord(value);
  const roleDefinitionId = readString(raw, 'roleDefinitionId');
  const principalId = readString(raw, 'principalId');
  if (!raw || !roleDefinitionId || !principalId) return undefined;
  const scope = directoryScope(readString(raw, 'directoryScopeId') ?? '/');
  return { raw, target: roleTarget(SURFACE, scope, roleDefinitionId, roleName(raw, roleDefinitionId), principalId) };
}

/** unifiedRoleEligibilityScheduleInstance → Eligibility; undefined when the record is unusable. */
export function toEligibility(value: unknown): Eligibility | undefined {
  const i = instanceTarget(value);
  if (!i) return undefined;
  const definition = roleDefinitionInfo(readRecord(i.raw, 'roleDefinition'));
  return { ...i.target, endDateTime: readDate(i.raw, 'endDateTime'), ...(definition ? { definition } : {}) };
}

/**
 * The description and isPrivileged of an expanded unifiedRoleDefinition; undefined unless isPrivileged
 * is there (Graph returns it only when $select names it), so a listing that did not ask is not
 * taken for one that said "not privileged".
 */
export function roleDefinitionInfo(raw: JsonRecord | undefined): RoleDefinitionInfo | undefined {
  const privileged = raw?.['isPrivileged'];
  if (typeof privileged !== 'boolean') return undefined;
  const description = readString(raw, 'description');
  return { ...(description ? { description } : {}), privileged };
}

/** unifiedRoleAssignmentScheduleInstance → ActiveAssignment; undefined when the record is unusable. */
export function toActiveAssignment(value: unknown): ActiveAssignment | undefined {
  const i = instanceTarget(value);
  return i && { ...i.target, ...graphActiveWindow(i.raw) };
}

/** When a Graph assignment instance runs and whether PIM activated it (both Graph surfaces alike). */
export function graphActiveWindow(raw: JsonRecord): Pick<ActiveAssignment, 'startDateTime' | 'endDateTime' | 'assignmentType'> {
  return {
    startDateTime: readDate(raw, 'startDateTime'),
    endDateTime: readDate(raw, 'endDateTime'),
    assignmentType: sameEnum(readString(raw, 'assignmentType'), 'Activated') ? 'activated' : 'assigned',
  };
}

/** Several instances can stand for one role (direct and through a group): keep the longest-lived. */
export function dedupeByKey<T extends { readonly key: string; readonly endDateTime: Date | null }>(items: readonly T[]): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const seen = byKey.get(item.key);
    if (!seen || outlives(item.endDateTime, seen.endDateTime)) byKey.set(item.key, item);
  }
  return [...byKey.values()];
}

/** Maps instances as every provider lists them: the unusable dropped, one per key. */
export function mapDistinct<T extends { readonly key: string; readonly endDateTime: Date | null }, V>(
  items: readonly V[],
  map: (item: V) => T | undefined,
): T[] {
  return dedupeByKey(items.map(map).filter((x): x is T => x !== undefined));
}

/** A request still to come: waiting for approval, or granted for a later start. */
export function isOpenRequest(r: ActivationRequest, now: Date): boolean {
  return r.status === 'pendingApproval' || (r.status === 'granted' && r.startDateTime > now);
}

function outlives(a: Date | null, b: Date | null): boolean {
  if (a === null) return b !== null;
  return b !== null && a.getTime() > b.getTime();
}

const STATUS: Readonly<Record<string, RequestStatus>> = {
  provisioned: 'provisioned',
  granted: 'granted',
  schedulecreated: 'granted',
  pendingapproval: 'pendingApproval',
  pendingadmindecision: 'pendingApproval',
  pendingprovisioning: 'pendingProvisioning',
  pendingapprovalprovisioning: 'pendingProvisioning',
  pendingschedulecreation: 'pendingProvisioning',
  denied: 'denied',
  canceled: 'canceled',
  cancelled: 'canceled',
  failed: 'failed',
  revoked: 'revoked',
};

export function toRequestStatus(status: string | undefined): RequestStatus {
  return (status && STATUS[status.toLowerCase()]) || 'other';
}

export interface RequestSchedule {
  readonly startDateTime: Date | null;
  /** null when the schedule never ends (noExpiration) or names no end. */
  readonly endDateTime: Date | null;
}

/** scheduleInfo {startDateTime, expiration {type afterDuration|afterDateTime|noExpiration, ...}}. */
export function toRequestSchedule(scheduleInfo: JsonRecord | undefined): RequestSchedule {
  const start = readDate(scheduleInfo, 'startDateTime');
  const expiration = readRecord(scheduleInfo, 'expiration');
  const type = readString(expiration, 'type');
  if (sameEnum(type, 'afterDateTime')) return { startDateTime: start, endDateTime: readDate(expiration, 'endDateTime') };
  if (sameEnum(type, 'afterDuration')) {
    const duration = readString(expiration, 'duration');
    const ms = duration === undefined ? null : parseIsoDurationMs(duration);
    return { startDateTime: start, endDateTime: start && ms !== null ? new Date(start.getTime() + ms) : null };
  }
  return { startDateTime: start, endDateTime: null };
}

/** Graph's and ARM's request actions (selfActivate / SelfActivate ...) → the neutral RequestAction. */
export function toRequestAction(action: string | undefined): RequestAction {
  const a = action?.toLowerCase();
  if (a === 'selfactivate') return 'activate';
  if (a === 'selfdeactivate') return 'deactivate';
  if (a === 'selfextend') return 'extend';
  if (a === 'selfrenew') return 'renew';
  return 'other';
}

export function ticketOf(raw: JsonRecord): TicketInfo | null {
  const ticketInfo = readRecord(raw, 'ticketInfo');
  const number = readString(ticketInfo, 'ticketNumber');
  if (!number) return null;
  const system = readString(ticketInfo, 'ticketSystem');
  return system ? { number, system } : { number };
}

/**
 * unifiedRoleAssignmentScheduleRequest → ActivationRequest. An activation always has an end; a
 * request without one (an admin's permanent assignment) is not an activation and is refused.
 */
export function toActivationRequest(value: unknown, knownRoleName?: string): ActivationRequest {
  const raw = asRecord(value);
  const id = readString(raw, 'id');
  const roleDefinitionId = readString(raw, 'roleDefinitionId');
  const principalId = readString(raw, 'principalId');
  if (!raw || !id || !roleDefinitionId || !principalId) {
    throw new PimError('unknown', 'Graph returned a request without id, role or principal');
  }
  const created = readDate(raw, 'createdDateTime');
  const action = toRequestAction(readString(raw, 'action'));
  // A deactivation carries no schedule: it takes effect, and ends the access, when it is made.
  const schedule =
    action === 'deactivate' ? { startDateTime: created, endDateTime: created } : toRequestSchedule(readRecord(raw, 'scheduleInfo'));
  const start = schedule.startDateTime ?? created;
  if (!start || !schedule.endDateTime) {
    throw new PimError('unknown', 'Graph returned a request without a bounded schedule', { upstreamCode: 'NotAnActivation' });
  }
  const expandedName = readString(readRecord(raw, 'roleDefinition'), 'displayName');
  const directoryScopeId = readString(raw, 'directoryScopeId') ?? '/';
  return {
    id,
    action,
    ...roleTarget(
      SURFACE,
      directoryScope(directoryScopeId),
      roleDefinitionId,
      expandedName ?? knownRoleName ?? roleDefinitionId,
      principalId,
    ),
    status: toRequestStatus(readString(raw, 'status')),
    startDateTime: start,
    endDateTime: schedule.endDateTime,
    createdDateTime: created ?? start,
    justification: readString(raw, 'justification') ?? null,
    ticket: ticketOf(raw),
  };
}

/**
 * The `value` of GET /policies/roleManagementPolicyAssignments?$expand=policy($expand=rules) →
 * Constraints. The filter names one role at one scope, so the first assignment with rules is it.
 */
export function constraintsFromPolicyAssignments(assignments: readonly unknown[]): Constraints {
  for (const a of assignments) {
    const policy = readRecord(asRecord(a), 'policy');
    if (policy && Array.isArray(policy['rules'])) return constraintsFromRules(asArray(policy['rules']));
  }
  throw new PimError('notFound', 'No role management policy found for the role');
}
