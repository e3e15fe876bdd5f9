// The answer to a resubmit of a request the bot already tracks: a note, not a second card to keep up to date.
import type { Attachment } from 'botbuilder';
import { CardAction } from '../actions';
import { noticeCard } from '../heldViews';
import { approverNames } from '../../services/approvals/approvers';
import type { ApprovalRecord } from '../../services/approvals/record';
import type { Surface } from '../../services/pim/model';

/** A resubmit of a request the requester already has the waiting card for: say so, without a second card to keep up to date. */
export function alreadyWaitingCard(
  ref: { roleName: string; surface: Surface; id: string },
  record: ApprovalRecord | undefined,
): Attachment {
  const who = record && record.approvers.length > 0 ? ` from ${approverNames(record.approvers)}` : '';
  return noticeCard({
    title: `${ref.roleName} is already waiting for approval`,
    text: `Your earlier request is still waiting for approval${who}. I'll tell you the moment it's decided. Nothing new was requested.`,
    hint: 'Cancel it if you no longer need it, or to ask again with other details.',
    actions: [{ title: 'Cancel request', data: { action: CardAction.cancelRequest, surface: ref.surface, requestId: ref.id } }],
  });
}
