// The approval cards, rendered from the record alone: every copy of one request shows the same truth
// because they are all drawn from the same stored decision.
import type { Attachment } from 'botbuilder';
import { cardDateTime, cardTime, formatDuration, startsLater, zonedDateTime } from '../format';
import type { TimeFormatter } from '../localTime';
import { plainMessage } from '../plainText';
import { prepareCards, renderCard } from '../render';
import { verificationPhrase } from './approverStepUp';
import { approverNames } from '../../services/approvals/approvers';
import { MAX_HELD_ACCESS } from '../../services/approvals/context';
import type { ApprovalRecord, CardCopy, RecordedDecision } from '../../services/approvals/record';
import { outcomeTitle, TITLE_COLOR } from '../status';

/** The start the requester asked for, when it is not the moment of the request. */
function scheduledStart(record: ApprovalRecord): Date | undefined {
  const start = new Date(record.request.startDateTime);
  return startsLater(start, new Date(record.request.createdDateTime)) ? start : undefined;
}

/** The request's own facts (what, where, how long, why, until when PIM holds it): the requester's card shows these. */
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
    ...(start
      ? [
          { title: 'Starts', value: zonedDateTime(start) },
          { title: 'Ends', value: zonedDateTime(new Date(r.endDateTime)) },
        ]
      : []),
    { title: 'Justification', value: r.justification ?? '(none)' },
    ...(r.ticket ? [{ title: 'Ticket', value: r.ticket }] : []),
    { title: 'Requested', value: cardDateTime(new Date(r.createdDateTime)) },
    // Once decided, when PIM would have dropped the request is beside the point (and reads like the access's end).
    ...(record.decision ? [] : [{ title: 'Expires', value: cardDateTime(new Date(record.expiresAt)) }]),
  ];
}

/**
 * What an approver checks, in the order they check it: who asks (and where they sit in the directory),
 * for what (in words, what it allows, whether Microsoft marks it privileged), when, why, who else can
 * decide and until when. A record written before the context was read shows what it has.
 */
function approverFacts(record: ApprovalRecord, copy: CardCopy) {
  const r = record.request;
  const minutes = (Date.parse(r.endDateTime) - Date.parse(r.startDateTime)) / 60_000;
  const start = scheduledStart(record);
  const profile = record.context?.requester;
  const role = record.context?.role;
  const others = record.approvers.filter((a) => a.id !== copy.userId);
  return [
    { title: 'Requested by', value: record.requester.displayName ?? record.requester.id },
    ...(profile?.jobTitle ? [{ title: 'Job title', value: profile.jobTitle }] : []),
    ...(profile?.department ? [{ title: 'Department', value: profile.department }] : []),
    ...(profile?.manager ? [{ title: 'Manager', value: profile.manager }] : []),
    { title: 'Asks for', value: whatInWords(record) },
    { title: 'Scope', value: scopeInWords(record) },
    ...(role?.description ? [{ title: 'Allows', value: clip(role.description, MAX_DESCRIPTION) }] : []),
    ...(role?.privileged !== undefined
      ? [{ title: 'Privileged role', value: role.privileged ? 'Yes: Microsoft marks this role privileged' : 'No' }]
      : []),
    // "Now" only when it is now: a scheduled request starts and ends at its times, another runs from its approval.
    ...(start
      ? [
          { title: 'Starts', value: zonedDateTime(start) },
          { title: 'Ends', value: zonedDateTime(new Date(r.endDateTime)) },
        ]
      : [{ title: 'When', value: `From its approval until ${formatDuration(minutes)} later` }]),
    { title: 'Duration', value: formatDuration(minutes) },
    { title: 'Justification', value: r.justification ?? '(none)' },
    ...(r.ticket ? [{ title: 'Ticket', value: r.ticket }] : []),
    // The channel copy is read by everyone in the channel: it names who may decide, not who else.
    copy.role === 'channel'
      ? { title: 'Who can decide', value: namedApprovers(record.approvers) }
      : { title: 'Also can decide', value: othersInWords(others) },
    { title: 'Requested', value: cardDateTime(new Date(r.createdDateTime)) },
    ...(record.decision ? [] : [{ title: 'Expires', value: `${cardDateTime(new Date(record.expiresAt))} (PIM drops the request then)` }]),
  ];
}

const MAX_DESCRIPTION = 300;
/** A big approver group is named by its first few; the card must stay small. */
const MAX_OTHERS_NAMED = 5;

function othersInWords(others: ApprovalRecord['approvers']): string {
  if (others.length === 0) return 'Nobody else: only you';
  if (others.length <= MAX_OTHERS_NAMED) return approverNames(others);
  return `${others
    .slice(0, MAX_OTHERS_NAMED)
    .map((a) => a.displayName ?? 'an approver')
    .join(', ')} and ${others.length - MAX_OTHERS_NAMED} more`;
}

