// Approvals of Entra role activations: Graph beta roleAssignmentApprovals (PIM has no v1.0 path for
// them). Decisions always go with the approver's own delegated token; reads for reconciling are app-only.

import { toActivationRequest } from '../../pim/entra/entraMapping';
import { ENTRA_PATHS } from '../../pim/entra/entraRoleProvider';
import { assertGuid, odataString } from '../../pim/graph/odata';
import { asRecord, readString } from '../../pim/json';
import type { ActivationRequest, UserContext } from '../../pim/model';
import { TtlCache } from '../../pim/ttlCache';
import type { RoleInfo } from '../context';
import { GraphApprovals, type GraphApprovalsDeps } from '../graphApprovals';
import type { ActivationTarget, PendingAtPim } from '../port';

export const ENTRA_APPROVALS_PATH = '/roleManagement/directory/roleAssignmentApprovals';

export type EntraApprovalsDeps = GraphApprovalsDeps & {
  /** How long a role definition's description and isPrivileged are kept (default ROLE_INFO_TTL_MS). */
  readonly roleInfoTtlMs?: number;
};

/**
 * 10 minutes: a role definition's description and isPrivileged are Microsoft's for built-in roles and
 * change with an administrator's edit of a custom one, rarely; they inform the approver and decide
 * nothing. Every approval card of a role within the window reads them once.
 */
export const ROLE_INFO_TTL_MS = 10 * 60_000;

export class EntraApprovals extends GraphApprovals {
  readonly surface = 'entraRole' as const;
  private readonly roleInfos: TtlCache<RoleInfo>;

  constructor(deps: EntraApprovalsDeps) {
    super(deps, {
      approvals: ENTRA_APPROVALS_PATH,
      part: 'steps',
      approvalsVersion: 'beta',
      scheduleRequests: ENTRA_PATHS.scheduleRequests,
    });
    this.roleInfos = new TtlCache(deps.roleInfoTtlMs ?? ROLE_INFO_TTL_MS);
  }

  async recentActivations(request: ActivationTarget, limit: number): Promise<ActivationRequest[]> {
    const principal = assertGuid(request.principalId, 'principal id');
    const role = assertGuid(request.roleId, 'role id');
    const filter = `principalId eq ${odataString(principal)} and roleDefinitionId eq ${odataString(role)}`;
    return this.pastActivations(request, limit, filter, (raw) => toActivationRequest(raw, request.roleName));
  }

  /** GET roleAssignmentScheduleRequests?$filter=status eq 'PendingApproval', app-only (RoleManagement.Read.Directory). */
  pendingApprovals(): Promise<PendingAtPim[]> {
    return this.pendingWhere(`status eq ${odataString('PendingApproval')}`);
  }

  /** GET /roleManagement/directory/roleDefinitions/{id}?$select=id,description,isPrivileged, app-only (RoleManagement.Read.Directory). */
  async roleInfo(_requester: UserContext, target: ActivationTarget): Promise<RoleInfo | undefined> {
    const id = assertGuid(target.roleId, 'role id');
    return { ...(await this.roleInfos.get(id.toLowerCase(), () => this.readRoleInfo(id))) };
  }

  private async readRoleInfo(id: string): Promise<RoleInfo> {
    const token = await this.deps.appTokens.getAppToken('graph');
    const raw = asRecord(
      await this.deps.graph.get(token, `/roleManagement/directory/roleDefinitions/${id}`, { select: 'id,description,isPrivileged' }),
    );
    const description = readString(raw, 'description');
    const privileged = raw?.['isPrivileged'];
    return { ...(description ? { description } : {}), ...(typeof privileged === 'boolean' ? { privileged } : {}) };
  }
}
