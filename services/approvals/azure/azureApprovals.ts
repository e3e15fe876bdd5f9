// Approvals of Azure resource activations: ARM roleAssignmentApprovals (2021-01-01-preview). The SDK
// (@azure/arm-authorization 9) has no operations for them, so they go through the SDK client's own
// pipeline (sendOperationRequest with an OperationSpec): same endpoint, bearer policy, retries and
// RestError → PimError mapping as every other ARM call. Reading and deciding an approval always takes a
// person's delegated ARM token (PIM has no application path for approvals); the requests themselves
// are read app-only, within the Azure RBAC Reader role the app is granted on the subscriptions it sweeps.

import {
  createSerializer,
  type OperationSpec,
  type OperationURLParameter,
  type OperationQueryParameter,
  type OperationParameter,
} from '@azure/core-client';
import { ArmApi } from '../../pim/azure/armApi';
import { parseRequestId } from '../../pim/azure/azureMapping';
import { listSubscriptionScopes } from '../../pim/azure/subscriptions';
import { toRequestStatus } from '../../pim/entra/entraMapping';
import { isPimError, PimError } from '../../pim/errors';
import { assertGuid } from '../../pim/graph/odata';
import type { ActivationRequest, RequestStatus, UserContext } from '../../pim/model';
import { toApprovalState } from '../approvalMapping';
import type { RoleInfo } from '../context';
import type { ApprovalState, Decision } from '../model';
import type { ActivationTarget, ApprovalsPort, PendingAtPim } from '../port';

export const ARM_APPROVALS_API_VERSION = '2021-01-01-preview';

const serializer = createSerializer({}, false);
const str = (serializedName: string, required = true) => ({ serializedName, required, type: { name: 'String' as const } });
const $host: OperationURLParameter = { parameterPath: '$host', mapper: str('$host'), skipEncoding: true };
const scope: OperationURLParameter = { parameterPath: 'scope', mapper: str('scope'), skipEncoding: true };
const approvalId: OperationURLParameter = { parameterPath: 'approvalId', mapper: str('approvalId') };
const stageId: OperationURLParameter = { parameterPath: 'stageId', mapper: str('stageId') };
const apiVersion: OperationQueryParameter = {
  parameterPath: 'apiVersion',
  mapper: { defaultValue: ARM_APPROVALS_API_VERSION, isConstant: true, serializedName: 'api-version', type: { name: 'String' } },
};
const accept: OperationParameter = {
  parameterPath: 'accept',
  mapper: { defaultValue: 'application/json', isConstant: true, serializedName: 'Accept', type: { name: 'String' } },
};
const contentType: OperationParameter = {
  parameterPath: ['options', 'contentType'],
  mapper: { defaultValue: 'application/json', isConstant: true, serializedName: 'Content-Type', type: { name: 'String' } },
};
// The decision goes as {properties: {reviewResult, justification}}. The 2021-01-01-preview swagger
// (Azure/azure-rest-api-specs, specification/authorization/resource-manager/Microsoft.Authorization/
// preview/2021-01-01-preview) declares a flat {reviewResult, justification} body, but Microsoft's own
// example for the operation (examples/ScopePatchRoleAssignmentApprovalStepById.json, in
// ../shared/contracts/approvals/arm.roleAssignmentApprovals.stage.patch.approve) wraps it in
// `properties`, like every other ARM resource body, and that is the form a tool in use against real
// ARM sends (kayasax/EasyPIM, EasyPIM/functions/Deny-PIMAzureResourcePendingApproval.ps1: PATCH
// https://management.azure.com/{the request's approvalId}/stages/{id}?api-version=2021-01-01-preview with
// {"properties":{"justification","reviewResult"}}). The emulator answers both forms.
const stepBody: OperationParameter = {
  parameterPath: 'body',
  mapper: {
    serializedName: 'body',
    required: true,
    type: {
      name: 'Composite',
      className: 'RoleAssignmentApprovalStep',
      modelProperties: {
        properties: {
          serializedName: 'properties',
          type: {
            name: 'Composite',
            className: 'RoleAssignmentApprovalStepProperties',
            modelProperties: { reviewResult: str('reviewResult', false), justification: str('justification', false) },
          },
        },
      },
    },
  },
};
const APPROVAL_PATH = '/{scope}/providers/Microsoft.Authorization/roleAssignmentApprovals/{approvalId}';

