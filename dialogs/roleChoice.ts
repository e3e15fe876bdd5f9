// The slice of an eligibility a dialog keeps in its state between turns. Plain JSON on purpose:
// dialog state goes to blob storage and must read back identically on another instance.
import type { RoleView } from '../cards/views';
import type { Constraints, EligibilityWithConstraints, Scope, Surface } from '../services/pim/model';
import type { Searchable } from './parsing/resolve';

export interface RoleChoice extends RoleView, Searchable {
  readonly surface: Surface;
  /** How a person reads it: "Reader on rg-web (Contoso Prod)", "SRE On-Call (member)", "Global Reader". */
  readonly label: string;
  /** ISO instant the eligibility itself ends (absent = permanent): no activation can start after it. */
  readonly eligibleUntil?: string;
  /** What kind of scope it is on (subscription, resource group, ...), to say how wide a grant is. */
  readonly scopeKind?: Scope['kind'];
}

/**
 * A user's eligibilities as choices; scopes are named with their parents where `scopes` (by default the
 * list's own) knows them.
 */
export function toRoleChoices(
  list: readonly EligibilityWithConstraints[],
  scopes: readonly Scope[] = list.map((e) => e.eligibility.scope),
): RoleChoice[] {
  return list.map((e) => toRoleChoice(e, scopes));
}

/**
 * Stands in for limits not read yet, where only names are resolved (ActivateDialog.readChoices): the
 * strictest, so a choice built on it could never let anything through. It never reaches a card.
 */
export const NOT_READ: Constraints = {
  maxDurationMinutes: 0,
  minDurationMinutes: 0,
  requiresJustification: true,
  requiresTicket: true,
  requiresMfa: true,
  authenticationContext: null,
  requiresApproval: true,
  approvers: [],
};

export function toRoleChoice({ eligibility, constraints }: EligibilityWithConstraints, knownScopes: readonly Scope[] = []): RoleChoice {
  const scopeName = readableScope(eligibility.scope, knownScopes);
  const isGroup = eligibility.surface === 'group';
  const access = eligibility.roleId === 'owner' ? 'owner' : 'member';
  const name = isGroup ? eligibility.scope.displayName : eligibility.roleName;
  const membership = `${access === 'owner' ? 'Owner' : 'Member'} of ${name}`;
  const labels: Readonly<Record<Surface, string>> = {
    entraRole: eligibility.roleName,
    group: membership,
    azureResource: `${eligibility.roleName} on ${scopeName}`,
  };
  const label = labels[eligibility.surface];
  return {
    key: eligibility.key,
    surface: eligibility.surface,
    name,
    label,
    roleName: isGroup ? membership : eligibility.roleName,
    scopeName,
    aliases: [eligibility.scope.kind, isGroup ? access : eligibility.scope.displayName],
    constraints: plainConstraints(constraints),
    scopeKind: eligibility.scope.kind,
    ...(eligibility.endDateTime ? { eligibleUntil: eligibility.endDateTime.toISOString() } : {}),
  };
}

/** "rg-web (Contoso Prod)": a resource group or resource with the subscription it lives in, when known. */
export function readableScope(scope: Scope, knownScopes: readonly Scope[]): string {
  if (scope.kind === 'directory') return 'Directory';
  if (scope.kind !== 'resourceGroup' && scope.kind !== 'resource') return scope.displayName;
  const subscriptionId = /^\/subscriptions\/[^/]+/i.exec(scope.id)?.[0]?.toLowerCase();
  const parent = knownScopes.find((s) => s.kind === 'subscription' && s.id.toLowerCase() === subscriptionId);
  if (!parent || scope.displayName.includes(parent.displayName)) return scope.displayName;
  return `${scope.displayName} (${parent.displayName})`;
}

function plainConstraints(c: Constraints): Constraints {
  return {
    maxDurationMinutes: c.maxDurationMinutes,
    minDurationMinutes: c.minDurationMinutes,
    requiresJustification: c.requiresJustification,
    requiresTicket: c.requiresTicket,
    requiresMfa: c.requiresMfa,
    authenticationContext: c.authenticationContext,
    requiresApproval: c.requiresApproval,
    approvers: c.approvers.map((a) => ({ ...a })),
  };
}
