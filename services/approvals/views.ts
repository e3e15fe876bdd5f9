// What the use case shows people, as values: cards/approvals renders each (card JSON and texts), the
// messenger sends it. So the use case decides what to say and never how it looks.
import type { ApprovalRecord, CardCopy } from './record';
import type { PersonRef } from './model';
import type { Surface } from '../pim/model';
import type { StepUpShortfall } from './approverStepUpCheck';
import type { ApproverStepUpRequirement } from './approverStepUpPolicy';
import type { Decision } from './model';

/** An approver's decision waiting for their step-up sign-in (issue 20): what the card's sign-in notice says. */
export interface StepUpPrompt {
  readonly decision: Decision;
  readonly requirement: ApproverStepUpRequirement;
  /** The authority's sign-in URL for this one click (one-time state, PKCE, the claims). */
  readonly signInUrl: string;
  /** ISO: when the link stops working. */
  readonly linkExpiresAt: string;
  /** Set when the approver did sign in and it still fell short. */
  readonly stillMissing?: StepUpShortfall;
}

export type ApprovalView =
  /** The copy's card (an approver's, the requester's waiting card, the channel's), drawn from the record. */
  | { readonly kind: 'card'; readonly record: ApprovalRecord; readonly copy: CardCopy }
  /** A resubmit of a request already waiting: a note, with Cancel. */
  | {
      readonly kind: 'alreadyWaiting';
      readonly request: { readonly roleName: string; readonly surface: Surface; readonly id: string };
      readonly record: ApprovalRecord | undefined;
    }
  /** The approver's card with the step-up notice and sign-in button, to their 1:1 chat only (the link is theirs). */
  | { readonly kind: 'approverStepUp'; readonly record: ApprovalRecord; readonly copy: CardCopy; readonly stepUp: StepUpPrompt }
  /** The decision, to the requester. */
  | { readonly kind: 'outcome'; readonly record: ApprovalRecord }
  | { readonly kind: 'approverReminder'; readonly record: ApprovalRecord }
  | { readonly kind: 'requesterWarning'; readonly record: ApprovalRecord }
  | { readonly kind: 'escalationChannel'; readonly record: ApprovalRecord; readonly reached: readonly PersonRef[] }
  | {
      readonly kind: 'escalationRequester';
      readonly record: ApprovalRecord;
      readonly reached: readonly PersonRef[];
      readonly inChannel: boolean;
    };

/** Why a card action changed nothing; cards/approvals says it in words. */
export type Refusal =
  | 'unknownUser'
  | 'unknownRequest'
  | 'reasonTooLong'
  | 'denyNeedsReason'
  | 'ownRequest'
  | 'notChannelApprover'
  | 'notApprover'
  | 'staleCard'
  | 'staleRequesterCard'
  | 'pimNotApprover'
  | 'pimNotFound'
  | 'nextStage'
  | 'notRequester'
  | 'cancelRefused';

/** The answer to a card action: the clicked card as it is now (optionally with a note on it), or a sentence. */
export type ActionAnswer =
  | { readonly kind: 'card'; readonly record: ApprovalRecord; readonly copy: CardCopy; readonly note?: Refusal }
  /** Nothing decided yet: the clicked card, answered to the clicker alone, with the step-up sign-in. */
  | { readonly kind: 'stepUp'; readonly record: ApprovalRecord; readonly copy: CardCopy; readonly stepUp: StepUpPrompt }
  | { readonly kind: 'refused'; readonly why: Refusal; readonly approvers?: readonly PersonRef[] };
