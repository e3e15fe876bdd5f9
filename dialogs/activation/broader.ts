// Least privilege: when the user names a scope where they are not eligible, the same role elsewhere is
// offered with plain words for how it compares ("the whole subscription Contoso Prod — wider than
// rg-web"), and only on a button: a wider grant is never chosen for them.
import type { RoleChoice } from '../roleChoice';

const KIND_WORDS: Readonly<Record<string, string>> = {
  managementGroup: 'the whole management group',
  subscription: 'the whole subscription',
  resourceGroup: 'the whole resource group',
  resource: 'the resource',
  directory: 'the whole directory',
};

function scopeIdOf(key: string): string {
  const parts = key.split('|');
  return parts.slice(1, -1).join('|').toLowerCase();
}

/** The scope the person named, when one of their eligibilities lives there (its id tells what contains it). */
function namedScopeId(said: string, choices: readonly RoleChoice[]): string | undefined {
  const wanted = said.trim().toLowerCase();
  const at = choices.find((c) => c.scopeName.toLowerCase() === wanted || c.scopeName.toLowerCase().startsWith(`${wanted} (`));
  return at ? scopeIdOf(at.key) : undefined;
}

/** One line per alternative, saying plainly whether it is wider than what was asked for. */
export function describeAlternatives(
  role: string,
  saidScope: string,
  alternatives: readonly RoleChoice[],
  choices: readonly RoleChoice[],
): string {
  const named = namedScopeId(saidScope, choices);
  const lines = alternatives.map((c) => {
    const id = scopeIdOf(c.key);
    const kind = c.scopeKind ? KIND_WORDS[c.scopeKind] : undefined;
    const where = `${c.roleName} on ${kind ? `${kind} ` : ''}${c.scopeName}`;
    const wider = named !== undefined && named !== id && (named.startsWith(`${id}/`) || id === '/');
    return wider ? `${where} — wider than ${saidScope}` : `${where}, not ${saidScope}`;
  });
  const anyWider = lines.some((l) => l.includes(' — wider than '));
  return `You're not eligible for ${role} on "${saidScope}". You can have: ${lines.join('; ')}.${anyWider ? ' That is more access than you asked for: pick it only if you need it.' : ' Pick it only if that is what you need.'}`;
}
