// PIM for Groups over Microsoft Graph v1.0, with the user's own delegated token: membership and
// ownership eligibilities, activation, deactivation, extension and the user's pending requests.

import { formatIsoDurationMinutes } from '../../policy/isoDuration';
import { constraintsFromPolicyAssignments, isOpenRequest, mapDistinct } from '../entra/entraMapping';
import { PimError } from '../errors';
import { asRecord, readString } from '../json';
import { delegatedGraphToken, justificationAndTicket, OPEN_REQUESTS_FILTER, type GraphProviderDeps } from '../graph/delegated';
import { assertGuid, odataString } from '../graph/odata';
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
import { accessIdOf, toGroupActive, toGroupEligibility, toGroupRequest } from './groupsMapping';

const G = '/identityGovernance/privilegedAccess/group';
export const GROUP_PATHS = {
  eligibilityInstances: `${G}/eligibilityScheduleInstances/filterByCurrentUser(on='principal')`,
  assignmentInstances: `${G}/assignmentScheduleInstances/filterByCurrentUser(on='principal')`,
  scheduleRequests: `${G}/assignmentScheduleRequests`,
  myRequests: `${G}/assignmentScheduleRequests/filterByCurrentUser(on='principal')`,
  policyAssignments: '/policies/roleManagementPolicyAssignments',
} as const;

export type GroupsProviderDeps = GraphProviderDeps;

/** Kept where it was first exported. */
export { justificationAndTicket };

export class GroupsProvider implements PimProvider {
  readonly surface = 'group' as const;
  private readonly now: () => Date;

