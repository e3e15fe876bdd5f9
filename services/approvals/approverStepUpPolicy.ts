// Which approvals need the approver to prove themselves again before a decision counts (issue 20):
// a fresh MFA sign-in within N minutes, or a named Conditional Access authentication context (the
// tenant's CA policy then decides what it takes: compliant device, phishing-resistant MFA, location).
// PIM itself never asks an approver for more than their session; a card clicked on an unlocked laptop
// or from a stolen session would otherwise grant privileged access.
//
// The setting (APPROVER_STEP_UP, read once by bot/config):
//   default            the rules below (DEFAULT_APPROVER_STEP_UP)
//   off                no approval needs a step-up
//   <rule>;<rule>;...  first matching rule wins; the word `default` among them stands for the default rules there
// A rule is `<surface>:<roles>[@<scopes>]=<requirement>`:
//   surface      entra | group | azure | *
//   roles        * | privileged (Entra roles Microsoft marks isPrivileged) | names or ids, comma-separated
//                (role names as PIM shows them, "User Access Administrator"; GUIDs match role definition / template ids;
//                member / owner for groups)
//   scopes       comma-separated scope kinds: directory, group, managementGroup, subscription, resourceGroup, resource
//                (absent: any scope)
//   requirement  mfa:<minutes> (1..1440) | acrs:<c1..c99> | none
// e.g. APPROVER_STEP_UP="entra:Global Reader=none;default;group:*=acrs:c2"
// Pure and linear in the text; no Bot Framework, no I/O.

import type { Scope, Surface } from '../pim/model';
import type { ApprovalRecord } from './record';

export type ApproverStepUpRequirement =
  /** A sign-in with MFA (amr "mfa") no longer ago than this (auth_time). */
  | { readonly kind: 'mfa'; readonly withinMinutes: number }
  /** A token carrying this authentication context (acrs), issued under the tenant's Conditional Access policy for it. */
  | { readonly kind: 'acrs'; readonly id: string };

export type ScopeKind = Scope['kind'];

export interface ApproverStepUpRule {
  /** undefined = any surface (`*`). */
  readonly surface?: Surface;
  /** 'any' (`*`), 'privileged', or lower-case role names / GUIDs. */
  readonly roles: 'any' | 'privileged' | readonly string[];
  /** undefined = any scope kind. */
  readonly scopes?: readonly ScopeKind[];
  readonly requirement: ApproverStepUpRequirement | 'none';
}

export type ApproverStepUpPolicy = readonly ApproverStepUpRule[];

/** What the policy needs to know of an approval: all of it is in the approval record. */
export interface ApprovalUnderPolicy {
  readonly surface: Surface;
  /** Entra role template id, 'member' | 'owner' for groups, the ARM role definition id (full or its GUID). */
  readonly roleId: string;
  readonly roleName: string;
  /** Entra's isPrivileged; undefined when unknown (counts as privileged: the policy fails closed). */
  readonly privileged?: boolean;
  readonly scopeKind: ScopeKind;
}

export const DEFAULT_APPROVER_STEP_UP =
  'entra:privileged=mfa:10;azure:Owner,Contributor,User Access Administrator@subscription,managementGroup=mfa:10';

export type ApproverStepUpParse =
  { readonly ok: true; readonly policy: ApproverStepUpPolicy } | { readonly ok: false; readonly error: string };

const SURFACES: Readonly<Record<string, Surface | undefined>> = {
  entra: 'entraRole',
  entrarole: 'entraRole',
  group: 'group',
  azure: 'azureResource',
  azureresource: 'azureResource',
  '*': undefined,
};
const SCOPE_KINDS: readonly ScopeKind[] = ['directory', 'group', 'managementGroup', 'subscription', 'resourceGroup', 'resource'];
const GUID_TAIL = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;
const ACRS_ID = /^c([1-9]|[1-9][0-9])$/;
const MAX_LENGTH = 4_000;
const MAX_RULES = 50;
const FORMAT =
  'use "default", "off" or rules like "entra:privileged=mfa:10;azure:Owner@subscription,managementGroup=mfa:10;group:*=acrs:c2" separated by ";"';

