// What the grammar's slots mean: time periods and durations (closed classes, parsed here) and names
// (open classes, resolved against the tenant's own names: a name that is not there stays unknown).
import type { AdminDirectory, RoleRef } from '../../services/admin/model';
import { editDistance, typoAllowance } from '../parsing/fuzzy';
import { MAX_COMMAND_LENGTH } from '../parsing/limits';

export interface Period {
  readonly from: Date;
  readonly to: Date;
  readonly label: string;
}

const NUMBERS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  ten: 10,
  twelve: 12,
  'twenty-four': 24,
};
const UNIT_MINUTES: ReadonlyArray<[RegExp, number]> = [
  [/^(m|min|mins|minute|minutes)$/, 1],
  [/^(h|hr|hrs|hour|hours)$/, 60],
  [/^(d|day|days)$/, 1440],
  [/^(w|week|weeks)$/, 10080],
];

function amount(word: string | undefined): number | undefined {
  if (word === undefined) return undefined;
  if (/^\d{1,4}$/.test(word)) return Number(word);
  return NUMBERS[word];
}

function unitMinutes(word: string | undefined): number | undefined {
  return word === undefined ? undefined : UNIT_MINUTES.find(([re]) => re.test(word))?.[1];
}

/** "1 hour", "an hour", "90 minutes", "2h", "3 days" → minutes. */
export function parseDuration(text: string): number | undefined {
  const words = text.toLowerCase().trim().split(/\s+/);
  const compact = /^(\d{1,4})(m|min|h|hr|d)$/.exec(words.join(''));
  if (compact) return Number(compact[1]) * unitMinutes(compact[2])!;
  if (words.length !== 2) return undefined;
  const n = amount(words[0]);
  const unit = unitMinutes(words[1]);
  return n !== undefined && unit !== undefined && n > 0 ? n * unit : undefined;
}

/** Whether a duration (parseDuration below) can begin with this word: a number, in digits or words. */
export function couldStartDuration(word: string): boolean {
  const w = word.toLowerCase();
  return /^\d/.test(w) || NUMBERS[w] !== undefined;
}

const PERIOD_FIRST_WORDS = new Set([
  'in',
  'during',
  'over',
  'for',
  'from',
  'since',
  'the',
  'today',
  'yesterday',
  'this',
  'last',
  'past',
  'previous',
]);

/** Whether a period (parsePeriod below) can begin with this word; keep in step with parsePeriod. */
export function couldStartPeriod(word: string): boolean {
  const w = word.toLowerCase();
  return PERIOD_FIRST_WORDS.has(w) || amount(w) !== undefined;
}

/** "today", "this week", "yesterday", "last 7 days", "in the past 24 hours", "last week", "this month" (UTC). */
export function parsePeriod(text: string, now: Date): Period | undefined {
  const words = text
    .toLowerCase()
    .trim()
    .replace(/^(in|during|over|for|from|since)\s+/, '')
    .replace(/^the\s+/, '')
    .split(/\s+/);
  const said = words.join(' ');
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const DAY = 86_400_000;
  const monday = day - ((now.getUTCDay() + 6) % 7) * DAY;
  switch (said) {
    case 'today':
      return { from: new Date(day), to: now, label: 'today' };
    case 'yesterday':
      return { from: new Date(day - DAY), to: new Date(day), label: 'yesterday' };
    case 'this week':
      return { from: new Date(monday), to: now, label: 'this week' };
    case 'last week':
      return { from: new Date(monday - 7 * DAY), to: new Date(monday), label: 'last week' };
    case 'this month':
      return { from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), to: now, label: 'this month' };
  }
  const m = /^(?:last|past|previous)\s+(\S+)\s+(\S+)$/.exec(said) ?? /^(\S+)\s+(\S+)\s+ago$/.exec(said);
  if (m) {
    const minutes = (amount(m[1]) ?? 0) * (unitMinutes(m[2]) ?? 0);
    if (minutes > 0) return { from: new Date(now.getTime() - minutes * 60_000), to: now, label: `the last ${m[1]} ${m[2]}` };
  }
  const single = /^(?:last|past)\s+(hour|day|week|month)$/.exec(said);
  if (single) {
    const minutes = single[1] === 'month' ? 30 * 1440 : unitMinutes(single[1])!;
    return { from: new Date(now.getTime() - minutes * 60_000), to: now, label: `the last ${single[1]}` };
  }
  return undefined;
}

/** How a typed name (normalized) compares with a known one: 0 exact, 1 typo-close, undefined not the same name. */
function nameScore(a: string, known: string): number | undefined {
  const b = normalizeName(known);
  if (a === '' || b === '') return undefined;
  if (a === b) return 0;
  const allowed = typoAllowance(b.length);
  return allowed > 0 && editDistance(a, b, allowed) <= allowed ? 1 : undefined;
}

export function normalizeName(text: string): string {
  return text
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\s+role$/, '');
}

