// Approvals of Entra role activations (Graph beta only): GET roleAssignmentApprovals/{id} and
// PATCH .../steps/{stepId} {reviewResult, justification} → 204. The approver is the bearer token's subject.
import type { Router } from '../http/router';
import type { EmulatorRequest, EmulatorResponse } from '../http/types';
import {
  approverStagesFromPolicy,
  decide,
  findOrCreateApproval,
  maySee,
  openApproval,
  readDecisionBody,
  settleGraphRequest,
  stageViews,
  type ApprovalRecord,
  type ApprovalSubject,
  type StageView,
} from '../pim/approvalStages';
import { directoryRolePolicy } from '../pim/directory';
import { recordPimAudit } from '../pim/audit';
import { requireStepUpToDecide } from '../pim/approverStepUp';
import type { GraphRequestRecordBase, PolicyRecord, ScheduleRequestRecord, TenantData } from '../state/types';
import { READ_DIRECTORY_ROLES, requirePermission, WRITE_ASSIGNMENT_REQUESTS } from './access';
import type { GraphDeps } from './deps';
import { forbidden, notFound } from './errors';
import { jsonObjectBody } from './requestBody';
import { activationSchedule } from './roleAssignmentRequests';
import { ID } from './routes';

const BASE = '^/beta/roleManagement/directory/roleAssignmentApprovals';

export function registerApprovalRoutes(router: Router, deps: GraphDeps): void {
  router.add('GET', new RegExp(`${BASE}/${ID}/?$`), async (req) => {
    const { approval, subject, me } = await readable(req, deps);
    return {
      status: 200,
      json: { id: approval.id, steps: stageViews(approval, subject, me, deps.clock.now()).map((x) => stepJson(x, deps.store.data.users)) },
    };
  });
  router.add('GET', new RegExp(`${BASE}/${ID}/steps/?$`), async (req) => {
    const { approval, subject, me } = await readable(req, deps);
    return {
      status: 200,
      json: { value: stageViews(approval, subject, me, deps.clock.now()).map((x) => stepJson(x, deps.store.data.users)) },
    };
  });
  router.add('GET', new RegExp(`${BASE}/${ID}/steps/(?<stepId>[^/]+)$`), async (req) => {
    const { approval, subject, me } = await readable(req, deps);
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
    requireStepUpToDecide(deps.store, approval, req.params.stepId!, stored.roleDefinitionId, p);
    const outcome = decide(approval, subject, req.params.stepId!, p.oid, body.reviewResult, body.justification, now);
    recordPimAudit(d, {
      activity: outcome === 'Denied' ? 'activationDenied' : 'activationApproved',
      surface: 'entraRole',
      initiatedBy: { kind: 'user', id: p.oid, ipAddress: req.remoteAddress },
      requestId: stored.id,
      principalId: stored.principalId,
      roleDefinitionId: stored.roleDefinitionId,
      scopeId: stored.directoryScopeId,
      at: now,
      justification: body.justification || null,
    });
    settleGraphRequest(stored, outcome, now, (start, end) => provision(d, stored, start, end, now));
  });
  return { status: 204 };
}

/** Approved: the activation runs for its approved window, through the eligibility it was asked on. */
function provision(d: TenantData, r: ScheduleRequestRecord, start: Date, end: Date | null, now: Date): void {
  const eligibility = d.roleEligibilitySchedules.find((s) => s.id === r.activatedUsing);
  d.roleAssignmentSchedules.push(
    activationSchedule(r, start, end, !eligibility || eligibility.principalId === r.principalId ? 'Direct' : 'Group', 'Activated', now),
  );
}

function readable(req: EmulatorRequest, deps: GraphDeps): Promise<ReadableApproval> {
  return readableApproval(req, deps, READ_DIRECTORY_ROLES, (data) => entraSubject(data, findRequest(data, req.params.id!)));
}

export interface ReadableApproval {
  readonly approval: ApprovalRecord;
  readonly subject: ApprovalSubject;
  readonly me: string;
}

/** An approval the signed-in user may read (its requester, an approver or a PIM admin); applications may not. */
export async function readableApproval(
  req: EmulatorRequest,
  deps: GraphDeps,
  permissions: readonly string[],
  subjectOf: (data: Readonly<TenantData>) => ApprovalSubject,
): Promise<ReadableApproval> {
  const p = requirePermission(req, permissions);
  if (p.kind !== 'user') throw forbidden('Application access is not supported for approvals.');
  const subject = subjectOf(deps.store.data);
  const approval = await openApproval(deps.store, subject);
  if (!maySee(deps.store.data, approval, p.oid, deps.clock.now())) {
    throw forbidden('The signed-in user is neither the requestor nor an approver of this request.');
  }
  return { approval, subject, me: p.oid };
}

function findRequest(data: Readonly<TenantData>, id: string): ScheduleRequestRecord {
  return requestWithApproval(data.roleAssignmentScheduleRequests, id);
}

function entraSubject(data: Readonly<TenantData>, r: ScheduleRequestRecord): ApprovalSubject {
  return graphApprovalSubject(data, r, 'entraRole', directoryRolePolicy(data, r.roleDefinitionId));
}

/** The request whose approval id is `id`; only requests that went through approval have an approval. */
export function requestWithApproval<R extends GraphRequestRecordBase>(requests: readonly R[], id: string): R {
  const r = requests.find((x) => x.id.toLowerCase() === id.toLowerCase());
  if (!r || r.approvalId === null) throw notFound(`The approval '${id}' was not found.`, 'ResourceNotFound');
  return r;
}

/** A Graph request as the subject of its approval, with the stages its policy names. */
export function graphApprovalSubject(
  data: Readonly<TenantData>,
  r: GraphRequestRecordBase,
  surface: 'entraRole' | 'group',
  policy: PolicyRecord | undefined,
): ApprovalSubject {
  return {
    requestId: r.id,
    surface,
    requesterId: r.principalId,
    createdDateTime: r.createdDateTime,
    status: r.status,
    stages: approverStagesFromPolicy(data, policy),
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
    reviewedBy:
      s.reviewedBy === null ? null : { id: s.reviewedBy, displayName: users?.find((u) => u.id === s.reviewedBy)?.displayName ?? null },
  };
}
