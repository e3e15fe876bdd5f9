// What a typed message asks for: a verb and the rest of the sentence (as typed, so a ticket number
// or justification keeps its case). The rest of an "activate" is read by the grammar in request.ts.
import { isKeyword } from './fuzzy';
import { splitVerb } from './request';

export type Command =
  | { readonly kind: 'welcome' }
  /** roleName: everything after the verb ("reader on rg-web for 30m because deploy"). */
  | { readonly kind: 'activate'; readonly roleName?: string }
  | { readonly kind: 'myRoles' }
  | { readonly kind: 'deactivate'; readonly roleName?: string }
  | { readonly kind: 'extend'; readonly roleName?: string }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'unknown' };

const WELCOME = new Set(['hi', 'hello', 'hey', 'help', 'start', '?', 'what can you do']);
const MY_ROLES = new Set([
  'my roles', 'my access', 'roles', 'access', 'status', 'show my roles', 'show my access',
  'my requests', 'requests', 'pending', 'my pending requests', 'what do i have', 'what is active',
]);
const CANCEL = new Set(['cancel', 'stop', 'quit', 'never mind', 'nevermind', 'abort']);

export function normalize(text: string): string {
  return text.trim().toLowerCase().replace(/[.!]+$/, '').replace(/\s+/g, ' ');
}

export function parseCommand(text: string): Command {
  const said = normalize(text);
  if (WELCOME.has(said)) return { kind: 'welcome' };
  if (MY_ROLES.has(said)) return { kind: 'myRoles' };
  if (isCancel(said)) return { kind: 'cancel' };
  const [first = '', ...rest] = said.split(' ');
  const tail = () => {
    const name = text.trim().split(/\s+/).slice(1).join(' ').replace(/^(?:the|my)\s+/i, '').trim();
    return name ? { roleName: name } : {};
  };
  if ((first.startsWith('de') && isKeyword(first, 'deactivate')) || (first === 'end' && rest.length > 0)) return { kind: 'deactivate', ...tail() };
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
  return CANCEL.has(normalize(text));
}
