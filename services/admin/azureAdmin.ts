// Admin questions about Azure resource roles, over the surfaces' ARM client (@azure/arm-authorization)
// with the asker's own delegated ARM token: ARM decides what an administrator may see at a scope.
// Only fixed ARM filter functions (atScope()) are sent; roles are matched by GUID after reading, so
// nothing typed ever reaches $filter (scope ids and role ids were resolved from ARM's own lists).
import { PimError } from '../pim/errors';
import { ArmApi } from '../pim/azure/armApi';
import { armScope, toAzureRequest, type ArmScheduleItem } from '../pim/azure/azureMapping';
import type { ActivationRequest, UserContext } from '../pim/model';
import { roleSettingsFromRules } from './mapping';
import type { ActiveAccess, EligibleHolder, Holder, PendingRequest, PrincipalRef, RoleSettings } from './model';

/** The instance fields ARM sends beyond what the surfaces' mapping reads. */
type Item = ArmScheduleItem & {
  readonly memberType?: string;
  readonly principalType?: string;
  readonly expandedProperties?: ArmScheduleItem['expandedProperties'] & {
    readonly principal?: { readonly id?: string; readonly displayName?: string; readonly email?: string; readonly type?: string };
  };
};

/** The tenant root: an administrator's unfiltered list there spans every scope below it. */
const ROOT = '';
const AT_SCOPE = 'atScope()';
/** ARM ids of what may be named in a question: subscriptions, resource groups, management groups, resources. */
const SCOPE_ID =
  /^(\/providers\/Microsoft\.Management\/managementGroups\/[^/]+|\/subscriptions\/[0-9a-f-]{36}(\/resourceGroups\/[^/]+(\/providers\/[^/]+\/[^/]+\/[^/]+)?)?)$/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AzureNames {
  readonly scopes: readonly { readonly id: string; readonly name: string }[];
  /** Role definitions by GUID (ARM names built-in roles by the same GUID at every scope). */
  readonly roles: readonly { readonly id: string; readonly name: string }[];
}

export interface AzureRole {
  readonly scopeId: string;
  readonly roleDefinitionId: string;
}

export class AzureAdminReader {
  constructor(private readonly arm: ArmApi) {}

  /** Scopes that carry PIM schedules (what an admin can ask about) and the role names ARM knows. */
  async names(user: UserContext): Promise<AzureNames> {
    const [definitions, eligible, active] = await this.arm.call(user, (c) =>
      Promise.all([
        ArmApi.all(c.roleDefinitions.list(ROOT)),
        ArmApi.all(c.roleEligibilityScheduleInstances.listForScope(ROOT)),
        ArmApi.all(c.roleAssignmentScheduleInstances.listForScope(ROOT)),
      ]),
    );
    const roles = new Map<string, string>();
    for (const d of definitions) if (d.roleName && d.name) roles.set(roleGuid(d.name), d.roleName);
    const scopes = new Map<string, string>();
    for (const item of [...eligible, ...active] as Item[]) {
      const scope = armScope(item);
      if (SCOPE_ID.test(scope.id)) scopes.set(scope.id.toLowerCase(), scope.displayName);
      // Role names also from the instances: custom roles defined below the root show up here.
      const roleName = item.expandedProperties?.roleDefinition?.displayName;
      if (item.roleDefinitionId && roleName && !roles.has(roleGuid(item.roleDefinitionId)))
        roles.set(roleGuid(item.roleDefinitionId), roleName);
    }
    return {
      scopes: [...scopes].map(([id, name]) => ({ id, name })),
      roles: [...roles].map(([id, name]) => ({ id, name })),
    };
  }

  /** Active at the scope: assigned there or inherited from above (ARM's atScope()). */
  async holders(user: UserContext, role: AzureRole, names: (id: string) => string | undefined): Promise<Holder[]> {
    const items = await this.arm.call(user, (c) =>
      ArmApi.all(c.roleAssignmentScheduleInstances.listForScope(scopeParam(role.scopeId), { filter: AT_SCOPE })),
    );
    return (items as Item[])
      .filter((i) => sameRole(i, role))
      .flatMap((i) => {
        if (!i.principalId) return [];
        const activated = i.assignmentType?.toLowerCase() === 'activated';
        const since = toDate(i.startDateTime);
        return [
          {
            principal: principalOf(i, names),
            assignmentType: activated ? ('activated' as const) : ('assigned' as const),
            // ARM lists role assignments PIM did not make as instances without a start, as Graph does.
            outsidePim: !activated && since === null,
            viaGroup: memberType(i) === 'group',
            since,
            until: toDate(i.endDateTime),
            ...inherited(i, role),
          },
        ];
      });
  }

  async eligible(user: UserContext, role: AzureRole, names: (id: string) => string | undefined): Promise<EligibleHolder[]> {
    const items = await this.arm.call(user, (c) =>
      ArmApi.all(c.roleEligibilityScheduleInstances.listForScope(scopeParam(role.scopeId), { filter: AT_SCOPE })),
    );
    return (items as Item[])
      .filter((i) => sameRole(i, role))
      .flatMap((i) =>
        i.principalId
          ? [
              {
                principal: principalOf(i, names),
                viaGroup: memberType(i) === 'group',
                since: toDate(i.startDateTime),
                until: toDate(i.endDateTime),
                ...inherited(i, role),
              },
            ]
          : [],
      );
  }

