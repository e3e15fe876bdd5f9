// What Graph's two approval surfaces (Entra roles in beta with `steps`, PIM for Groups in v1.0 with
// `stages`) do alike: decisions with the approver's own delegated token, app-only reads for reconciling.

import type { AppTokenProvider, UserTokenProvider } from '../identity/tokenProvider';
import { toRequestStatus } from '../pim/entra/entraMapping';
import type { GraphApi, ODataQuery } from '../pim/graph/graphApi';
import { assertGuid } from '../pim/graph/odata';
import { asRecord, readDate, readString } from '../pim/json';
import type { ActivationRequest, RequestStatus, UserContext } from '../pim/model';
import { activationsOf, earlierActivations } from '../pim/requests';
import { toApprovalState } from './approvalMapping';
import type { RoleInfo } from './context';
import type { ApprovalState, Decision } from './model';
import type { ActivationTarget, ApprovalsPort, PendingAtPim } from './port';

export interface GraphApprovalsDeps {
  readonly graph: GraphApi;
  readonly userTokens: UserTokenProvider;
  readonly appTokens: AppTokenProvider;
}

/** Where one Graph surface keeps its approvals and its schedule requests. */
export interface GraphApprovalPaths {
  readonly approvals: string;
  /** The name of an approval's parts in the decision path. */
  readonly part: 'steps' | 'stages';
  /** Only Entra roles' approvals need beta; the others take Graph's default. */
  readonly approvalsVersion?: 'beta';
  readonly scheduleRequests: string;
}

export abstract class GraphApprovals implements ApprovalsPort {
  abstract readonly surface: 'entraRole' | 'group';
  private readonly approvalsQuery: ODataQuery;

  protected constructor(
    protected readonly deps: GraphApprovalsDeps,
    private readonly paths: GraphApprovalPaths,
  ) {
    this.approvalsQuery = paths.approvalsVersion ? { version: paths.approvalsVersion } : {};
  }

  abstract recentActivations(target: ActivationTarget, limit: number): Promise<ActivationRequest[]>;
  abstract pendingApprovals(): Promise<PendingAtPim[]>;
  abstract roleInfo(requester: UserContext, target: ActivationTarget): Promise<RoleInfo | undefined>;

  /**
   * GET {scheduleRequests}/filterByCurrentUser(on='approver') with the approver's own token: PIM's view of
   * the requests they may decide. Only those still waiting are kept (the function's documented scope is
   * wider than the emulator's).
   */
  async awaitingDecisionBy(approver: UserContext): Promise<PendingAtPim[]> {
    const token = await this.deps.userTokens.getUserToken({ user: approver, resource: 'graph' });
    return this.pendingOf(await this.deps.graph.list(token, `${this.paths.scheduleRequests}/filterByCurrentUser(on='approver')`)).filter(
      (p) => p.principalId !== approver.userId.toLowerCase(),
    );
  }

  /** The requests `filter` selects that wait for approval, app-only (status is checked again: the filter may say more). */
  protected async pendingWhere(filter: string): Promise<PendingAtPim[]> {
    const token = await this.deps.appTokens.getAppToken('graph');
    return this.pendingOf(
      await this.deps.graph.list(token, this.paths.scheduleRequests, {
        filter,
        select: 'id,principalId,status,approvalId,createdDateTime',
      }),
    );
  }

  private pendingOf(items: readonly unknown[]): PendingAtPim[] {
    const out: PendingAtPim[] = [];
    for (const item of items) {
      const raw = asRecord(item);
      const id = readString(raw, 'id');
      const principalId = readString(raw, 'principalId');
      if (!id || !principalId || toRequestStatus(readString(raw, 'status')) !== 'pendingApproval') continue;
      const approvalId = readString(raw, 'approvalId');
      const created = readDate(raw, 'createdDateTime');
      out.push({
        surface: this.surface,
        id: id.toLowerCase(),
        principalId: principalId.toLowerCase(),
        ...(approvalId ? { approvalId } : {}),
        ...(created ? { createdDateTime: created } : {}),
      });
    }
    return out;
  }

  async getApproval(user: UserContext, requestId: string): Promise<ApprovalState> {
    const id = assertGuid(requestId, 'request id');
    const token = await this.deps.userTokens.getUserToken({ user, resource: 'graph' });
    return toApprovalState(await this.deps.graph.get(token, `${this.paths.approvals}/${id}`, this.approvalsQuery), this.surface);
  }

  async decide(approver: UserContext, requestId: string, stepId: string, decision: Decision, justification: string): Promise<void> {
    const id = assertGuid(requestId, 'request id');
    const step = assertGuid(stepId, this.paths.part === 'steps' ? 'approval step id' : 'approval stage id');
    const token = await this.deps.userTokens.getUserToken({ user: approver, resource: 'graph' });
    const body = { reviewResult: decision === 'approve' ? 'Approve' : 'Deny', justification };
    await this.deps.graph.patch(token, `${this.paths.approvals}/${id}/${this.paths.part}/${step}`, body, this.approvalsQuery);
  }

  async getRequestStatus(requestId: string): Promise<RequestStatus> {
    const id = assertGuid(requestId, 'request id');
    const token = await this.deps.appTokens.getAppToken('graph');
    const raw = await this.deps.graph.get(token, `${this.paths.scheduleRequests}/${id}`, { select: 'id,status' });
    return toRequestStatus(readString(asRecord(raw), 'status'));
  }

  /**
   * The requester's earlier activations that ran (provisioned or since revoked), newest first, from the
   * schedule requests `filter` selects; `sameTarget` narrows what the filter cannot.
   */
  protected async pastActivations(
    request: ActivationTarget,
    limit: number,
    filter: string,
    toRequest: (raw: unknown) => ActivationRequest,
    sameTarget: (r: ActivationRequest) => boolean = () => true,
  ): Promise<ActivationRequest[]> {
    const token = await this.deps.appTokens.getAppToken('graph');
    const listed = activationsOf(await this.deps.graph.list(token, this.paths.scheduleRequests, { filter }), toRequest);
    return earlierActivations(listed.filter(sameTarget), limit, request.id);
  }
}
