// Approvals of PIM for Groups activations: Graph v1.0 assignmentApprovals with `stages` (the approval id
// is the assignmentScheduleRequest id). Decisions go with the approver's own delegated token
// (PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup); reads for reconciling are app-only.

import { assertGuid, odataString } from '../../pim/graph/odata';
import { asRecord, readString } from '../../pim/json';
import { toGroupRequest } from '../../pim/groups/groupsMapping';
import { GROUP_PATHS } from '../../pim/groups/groupsProvider';
import type { ActivationRequest, UserContext } from '../../pim/model';
import type { RoleInfo } from '../context';
import { GraphApprovals, type GraphApprovalsDeps } from '../graphApprovals';
import { TtlCache } from '../../pim/ttlCache';
import type { ActivationTarget, PendingAtPim } from '../port';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const GROUP_APPROVALS_PATH = '/identityGovernance/privilegedAccess/group/assignmentApprovals';

export type GroupApprovalsDeps = GraphApprovalsDeps;

/** The tenant's groups change rarely; the sweep asks PIM group by group, so their ids are kept this long. */
const GROUP_IDS_TTL_MS = 10 * 60_000;

export class GroupApprovals extends GraphApprovals {
  readonly surface = 'group' as const;
  private readonly groupIds = new TtlCache<string[]>(GROUP_IDS_TTL_MS);

  constructor(deps: GroupApprovalsDeps) {
    super(deps, { approvals: GROUP_APPROVALS_PATH, part: 'stages', scheduleRequests: GROUP_PATHS.scheduleRequests });
  }

  async recentActivations(request: ActivationTarget, limit: number): Promise<ActivationRequest[]> {
    const principal = assertGuid(request.principalId, 'principal id');
    const group = assertGuid(request.scope.id, 'group id');
    const filter = `principalId eq ${odataString(principal)} and groupId eq ${odataString(group)}`;
    return this.pastActivations(
      request,
      limit,
      filter,
      (raw) => toGroupRequest(raw, request.scope.displayName),
      (r) => r.roleId === request.roleId,
    );
  }

  /**
   * PIM for Groups lists requests only with a groupId (or principalId) in the filter, so group by group:
   * assignmentScheduleRequests?$filter=groupId eq '…' and status eq 'PendingApproval', app-only
   * (PrivilegedAccess.Read.AzureADGroup; the group ids through GroupMember.Read.All).
   */
  async pendingApprovals(): Promise<PendingAtPim[]> {
    const ids = await this.groupIds.get('all', async () => {
      const token = await this.deps.appTokens.getAppToken('graph');
      return (await this.deps.graph.list(token, '/groups', { select: 'id' }))
        .map((g) => readString(asRecord(g), 'id') ?? '')
        .filter((id) => GUID.test(id));
    });
    const perGroup = await Promise.all(
      ids.map((id) => this.pendingWhere(`groupId eq ${odataString(id)} and status eq ${odataString('PendingApproval')}`)),
    );
    return perGroup.flat();
  }

  /** PIM for Groups has no role definitions: membership and ownership mean the same in every group. */
  async roleInfo(_requester: UserContext, target: ActivationTarget): Promise<RoleInfo> {
    return {
      description:
        target.roleId === 'owner'
          ? `Owners manage ${target.scope.displayName}: its members, its owners and its settings.`
          : `Members get whatever access ${target.scope.displayName} has been given.`,
    };
  }
}
