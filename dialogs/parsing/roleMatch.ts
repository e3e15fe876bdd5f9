// Finds the role a person named among their own eligibilities. Only ever searches the user's
// list, so a name can never reach a role they do not hold.
import { normalize } from './command';

export interface Named {
  readonly roleName: string;
  readonly scopeName: string;
}

export type RoleMatch<T> =
  | { readonly kind: 'one'; readonly choice: T }
  | { readonly kind: 'many'; readonly choices: readonly T[] }
  | { readonly kind: 'none' };

export function matchRole<T extends Named>(said: string, choices: readonly T[]): RoleMatch<T> {
  const wanted = normalize(said);
  if (wanted === '') return { kind: 'none' };

  // "2" picks the second role of the list as shown.
  if (/^\d{1,3}$/.test(wanted)) {
    const choice = choices[Number(wanted) - 1];
    return choice ? { kind: 'one', choice } : { kind: 'none' };
  }

  const tiers: Array<(c: T) => boolean> = [
    (c) => normalize(c.roleName) === wanted,
    (c) => normalize(`${c.roleName} on ${c.scopeName}`) === wanted || normalize(`${c.roleName} (${c.scopeName})`) === wanted,
    (c) => normalize(c.roleName).startsWith(wanted),
    (c) => wanted.length >= 3 && normalize(c.roleName).includes(wanted),
  ];
  for (const matches of tiers) {
    const found = choices.filter(matches);
    if (found.length === 1) return { kind: 'one', choice: found[0]! };
    if (found.length > 1) return { kind: 'many', choices: found };
  }
  return { kind: 'none' };
}
