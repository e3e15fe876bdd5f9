// `npm run bench -- burst`: the 9 a.m. burst under Microsoft Graph's identity-and-access quotas.
// Thousands of people of one tenant activate within minutes (half of them have talked to the bot
// before, a tenth ask for a role that needs approval) through two bot instances behind a
// round-robin balancer on one Azurite, while the emulator enforces the quotas (medium tenant).
// Each person answers the bot's questions; when the bot says PIM is busy and when to try again,
// the person waits that long and starts again. Reports completed activations, 429s, failures,
// the time to drain and the writes per activation, and compares the throughput with the floor
// the write quota sets (every write an activation's only request). See docs/performance.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAzurite } from '../emulator/storage/azurite';
import type { ThrottlingStats } from '../emulator/tenant/index';
import { APP_TENANT_WRITES, RESOURCE_UNITS_PER_10S } from '../emulator/tenant/throttling/quotas';
import { startBotProcess, type BotProcess } from '../emulator/stack/botProcess';
import { localBotEnv } from '../emulator/stack/localBotEnv';
import { startRecordingConnector } from '../emulator/stack/recordingConnector';
import { startRoundRobinProxy } from '../emulator/stack/roundRobinProxy';
import { startTestTenant } from '../emulator/stack/tenant';
import { addBenchUsers } from '../emulator/stack/chatUsers';
import { openConversation, textOf, type Conversation, type ChatUser } from '../emulator/stack/chatDriver';
import { sleep } from '../emulator/stack/flows';
import { seededRandom } from '../emulator/stack/random';
import { round } from './stats';

export interface BurstOptions {
  readonly users: number;
  /** Wall seconds within which everyone sends the first message. */
  readonly arrivalSeconds: number;
  /**
   * The quota windows are this many times shorter and the limits this many times smaller: the
   * same rates as Microsoft's, in finer grain, so a run of a few minutes sees the steady rate and
   * not one 150-second window's allowance of 3,000 writes at once.
   */
  readonly windowScale: number;
  /** The share of Microsoft's write rates enforced (1 = the real quota; 0.5 = as if twice the people). */
  readonly quotaRate: number;
  /** Scale the resource-unit quota like the write quotas (else it stays Microsoft's, 5,000 per 10 s). */
  readonly scaleResourceUnits: boolean;
  readonly warmShare: number;
  readonly approvalShare: number;
}

/**
 * The issue's burst as it is: 2,000 people within 10 minutes against a medium tenant's real quotas
 * and windows, in real time (one person's flow is seconds; 2 cores cannot run it faster than
 * real time anyway: ~3 activations per second with both instances busy).
 */
export const DEFAULT_BURST: BurstOptions = {
  users: 2000,
  arrivalSeconds: 600,
  windowScale: 1,
  quotaRate: 1,
  scaleResourceUnits: true,
  warmShare: 0.5,
  approvalShare: 0.1,
};
/**
 * The same people against a write quota that binds: a fifth of Microsoft's write rate (4 writes/s,
 * a rate 2 cores can keep busy) with windows 10x shorter, so a few minutes show the steady state
 * rather than one 150-second window's first allowance. 300 people here put the write load of 1,500
 * on the real quota. The resource-unit quota stays Microsoft's: in a real tenant the write quota
 * binds first (about 2 writes and 20 units per activation: writes bind at ~9 activations/s, units
 * at ~24/s), and a 100-unit bucket over 1 s would refuse read bursts the real one absorbs.
 * People wait what the bot tells them when PIM is busy (the bot's time comes from the emulator's
 * Retry-After, already in the windows' shorter time); other "try again" answers without a time
 * are divided by the window scale.
 */
export const DEFAULT_SATURATED: BurstOptions = {
  users: 300,
  arrivalSeconds: 30,
  windowScale: 10,
  quotaRate: 0.2,
  scaleResourceUnits: false,
  warmShare: 0.5,
  approvalShare: 0.1,
};
export const BURST_TARGETS = { failures: 0, floorRatio: 0.8 } as const;

type Outcome = 'active' | 'pending' | 'failed';

