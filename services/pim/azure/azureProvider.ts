// PIM for Azure resources over ARM (@azure/arm-authorization) with the user's delegated ARM token.
// asTarget() at the tenant root lists the caller's own roles at every scope (management group,
// subscription, resource group, resource) in one call; policies come from the policy assignment
// at the role's scope, whose effectiveRules use the same rule ids as Graph.

import { randomUUID } from 'node:crypto';
import type { RoleAssignmentScheduleRequest } from '@azure/arm-authorization';
import { constraintsFromRules } from '../../policy/constraints';
import { formatIsoDurationMinutes } from '../../policy/isoDuration';
import { isOpenRequest, mapDistinct } from '../entra/entraMapping';
import { PimError } from '../errors';
import type {
  ActivationInput,
  ActivationRequest,
  ActiveAssignment,
  Constraints,
  Eligibility,
  ExtensionInput,
  RoleTarget,
  UserContext,
} from '../model';
import { activationsOf } from '../requests';
import type { PimProvider } from '../service';
import { ArmApi } from './armApi';
import { parseRequestId, toAzureActive, toAzureEligibility, toAzureRequest, type ArmScheduleItem } from './azureMapping';

const AS_TARGET = 'asTarget()';
/** The tenant root: asTarget() there spans every scope. */
const ROOT = '';

export interface AzureResourceProviderDeps {
  readonly arm: ArmApi;
  readonly now?: () => Date;
}

export class AzureResourceProvider implements PimProvider {
  readonly surface = 'azureResource' as const;
  private readonly now: () => Date;

