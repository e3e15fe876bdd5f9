// Role management policies and their assignments. Reading them needs the scope filter, as in Graph;
// PATCH of a rule is how administrators change role settings (204, like Graph).
import type { Router } from '../http/router';
import type { EmulatorRequest } from '../http/types';
import { entityResponse, listResponse, parseListQuery, type EntityType } from '../odata/collection';
import { requiredEqualities } from '../odata/evaluate';
import { parseIsoDuration } from '../pim/duration';
import type { PolicyAssignmentRecord, PolicyRecord, PolicyRule } from '../state/types';
import { READ_POLICIES, requireAdminUser, requirePermission, WRITE_POLICIES } from './access';
import type { GraphDeps } from './deps';
import type { EntityTypes } from './entities';
import { badRequest, notFound } from './errors';
import { jsonObjectBody } from './requestBody';
import { ID, V } from './routes';

const P = `${V}/policies`;

export function registerPolicyRoutes(router: Router, deps: GraphDeps, types: EntityTypes): void {
  const data = () => deps.store.data;

  router.add('GET', new RegExp(`${P}/roleManagementPolicyAssignments/?$`), (req) => {
    requirePermission(req, READ_POLICIES);
    const query = requireScopeFilter(req, types.policyAssignment);
    return listResponse(
      req,
      deps,
      { type: types.policyAssignment, contextPath: 'policies/roleManagementPolicyAssignments', query },
      withDirectoryViews(data().policyAssignments, directoryAssignmentView),
    );
  });
  router.add('GET', new RegExp(`${P}/roleManagementPolicyAssignments/${ID}$`), (req) => {
    requirePermission(req, READ_POLICIES);
    const a = withDirectoryViews(data().policyAssignments, directoryAssignmentView).find((x) => x.id === req.params.id);
    if (!a) throw notFound(`The role management policy assignment '${req.params.id}' was not found.`);
    return entityResponse(req, deps, types.policyAssignment, 'policies/roleManagementPolicyAssignments', a);
  });

  router.add('GET', new RegExp(`${P}/roleManagementPolicies/?$`), (req) => {
    requirePermission(req, READ_POLICIES);
    const query = requireScopeFilter(req, types.policy);
    return listResponse(
      req,
      deps,
      { type: types.policy, contextPath: 'policies/roleManagementPolicies', query },
      withDirectoryViews(data().policies, directoryPolicyView),
    );
  });
  router.add('GET', new RegExp(`${P}/roleManagementPolicies/${ID}$`), (req) => {
    requirePermission(req, READ_POLICIES);
    return entityResponse(req, deps, types.policy, 'policies/roleManagementPolicies', findPolicy(req));
  });
  router.add('GET', new RegExp(`${P}/roleManagementPolicies/${ID}/rules/?$`), (req) => {
    requirePermission(req, READ_POLICIES);
    const policy = findPolicy(req);
    return listResponse(
      req,
      deps,
      { type: types.policyRule, contextPath: `policies/roleManagementPolicies('${policy.id}')/rules` },
      policy.rules,
    );
  });
  router.add('GET', new RegExp(`${P}/roleManagementPolicies/${ID}/rules/(?<ruleId>[^/]+)$`), (req) => {
    requirePermission(req, READ_POLICIES);
    const policy = findPolicy(req);
    const r = policy.rules.find((x) => x.id === req.params.ruleId);
    if (!r) throw notFound(`The rule '${req.params.ruleId}' was not found in policy '${policy.id}'.`);
    return entityResponse(req, deps, types.policyRule, `policies/roleManagementPolicies('${policy.id}')/rules`, r);
  });
  router.add('PATCH', new RegExp(`${P}/roleManagementPolicies/${ID}/rules/(?<ruleId>[^/]+)$`), async (req) => {
    const admin = requireAdminUser(req, deps, WRITE_POLICIES);
    const policy = findPolicy(req);
    const current = policy.rules.find((x) => x.id === req.params.ruleId);
    if (!current) throw notFound(`The rule '${req.params.ruleId}' was not found in policy '${policy.id}'.`);
    const updated = validateRulePatch(current, jsonObjectBody(req));
    await deps.store.update((d) => {
      const p = d.policies.find((x) => x.id === policy.id)!;
      p.rules = p.rules.map((x) => (x.id === current.id ? updated : x));
      p.lastModifiedDateTime = deps.clock.now().toISOString();
      p.lastModifiedBy = { displayName: d.users.find((u) => u.id === admin.oid)?.displayName ?? null, id: admin.oid };
    });
    return { status: 204 };
  });

  function findPolicy(req: EmulatorRequest): PolicyRecord {
    const id = req.params.id!;
    const p = data().policies.find(
      (x) => x.id === id || (id.startsWith('Directory_') && x.id === `DirectoryRole_${id.slice('Directory_'.length)}`),
    );
    if (!p) throw notFound(`The role management policy '${id}' was not found.`);
    return p;
  }
}