interface PersonResult {
  readonly outcome: Outcome;
  /** Times the bot told this person PIM was busy and when to try again. */
  readonly toldToRetry: number;
  /** Times the bot said something else went wrong and when to try again (then the person did). */
  readonly toldLater: number;
  readonly approval: boolean;
  readonly warm: boolean;
  readonly arrivedAt: number;
  readonly doneAt: number;
  readonly lastText: string;
}

export interface BurstResult {
  readonly settings: BurstOptions & {
    readonly tenantSize: 'medium';
    readonly windowsSeconds: { resourceUnits: number; writes: number };
    readonly limits: { resourceUnits: number; writes: number };
  };
  readonly people: number;
  readonly completed: number;
  readonly active: number;
  readonly pendingApproval: number;
  readonly failures: number;
  readonly failureSamples: string[];
  /** Bot answers that said PIM was busy and when to try again (the person then did). */
  readonly toldToRetry: number;
  readonly peopleToldToRetry: number;
  /** The most times one person was told PIM was busy (20 = gave up): how unfair the quota was. */
  readonly mostToldToRetry: number;
  readonly retryMessagesWithoutTime: number;
  /** Answers that said PIM could not be reached or something went wrong, and when to try again (not the quota). */
  readonly toldToRetryNotQuota: number;
  readonly notQuotaSamples: string[];
  readonly throttled: ThrottlingStats;
  readonly drainSeconds: number;
  /** Graph writes let through per completed activation or approval request (refused ones cost nothing). */
  readonly writesPerActivation: number;
  readonly resourceUnitsPerActivation: number;
  /** Completions per minute from the first arrival to the 90th-percentile completion. */
  readonly activationsPerMinute: number;
  /** Activations per minute if every write the quota allows were one activation's only write. */
  readonly floorActivationsPerMinute: number;
  readonly floorRatio: number;
  /** Writes per minute let through / the write quota per minute. */
  readonly writeQuotaUse: number;
  /** The same figures in Microsoft's real units (see docs/performance.md). */
  readonly real: {
    readonly equivalentPeople: number;
    readonly arrivalSeconds: number;
    readonly activationsPerMinute: number;
    readonly floorActivationsPerMinute: number;
  };
}

const ASKS_DURATION = /How long do you need/i;
const ASKS_JUSTIFICATION = /Why do you need/i;
const IS_ACTIVE = /\bis active\b|already active/i;
const WAITING = /waiting for approval|already waiting/i;
const BUSY = /PIM is busy/i;
/** "Please try again in about 2 minutes." / "Please try again in a minute." */
const RETRY_WHEN = /try (?:it )?again in (?:about )?(a|an|\d+) (second|minute|hour)s?/i;
/** The other answers that say when to try again: PIM unreachable, or a fault on the bot's side. */
const RETRY_VAGUE: ReadonlyArray<readonly [RegExp, number]> = [
  [/try (?:it )?again in a few minutes/i, 180_000],
  [/try again in a moment/i, 10_000],
];
const MAX_ATTEMPTS = 20;

/** The wait a person reads in the bot's answer, in ms; undefined when it gives none. */
export function retryWaitMs(text: string): number | undefined {
  const m = RETRY_WHEN.exec(text);
  if (!m) return RETRY_VAGUE.find(([pattern]) => pattern.test(text))?.[1];
  const n = /^\d+$/.test(m[1]!) ? Number(m[1]) : 1;
  const unit = m[2]!.toLowerCase();
  return n * (unit === 'second' ? 1_000 : unit === 'minute' ? 60_000 : 3_600_000);
}

