// What the bot says when a card action changes nothing (or only part of it): one sentence per reason.
import { approverNames } from '../../services/approvals/approvers';
import type { PersonRef } from '../../services/approvals/model';
import type { Refusal } from '../../services/approvals/views';

export const MAX_REASON_LENGTH = 500;
export const DENY_NEEDS_REASON = 'A reason is required to deny: type it in the Reason box and press Deny again. The requester reads it.';

export function refusalText(why: Refusal, approvers: readonly PersonRef[] = []): string {
  switch (why) {
    case 'unknownUser':
      return "I can't tell who you are, so I can't act on this card. Nothing was changed.";
    case 'unknownRequest':
      return "I don't know this request. Nothing was changed.";
    case 'reasonTooLong':
      return `Please keep the reason under ${MAX_REASON_LENGTH} characters. Nothing was changed.`;
    case 'denyNeedsReason':
      return `${DENY_NEEDS_REASON} Nothing was changed.`;
    case 'ownRequest':
      return "You can't approve or deny your own request. Nothing was changed.";
    case 'notChannelApprover':
      return `Only the approvers of this request (${approverNames(approvers)}) can approve or deny it. Nothing was changed.`;
    case 'notApprover':
      return "You're not an approver for this request, so I can't take your decision. Nothing was changed.";
    case 'staleCard':
      return 'This card is out of date. Use the latest card I sent you. Nothing was changed.';
    case 'staleRequesterCard':
      return 'This card is out of date. Nothing was changed.';
    case 'pimNotApprover':
      return 'PIM says you are not an approver for this request. Nothing was changed.';
    case 'pimNotFound':
      return 'PIM no longer knows this request. Nothing was changed.';
    case 'nextStage':
      return 'Thanks, your approval is recorded. The request now waits for the next approval stage.';
    case 'notRequester':
      return 'Only the person who asked can cancel this request. Nothing was changed.';
    case 'cancelRefused':
      return "PIM didn't let me cancel this request right now. Please try again in a moment.";
  }
}

/** The note shown on the clicked card itself (the approver fixes it there and presses again). */
export function noteOnCard(why: Refusal): string | undefined {
  return why === 'denyNeedsReason' ? DENY_NEEDS_REASON : undefined;
}
