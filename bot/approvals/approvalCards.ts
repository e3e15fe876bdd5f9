// The approval cards, rendered from the record alone: every copy of one request shows the same truth
// because they are all drawn from the same stored decision.
import type { Attachment } from 'botbuilder';
import { cardDateTime, cardTime, formatDuration, startsLater, utcDateTime, zonedDateTime } from '../../cards/format';
import { plainMessage } from '../../cards/plainText';
import { prepareCards, renderCard } from '../../cards/render';
import { approverNames } from '../../services/approvals/approvers';
import type { ApprovalOutcome } from '../../services/approvals/model';
import type { ApprovalRecord, CardCopy, RecordedDecision } from '../../services/approvals/record';

const COLOR: Record<ApprovalOutcome, string> = { pending: 'Warning', approved: 'Good', denied: 'Attention', canceled: 'Default', expired: 'Default' };

/** The start the requester asked for, when it is not the moment of the request. */
function scheduledStart(record: ApprovalRecord): Date | undefined {
  const start = new Date(record.request.startDateTime);
  return startsLater(start, new Date(record.request.createdDateTime)) ? start : undefined;
}

function facts(record: ApprovalRecord) {
  const r = record.request;
  const minutes = (Date.parse(r.endDateTime) - Date.parse(r.startDateTime)) / 60_000;
  const start = scheduledStart(record);
  return [
    { title: 'Requested by', value: record.requester.displayName ?? record.requester.id },
    { title: 'Role', value: r.roleName },
    { title: 'Scope', value: r.scopeName },
    { title: 'Duration', value: formatDuration(minutes) },
    // A scheduled request says when it would start: approving it grants access then, not now.
    ...(start ? [{ title: 'Starts', value: zonedDateTime(start) }, { title: 'Ends', value: zonedDateTime(new Date(r.endDateTime)) }] : []),
    { title: 'Justification', value: r.justification ?? '(none)' },
    ...(r.ticket ? [{ title: 'Ticket', value: r.ticket }] : []),
    { title: 'Requested', value: cardDateTime(new Date(r.createdDateTime)) },
    { title: 'Expires', value: cardDateTime(new Date(record.expiresAt)) },
  ];
}

/** "Approved by Bob Brown at 10:02: reason" and its kin. */
export function decisionLine(decision: RecordedDecision, record: ApprovalRecord): string {
  const at = cardTime(new Date(decision.at));
  const who = decision.by?.displayName ?? (decision.by ? 'an approver' : undefined);
  const reason = decision.justification.trim() ? `: ${decision.justification.trim()}` : '';
  switch (decision.outcome) {
    case 'approved':
      return who ? `Approved by ${who} at ${at}${reason}` : `Approved in PIM at ${at}${reason}`;
    case 'denied':
      return who ? `Denied by ${who} at ${at}${reason}` : `Denied in PIM at ${at}${reason}`;
    case 'canceled':
      return `Cancelled by ${record.requester.displayName ?? 'the requester'} at ${at}`;
    case 'expired':
      return 'Expired: nobody decided within 24 hours, so PIM dropped the request';
  }
}

export function approverCard(record: ApprovalRecord, copy: CardCopy): Attachment {
  const pending = !record.decision;
  const history = record.recentActivations.map((a) => ({
    line: `${cardDateTime(new Date(a.startDateTime))} · ${formatDuration((Date.parse(a.endDateTime) - Date.parse(a.startDateTime)) / 60_000)}`,
  }));
  const who = record.requester.displayName ?? 'Someone';
  const scheduled = scheduledStart(record);
  return renderCard('approvalRequest', {
    headline: pending ? `${who} asks for ${record.request.roleName}` : decisionLine(record.decision!, record),
    detail: pending
      ? `${scheduled ? `The access would start ${cardDateTime(scheduled)}, not now. ` : ''}Approve or deny before ${cardDateTime(new Date(record.expiresAt))}; PIM drops the request after 24 hours.`
      : `${who}'s request for ${record.request.roleName}.`,
    color: COLOR[record.decision?.outcome ?? 'pending'],
    facts: facts(record),
    historyTitle: record.historyUnknown ? '' : history.length > 0 ? `${who}'s recent activations of this role` : `No earlier activations of this role by ${who}`,
    showHistory: !record.historyUnknown,
    history,
    pending,
    requestId: record.requestId,
    surface: record.surface,
    nonce: copy.nonce,
  });
}

