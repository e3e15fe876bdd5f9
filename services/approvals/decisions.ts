// An approver's decision, made at PIM with the approver's own delegated token. PIM is the one truth:
// when it answers 409 (someone decided first) we read the approval to say who, instead of failing.

import { isPimError, PimError } from '../pim/errors';
import type { RequestStatus, Surface, UserContext } from '../pim/model';
import {
  currentStep,
  lastReview,
  outcomeOfSteps,
  type ApprovalOutcome,
  type ApprovalState,
  type Decision,
  type DecisionResult,
} from './model';
import type { ApprovalsPort } from './port';

export class ApprovalDecisions {
  private readonly ports: ReadonlyMap<Surface, ApprovalsPort>;

  constructor(ports: readonly ApprovalsPort[]) {
    this.ports = new Map(ports.map((p) => [p.surface, p]));
  }

  port(surface: Surface): ApprovalsPort {
    const port = this.ports.get(surface);
    if (!port) throw new PimError('notFound', `No approvals for surface ${surface}`);
    return port;
  }

  has(surface: Surface): boolean {
    return this.ports.has(surface);
  }

  /** `approvalId`: the request's approvalId as PIM gave it (see ApprovalsPort.getApproval). */
  async decide(
    approver: UserContext,
    surface: Surface,
    requestId: string,
    requesterId: string,
    decision: Decision,
    justification: string,
    approvalId?: string,
  ): Promise<DecisionResult> {
    // Checked here too (PIM refuses it as well), so a requester's click never reaches PIM.
    if (approver.userId.toLowerCase() === requesterId.toLowerCase()) return { kind: 'selfApproval' };
    const port = this.port(surface);
    const before = await this.read(port, approver, requestId, approvalId);
    if (before.kind !== 'ok') return before;
    const step = currentStep(before.state);
    if (!step) return alreadyDecided(before.state);
    if (!step.assignedToMe) return { kind: 'notApprover' };
    try {
      await port.decide(approver, requestId, step.id, decision, justification, approvalId);
    } catch (e) {
      if (!isPimError(e)) throw e;
      if (e.details.httpStatus === 409) {
        const after = await this.read(port, approver, requestId, approvalId);
        return after.kind === 'ok' ? alreadyDecided(after.state) : after;
      }
      if (e.kind === 'forbidden') return { kind: 'notApprover' };
      if (e.kind === 'notFound') return { kind: 'notFound' };
      throw e;
    }
    const last = before.state.steps[before.state.steps.length - 1];
    const outcome = decision === 'deny' ? 'denied' : last?.id === step.id ? 'approved' : 'nextStage';
    const by = approver.displayName ? { id: approver.userId, displayName: approver.displayName } : { id: approver.userId };
    return { kind: 'decided', outcome, by, at: new Date() };
  }

  private async read(
    port: ApprovalsPort,
    user: UserContext,
    requestId: string,
    approvalId: string | undefined,
  ): Promise<{ kind: 'ok'; state: ApprovalState } | { kind: 'notApprover' } | { kind: 'notFound' }> {
    try {
      return { kind: 'ok', state: await port.getApproval(user, requestId, approvalId) };
    } catch (e) {
      if (isPimError(e) && e.kind === 'forbidden') return { kind: 'notApprover' };
      if (isPimError(e) && (e.kind === 'notFound' || e.kind === 'invalidInput')) return { kind: 'notFound' };
      throw e;
    }
  }
}

function alreadyDecided(state: ApprovalState): DecisionResult {
  const review = lastReview(state);
  return {
    kind: 'alreadyDecided',
    outcome: outcomeOfSteps(state),
    by: review?.reviewedBy ?? null,
    at: review?.reviewedAt ?? null,
    justification: review?.justification ?? '',
  };
}

/**
 * Where a request stands by PIM's request status (read app-only): decisions made outside the bot,
 * cancellations and expiry. Graph reports an expired approval as Canceled, so the 24 hours tell them apart.
 */
export function outcomeFromStatus(status: RequestStatus, expiresAt: Date, now: Date): ApprovalOutcome {
  switch (status) {
    case 'pendingApproval':
      return now.getTime() >= expiresAt.getTime() ? 'expired' : 'pending';
    case 'provisioned':
    case 'granted':
    case 'pendingProvisioning':
    case 'revoked':
      return 'approved';
    case 'denied':
      return 'denied';
    case 'canceled':
      return now.getTime() >= expiresAt.getTime() ? 'expired' : 'canceled';
    case 'failed':
    case 'other':
      return now.getTime() >= expiresAt.getTime() ? 'expired' : 'canceled';
  }
}