  constructor(private readonly deps: GroupsProviderDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async listEligibilities(user: UserContext): Promise<Eligibility[]> {
    const raw = await this.deps.graph.list(await this.token(user), GROUP_PATHS.eligibilityInstances, { expand: 'group' });
    return mapDistinct(raw, toGroupEligibility);
  }

  async listActive(user: UserContext): Promise<ActiveAssignment[]> {
    const raw = await this.deps.graph.list(await this.token(user), GROUP_PATHS.assignmentInstances, { expand: 'group' });
    return mapDistinct(raw, toGroupActive);
  }

  async getConstraints(user: UserContext, eligibility: Eligibility): Promise<Constraints> {
    const groupId = assertGuid(eligibility.scope.id, 'groupId');
    const accessId = accessIdOf(eligibility.roleId);
    if (!accessId) throw new PimError('invalidInput', 'Group access must be member or owner');
    // Group policies: one per group and access (roleDefinitionId 'member' | 'owner'), scopeType 'Group'.
    const filter = `scopeId eq ${odataString(groupId)} and scopeType eq 'Group' and roleDefinitionId eq ${odataString(accessId)}`;
    const raw = await this.deps.graph.list(await this.token(user), GROUP_PATHS.policyAssignments, {
      filter,
      expand: 'policy($expand=rules)',
    });
    return constraintsFromPolicyAssignments(raw);
  }

  /**
   * One read per group answers both accesses (the filter on scopeId + scopeType is the one Graph
   * requires), and the groups' reads go in one JSON batch.
   */
  async getConstraintsMany(user: UserContext, eligibilities: readonly Eligibility[]): Promise<Array<Constraints | PimError>> {
    const wanted = eligibilities.map((e) => ({ groupId: assertGuid(e.scope.id, 'groupId').toLowerCase(), accessId: accessIdOf(e.roleId) }));
    const groups = [...new Set(wanted.map((w) => w.groupId))];
    const reads = groups.map((groupId) => ({
      path: GROUP_PATHS.policyAssignments,
      query: { filter: `scopeId eq ${odataString(groupId)} and scopeType eq 'Group'`, expand: 'policy($expand=rules)' },
    }));
    const answers = await this.deps.graph.listMany(await this.token(user), reads);
    const byGroup = new Map(groups.map((groupId, i) => [groupId, answers[i]!]));
    return wanted.map(({ groupId, accessId }) => {
      if (!accessId) return new PimError('invalidInput', 'Group access must be member or owner');
      const raw = byGroup.get(groupId)!;
      if (raw instanceof PimError) return raw;
      const forAccess = raw.filter((a) => readString(asRecord(a), 'roleDefinitionId')?.toLowerCase() === accessId);
      try {
        return constraintsFromPolicyAssignments(forAccess);
      } catch (e) {
        return e instanceof PimError ? e : new PimError('unknown', 'Unreadable policy');
      }
    });
  }

  async activate(user: UserContext, eligibility: Eligibility, input: ActivationInput): Promise<ActivationRequest> {
    const raw = await this.deps.graph.post(
      await this.token(user, input.claims),
      GROUP_PATHS.scheduleRequests,
      this.body(user, eligibility, 'selfActivate', input, false),
    );
    return toGroupRequest(raw, eligibility.scope.displayName);
  }

  async validate(user: UserContext, eligibility: Eligibility, input: ActivationInput): Promise<void> {
    await this.deps.graph.post(
      await this.token(user, input.claims),
      GROUP_PATHS.scheduleRequests,
      this.body(user, eligibility, 'selfActivate', input, true),
    );
  }

  async deactivate(user: UserContext, active: ActiveAssignment): Promise<ActivationRequest> {
    const body = { action: 'selfDeactivate', principalId: user.userId, groupId: this.groupId(active), accessId: this.accessId(active) };
    return toGroupRequest(await this.deps.graph.post(await this.token(user), GROUP_PATHS.scheduleRequests, body), active.scope.displayName);
  }

  async extend(user: UserContext, active: ActiveAssignment, input: ExtensionInput): Promise<ActivationRequest> {
    if (!active.endDateTime)
      throw new PimError('invalidInput', 'A permanent assignment needs no extension', { upstreamCode: 'NotExtendable' });
    const body = {
      action: 'selfExtend',
      principalId: user.userId,
      groupId: this.groupId(active),
      accessId: this.accessId(active),
      ...justificationAndTicket(input.justification, input.ticket),
      scheduleInfo: {
        startDateTime: (active.startDateTime ?? this.now()).toISOString(),
        expiration: {
          type: 'afterDateTime',
          endDateTime: new Date(active.endDateTime.getTime() + input.durationMinutes * 60_000).toISOString(),
        },
      },
    };
    return toGroupRequest(
      await this.deps.graph.post(await this.token(user, input.claims), GROUP_PATHS.scheduleRequests, body),
      active.scope.displayName,
    );
  }

  async listRequests(user: UserContext): Promise<ActivationRequest[]> {
    const raw = await this.deps.graph.list(await this.token(user), GROUP_PATHS.myRequests, {
      filter: OPEN_REQUESTS_FILTER,
      expand: 'group',
    });
    const now = this.now();
    return raw.map((r) => toGroupRequest(r)).filter((r) => isOpenRequest(r, now));
  }

  /**
   * Every request of the user's for one group and access, whatever its status (open ones and the
   * history): filterByCurrentUser(on='principal') filtered on the group, narrowed to the access here.
   */
  async listRoleRequests(user: UserContext, target: RoleTarget): Promise<ActivationRequest[]> {
    const groupId = assertGuid(target.scope.id, 'groupId');
    const raw = await this.deps.graph.list(await this.token(user), GROUP_PATHS.myRequests, {
      filter: `groupId eq ${odataString(groupId)}`,
    });
    return activationsOf(raw, (r) => toGroupRequest(r, target.scope.displayName)).filter((r) => r.roleId === target.roleId);
  }

  async cancel(user: UserContext, requestId: string): Promise<void> {
    const id = assertGuid(requestId, 'request id');
    await this.deps.graph.post(await this.token(user), `${GROUP_PATHS.scheduleRequests}/${id}/cancel`, undefined); // no body, as Microsoft documents
  }

  async getRequest(user: UserContext, requestId: string): Promise<ActivationRequest> {
    const id = assertGuid(requestId, 'request id');
    return toGroupRequest(await this.deps.graph.get(await this.token(user), `${GROUP_PATHS.scheduleRequests}/${id}`, { expand: 'group' }));
  }

  private body(user: UserContext, eligibility: Eligibility, action: string, input: ActivationInput, isValidationOnly: boolean): object {
    if (eligibility.surface !== this.surface) throw new PimError('notEligible', 'Eligibility is not a PIM group');
    return {
      action,
      principalId: user.userId,
      groupId: this.groupId(eligibility),
      accessId: this.accessId(eligibility),
      ...(isValidationOnly ? { isValidationOnly: true } : {}),
      ...justificationAndTicket(input.justification, input.ticket),
      scheduleInfo: {
        startDateTime: (input.startDateTime ?? this.now()).toISOString(),
        expiration: { type: 'afterDuration', duration: formatIsoDurationMinutes(input.durationMinutes) },
      },
    };
  }

  private groupId(item: Eligibility | ActiveAssignment): string {
    if (item.surface !== this.surface) throw new PimError('notFound', 'Not a PIM group');
    return assertGuid(item.scope.id, 'groupId');
  }

  private accessId(item: Eligibility | ActiveAssignment): string {
    const a = accessIdOf(item.roleId);
    if (!a) throw new PimError('invalidInput', 'Group access must be member or owner');
    return a;
  }

  private token(user: UserContext, claims?: string): Promise<string> {
    return delegatedGraphToken(this.deps.tokens, user, claims);
  }
}
