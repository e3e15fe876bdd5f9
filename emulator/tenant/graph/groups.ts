// PIM for Groups (Graph v1.0 /identityGovernance/privilegedAccess/group/...): eligibility and
// assignment instances, and assignmentScheduleRequests with the same policy checks as directory
// roles, read from the group's member/owner policy (scopeType 'Group').
import type { Router } from '../http/router';
import type { EmulatorRequest } from '../http/types';
import type { UserPrincipal } from '../identity/principal';
import { entityBody, entityResponse, listResponse, parseListQuery, type EntityType } from '../odata/collection';
import type { FilterExpr } from '../odata/filter';
import { recordPimAudit, type PimAuditActivity } from '../pim/audit';
import { approversOf, isPimAdmin, principalsFor, sameId } from '../pim/directory';
import { iso, normaliseSchedule } from '../pim/requestSchedule';
import { isActiveAt } from '../pim/schedules';
import { checkSelfDeactivation, checkSelfExtension, decideSelfActivation, endUserPolicy } from '../pim/selfService';
import { newGuid } from '../state/ids';
import type { GroupAssignmentRecord, GroupRequestRecord } from '../state/surfaces';
import type { PolicyRecord, TenantData } from '../state/types';
import { requirePermission, requireUser } from './access';
import type { GraphDeps } from './deps';
import { badRequest, forbidden, GraphError, notFound } from './errors';
import { createGroupEntityTypes, groupRequestStatus, type GroupEntityTypes } from './groupsEntities';
import { jsonObjectBody, readAction, readValidationOnly, refuseUnknownProperties, stringProperty } from './requestBody';
import { FILTER_BY_CURRENT_USER, ID, V } from './routes';

const G = `${V}/identityGovernance/privilegedAccess/group`;
const CONTEXT = 'identityGovernance/privilegedAccess/group';

export const READ_GROUP_ELIGIBILITY = [
  'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  'PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup',
  'PrivilegedAccess.Read.AzureADGroup',
  'PrivilegedAccess.ReadWrite.AzureADGroup',
];
export const READ_GROUP_ASSIGNMENT = [
  'PrivilegedAssignmentSchedule.Read.AzureADGroup',
  'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
  'PrivilegedAccess.Read.AzureADGroup',
  'PrivilegedAccess.ReadWrite.AzureADGroup',
];
export const WRITE_GROUP_ASSIGNMENT = ['PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup', 'PrivilegedAccess.ReadWrite.AzureADGroup'];