  /** Every assignment active now at every scope the asker may read. */
  async active(user: UserContext, names: (id: string) => string | undefined): Promise<ActiveAccess[]> {
    const items = await this.arm.call(user, (c) => ArmApi.all(c.roleAssignmentScheduleInstances.listForScope(ROOT)));
    return (items as Item[]).flatMap((i) => {
      if (!i.principalId) return [];
      const activated = i.assignmentType?.toLowerCase() === 'activated';
      const since = toDate(i.startDateTime);
      const scope = armScope(i);
      return [
        {
          principal: principalOf(i, names),
          surface: 'azureResource' as const,
          roleName: i.expandedProperties?.roleDefinition?.displayName ?? 'an Azure role',
          scopeName: scope.displayName,
          assignmentType: activated ? ('activated' as const) : ('assigned' as const),
          outsidePim: !activated && since === null,
          viaGroup: memberType(i) === 'group',
          since,
          until: toDate(i.endDateTime),
        },
      ];
    });
  }

  /** The asker's own requests at every scope (ARM's asTarget()): her history of Azure roles. */
  async myRequests(user: UserContext): Promise<ActivationRequest[]> {
    const items = await this.arm.call(user, (c) =>
      ArmApi.all(c.roleAssignmentScheduleRequests.listForScope(ROOT, { filter: 'asTarget()' })),
    );
    return (items as Item[]).flatMap((i) => {
      try {
        return [toAzureRequest(i)];
      } catch {
        return [];
      }
    });
  }

  /** Requests awaiting approval at every scope the asker may read. */
  async pending(user: UserContext, names: (id: string) => string | undefined): Promise<PendingRequest[]> {
    const items = await this.arm.call(user, (c) => ArmApi.all(c.roleAssignmentScheduleRequests.listForScope(ROOT)));
    return (items as Item[])
      .filter((i) => i.status === 'PendingApproval' && i.principalId)
      .flatMap((i) => {
        let r: ActivationRequest;
        try {
          r = toAzureRequest(i);
        } catch {
          return [];
        }
        return [
          {
            id: r.id,
            surface: 'azureResource' as const,
            principal: principalOf(i, names),
            roleName: r.roleName,
            scopeName: r.scope.displayName,
            createdDateTime: r.createdDateTime,
            justification: r.justification,
            ticketNumber: r.ticket?.number ?? null,
            durationMinutes: Math.round((r.endDateTime.getTime() - r.startDateTime.getTime()) / 60_000),
          },
        ];
      });
  }

  /** The policy assigned for the role at exactly this scope (ARM's effectiveRules = Graph's rule ids). */
  async settings(user: UserContext, role: AzureRole, names: (id: string) => string): Promise<RoleSettings> {
    const assignments = await this.arm.call(user, (c) =>
      ArmApi.all(c.roleManagementPolicyAssignments.listForScope(scopeParam(role.scopeId))),
    );
    const match = assignments.find(
      (a) => a.roleDefinitionId !== undefined && roleGuid(a.roleDefinitionId) === roleGuid(role.roleDefinitionId),
    );
    if (!match?.effectiveRules) throw new PimError('notFound', 'No role management policy for the role at this scope');
    return roleSettingsFromRules(match.effectiveRules, names);
  }
}

function scopeParam(scopeId: string): string {
  if (!SCOPE_ID.test(scopeId)) throw new PimError('invalidInput', 'not an Azure scope id');
  return ArmApi.scopeParam(scopeId);
}

export function roleGuid(roleDefinitionId: string): string {
  const guid = (roleDefinitionId.split('/').pop() ?? '').toLowerCase();
  if (!GUID.test(guid)) throw new PimError('invalidInput', 'not a role definition id');
  return guid;
}

function sameRole(item: ArmScheduleItem, role: AzureRole): boolean {
  return item.roleDefinitionId !== undefined && roleGuid(item.roleDefinitionId) === roleGuid(role.roleDefinitionId);
}

/** Held at a scope above the one asked about: say where it comes from. */
function inherited(item: ArmScheduleItem, role: AzureRole): { inheritedFrom?: string } {
  const scope = armScope(item);
  return scope.id.toLowerCase() === role.scopeId.toLowerCase()
    ? {}
    : { inheritedFrom: scope.id === '/' || scope.id === '' ? 'the tenant root' : scope.displayName };
}

function memberType(item: Item): string {
  return (item.memberType ?? '').toLowerCase();
}

function principalOf(item: Item, names: (id: string) => string | undefined): PrincipalRef {
  const p = item.expandedProperties?.principal;
  const id = item.principalId!;
  const type = (p?.type ?? item.principalType ?? '').toLowerCase();
  const kind: PrincipalRef['kind'] =
    type === 'user' ? 'user' : type === 'group' ? 'group' : type === 'serviceprincipal' ? 'servicePrincipal' : 'unknown';
  const displayName = p?.displayName || names(id) || id;
  return p?.email ? { id, displayName, kind, userPrincipalName: p.email } : { id, displayName, kind };
}

function toDate(v: Date | string | undefined | null): Date | null {
  if (v === undefined || v === null) return null;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}
