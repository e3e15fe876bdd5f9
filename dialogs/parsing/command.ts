// What a typed message asks for: a verb and the rest of the sentence (as typed, so a ticket number
// or justification keeps its case). The rest of an "activate" is read by the grammar in request.ts.
import { isKeyword } from './fuzzy';
import { MAX_COMMAND_LENGTH } from './limits';
import { splitVerb } from './request';
import { trimEnd } from './tokens';

export type Command =
  | { readonly kind: 'welcome' }
  /** roleName: everything after the verb ("reader on rg-web for 30m because deploy"). */
  | { readonly kind: 'activate'; readonly roleName?: string }
  | { readonly kind: 'myRoles' }
  | { readonly kind: 'deactivate'; readonly roleName?: string }
  | { readonly kind: 'extend'; readonly roleName?: string }
  | { readonly kind: 'cancel' }
  /** Longer than any command (limits.ts): not read at all. */
  | { readonly kind: 'tooLong' }
  | { readonly kind: 'unknown' };

const WELCOME = new Set(['hi', 'hello', 'hey', 'help', 'start', '?', 'what can you do']);
const MY_ROLES = new Set([
  'my roles',
  'my access',
  'roles',
  'access',
  'status',
  'show my roles',
  'show my access',
  'my requests',
  'requests',
  'pending',
  'my pending requests',
  'what do i have',
  'what is active',
]);
const CANCEL = new Set(['cancel', 'stop', 'quit', 'never mind', 'nevermind', 'abort']);

export function normalize(text: string): string {
  return trimEnd(text.trim().toLowerCase(), /^[.!]$/).replace(/\s+/g, ' ');
}

export function parseCommand(text: string): Command {
  if (text.trim().length > MAX_COMMAND_LENGTH) return { kind: 'tooLong' };
  const said = normalize(text);
  if (WELCOME.has(said)) return { kind: 'welcome' };
  if (MY_ROLES.has(said)) return { kind: 'myRoles' };
  if (isCancel(said)) return { kind: 'cancel' };
  const [first = '', ...rest] = said.split(' ');
  const tail = () => {
    const name = text
      .trim()
      .split(/\s+/)
      .slice(1)
      .join(' ')
      .replace(/^(?:the|my)\s+/i, '')
      .trim();
    return name ? { roleName: name } : {};
  };
  if ((first.startsWith('de') && isKeyword(first, 'deactivate')) || (first === 'end' && rest.length > 0))
    return { kind: 'deactivate', ...tail() };
  if (isKeyword(first, 'extend') || first === 'renew') return { kind: 'extend', ...tail() };
  const verb = splitVerb(text);
  if (verb.verb) {
    const roleName = verb.rest.replace(/^(?:the|my)\s+/i, '').trim();
    return roleName ? { kind: 'activate', roleName } : { kind: 'activate' };
  }
  // "for 2h activate sre on-call": the verb later in the sentence; the grammar skips it there.
  if (rest.some((w) => !w.startsWith('de') && isKeyword(w, 'activate'))) return { kind: 'activate', roleName: text.trim() };
  return { kind: 'unknown' };
}

export function isCancel(text: string): boolean {
  return text.trim().length <= MAX_COMMAND_LENGTH && CANCEL.has(normalize(text));
}
