// The provider-neutral approval model: what an approval looks like whatever the surface (Graph beta
// steps, Graph v1.0 stages, ARM stages). Cards and the bot see only these shapes.

import type { Surface } from '../pim/model';

export type Decision = 'approve' | 'deny';

/** Where a request that needed approval ended up (or 'pending' while it waits). */
export type ApprovalOutcome = 'pending' | 'approved' | 'denied' | 'canceled' | 'expired';

export interface PersonRef {
  readonly id: string;
  readonly displayName?: string;
}

export interface ApprovalStep {
  readonly id: string;
  readonly status: 'inProgress' | 'completed' | 'expired' | 'notStarted' | 'other';
  readonly reviewResult: 'notReviewed' | 'approve' | 'deny';
  readonly reviewedBy: PersonRef | null;
  readonly reviewedAt: Date | null;
  readonly justification: string;
  /** Whether the reader of the approval may decide this step. */
  readonly assignedToMe: boolean;
}

export interface ApprovalState {
  readonly requestId: string;
  readonly surface: Surface;
  readonly steps: readonly ApprovalStep[];
}

/** The step that waits for a decision now, if any. */
export function currentStep(state: ApprovalState): ApprovalStep | undefined {
  return state.steps.find((s) => s.status === 'inProgress');
}

/** The decision PIM recorded last (the one that ended the approval, when it ended). */
export function lastReview(state: ApprovalState): ApprovalStep | undefined {
  return [...state.steps].reverse().find((s) => s.reviewResult !== 'notReviewed');
}

/** The outcome an approval shows on its own (steps); the request's status adds cancel and expiry. */
export function outcomeOfSteps(state: ApprovalState): ApprovalOutcome {
  if (state.steps.some((s) => s.reviewResult === 'deny')) return 'denied';
  if (state.steps.length > 0 && state.steps.every((s) => s.reviewResult === 'approve')) return 'approved';
  if (state.steps.some((s) => s.status === 'expired')) return 'expired';
  // A step closed without anyone's review: the request ended otherwise (the requester cancelled it).
  if (state.steps.some((s) => s.status === 'completed' && s.reviewResult === 'notReviewed')) return 'canceled';
  return 'pending';
}

/** The result of an approver's click, as values: only transport failures are thrown. */
export type DecisionResult =
  | { readonly kind: 'decided'; readonly outcome: 'approved' | 'denied' | 'nextStage'; readonly by: PersonRef; readonly at: Date }
  /** Someone else (or the same person elsewhere) decided first: PIM answered 409. */
  | {
      readonly kind: 'alreadyDecided';
      readonly outcome: ApprovalOutcome;
      readonly by: PersonRef | null;
      readonly at: Date | null;
      readonly justification: string;
    }
  | { readonly kind: 'selfApproval' }
  | { readonly kind: 'notApprover' }
  | { readonly kind: 'notFound' };