function requireScopeFilter<T>(req: EmulatorRequest, type: EntityType<T>) {
  const query = parseListQuery(req, type);
  const eq = requiredEqualities(query.filter, type.filterable, type.name);
  if (!eq.has('scopeId') || !eq.has('scopeType')) {
    throw badRequest(
      "The $filter must include 'scopeId eq ...' and 'scopeType eq ...' (for example scopeId eq '/' and scopeType eq 'DirectoryRole').",
    );
  }
  return query;
}

// Directory roles answer to scopeType 'Directory' as well as 'DirectoryRole', with Directory_-prefixed ids
// (Microsoft's examples show both views of the same policies).
function withDirectoryViews<T extends { scopeType: string }>(records: readonly T[], view: (r: T) => T): T[] {
  return [...records, ...records.filter((r) => r.scopeType === 'DirectoryRole').map(view)];
}

function directoryAssignmentView(a: PolicyAssignmentRecord): PolicyAssignmentRecord {
  return {
    ...a,
    id: `Directory_${a.id.slice('DirectoryRole_'.length)}`,
    policyId: `Directory_${a.policyId.slice('DirectoryRole_'.length)}`,
    scopeType: 'Directory',
  };
}

function directoryPolicyView(p: PolicyRecord): PolicyRecord {
  return { ...p, id: `Directory_${p.id.slice('DirectoryRole_'.length)}`, scopeType: 'Directory' };
}

/** Accepts a rule PATCH only with the rule's own @odata.type and sensible values, like PIM's "InvalidPolicy". */
export function validateRulePatch(current: PolicyRule, body: Record<string, unknown>): PolicyRule {
  const type = body['@odata.type'];
  if (typeof type !== 'string') throw badRequest("The request body must include the rule's '@odata.type'.");
  if (type.replace(/^#/, '').toLowerCase() !== current['@odata.type'].replace(/^#/, '').toLowerCase()) {
    throw badRequest(`The @odata.type '${type}' does not match the rule '${current.id}' (${current['@odata.type']}).`, 'InvalidPolicy');
  }
  if (body.id !== undefined && body.id !== current.id)
    throw badRequest(`The rule id '${String(body.id)}' does not match '${current.id}'.`, 'InvalidPolicy');
  const invalid = (why: string) => badRequest(`The policy is invalid. ${why}`, 'InvalidPolicy');
  const next = { ...(stripAnnotations(current) as Record<string, unknown>) };
  for (const [k, v] of Object.entries(body)) {
    if (k === '@odata.type' || k === 'id') continue;
    if (!(k in current)) throw invalid(`Unknown property '${k}' for ${current['@odata.type']}.`);
    next[k] = stripAnnotations(v);
  }
  const boolField = (k: string) => {
    if (k in next && typeof next[k] !== 'boolean') throw invalid(`'${k}' must be a boolean.`);
  };
  boolField('isExpirationRequired');
  boolField('isEnabled');
  boolField('isDefaultRecipientsEnabled');
  if ('maximumDuration' in body && (typeof next.maximumDuration !== 'string' || parseIsoDuration(next.maximumDuration) === undefined))
    throw invalid("'maximumDuration' must be an ISO-8601 duration.");
  if ('enabledRules' in body) {
    const allowed = ['MultiFactorAuthentication', 'Justification', 'Ticketing'];
    if (!Array.isArray(next.enabledRules) || !next.enabledRules.every((r) => typeof r === 'string' && allowed.includes(r)))
      throw invalid(`'enabledRules' must be a subset of ${allowed.join(', ')}.`);
  }
  if ('setting' in body) {
    const s = next.setting as Record<string, unknown> | null;
    if (!s || typeof s !== 'object') throw invalid("'setting' must be an object.");
    for (const k of ['isApprovalRequired', 'isApprovalRequiredForExtension', 'isRequestorJustificationRequired']) {
      if (k in s && typeof s[k] !== 'boolean') throw invalid(`'setting.${k}' must be a boolean.`);
    }
  }
  return { ...next, '@odata.type': current['@odata.type'], id: current.id } as PolicyRule;
}

// Graph echoes derived types (#microsoft.graph.singleUser) but not the non-derived annotations clients send
// on target/setting/stages ("microsoft.graph.approvalSettings").
function stripAnnotations(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripAnnotations);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === '@odata.type' && typeof x === 'string' && !x.startsWith('#')) continue;
      out[k] = stripAnnotations(x);
    }
    return out;
  }
  return v;
}