/** One attempt at the flow, answering what the bot asks: an outcome, or the bot's "try again in". */
async function attempt(chat: Conversation, approval: boolean): Promise<{ outcome: Outcome | 'busy' | 'later'; text: string }> {
  let next: Parameters<Conversation['say']>[0] = approval ? 'activate user administrator' : 'activate global reader';
  let text = '';
  for (let step = 0; step < 8; step++) {
    let turn = await chat.say(next);
    // No answer at all (the balancer's connection failed or timed out): Teams shows nothing and
    // the person sends it again, as emulator/stack/flows does for a lost turn.
    for (let resend = 0; resend < 3 && turn.replies.length === 0 && (turn.status === 0 || turn.status >= 500); resend++) {
      await sleep(1_000);
      turn = await chat.say(next);
    }
    text = textOf(turn.replies);
    if (turn.replies.length === 0) return { outcome: 'failed', text: `HTTP ${turn.status}, no answer` };
    if (BUSY.test(text)) return { outcome: 'busy', text };
    if (WAITING.test(text)) return { outcome: 'pending', text };
    if (IS_ACTIVE.test(text) && !ASKS_JUSTIFICATION.test(text)) return { outcome: 'active', text };
    if (ASKS_JUSTIFICATION.test(text))
      next = approval
        ? { value: { action: 'submitJustification', justification: 'Fixing the login incident', ticketNumber: 'INC-42' } }
        : 'Quarterly access review';
    else if (ASKS_DURATION.test(text)) next = '90 minutes';
    else return { outcome: retryWaitMs(text) === undefined ? 'failed' : 'later', text };
  }
  return { outcome: 'failed', text };
}

async function person(
  chat: Conversation,
  approval: boolean,
  warm: boolean,
  arrivedAt: number,
  timeScale: number,
  counters: { withoutTime: number; laterSamples: Set<string> },
): Promise<PersonResult> {
  let told = 0;
  let later = 0;
  for (let n = 0; n < MAX_ATTEMPTS; n++) {
    const r = await attempt(chat, approval);
    if (r.outcome !== 'busy' && r.outcome !== 'later')
      return {
        outcome: r.outcome,
        toldToRetry: told,
        toldLater: later,
        approval,
        warm,
        arrivedAt,
        doneAt: performance.now(),
        lastText: r.text,
      };
    const wait = retryWaitMs(r.text);
    if (r.outcome === 'busy') {
      told++;
      if (wait === undefined) counters.withoutTime++;
      // The bot's time comes from the emulator's Retry-After, already in the quota windows' (scaled)
      // time: waited as said. Only "in a minute" without a Retry-After is compressed like the windows.
      await sleep(wait ?? 60_000 / timeScale);
    } else {
      // Not the quota (PIM unreachable, or a fault of the bot's); the person still waits what was said.
      later++;
      counters.laterSamples.add(r.text.replace(/\s+/g, ' ').slice(0, 160));
      await sleep(wait! / timeScale);
    }
  }
  return {
    outcome: 'failed',
    toldToRetry: told,
    toldLater: later,
    approval,
    warm,
    arrivedAt,
    doneAt: performance.now(),
    lastText: 'still busy after 20 attempts',
  };
}

