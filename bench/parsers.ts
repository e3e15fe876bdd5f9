// `npm run bench -- parsers`: what each parser costs on hostile text (emulator/stack/hostileText.ts) at
// Teams' 4,000-character limit and just under the command cap, against a typical message, as ratios
// measured in the same run. In-process and single-threaded: each figure is the median of several runs
// after warm-up, so the JIT and the recognizer's one-time set-up are not charged to any input.
import { parseAdminQuestion } from '../dialogs/admin/grammar';
import { resolveAlert, resolveRole, resolveUser } from '../dialogs/admin/slots';
import { isCancel, parseCommand } from '../dialogs/parsing/command';
import { parseDuration } from '../dialogs/parsing/duration';
import { MAX_COMMAND_LENGTH } from '../dialogs/parsing/limits';
import { parseMoment } from '../dialogs/parsing/moment';
import { recognizerCalls } from '../dialogs/parsing/recognizer';
import { parseRequest } from '../dialogs/parsing/request';
import { matchName, type Searchable } from '../dialogs/parsing/resolve';
import type { AdminDirectory } from '../services/admin/model';
import { understand } from '../dialogs/understanding/understand';
import { hostileMessages } from '../emulator/stack/hostileText';
import { round } from './stats';

/** The target: the worst hostile message costs at most this many typical ones. */
export const WORST_TO_TYPICAL_TARGET = 5;
const TEAMS_LIMIT = 4000;
const NOW = new Date('2025-03-03T10:02:00Z');

const CHOICES: Searchable[] = [
  { key: 'gr', name: 'Global Reader', roleName: 'Global Reader', scopeName: 'Directory' },
  { key: 'ua', name: 'User Administrator', roleName: 'User Administrator', scopeName: 'Directory' },
  { key: 'sa', name: 'Security Administrator', roleName: 'Security Administrator', scopeName: 'Directory' },
  { key: 'sre', name: 'SRE On-Call', roleName: 'Member', scopeName: 'SRE On-Call', aliases: ['group'] },
  { key: 'co', name: 'Contributor', roleName: 'Contributor', scopeName: 'Contoso Prod (subscription)', aliases: ['subscription'] },
  { key: 'rd', name: 'Reader', roleName: 'Reader', scopeName: 'rg-web (resource group)', aliases: ['resource group'] },
];
const DIRECTORY: AdminDirectory = {
  roles: CHOICES.slice(0, 3).map((c) => ({ id: c.key, name: c.name })),
  users: [
    { id: 'a', name: 'Alice Adams', userPrincipalName: 'alice@contoso.example' },
    { id: 'b', name: 'Bob Brown', userPrincipalName: 'bob@contoso.example' },
  ],
  groups: [{ id: 'sre', name: 'SRE On-Call' }],
  azureScopes: [{ id: 'prod', name: 'Contoso Prod' }],
  azureRoles: [
    { id: 'owner', name: 'Owner' },
    { id: 'reader', name: 'Reader' },
  ],
  alerts: [{ id: 'x_TooManyGlobalAdminsAssignedToTenantAlert', name: 'There are too many global administrators' }],
};

/** What one turn reads of a typed message, in the order mainDialog does (understanding/understand.ts, then the request grammar). */
function readMessage(text: string): void {
  if (isCancel(text)) return;
  const reading = understand(text);
  if (reading.intent === 'tooLong') return;
  if ((reading.intent === 'activate' || reading.intent === 'extend' || reading.intent === 'deactivate') && reading.rest) {
    const parsed = parseRequest(reading.rest, { now: NOW, timeZone: 'Europe/Berlin' });
    for (const target of parsed.targets.slice(0, 5)) matchName(target.role, CHOICES);
  }
}

interface Subject {
  readonly parser: string;
  readonly typical: string;
  run(text: string): unknown;
}

