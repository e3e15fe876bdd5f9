// ARM Microsoft.Authorization for PIM on Azure resources, at any scope:
// /{scope}/providers/Microsoft.Authorization/{roleEligibilityScheduleInstances | roleAssignmentScheduleInstances |
// roleAssignmentScheduleRequests[/{name}[/cancel|/validate]] | roleManagementPolicies | roleManagementPolicyAssignments | roleDefinitions}.
// Every call is authorised by the bearer token's subject, and the same policy checks as Graph run here.
import { randomUUID } from 'node:crypto';
import { GraphError } from '../graph/errors';
import type { Router } from '../http/router';
import type { EmulatorRequest, EmulatorResponse } from '../http/types';
import { hasAnyPermission, type AppPrincipal, type UserPrincipal } from '../identity/principal';
import { appMayRead, appReadRefused } from './appReads';
import { effectiveStatus } from '../pim/activation';
import { isExpired } from '../pim/approvalStages';
import { recordPimAudit, type PimAuditActivity } from '../pim/audit';
import { isPimAdmin, principalsFor, sameId } from '../pim/directory';
import { normaliseSchedule } from '../pim/requestSchedule';
import { isActiveAt } from '../pim/schedules';
import { checkSelfDeactivation, checkSelfExtension, decideSelfActivation, endUserPolicy } from '../pim/selfService';
import { GUID_PATTERN } from '../state/ids';
import type { AzureAssignmentRecord, AzureRequestRecord, AzureScheduleInfo } from '../state/surfaces';
import type { AzurePolicySettings, RequestSchedule, ScheduleRequestRecord, TenantData } from '../state/types';
import type { ArmDeps } from './deps';
import {
  assignmentInstanceJson,
  eligibilityInstanceJson,
  policiesAt,
  policyAssignmentJson,
  policyJson,
  requestJson,
  roleDefinitionResourceJson,
} from './json';
import { azurePolicy } from './policies';
import { awaitsDecisionBy } from './approvals';
import { isAtOrAbove, isRelated, normaliseScope, roleDefinitionIdAt, roleGuid, sameScope } from './scopes';

const COLLECTIONS = [
  'roleEligibilityScheduleInstances',
  'roleAssignmentScheduleInstances',
  'roleAssignmentScheduleRequests',
  'roleManagementPolicies',
  'roleManagementPolicyAssignments',
  'roleDefinitions',
] as const;
type Collection = (typeof COLLECTIONS)[number];

/** api-versions the emulator answers (what @azure/arm-authorization 9.x and Microsoft's examples send). */
export const SUPPORTED_API_VERSIONS: Readonly<Record<Collection, readonly string[]>> = {
  roleEligibilityScheduleInstances: ['2020-10-01', '2022-04-01'],
  roleAssignmentScheduleInstances: ['2020-10-01', '2022-04-01'],
  roleAssignmentScheduleRequests: ['2020-10-01', '2022-04-01'],
  roleManagementPolicies: ['2020-10-01', '2022-04-01'],
  roleManagementPolicyAssignments: ['2020-10-01', '2022-04-01'],
  roleDefinitions: ['2015-07-01', '2018-01-01-preview', '2022-04-01'],
};

const PATH = new RegExp(
  `^(?<scope>(?:/.*?)?)/providers/Microsoft\\.Authorization/(?<coll>${COLLECTIONS.join('|')})(?:/(?<name>[^/]+))?(?:/(?<op>cancel|validate))?/?$`,
  'i',
);

export const armError = (status: number, code: string, message: string) => new GraphError(status, code, message);

export function registerArmRoutes(router: Router, deps: ArmDeps): void {
  for (const method of ['GET', 'PUT', 'POST', 'PATCH']) router.add(method, PATH, (req) => route(req, deps));
}

