// Approvals of Entra role activations: Graph beta roleAssignmentApprovals (PIM has no v1.0 path for
// them). Decisions always go with the approver's own delegated token; reads for reconciling are app-only.

import type { AppTokenProvider, UserTokenProvider } from '../../identity/tokenProvider';
import { toActivationRequest, toRequestStatus } from '../../pim/entra/entraMapping';
import { ENTRA_PATHS } from '../../pim/entra/entraRoleProvider';
import type { GraphApi } from '../../pim/graph/graphApi';
import { assertGuid, odataString } from '../../pim/graph/odata';
import { asRecord, readString } from '../../pim/json';
import type { ActivationRequest, RequestStatus, UserContext } from '../../pim/model';
import { toApprovalState } from '../approvalMapping';
import type { ApprovalState, Decision } from '../model';
import type { ApprovalsPort } from '../port';

export const ENTRA_APPROVALS_PATH = '/roleManagement/directory/roleAssignmentApprovals';

export interface EntraApprovalsDeps {
  readonly graph: GraphApi;
  readonly userTokens: UserTokenProvider;
  readonly appTokens: AppTokenProvider;
}

export class EntraApprovals implements ApprovalsPort {
  readonly surface = 'entraRole' as const;

  constructor(private readonly deps: EntraApprovalsDeps) {}

  async getApproval(user: UserContext, requestId: string): Promise<ApprovalState> {
    const id = assertGuid(requestId, 'request id');
    const token = await this.deps.userTokens.getUserToken({ user, resource: 'graph' });
    return toApprovalState(await this.deps.graph.get(token, `${ENTRA_APPROVALS_PATH}/${id}`, { version: 'beta' }), this.surface);
  }

  async decide(approver: UserContext, requestId: string, stepId: string, decision: Decision, justification: string): Promise<void> {
    const id = assertGuid(requestId, 'request id');
    const step = assertGuid(stepId, 'approval step id');
    const token = await this.deps.userTokens.getUserToken({ user: approver, resource: 'graph' });
    await this.deps.graph.patch(token, `${ENTRA_APPROVALS_PATH}/${id}/steps/${step}`, { reviewResult: decision === 'approve' ? 'Approve' : 'Deny', justification }, { version: 'beta' });
  }

  async getRequestStatus(requestId: string): Promise<RequestStatus> {
    const id = assertGuid(requestId, 'request id');
    const token = await this.deps.appTokens.getAppToken('graph');
    const raw = await this.deps.graph.get(token, `${ENTRA_PATHS.scheduleRequests}/${id}`, { select: 'id,status' });
    return toRequestStatus(readString(asRecord(raw), 'status'));
  }

  async recentActivations(request: ActivationRequest, limit: number): Promise<ActivationRequest[]> {
    const principal = assertGuid(request.principalId, 'principal id');
    const role = assertGuid(request.roleId, 'role id');
    const token = await this.deps.appTokens.getAppToken('graph');
    const filter = `principalId eq ${odataString(principal)} and roleDefinitionId eq ${odataString(role)}`;
    const raw = await this.deps.graph.list(token, ENTRA_PATHS.scheduleRequests, { filter });
    const out: ActivationRequest[] = [];
    for (const item of raw) {
      try {
        const r = toActivationRequest(item, request.roleName);
        if (r.id !== request.id && (r.action ?? 'activate') === 'activate' && (r.status === 'provisioned' || r.status === 'revoked')) out.push(r);
      } catch {
        // Not an activation (an admin's permanent assignment): not part of the history.
      }
    }
    return out.sort((a, b) => b.createdDateTime.getTime() - a.createdDateTime.getTime()).slice(0, limit);
  }
}
