// ARM's role*Schedule* objects (as @azure/arm-authorization deserialises them, or as raw JSON in
// Microsoft's examples) → the provider-neutral model. Dates may arrive as Date or ISO text.

import { PimError } from '../errors';
import { toRequestAction, toRequestStatus } from '../entra/entraMapping';
import { parseIsoDurationMs } from '../../policy/isoDuration';
import { roleTarget, type ActivationRequest, type ActiveAssignment, type Eligibility, type RoleTarget, type Scope } from '../model';

const SURFACE = 'azureResource' as const;

/** The fields the mapping reads; both the SDK's flattened models and `properties` of raw JSON fit. */
export interface ArmScheduleItem {
  readonly id?: string;
  readonly name?: string;
  readonly scope?: string;
  readonly roleDefinitionId?: string;
  readonly principalId?: string;
  readonly startDateTime?: Date | string;
  readonly endDateTime?: Date | string;
  readonly assignmentType?: string;
  readonly status?: string;
  readonly requestType?: string;
  readonly createdOn?: Date | string;
  readonly justification?: string;
  readonly approvalId?: string;
  readonly ticketInfo?: { readonly ticketNumber?: string; readonly ticketSystem?: string };
  readonly scheduleInfo?: {
    readonly startDateTime?: Date | string;
    readonly expiration?: { readonly type?: string; readonly endDateTime?: Date | string; readonly duration?: string };
  };
  readonly expandedProperties?: {
    readonly scope?: { readonly id?: string; readonly displayName?: string; readonly type?: string };
    readonly roleDefinition?: { readonly id?: string; readonly displayName?: string };
  };
}

/** Raw ARM JSON {properties: {...}, id, name} → the flattened shape the SDK produces. */
export function flattenArm(value: unknown): ArmScheduleItem {
  const v = (typeof value === 'object' && value !== null ? value : {}) as { properties?: object; id?: string; name?: string };
  return { ...(v.properties ?? {}), id: v.id, name: v.name } as ArmScheduleItem;
}

function toDate(v: Date | string | undefined | null): Date | null {
  if (v === undefined || v === null) return null;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

const KIND: Readonly<Record<string, Scope['kind']>> = {
  managementgroup: 'managementGroup',
  subscription: 'subscription',
  resourcegroup: 'resourceGroup',
};

/** The scope with the name ARM gives it; the kind from the expanded type or, failing that, the path. */
export function armScope(item: ArmScheduleItem): Scope {
  const id = item.scope ?? item.expandedProperties?.scope?.id ?? '/';
  const type = item.expandedProperties?.scope?.type?.toLowerCase();
  const kind = (type ? KIND[type] : undefined) ?? kindFromPath(id);
  return { id, displayName: item.expandedProperties?.scope?.displayName || lastSegment(id), kind };
}

export function kindFromPath(id: string): Scope['kind'] {
  if (/^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+$/i.test(id)) return 'managementGroup';
  if (/^\/subscriptions\/[^/]+$/i.test(id)) return 'subscription';
  if (/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i.test(id)) return 'resourceGroup';
  return 'resource';
}

function lastSegment(id: string): string {
  return id.split('/').filter(Boolean).pop() ?? id;
}

function roleName(item: ArmScheduleItem, roleDefinitionId: string): string {
  return item.expandedProperties?.roleDefinition?.displayName || lastSegment(roleDefinitionId);
}

/** The role and principal of a schedule instance; undefined when the item is unusable. */
function instanceTarget(item: ArmScheduleItem): RoleTarget | undefined {
  if (!item.roleDefinitionId || !item.principalId || !item.scope) return undefined;
  return roleTarget(SURFACE, armScope(item), item.roleDefinitionId, roleName(item, item.roleDefinitionId), item.principalId);
}

export function toAzureEligibility(item: ArmScheduleItem): Eligibility | undefined {
  const target = instanceTarget(item);
  return target && { ...target, endDateTime: toDate(item.endDateTime) };
}

export function toAzureActive(item: ArmScheduleItem): ActiveAssignment | undefined {
  const target = instanceTarget(item);
  return (
    target && {
      ...target,
      startDateTime: toDate(item.startDateTime),
      endDateTime: toDate(item.endDateTime),
      assignmentType: item.assignmentType?.toLowerCase() === 'activated' ? 'activated' : 'assigned',
    }
  );
}

/** roleAssignmentScheduleRequest → ActivationRequest; its id is the full ARM id (scope + name) so it can be found again. */
export function toAzureRequest(item: ArmScheduleItem, known?: { roleName?: string; scope?: Scope }): ActivationRequest {
  if (!item.id || !item.roleDefinitionId || !item.principalId)
    throw new PimError('unknown', 'ARM returned a request without id, role or principal');
  const action = toRequestAction(item.requestType);
  const created = toDate(item.createdOn);
  const start = toDate(item.scheduleInfo?.startDateTime) ?? created;
  const exp = item.scheduleInfo?.expiration;
  let end: Date | null = null;
  if (action === 'deactivate') end = start;
  else if (exp?.type?.toLowerCase() === 'afterdatetime') end = toDate(exp.endDateTime);
  else if (exp?.type?.toLowerCase() === 'afterduration' && exp.duration && start) {
    const ms = parseIsoDurationMs(exp.duration);
    end = ms === null ? null : new Date(start.getTime() + ms);
  }
  if (!start || !end)
    throw new PimError('unknown', 'ARM returned a request without a bounded schedule', { upstreamCode: 'NotAnActivation' });
  const scope = item.expandedProperties?.scope?.displayName ? armScope(item) : (known?.scope ?? armScope(item));
  const ticketNumber = item.ticketInfo?.ticketNumber;
  return {
    id: item.id,
    action,
    ...roleTarget(
      SURFACE,
      scope,
      item.roleDefinitionId,
      item.expandedProperties?.roleDefinition?.displayName || known?.roleName || lastSegment(item.roleDefinitionId),
      item.principalId,
    ),
    status: toRequestStatus(item.status),
    startDateTime: start,
    endDateTime: end,
    createdDateTime: created ?? start,
    justification: item.justification ?? null,
    ticket: ticketNumber
      ? item.ticketInfo?.ticketSystem
        ? { number: ticketNumber, system: item.ticketInfo.ticketSystem }
        : { number: ticketNumber }
      : null,
    ...(item.approvalId ? { approvalId: item.approvalId } : {}),
  };
}

/** '/subscriptions/S/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/N' → scope and name. */
export function parseRequestId(id: string): { scope: string; name: string } {
  const m = /^(?<scope>(?:\/[^/]+)*?)\/providers\/Microsoft\.Authorization\/roleAssignmentScheduleRequests\/(?<name>[0-9a-f-]{36})$/i.exec(
    id,
  );
  if (!m?.groups) throw new PimError('invalidInput', 'Not an ARM role assignment schedule request id');
  return { scope: m.groups['scope'] ?? '', name: m.groups['name']! };
}