async function route(req: EmulatorRequest, deps: ArmDeps): Promise<EmulatorResponse> {
  const coll = COLLECTIONS.find((c) => c.toLowerCase() === req.params.coll!.toLowerCase())!;
  const query = new URLSearchParams(req.rawQuery);
  checkApiVersion(query.get('api-version'), coll);
  if (req.principal?.kind === 'app') return appRead(req, deps, coll, query);
  const user = requireUser(req);
  const ctx: Ctx = { req, deps, user, scope: normaliseScope(req.params.scope ?? ''), query, data: deps.store.data, now: deps.clock.now() };
  const name = req.params.name;
  const op = req.params.op?.toLowerCase();
  const key = `${req.method} ${coll}${name ? '/name' : ''}${op ? `/${op}` : ''}`;
  switch (key) {
    case 'GET roleEligibilityScheduleInstances':
      return list(ctx, eligibilityInstances(ctx));
    case 'GET roleAssignmentScheduleInstances':
      return list(ctx, assignmentInstances(ctx));
    case 'GET roleAssignmentScheduleRequests':
      return list(ctx, requests(ctx));
    case 'GET roleAssignmentScheduleRequests/name':
      return { status: 200, json: requestJson(ctx.data, findRequest(ctx, name!), statusOf(findRequest(ctx, name!), ctx.now)) };
    case 'PUT roleAssignmentScheduleRequests/name':
      return createRequest(ctx, name!, false);
    case 'POST roleAssignmentScheduleRequests/name/validate':
      return createRequest(ctx, name!, true);
    case 'POST roleAssignmentScheduleRequests/name/cancel':
      return cancel(ctx, name!);
    case 'GET roleManagementPolicies':
      return list(
        ctx,
        policiesAt(ctx.data, (s) => sameScope(s, ctx.scope)).map((p) => policyJson(ctx.data, p)),
      );
    case 'GET roleManagementPolicies/name': {
      const p = policiesAt(ctx.data, (s) => sameScope(s, ctx.scope)).find((x) => sameId(x.name, name!));
      if (!p) throw armError(404, 'RoleManagementPolicyNotFound', `The role management policy '${name}' was not found.`);
      return { status: 200, json: policyJson(ctx.data, p) };
    }
    case 'PATCH roleManagementPolicies/name':
      return patchPolicy(ctx, name!);
    case 'GET roleManagementPolicyAssignments':
      return list(ctx, policyAssignments(ctx));
    case 'GET roleDefinitions':
      return list(ctx, roleDefinitions(ctx));
    case 'GET roleDefinitions/name': {
      const def = ctx.data.azure.roleDefinitions.find((r) => roleGuid(r.id) === name!.toLowerCase());
      if (!def) throw armError(404, 'RoleDefinitionDoesNotExist', "The specified role definition with ID '" + name + "' does not exist.");
      return {
        status: 200,
        json: roleDefinitionResourceJson(roleDefinitionIdAt(ctx.scope, roleGuid(def.id)), def.roleName, def.description),
      };
    }
    default:
      throw armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
  }
}

interface Ctx {
  readonly req: EmulatorRequest;
  readonly deps: ArmDeps;
  readonly user: UserPrincipal;
  readonly scope: string;
  readonly query: URLSearchParams;
  readonly data: Readonly<TenantData>;
  readonly now: Date;
}

function checkApiVersion(version: string | null, coll: Collection): void {
  if (!version)
    throw armError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
  const supported = SUPPORTED_API_VERSIONS[coll];
  if (!supported.includes(version)) {
    throw armError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${version}' is invalid. The supported versions are '${supported.join(',')}'.`,
    );
  }
}

