// Approvals of Entra role activations (Graph beta only): GET roleAssignmentApprovals/{id} and
// PATCH .../steps/{stepId} {reviewResult, justification} → 204. The approver is the bearer token's subject.
import type { Router } from '../http/router';
import type { EmulatorRequest, EmulatorResponse } from '../http/types';
import {
  approvedWindow, approverStagesFromPolicy, decide, existingApproval, findOrCreateApproval, mayRead, readDecisionBody, stageViews,
  type ApprovalRecord, type ApprovalSubject, type StageView,
} from '../pim/approvalStages';
import { directoryRolePolicy, isPimAdmin } from '../pim/directory';
import { recordPimAudit } from '../pim/audit';
import { iso } from '../pim/requestSchedule';
import type { ScheduleRequestRecord, TenantData } from '../state/types';
import { READ_DIRECTORY_ROLES, requirePermission, WRITE_ASSIGNMENT_REQUESTS } from './access';
import type { GraphDeps } from './deps';
import { forbidden, notFound } from './errors';
import { jsonObjectBody } from './requestBody';
import { activationSchedule } from './roleAssignmentRequests';
import { ID } from './routes';

const BASE = '^/beta/roleManagement/directory/roleAssignmentApprovals';

export function registerApprovalRoutes(router: Router, deps: GraphDeps): void {
  router.add('GET', new RegExp(`${BASE}/${ID}/?$`), async (req) => {
    const { approval, subject, me } = await readable(req, deps, READ_DIRECTORY_ROLES);
    return { status: 200, json: { id: approval.id, steps: stageViews(approval, subject, me, deps.clock.now()).map((x) => stepJson(x, deps.store.data.users)) } };
  });
  router.add('GET', new RegExp(`${BASE}/${ID}/steps/?$`), async (req) => {
    const { approval, subject, me } = await readable(req, deps, READ_DIRECTORY_ROLES);
    return { status: 200, json: { value: stageViews(approval, subject, me, deps.clock.now()).map((x) => stepJson(x, deps.store.data.users)) } };
  });
  router.add('GET', new RegExp(`${BASE}/${ID}/steps/(?<stepId>[^/]+)$`), async (req) => {
    const { approval, subject, me } = await readable(req, deps, READ_DIRECTORY_ROLES);
    const step = stageViews(approval, subject, me, deps.clock.now()).find((s) => s.id.toLowerCase() === req.params.stepId!.toLowerCase());
    if (!step) throw notFound(`The approval step '${req.params.stepId}' was not found.`);
    return { status: 200, json: stepJson(step, deps.store.data.users) };
  });
  router.add('PATCH', new RegExp(`${BASE}/${ID}/steps/(?<stepId>[^/]+)$`), (req) => patchStep(req, deps));
}

async function patchStep(req: EmulatorRequest, deps: GraphDeps): Promise<EmulatorResponse> {
  const p = requirePermission(req, WRITE_ASSIGNMENT_REQUESTS);
  // Approving is delegated-only in PIM: an application cannot approve.
  if (p.kind !== 'user') throw forbidden('Application access is not supported for approving requests.');
  const body = readDecisionBody(jsonObjectBody(req));
  const request = findRequest(deps.store.data, req.params.id!);
  const now = deps.clock.now();
  await deps.store.update((d) => {
    const stored = d.roleAssignmentScheduleRequests.find((r) => r.id === request.id)!;
    const subject = entraSubject(d, stored);
    const approval = findOrCreateApproval(d, subject);
    const outcome = decide(approval, subject, req.params.stepId!, p.oid, body.reviewResult, body.justification, now);
    recordPimAudit(d, {
      activity: outcome === 'Denied' ? 'activationDenied' : 'activationApproved', surface: 'entraRole', initiatedBy: { kind: 'user', id: p.oid, ipAddress: req.remoteAddress },
      requestId: stored.id, principalId: stored.principalId, roleDefinitionId: stored.roleDefinitionId, scopeId: stored.directoryScopeId, at: now,
      justification: body.justification || null,
    });
    if (outcome === 'Denied') {
      stored.status = 'Denied';
      stored.completedDateTime = iso(now);
    } else if (outcome === 'Approved') {
      provision(d, stored, now);
    }
  });
  return { status: 204 };
}

/** Approved: the activation starts now (or at its later requested start) for the requested length. */
function provision(d: TenantData, r: ScheduleRequestRecord, now: Date): void {
  const { start, end, later } = approvedWindow(r.scheduleInfo?.startDateTime, r.scheduleInfo?.expiration, now);
  r.status = later ? 'Granted' : 'Provisioned';
  r.completedDateTime = iso(start);
  const eligibility = d.roleEligibilitySchedules.find((s) => s.id === r.activatedUsing);
  d.roleAssignmentSchedules.push(activationSchedule(r, start, end, !eligibility || eligibility.principalId === r.principalId ? 'Direct' : 'Group', 'Activated', now));
}

async function readable(req: EmulatorRequest, deps: GraphDeps, permissions: readonly string[]): Promise<{ approval: ApprovalRecord; subject: ApprovalSubject; me: string }> {
  const p = requirePermission(req, permissions);
  if (p.kind !== 'user') throw forbidden('Application access is not supported for approvals.');
  const request = findRequest(deps.store.data, req.params.id!);
  const subject = entraSubject(deps.store.data, request);
  const approval = existingApproval(deps.store.data, 'entraRole', request.id) ?? (await deps.store.update((d) => findOrCreateApproval(d, subject)));
  if (!mayRead(approval, p.oid) && !isPimAdmin(deps.store.data, p.oid, deps.clock.now())) {
    throw forbidden('The signed-in user is neither the requestor nor an approver of this request.');
  }
  return { approval, subject, me: p.oid };
}

function findRequest(data: Readonly<TenantData>, id: string): ScheduleRequestRecord {
  const r = data.roleAssignmentScheduleRequests.find((x) => x.id.toLowerCase() === id.toLowerCase());
  // Only requests that went through approval have an approval.
  if (!r || r.approvalId === null) throw notFound(`The approval '${id}' was not found.`, 'ResourceNotFound');
  return r;
}

function entraSubject(data: Readonly<TenantData>, r: ScheduleRequestRecord): ApprovalSubject {
  return {
    requestId: r.id,
    surface: 'entraRole',
    requesterId: r.principalId,
    createdDateTime: r.createdDateTime,
    status: r.status,
    stages: approverStagesFromPolicy(data, directoryRolePolicy(data, r.roleDefinitionId)),
  };
}

/** Graph approvalStep (beta) / approvalStage (v1.0): the same fields. */
export function stepJson(s: StageView, users?: Readonly<TenantData>['users']): Record<string, unknown> {
  return {
    id: s.id,
    displayName: s.displayName,
    reviewedDateTime: s.reviewedDateTime,
    reviewResult: s.reviewResult,
    status: s.status,
    assignedToMe: s.assignedToMe,
    justification: s.justification,
    reviewedBy: s.reviewedBy === null ? null : { id: s.reviewedBy, displayName: users?.find((u) => u.id === s.reviewedBy)?.displayName ?? null },
  };
}
