// Admin answers in words: one sentence per audit or request entry ("Alice Adams activated Global
// Reader for 2 hours (justification: …)", "Dave Diaz denied Alice Adams's request for User
// Administrator: not now"), and one per active assignment. Names only: an entry whose person the
// directory could not name says "someone" rather than showing an object id.
import { cardDateTime, formatDuration } from '../../cards/format';
import type { ActiveAccess, ActivityEntry, PrincipalRef } from '../../services/admin/model';
import type { Surface } from '../../services/pim/model';

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A person as a sentence names them: "You" for the asker, their name, never an object id. */
function who(p: PrincipalRef | null, selfId: string | undefined): string {
  if (!p) return 'Someone';
  if (selfId && p.id.toLowerCase() === selfId.toLowerCase()) return 'You';
  const name = p.displayName.trim();
  if (name === '' || OBJECT_ID.test(name)) return p.kind === 'group' ? 'a group' : p.kind === 'servicePrincipal' ? 'an app' : 'Someone';
  return p.kind === 'group' ? `the group ${name}` : name;
}

function whose(p: PrincipalRef | null, selfId: string | undefined): string {
  const name = who(p, selfId);
  if (name === 'You') return 'your';
  if (name === 'Someone') return "someone's";
  return `${name}'s`;
}

/** Mid-sentence: "You" and "Someone" in lower case. */
function lower(name: string): string {
  return name === 'You' || name === 'Someone' ? name.toLowerCase() : name;
}

export function activitySentence(e: ActivityEntry, selfId?: string): string {
  const subject = e.subject ?? e.actor;
  const actor = e.actor ?? e.subject;
  const role = e.roleName || 'a role';
  const span = e.durationMinutes ? ` for ${formatDuration(e.durationMinutes)}` : '';
  const text = e.justification?.trim() ?? '';
  const why = text ? ` (justification: ${text})` : '';
  const reason = text ? `: ${text}` : '';
  const failed = e.result === 'failure' && e.kind !== 'denial' && e.kind !== 'cancellation' ? ' (it did not go through)' : '';
  const sameActor = !e.actor || !e.subject || e.actor.id.toLowerCase() === e.subject.id.toLowerCase();
  switch (e.kind) {
    case 'activation':
      return `${who(subject, selfId)} activated ${role}${span}${why}${failed}`;
    case 'request':
      return `${who(subject, selfId)} asked for ${role}${span}${why}${e.result === 'pending' ? ', waiting for approval' : failed}`;
    case 'approval':
      return `${who(actor, selfId)} approved ${lower(whose(subject, selfId))} request for ${role}${reason}`;
    case 'denial':
      // A request PIM lists as denied says nothing of who denied it.
      return e.source === 'requests' || sameActor
        ? `${capitalize(whose(subject, selfId))} request for ${role} was denied${reason}`
        : `${who(actor, selfId)} denied ${lower(whose(subject, selfId))} request for ${role}${reason}`;
    case 'cancellation':
      return sameActor
        ? `${who(subject, selfId)} cancelled ${who(subject, selfId) === 'You' ? 'your' : 'their'} request for ${role}`
        : `${who(actor, selfId)} cancelled ${lower(whose(subject, selfId))} request for ${role}`;
    case 'deactivation':
      if (/expired/i.test(e.description)) return `${capitalize(whose(subject, selfId))} ${role} expired`;
      return sameActor
        ? `${who(subject, selfId)} deactivated ${role}${failed}`
        : `${who(actor, selfId)} deactivated ${role} for ${lower(who(subject, selfId))}${failed}`;
    case 'assignment':
      return `${who(actor, selfId)} assigned ${role} to ${lower(who(subject, selfId))}${/permanent/i.test(e.description) ? ' permanently' : ''}${failed}`;
    case 'removal':
      return `${who(actor, selfId)} removed ${lower(who(subject, selfId))} from ${role}${failed}`;
    default:
      return `${e.description} (${role})`;
  }
}

/** "Activated until 14:00" / "Assigned, permanent" / "Assigned outside PIM, permanent". */
export function howHeld(a: Pick<ActiveAccess, 'assignmentType' | 'outsidePim' | 'viaGroup' | 'until'>): string {
  const how = a.outsidePim ? 'Assigned outside PIM' : a.assignmentType === 'activated' ? 'Activated' : 'Assigned';
  const until = a.until ? `until ${cardDateTime(a.until)}` : 'permanent';
  return `${how}${a.viaGroup ? ' through a group' : ''}, ${until}`;
}

const HELD_WHERE: Readonly<Record<Surface, (scopeName: string) => string>> = {
  entraRole: () => '',
  group: (scopeName) => ` of ${scopeName}`,
  azureResource: (scopeName) => ` on ${scopeName}`,
};

/** "Alice Adams · User Administrator (Directory)": who holds what, where. */
export function accessSentence(a: ActiveAccess): string {
  const where = HELD_WHERE[a.surface](a.scopeName);
  return `${who(a.principal, undefined)} holds ${a.roleName}${where}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
