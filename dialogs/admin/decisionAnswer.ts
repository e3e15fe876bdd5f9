// "Who approved alice's last request": her most recent request, and what became of it, in one sentence.
// The time is written out as the message is sent (plainMessage): in the asker's zone, else in UTC.
import { cardDateTime } from '../../cards/format';
import type { ActivityEntry } from '../../services/admin/model';

const OWN_KINDS = new Set<ActivityEntry['kind']>(['request', 'activation', 'approval', 'denial', 'cancellation']);

/** `how` says how the decider proved themselves (" with MFA"), or '' when nothing was recorded. */
export function decisionAnswer(
  entries: readonly ActivityEntry[],
  person: { readonly id: string; readonly name: string },
  askerId: string,
  how: (decision: ActivityEntry) => string = () => '',
): string {
  const id = person.id.toLowerCase();
  const self = id === askerId.toLowerCase();
  const name = self ? 'You' : person.name;
  const theirs = self ? 'your' : `${person.name}'s`;
  const about = (e: ActivityEntry) => (e.subject ?? e.actor)?.id.toLowerCase() === id;
  const latest = [...entries]
    .filter((e) => OWN_KINDS.has(e.kind) && e.requestId && about(e))
    .sort((a, b) => b.at.getTime() - a.at.getTime())[0];
  if (!latest) return `${name} made no request in the last 30 days that I can see.`;
  const same = entries.filter((e) => e.requestId?.toLowerCase() === latest.requestId!.toLowerCase());
  const role = latest.roleName || 'a role';
  const decided = same.find((e) => (e.kind === 'approval' || e.kind === 'denial') && e.source === 'audit');
  const reason = decided?.justification?.trim() ? `: ${decided.justification.trim()}` : '.';
  if (decided) {
    const by = decided.actor?.displayName && decided.actor.id.toLowerCase() !== id ? decided.actor.displayName : 'An approver';
    const verified = how(decided);
    return `${by}${verified ? ` (verified${verified})` : ''} ${decided.kind === 'approval' ? 'approved' : 'denied'} ${theirs} last request, for ${role} (${cardDateTime(decided.at)})${reason}`;
  }
  if (same.some((e) => e.kind === 'cancellation')) return `Nobody decided ${theirs} last request, for ${role}: it was cancelled.`;
  if (same.some((e) => e.kind === 'denial')) return `${capitalize(theirs)} last request, for ${role}, was denied.`;
  if (
    same.some((e) => e.kind === 'request' && e.result === 'pending') ||
    (latest.kind === 'request' && !same.some((e) => e.kind === 'activation'))
  ) {
    return `Nobody has decided ${theirs} last request, for ${role}, yet: it is waiting for approval.`;
  }
  return `${capitalize(theirs)} last request, for ${role}, needed no approval: it was activated at once.`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