/** An app-only token reads schedule requests within its RBAC role (see appReads.ts), and nothing else here. */
function appRead(req: EmulatorRequest, deps: ArmDeps, coll: Collection, query: URLSearchParams): EmulatorResponse {
  const app = req.principal as AppPrincipal;
  const scope = normaliseScope(req.params.scope ?? '');
  const data = deps.store.data;
  const now = deps.clock.now();
  if (req.method !== 'GET' || coll !== 'roleAssignmentScheduleRequests' || req.params.op) {
    throw armError(
      403,
      'AuthorizationFailed',
      'Application access to PIM for Azure resources is limited to reading schedule requests in the local tenant.',
    );
  }
  if (!appMayRead(data, app, scope)) throw appReadRefused(app, 'Microsoft.Authorization/roleAssignmentScheduleRequests/read', scope);
  const name = req.params.name;
  if (name) {
    const r = (data.azure.requests ?? []).find((x) => sameId(x.name, name) && sameScope(x.scope, scope));
    if (!r) throw armError(404, 'RoleAssignmentScheduleRequestNotFound', `The role assignment schedule request '${name}' was not found.`);
    return { status: 200, json: requestJson(data, r, statusOf(r, now)) };
  }
  // The caller-relative filters (asTarget(), asRequestor(), asApprover()) mean nothing for an app.
  const f = parseFilter(query.get('$filter'), ['atScope', 'principalId', 'status']);
  const where = scopeMatch({ data, scope } as Ctx, f);
  const rows = (data.azure.requests ?? [])
    .filter((r) => where(r.scope) && (!f.principalId || sameId(f.principalId, r.principalId)))
    .filter((r) => !f.status || statusOf(r, now).toLowerCase() === f.status.toLowerCase())
    .map((r) => requestJson(data, r, statusOf(r, now)));
  return list({ req, deps, query } as Ctx, rows);
}

function requireUser(req: EmulatorRequest): UserPrincipal {
  const p = req.principal;
  if (!p) throw new Error('ARM handler reached without an authenticated principal');
  if (p.kind !== 'user')
    throw armError(403, 'AuthorizationFailed', 'Application access to PIM for Azure resources is not supported by the local tenant.');
  if (!hasAnyPermission(p, ['user_impersonation']))
    throw armError(
      403,
      'AuthorizationFailed',
      "The client does not have authorization to perform action over the scope (missing 'user_impersonation').",
    );
  return p;
}

// ---- $filter: the documented functions and equality clauses, joined by 'and' ----

interface Filter {
  readonly asTarget: boolean;
  readonly atScope: boolean;
  readonly asRequestor: boolean;
  readonly asApprover: boolean;
  readonly principalId?: string;
  readonly assignedTo?: string;
  readonly roleDefinitionId?: string;
  readonly roleName?: string;
  readonly status?: string;
}

function parseFilter(text: string | null, allowed: readonly (keyof Filter)[]): Filter {
  const f: { -readonly [K in keyof Filter]: Filter[K] } = { asTarget: false, atScope: false, asRequestor: false, asApprover: false };
  if (!text?.trim()) return f;
  for (const clause of text.trim().split(/\s+and\s+/i)) {
    const c = clause.trim();
    let m: RegExpExecArray | null;
    let k: keyof Filter;
    if (/^asTarget\(\)$/i.test(c)) [k, f.asTarget] = ['asTarget', true];
    else if (/^atScope\(\)$/i.test(c)) [k, f.atScope] = ['atScope', true];
    else if (/^asRequestor\(\)$/i.test(c)) [k, f.asRequestor] = ['asRequestor', true];
    else if (/^asApprover\(\)$/i.test(c)) [k, f.asApprover] = ['asApprover', true];
    else if ((m = /^assignedTo\('([^']+)'\)$/i.exec(c))) [k, f.assignedTo] = ['assignedTo', m[1]!];
    else if ((m = /^(principalId|roleDefinitionId|roleName|status)\s+eq\s+'([^']*)'$/i.exec(c))) {
      k = (['principalId', 'roleDefinitionId', 'roleName', 'status'] as const).find((x) => x.toLowerCase() === m![1]!.toLowerCase())!;
      (f as Record<string, unknown>)[k] = m[2]!;
    } else throw armError(400, 'BadRequest', `The filter '${text}' is not supported. Supported filters: ${allowed.join(', ')}.`);
    if (!allowed.includes(k)) throw armError(400, 'BadRequest', `The filter '${c}' is not supported for this resource.`);
  }
  return f;
}

/** Whose rows the caller may see: their own (with their groups), or anyone's for a PIM administrator. */
function principalFilter(ctx: Ctx, f: Filter): (principalId: string) => boolean {
  const admin = isPimAdmin(ctx.data, ctx.user.oid, ctx.now);
  const subject = f.assignedTo ?? (f.asTarget ? ctx.user.oid : undefined);
  if (subject && !sameId(subject, ctx.user.oid) && !admin)
    throw armError(403, 'AuthorizationFailed', 'The client does not have authorization to list assignments of another principal.');
  const ids = subject ? principalsFor(ctx.data, subject.toLowerCase()) : undefined;
  return (principalId) => {
    if (f.principalId && !sameId(f.principalId, principalId)) return false;
    if (ids) return ids.has(principalId);
    return admin || principalsFor(ctx.data, ctx.user.oid).has(principalId);
  };
}