function best<T>(typed: string, items: readonly T[], names: (item: T) => readonly string[]): T | undefined {
  // A name is never longer than a command; a longer text is nobody's name (and is not compared).
  if (typed.length > MAX_COMMAND_LENGTH) return undefined;
  const said = normalizeName(typed);
  let found: { item: T; score: number } | undefined;
  for (const item of items) {
    for (const n of names(item)) {
      const score = nameScore(said, n);
      if (score !== undefined && (!found || score < found.score)) found = { item, score };
    }
  }
  return found?.item;
}

/** A common short name people use for a role. */
const ROLE_ALIASES: Readonly<Record<string, string>> = {
  ga: 'global administrator',
  'global admin': 'global administrator',
  pra: 'privileged role administrator',
  'user admin': 'user administrator',
  'security admin': 'security administrator',
};

export type Resolved<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly text: string };

/** A role name (Entra role, or "member"/"owner" of a PIM group) → RoleRef; Azure roles need a scope. */
export function resolveRole(
  text: string,
  scopeText: string | undefined,
  dir: AdminDirectory,
): Resolved<RoleRef> | { ok: false; text: string; azure: true; unknownScope: boolean } {
  // Names longer than a command are nobody's: not even normalized (best() refuses them).
  const typed = text.length > MAX_COMMAND_LENGTH ? text : (ROLE_ALIASES[normalizeName(text)] ?? text);
  if (scopeText !== undefined) {
    const scope = best(scopeText, dir.azureScopes, (s) => [s.name]);
    const role = best(typed, dir.azureRoles, (r) => [r.name]);
    if (scope && role)
      return {
        ok: true,
        value: { surface: 'azureResource', scopeId: scope.id, scopeName: scope.name, roleDefinitionId: role.id, roleName: role.name },
      };
    return scope ? { ok: false, text, azure: true, unknownScope: false } : { ok: false, text: scopeText, azure: true, unknownScope: true };
  }
  if (text.length > MAX_COMMAND_LENGTH) return { ok: false, text };
  const role = best(typed, dir.roles, (r) => [r.name]);
  if (role) return { ok: true, value: { surface: 'entraRole', roleId: role.id, roleName: role.name } };
  // "SRE On-Call", "owners of SRE On-Call", "SRE On-Call owner"
  // Spaces collapsed first: on a long run of them these patterns would retry from every one.
  const said = text.trim().replace(/\s+/g, ' ');
  const owner = /^(?:owners? of (.+)|(.+?) owners?)$/i.exec(said);
  const groupText = owner ? (owner[1] ?? owner[2]!) : said.replace(/^members? of /i, '').replace(/ members?$/i, '');
  const group = best(groupText, dir.groups, (g) => [g.name]);
  if (group)
    return { ok: true, value: { surface: 'group', groupId: group.id, groupName: group.name, accessId: owner ? 'owner' : 'member' } };
  return { ok: false, text };
}

/** A person: display name, first name or user principal name; "me"/"I" is the asker. */
export function resolveUser(text: string, askerId: string, dir: AdminDirectory): Resolved<{ id: string; name: string }> {
  if (text.length > MAX_COMMAND_LENGTH) return { ok: false, text };
  const t = normalizeName(text);
  if (['me', 'i', 'myself'].includes(t)) return { ok: true, value: { id: askerId, name: 'you' } };
  const byFull = best(text, dir.users, (u) => [u.name, u.userPrincipalName]);
  if (byFull) return { ok: true, value: { id: byFull.id, name: byFull.name } };
  // A first name or the part of the UPN before '@', when it names exactly one person.
  const short = dir.users.filter(
    (u) => normalizeName(u.name.split(' ')[0] ?? '') === t || normalizeName(u.userPrincipalName.split('@')[0] ?? '') === t,
  );
  if (short.length === 1) return { ok: true, value: { id: short[0]!.id, name: short[0]!.name } };
  return { ok: false, text };
}

const ALERT_WORDS: ReadonlyArray<[RegExp, string]> = [
  [/global admin|too many/i, 'TooManyGlobalAdminsAssignedToTenantAlert'],
  [/outside (of )?(pim|privileged identity management)/i, 'RolesAssignedOutsidePimAlert'],
  [/mfa|multi-?factor/i, 'NoMfaOnRoleActivationAlert'],
  [/not using|unused|redundant/i, 'RedundantAssignmentAlert'],
  [/too frequent|frequently|sequential|renewals?/i, 'SequentialActivationRenewalsAlert'],
  [/stale/i, 'StaleSignInAlert'],
  [/licen[cs]e/i, 'InvalidLicenseAlert'],
];

/** An alert by its displayed name or a key phrase of it ("global admins", "outside PIM", "MFA"). */
export function resolveAlert(text: string, dir: AdminDirectory): Resolved<{ id: string; name: string }> {
  if (text.length > MAX_COMMAND_LENGTH) return { ok: false, text };
  const byName = best(text, dir.alerts, (a) => [a.name]);
  if (byName) return { ok: true, value: byName };
  const key = ALERT_WORDS.find(([re]) => re.test(text))?.[1];
  const byKey = key ? dir.alerts.find((a) => a.id.endsWith(`_${key}`)) : undefined;
  return byKey ? { ok: true, value: byKey } : { ok: false, text };
}