const SUBJECTS: readonly Subject[] = [
  { parser: 'whole message (what a turn reads)', typical: 'activate Global Reader until 5pm because audit', run: readMessage },
  { parser: 'intent (understand)', typical: 'I need global reader for an hour to check the audit logs', run: understand },
  { parser: 'command (parseCommand)', typical: 'activate Global Reader for 2h because audit', run: parseCommand },
  { parser: 'admin grammar (parseAdminQuestion)', typical: 'who activated Global Reader this week', run: parseAdminQuestion },
  {
    parser: 'request (parseRequest)',
    typical: 'Global Reader until 5pm because audit',
    run: (t) => parseRequest(t, { now: NOW, timeZone: 'Europe/Berlin' }),
  },
  { parser: 'duration (parseDuration)', typical: 'an hour and a half', run: (t) => parseDuration(t) },
  { parser: 'time (parseMoment)', typical: 'tomorrow 9am', run: (t) => parseMoment(t, NOW, 'Europe/Berlin') },
  { parser: 'role names (matchName)', typical: 'globl reader', run: (t) => matchName(t, CHOICES) },
  {
    parser: 'admin names (resolveRole, resolveUser, resolveAlert)',
    typical: 'Global Reader',
    run: (t) => [resolveRole(t, undefined, DIRECTORY), resolveUser(t, 'a', DIRECTORY), resolveAlert(t, DIRECTORY)],
  },
];

/** Median microseconds of `runs` calls, after `warm` unmeasured ones. */
function medianMicros(run: () => unknown, warm: number, runs: number): number {
  for (let i = 0; i < warm; i++) run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export interface WorstCase {
  readonly length: number;
  readonly family: string;
  readonly micros: number;
  /** Date-time recognizer calls the worst message made. */
  readonly recognizerCalls: number;
  readonly ratio: number;
}

export interface ParserResult {
  readonly parser: string;
  readonly typical: string;
  readonly typicalMicros: number;
  /** The worst family at Teams' limit (what the target is about) and just under the command cap. */
  readonly atTeamsLimit: WorstCase;
  readonly underCommandCap: WorstCase;
}

export interface ParsersBench {
  readonly commandCap: number;
  readonly families: number;
  readonly results: readonly ParserResult[];
  readonly worstRatioAtTeamsLimit: number;
  readonly worstRatioUnderCommandCap: number;
}

function worstOf(subject: Subject, length: number, typicalMicros: number): WorstCase {
  let worst: WorstCase | undefined;
  for (const message of hostileMessages(length)) {
    const before = recognizerCalls();
    subject.run(message.text);
    const calls = recognizerCalls() - before;
    const micros = medianMicros(() => subject.run(message.text), 1, 7);
    if (!worst || micros > worst.micros)
      worst = { length, family: message.family, micros: round(micros), recognizerCalls: calls, ratio: round(micros / typicalMicros, 2) };
  }
  return worst!;
}

export function benchParsers(): ParsersBench {
  const results = SUBJECTS.map((subject): ParserResult => {
    const typicalMicros = medianMicros(() => subject.run(subject.typical), 30, 41);
    return {
      parser: subject.parser,
      typical: subject.typical,
      typicalMicros: round(typicalMicros),
      atTeamsLimit: worstOf(subject, TEAMS_LIMIT, typicalMicros),
      underCommandCap: worstOf(subject, MAX_COMMAND_LENGTH, typicalMicros),
    };
  });
  return {
    commandCap: MAX_COMMAND_LENGTH,
    families: hostileMessages(TEAMS_LIMIT).length,
    results,
    worstRatioAtTeamsLimit: Math.max(...results.map((r) => r.atTeamsLimit.ratio)),
    worstRatioUnderCommandCap: Math.max(...results.map((r) => r.underCommandCap.ratio)),
  };
}

export function parsersLines(bench: ParsersBench): string[] {
  const ms = (micros: number) => (micros / 1000).toFixed(micros < 1000 ? 3 : 1);
  const lines = [
    `Parsers on hostile text (${bench.families} families; median of 7 runs each, typical: median of 41), ms and worst/typical`,
    'parser                                          typical   worst at 4,000 chars                      worst at the command cap (' +
      `${bench.commandCap})`,
  ];
  for (const r of bench.results) {
    const cell = (w: WorstCase) => `${ms(w.micros).padStart(8)} ${`${w.ratio}x`.padStart(7)} ${w.family.slice(0, 26).padEnd(26)}`;
    lines.push(
      `${r.parser.slice(0, 46).padEnd(46)} ${ms(r.typicalMicros).padStart(8)}   ${cell(r.atTeamsLimit)}   ${cell(r.underCommandCap)}`,
    );
  }
  lines.push(
    `worst/typical at 4,000 characters: ${bench.worstRatioAtTeamsLimit}x (target at most ${WORST_TO_TYPICAL_TARGET}x); just under the cap: ${bench.worstRatioUnderCommandCap}x`,
  );
  return lines;
}