export function parseApproverStepUp(text: string): ApproverStepUpParse {
  if (text.length > MAX_LENGTH) return { ok: false, error: `is longer than ${MAX_LENGTH} characters` };
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'off') return { ok: true, policy: [] };
  if (trimmed === 'default' || trimmed === '') return { ok: true, policy: defaultRules() };
  const entries = text
    .split(';')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length > MAX_RULES) return { ok: false, error: `has more than ${MAX_RULES} rules` };
  const policy: ApproverStepUpRule[] = [];
  for (const [i, entry] of entries.entries()) {
    if (entry.toLowerCase() === 'default') {
      policy.push(...defaultRules());
      continue;
    }
    if (entry.toLowerCase() === 'off')
      return { ok: false, error: `rule ${i + 1}: "off" stands alone (no approval needs a step-up); ${FORMAT}` };
    const rule = parseRule(entry);
    if (typeof rule === 'string') return { ok: false, error: `rule ${i + 1} ("${entry.slice(0, 80)}"): ${rule}; ${FORMAT}` };
    policy.push(rule);
  }
  return { ok: true, policy };
}

function defaultRules(): ApproverStepUpRule[] {
  const parsed = DEFAULT_APPROVER_STEP_UP.split(';').map(parseRule);
  return parsed.filter((r): r is ApproverStepUpRule => typeof r !== 'string');
}

function parseRule(entry: string): ApproverStepUpRule | string {
  const eq = entry.lastIndexOf('=');
  if (eq <= 0) return 'has no "<surface>:<roles>=<requirement>"';
  const parsedRequirement = parseRequirement(entry.slice(eq + 1).trim());
  if ('error' in parsedRequirement) return parsedRequirement.error;
  const requirement = parsedRequirement.requirement;
  const selector = entry.slice(0, eq);
  const colon = selector.indexOf(':');
  if (colon < 0) return 'has no ":" between the surface and the roles';
  const surfaceText = selector.slice(0, colon).trim().toLowerCase();
  if (!(surfaceText in SURFACES)) return `"${surfaceText.slice(0, 40)}" is not a surface (entra, group, azure or *)`;
  const surface = SURFACES[surfaceText];
  const at = selector.indexOf('@', colon);
  const rolesText = (at < 0 ? selector.slice(colon + 1) : selector.slice(colon + 1, at)).trim();
  const parsedRoles = parseRoles(rolesText);
  if ('error' in parsedRoles) return parsedRoles.error;
  const roles = parsedRoles.roles;
  if (roles === 'privileged' && surface !== 'entraRole')
    return '"privileged" applies to Entra roles only (Microsoft marks no group or Azure role so); name the roles';
  const rule: ApproverStepUpRule = { ...(surface ? { surface } : {}), roles, requirement };
  if (at < 0) return rule;
  const scopes: ScopeKind[] = [];
  for (const part of selector.slice(at + 1).split(',')) {
    const word = part.trim().toLowerCase();
    const kind = SCOPE_KINDS.find((k) => k.toLowerCase() === word);
    if (!kind) return `"${part.trim().slice(0, 40)}" is not a scope kind (${SCOPE_KINDS.join(', ')})`;
    if (!scopes.includes(kind)) scopes.push(kind);
  }
  return { ...rule, scopes };
}

function parseRoles(text: string): { readonly roles: ApproverStepUpRule['roles'] } | { readonly error: string } {
  if (text === '') return { error: 'names no roles (use * for any role)' };
  if (text === '*') return { roles: 'any' };
  if (text.toLowerCase() === 'privileged') return { roles: 'privileged' };
  const roles: string[] = [];
  for (const part of text.split(',')) {
    // Role names are shown as typed in PIM; inner spaces are kept, runs of them folded.
    const name = part.trim().replace(/\s+/g, ' ').toLowerCase();
    if (name === '') return { error: 'has an empty role name between commas' };
    if (name.length > 120) return { error: 'has a role name longer than 120 characters' };
    if (name === '*' || name === 'privileged') return { error: `"${name}" stands alone, not in a list of roles` };
    roles.push(name);
  }
  return { roles };
}