function scopeMatch(ctx: Ctx, f: Filter): (recordScope: string) => boolean {
  return f.atScope ? (s) => isAtOrAbove(ctx.data, s, ctx.scope) : (s) => isRelated(ctx.data, s, ctx.scope);
}

const INSTANCE_FILTERS = ['asTarget', 'atScope', 'assignedTo', 'principalId', 'roleDefinitionId'] as const;

function eligibilityInstances(ctx: Ctx): unknown[] {
  const f = parseFilter(ctx.query.get('$filter'), INSTANCE_FILTERS);
  const who = principalFilter(ctx, f);
  const where = scopeMatch(ctx, f);
  return ctx.data.azure.eligibilities
    .filter(
      (e) =>
        isActiveAt({ ...e, status: 'Provisioned' }, ctx.now) && who(e.principalId) && where(e.scope) && roleMatches(f, e.roleDefinitionId),
    )
    .map((e) => eligibilityInstanceJson(ctx.data, e));
}

function assignmentInstances(ctx: Ctx): unknown[] {
  const f = parseFilter(ctx.query.get('$filter'), INSTANCE_FILTERS);
  const who = principalFilter(ctx, f);
  const where = scopeMatch(ctx, f);
  return (ctx.data.azure.assignments ?? [])
    .filter((a) => isActiveAt(a, ctx.now) && who(a.principalId) && where(a.scope) && roleMatches(f, a.roleDefinitionId))
    .map((a) => assignmentInstanceJson(ctx.data, a));
}

function requests(ctx: Ctx): unknown[] {
  const f = parseFilter(ctx.query.get('$filter'), ['asTarget', 'asRequestor', 'asApprover', 'atScope', 'principalId', 'status']);
  const where = scopeMatch(ctx, f);
  // Requests the caller may decide: pending, someone else's, and the caller an approver of the open stage.
  const who = f.asApprover
    ? (r: AzureRequestRecord) =>
        statusOf(r, ctx.now) === 'PendingApproval' &&
        awaitsDecisionBy(ctx.data, r, ctx.user.oid, ctx.now) &&
        (!f.principalId || sameId(f.principalId, r.principalId))
    : ((mine) => (r: AzureRequestRecord) => (f.asRequestor ? r.requestorId === ctx.user.oid : mine(r.principalId)))(
        principalFilter(ctx, f),
      );
  return (ctx.data.azure.requests ?? [])
    .filter((r) => who(r) && where(r.scope))
    .filter((r) => !f.status || statusOf(r, ctx.now).toLowerCase() === f.status.toLowerCase())
    .map((r) => requestJson(ctx.data, r, statusOf(r, ctx.now)));
}

function policyAssignments(ctx: Ctx): unknown[] {
  const f = parseFilter(ctx.query.get('$filter'), ['roleDefinitionId', 'atScope']);
  // Policies are per scope: a scope's list holds the assignments made at exactly that scope.
  return policiesAt(ctx.data, (s) => sameScope(s, ctx.scope))
    .filter((p) => roleMatches(f, p.roleDefinitionId))
    .map((p) => policyAssignmentJson(ctx.data, p));
}

function roleDefinitions(ctx: Ctx): unknown[] {
  const f = parseFilter(ctx.query.get('$filter'), ['roleName', 'atScope']);
  const seen = new Set<string>();
  return ctx.data.azure.roleDefinitions
    .filter((r) => !f.roleName || r.roleName.toLowerCase() === f.roleName.toLowerCase())
    .filter((r) => !seen.has(roleGuid(r.id)) && seen.add(roleGuid(r.id)))
    .map((r) => roleDefinitionResourceJson(roleDefinitionIdAt(ctx.scope, roleGuid(r.id)), r.roleName, r.description));
}

