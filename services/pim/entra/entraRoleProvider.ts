// PIM for Microsoft Entra roles over Microsoft Graph v1.0, always with the user's own delegated
// token: PIM then enforces, as the user, what they may see and activate.

import { formatIsoDurationMinutes } from '../../policy/isoDuration';
import { PimError } from '../errors';
import { delegatedGraphToken, justificationAndTicket, OPEN_REQUESTS_FILTER, type GraphProviderDeps } from '../graph/delegated';
import { assertGuid, odataString } from '../graph/odata';
import { activationsOf } from '../requests';
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
import type { PimProvider } from '../service';
import {
  constraintsFromPolicyAssignments,
  isOpenRequest,
  mapDistinct,
  toActivationRequest,
  toActiveAssignment,
  toEligibility,
} from './entraMapping';

export const ENTRA_PATHS = {
  eligibilityInstances: "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')",
  assignmentInstances: "/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')",
  scheduleRequests: '/roleManagement/directory/roleAssignmentScheduleRequests',
  myRequests: "/roleManagement/directory/roleAssignmentScheduleRequests/filterByCurrentUser(on='principal')",
  policyAssignments: '/policies/roleManagementPolicyAssignments',
} as const;

export type EntraRoleProviderDeps = GraphProviderDeps;

export class EntraRoleProvider implements PimProvider {
  readonly surface = 'entraRole' as const;
  private readonly now: () => Date;