function parseRequirement(text: string): { readonly requirement: ApproverStepUpRule['requirement'] } | { readonly error: string } {
  const lower = text.toLowerCase();
  if (lower === 'none') return { requirement: 'none' };
  const colon = lower.indexOf(':');
  const kind = colon < 0 ? lower : lower.slice(0, colon);
  const value = colon < 0 ? '' : lower.slice(colon + 1).trim();
  if (kind === 'mfa') {
    if (!/^\d{1,4}$/.test(value)) return { error: `"${text.slice(0, 40)}": MFA needs its freshness in minutes, like mfa:10` };
    const minutes = Number(value);
    if (minutes < 1 || minutes > 1440) return { error: `mfa:${minutes}: the minutes must be between 1 and 1440` };
    return { requirement: { kind: 'mfa', withinMinutes: minutes } };
  }
  if (kind === 'acrs') {
    if (!ACRS_ID.test(value)) return { error: `"${text.slice(0, 40)}": an authentication context id is c1 to c99, like acrs:c1` };
    return { requirement: { kind: 'acrs', id: value } };
  }
  return { error: `"${text.slice(0, 40)}" is not a requirement (mfa:<minutes>, acrs:<c1..c99> or none)` };
}

/** The step-up `approval` needs under `policy` (first matching rule), or undefined when none does. */
export function approverStepUpFor(policy: ApproverStepUpPolicy, approval: ApprovalUnderPolicy): ApproverStepUpRequirement | undefined {
  for (const rule of policy) {
    if (rule.surface !== undefined && rule.surface !== approval.surface) continue;
    if (rule.scopes !== undefined && !rule.scopes.includes(approval.scopeKind)) continue;
    if (!rolesMatch(rule.roles, approval)) continue;
    return rule.requirement === 'none' ? undefined : rule.requirement;
  }
  return undefined;
}

function rolesMatch(roles: ApproverStepUpRule['roles'], approval: ApprovalUnderPolicy): boolean {
  if (roles === 'any') return true;
  if (roles === 'privileged') return approval.surface === 'entraRole' && approval.privileged !== false;
  const name = approval.roleName.trim().replace(/\s+/g, ' ').toLowerCase();
  const id = approval.roleId.toLowerCase();
  const guid = GUID_TAIL.exec(id)?.[1];
  return roles.some((r) => r === name || r === id || (guid !== undefined && r === guid));
}

/** An approval record as the policy sees it (the seam the decide path calls: approverStepUpFor(policy, approvalUnderPolicy(record))). */
export function approvalUnderPolicy(record: Pick<ApprovalRecord, 'surface' | 'request' | 'context'>): ApprovalUnderPolicy {
  const privileged = record.context?.role?.privileged;
  return {
    surface: record.surface,
    roleId: record.request.roleId,
    roleName: record.request.roleName,
    ...(privileged !== undefined ? { privileged } : {}),
    scopeKind: scopeKindOf(record.surface, record.request.scopeId),
  };
}

/**
 * The kind of scope an approval record's scope id names: '/' (or an administrative unit) for Entra roles,
 * the group for groups, and for Azure the ARM path's last typed segment ('/' and management groups alike
 * are above every subscription).
 */
export function scopeKindOf(surface: Surface, scopeId: string): ScopeKind {
  if (surface === 'entraRole') return 'directory';
  if (surface === 'group') return 'group';
  const parts = scopeId
    .split('/')
    .filter(Boolean)
    .map((p) => p.toLowerCase());
  if (parts.length === 0) return 'managementGroup';
  if (parts.length === 2 && parts[0] === 'subscriptions') return 'subscription';
  if (parts.length === 4 && parts[0] === 'subscriptions' && parts[2] === 'resourcegroups') return 'resourceGroup';
  if (parts.length === 4 && parts[0] === 'providers' && parts[1] === 'microsoft.management' && parts[2] === 'managementgroups')
    return 'managementGroup';
  return 'resource';
}

/** "MFA within 10 minutes", "authentication context c1": how a requirement reads on a card. */
export function requirementInWords(requirement: ApproverStepUpRequirement): string {
  return requirement.kind === 'mfa'
    ? `MFA (within ${requirement.withinMinutes} minute${requirement.withinMinutes === 1 ? '' : 's'})`
    : `authentication context ${requirement.id}`;
}