const getApprovalSpec: OperationSpec = {
  path: APPROVAL_PATH,
  httpMethod: 'GET',
  // No body mapper: the plain JSON comes back and approvalMapping reads it (Microsoft's example shape).
  responses: { 200: {}, default: {} },
  queryParameters: [apiVersion],
  urlParameters: [$host, scope, approvalId],
  headerParameters: [accept],
  serializer,
};

const patchStageSpec: OperationSpec = {
  // Microsoft's examples use .../stages/{id}; the preview swagger names the same resource steps.
  path: `${APPROVAL_PATH}/stages/{stageId}`,
  httpMethod: 'PATCH',
  responses: { 200: {}, default: {} },
  requestBody: stepBody,
  queryParameters: [apiVersion],
  urlParameters: [$host, scope, approvalId, stageId],
  headerParameters: [accept, contentType],
  mediaType: 'json',
  serializer,
};

export interface AzureApprovalsDeps {
  readonly arm: ArmApi;
}

export class AzureApprovals implements ApprovalsPort {
  readonly surface = 'azureResource' as const;

  constructor(private readonly deps: AzureApprovalsDeps) {}

  /**
   * The approval at the request's scope, by the id the request gave in properties.approvalId: an
   * approval is a resource of its own whose name need not be the request's. PIM states it as an ARM id
   * (with or without the scope) or as the bare GUID; the GUID is its last segment either way.
   */
  private target(requestId: string, approvalId: string | undefined): { scope: string; approvalId: string } {
    const { scope: at } = parseRequestId(requestId);
    if (!approvalId)
      throw new PimError('notFound', 'The Azure request names no approval (properties.approvalId)', { upstreamCode: 'NoApprovalId' });
    return { scope: ArmApi.scopeParam(at), approvalId: assertGuid(approvalId.split('/').filter(Boolean).pop() ?? '', 'approval id') };
  }

  async getApproval(user: UserContext, requestId: string, approvalId?: string): Promise<ApprovalState> {
    const args = this.target(requestId, approvalId);
    // A response spec without a body mapper comes back as { body: <the JSON as sent> }.
    const raw = await this.deps.arm.call(user, (client) => client.sendOperationRequest<{ body?: unknown }>(args, getApprovalSpec));
    return { ...toApprovalState(raw.body, this.surface), requestId };
  }

  async decide(
    approver: UserContext,
    requestId: string,
    stepId: string,
    decision: Decision,
    justification: string,
    approvalId?: string,
  ): Promise<void> {
    const args = {
      ...this.target(requestId, approvalId),
      stageId: assertGuid(stepId, 'approval stage id'),
      body: { properties: { reviewResult: decision === 'approve' ? 'Approve' : 'Deny', justification } },
    };
    await this.deps.arm.call(approver, (client) => client.sendOperationRequest<unknown>(args, patchStageSpec));
  }

  /**
   * The request's status, app-only (Reader at its subscription). undefined when the app may not read it
   * there: then the approval, read as an approver, and PIM's 24 hours tell the outcome instead.
   */
  async getRequestStatus(requestId: string): Promise<RequestStatus | undefined> {
    if (!this.deps.arm.hasAppAccess) return undefined;
    const { scope: at, name } = parseRequestId(requestId);
    try {
      const r = await this.deps.arm.callAsApp((client) => client.roleAssignmentScheduleRequests.get(ArmApi.scopeParam(at), name));
      // ARM's TimedOut is PIM's 24 hours run out: the neutral model reads that as a cancellation past expiry.
      return r.status?.toLowerCase() === 'timedout' ? 'canceled' : toRequestStatus(r.status);
    } catch (e) {
      if (isPimError(e) && (e.kind === 'forbidden' || e.kind === 'authenticationRequired')) return undefined;
      throw e;
    }
  }

