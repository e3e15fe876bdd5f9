// PIM for Groups' privilegedAccessGroup* shapes → the provider-neutral model. Pure functions over
// `unknown` JSON, so contract tests feed Microsoft's examples through exactly what the provider uses.

import { PimError } from '../errors';
import { asRecord, readDate, readRecord, readString, type JsonRecord } from '../json';
import { roleTarget, type ActivationRequest, type ActiveAssignment, type Eligibility, type RoleTarget, type Scope } from '../model';
import { graphActiveWindow, ticketOf, toRequestAction, toRequestSchedule, toRequestStatus } from '../entra/entraMapping';

const SURFACE = 'group' as const;
export type AccessId = 'member' | 'owner';

export function accessIdOf(value: string | undefined): AccessId | undefined {
  const v = value?.toLowerCase();
  return v === 'member' || v === 'owner' ? v : undefined;
}

/** What the user holds in the group, in the words the bot shows. */
export function accessName(accessId: AccessId): string {
  return accessId === 'owner' ? 'Owner' : 'Member';
}

/** The group as a scope; its name comes from $expand=group, or the id when not expanded. */
export function groupScope(raw: JsonRecord, groupId: string, knownName?: string): Scope {
  const name = readString(readRecord(raw, 'group'), 'displayName') ?? knownName ?? groupId;
  return { id: groupId, displayName: name, kind: 'group' };
}

interface Common {
  readonly groupId: string;
  readonly accessId: AccessId;
  readonly principalId: string;
  readonly raw: JsonRecord;
}

function common(value: unknown): Common | undefined {
  const raw = asRecord(value);
  const groupId = readString(raw, 'groupId');
  const accessId = accessIdOf(readString(raw, 'accessId'));
  const principalId = readString(raw, 'principalId');
  return raw && groupId && accessId && principalId ? { raw, groupId, accessId, principalId } : undefined;
}

function groupTarget(c: Common, knownGroupName?: string): RoleTarget {
  return roleTarget(SURFACE, groupScope(c.raw, c.groupId, knownGroupName), c.accessId, accessName(c.accessId), c.principalId);
}

/** privilegedAccessGroupEligibilityScheduleInstance → Eligibility; undefined when unusable. */
export function toGroupEligibility(value: unknown): Eligibility | undefined {
  const c = common(value);
  return c && { ...groupTarget(c), endDateTime: readDate(c.raw, 'endDateTime') };
}

/** privilegedAccessGroupAssignmentScheduleInstance → ActiveAssignment; undefined when unusable. */
export function toGroupActive(value: unknown): ActiveAssignment | undefined {
  const c = common(value);
  return c && { ...groupTarget(c), ...graphActiveWindow(c.raw) };
}

/** privilegedAccessGroupAssignmentScheduleRequest → ActivationRequest (deactivations carry no schedule). */
export function toGroupRequest(value: unknown, knownGroupName?: string): ActivationRequest {
  const c = common(value);
  const id = readString(c?.raw, 'id');
  if (!c || !id) throw new PimError('unknown', 'Graph returned a group request without id, group, access or principal');
  const action = toRequestAction(readString(c.raw, 'action'));
  // Microsoft's own filterByCurrentUser sample spells it createdDateTIme; accept both.
  const created = readDate(c.raw, 'createdDateTime') ?? readDate(c.raw, 'createdDateTIme');
  const schedule =
    action === 'deactivate' ? { startDateTime: created, endDateTime: created } : toRequestSchedule(readRecord(c.raw, 'scheduleInfo'));
  const start = schedule.startDateTime ?? created;
  if (!start || !schedule.endDateTime)
    throw new PimError('unknown', 'Graph returned a group request without a bounded schedule', { upstreamCode: 'NotAnActivation' });
  return {
    id,
    action,
    ...groupTarget(c, knownGroupName),
    status: toRequestStatus(readString(c.raw, 'status')),
    startDateTime: start,
    endDateTime: schedule.endDateTime,
    createdDateTime: created ?? start,
    justification: readString(c.raw, 'justification') ?? null,
    ticket: ticketOf(c.raw),
  };
}
