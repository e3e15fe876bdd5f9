// roleAssignmentScheduleRequests: where activations happen. Every check PIM makes runs here, and the
// caller is always the bearer token's subject, never a field of the body.
import type { Router } from '../http/router';
import type { EmulatorRequest } from '../http/types';
import type { UserPrincipal } from '../identity/principal';
import { entityBody, entityResponse, listResponse } from '../odata/collection';
import { effectiveStatus, evaluateSelfActivation, MESSAGES, policyFailure } from '../pim/activation';
import { approversOf, directoryRolePolicy, rule, sameId } from '../pim/directory';
import { FIVE_MINUTES_MS, parseIsoDuration } from '../pim/duration';
import { iso, normaliseSchedule } from '../pim/requestSchedule';
import { isActiveAt } from '../pim/schedules';
import { recordPimAudit, type PimAuditEvent } from '../pim/audit';
import { newGuid } from '../state/ids';
import type { AssignmentScheduleRecord, ScheduleRequestRecord, TenantData } from '../state/types';
import { READ_DIRECTORY_ROLES, requireAdminUser, requirePermission, requireTenantWideRead, WRITE_ASSIGNMENT_REQUESTS } from './access';
import type { GraphDeps } from './deps';
import type { EntityTypes } from './entities';
import { badRequest, forbidden, GraphError, notFound } from './errors';
import { readScheduleRequest, type ScheduleRequestBody } from './requestBody';
import { currentUserFilter } from './roleSchedules';
import { FILTER_BY_CURRENT_USER, ID, RM } from './routes';

const SEGMENT = 'roleAssignmentScheduleRequests';
const CONTEXT = `roleManagement/directory/${SEGMENT}`;

export function registerRoleAssignmentRequestRoutes(router: Router, deps: GraphDeps, types: EntityTypes): void {
  const data = () => deps.store.data;
  const type = types.assignmentRequest;

  router.add('GET', new RegExp(`${RM}/${SEGMENT}/?$`), (req) => {
    requireTenantWideRead(req, deps, READ_DIRECTORY_ROLES);
    return listResponse(req, deps, { type, contextPath: CONTEXT }, data().roleAssignmentScheduleRequests);
  });

  router.add('GET', new RegExp(`${RM}/${SEGMENT}${FILTER_BY_CURRENT_USER}$`), (req) => {
    const me = currentUserFilter(req, ['principal', 'approver']);
    requirePermission(req, READ_DIRECTORY_ROLES);
    const now = deps.clock.now();
    const mine =
      req.params.on!.toLowerCase() === 'principal'
        ? data().roleAssignmentScheduleRequests.filter((r) => r.principalId === me)
        : // Requests this user may decide: pending, someone else's, and the user is among the role policy's approvers.
          data().roleAssignmentScheduleRequests.filter(
            (r) =>
              effectiveStatus(r, now) === 'PendingApproval' &&
              r.principalId !== me &&
              approversOf(data(), directoryRolePolicy(data(), r.roleDefinitionId)).has(me),
          );
    // Unlike the instance functions, Microsoft's example answers with the entity set's context and untyped items.
    return listResponse(req, deps, { type, contextPath: CONTEXT }, mine);
  });

  router.add('GET', new RegExp(`${RM}/${SEGMENT}/${ID}$`), (req) => {
    const r = findRequest(data(), req.params.id!);
    assertMayRead(req, deps, r);
    return entityResponse(req, deps, type, CONTEXT, r);
  });

  router.add('POST', new RegExp(`${RM}/${SEGMENT}/?$`), async (req) => {
    const body = readScheduleRequest(req, type.name);
    const record = await createRequest(req, deps, body);
    return entityBody(req, deps, type, CONTEXT, record, undefined, [], 201);
  });

  router.add('POST', new RegExp(`${RM}/${SEGMENT}/${ID}/cancel$`), async (req) => {
    const p = requirePermission(req, WRITE_ASSIGNMENT_REQUESTS);
    const r = findRequest(data(), req.params.id!);
    if (p.kind !== 'user' || (r.principalId !== p.oid && r.createdBy.id !== p.oid))
      throw forbidden('Only the requester can cancel a request.');
    const status = effectiveStatus(r, deps.clock.now());
    // PIM cancels requests that have not taken effect: scheduled (Granted) or awaiting approval.
    if (status !== 'Granted' && status !== 'PendingApproval')
      throw badRequest(`The request is in status '${status}' and cannot be canceled.`, 'InvalidRequestStatus');
    await deps.store.update((d) => {
      const stored = d.roleAssignmentScheduleRequests.find((x) => x.id === r.id)!;
      stored.status = 'Canceled';
      stored.completedDateTime = iso(deps.clock.now());
      d.roleAssignmentSchedules = d.roleAssignmentSchedules.filter((s) => s.createdUsing !== r.id);
      recordPimAudit(d, { ...auditOf(r, p.oid, deps.clock.now(), req), activity: 'activationCanceled' });
    });
    return { status: 204 };
  });
}

