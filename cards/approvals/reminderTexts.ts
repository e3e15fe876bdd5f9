// What the reminders and the escalation say. The request is named in words like the card ("Owner of
// SRE On-Call", "Contributor on Contoso Prod"), never by the bare role name, which says little on its
// own for a group or an Azure role. Plain text: the sender wraps it with plainMessage.
import { approverNames } from '../../services/approvals/approvers';
import type { ApprovalRecord } from '../../services/approvals/record';
import { requestedAccess } from './approvalCards';

const utcTime = (iso: string) => `${new Date(iso).toISOString().slice(11, 16)} UTC`;

/** To each approver whose card is out, once, after the quiet spell. */
export function approverReminderText(record: ApprovalRecord): string {
  const who = record.requester.displayName ?? 'Someone';
  return `Reminder: ${who}'s request for ${requestedAccess(record)} is still waiting for a decision. The card is above; PIM drops the request after 24 hours.`;
}

/** To the requester, an hour (by default) before PIM drops the request. */
export function requesterWarningText(record: ApprovalRecord): string {
  return `Nobody has decided on your request for ${requestedAccess(record)} yet, and PIM drops it at ${utcTime(record.expiresAt)}. You may want to ask an approver directly.`;
}

/** "Bob Brown and Dave Diaz": the approvers the reminder reached (those with a card out). */
function reachedNames(reached: ApprovalRecord['approvers']): string {
  const named = reached.map((a) => a.displayName ?? 'an approver');
  return named.length <= 1 ? (named[0] ?? '') : `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`;
}

/** The escalation in the approvers' channel: who was reminded, when PIM drops it, who can decide there. */
export function escalationChannelText(record: ApprovalRecord, reached: ApprovalRecord['approvers']): string {
  const who = record.requester.displayName ?? 'Someone';
  const names = reachedNames(reached);
  const remindedAt = record.approversRemindedAt ? utcTime(record.approversRemindedAt) : 'earlier';
  return `⏰ Escalation: ${who}'s request for ${requestedAccess(record)} is still waiting for a decision. ${names ? `${names} ${reached.length > 1 ? 'were' : 'was'} reminded at ${remindedAt}` : 'No approver could be reminded in a chat'}; PIM drops the request at ${utcTime(record.expiresAt)}. Any of ${approverNames(record.approvers).replace(/ or /, ' and ')} can decide on the card in this channel.`;
}

/** The requester hears whom to chase, and whether the channel was asked too. */
export function escalationRequesterText(record: ApprovalRecord, reached: ApprovalRecord['approvers'], inChannel: boolean): string {
  const names = reachedNames(reached);
  const remindedAt = record.approversRemindedAt ? utcTime(record.approversRemindedAt) : 'earlier';
  const told = names ? `I reminded ${names} at ${remindedAt}` : `I could not remind ${approverNames(record.approvers)} in a chat`;
  return `Your request for ${requestedAccess(record)} is still waiting. ${told}${inChannel ? " and have now raised it in the approvers' channel" : ''}. PIM drops it at ${utcTime(record.expiresAt)} if nobody decides; you may want to contact them directly.`;
}