  constructor(private readonly deps: EntraRoleProviderDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async listEligibilities(user: UserContext): Promise<Eligibility[]> {
    const token = await this.token(user);
    // The role's description and isPrivileged come along for the approval card (isPrivileged only when named).
    const raw = await this.deps.graph.list(token, ENTRA_PATHS.eligibilityInstances, { expand: ELIGIBLE_ROLE_EXPAND });
    return mapDistinct(raw, toEligibility);
  }

  async listActive(user: UserContext): Promise<ActiveAssignment[]> {
    const token = await this.token(user);
    const raw = await this.deps.graph.list(token, ENTRA_PATHS.assignmentInstances, { expand: 'roleDefinition' });
    return mapDistinct(raw, toActiveAssignment);
  }

  async getConstraints(user: UserContext, eligibility: Eligibility): Promise<Constraints> {
    const roleId = assertGuid(eligibility.roleId, 'roleDefinitionId');
    const token = await this.token(user);
    const raw = await this.deps.graph.list(token, ENTRA_PATHS.policyAssignments, policyQuery(roleId));
    return constraintsFromPolicyAssignments(raw);
  }

  /** One policy read per role (the same role at several scopes reads once), all in one JSON batch. */
  async getConstraintsMany(user: UserContext, eligibilities: readonly Eligibility[]): Promise<Array<Constraints | PimError>> {
    const roleIds = eligibilities.map((e) => assertGuid(e.roleId, 'roleDefinitionId').toLowerCase());
    const distinct = [...new Set(roleIds)];
    const token = await this.token(user);
    const reads = distinct.map((roleId) => ({ path: ENTRA_PATHS.policyAssignments, query: policyQuery(roleId) }));
    const answers = await this.deps.graph.listMany(token, reads);
    const byRole = new Map(distinct.map((roleId, i) => [roleId, answers[i]!]));
    return roleIds.map((roleId) => {
      const raw = byRole.get(roleId)!;
      if (raw instanceof PimError) return raw;
      try {
        return constraintsFromPolicyAssignments(raw);
      } catch (e) {
        return e instanceof PimError ? e : new PimError('unknown', 'Unreadable policy');
      }
    });
  }

  async activate(user: UserContext, eligibility: Eligibility, input: ActivationInput): Promise<ActivationRequest> {
    const token = await this.token(user, input.claims);
    const raw = await this.deps.graph.post(token, ENTRA_PATHS.scheduleRequests, this.activationBody(user, eligibility, input, false));
    return toActivationRequest(raw, eligibility.roleName);
  }

  async validate(user: UserContext, eligibility: Eligibility, input: ActivationInput): Promise<void> {
    const token = await this.token(user, input.claims);
    await this.deps.graph.post(token, ENTRA_PATHS.scheduleRequests, this.activationBody(user, eligibility, input, true));
  }

  async deactivate(user: UserContext, active: ActiveAssignment): Promise<ActivationRequest> {
    if (active.surface !== this.surface) throw new PimError('notFound', 'Not an Entra role assignment');
    const token = await this.token(user);
    const body = { action: 'selfDeactivate', principalId: user.userId, roleDefinitionId: active.roleId, directoryScopeId: active.scope.id };
    return toActivationRequest(await this.deps.graph.post(token, ENTRA_PATHS.scheduleRequests, body), active.roleName);
  }

  async extend(user: UserContext, active: ActiveAssignment, input: ExtensionInput): Promise<ActivationRequest> {
    if (active.surface !== this.surface) throw new PimError('notFound', 'Not an Entra role assignment');
    if (!active.endDateTime)
      throw new PimError('invalidInput', 'A permanent assignment needs no extension', { upstreamCode: 'NotExtendable' });
    const token = await this.token(user, input.claims);
    const body = {
      action: 'selfExtend',
      principalId: user.userId,
      roleDefinitionId: active.roleId,
      directoryScopeId: active.scope.id,
      ...justificationAndTicket(input.justification, input.ticket),
      scheduleInfo: {
        startDateTime: (active.startDateTime ?? this.now()).toISOString(),
        expiration: {
          type: 'AfterDateTime',
          endDateTime: new Date(active.endDateTime.getTime() + input.durationMinutes * 60_000).toISOString(),
        },
      },
    };
    return toActivationRequest(await this.deps.graph.post(token, ENTRA_PATHS.scheduleRequests, body), active.roleName);
  }

  async listRequests(user: UserContext): Promise<ActivationRequest[]> {
    const token = await this.token(user);
    const raw = await this.deps.graph.list(token, ENTRA_PATHS.myRequests, { filter: OPEN_REQUESTS_FILTER, expand: 'roleDefinition' });
    const now = this.now();
    return raw.map((r) => toActivationRequest(r)).filter((r) => isOpenRequest(r, now));
  }

  /**
   * Every request of the user's for one role at one scope, whatever its status (open ones and the
   * history): filterByCurrentUser(on='principal') filtered on the role, narrowed to the scope here.
   */
  async listRoleRequests(user: UserContext, target: RoleTarget): Promise<ActivationRequest[]> {
    const roleId = assertGuid(target.roleId, 'roleDefinitionId');
    const token = await this.token(user);
    const raw = await this.deps.graph.list(token, ENTRA_PATHS.myRequests, { filter: `roleDefinitionId eq ${odataString(roleId)}` });
    return activationsOf(raw, (r) => toActivationRequest(r, target.roleName)).filter(
      (r) => r.scope.id.toLowerCase() === target.scope.id.toLowerCase(),
    );
  }

  async cancel(user: UserContext, requestId: string): Promise<void> {
    const id = assertGuid(requestId, 'request id');
    const token = await this.token(user);
    await this.deps.graph.post(token, `${ENTRA_PATHS.scheduleRequests}/${id}/cancel`, undefined); // no body, as Microsoft documents
  }

  private activationBody(user: UserContext, eligibility: Eligibility, input: ActivationInput, isValidationOnly: boolean): object {
    if (eligibility.surface !== this.surface) throw new PimError('notEligible', 'Eligibility is not an Entra role');
    return {
      action: 'selfActivate',
      principalId: user.userId,
      roleDefinitionId: eligibility.roleId,
      directoryScopeId: eligibility.scope.id,
      ...(isValidationOnly ? { isValidationOnly: true } : {}),
      ...justificationAndTicket(input.justification, input.ticket),
      scheduleInfo: {
        startDateTime: (input.startDateTime ?? this.now()).toISOString(),
        expiration: { type: 'AfterDuration', duration: formatIsoDurationMinutes(input.durationMinutes) },
      },
    };
  }

  async getRequest(user: UserContext, requestId: string): Promise<ActivationRequest> {
    const id = assertGuid(requestId, 'request id');
    const token = await this.token(user);
    const raw = await this.deps.graph.get(token, `${ENTRA_PATHS.scheduleRequests}/${id}`, { expand: 'roleDefinition' });
    return toActivationRequest(raw);
  }

  private token(user: UserContext, claims?: string): Promise<string> {
    return delegatedGraphToken(this.deps.tokens, user, claims);
  }
}

/** The eligibility listing's role: its name, and its description and isPrivileged for the approval card. */
const ELIGIBLE_ROLE_EXPAND = 'roleDefinition($select=id,displayName,description,isPrivileged)';

/** Directory role policies live at scope '/' even for eligibilities scoped to an administrative unit. */
function policyQuery(roleId: string): { filter: string; expand: string } {
  return {
    filter: `scopeId eq ${odataString('/')} and scopeType eq ${odataString('DirectoryRole')} and roleDefinitionId eq ${odataString(roleId)}`,
    expand: 'policy($expand=rules)',
  };
}
