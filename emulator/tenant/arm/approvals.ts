// Approvals of Azure resource activations, ARM preview 2021-01-01-preview, at the tenant root or under a scope:
// [/{scope}]/providers/Microsoft.Authorization/roleAssignmentApprovals[?$filter=asApprover()|asCreatedBy()|asTarget()]
//   .../roleAssignmentApprovals/{id}                  GET
//   .../roleAssignmentApprovals/{id}/stages|steps      GET (list)
//   .../roleAssignmentApprovals/{id}/stages|steps/{id} GET, PATCH (body: see approvalStageBody.ts) → 200 stage
// Microsoft's example URLs say stages, the swagger steps: both are answered. The approval has its own
// id, which the request names in properties.approvalId (not the request's name, so a client that derives
// one from the other fails here as it would at ARM); the approver is the bearer token's subject; the
// rules are pim/approvalStages.ts.
import type { Router } from '../http/router';
import type { EmulatorRequest, EmulatorResponse } from '../http/types';
import { hasAnyPermission, type UserPrincipal } from '../identity/principal';
import {
  approvedWindow,
  approverStagesFromGroups,
  decide,
  existingApproval,
  findOrCreateApproval,
  maySee,
  openApproval,
  stageViews,
  type ApprovalRecord,
  type ApprovalSubject,
  type StageView,
} from '../pim/approvalStages';
import { recordPimAudit } from '../pim/audit';
import { requireStepUpToDecide } from '../pim/approverStepUp';
import { sameId } from '../pim/directory';
import type { AzureRequestRecord } from '../state/surfaces';
import type { TenantData } from '../state/types';
import type { ArmDeps } from './deps';
import { readStageDecision } from './approvalStageBody';
import { armError, azureActivation } from './routes';
import { isAtOrAbove, normaliseScope, roleGuid, sameScope } from './scopes';

export const APPROVALS_API_VERSION = '2021-01-01-preview';
const PROVIDER = '/providers/Microsoft.Authorization/roleAssignmentApprovals';
const PATH =
  /^(?<scope>(?:\/.*?)?)\/providers\/Microsoft\.Authorization\/roleAssignmentApprovals(?:\/(?<id>[^/]+)(?:\/(?<part>stages|steps)(?:\/(?<stageId>[^/]+))?)?)?\/?$/i;
const STAGE_TYPE = 'Microsoft.Authorization/roleAssignmentApprovals/stages';

interface Ctx {
  readonly req: EmulatorRequest;
  readonly deps: ArmDeps;
  readonly user: UserPrincipal;
  /** '' = the tenant root. */
  readonly scope: string;
  readonly now: Date;
}

export function registerArmApprovalRoutes(router: Router, deps: ArmDeps): void {
  for (const method of ['GET', 'PATCH']) router.add(method, PATH, (req) => route(req, deps));
}

async function route(req: EmulatorRequest, deps: ArmDeps): Promise<EmulatorResponse> {
  const query = new URLSearchParams(req.rawQuery);
  const version = query.get('api-version');
  if (!version)
    throw armError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
  if (version !== APPROVALS_API_VERSION)
    throw armError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${version}' is invalid. The supported versions are '${APPROVALS_API_VERSION}'.`,
    );
  const ctx: Ctx = { req, deps, user: requireUser(req), scope: normaliseScope(req.params.scope ?? ''), now: deps.clock.now() };
  const { id, part, stageId } = req.params;
  if (!id) {
    if (req.method !== 'GET')
      throw armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
    return { status: 200, json: { value: await list(ctx, query.get('$filter')) } };
  }
  const { approval, subject, request } = await readable(ctx, id);
  if (!part) {
    if (req.method !== 'GET')
      throw armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
    return { status: 200, json: approvalJson(ctx, request, approval, subject) };
  }
  const views = stageViews(approval, subject, ctx.user.oid, ctx.now);
  if (!stageId) {
    if (req.method !== 'GET')
      throw armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
    return { status: 200, json: { value: views.map((s) => stageJson(ctx, request, s)) } };
  }
  if (req.method === 'GET') {
    const view = views.find((s) => sameId(s.id, stageId));
    if (!view) throw armError(404, 'RoleAssignmentApprovalStepNotFound', `The role assignment approval stage '${stageId}' was not found.`);
    return { status: 200, json: stageJson(ctx, request, view) };
  }
  return patchStage(ctx, request, stageId);
}