function roleMatches(f: Filter, roleDefinitionId: string): boolean {
  return !f.roleDefinitionId || roleGuid(f.roleDefinitionId) === roleGuid(roleDefinitionId);
}

// ---- paging: ARM's nextLink is a full URL carrying an opaque $skiptoken ----

function list(ctx: Ctx, rows: readonly unknown[]): EmulatorResponse {
  const size = ctx.deps.pageSize;
  const token = ctx.query.get('$skiptoken');
  let offset = 0;
  if (token !== null) {
    offset = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0) throw armError(400, 'InvalidSkipToken', 'The $skiptoken is not valid.');
  }
  const page = rows.slice(offset, offset + size);
  const body: Record<string, unknown> = { value: page };
  if (offset + size < rows.length) {
    const next = new URLSearchParams(ctx.query);
    next.set('$skiptoken', Buffer.from(String(offset + size)).toString('base64url'));
    body.nextLink = `${ctx.deps.baseUrl}${encodeURI(ctx.req.path)}?${next.toString().replace(/\+/g, '%20')}`;
  }
  return { status: 200, json: body };
}

// ---- requests ----

function statusOf(r: AzureRequestRecord, now: Date): string {
  // PIM's 24 hours end an undecided request, as its approval read shows (stage Expired); ARM's enum calls that TimedOut.
  if (r.status === 'PendingApproval' && r.approvalId !== null && isExpired(r.createdOn, now)) return 'TimedOut';
  return effectiveStatus({ status: r.status, scheduleInfo: { startDateTime: r.scheduleInfo.startDateTime } } as ScheduleRequestRecord, now);
}

function findRequest(ctx: Ctx, name: string): AzureRequestRecord {
  const r = (ctx.data.azure.requests ?? []).find((x) => sameId(x.name, name) && sameScope(x.scope, ctx.scope));
  const mayRead = r && (r.principalId === ctx.user.oid || r.requestorId === ctx.user.oid || isPimAdmin(ctx.data, ctx.user.oid, ctx.now));
  if (!r || !mayRead)
    throw armError(404, 'RoleAssignmentScheduleRequestNotFound', `The role assignment schedule request '${name}' was not found.`);
  return r;
}

async function cancel(ctx: Ctx, name: string): Promise<EmulatorResponse> {
  const r = findRequest(ctx, name);
  if (r.requestorId !== ctx.user.oid && r.principalId !== ctx.user.oid)
    throw armError(403, 'AuthorizationFailed', 'Only the requester can cancel a request.');
  const status = statusOf(r, ctx.now);
  if (status !== 'Granted' && status !== 'PendingApproval')
    throw armError(400, 'InvalidRequestStatus', `The request is in status '${status}' and cannot be canceled.`);
  await ctx.deps.store.update((d) => {
    const stored = (d.azure.requests ?? []).find((x) => x.name === r.name)!;
    stored.status = 'Canceled';
    d.azure.assignments = (d.azure.assignments ?? []).filter((a) => a.requestName !== r.name);
    recordPimAudit(d, armAudit(ctx, r, 'activationCanceled'));
  });
  return { status: 200 };
}

const REQUEST_TYPES = [
  'AdminAssign',
  'AdminRemove',
  'AdminUpdate',
  'AdminExtend',
  'AdminRenew',
  'SelfActivate',
  'SelfDeactivate',
  'SelfExtend',
  'SelfRenew',
];