/** "Bob Brown, Dave Diaz" (the first few of a big group, then "and 7 more"): everyone who may decide. */
function namedApprovers(approvers: ApprovalRecord['approvers']): string {
  if (approvers.length === 0) return 'an approver named in PIM';
  const named = approvers
    .slice(0, MAX_OTHERS_NAMED)
    .map((a) => a.displayName ?? 'an approver')
    .join(', ');
  return approvers.length > MAX_OTHERS_NAMED ? `${named} and ${approvers.length - MAX_OTHERS_NAMED} more` : named;
}

/** The channel copy's line under the headline: anyone in the channel sees it, only approvers may click. */
export function channelDeciders(record: Pick<ApprovalRecord, 'approvers'>): string {
  return `Only the approvers of this request can decide: ${namedApprovers(record.approvers)}.`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** "User Administrator", "Owner of SRE On-Call", "Contributor on Contoso Prod": the headline's words. */
export function requestedAccess(record: Pick<ApprovalRecord, 'surface' | 'request'>): string {
  const r = record.request;
  switch (record.surface) {
    case 'entraRole':
      return r.roleName;
    case 'group':
      return `${r.roleName} of ${r.scopeName}`;
    case 'azureResource':
      return `${r.roleName} on ${r.scopeName}`;
  }
}

/** "Entra role User Administrator", "Owner of the PIM group SRE On-Call", "Azure role Contributor". */
function whatInWords(record: ApprovalRecord): string {
  const r = record.request;
  switch (record.surface) {
    case 'entraRole':
      return `Entra role ${r.roleName}`;
    case 'group':
      return `${r.roleName} of the PIM group ${r.scopeName}`;
    case 'azureResource':
      return `Azure role ${r.roleName}`;
  }
}

/** The scope as an approver reads it: "Directory (the whole tenant)", "Subscription Contoso Prod", "Resource group rg-web". */
export function scopeInWords(record: Pick<ApprovalRecord, 'surface' | 'request'>): string {
  const { scopeId, scopeName } = record.request;
  if (record.surface === 'group') return `Group ${scopeName} (its members or owners)`;
  if (record.surface === 'entraRole') {
    if (scopeId === '/' || scopeId === '') return 'Directory (the whole tenant)';
    return /^\/administrativeUnits\//i.test(scopeId) ? `Administrative unit ${scopeName}` : `Directory object ${scopeName}`;
  }
  const parts = scopeId.split('/').filter(Boolean);
  const kind = parts.length >= 2 ? parts[parts.length - 2]!.toLowerCase() : '';
  if (kind === 'subscriptions') return `Subscription ${scopeName}`;
  if (kind === 'resourcegroups') return `Resource group ${scopeName}`;
  if (kind === 'managementgroups') return `Management group ${scopeName}`;
  return `Resource ${scopeName}`;
}

/** The requester's active access as the card lists it, capped (the rest as a count). */
function heldLines(record: ApprovalRecord): Array<{ line: string }> {
  const held = record.context?.activeAccess ?? [];
  const lines = held
    .slice(0, MAX_HELD_ACCESS)
    .map((h) => ({ line: `${h.name}: ${h.endDateTime ? `until ${cardDateTime(new Date(h.endDateTime))}` : 'permanent'}` }));
  if (held.length > MAX_HELD_ACCESS) lines.push({ line: `and ${held.length - MAX_HELD_ACCESS} more` });
  return lines;
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

/**
 * " Bob Brown was verified with MFA (signed in at 10:01)." after a decision whose approver proved
 * themselves (issue 20); "" for a session-only decision, one found at PIM, or a record from before.
 * Its own sentence, after the decision line, so that line reads as it always did.
 */
export function verificationNote(decision: RecordedDecision, withTime = true): string {
  const how = verificationPhrase(decision.verifiedBy);
  if (!how || !decision.by) return '';
  const at = withTime && decision.verifiedBy?.authTime ? ` (signed in at ${cardTime(new Date(decision.verifiedBy.authTime))})` : '';
  return ` ${decision.by.displayName ?? 'The approver'} was verified${how}${at}.`;
}

/** `error`: why the last click was refused (a deny without a reason), shown on the card itself. */
export function approverCard(record: ApprovalRecord, copy: CardCopy, error?: string): Attachment {
  const pending = !record.decision;
  const history = record.recentActivations.map((a) => ({
    line: `${cardDateTime(new Date(a.startDateTime))} · ${formatDuration((Date.parse(a.endDateTime) - Date.parse(a.startDateTime)) / 60_000)}`,
  }));
  const who = record.requester.displayName ?? 'Someone';
  const what = requestedAccess(record);
  const scheduled = scheduledStart(record);
  const held = record.context?.activeAccess;
  return renderCard('approvalRequest', {
    headline: outcomeTitle(
      record.decision?.outcome ?? 'pending',
      pending ? `${who} asks for ${what}` : decisionLine(record.decision!, record),
    ),
    detail: pending
      ? `${copy.role === 'channel' ? `${channelDeciders(record)} ` : ''}${scheduled ? `The access would start ${cardDateTime(scheduled)}, not now. ` : ''}Approve or deny before ${cardDateTime(new Date(record.expiresAt))}; PIM drops the request after 24 hours. A reason is required to deny.`
      : `${who}'s request for ${what}.${verificationNote(record.decision!)}`,
    color: TITLE_COLOR,
    error: pending && error ? error : '',
    facts: approverFacts(record, copy),
    historyTitle: record.historyUnknown
      ? ''
      : history.length > 0
        ? `${who}'s recent activations of this role`
        : `No earlier activations of this role by ${who}`,
    showHistory: !record.historyUnknown,
    history,
    showHeld: held !== undefined,
    heldTitle: held && held.length > 0 ? `${who}'s active access now` : `${who} holds no other active access now`,
    held: heldLines(record),
    pending,
    requestId: record.requestId,
    surface: record.surface,
    nonce: copy.nonce,
  });
}

export function requesterCard(record: ApprovalRecord, copy: CardCopy): Attachment {
  const d = record.decision;
  const role = requestedAccess(record);
  const names = approverNames(record.approvers);
  const start = scheduledStart(record);
  let headline: string;
  let detail: string;
  if (!d) {
    headline = `${role} is waiting for approval`;
    detail = `Waiting for approval from ${names}. I'll tell you the moment they decide. PIM drops the request if nobody decides by ${cardDateTime(new Date(record.expiresAt))}.`;
  } else {
    headline = decisionLine(d, record);
    detail =
      {
        approved:
          start && startsLater(start, new Date(d.at))
            ? `${role} is scheduled to start at ${cardDateTime(start)} and end at ${cardDateTime(approvedEnd(record, d))}; nothing is active before then.`
            : `${role} is active for you until ${cardDateTime(approvedEnd(record, d))}.`,
        denied: `${role} was not activated. ${nextAfterDenial(d)}`,
        canceled: `Nothing was activated. You can ask again any time.`,
        expired: `${role} was not activated. You can ask again.`,
      }[d.outcome] + verificationNote(d);
  }
  return renderCard('approvalStatus', {
    headline: outcomeTitle(d?.outcome ?? 'pending', headline),
    detail,
    color: TITLE_COLOR,
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
  return copy.role === 'requester' ? requesterCard(record, copy) : approverCard(record, copy);
}

/** The message the requester gets when the outcome lands: plain text, as the approver's reason is shown in it. */
export function outcomeMessage(record: ApprovalRecord, times?: TimeFormatter): string {
  return plainMessage(outcomeText(record), times);
}

function outcomeText(record: ApprovalRecord): string {
  const d = record.decision!;
  const role = requestedAccess(record);
  const by = d.by?.displayName;
  const reason = d.justification.trim() ? ` (${d.justification.trim()})` : '';
  switch (d.outcome) {
    case 'approved': {
      const start = new Date(record.request.startDateTime);
      const later = startsLater(start, new Date(d.at));
      const when = later
        ? `It is scheduled to start at ${cardDateTime(start)} and end at ${cardDateTime(new Date(record.request.endDateTime))}; nothing is active before then.`
        : `It is active now, until ${cardDateTime(approvedEnd(record, d))}.`;
      return `${by ?? 'An approver'} approved your request for ${role}${reason}. ${when}${verificationNote(d, false)}`;
    }
    case 'denied':
      return `${by ?? 'An approver'} denied your request for ${role}${reason}. Nothing was activated. ${nextAfterDenial(d)}${verificationNote(d, false)}`;
    case 'canceled':
      return `Your request for ${role} was cancelled. Nothing was activated.`;
    case 'expired':
      return `Your request for ${role} expired: nobody decided within 24 hours. Nothing was activated; you can ask again.`;
  }
}

/** What the requester can do after a denial: ask the one who denied, or ask again with more to go on. */
function nextAfterDenial(d: RecordedDecision): string {
  const by = d.by?.displayName;
  return by ? `What next: ask ${by}, or request again with more detail.` : 'What next: ask an approver, or request again with more detail.';
}