function findRequest(data: Readonly<TenantData>, id: string): ScheduleRequestRecord {
  const r = data.roleAssignmentScheduleRequests.find((x) => x.id.toLowerCase() === id.toLowerCase());
  if (!r) throw notFound(`The roleAssignmentScheduleRequest '${id}' was not found.`, 'ResourceNotFound');
  return r;
}

function assertMayRead(req: EmulatorRequest, deps: GraphDeps, r: ScheduleRequestRecord): void {
  const p = requirePermission(req, READ_DIRECTORY_ROLES);
  if (p.kind === 'user' && (r.principalId === p.oid || r.createdBy.id === p.oid)) return;
  if (p.kind === 'user' && approversOf(deps.store.data, directoryRolePolicy(deps.store.data, r.roleDefinitionId)).has(p.oid)) return;
  requireTenantWideRead(req, deps, READ_DIRECTORY_ROLES);
}

async function createRequest(req: EmulatorRequest, deps: GraphDeps, body: ScheduleRequestBody): Promise<ScheduleRequestRecord> {
  const data = deps.store.data;
  const now = deps.clock.now();
  if (!data.roleDefinitions.some((r) => sameId(r.id, body.roleDefinitionId))) {
    throw badRequest(`The role definition '${body.roleDefinitionId}' does not exist.`, 'RoleDefinitionDoesNotExist');
  }
  switch (body.action) {
    case 'selfActivate':
      return selfActivate(req, deps, body, now);
    case 'selfDeactivate':
      return selfDeactivate(req, deps, body, now);
    case 'adminAssign':
      return adminAssign(req, deps, body, now);
    case 'adminRemove':
      return adminRemove(req, deps, body, now);
    default:
      throw badRequest(`The action '${body.actionAsSent}' is not supported by the local tenant yet.`, 'ActionNotSupported');
  }
}

function selfUser(req: EmulatorRequest, body: ScheduleRequestBody): UserPrincipal {
  const p = requirePermission(req, WRITE_ASSIGNMENT_REQUESTS);
  if (p.kind !== 'user') throw forbidden(`The action '${body.actionAsSent}' requires a signed-in user.`);
  // A user can only act on their own access; the body's principalId is checked, never trusted.
  if (!sameId(body.principalId, p.oid)) throw forbidden(`The principalId of a ${body.action} request must be the signed-in user.`);
  return p;
}

function baseRecord(body: ScheduleRequestBody, createdBy: string, now: Date): ScheduleRequestRecord {
  const id = newGuid();
  return {
    id,
    status: 'Provisioned',
    createdDateTime: now.toISOString(),
    completedDateTime: null,
    approvalId: null,
    customData: body.customData,
    action: body.actionAsSent,
    principalId: body.principalId.toLowerCase(),
    roleDefinitionId: body.roleDefinitionId,
    directoryScopeId: body.directoryScopeId,
    appScopeId: body.appScopeId,
    isValidationOnly: body.isValidationOnly,
    targetScheduleId: id,
    justification: body.justification,
    createdBy: { kind: 'user', id: createdBy },
    scheduleInfo: null,
    ticketInfo: { ...body.ticketInfo },
    activatedUsing: null,
  };
}