async function createRequest(ctx: Ctx, name: string, validateOnly: boolean): Promise<EmulatorResponse> {
  if (!GUID_PATTERN.test(name))
    throw armError(
      400,
      'InvalidRoleAssignmentScheduleRequestName',
      `The role assignment schedule request name '${name}' is not a valid GUID.`,
    );
  if ((ctx.data.azure.requests ?? []).some((r) => sameId(r.name, name)))
    throw armError(409, 'RoleAssignmentScheduleRequestExists', `The role assignment schedule request '${name}' already exists.`);
  const props = readProperties(ctx.req);
  const str = (k: string, required: boolean): string | null => {
    const v = props[k];
    if (v === undefined || v === null) {
      if (required) throw armError(400, 'InvalidRequest', `The property '${k}' is required.`);
      return null;
    }
    if (typeof v !== 'string') throw armError(400, 'InvalidRequest', `The property '${k}' must be a string.`);
    return v;
  };
  const requestTypeAsSent = str('requestType', true)!;
  const requestType = REQUEST_TYPES.find((t) => t.toLowerCase() === requestTypeAsSent.toLowerCase());
  if (!requestType) throw armError(400, 'InvalidRequest', `The requestType '${requestTypeAsSent}' is not valid.`);
  const principalId = str('principalId', true)!.toLowerCase();
  const roleDefinitionId = str('roleDefinitionId', true)!;
  if (!requestType.startsWith('Self'))
    throw armError(400, 'ActionNotSupported', `The requestType '${requestType}' is not supported by the local tenant yet.`);
  // A user can only act on their own access: the body's principalId is checked, never trusted.
  if (principalId !== ctx.user.oid)
    throw armError(403, 'AuthorizationFailed', `The principalId of a ${requestType} request must be the signed-in user.`);
  if (!ctx.data.azure.roleDefinitions.some((r) => roleGuid(r.id) === roleGuid(roleDefinitionId))) {
    throw armError(
      400,
      'RoleDefinitionDoesNotExist',
      `The specified role definition with ID '${roleGuid(roleDefinitionId)}' does not exist.`,
    );
  }
  const ticket = (props.ticketInfo ?? {}) as { ticketNumber?: unknown; ticketSystem?: unknown };
  const record: AzureRequestRecord = {
    name: name.toLowerCase(),
    scope: ctx.scope,
    principalId,
    roleDefinitionId,
    requestType: requestTypeAsSent,
    status: 'Provisioned',
    approvalId: null,
    scheduleInfo: { startDateTime: null, expiration: { type: 'NoExpiration', endDateTime: null, duration: null } },
    ticketInfo: {
      ticketNumber: typeof ticket.ticketNumber === 'string' ? ticket.ticketNumber : null,
      ticketSystem: typeof ticket.ticketSystem === 'string' ? ticket.ticketSystem : null,
    },
    justification: str('justification', false),
    requestorId: ctx.user.oid,
    createdOn: ctx.now.toISOString(),
    linkedRoleEligibilityScheduleId: str('linkedRoleEligibilityScheduleId', false),
    targetRoleAssignmentScheduleId: null,
  };
  const ids = principalsFor(ctx.data, ctx.user.oid);
  const sameTarget = (x: { scope: string; roleDefinitionId: string }) =>
    sameScope(x.scope, ctx.scope) && roleGuid(x.roleDefinitionId) === roleGuid(roleDefinitionId);
  const live = (ctx.data.azure.assignments ?? []).filter(
    (a) =>
      ids.has(a.principalId) &&
      sameTarget(a) &&
      a.status !== 'Revoked' &&
      a.status !== 'Canceled' &&
      (a.endDateTime === null || Date.parse(a.endDateTime) > ctx.now.getTime()),
  );
  const respond = (status: number) => ({ status, json: requestJson(ctx.data, record, statusOf(record, ctx.now)) });

  if (requestType === 'SelfActivate') {
    const schedule = normaliseSchedule(props.scheduleInfo, ctx.now);
    const eligibility = ctx.data.azure.eligibilities.find(
      (e) => ids.has(e.principalId) && sameTarget(e) && isActiveAt({ ...e, status: 'Provisioned' }, ctx.now),
    );
    const pending = (ctx.data.azure.requests ?? []).some(
      (r) => statusOf(r, ctx.now) === 'PendingApproval' && r.principalId === ctx.user.oid && sameTarget(r),
    );
    const status = decideSelfActivation(
      {
        principal: ctx.user,
        schedule,
        justification: record.justification,
        ticketNumber: record.ticketInfo.ticketNumber,
        policy: endUserPolicy(azurePolicy(ctx.data, ctx.scope, roleDefinitionId).rules),
        eligibilityEnd: eligibility ? eligibility.endDateTime : undefined,
        assignmentExists: live.length > 0,
        pendingRequest: pending,
      },
      ctx.now,
    );
    record.status = status;
    record.scheduleInfo = armSchedule(schedule.scheduleInfo);
    record.linkedRoleEligibilityScheduleId ??= eligibility!.id;
    record.targetRoleAssignmentScheduleId = record.name;
    // The approval is a resource of its own with its own name (never the request's): clients must read it here.
    record.approvalId =
      status === 'PendingApproval' ? `${ctx.scope}/providers/Microsoft.Authorization/roleAssignmentApprovals/${randomUUID()}` : null;
    if (validateOnly) return respond(200);
    await ctx.deps.store.update((d) => {
      (d.azure.requests ??= []).push(record);
      if (status !== 'PendingApproval') (d.azure.assignments ??= []).push(azureActivation(record, schedule.start, schedule.end, ctx.now));
      recordPimAudit(d, armAudit(ctx, record, status === 'PendingApproval' ? 'activationRequested' : 'activationCompleted'));
    });
    return respond(201);
  }
  if (requestType === 'SelfDeactivate') {
    const target = live.find((a) => a.principalId === ctx.user.oid && a.assignmentType === 'Activated' && isActiveAt(a, ctx.now));
    checkSelfDeactivation(target?.startDateTime, ctx.now);
    record.status = 'Revoked';
    record.scheduleInfo = { startDateTime: ctx.now.toISOString(), expiration: { type: 'NoExpiration', endDateTime: null, duration: null } };
    record.targetRoleAssignmentScheduleId = target!.name;
    if (validateOnly) return respond(200);
    await ctx.deps.store.update((d) => {
      (d.azure.requests ??= []).push(record);
      (d.azure.assignments ?? []).find((a) => a.name === target!.name)!.endDateTime = ctx.now.toISOString();
      recordPimAudit(d, armAudit(ctx, record, 'deactivationCompleted'));
    });
    return respond(201);
  }
  // SelfExtend / SelfRenew: time-bound assignments near their end only; an administrator decides.
  const target = live.find((a) => a.principalId === ctx.user.oid);
  checkSelfExtension(target, ctx.now);
  record.status = 'PendingAdminDecision';
  record.scheduleInfo = armSchedule(normaliseSchedule(props.scheduleInfo, ctx.now).scheduleInfo);
  record.targetRoleAssignmentScheduleId = target!.name;
  if (validateOnly) return respond(200);
  await ctx.deps.store.update((d) => {
    (d.azure.requests ??= []).push(record);
    recordPimAudit(d, armAudit(ctx, record, 'extensionRequested'));
  });
  return respond(201);
}

