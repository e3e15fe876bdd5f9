// The admin questions as one small grammar: a pattern language (words, (alternatives), [optional parts],
// {slots}) compiled once into a small graph, and a matcher over the sentence's tokens that remembers what it
// has tried, so a hostile sentence costs time linear in its length. Slots capture the words
// between the fixed ones; closed slots (period, duration) must parse where they stand, open ones (names)
// are resolved against the tenant's names afterwards, so an unknown name is reported as such.
import { isKeyword } from '../parsing/fuzzy';
import { MAX_COMMAND_LENGTH } from '../parsing/limits';
import { tokenize, trimEnd } from '../parsing/tokens';
import { couldStartDuration, couldStartPeriod, parseDuration, parsePeriod } from './slots';

export type Intent =
  | 'holders'
  | 'eligible'
  | 'pending'
  | 'activity'
  | 'alerts'
  | 'incidents'
  | 'rescan'
  | 'settings'
  | 'activeNow'
  | 'decisions'
  | 'whoDecided';
export type SlotName = 'role' | 'scope' | 'subject' | 'user' | 'alert' | 'period' | 'duration';

export interface Parse {
  readonly intent: Intent;
  /** Slot texts as typed (original spelling). */
  readonly slots: Readonly<Partial<Record<SlotName, string>>>;
}

type Element = { kind: 'words'; alternatives: string[][] } | { kind: 'slot'; name: SlotName } | { kind: 'optional'; sequence: Element[] };

/** Patterns per intent, tried in order; the first that covers the whole sentence wins. */
const PRODUCTIONS: ReadonlyArray<readonly [Intent, string]> = [
  // Before 'holders' and 'activity': "active", "privileged access" and "approve" are not role names or activations.
  ['activeNow', 'who (is|are) [(currently|now)] (active|activated|elevated|privileged)'],
  ['activeNow', 'who (has|have|holds|hold) [(any|active)] (privileged|elevated|admin|administrative) (access|roles|rights|permissions)'],
  ['activeNow', '[(all|every|everyone)] (active|current) (assignments|activations|access|privileged+access)'],
  ['decisions', 'what (did|has|have) {user} (approve|approved|deny|denied|decide|decided) [{period}]'],
  ['decisions', '(approvals|decisions) (by|made+by|from) {user} [{period}]'],
  ['whoDecided', 'who (approved|denied|decided+on|decided) {user} [(last|latest|most+recent|recent)] (request|activation)'],
  ['eligible', 'who [(is|are)] eligible (for|to+activate|to) {role} [(on|in|at) {scope}]'],
  ['eligible', 'who can activate {role} [(on|in|at) {scope}]'],
  ['eligible', '(eligible|eligibility) [(users|holders|members|people|assignments)] (for|of|in) {role} [(on|in|at) {scope}]'],
  ['eligible', '{role} (eligibilities|eligibility|eligibles)'],
  ['activity', 'what (did|has|have) {user} (activate|activated|requested|request|done|do) [{period}]'],
  ['activity', 'who activated {role} [{period}]'],
  ['activity', '(activations|activity|requests|history) (of|by|for|from) {subject} [{period}]'],
  ['activity', '[pim] (activity|activations|history) [{period}]'],
  ['activity', '{subject} (activations|activity|history) [{period}]'],
  ['activity', 'what happened [in+pim] [{period}]'],
  [
    'pending',
    '(requests|approvals|activations) (waiting|pending) [for+approval] (more+than|over|longer+than|for+more+than|for+over) {duration}',
  ],
  ['pending', '[(pending|open|waiting)] (requests|approvals) (older+than|waiting+more+than|waiting+over|more+than|over) {duration}'],
  ['pending', '(pending|open|outstanding) [(approval|approvals|requests|activation+requests|approval+requests)]'],
  ['pending', '(requests|approvals) (pending|waiting) [(approval|for+approval)]'],
  ['pending', '(what|which) [(requests|approvals)] (is|are) (pending|waiting) [(approval|for+approval)]'],
  ['pending', 'who is waiting for approval'],
  ['rescan', '(rescan|refresh|rerun|re-run|re-scan|scan|recheck|re-check|update) [the] [(pim|security)] alerts [(again|now)]'],
  ['rescan', 'run [the] alert scan [again]'],
  ['rescan', '(rescan|refresh|re-scan|recheck) [the] {alert} [alert]'],
  ['incidents', '[(details|incidents)] (for|of|in|on) [the] {alert} [alert] [incidents]'],
  ['incidents', '(incidents|details) (for|of|in|on) [the] {alert} [alert]'],
  ['incidents', '{alert} (incidents|details)'],
  ['alerts', '[(pim|security|any|open|active)] alerts [(firing|active|open|fire|are+firing|right+now|now)]'],
  ['alerts', '(what|which|any) [(pim|security)] alerts [(are|is)] [(there|firing|active|open|fire)]'],
  ['alerts', 'are there [any] [(pim|security)] alerts'],
  ['settings', '(settings|policy|configuration|config|rules|requirements) (of|for|on) [the] {role} [role] [(on|in|at) {scope}]'],
  ['settings', '{role} (settings|policy|configuration|config|rules|requirements)'],
  ['settings', 'how is {role} (configured|set+up|setup)'],
  ['settings', 'what does {role} require [(to+activate|for+activation)]'],
  ['settings', 'what (are|is) the (settings|rules|policy|requirements) (of|for|on) {role}'],
  ['holders', 'who [(currently|now)] (has|holds|have|hold) [(the|an|a|active|assigned)] {role} [role] [(on|in|at|for) {scope}]'],
  ['holders', 'who (is|are) [(currently|now)] [(a|an|the|in|assigned+to|a+member+of|active+in)] {role} [role] [(on|in|at|for) {scope}]'],
  ['holders', 'which (users|people|accounts|principals) (have|hold|are+in) {role} [role] [(on|in|at|for) {scope}]'],
  ['holders', '(holders|members|assignees|assignments|admins|owners+list) (of|for|in) [the] {role} [role] [(on|in|at) {scope}]'],
  ['holders', '{role} (holders|members|assignments|assignees)'],
];

