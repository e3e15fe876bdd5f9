// What the use case shows people, as values: cards/approvals renders each (card JSON and texts), the
// messenger sends it. So the use case decides what to say and never how it looks.
import type { ApprovalRecord, CardCopy } from './record';
import type { PersonRef } from './model';
import type { Surface } from '../pim/model';

export type ApprovalView =
  /** The copy's card (an approver's, the requester's waiting card, the channel's), drawn from the record. */
  | { readonly kind: 'card'; readonly record: ApprovalRecord; readonly copy: CardCopy }
  /** A resubmit of a request already waiting: a note, with Cancel. */
  | { readonly kind: 'alreadyWaiting'; readonly request: { readonly roleName: string; readonly surface: Surface; readonly id: string }; readonly record: ApprovalRecord | undefined }
  /** The decision, to the requester. */
  | { readonly kind: 'outcome'; readonly record: ApprovalRecord }
  | { readonly kind: 'approverReminder'; readonly record: ApprovalRecord }
  | { readonly kind: 'requesterWarning'; readonly record: ApprovalRecord }
  | { readonly kind: 'escalationChannel'; readonly record: ApprovalRecord; readonly reached: readonly PersonRef[] }
  | { readonly kind: 'escalationRequester'; readonly record: ApprovalRecord; readonly reached: readonly PersonRef[]; readonly inChannel: boolean };

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
  | { readonly kind: 'refused'; readonly why: Refusal; readonly approvers?: readonly PersonRef[] };