  constructor(private readonly deps: AzureResourceProviderDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async listEligibilities(user: UserContext): Promise<Eligibility[]> {
    const items = await this.deps.arm.call(user, (c) =>
      ArmApi.all(c.roleEligibilityScheduleInstances.listForScope(ROOT, { filter: AS_TARGET })),
    );
    return mapDistinct(items, (i) => toAzureEligibility(i as ArmScheduleItem));
  }

  async listActive(user: UserContext): Promise<ActiveAssignment[]> {
    const items = await this.deps.arm.call(user, (c) =>
      ArmApi.all(c.roleAssignmentScheduleInstances.listForScope(ROOT, { filter: AS_TARGET })),
    );
    return mapDistinct(items, (i) => toAzureActive(i as ArmScheduleItem));
  }

  async getConstraints(user: UserContext, eligibility: Eligibility): Promise<Constraints> {
    const assignments = await this.deps.arm.call(user, (c) =>
      ArmApi.all(c.roleManagementPolicyAssignments.listForScope(ArmApi.scopeParam(eligibility.scope.id))),
    );
    const guid = roleGuid(eligibility.roleId);
    const match = assignments.find((a) => a.roleDefinitionId !== undefined && roleGuid(a.roleDefinitionId) === guid);
    if (!match?.effectiveRules) throw new PimError('notFound', 'No role management policy found for the role at this scope');
    return constraintsFromRules(match.effectiveRules);
  }

  async activate(user: UserContext, eligibility: Eligibility, input: ActivationInput): Promise<ActivationRequest> {
    const body = this.activationBody(user, eligibility, input);
    const created = await this.deps.arm.call(
      user,
      (c) => c.roleAssignmentScheduleRequests.create(ArmApi.scopeParam(eligibility.scope.id), randomUUID(), body),
      input.claims,
    );
    return toAzureRequest(created as ArmScheduleItem, { roleName: eligibility.roleName, scope: eligibility.scope });
  }

  async validate(user: UserContext, eligibility: Eligibility, input: ActivationInput): Promise<void> {
    const body = this.activationBody(user, eligibility, input);
    await this.deps.arm.call(
      user,
      (c) => c.roleAssignmentScheduleRequests.validate(ArmApi.scopeParam(eligibility.scope.id), randomUUID(), body),
      input.claims,
    );
  }

  async deactivate(user: UserContext, active: ActiveAssignment): Promise<ActivationRequest> {
    if (active.surface !== this.surface) throw new PimError('notFound', 'Not an Azure resource role');
    const body: RoleAssignmentScheduleRequest = {
      principalId: user.userId,
      roleDefinitionId: active.roleId,
      requestType: 'SelfDeactivate',
    };
    const created = await this.deps.arm.call(user, (c) =>
      c.roleAssignmentScheduleRequests.create(ArmApi.scopeParam(active.scope.id), randomUUID(), body),
    );
    return toAzureRequest(created as ArmScheduleItem, { roleName: active.roleName, scope: active.scope });
  }

  async extend(user: UserContext, active: ActiveAssignment, input: ExtensionInput): Promise<ActivationRequest> {
    if (active.surface !== this.surface) throw new PimError('notFound', 'Not an Azure resource role');
    if (!active.endDateTime)
      throw new PimError('invalidInput', 'A permanent assignment needs no extension', { upstreamCode: 'NotExtendable' });
    const body: RoleAssignmentScheduleRequest = {
      principalId: user.userId,
      roleDefinitionId: active.roleId,
      requestType: 'SelfExtend',
      ...justificationAndTicket(input),
      scheduleInfo: {
        startDateTime: active.startDateTime ?? this.now(),
        expiration: { type: 'AfterDateTime', endDateTime: new Date(active.endDateTime.getTime() + input.durationMinutes * 60_000) },
      },
    };
    const created = await this.deps.arm.call(
      user,
      (c) => c.roleAssignmentScheduleRequests.create(ArmApi.scopeParam(active.scope.id), randomUUID(), body),
      input.claims,
    );
    return toAzureRequest(created as ArmScheduleItem, { roleName: active.roleName, scope: active.scope });
  }

  async listRequests(user: UserContext): Promise<ActivationRequest[]> {
    const items = await this.deps.arm.call(user, (c) =>
      ArmApi.all(c.roleAssignmentScheduleRequests.listForScope(ROOT, { filter: AS_TARGET })),
    );
    const now = this.now();
    return items
      .filter((i) => i.status === 'PendingApproval' || i.status === 'PendingAdminDecision' || i.status === 'Granted')
      .map((i) => toAzureRequest(i as ArmScheduleItem))
      .filter((r) => isOpenRequest(r, now));
  }

  /**
   * The caller's requests of one role at one scope, of every status: the check before asking, and the
   * approval card's earlier activations, from one read. ARM cannot filter by role, so asTarget() is
   * read at the role's scope (which lists what is related to it) and narrowed here.
   */
  async listRoleRequests(user: UserContext, target: RoleTarget): Promise<ActivationRequest[]> {
    const items = await this.deps.arm.call(user, (c) =>
      ArmApi.all(c.roleAssignmentScheduleRequests.listForScope(ArmApi.scopeParam(target.scope.id), { filter: AS_TARGET })),
    );
    const mine = items.filter(
      (i) => sameRole(i.roleDefinitionId, target.roleId) && sameScope((i as ArmScheduleItem).scope, target.scope.id),
    );
    return activationsOf(mine, (i) => toAzureRequest(i as ArmScheduleItem, { roleName: target.roleName, scope: target.scope }));
  }

  async cancel(user: UserContext, requestId: string): Promise<void> {
    const { scope, name } = parseRequestId(requestId);
    await this.deps.arm.call(user, (c) => c.roleAssignmentScheduleRequests.cancel(ArmApi.scopeParam(scope), name));
  }

  async getRequest(user: UserContext, requestId: string): Promise<ActivationRequest> {
    const { scope, name } = parseRequestId(requestId);
    const item = await this.deps.arm.call(user, (c) => c.roleAssignmentScheduleRequests.get(ArmApi.scopeParam(scope), name));
    return toAzureRequest(item as ArmScheduleItem);
  }

  private activationBody(user: UserContext, eligibility: Eligibility, input: ActivationInput): RoleAssignmentScheduleRequest {
    if (eligibility.surface !== this.surface) throw new PimError('notEligible', 'Eligibility is not an Azure resource role');
    return {
      principalId: user.userId,
      roleDefinitionId: eligibility.roleId,
      requestType: 'SelfActivate',
      ...justificationAndTicket(input),
      scheduleInfo: {
        startDateTime: input.startDateTime ?? this.now(),
        expiration: { type: 'AfterDuration', duration: formatIsoDurationMinutes(input.durationMinutes) },
      },
    };
  }
}

function roleGuid(roleDefinitionId: string): string {
  return (roleDefinitionId.split('/').pop() ?? roleDefinitionId).toLowerCase();
}

function justificationAndTicket(input: {
  justification?: string;
  ticket?: { number: string; system?: string };
}): Pick<RoleAssignmentScheduleRequest, 'justification' | 'ticketInfo'> {
  const j = input.justification?.trim();
  return {
    ...(j ? { justification: j } : {}),
    ...(input.ticket
      ? { ticketInfo: { ticketNumber: input.ticket.number, ...(input.ticket.system ? { ticketSystem: input.ticket.system } : {}) } }
      : {}),
  };
}

/** A role definition by its GUID: ARM writes the same role with a subscription prefix or without one, in any case. */
function sameRole(a: string | undefined, b: string): boolean {
  const guid = (id: string) => id.slice(id.lastIndexOf('/') + 1).toLowerCase();
  return a !== undefined && guid(a) === guid(b);
}

function sameScope(a: string | undefined, b: string): boolean {
  const norm = (s: string) => s.replace(/\/+$/, '').toLowerCase();
  return a !== undefined && norm(a) === norm(b);
}
