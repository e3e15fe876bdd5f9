// Approvals of PIM for Groups activations: Graph v1.0 assignmentApprovals with `stages` (the approval id
// is the assignmentScheduleRequest id). Decisions go with the approver's own delegated token
// (PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup); reads for reconciling are app-only.

import { assertGuid, odataString } from '../../pim/graph/odata';
import { toGroupRequest } from '../../pim/groups/groupsMapping';
import { GROUP_PATHS } from '../../pim/groups/groupsProvider';
import type { ActivationRequest } from '../../pim/model';
import { GraphApprovals, type GraphApprovalsDeps } from '../graphApprovals';
import type { ActivationTarget } from '../port';

export const GROUP_APPROVALS_PATH = '/identityGovernance/privilegedAccess/group/assignmentApprovals';

export type GroupApprovalsDeps = GraphApprovalsDeps;

export class GroupApprovals extends GraphApprovals {
  readonly surface = 'group' as const;

  constructor(deps: GroupApprovalsDeps) {
    super(deps, { approvals: GROUP_APPROVALS_PATH, part: 'stages', scheduleRequests: GROUP_PATHS.scheduleRequests });
  }

  async recentActivations(request: ActivationTarget, limit: number): Promise<ActivationRequest[]> {
    const principal = assertGuid(request.principalId, 'principal id');
    const group = assertGuid(request.scope.id, 'group id');
    const filter = `principalId eq ${odataString(principal)} and groupId eq ${odataString(group)}`;
    return this.pastActivations(request, limit, filter, (raw) => toGroupRequest(raw, request.scope.displayName), (r) => r.roleId === request.roleId);
  }
}