export function requesterCard(record: ApprovalRecord, copy: CardCopy): Attachment {
  const d = record.decision;
  const role = record.request.roleName;
  const names = approverNames(record.approvers);
  const start = scheduledStart(record);
  let headline: string;
  let detail: string;
  if (!d) {
    headline = `${role} is waiting for approval`;
    detail = `Waiting for approval from ${names}. I'll tell you the moment they decide. PIM drops the request if nobody decides by ${cardDateTime(new Date(record.expiresAt))}.`;
  } else {
    headline = decisionLine(d, record);
    detail = {
      approved: start && startsLater(start, new Date(d.at))
        ? `${role} is scheduled to start at ${cardDateTime(start)} and end at ${cardDateTime(approvedEnd(record, d))}; nothing is active before then.`
        : `${role} is active for you until ${cardDateTime(approvedEnd(record, d))}.`,
      denied: `${role} was not activated.`,
      canceled: `Nothing was activated. You can ask again any time.`,
      expired: `${role} was not activated. You can ask again.`,
    }[d.outcome];
  }
  return renderCard('approvalStatus', {
    headline,
    detail,
    color: COLOR[d?.outcome ?? 'pending'],
    facts: facts(record).filter((f) => f.title !== 'Requested by'),
    pending: !d,
    requestId: record.requestId,
    surface: record.surface,
    nonce: copy.nonce,
  });
}

/**
 * When an approved activation ends: PIM starts it at the approval (or at the requested start, if
 * later) and runs it for the requested length. The card and the message both say this one instant.
 */
export function approvedEnd(record: ApprovalRecord, decision: RecordedDecision): Date {
  const start = Date.parse(record.request.startDateTime);
  const length = Date.parse(record.request.endDateTime) - start;
  return new Date(Math.max(start, Date.parse(decision.at)) + length);
}

/** Parses the approval cards' templates now, so that the first fan-out does not wait for it. */
export function prepareApprovalCards(): void {
  prepareCards(['approvalRequest', 'approvalStatus']);
}

export function cardFor(record: ApprovalRecord, copy: CardCopy): Attachment {
  return copy.role === 'approver' ? approverCard(record, copy) : requesterCard(record, copy);
}

/** The message the requester gets when the outcome lands: plain text, as the approver's reason is shown in it. */
export function outcomeMessage(record: ApprovalRecord): string {
  return plainMessage(outcomeText(record));
}

function outcomeText(record: ApprovalRecord): string {
  const d = record.decision!;
  const role = record.request.roleName;
  const by = d.by?.displayName;
  const reason = d.justification.trim() ? ` (${d.justification.trim()})` : '';
  switch (d.outcome) {
    case 'approved': {
      const start = new Date(record.request.startDateTime);
      const later = startsLater(start, new Date(d.at));
      const when = later
        ? `It is scheduled to start at ${cardDateTime(start)} and end at ${cardDateTime(new Date(record.request.endDateTime))}; nothing is active before then.`
        : `It is active now, until ${utcDateTime(approvedEnd(record, d))}.`;
      return `${by ?? 'An approver'} approved your request for ${role}${reason}. ${when}`;
    }
    case 'denied':
      return `${by ?? 'An approver'} denied your request for ${role}${reason}. Nothing was activated.`;
    case 'canceled':
      return `Your request for ${role} was cancelled. Nothing was activated.`;
    case 'expired':
      return `Your request for ${role} expired: nobody decided within 24 hours. Nothing was activated; you can ask again.`;
  }
}
