// Approvals of PIM for Groups activations: v1.0 /identityGovernance/privilegedAccess/group/assignmentApprovals/{id}
// with `stages` (PATCH stages/{id} {reviewResult, justification} → 204), and beta with `steps`. Microsoft's
// v1.0 page also documents PATCH .../steps/{id} (sic), so v1.0 takes that path as well.
// The approval id is the assignmentScheduleRequest id; the approver is the bearer token's subject.
import type { Router } from '../http/router';
import type { EmulatorRequest, EmulatorResponse } from '../http/types';
import { recordPimAudit } from '../pim/audit';
import { requireStepUpToDecide } from '../pim/approverStepUp';
import { sameId } from '../pim/directory';
import {
  decide,
  findOrCreateApproval,
  readDecisionBody,
  settleGraphRequest,
  stageViews,
  type ApprovalSubject,
} from '../pim/approvalStages';
import type { GroupRequestRecord } from '../state/surfaces';
import type { TenantData } from '../state/types';
import { requirePermission } from './access';
import { graphApprovalSubject, readableApproval, requestWithApproval, stepJson, type ReadableApproval } from './approvals';
import type { GraphDeps } from './deps';
import { forbidden, notFound } from './errors';
import { groupActivation, groupAudit, groupPolicy, READ_GROUP_ASSIGNMENT, WRITE_GROUP_ASSIGNMENT } from './groups';
import { jsonObjectBody } from './requestBody';
import { ID } from './routes';

const BASE = '^/(?<version>v1\\.0|beta)/identityGovernance/privilegedAccess/group/assignmentApprovals';
/** v1.0 names them stages, beta steps; v1.0 also answers the documented 'steps' PATCH. */
const PARTS = '(?<part>stages|steps)';

export function registerGroupApprovalRoutes(router: Router, deps: GraphDeps): void {
  router.add('GET', new RegExp(`${BASE}/${ID}/?$`), async (req) => {
    const { approval, subject, me } = await readable(req, deps);
    const views = stageViews(approval, subject, me, deps.clock.now()).map((x) => stepJson(x, deps.store.data.users));
    return { status: 200, json: { id: approval.id, [collectionName(req)]: views } };
  });
  router.add('GET', new RegExp(`${BASE}/${ID}/${PARTS}/?$`), async (req) => {
    const { approval, subject, me } = await readable(req, deps);
    checkPart(req);
    return {
      status: 200,
      json: { value: stageViews(approval, subject, me, deps.clock.now()).map((x) => stepJson(x, deps.store.data.users)) },
    };
  });
  router.add('GET', new RegExp(`${BASE}/${ID}/${PARTS}/(?<stageId>[^/]+)$`), async (req) => {
    const { approval, subject, me } = await readable(req, deps);
    checkPart(req);
    const stage = stageViews(approval, subject, me, deps.clock.now()).find((s) => sameId(s.id, req.params.stageId!));
    if (!stage) throw notFound(`The approval stage '${req.params.stageId}' was not found.`);
    return { status: 200, json: stepJson(stage, deps.store.data.users) };
  });
  router.add('PATCH', new RegExp(`${BASE}/${ID}/${PARTS}/(?<stageId>[^/]+)$`), (req) => patchStage(req, deps));
}

function collectionName(req: EmulatorRequest): 'stages' | 'steps' {
  return req.params.version === 'beta' ? 'steps' : 'stages';
}

/** Reads use the version's own name (beta has no 'stages'); only the PATCH takes both in v1.0. */
function checkPart(req: EmulatorRequest): void {
  if (req.params.part !== collectionName(req)) throw notFound(`Resource not found for the segment '${req.params.part}'.`, 'BadRequest');
}

async function patchStage(req: EmulatorRequest, deps: GraphDeps): Promise<EmulatorResponse> {
  if (req.params.version === 'beta' && req.params.part !== 'steps') checkPart(req);
  const p = requirePermission(req, WRITE_GROUP_ASSIGNMENT);
  if (p.kind !== 'user') throw forbidden('Application access is not supported for approving requests.');
  const body = readDecisionBody(jsonObjectBody(req));
  const request = findRequest(deps.store.data, req.params.id!);
  const now = deps.clock.now();
  await deps.store.update((d) => {
    const stored = (d.groupAssignmentRequests ?? []).find((r) => r.id === request.id)!;
    const subject = groupSubject(d, stored);
    const approval = findOrCreateApproval(d, subject);
    requireStepUpToDecide(deps.store, approval, req.params.stageId!, stored.accessId, p);
    const outcome = decide(approval, subject, req.params.stageId!, p.oid, body.reviewResult, body.justification, now);
    // The approver's decision is audited as for Entra roles (graph/approvals.ts), with the approver's reason.
    if (outcome === 'Approved' || outcome === 'Denied') {
      recordPimAudit(d, {
        ...groupAudit(stored, p.oid, now, req, outcome === 'Denied' ? 'activationDenied' : 'activationApproved'),
        justification: body.justification || null,
      });
    }
    settleGraphRequest(stored, outcome, now, (start, end) => provision(d, stored, start, end));
  });
  return { status: 204 };
}

function provision(d: TenantData, r: GroupRequestRecord, start: Date, end: Date | null): void {
  const eligibility = d.groupEligibilities.find(
    (e) => e.principalId === r.principalId && sameId(e.groupId, r.groupId) && e.accessId === r.accessId,
  );
  (d.groupAssignments ??= []).push(groupActivation(r, start, end, eligibility?.id ?? ''));
}

function readable(req: EmulatorRequest, deps: GraphDeps): Promise<ReadableApproval> {
  return readableApproval(req, deps, READ_GROUP_ASSIGNMENT, (data) => groupSubject(data, findRequest(data, req.params.id!)));
}

function findRequest(data: Readonly<TenantData>, id: string): GroupRequestRecord {
  return requestWithApproval(data.groupAssignmentRequests ?? [], id);
}

function groupSubject(data: Readonly<TenantData>, r: GroupRequestRecord): ApprovalSubject {
  return graphApprovalSubject(data, r, 'group', groupPolicy(data, r.groupId, r.accessId));
}