export async function runBurst(options: BurstOptions, log: (line: string) => void): Promise<BurstResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pimbot-burst-'));
  const [tenant, azurite, connector] = await Promise.all([startTestTenant(), startAzurite({ location: dir }), startRecordingConnector()]);
  const env = localBotEnv(tenant, azurite.connectionString, 'burst');
  const instances: BotProcess[] = [];
  try {
    instances.push(...(await Promise.all([startBotProcess({ env }), startBotProcess({ env })])));
    const proxy = await startRoundRobinProxy(instances.map((b) => `http://127.0.0.1:${b.port}`));
    try {
      const users = await addBenchUsers(tenant, options.users, 'burst');
      const chat = (user: ChatUser) =>
        openConversation({
          endpoint: `${proxy.url}/api/messages`,
          connector,
          tenantId: tenant.tenantId,
          user,
          conversationId: `a:1on1-${user.aadObjectId}`,
          timeoutMs: 120_000,
        });
      const warmEvery = options.warmShare > 0 ? Math.round(1 / options.warmShare) : 0;
      const approvalEvery = options.approvalShare > 0 ? Math.round(1 / options.approvalShare) : 0;
      const isWarm = (i: number) => warmEvery > 0 && i % warmEvery === 1 % warmEvery;
      const needsApproval = (i: number) => approvalEvery > 0 && i % approvalEvery === 0;
      // Warm people have talked to the bot before: their tokens and eligibilities are cached on
      // whichever instance answered them. Done before the quotas are on, as on an earlier day.
      const warm = users.filter((_, i) => isWarm(i));
      for (let i = 0; i < warm.length; i += 25) {
        await Promise.all(warm.slice(i, i + 25).map((u) => chat(u).say('my roles')));
      }
      log(`burst: ${warm.length} warm people said "my roles" first`);

      const windowScale = options.windowScale;
      const quotaScale = options.quotaRate / windowScale;
      tenant.throttling.enable({
        tenantSize: 'medium',
        timeScale: windowScale,
        quotaScale,
        scaleResourceUnits: options.scaleResourceUnits,
      });
      const random = seededRandom(9);
      const counters = { withoutTime: 0, laterSamples: new Set<string>() };
      const t0 = performance.now();
      const results = await Promise.all(
        users.map(async (user, i) => {
          await sleep(random() * options.arrivalSeconds * 1000);
          const arrivedAt = performance.now();
          return person(chat(user), needsApproval(i), isWarm(i), arrivedAt, windowScale, counters);
        }),
      );
      const throttled = tenant.throttling.stats();
      tenant.throttling.disable();
      return summarise(options, results, throttled, t0, counters);
    } finally {
      await proxy.close();
    }
  } finally {
    await Promise.all(instances.map((b) => b.stop()));
    await Promise.all([tenant.close(), azurite.stop(), connector.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarise(
  options: BurstOptions,
  results: readonly PersonResult[],
  throttled: ThrottlingStats,
  t0: number,
  counters: { withoutTime: number; laterSamples: Set<string> },
): BurstResult {
  const completed = results.filter((r) => r.outcome !== 'failed');
  const failed = results.filter((r) => r.outcome === 'failed');
  const firstArrival = Math.min(...results.map((r) => r.arrivedAt));
  const lastDone = Math.max(...results.map((r) => r.doneAt));
  const drainSeconds = (lastDone - Math.min(firstArrival, t0)) / 1000;
  const minutes = drainSeconds / 60;
  const writesPerMinuteQuota = (APP_TENANT_WRITES.limit * options.quotaRate) / (APP_TENANT_WRITES.windowMs / 60_000);
  // Throughput while the backlog lasts: from the first arrival to the 90th percentile completion
  // (the last few wait out the minute the bot told them, with the quota idle, which says nothing of it).
  const doneTimes = completed.map((r) => r.doneAt).sort((a, b) => a - b);
  const p90 = Math.max(1, Math.floor(doneTimes.length * 0.9));
  const steadyMinutes = doneTimes.length ? (doneTimes[p90 - 1]! - firstArrival) / 60_000 : minutes;
  const activationsPerMinute = p90 / steadyMinutes;
  const writesPerActivation = throttled.writes / Math.max(1, completed.length);
  const equivalentPeople = options.users / options.quotaRate;
  return {
    settings: {
      ...options,
      tenantSize: 'medium',
      windowsSeconds: {
        resourceUnits: options.scaleResourceUnits ? 10 / options.windowScale : 10,
        writes: APP_TENANT_WRITES.windowMs / 1000 / options.windowScale,
      },
      limits: {
        resourceUnits: options.scaleResourceUnits
          ? Math.round((RESOURCE_UNITS_PER_10S.medium * options.quotaRate) / options.windowScale)
          : RESOURCE_UNITS_PER_10S.medium,
        writes: Math.round((APP_TENANT_WRITES.limit * options.quotaRate) / options.windowScale),
      },
    },
    people: results.length,
    completed: completed.length,
    active: results.filter((r) => r.outcome === 'active').length,
    pendingApproval: results.filter((r) => r.outcome === 'pending').length,
    failures: failed.length,
    failureSamples: [...new Set(failed.map((r) => r.lastText.replace(/\s+/g, ' ').slice(0, 160)))].slice(0, 5),
    toldToRetry: results.reduce((a, r) => a + r.toldToRetry, 0),
    peopleToldToRetry: results.filter((r) => r.toldToRetry > 0).length,
    mostToldToRetry: Math.max(0, ...results.map((r) => r.toldToRetry)),
    retryMessagesWithoutTime: counters.withoutTime,
    toldToRetryNotQuota: results.reduce((a, r) => a + r.toldLater, 0),
    notQuotaSamples: [...counters.laterSamples].slice(0, 5),
    throttled,
    drainSeconds: round(drainSeconds),
    writesPerActivation: round(writesPerActivation, 2),
    resourceUnitsPerActivation: round(throttled.resourceUnits / Math.max(1, completed.length)),
    activationsPerMinute: round(activationsPerMinute),
    floorActivationsPerMinute: round(writesPerMinuteQuota),
    floorRatio: round(activationsPerMinute / writesPerMinuteQuota, 2),
    writeQuotaUse: round(throttled.writes / minutes / writesPerMinuteQuota, 2),
    real: {
      equivalentPeople: Math.round(equivalentPeople),
      arrivalSeconds: options.arrivalSeconds,
      activationsPerMinute: round(activationsPerMinute / options.quotaRate),
      floorActivationsPerMinute: APP_TENANT_WRITES.limit / (APP_TENANT_WRITES.windowMs / 60_000),
    },
  };
}

export function burstLines(r: BurstResult): string[] {
  const s = r.settings;
  return [
    `9 a.m. burst: ${r.people} people (${Math.round(s.warmShare * 100)}% warm, ${Math.round(s.approvalShare * 100)}% needing approval) within ${s.arrivalSeconds} s, two bot instances on one Azurite`,
    `  quotas: medium tenant at ${s.quotaRate}x Microsoft's write rates, windows ${s.windowScale}x shorter (${s.limits.resourceUnits} units / ${s.windowsSeconds.resourceUnits} s, ${s.limits.writes} writes / ${s.windowsSeconds.writes} s per app+tenant)`,
    `  completed ${r.completed}/${r.people} (${r.active} active, ${r.pendingApproval} waiting for approval), failures ${r.failures}${r.failureSamples.length ? `: ${r.failureSamples.join(' | ')}` : ''}`,
    `  429s ${r.throttled.throttled} (${r.throttled.throttledByReason.WriteLimitExceeded} write quota, ${r.throttled.throttledByReason.ResourceUnitLimitExceeded} resource units); told to retry ${r.toldToRetry} times (${r.peopleToldToRetry} people, at most ${r.mostToldToRetry} times one person, ${r.retryMessagesWithoutTime} without a time)`,
    `  other answers that said when to try again (not the quota): ${r.toldToRetryNotQuota}${r.notQuotaSamples.length ? `: ${r.notQuotaSamples.map((x) => x.replace(/^AdaptiveCard http\S+ 1\.5 TextBlock /, '')).join(' | ')}` : ''}`,
    `  writes let through: ${Object.entries(r.throttled.writesByPath ?? {})
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')}`,
    `  drained in ${r.drainSeconds} s; ${r.writesPerActivation} writes and ${r.resourceUnitsPerActivation} resource units per activation`,
    `  ${r.activationsPerMinute} activations/min vs. floor ${r.floorActivationsPerMinute}/min (1 write each): ${r.floorRatio}x; write quota used ${Math.round(r.writeQuotaUse * 100)}%`,
  ];
}

export interface BurstPhases {
  readonly burst?: BurstOptions;
  readonly saturated?: BurstOptions;
}

export function parseBurstArgs(args: readonly string[]): BurstPhases {
  const value = (name: string): number | undefined => {
    const i = args.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const n = Number(args[i + 1]);
    if (!Number.isFinite(n) || n <= 0) throw new RangeError(`--${name} needs a positive number`);
    return n;
  };
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  if (only !== undefined && only !== 'burst' && only !== 'saturated') throw new RangeError('--only takes burst or saturated');
  const users = value('users');
  // Fewer people arrive in proportionally less time: the same arrival rate.
  const scaled = (d: BurstOptions, n: number | undefined): BurstOptions =>
    n === undefined ? d : { ...d, users: Math.round(n), arrivalSeconds: (d.arrivalSeconds * n) / d.users };
  const burst = scaled(DEFAULT_BURST, users);
  const saturatedUsers = value('saturated-users');
  const saturated = {
    ...scaled(DEFAULT_SATURATED, saturatedUsers ?? (users !== undefined ? Math.min(users, DEFAULT_SATURATED.users) : undefined)),
    quotaRate: value('quota-rate') ?? DEFAULT_SATURATED.quotaRate,
    windowScale: value('window-scale') ?? DEFAULT_SATURATED.windowScale,
  };
  return { ...(only !== 'saturated' ? { burst } : {}), ...(only !== 'burst' ? { saturated } : {}) };
}
