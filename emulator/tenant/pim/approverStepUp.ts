// The approval endpoints' check of the deciding approver's token against the tenant's demands
// (identity/stepUpSettings.ts), switched on per test. PIM itself demands nothing of an approver; the
// refusal borrows the shape PIM gives an activation whose token lacks the authentication context
// (contracts/errors/CATALOG.md: 400 RoleAssignmentRequestAcrsValidationFailed, the message being
// "&claims=" + the URL-encoded claims challenge), so a client reads the challenge the same way:
//   authentication context: {"access_token":{"acrs":{"essential":true,"value":"c1"}}}
//   fresh MFA:              {"access_token":{"amr":{"essential":true,"values":["mfa"]}}}
import { GraphError } from '../graph/errors';
import type { UserPrincipal } from '../identity/principal';
import { stepUpSettings, type ApproverStepUpDemand } from '../identity/stepUpSettings';
import type { ApprovalRecord, ApprovalSurface } from './approvalStages';

export const APPROVER_STEP_UP_CODE = 'RoleAssignmentRequestAcrsValidationFailed';

/** Throws the claims challenge when `approver`'s token lacks what the tenant demands for deciding this approval. */
export function requireApproverStepUp(
  store: object,
  surface: ApprovalSurface,
  roleId: string,
  approver: UserPrincipal,
  nowMs: number = Date.now(),
): void {
  const role = roleId.toLowerCase();
  for (const demand of stepUpSettings(store).approverDemands) {
    if (demand.surface !== surface) continue;
    if (demand.roleIds && !demand.roleIds.some((r) => r.toLowerCase() === role)) continue;
    const challenge = unmet(demand, approver, nowMs);
    if (challenge) throw new GraphError(400, APPROVER_STEP_UP_CODE, `&claims=${encodeURIComponent(challenge)}`);
  }
}

/**
 * The check for a decision on `stageId` of `approval`: only someone PIM would let decide is asked for
 * more (a stranger or the requester still gets PIM's 403 from decide()).
 */
export function requireStepUpToDecide(
  store: object,
  approval: ApprovalRecord,
  stageId: string,
  roleId: string,
  approver: UserPrincipal,
): void {
  const me = approver.oid.toLowerCase();
  if (approval.requesterId.toLowerCase() === me) return;
  const stage = approval.stages.find((s) => s.id.toLowerCase() === stageId.toLowerCase());
  if (!stage?.approverIds.includes(me)) return;
  requireApproverStepUp(store, approval.surface, roleId, approver);
}

function unmet(demand: ApproverStepUpDemand, approver: UserPrincipal, nowMs: number): string | undefined {
  if (demand.acrs !== undefined && !approver.acrs.includes(demand.acrs)) {
    return JSON.stringify({ access_token: { acrs: { essential: true, value: demand.acrs } } });
  }
  if (demand.mfaWithinSeconds !== undefined) {
    const fresh = approver.authTime !== undefined && nowMs - approver.authTime * 1000 <= demand.mfaWithinSeconds * 1000;
    if (!approver.amr.includes('mfa') || !fresh) return JSON.stringify({ access_token: { amr: { essential: true, values: ['mfa'] } } });
  }
  return undefined;
}
