// Finds what a person named among their own eligibilities. Only ever searches the user's list,
// so a name can never reach a role they do not hold. Never guesses: when two candidates are
// about as close as each other, both come back and the user chooses.
import { normalize } from './command';
import { editDistance, typoAllowance } from './fuzzy';
import { MAX_COMMAND_LENGTH } from './limits';
import type { TargetSpec } from './request';

export interface Searchable {
  readonly key: string;
  /** What people call it: the role name, or the group's name for a group. */
  readonly name: string;
  readonly roleName: string;
  readonly scopeName: string;
  /** Other words that identify it (scope kind, surface: "group", "subscription"). */
  readonly aliases?: readonly string[];
}

export type Resolution<T> =
  | { readonly kind: 'one'; readonly choice: T }
  | { readonly kind: 'many'; readonly choices: readonly T[] }
  /** `closest` are the nearest names, for "did you mean". */
  | { readonly kind: 'none'; readonly closest: readonly T[]; readonly scopeMissed?: boolean };

/** How many "did you mean" suggestions to offer. */
const CLOSEST = 3;

export function resolveTarget<T extends Searchable>(target: TargetSpec, choices: readonly T[]): Resolution<T> {
  const byName = matchName(target.role, choices);
  if (!target.scope) return byName;
  const scoped = (list: readonly T[]) => list.filter((c) => scopeMatches(target.scope!, c));
  if (byName.kind === 'one' || byName.kind === 'many') {
    const found = scoped(byName.kind === 'one' ? [byName.choice] : byName.choices);
    if (found.length === 1) return { kind: 'one', choice: found[0]! };
    if (found.length > 1) return { kind: 'many', choices: found };
    // The name was right but not on that scope: the same role elsewhere is the closest.
    const sameName = choices.filter(
      (c) => normalize(c.name) === normalize((byName.kind === 'one' ? byName.choice : byName.choices[0]!).name),
    );
    return { kind: 'none', closest: sameName.slice(0, CLOSEST), scopeMissed: true };
  }
  // "Reader on rg-web" where the role is misspelt beyond repair: the scope alone may still narrow it.
  const onScope = scoped(choices);
  return { kind: 'none', closest: (onScope.length > 0 ? onScope : byName.closest).slice(0, CLOSEST) };
}

/** Picks by name alone; a number picks from the list as shown. */
export function matchName<T extends Searchable>(said: string, choices: readonly T[]): Resolution<T> {
  // A name is never longer than a command; a longer text is nobody's name (and is not compared).
  if (said.length > MAX_COMMAND_LENGTH) return { kind: 'none', closest: [] };
  const wanted = normalize(said);
  if (wanted === '') return { kind: 'none', closest: [] };
  if (/^\d{1,3}$/.test(wanted)) {
    const choice = choices[Number(wanted) - 1];
    return choice ? { kind: 'one', choice } : { kind: 'none', closest: [] };
  }
  const names = (c: T) =>
    [
      c.name,
      c.roleName,
      `${c.roleName} on ${c.scopeName}`,
      `${c.name} (${c.scopeName})`,
      `${c.roleName} (${c.scopeName})`,
      ...(c.aliases ?? []).map((a) => `${c.name} ${a}`),
    ].map(normalize);
  const tiers: Array<(c: T) => boolean> = [
    (c) => normalize(c.name) === wanted,
    (c) => names(c).includes(wanted),
    (c) => names(c).some((n) => n.startsWith(wanted)),
    (c) => wanted.length >= 3 && names(c).some((n) => wordsStartWith(n, wanted)),
    (c) => wanted.length >= 4 && names(c).some((n) => n.includes(wanted)),
  ];
  for (const matches of tiers) {
    const found = uniqueByKey(choices.filter(matches));
    if (found.length === 1) return { kind: 'one', choice: found[0]! };
    if (found.length > 1) return { kind: 'many', choices: found };
  }
  return fuzzy(wanted, choices, names);
}

/** Typos: the nearest names within the allowance; one only when clearly nearer than the next. */
function fuzzy<T extends Searchable>(wanted: string, choices: readonly T[], names: (c: T) => string[]): Resolution<T> {
  const saidWords = wanted.split(' ').length;
  const scored = choices
    .map((choice) => ({ choice, distance: Math.min(...names(choice).map((n) => distanceTo(wanted, n, saidWords))) }))
    .sort((a, b) => a.distance - b.distance);
  const allowed = Math.max(1, typoAllowance(wanted.length));
  const close = scored.filter((s) => s.distance <= allowed);
  if (close.length === 0)
    return {
      kind: 'none',
      closest: scored
        .filter((s) => s.distance <= wanted.length / 2)
        .slice(0, CLOSEST)
        .map((s) => s.choice),
    };
  const [best, second] = close;
  // Two about as close as each other is exactly where a guess goes wrong.
  if (second && second.distance - best!.distance < 2) return { kind: 'many', choices: close.map((s) => s.choice) };
  return { kind: 'one', choice: best!.choice };
}

/** Distance to the whole name, or to as many of its leading words as were said ("globl reader" vs "global reader"). */
function distanceTo(wanted: string, name: string, saidWords = wanted.split(' ').length): number {
  const whole = editDistance(wanted, name, 8);
  const words = name.split(' ');
  const head = words.slice(0, saidWords).join(' ');
  const tail = words.slice(-saidWords).join(' ');
  return Math.min(whole, editDistance(wanted, head, 8) + 1, editDistance(wanted, tail, 8) + 1);
}

function scopeMatches(said: string, choice: Searchable): boolean {
  const wanted = normalize(said);
  const scope = normalize(choice.scopeName);
  if (scope === wanted || scope.startsWith(wanted) || wordsStartWith(scope, wanted)) return true;
  if ((choice.aliases ?? []).some((a) => normalize(a) === wanted)) return true;
  const allowed = typoAllowance(wanted.length);
  return allowed > 0 && editDistance(wanted, scope.split(' (')[0]!, allowed) <= allowed;
}

function wordsStartWith(name: string, wanted: string): boolean {
  return name.split(/[\s(]+/).some((_, i, words) => words.slice(i).join(' ').startsWith(wanted));
}

function uniqueByKey<T extends Searchable>(list: readonly T[]): T[] {
  const seen = new Set<string>();
  return list.filter((c) => (seen.has(c.key) ? false : (seen.add(c.key), true)));
}