/** The audit entry of a processed ARM request: correlated by the request's name (a GUID), scoped to its ARM scope. */
function armAudit(ctx: Ctx, r: AzureRequestRecord, activity: PimAuditActivity) {
  return {
    activity,
    surface: 'azureResource' as const,
    initiatedBy: { kind: 'user' as const, id: ctx.user.oid, ipAddress: ctx.req.remoteAddress },
    requestId: r.name,
    principalId: r.principalId,
    roleDefinitionId: r.roleDefinitionId,
    scopeId: r.scope,
    at: ctx.now,
    justification: r.justification,
  };
}

/**
 * PATCH with only the changed rules; answers the whole policy. The end-user activation rules are kept
 * (they are what the emulator enforces); admin and notification rules are accepted and not stored.
 */
async function patchPolicy(ctx: Ctx, name: string): Promise<EmulatorResponse> {
  if (!isPimAdmin(ctx.data, ctx.user.oid, ctx.now))
    throw armError(403, 'AuthorizationFailed', 'The client does not have authorization to update role management policies at this scope.');
  const view = policiesAt(ctx.data, (s) => sameScope(s, ctx.scope)).find((x) => sameId(x.name, name));
  if (!view) throw armError(404, 'RoleManagementPolicyNotFound', `The role management policy '${name}' was not found.`);
  const rules = readProperties(ctx.req).rules;
  if (!Array.isArray(rules)) throw armError(400, 'InvalidPolicy', 'The policy is invalid.');
  const changes: Partial<AzurePolicySettings> = {};
  for (const raw of rules) {
    const rule = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    if (typeof rule.id !== 'string' || typeof rule.ruleType !== 'string') throw armError(400, 'InvalidPolicy', 'The policy is invalid.');
    if (rule.id === 'Expiration_EndUser_Assignment') {
      if (typeof rule.maximumDuration !== 'string') throw armError(400, 'InvalidPolicy', 'The policy is invalid.');
      changes.maximumDuration = rule.maximumDuration;
    } else if (rule.id === 'Enablement_EndUser_Assignment') {
      if (!Array.isArray(rule.enabledRules) || !rule.enabledRules.every((r) => typeof r === 'string'))
        throw armError(400, 'InvalidPolicy', 'The policy is invalid.');
      changes.enabledRules = rule.enabledRules as string[];
    } else if (rule.id === 'Approval_EndUser_Assignment') {
      const setting = rule.setting as
        | { isApprovalRequired?: unknown; approvalStages?: Array<{ primaryApprovers?: Array<{ id?: unknown; userType?: unknown }> }> }
        | undefined;
      // A string 'true' is refused as PIM does (contracts/errors: arm.roleManagementPolicies.patch.InvalidPolicy).
      if (typeof setting?.isApprovalRequired !== 'boolean') throw armError(400, 'InvalidPolicy', 'The policy is invalid.');
      changes.approvalRequired = setting.isApprovalRequired;
      changes.approverGroupIds = (setting.approvalStages?.[0]?.primaryApprovers ?? [])
        .filter((a) => typeof a.id === 'string' && String(a.userType).toLowerCase() === 'group')
        .map((a) => a.id as string);
    } else if (rule.id === 'AuthenticationContext_EndUser_Assignment') {
      changes.authenticationContext =
        rule.isEnabled === true && typeof rule.claimValue === 'string' && rule.claimValue ? rule.claimValue : null;
    }
  }
  await ctx.deps.store.update((d) => {
    let settings = d.azure.policies.find(
      (p) => sameScope(p.scope, view.scope) && roleGuid(p.roleDefinitionId) === roleGuid(view.roleDefinitionId),
    );
    if (!settings) {
      settings = {
        scope: view.scope,
        roleDefinitionId: view.roleDefinitionId,
        maximumDuration: 'PT8H',
        approvalRequired: false,
        approverGroupIds: [],
        enabledRules: ['Justification'],
      };
      d.azure.policies.push(settings);
    }
    Object.assign(settings, changes, { lastModifiedDateTime: ctx.now.toISOString() });
  });
  return { status: 200, json: policyJson(ctx.deps.store.data, azurePolicy(ctx.deps.store.data, view.scope, view.roleDefinitionId)) };
}

