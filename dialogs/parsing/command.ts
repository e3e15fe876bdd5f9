// What a typed message asks for. Deliberately small: a few verbs and an optional role name.

export type Command =
  | { readonly kind: 'welcome' }
  | { readonly kind: 'activate'; readonly roleName?: string }
  | { readonly kind: 'myRoles' }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'unknown' };

const WELCOME = new Set(['hi', 'hello', 'hey', 'help', 'start', '?', 'what can you do']);
const MY_ROLES = new Set(['my roles', 'my access', 'roles', 'access', 'status', 'show my roles', 'show my access']);
const CANCEL = new Set(['cancel', 'stop', 'quit', 'never mind', 'nevermind', 'abort']);

export function normalize(text: string): string {
  return text.trim().toLowerCase().replace(/[.!]+$/, '').replace(/\s+/g, ' ');
}

export function parseCommand(text: string): Command {
  const said = normalize(text);
  if (WELCOME.has(said)) return { kind: 'welcome' };
  if (MY_ROLES.has(said)) return { kind: 'myRoles' };
  if (isCancel(said)) return { kind: 'cancel' };
  const activate = /^(?:please )?activate(?: (?:the |my )?(.+?))?(?: role)?$/.exec(said);
  if (activate) {
    const roleName = activate[1]?.trim();
    return roleName ? { kind: 'activate', roleName } : { kind: 'activate' };
  }
  return { kind: 'unknown' };
}

export function isCancel(text: string): boolean {
  return CANCEL.has(normalize(text));
}