export function registerGroupRoutes(router: Router, deps: GraphDeps): void {
  const types = createGroupEntityTypes(
    () => deps.clock.now(),
    () => deps.store.data,
  );
  const data = () => deps.store.data;
  const now = () => deps.clock.now();
  const eligibilities = () => data().groupEligibilities.filter((e) => isActiveAt({ ...e, status: 'Provisioned' }, now()));
  const assignments = () => (data().groupAssignments ?? []).filter((a) => isActiveAt(a, now()));
  const requests = () => data().groupAssignmentRequests ?? [];

  const instances = <T extends { principalId: string }>(
    segment: string,
    type: EntityType<T>,
    records: () => readonly T[],
    permissions: readonly string[],
  ) => {
    router.add('GET', new RegExp(`${G}/${segment}/?$`), (req) => {
      const p = requirePermission(req, permissions);
      const query = requireGroupOrPrincipalFilter(req, type);
      return listResponse(req, deps, { type, contextPath: `${CONTEXT}/${segment}`, query }, visibleTo(p, records()));
    });
    router.add('GET', new RegExp(`${G}/${segment}${FILTER_BY_CURRENT_USER}$`), (req) => {
      const me = currentUser(req, ['principal']);
      requirePermission(req, permissions);
      return listResponse(
        req,
        deps,
        { type, contextPath: `${CONTEXT}/${segment}`, functionCollection: true },
        records().filter((r) => r.principalId === me.oid),
      );
    });
    router.add('GET', new RegExp(`${G}/${segment}/${ID}$`), (req) => {
      const p = requirePermission(req, permissions);
      const found = visibleTo(p, records()).find((r) => sameId((type.toJson(r) as { id: string }).id, req.params.id!));
      if (!found) throw notFound(`The ${type.name} '${req.params.id}' was not found.`, 'ResourceNotFound');
      return entityResponse(req, deps, type, `${CONTEXT}/${segment}`, found);
    });
  };

  // A user sees their own rows; a PIM administrator or an app with the permission sees everyone's.
  const visibleTo = <T extends { principalId: string }>(p: ReturnType<typeof requirePermission>, rows: readonly T[]): T[] =>
    p.kind === 'user' && !isPimAdmin(data(), p.oid, now()) ? rows.filter((r) => r.principalId === p.oid) : [...rows];

  instances('eligibilityScheduleInstances', types.eligibilityInstance, eligibilities, READ_GROUP_ELIGIBILITY);
  instances('assignmentScheduleInstances', types.assignmentInstance, assignments, READ_GROUP_ASSIGNMENT);

  const REQ = 'assignmentScheduleRequests';
  router.add('GET', new RegExp(`${G}/${REQ}/?$`), (req) => {
    const p = requirePermission(req, READ_GROUP_ASSIGNMENT);
    const query = requireGroupOrPrincipalFilter(req, types.assignmentRequest);
    return listResponse(req, deps, { type: types.assignmentRequest, contextPath: `${CONTEXT}/${REQ}`, query }, visibleTo(p, requests()));
  });
  router.add('GET', new RegExp(`${G}/${REQ}${FILTER_BY_CURRENT_USER}$`), (req) => {
    const me = currentUser(req, ['principal', 'createdby', 'approver']);
    requirePermission(req, READ_GROUP_ASSIGNMENT);
    const on = req.params.on!.toLowerCase();
    const mine = requests().filter((r) =>
      on === 'principal'
        ? r.principalId === me.oid
        : on === 'createdby'
          ? r.createdBy.id === me.oid
          : r.principalId !== me.oid &&
            groupRequestStatus(r, now()) === 'PendingApproval' &&
            approversOf(data(), groupPolicy(data(), r.groupId, r.accessId)).has(me.oid),
    );
    return listResponse(req, deps, { type: types.assignmentRequest, contextPath: `${CONTEXT}/${REQ}`, functionCollection: true }, mine);
  });
  router.add('GET', new RegExp(`${G}/${REQ}/${ID}$`), (req) => {
    const p = requirePermission(req, READ_GROUP_ASSIGNMENT);
    const r = findRequest(data(), req.params.id!);
    const mayRead =
      p.kind === 'app' ||
      r.principalId === p.oid ||
      r.createdBy.id === p.oid ||
      isPimAdmin(data(), p.oid, now()) ||
      approversOf(data(), groupPolicy(data(), r.groupId, r.accessId)).has(p.oid);
    if (!mayRead) throw forbidden();
    return entityResponse(req, deps, types.assignmentRequest, `${CONTEXT}/${REQ}`, r);
  });
  router.add('POST', new RegExp(`${G}/${REQ}/?$`), async (req) => {
    const record = await createGroupRequest(req, deps);
    return entityBody(req, deps, types.assignmentRequest, `${CONTEXT}/${REQ}`, record, undefined, [], 201);
  });
  router.add('POST', new RegExp(`${G}/${REQ}/${ID}/cancel$`), async (req) => {
    const p = requirePermission(req, WRITE_GROUP_ASSIGNMENT);
    const r = findRequest(data(), req.params.id!);
    if (p.kind !== 'user' || (r.principalId !== p.oid && r.createdBy.id !== p.oid))
      throw forbidden('Only the requester can cancel a request.');
    const status = groupRequestStatus(r, now());
    if (status !== 'Granted' && status !== 'PendingApproval')
      throw badRequest(`The request is in status '${status}' and cannot be canceled.`, 'InvalidRequestStatus');
    await deps.store.update((d) => {
      const stored = (d.groupAssignmentRequests ?? []).find((x) => x.id === r.id)!;
      stored.status = 'Canceled';
      stored.completedDateTime = iso(now());
      d.groupAssignments = (d.groupAssignments ?? []).filter((a) => a.createdUsing !== r.id);
      recordPimAudit(d, groupAudit(r, p.oid, now(), req, 'activationCanceled'));
    });
    return { status: 204 };
  });
}

export type { GroupEntityTypes };