function requireUser(req: EmulatorRequest): UserPrincipal {
  const p = req.principal;
  if (!p) throw new Error('ARM handler reached without an authenticated principal');
  // Deciding is a person's act: PIM has no application path for approvals.
  if (p.kind !== 'user') throw armError(403, 'AuthorizationFailed', 'Application access to role assignment approvals is not supported.');
  if (!hasAnyPermission(p, ['user_impersonation']))
    throw armError(
      403,
      'AuthorizationFailed',
      "The client does not have authorization to perform action over the scope (missing 'user_impersonation').",
    );
  return p;
}

async function list(ctx: Ctx, filter: string | null): Promise<unknown[]> {
  const f = (filter ?? '').trim().toLowerCase();
  if (f !== '' && f !== 'asapprover()' && f !== 'ascreatedby()' && f !== 'astarget()') {
    throw armError(
      400,
      'BadRequest',
      `The filter '${filter}' is not supported. Supported filters: asApprover(), asCreatedBy(), asTarget().`,
    );
  }
  const me = ctx.user.oid;
  const out: unknown[] = [];
  for (const request of requestsUnder(ctx)) {
    const subject = azureSubject(ctx.deps.store.data, request);
    const approval = await openApproval(ctx.deps.store, subject);
    const views = stageViews(approval, subject, me, ctx.now);
    const keep =
      f === 'asapprover()'
        ? views.some((s) => s.status === 'InProgress' && s.assignedToMe)
        : f === 'ascreatedby()'
          ? request.requestorId === me
          : f === 'astarget()'
            ? request.principalId === me
            : maySee(ctx.deps.store.data, approval, me, ctx.now);
    if (keep) out.push(approvalJson(ctx, request, approval, subject));
  }
  return out;
}

/** Requests that went through approval, at or below the path's scope. */
function requestsUnder(ctx: Ctx): AzureRequestRecord[] {
  const data = ctx.deps.store.data;
  return (data.azure.requests ?? []).filter((r) => r.approvalId !== null && (ctx.scope === '' || isAtOrAbove(data, ctx.scope, r.scope)));
}

async function readable(
  ctx: Ctx,
  id: string,
): Promise<{ approval: ApprovalRecord; subject: ApprovalSubject; request: AzureRequestRecord }> {
  const request = requestsUnder(ctx).find((r) => sameId(approvalName(r), id));
  if (!request) throw armError(404, 'RoleAssignmentApprovalNotFound', `The role assignment approval '${id}' was not found.`);
  const subject = azureSubject(ctx.deps.store.data, request);
  const approval = await openApproval(ctx.deps.store, subject);
  // Someone who may not see it is told it does not exist, as ARM does.
  if (!maySee(ctx.deps.store.data, approval, ctx.user.oid, ctx.now)) {
    throw armError(404, 'RoleAssignmentApprovalNotFound', `The role assignment approval '${id}' was not found.`);
  }
  return { approval, subject, request };
}

async function patchStage(ctx: Ctx, request: AzureRequestRecord, stageId: string): Promise<EmulatorResponse> {
  const body = readStageDecision(ctx.req);
  try {
    await ctx.deps.store.update((d) => {
      const stored = (d.azure.requests ?? []).find((r) => r.name === request.name)!;
      const subject = azureSubject(d, stored);
      const approval = findOrCreateApproval(d, subject);
      requireStepUpToDecide(ctx.deps.store, approval, stageId, roleGuid(stored.roleDefinitionId), ctx.user);
      const outcome = decide(approval, subject, stageId, ctx.user.oid, body.reviewResult, body.justification, ctx.now);
      // The approver's decision is audited as for Entra roles (graph/approvals.ts), with the approver's reason.
      if (outcome === 'Approved' || outcome === 'Denied') {
        recordPimAudit(d, {
          activity: outcome === 'Denied' ? 'activationDenied' : 'activationApproved',
          surface: 'azureResource',
          initiatedBy: { kind: 'user', id: ctx.user.oid, ipAddress: ctx.req.remoteAddress },
          requestId: stored.name,
          principalId: stored.principalId,
          roleDefinitionId: stored.roleDefinitionId,
          scopeId: stored.scope,
          at: ctx.now,
          justification: body.justification || null,
        });
      }
      if (outcome === 'Denied') stored.status = 'Denied';
      else if (outcome === 'Approved') {
        const { start, end, later } = approvedWindow(stored.scheduleInfo.startDateTime, stored.scheduleInfo.expiration, ctx.now);
        stored.status = later ? 'Granted' : 'Provisioned';
        (d.azure.assignments ??= []).push(azureActivation(stored, start, end, ctx.now));
      }
    });
  } catch (e) {
    // decide() speaks Graph's codes; ARM names the same refusals its own way.
    const status = (e as { status?: number }).status;
    if (status === 403) throw armError(403, 'AuthorizationFailed', (e as Error).message);
    if (status === 409) throw armError(409, 'Conflict', (e as Error).message);
    if (status === 404) throw armError(404, 'RoleAssignmentApprovalStepNotFound', (e as Error).message);
    throw e;
  }
  const data = ctx.deps.store.data;
  const approval = existingApproval(data, 'azureResource', request.name)!;
  const view = stageViews(approval, azureSubject(data, request), ctx.user.oid, ctx.now).find((s) => sameId(s.id, stageId))!;
  return { status: 200, json: stageJson(ctx, request, view) };
}

