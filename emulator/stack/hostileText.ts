// Messages built to make a parser work hard: keywords and slots repeated, time words repeated, long
// unbroken tokens, runs of punctuation and spaces, and a seeded mix, each at a given length. Shared by
// the liveness test (tests/integration/bot/hostileText.test.ts), the parser tests and the benchmark.
import { seededRandom } from './random';

export interface HostileMessage {
  readonly family: string;
  readonly text: string;
}

/** A prefix followed by `unit` repeated, cut at `length` characters. */
function repeat(prefix: string, unit: string, length: number): string {
  return (prefix + unit.repeat(Math.ceil(Math.max(0, length - prefix.length) / unit.length))).slice(0, length);
}

const FAMILIES: ReadonlyArray<readonly [string, (length: number) => string]> = [
  // The admin grammar: a fixed opening and an open slot, a closed slot, several slots.
  ['who activated a a a', (n) => repeat('who activated ', 'a ', n)],
  ['who activated + periods', (n) => repeat('who activated ', 'in the last 7 days ', n)],
  ['eligible for a on a on', (n) => repeat('who is eligible for ', 'a on ', n)],
  ['what did a activate a', (n) => repeat('what did ', 'a activate ', n)],
  ['requests pending over', (n) => repeat('requests pending over ', '2 hours over ', n)],
  ['settings of the the', (n) => repeat('settings of ', 'the ', n)],
  // The request parser: repeated time words and keywords.
  ['activate 2h 2h 2h', (n) => repeat('activate reader ', '2h ', n)],
  ['activate until 5pm until 5pm', (n) => repeat('activate reader ', 'until 5pm ', n)],
  ['activate tomorrow tomorrow', (n) => repeat('activate reader ', 'tomorrow 9am ', n)],
  ['activate for for for', (n) => repeat('activate reader ', 'for ', n)],
  ['activate at 3pm at 3pm', (n) => repeat('activate reader ', 'at 3pm for an hour and a half ', n)],
  ['activate on a on a', (n) => repeat('activate reader ', 'on 5pm ', n)],
  ['activate ticket ticket', (n) => repeat('activate reader ', 'ticket ', n)],
  ['activate and and and', (n) => repeat('activate ', 'reader and ', n)],
  // Long tokens and runs.
  ['one long token', (n) => 'x'.repeat(n)],
  ['activate + one long token', (n) => repeat('activate ', 'y', n)],
  ['closing punctuation run', (n) => `a${')'.repeat(n - 2)}b`],
  ['question marks', (n) => `who activated ${'?'.repeat(n - 15)}x`],
  ['dots then a letter', (n) => `${'.'.repeat(n - 1)}x`],
  ['spaces inside', (n) => `activate${' '.repeat(n - 10)}x,`],
  ['reason, "for" and spaces', (n) => `activate reader because for${' '.repeat(n - 28)},`],
  ['commas', (n) => repeat('activate reader', ', ', n)],
  ['near-miss keywords', (n) => repeat('activate ', 'actvate becuase untill ', n)],
];

/** A seeded mix of the words the parsers react to. */
function mixed(length: number, seed: number): string {
  const random = seededRandom(seed);
  const words = [
    'who',
    'activated',
    'for',
    'until',
    '5pm',
    '2h',
    'tomorrow',
    'on',
    'in',
    'the',
    'last',
    '7',
    'days',
    'a',
    'because',
    'ticket',
    'INC-42',
    ',',
    'and',
    'eligible',
    'holders',
    'of',
    'settings',
    '?',
    'at',
    'an',
    'hour',
  ];
  let text = 'activate ';
  while (text.length < length) text += `${words[Math.floor(random() * words.length)]!} `;
  return text.slice(0, length);
}

/** Every family at `length` characters (plus two seeded mixes). */
export function hostileMessages(length: number): HostileMessage[] {
  return [
    ...FAMILIES.map(([family, make]) => ({ family, text: make(length) })),
    { family: 'mixed (seed 1)', text: mixed(length, 1) },
    { family: 'mixed (seed 2)', text: mixed(length, 2) },
  ];
}
