// roleEligibilityScheduleRequests: administrators grant and remove eligibilities.
import type { Router } from '../http/router';
import { entityBody, entityResponse, listResponse } from '../odata/collection';
import { MESSAGES, policyFailure } from '../pim/activation';
import { directoryRolePolicy, rule, sameId } from '../pim/directory';
import { parseIsoDuration } from '../pim/duration';
import { iso, normaliseSchedule } from '../pim/requestSchedule';
import { isActiveAt } from '../pim/schedules';
import { recordPimAudit } from '../pim/audit';
import { newGuid } from '../state/ids';
import type { ScheduleRequestRecord } from '../state/types';
import { READ_DIRECTORY_ROLES, requireAdminUser, requireTenantWideRead, WRITE_ELIGIBILITY_REQUESTS } from './access';
import type { GraphDeps } from './deps';
import type { EntityTypes } from './entities';
import { badRequest, GraphError, notFound } from './errors';
import { assertPrincipalExists } from './roleAssignmentRequests';
import { readScheduleRequest } from './requestBody';
import { ID, RM } from './routes';

const SEGMENT = 'roleEligibilityScheduleRequests';
const CONTEXT = `roleManagement/directory/${SEGMENT}`;

export function registerRoleEligibilityRequestRoutes(router: Router, deps: GraphDeps, types: EntityTypes): void {
  const type = types.eligibilityRequest;
  router.add('GET', new RegExp(`${RM}/${SEGMENT}/?$`), (req) => {
    requireTenantWideRead(req, deps, READ_DIRECTORY_ROLES);
    return listResponse(req, deps, { type, contextPath: CONTEXT }, deps.store.data.roleEligibilityScheduleRequests);
  });
  router.add('GET', new RegExp(`${RM}/${SEGMENT}/${ID}$`), (req) => {
    requireTenantWideRead(req, deps, READ_DIRECTORY_ROLES);
    const r = deps.store.data.roleEligibilityScheduleRequests.find((x) => x.id.toLowerCase() === req.params.id!.toLowerCase());
    if (!r) throw notFound(`The roleEligibilityScheduleRequest '${req.params.id}' was not found.`, 'ResourceNotFound');
    return entityResponse(req, deps, type, CONTEXT, r);
  });

  router.add('POST', new RegExp(`${RM}/${SEGMENT}/?$`), async (req) => {
    const body = readScheduleRequest(req, type.name);
    const admin = requireAdminUser(req, deps, WRITE_ELIGIBILITY_REQUESTS);
    const data = deps.store.data;
    const now = deps.clock.now();
    if (!data.roleDefinitions.some((r) => sameId(r.id, body.roleDefinitionId)))
      throw badRequest(`The role definition '${body.roleDefinitionId}' does not exist.`, 'RoleDefinitionDoesNotExist');
    assertPrincipalExists(data, body.principalId);
    const id = newGuid();
    const record: ScheduleRequestRecord = {
      id,
      status: 'Provisioned',
      createdDateTime: now.toISOString(),
      completedDateTime: iso(now),
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
      createdBy: { kind: 'user', id: admin.oid },
      scheduleInfo: null,
      ticketInfo: { ...body.ticketInfo },
      activatedUsing: null,
    };
    const audit = {
      surface: 'entraRole' as const,
      initiatedBy: { kind: 'user' as const, id: admin.oid, ipAddress: req.remoteAddress },
      requestId: id,
      principalId: record.principalId,
      roleDefinitionId: record.roleDefinitionId,
      scopeId: record.directoryScopeId,
      at: now,
      justification: record.justification,
    };
    const matches = (s: { principalId: string; roleDefinitionId: string; directoryScopeId: string }) =>
      sameId(s.principalId, body.principalId) &&
      sameId(s.roleDefinitionId, body.roleDefinitionId) &&
      s.directoryScopeId === body.directoryScopeId;

    if (body.action === 'adminAssign') {
      const schedule = normaliseSchedule(body.scheduleInfo, now);
      if (data.roleEligibilitySchedules.some((s) => matches(s) && (s.endDateTime === null || Date.parse(s.endDateTime) > now.getTime()))) {
        throw new GraphError(400, 'RoleAssignmentExists', MESSAGES.exists);
      }
      const expiration = rule(directoryRolePolicy(data, body.roleDefinitionId), 'Expiration_Admin_Eligibility');
      const max = typeof expiration?.maximumDuration === 'string' ? parseIsoDuration(expiration.maximumDuration) : undefined;
      if (
        expiration &&
        (schedule.durationMs === null ? expiration.isExpirationRequired === true : max !== undefined && schedule.durationMs > max)
      )
        throw policyFailure(['ExpirationRule']);
      record.scheduleInfo = schedule.scheduleInfo;
      record.status = schedule.start.getTime() > now.getTime() ? 'Granted' : 'Provisioned';
      record.completedDateTime = iso(schedule.start);
      if (!body.isValidationOnly) {
        await deps.store.update((d) => {
          d.roleEligibilityScheduleRequests.push(record);
          recordPimAudit(d, { ...audit, activity: 'eligibilityAssigned', endDateTime: schedule.end ? schedule.end.toISOString() : null });
          d.roleEligibilitySchedules.push({
            id,
            principalId: record.principalId,
            roleDefinitionId: record.roleDefinitionId,
            directoryScopeId: record.directoryScopeId,
            appScopeId: null,
            createdUsing: id,
            createdDateTime: now.toISOString(),
            modifiedDateTime: null,
            status: 'Provisioned',
            memberType: 'Direct',
            scheduleInfo: structuredClone(schedule.scheduleInfo),
            startDateTime: schedule.start.toISOString(),
            endDateTime: schedule.end ? schedule.end.toISOString() : null,
          });
        });
      }
    } else if (body.action === 'adminRemove') {
      const target = data.roleEligibilitySchedules.find((s) => matches(s) && isActiveAt(s, now));
      if (!target) throw badRequest('The Role eligibility does not exist.', 'RoleAssignmentDoesNotExist');
      record.status = 'Revoked';
      record.targetScheduleId = target.id;
      if (!body.isValidationOnly) {
        await deps.store.update((d) => {
          d.roleEligibilityScheduleRequests.push(record);
          recordPimAudit(d, { ...audit, activity: 'eligibilityRemoved', endDateTime: target.endDateTime });
          const s = d.roleEligibilitySchedules.find((x) => x.id === target.id)!;
          s.endDateTime = now.toISOString();
          s.modifiedDateTime = now.toISOString();
        });
      }
    } else {
      throw badRequest(
        `The action '${body.actionAsSent}' is not supported for eligibility requests by the local tenant yet.`,
        'ActionNotSupported',
      );
    }
    return entityBody(req, deps, type, CONTEXT, record, undefined, [], 201);
  });
}