/**
 * Whether `userId` may decide `r` now (ARM's asApprover() on roleAssignmentScheduleRequests): it waits
 * for approval, it is someone else's, and the user is an approver of its open stage (the policy's first
 * stage until its approval is first read).
 */
export function awaitsDecisionBy(data: Readonly<TenantData>, r: AzureRequestRecord, userId: string, now: Date): boolean {
  const me = userId.toLowerCase();
  if (r.approvalId === null || r.principalId.toLowerCase() === me) return false;
  const subject = azureSubject(data, r);
  const approval = existingApproval(data, 'azureResource', r.name);
  if (approval) return stageViews(approval, subject, me, now).some((s) => s.status === 'InProgress' && s.assignedToMe);
  return (subject.stages[0] ?? []).some((id) => id.toLowerCase() === me);
}

function azureSubject(data: Readonly<TenantData>, r: AzureRequestRecord): ApprovalSubject {
  const settings = data.azure.policies.find(
    (p) => sameScope(p.scope, r.scope) && roleGuid(p.roleDefinitionId) === roleGuid(r.roleDefinitionId),
  );
  return {
    requestId: r.name,
    surface: 'azureResource',
    requesterId: r.principalId,
    createdDateTime: r.createdOn,
    status: r.status,
    stages: settings?.approvalRequired ? approverStagesFromGroups(data, settings.approverGroupIds) : [],
  };
}

/** The approval's name: the last segment of the approval id the request carries. */
function approvalName(request: AzureRequestRecord): string {
  return (request.approvalId ?? '').split('/').pop() ?? '';
}

/** The approval's id carries the scope of the path it was read through, like Microsoft's examples. */
function approvalId(ctx: Ctx, request: AzureRequestRecord): string {
  return `${ctx.scope}${PROVIDER}/${approvalName(request)}`;
}

function approvalJson(ctx: Ctx, request: AzureRequestRecord, approval: ApprovalRecord, subject: ApprovalSubject): Record<string, unknown> {
  return {
    id: approvalId(ctx, request),
    // Microsoft's examples type the approval itself as .../stages too.
    type: STAGE_TYPE,
    name: approvalName(request),
    properties: { stages: stageViews(approval, subject, ctx.user.oid, ctx.now).map((s) => stageJson(ctx, request, s)) },
  };
}

function stageJson(ctx: Ctx, request: AzureRequestRecord, s: StageView): Record<string, unknown> {
  const reviewer = s.reviewedBy ? ctx.deps.store.data.users.find((u) => u.id === s.reviewedBy) : undefined;
  return {
    id: `${approvalId(ctx, request)}/stages/${s.id}`,
    type: STAGE_TYPE,
    name: s.id,
    properties: {
      // ARM always names the stage (Graph leaves it null); PIM's portal calls a single stage this.
      displayName: s.displayName ?? 'Approval stage',
      assignedToMe: s.assignedToMe,
      status: s.status,
      reviewedBy:
        s.reviewedBy === null
          ? null
          : {
              principalType: 'user',
              principalId: s.reviewedBy,
              principalName: reviewer?.displayName ?? null,
              userPrincipalName: reviewer?.userPrincipalName ?? null,
            },
      reviewedDateTime: s.reviewedDateTime,
      reviewResult: s.reviewResult,
      justification: s.justification,
    },
  };
}