/** The `properties` object of an ARM request body; anything else is ARM's InvalidRequestContent. */
export function readProperties(req: EmulatorRequest): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  }
  const props = (body as { properties?: unknown } | null)?.properties;
  if (typeof props !== 'object' || props === null || Array.isArray(props))
    throw armError(400, 'InvalidRequestContent', "The request content must have a 'properties' object.");
  return props as Record<string, unknown>;
}

/** ARM writes the expiration enums in PascalCase. */
function armSchedule(s: RequestSchedule): AzureScheduleInfo {
  const type =
    s.expiration.type === 'afterDuration' ? 'AfterDuration' : s.expiration.type === 'afterDateTime' ? 'AfterDateTime' : 'NoExpiration';
  return { startDateTime: s.startDateTime, expiration: { type, endDateTime: s.expiration.endDateTime, duration: s.expiration.duration } };
}

export function azureActivation(r: AzureRequestRecord, start: Date, end: Date | null, now: Date): AzureAssignmentRecord {
  return {
    name: r.name,
    scope: r.scope,
    principalId: r.principalId,
    roleDefinitionId: r.roleDefinitionId,
    assignmentType: 'Activated',
    status: 'Provisioned',
    startDateTime: start.toISOString(),
    endDateTime: end ? end.toISOString() : null,
    createdOn: now.toISOString(),
    linkedRoleEligibilityScheduleId: r.linkedRoleEligibilityScheduleId,
    requestName: r.name,
  };
}