function currentUser(req: EmulatorRequest, supported: readonly string[]): UserPrincipal {
  const on = req.params.on ?? '';
  if (!supported.includes(on.toLowerCase()))
    throw badRequest(`The parameter 'on' has an unsupported value '${on}'. Supported values: ${supported.join(', ')}.`);
  return requireUser(req, 'filterByCurrentUser');
}

/** Microsoft documents $filter on groupId or principalId as required for these lists. */
function requireGroupOrPrincipalFilter<T>(req: EmulatorRequest, type: EntityType<T>) {
  const query = parseListQuery(req, type);
  if (!query.filter || !mentions(query.filter, ['groupid', 'principalid'])) {
    throw badRequest('A $filter on groupId or principalId is required for this request.', 'InvalidFilter');
  }
  return query;
}

function mentions(e: FilterExpr, names: readonly string[]): boolean {
  switch (e.kind) {
    case 'and':
    case 'or':
      return mentions(e.left, names) || mentions(e.right, names);
    case 'compare':
      return [e.left, e.right].some((o) => o.kind === 'property' && names.includes(o.path.join('/').toLowerCase()));
    case 'in':
      return e.left.kind === 'property' && names.includes(e.left.path.join('/').toLowerCase());
    default:
      return false;
  }
}

export function groupPolicy(data: Readonly<TenantData>, groupId: string, accessId: string): PolicyRecord | undefined {
  const a = data.policyAssignments.find((x) => x.scopeType === 'Group' && sameId(x.scopeId, groupId) && x.roleDefinitionId === accessId);
  return a ? data.policies.find((p) => p.id === a.policyId) : undefined;
}

function findRequest(data: Readonly<TenantData>, id: string): GroupRequestRecord {
  const r = (data.groupAssignmentRequests ?? []).find((x) => sameId(x.id, id));
  if (!r) throw notFound(`The privilegedAccessGroupAssignmentScheduleRequest '${id}' was not found.`, 'ResourceNotFound');
  return r;
}

const KNOWN = new Set([
  '@odata.type',
  'action',
  'principalId',
  'groupId',
  'accessId',
  'justification',
  'ticketInfo',
  'scheduleInfo',
  'isValidationOnly',
  'customData',
  'targetScheduleId',
]);