async function selfActivate(req: EmulatorRequest, deps: GraphDeps, body: ScheduleRequestBody, now: Date): Promise<ScheduleRequestRecord> {
  const principal = selfUser(req, body);
  const schedule = normaliseSchedule(body.scheduleInfo, now);
  const decision = evaluateSelfActivation(
    deps.store.data,
    {
      principal,
      roleDefinitionId: body.roleDefinitionId,
      directoryScopeId: body.directoryScopeId,
      schedule,
      justification: body.justification,
      ticketInfo: body.ticketInfo,
    },
    now,
  );
  const record = baseRecord(body, principal.oid, now);
  record.status = decision.status;
  record.scheduleInfo = schedule.scheduleInfo;
  record.activatedUsing = decision.eligibility.id;
  // Approval objects share the request's id (approval.id == request id).
  record.approvalId = decision.status === 'PendingApproval' ? record.id : null;
  record.completedDateTime = decision.status === 'PendingApproval' ? null : iso(schedule.start);
  if (body.isValidationOnly) return record;

  await deps.store.update((d) => {
    d.roleAssignmentScheduleRequests.push(record);
    recordPimAudit(d, {
      ...auditOf(record, principal.oid, now, req),
      activity: decision.status === 'PendingApproval' ? 'activationRequested' : 'activationCompleted',
    });
    if (decision.status !== 'PendingApproval') {
      d.roleAssignmentSchedules.push(
        activationSchedule(
          record,
          schedule.start,
          schedule.end,
          decision.eligibility.principalId === principal.oid ? 'Direct' : 'Group',
          'Activated',
          now,
        ),
      );
    }
  });
  return record;
}

export function activationSchedule(
  record: ScheduleRequestRecord,
  start: Date,
  end: Date | null,
  memberType: 'Direct' | 'Group',
  assignmentType: 'Activated' | 'Assigned',
  now: Date,
): AssignmentScheduleRecord {
  return {
    id: record.id,
    principalId: record.principalId,
    roleDefinitionId: record.roleDefinitionId,
    directoryScopeId: record.directoryScopeId,
    appScopeId: record.appScopeId,
    createdUsing: record.id,
    createdDateTime: now.toISOString(),
    modifiedDateTime: now.toISOString(),
    status: 'Provisioned',
    memberType,
    scheduleInfo: structuredClone(record.scheduleInfo!),
    startDateTime: start.toISOString(),
    endDateTime: end ? end.toISOString() : null,
    assignmentType,
    activatedUsing: record.activatedUsing,
  };
}

async function selfDeactivate(req: EmulatorRequest, deps: GraphDeps, body: ScheduleRequestBody, now: Date): Promise<ScheduleRequestRecord> {
  const principal = selfUser(req, body);
  const target = deps.store.data.roleAssignmentSchedules.find(
    (s) =>
      s.principalId === principal.oid &&
      s.assignmentType === 'Activated' &&
      sameId(s.roleDefinitionId, body.roleDefinitionId) &&
      s.directoryScopeId === body.directoryScopeId &&
      isActiveAt(s, now),
  );
  if (!target) throw badRequest('The Role assignment does not exist.', 'RoleAssignmentDoesNotExist');
  // PIM refuses to deactivate within the first five minutes of an activation.
  if (now.getTime() - Date.parse(target.startDateTime) < FIVE_MINUTES_MS)
    throw new GraphError(400, 'ActiveDurationTooShort', MESSAGES.tooShort);
  return revoke(req, deps, body, principal.oid, target, now, { activity: 'deactivationCompleted' });
}