// Leading politeness and trailing time words carry no meaning for the grammar.
const LEADING_FILLER = new Set([
  'please',
  'can',
  'could',
  'would',
  'you',
  'tell',
  'me',
  'us',
  'show',
  'list',
  'give',
  'display',
  'get',
  'see',
  'i',
  'want',
  'to',
  'know',
  'the',
  'all',
  'current',
  'hey',
  'bot',
  'pls',
  'let',
  'lets',
]);
const TRAILING_FILLER = [['please'], ['right', 'now'], ['at', 'the', 'moment'], ['currently'], ['now'], ['thanks']];

const COMPILED: readonly Program[] = PRODUCTIONS.map(([intent, pattern]) => toProgram(intent, compile(pattern)));

export function parseAdminQuestion(sentence: string): Parse | undefined {
  // Nothing past the command cap is read: a question is a line, not an essay (limits.ts).
  if (sentence.length > MAX_COMMAND_LENGTH) return undefined;
  const tokens = tokenize(sentence).filter((t) => t.separator === '');
  const words = tokens.map((t) => trimEnd(t.word.replace(/'s$/, ''), /^\?$/));
  let start = 0;
  // "who is" and "what is" keep their first word: only the fillers before the question go.
  while (start < words.length - 1 && LEADING_FILLER.has(words[start]!) && !(words[start] === 'i' && words[start + 1] !== 'want')) start++;
  let end = words.length;
  for (let changed = true; changed;) {
    changed = false;
    for (const tail of TRAILING_FILLER) {
      if (end - tail.length > start && tail.every((w, k) => words[end - tail.length + k] === w)) {
        end -= tail.length;
        changed = true;
      }
    }
  }
  const span = { words: words.slice(start, end), texts: tokens.slice(start, end).map((t) => t.text.replace(/'s$/i, '')) };
  if (span.words.length === 0) return undefined;
  for (const p of COMPILED) {
    const slots = new Matcher(p, span).solve(p.start, 0);
    if (slots) return { intent: p.intent, slots };
  }
  return undefined;
}

type Span = { words: string[]; texts: string[] };
type Bindings = Partial<Record<SlotName, string>>;

/**
 * A pattern as a small graph: each node says what comes next, an optional part is a choice between
 * entering it and skipping it. The matcher's state is (node, position), so it can be remembered.
 */
type Node =
  | { readonly kind: 'end' }
  | { readonly kind: 'words'; readonly alternatives: readonly (readonly string[])[]; readonly next: number }
  | { readonly kind: 'slot'; readonly name: SlotName; readonly next: number }
  | { readonly kind: 'choice'; readonly enter: number; readonly skip: number };

interface Program {
  readonly intent: Intent;
  readonly nodes: readonly Node[];
  readonly start: number;
}

/** Closed slots are short phrases ("in the past 24 hours", "1 2 h"): a longer text never parses as one. */
const MAX_CLOSED_SLOT_WORDS = 7;

/**
 * Finds the same match the plain depth-first search would (alternatives in order, an optional part
 * taken before skipped, a slot as short as it can be) in time linear in the sentence: every
 * (node, position) is solved once and remembered, an open slot's end is the first position from which
 * the rest matches (remembered per position too), and a closed slot tries a bounded number of words.
 */
class Matcher {
  private readonly solved = new Map<number, Bindings | null>();
  /** For an open slot: the first position at or after p from which the node after it matches, or -1. */
  private readonly firstFrom = new Map<number, number>();
  private readonly width: number;

  constructor(
    private readonly program: Program,
    private readonly span: Span,
  ) {
    this.width = span.words.length + 1;
  }

  solve(node: number, at: number): Bindings | null {
    const key = node * this.width + at;
    const known = this.solved.get(key);
    if (known !== undefined) return known;
    const found = this.compute(node, at);
    this.solved.set(key, found);
    return found;
  }

  private compute(index: number, at: number): Bindings | null {
    const node = this.program.nodes[index]!;
    const words = this.span.words;
    switch (node.kind) {
      case 'end':
        return at === words.length ? {} : null;
      case 'choice':
        return this.solve(node.enter, at) ?? this.solve(node.skip, at);
      case 'words':
        for (const alt of node.alternatives) {
          if (alt.every((w, k) => words[at + k] !== undefined && keyword(words[at + k]!, w))) {
            const found = this.solve(node.next, at + alt.length);
            if (found) return found;
          }
        }
        return null;
      case 'slot': {
        if (node.name === 'period' || node.name === 'duration') {
          // Most positions cannot start a period or a duration: one look at the first word saves the windows.
          const first = this.span.texts[at];
          if (first === undefined || !(node.name === 'period' ? couldStartPeriod(first) : couldStartDuration(first))) return null;
          for (let end = at + 1; end <= Math.min(words.length, at + MAX_CLOSED_SLOT_WORDS); end++) {
            // The rest first: it is remembered, and usually fails (a period ends the sentence).
            const found = this.solve(node.next, end);
            if (!found) continue;
            const text = this.span.texts.slice(at, end).join(' ');
            if (slotAccepts(node.name, text)) return { [node.name]: text, ...found };
          }
          return null;
        }
        // Shortest first: a name stops where the next fixed word begins.
        const end = this.firstMatchFrom(node.next, at + 1);
        if (end < 0) return null;
        return { [node.name]: this.span.texts.slice(at, end).join(' '), ...this.solve(node.next, end)! };
      }
    }
  }

  private firstMatchFrom(node: number, from: number): number {
    const scanned: number[] = [];
    let found = -1;
    for (let at = from; at <= this.span.words.length; at++) {
      const known = this.firstFrom.get(node * this.width + at);
      if (known !== undefined) {
        found = known;
        break;
      }
      scanned.push(at);
      if (this.solve(node, at)) {
        found = at;
        break;
      }
    }
    // Every position scanned before the match failed, so its first match is the same one.
    for (const at of scanned) this.firstFrom.set(node * this.width + at, found);
    return found;
  }
}

/** Typos are forgiven in long keywords only: short ones ("rules"/"roles") are too close to each other. */
function keyword(word: string, expected: string): boolean {
  return expected.length >= 7 ? isKeyword(word, expected) : word === expected;
}

function slotAccepts(name: SlotName, text: string): boolean {
  if (name === 'period') return parsePeriod(text, new Date(0)) !== undefined;
  if (name === 'duration') return parseDuration(text) !== undefined;
  return true;
}

/** Elements → the node graph the matcher walks; node 0 is the end. */
function toProgram(intent: Intent, elements: readonly Element[]): Program {
  const nodes: Node[] = [{ kind: 'end' }];
  const add = (node: Node): number => nodes.push(node) - 1;
  const build = (sequence: readonly Element[], next: number): number => {
    let at = next;
    for (let k = sequence.length - 1; k >= 0; k--) {
      const element = sequence[k]!;
      if (element.kind === 'words') at = add({ kind: 'words', alternatives: element.alternatives, next: at });
      else if (element.kind === 'slot') at = add({ kind: 'slot', name: element.name, next: at });
      else at = add({ kind: 'choice', enter: build(element.sequence, at), skip: at });
    }
    return at;
  };
  return { intent, nodes, start: build(elements, 0) };
}

/** "who (has|holds) [the] {role} [(on|in) {scope}]" → elements. '+' joins a multi-word alternative. */
export function compile(pattern: string): Element[] {
  let i = 0;
  const sequence = (close?: string): Element[] => {
    const out: Element[] = [];
    while (i < pattern.length) {
      const c = pattern[i]!;
      if (c === ' ') {
        i++;
      } else if (c === close) {
        i++;
        return out;
      } else if (c === '[') {
        i++;
        out.push({ kind: 'optional', sequence: sequence(']') });
      } else if (c === '(') {
        const endAt = pattern.indexOf(')', i);
        out.push({
          kind: 'words',
          alternatives: pattern
            .slice(i + 1, endAt)
            .split('|')
            .map((a) => a.split('+')),
        });
        i = endAt + 1;
      } else if (c === '{') {
        const endAt = pattern.indexOf('}', i);
        out.push({ kind: 'slot', name: pattern.slice(i + 1, endAt) as SlotName });
        i = endAt + 1;
      } else {
        const m = /^[^\s[\](){}]+/.exec(pattern.slice(i))![0];
        out.push({ kind: 'words', alternatives: [[m]] });
        i += m.length;
      }
    }
    if (close) throw new Error(`unclosed '${close}' in pattern: ${pattern}`);
    return out;
  };
  return sequence();
}