async function createGroupRequest(req: EmulatorRequest, deps: GraphDeps): Promise<GroupRequestRecord> {
  const body = jsonObjectBody(req);
  refuseUnknownProperties(body, KNOWN, 'privilegedAccessGroupAssignmentScheduleRequest');
  const str = (k: string, required: boolean): string | null => stringProperty(body, k, required);
  const { action, actionAsSent } = readAction(body, 'scheduleRequestActions');
  const accessId = str('accessId', true)!.toLowerCase();
  if (accessId !== 'member' && accessId !== 'owner')
    throw badRequest(`Cannot convert the literal '${accessId}' to the expected type 'microsoft.graph.privilegedAccessGroupRelationships'.`);
  const groupId = str('groupId', true)!;
  const principalId = str('principalId', true)!;
  const data = deps.store.data;
  if (!data.groups.some((g) => sameId(g.id, groupId))) throw notFound(`The group '${groupId}' was not found.`, 'ResourceNotFound');
  const isValidationOnly = readValidationOnly(body);
  const ticket = (body.ticketInfo ?? {}) as { ticketNumber?: unknown; ticketSystem?: unknown };
  const ticketInfo = {
    ticketNumber: typeof ticket.ticketNumber === 'string' ? ticket.ticketNumber : null,
    ticketSystem: typeof ticket.ticketSystem === 'string' ? ticket.ticketSystem : null,
  };

  const p = requirePermission(req, WRITE_GROUP_ASSIGNMENT);
  if (p.kind !== 'user') throw forbidden('Application access is not supported for this operation.');
  if (!action.startsWith('self')) {
    if (!isPimAdmin(data, p.oid, deps.clock.now()))
      throw forbidden('The signed-in user needs an active Privileged Role Administrator or Global Administrator role.');
    if (action !== 'adminAssign')
      throw badRequest(`The action '${actionAsSent}' is not supported by the local tenant yet.`, 'ActionNotSupported');
    return adminAssign(deps, req, p.oid, {
      action: actionAsSent,
      groupId,
      principalId,
      accessId,
      body,
      ticketInfo,
      justification: str('justification', false),
      customData: str('customData', false),
    });
  }
  // A user can only act on their own access; the body's principalId is checked, never trusted.
  if (!sameId(principalId, p.oid)) throw forbidden(`The principalId of a ${action} request must be the signed-in user.`);

  const now = deps.clock.now();
  const id = newGuid();
  const record: GroupRequestRecord = {
    id,
    status: 'Provisioned',
    createdDateTime: now.toISOString(),
    completedDateTime: null,
    approvalId: null,
    customData: str('customData', false),
    createdBy: { kind: 'user', id: p.oid },
    action: actionAsSent,
    isValidationOnly,
    justification: str('justification', false),
    scheduleInfo: null,
    ticketInfo,
    accessId,
    principalId: p.oid,
    groupId: groupId.toLowerCase(),
    targetScheduleId: null,
  };
  const ids = principalsFor(data, p.oid);
  const live = (data.groupAssignments ?? []).filter(
    (a) =>
      ids.has(a.principalId) &&
      sameId(a.groupId, groupId) &&
      a.accessId === accessId &&
      a.status !== 'Revoked' &&
      a.status !== 'Canceled' &&
      (a.endDateTime === null || Date.parse(a.endDateTime) > now.getTime()),
  );

  if (action === 'selfActivate') {
    const schedule = normaliseSchedule(body.scheduleInfo, now);
    const eligibility = data.groupEligibilities.find(
      (e) =>
        ids.has(e.principalId) && sameId(e.groupId, groupId) && e.accessId === accessId && isActiveAt({ ...e, status: 'Provisioned' }, now),
    );
    const pending = (data.groupAssignmentRequests ?? []).some(
      (r) => r.status === 'PendingApproval' && r.principalId === p.oid && sameId(r.groupId, groupId) && r.accessId === accessId,
    );
    const status = decideSelfActivation(
      {
        principal: p,
        schedule,
        justification: record.justification,
        ticketNumber: ticketInfo.ticketNumber,
        policy: endUserPolicy(groupPolicy(data, groupId, accessId)?.rules),
        eligibilityEnd: eligibility ? eligibility.endDateTime : undefined,
        assignmentExists: live.length > 0,
        pendingRequest: pending,
      },
      now,
    );
    record.status = status;
    record.scheduleInfo = schedule.scheduleInfo;
    record.targetScheduleId = `${record.groupId}_${accessId}_${id}`;
    record.approvalId = status === 'PendingApproval' ? id : null;
    record.completedDateTime = status === 'PendingApproval' ? null : iso(schedule.start);
    if (record.isValidationOnly) return record;
    await deps.store.update((d) => {
      (d.groupAssignmentRequests ??= []).push(record);
      if (status !== 'PendingApproval')
        (d.groupAssignments ??= []).push(groupActivation(record, schedule.start, schedule.end, eligibility!.id));
      recordPimAudit(d, groupAudit(record, p.oid, now, req, status === 'PendingApproval' ? 'activationRequested' : 'activationCompleted'));
    });
    return record;
  }

  if (action === 'selfDeactivate') {
    const target = live.find((a) => a.principalId === p.oid && a.assignmentType === 'Activated' && isActiveAt(a, now));
    checkSelfDeactivation(target?.startDateTime, now);
    record.status = 'Revoked';
    record.completedDateTime = iso(now);
    record.targetScheduleId = target!.id;
    if (record.isValidationOnly) return record;
    await deps.store.update((d) => {
      (d.groupAssignmentRequests ??= []).push(record);
      const s = (d.groupAssignments ?? []).find((x) => x.id === target!.id)!;
      s.endDateTime = now.toISOString();
      recordPimAudit(d, groupAudit(record, p.oid, now, req, 'deactivationCompleted'));
    });
    return record;
  }

  if (action === 'selfExtend' || action === 'selfRenew') {
    const target = live.find((a) => a.principalId === p.oid);
    checkSelfExtension(target, now);
    const schedule = normaliseSchedule(body.scheduleInfo, now);
    // An administrator decides extensions; until then the request waits.
    record.status = 'PendingAdminDecision';
    record.scheduleInfo = schedule.scheduleInfo;
    record.targetScheduleId = target!.id;
    if (record.isValidationOnly) return record;
    await deps.store.update((d) => {
      (d.groupAssignmentRequests ??= []).push(record);
      recordPimAudit(d, groupAudit(record, p.oid, now, req, 'extensionRequested'));
    });
    return record;
  }
  throw badRequest(`The action '${actionAsSent}' is not supported by the local tenant yet.`, 'ActionNotSupported');
}