async function adminAssign(req: EmulatorRequest, deps: GraphDeps, body: ScheduleRequestBody, now: Date): Promise<ScheduleRequestRecord> {
  const admin = requireAdminUser(req, deps, WRITE_ASSIGNMENT_REQUESTS);
  const data = deps.store.data;
  assertPrincipalExists(data, body.principalId);
  const schedule = normaliseSchedule(body.scheduleInfo, now);
  const exists = data.roleAssignmentSchedules.some(
    (s) =>
      sameId(s.principalId, body.principalId) &&
      sameId(s.roleDefinitionId, body.roleDefinitionId) &&
      s.directoryScopeId === body.directoryScopeId &&
      (s.endDateTime === null || Date.parse(s.endDateTime) > now.getTime()),
  );
  if (exists) throw new GraphError(400, 'RoleAssignmentExists', MESSAGES.exists);
  const expiration = rule(directoryRolePolicy(data, body.roleDefinitionId), 'Expiration_Admin_Assignment');
  const max = typeof expiration?.maximumDuration === 'string' ? parseIsoDuration(expiration.maximumDuration) : undefined;
  if (
    expiration &&
    (schedule.durationMs === null ? expiration.isExpirationRequired === true : max !== undefined && schedule.durationMs > max)
  )
    throw policyFailure(['ExpirationRule']);
  const record = baseRecord(body, admin.oid, now);
  record.status = schedule.start.getTime() > now.getTime() ? 'Granted' : 'Provisioned';
  record.scheduleInfo = schedule.scheduleInfo;
  record.completedDateTime = iso(schedule.start);
  if (body.isValidationOnly) return record;
  await deps.store.update((d) => {
    d.roleAssignmentScheduleRequests.push(record);
    d.roleAssignmentSchedules.push(activationSchedule(record, schedule.start, schedule.end, 'Direct', 'Assigned', now));
    recordPimAudit(d, {
      ...auditOf(record, admin.oid, now, req),
      activity: 'assignmentCompleted',
      endDateTime: schedule.end ? schedule.end.toISOString() : null,
    });
  });
  return record;
}

async function adminRemove(req: EmulatorRequest, deps: GraphDeps, body: ScheduleRequestBody, now: Date): Promise<ScheduleRequestRecord> {
  const admin = requireAdminUser(req, deps, WRITE_ASSIGNMENT_REQUESTS);
  const target = deps.store.data.roleAssignmentSchedules.find(
    (s) =>
      sameId(s.principalId, body.principalId) &&
      sameId(s.roleDefinitionId, body.roleDefinitionId) &&
      s.directoryScopeId === body.directoryScopeId &&
      isActiveAt(s, now),
  );
  if (!target) throw badRequest('The Role assignment does not exist.', 'RoleAssignmentDoesNotExist');
  return revoke(req, deps, body, admin.oid, target, now, { activity: 'assignmentRemoved', endDateTime: target.endDateTime });
}

/** Ends `target` now through a Revoked request made by `actorId` (unless only validating), audited as `audit` says. */
async function revoke(
  req: EmulatorRequest,
  deps: GraphDeps,
  body: ScheduleRequestBody,
  actorId: string,
  target: AssignmentScheduleRecord,
  now: Date,
  audit: Pick<PimAuditEvent, 'activity' | 'endDateTime'>,
): Promise<ScheduleRequestRecord> {
  const record = baseRecord(body, actorId, now);
  record.status = 'Revoked';
  record.completedDateTime = iso(now);
  record.targetScheduleId = target.id;
  if (body.isValidationOnly) return record;
  await deps.store.update((d) => {
    d.roleAssignmentScheduleRequests.push(record);
    recordPimAudit(d, { ...auditOf(record, actorId, now, req), ...audit });
    const s = d.roleAssignmentSchedules.find((x) => x.id === target.id)!;
    s.endDateTime = now.toISOString();
    s.modifiedDateTime = now.toISOString();
  });
  return record;
}

export function assertPrincipalExists(data: Readonly<TenantData>, principalId: string): void {
  if (!data.users.some((u) => sameId(u.id, principalId)) && !data.groups.some((g) => sameId(g.id, principalId))) {
    throw badRequest(`The subjectId '${principalId}' provided in the request body cannot be found.`, 'SubjectNotFound');
  }
}

/** The audit fields every Entra role request shares (the activity is the caller's). */
function auditOf(r: ScheduleRequestRecord, initiatorId: string, at: Date, req: EmulatorRequest) {
  return {
    surface: 'entraRole' as const,
    initiatedBy: { kind: 'user' as const, id: initiatorId, ipAddress: req.remoteAddress },
    requestId: r.id,
    principalId: r.principalId,
    roleDefinitionId: r.roleDefinitionId,
    scopeId: r.directoryScopeId,
    at,
    justification: r.justification,
  };
}