  /**
   * Requests waiting for approval at every subscription the app can read (ARM's Subscriptions - List
   * with the app's token), each listed with roleAssignmentScheduleRequests - List For Scope (no $filter:
   * ARM documents none on status, and the unfiltered list spans the scope and everything below it).
   */
  async pendingApprovals(): Promise<PendingAtPim[] | undefined> {
    if (!this.deps.arm.hasAppAccess) return undefined;
    return this.readPendingAsApp().catch((e: unknown) => {
      // Not granted Reader anywhere (see docs/deploy.md): Azure requests are found through their requester's turn.
      if (isPimError(e) && (e.kind === 'forbidden' || e.kind === 'authenticationRequired')) return undefined;
      throw e;
    });
  }

  private readPendingAsApp(): Promise<PendingAtPim[]> {
    return this.deps.arm.callAsApp(async (client) => {
      const scopes = await listSubscriptionScopes(client);
      const lists = await Promise.all(
        scopes.map((s) =>
          ArmApi.all(client.roleAssignmentScheduleRequests.listForScope(ArmApi.scopeParam(s))).catch((e: unknown) => {
            // A subscription the app sees but may not read requests at (a role without Microsoft.Authorization/*/read).
            if ((e as { statusCode?: number }).statusCode === 403) return [];
            throw e;
          }),
        ),
      );
      const seen = new Set<string>();
      const out: PendingAtPim[] = [];
      for (const r of lists.flat()) {
        if (!r.id || !r.principalId || toRequestStatus(r.status) !== 'pendingApproval' || seen.has(r.id.toLowerCase())) continue;
        seen.add(r.id.toLowerCase());
        out.push({
          surface: this.surface,
          id: r.id,
          principalId: r.principalId.toLowerCase(),
          ...(r.approvalId ? { approvalId: r.approvalId } : {}),
          ...(r.createdOn ? { createdDateTime: new Date(r.createdOn) } : {}),
        });
      }
      return out;
    });
  }

  /** The role definition's properties.description, read with the requester's ARM token at the request's scope. */
  async roleInfo(requester: UserContext, target: ActivationTarget): Promise<RoleInfo | undefined> {
    const guid = assertGuid(target.roleId.split('/').filter(Boolean).pop() ?? '', 'role definition id');
    const def = await this.deps.arm.call(requester, (client) => client.roleDefinitions.get(ArmApi.scopeParam(target.scope.id), guid));
    return def.description ? { description: def.description } : {};
  }

  /**
   * roleAssignmentScheduleRequests?$filter=asApprover() at the tenant root (every scope below it), with
   * the approver's own ARM token: the requests PIM says they may decide.
   */
  async awaitingDecisionBy(approver: UserContext): Promise<PendingAtPim[]> {
    const items = await this.deps.arm.call(approver, (client) =>
      ArmApi.all(client.roleAssignmentScheduleRequests.listForScope('', { filter: 'asApprover()' })),
    );
    return items
      .filter(
        (r) =>
          r.id &&
          r.principalId &&
          toRequestStatus(r.status) === 'pendingApproval' &&
          r.principalId.toLowerCase() !== approver.userId.toLowerCase(),
      )
      .map((r) => ({
        surface: this.surface,
        id: r.id!,
        principalId: r.principalId!.toLowerCase(),
        ...(r.approvalId ? { approvalId: r.approvalId } : {}),
        ...(r.createdOn ? { createdDateTime: new Date(r.createdOn) } : {}),
      }));
  }

  /** Needs the requester's own ARM token, which the bot holds only during their turn: not shown for Azure roles. */
  async recentActivations(_target: ActivationTarget, _limit: number): Promise<ActivationRequest[] | undefined> {
    return undefined;
  }
}

export function isAzureRequestId(id: string): boolean {
  try {
    parseRequestId(id);
    return true;
  } catch (e) {
    if (e instanceof PimError) return false;
    throw e;
  }
}