interface AdminAssignInput {
  readonly action: string;
  readonly groupId: string;
  readonly principalId: string;
  readonly accessId: 'member' | 'owner';
  readonly body: Record<string, unknown>;
  readonly ticketInfo: GroupRequestRecord['ticketInfo'];
  readonly justification: string | null;
  readonly customData: string | null;
}

/** An administrator makes someone an active member or owner (time-bound or permanent). */
async function adminAssign(deps: GraphDeps, req: EmulatorRequest, adminId: string, a: AdminAssignInput): Promise<GroupRequestRecord> {
  const data = deps.store.data;
  if (!data.users.some((u) => sameId(u.id, a.principalId)) && !data.groups.some((g) => sameId(g.id, a.principalId))) {
    throw badRequest(`The subjectId '${a.principalId}' provided in the request body cannot be found.`, 'SubjectNotFound');
  }
  const now = deps.clock.now();
  const schedule = normaliseSchedule(a.body.scheduleInfo, now);
  const principalId = a.principalId.toLowerCase();
  const groupId = a.groupId.toLowerCase();
  const exists = (data.groupAssignments ?? []).some(
    (x) =>
      x.principalId === principalId &&
      x.groupId === groupId &&
      x.accessId === a.accessId &&
      (x.endDateTime === null || Date.parse(x.endDateTime) > now.getTime()),
  );
  if (exists) throw new GraphError(400, 'RoleAssignmentExists', 'The Role assignment already exists.');
  const id = newGuid();
  const record: GroupRequestRecord = {
    id,
    status: schedule.start.getTime() > now.getTime() ? 'Granted' : 'Provisioned',
    createdDateTime: now.toISOString(),
    completedDateTime: iso(schedule.start),
    approvalId: null,
    customData: a.customData,
    createdBy: { kind: 'user', id: adminId },
    action: a.action,
    isValidationOnly: a.body.isValidationOnly === true,
    justification: a.justification,
    scheduleInfo: schedule.scheduleInfo,
    ticketInfo: a.ticketInfo,
    accessId: a.accessId,
    principalId,
    groupId,
    targetScheduleId: `${groupId}_${a.accessId}_${id}`,
  };
  if (record.isValidationOnly) return record;
  await deps.store.update((d) => {
    (d.groupAssignmentRequests ??= []).push(record);
    (d.groupAssignments ??= []).push({
      ...groupActivation(record, schedule.start, schedule.end, ''),
      assignmentType: 'Assigned',
      activatedUsing: null,
    });
    recordPimAudit(d, {
      ...groupAudit(record, adminId, now, req, 'assignmentCompleted'),
      endDateTime: schedule.end ? schedule.end.toISOString() : null,
    });
  });
  return record;
}

/** The audit entry of a processed group request (the activity is the caller's). */
export function groupAudit(r: GroupRequestRecord, initiatorId: string, at: Date, req: EmulatorRequest, activity: PimAuditActivity) {
  return {
    activity,
    surface: 'group' as const,
    initiatedBy: { kind: 'user' as const, id: initiatorId, ipAddress: req.remoteAddress },
    requestId: r.id,
    principalId: r.principalId,
    roleDefinitionId: r.accessId,
    scopeId: r.groupId,
    at,
    justification: r.justification,
  };
}

export function groupActivation(record: GroupRequestRecord, start: Date, end: Date | null, eligibilityId: string): GroupAssignmentRecord {
  return {
    id: record.targetScheduleId!,
    groupId: record.groupId,
    principalId: record.principalId,
    accessId: record.accessId,
    assignmentType: 'Activated',
    memberType: 'Direct',
    status: 'Provisioned',
    startDateTime: start.toISOString(),
    endDateTime: end ? end.toISOString() : null,
    createdUsing: record.id,
    activatedUsing: eligibilityId,
    scheduleInfo: structuredClone(record.scheduleInfo!),
  };
}
