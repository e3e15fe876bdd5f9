// Approvals of PIM for Groups activations: Graph v1.0 assignmentApprovals with `stages` (the approval id
// is the assignmentScheduleRequest id). Decisions go with the approver's own delegated token
// (PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup); reads for reconciling are app-only.

import type { AppTokenProvider, UserTokenProvider } from '../../identity/tokenProvider';
import { toRequestStatus } from '../../pim/entra/entraMapping';
import type { GraphApi } from '../../pim/graph/graphApi';
import { assertGuid, odataString } from '../../pim/graph/odata';
import { toGroupRequest } from '../../pim/groups/groupsMapping';
import { GROUP_PATHS } from '../../pim/groups/groupsProvider';
import { asRecord, readString } from '../../pim/json';
import type { ActivationRequest, RequestStatus, UserContext } from '../../pim/model';
import { toApprovalState } from '../approvalMapping';
import type { ApprovalState, Decision } from '../model';
import type { ApprovalsPort } from '../port';

export const GROUP_APPROVALS_PATH = '/identityGovernance/privilegedAccess/group/assignmentApprovals';

export interface GroupApprovalsDeps {
  readonly graph: GraphApi;
  readonly userTokens: UserTokenProvider;
  readonly appTokens: AppTokenProvider;
}

export class GroupApprovals implements ApprovalsPort {
  readonly surface = 'group' as const;

  constructor(private readonly deps: GroupApprovalsDeps) {}

  async getApproval(user: UserContext, requestId: string): Promise<ApprovalState> {
    const id = assertGuid(requestId, 'request id');
    const token = await this.deps.userTokens.getUserToken({ user, resource: 'graph' });
    return toApprovalState(await this.deps.graph.get(token, `${GROUP_APPROVALS_PATH}/${id}`), this.surface);
  }

  async decide(approver: UserContext, requestId: string, stageId: string, decision: Decision, justification: string): Promise<void> {
    const id = assertGuid(requestId, 'request id');
    const stage = assertGuid(stageId, 'approval stage id');
    const token = await this.deps.userTokens.getUserToken({ user: approver, resource: 'graph' });
    await this.deps.graph.patch(token, `${GROUP_APPROVALS_PATH}/${id}/stages/${stage}`, { reviewResult: decision === 'approve' ? 'Approve' : 'Deny', justification });
  }

  async getRequestStatus(requestId: string): Promise<RequestStatus> {
    const id = assertGuid(requestId, 'request id');
    const token = await this.deps.appTokens.getAppToken('graph');
    const raw = await this.deps.graph.get(token, `${GROUP_PATHS.scheduleRequests}/${id}`, { select: 'id,status' });
    return toRequestStatus(readString(asRecord(raw), 'status'));
  }

  async recentActivations(request: ActivationRequest, limit: number): Promise<ActivationRequest[]> {
    const principal = assertGuid(request.principalId, 'principal id');
    const group = assertGuid(request.scope.id, 'group id');
    const token = await this.deps.appTokens.getAppToken('graph');
    const filter = `principalId eq ${odataString(principal)} and groupId eq ${odataString(group)}`;
    const out: ActivationRequest[] = [];
    for (const item of await this.deps.graph.list(token, GROUP_PATHS.scheduleRequests, { filter })) {
      try {
        const r = toGroupRequest(item, request.scope.displayName);
        if (r.id !== request.id && r.roleId === request.roleId && (r.action ?? 'activate') === 'activate' && (r.status === 'provisioned' || r.status === 'revoked')) out.push(r);
      } catch {
        // Not a bounded activation (an admin's permanent assignment): not part of the history.
      }
    }
    return out.sort((a, b) => b.createdDateTime.getTime() - a.createdDateTime.getTime()).slice(0, limit);
  }
}
