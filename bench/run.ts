// `npm run bench`: turn cost against the framework's floor, upstream calls per flow, approval
// fan-out under Teams' rate limits and memory in mid-dialog, each figure next to a baseline
// measured in the same run (absolute times vary between machines). Prints a table and writes
// bench/results.json. BENCH_PROFILE=1 also writes a CPU profile of the bot to bench/profiles/.
// `npm run bench -- parsers` runs only the parsers on hostile text (bench/parsers.ts); `-- upstream` only
// the upstream requests per flow (bench/upstream.ts).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { ensureLocalCertificates } from '../emulator/tenant/certs';
import { startBotProcess, type BotProcess, type ProcessStats } from '../emulator/stack/botProcess';
import { startLocalStack, type LocalStack } from '../emulator/stack/localStack';
import { addBenchUsers, clearActivations } from '../emulator/stack/chatUsers';
import { openConversation, textOf, type ChatUser, type TurnResult } from '../emulator/stack/chatDriver';
import { GLOBAL_READER_SCRIPT, runActivation, sleep } from '../emulator/stack/flows';
import { seededRandom } from '../emulator/stack/random';
import { measureFanOut, type FanOutResult } from './fanOut';
import { benchParsers, parsersLines, WORST_TO_TYPICAL_TARGET, type ParsersBench } from './parsers';
import { emulatorMsDuring, percentile, round } from './stats';
import { upstreamCallsPerFlow, type UpstreamCalls } from './upstream';
import { measureMemory, memoryLines, MEMORY_GROWTH_TARGET_MB, type MemoryResult } from './memory';
import { buildCompiled, cleanCompiled, startCompiled, type Subject } from './compiled';
import { BURST_TARGETS, burstLines, parseBurstArgs, runBurst, type BurstResult } from './burst';

const repoRoot = path.resolve(__dirname, '..');
/** What runs the bot and its floors: the production build (default) or the sources under tsx (`tsx` argument). */
type Runtime = 'compiled' | 'tsx';
const profileDir = process.env['BENCH_PROFILE'] ? path.join(repoRoot, 'bench', 'profiles') : undefined;
const LEVELS = [1, 50, 200] as const;
/**
 * Concurrent conversations are people: each reads the bot's card and answers after a pause, and
 * they did not all start typing in the same millisecond. Zero think time would measure a queue,
 * not a turn (at 200 back-to-back conversations even the echo floor's p99 is ~0.8 s on 2 cores);
 * that saturated case is reported apart, as throughput.
 */
const PACE = { startSpreadMs: 3000, thinkMinMs: 2000, thinkMaxMs: 4000 } as const;
const SEQUENTIAL_CONVERSATIONS = 40;
/**
 * Every level measures the same warm flow (2 upstream calls): eligibilities and policies stay cached
 * for the whole run instead of lapsing after the default minute part-way through it. Cold flows are
 * counted in the upstream-calls table.
 */
const WARM_CACHE_SECONDS = '1800';
/** Each process recomputes a user's reminders once, this long after her first message to it (bot/notifyReminders). */
const REMINDER_REFRESH_AFTER_MS = 60_000;
/**
 * Issue 19: CPU per turn at most 1.5x the stateful echo while people pause and 2x back-to-back; the
 * one-approver fan-out at most 1.5x its floor (which includes one durable write), 10 and 50 approvers
 * within 1.2x of the rate-limit floor. They replace issue 8's CPU targets against the plain echo: the
 * plain echo's ratio is still printed and kept in the results, as information.
 */
const TARGETS = {
  statefulPacedRatio: 1.5,
  statefulBackToBackRatio: 2,
  p99ExcludingEmulatorMs: 200,
  fanOutRatio: 1.2,
  fanOutOneApproverRatio: 1.5,
} as const;

interface LevelResult {
  readonly concurrency: number;
  /** Mean pause between a reply and the next message, ms (0: back-to-back, a saturation test). */
  readonly thinkMs: number;
  readonly turns: number;
  readonly bot: { cpuMsPerTurn: number; p50Ms: number; p99Ms: number; p99ExcludingEmulatorMs: number; emulatorMsPerTurn: number };
  readonly echo: FloorResult;
  /** The echo that also reads and writes its conversation state on the same Storage every turn. */
  readonly statefulEcho: FloorResult;
  readonly cpuRatio: number;
  readonly cpuRatioToStatefulEcho: number;
  readonly p99Ratio: number;
  /** Flows that did not end active (they still count as turns). */
  readonly failedFlows: number;
  /** Graph/ARM/token calls the level made, per activation flow (2 when every cache is warm). */
  readonly upstreamCallsPerFlow: number;
}

interface FloorResult {
  readonly cpuMsPerTurn: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** The processes a level sends the same turns to: the bot and its two floors (bench/echoBot.ts). */
interface Subjects {
  readonly bot: BotProcess;
  readonly echo: BotProcess;
  readonly statefulEcho: BotProcess;
}

type Stack = LocalStack;

const startStack = (): Promise<Stack> => startLocalStack({ name: 'bench', container: 'bench' });

/**
 * The process's stats once it has gone quiet (under 1% of a core for 300 ms): work a turn leaves
 * behind (state and cache writes after the reply) is charged to the window that caused it, not the next.
 */
async function settled(bot: BotProcess): Promise<ProcessStats> {
  let last = await bot.stats();
  for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
    await sleep(300);
    const now = await bot.stats();
    if (now.cpuMicros - last.cpuMicros < 3_000) return now;
    last = now;
  }
  return last;
}

/** Runs `each` for every item, all at once, and returns what they return, flattened. */
async function together<T, R>(items: readonly T[], each: (item: T) => Promise<R[]>): Promise<R[]> {
  return (await Promise.all(items.map(each))).flat();
}

async function turnCost(
  stack: Stack,
  { bot, echo, statefulEcho }: Subjects,
  users: readonly ChatUser[],
  concurrency: number,
  paced: boolean,
): Promise<LevelResult> {
  const { tenant, connector } = stack;
  // Alone, nobody waits for anybody: forty conversations one after another, without pauses, give
  // the single-conversation level enough turns to measure.
  const inSequence = concurrency === 1 ? SEQUENTIAL_CONVERSATIONS : 1;
  const lanes = Array.from({ length: concurrency }, (_, lane) => users.slice(lane * inSequence, (lane + 1) * inSequence));
  // A person's 1:1 chat with a bot keeps one conversation id for good, as in Teams.
  const talk = (endpoint: string, user: ChatUser) =>
    openConversation({ endpoint, connector, tenantId: tenant.tenantId, user, conversationId: `a:1on1-${user.aadObjectId}` });
  const random = seededRandom(concurrency);
  const pacing = paced && concurrency > 1;
  const thinkMs = pacing ? () => PACE.thinkMinMs + random() * (PACE.thinkMaxMs - PACE.thinkMinMs) : undefined;
  const arrive = () => (pacing ? sleep(random() * PACE.startSpreadMs) : Promise.resolve());

  await clearActivations(tenant, lanes.flat());
  const profileFile = (name: string) =>
    profileDir ? path.join(profileDir, `${name}-${concurrency}${paced ? '' : '-saturated'}.cpuprofile`) : undefined;
  if (profileDir) await bot.profile('start');
  const before = await settled(bot);
  let failedFlows = 0;
  tenant.requestLog.clear(); // the log keeps the last 10,000 calls only
  const botTurns = await together(lanes, async (lane) => {
    await arrive();
    const turns: Array<{ turn: TurnResult; user: ChatUser }> = [];
    for (const user of lane) {
      const flow = await runActivation(talk(bot.endpoint, user), { ...GLOBAL_READER_SCRIPT, ...(thinkMs ? { thinkMs } : {}) });
      if (flow.outcome !== 'active' && failedFlows++ === 0) {
        process.stderr.write(
          `bench: a flow ended ${flow.outcome}: ${flow.lastText.replace(/\s+/g, ' ').slice(0, 200)}\n  bot: ${bot.errorLogs().slice(-2).join('\n  bot: ')}\n`,
        );
      }
      turns.push(...flow.turns.map((turn) => ({ turn, user })));
    }
    return turns;
  });
  const after = await settled(bot);
  if (profileDir) await bot.profile('stop', profileFile('bot'));

  const floor = (subject: BotProcess) => floorTurns(subject, lanes, talk, arrive, thinkMs);
  const echoResult = await floor(echo);
  const statefulResult = await floor(statefulEcho);

  const log = tenant.requestLog.entries();
  const wall = botTurns.map(({ turn }) => turn.endedAt - turn.startedAt);
  const upstream = botTurns.map(({ turn, user }) => emulatorMsDuring(log, user.aadObjectId, turn));
  const own = wall.map((w, i) => Math.max(0, w - upstream[i]!));
  const botCpu = (after.cpuMicros - before.cpuMicros) / 1000 / botTurns.length;
  return {
    concurrency,
    thinkMs: pacing ? (PACE.thinkMinMs + PACE.thinkMaxMs) / 2 : 0,
    turns: botTurns.length,
    bot: {
      cpuMsPerTurn: round(botCpu),
      p50Ms: round(percentile(wall, 50)),
      p99Ms: round(percentile(wall, 99)),
      p99ExcludingEmulatorMs: round(percentile(own, 99)),
      emulatorMsPerTurn: round(upstream.reduce((a, b) => a + b, 0) / upstream.length),
    },
    echo: echoResult,
    statefulEcho: statefulResult,
    cpuRatio: round(botCpu / echoResult.cpuMsPerTurn),
    cpuRatioToStatefulEcho: round(botCpu / statefulResult.cpuMsPerTurn),
    p99Ratio: round(percentile(own, 99) / echoResult.p99Ms),
    failedFlows,
    upstreamCallsPerFlow: round(log.length / lanes.flat().length),
  };
}

/** A floor's turns in the level's pattern: three messages per conversation, with the level's pauses. */
async function floorTurns(
  subject: BotProcess,
  lanes: ReadonlyArray<readonly ChatUser[]>,
  talk: (endpoint: string, user: ChatUser) => ReturnType<typeof openConversation>,
  arrive: () => Promise<void>,
  thinkMs: (() => number) | undefined,
): Promise<FloorResult> {
  const before = await settled(subject);
  const turns = await together(lanes, async (lane) => {
    await arrive();
    const done: TurnResult[] = [];
    for (const user of lane) {
      const conversation = talk(subject.endpoint, user);
      for (let i = 0; i < 3; i++) {
        if (i > 0 && thinkMs) await sleep(thinkMs());
        done.push(await conversation.say(`hello ${i}`));
      }
    }
    return done;
  });
  const after = await settled(subject);
  const wall = turns.map((t) => t.endedAt - t.startedAt);
  return {
    cpuMsPerTurn: round((after.cpuMicros - before.cpuMicros) / 1000 / turns.length),
    p50Ms: round(percentile(wall, 50)),
    p99Ms: round(percentile(wall, 99)),
  };
}

function fanOutLines(fanOut: readonly FanOutResult[] | string): string[] {
  if (typeof fanOut === 'string') return [`  ${fanOut}`];
  return fanOut.map(
    (f) =>
      `  ${String(f.approvers).padStart(3)} approvers: ${f.ms} ms, floor ${f.floorMs} ms, ${f.ratio}x (median of ${f.rounds} rounds); delivered ${f.delivered}/${f.approvers} in every round, doubled ${f.doubled}, 429s ${f.refusals}`,
  );
}

function turnCostLines(levels: readonly LevelResult[]): string[] {
  const lines = [
    'Turn cost: activation flow vs. echo bots (same CloudAdapter + restify), CPU of each process; the stateful echo also reads and writes its conversation state on the same Storage',
    `People pause ${PACE.thinkMinMs / 1000}-${PACE.thinkMaxMs / 1000} s before each answer and start within ${PACE.startSpreadMs / 1000} s; alone (1), ${SEQUENTIAL_CONVERSATIONS} conversations run one after another without pauses; "200 think 0s" sends back-to-back (saturation)`,
    'conc  think  turns  bot CPU ms/turn  echo CPU ms/turn  ratio  stateful echo  ratio  bot p50  bot p99  p99 w/o emulator  echo p99  emulator ms/turn  calls/flow',
  ];
  for (const l of levels) {
    lines.push(
      [
        String(l.concurrency).padStart(4),
        `${l.thinkMs / 1000}s`.padStart(6),
        String(l.turns).padStart(6),
        String(l.bot.cpuMsPerTurn).padStart(16),
        String(l.echo.cpuMsPerTurn).padStart(17),
        `${l.cpuRatio}x`.padStart(6),
        String(l.statefulEcho.cpuMsPerTurn).padStart(14),
        `${l.cpuRatioToStatefulEcho}x`.padStart(6),
        String(l.bot.p50Ms).padStart(8),
        String(l.bot.p99Ms).padStart(8),
        String(l.bot.p99ExcludingEmulatorMs).padStart(17),
        String(l.echo.p99Ms).padStart(9),
        String(l.bot.emulatorMsPerTurn).padStart(17),
        String(l.upstreamCallsPerFlow).padStart(11),
        l.failedFlows ? ` (${l.failedFlows} flows did not complete)` : '',
      ].join(' '),
    );
  }
  return lines;
}

function printTable(
  levels: readonly LevelResult[],
  saturated: LevelResult,
  calls: UpstreamCalls,
  fanOut: readonly FanOutResult[] | string,
  mem: MemoryResult,
): void {
  const lines: string[] = ['', ...turnCostLines([...levels, saturated])];
  lines.push('', 'Upstream calls per flow (emulator request log; ratio vs. warm activation)');
  for (const [flow, c] of Object.entries(calls))
    lines.push(`  ${flow.padEnd(22)} ${String(c.calls).padStart(4)} calls  (${c.ratio}x)  ${c.detail}`);
  lines.push('', 'Approval fan-out through a Teams-rate-limited connector (7/s per conversation, 50/s per app)');
  lines.push(...fanOutLines(fanOut));
  lines.push('', ...memoryLines(mem));
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const args = process.argv.slice(2);
  if (args.includes('fanout')) return fanOutOnly(t0, args.includes('tsx') ? 'tsx' : 'compiled');
  if (args.includes('parsers')) return parsersOnly(t0);
  if (args.includes('upstream')) return upstreamOnly(t0);
  if (args.includes('burst')) return burstOnly(t0, args);
  if (args.includes('memory')) return memoryOnly(t0, args.includes('tsx') ? 'tsx' : 'compiled');
  const turnsOnly = args.includes('turns');
  // The production build by default (`node dist/bot/index.js`, bench/compiled.ts); `tsx` runs the sources as the tests do.
  const runtime: Runtime = args.includes('tsx') ? 'tsx' : 'compiled';
  if (runtime === 'compiled') buildCompiled();
  process.stderr.write(
    `bench: ${runtime === 'compiled' ? 'compiled build (node dist/bot/index.js, dist/bench/echoBot.js)' : 'sources under tsx'}\n`,
  );
  const stack = await startStack();
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const start = runtime === 'compiled' ? startCompiled : startUnderTsx;
  const bot = await start('bot', { env: { ...stack.env, PIM_CACHE_SECONDS: WARM_CACHE_SECONDS } });
  const echo = await start('echo', { env: stack.env });
  // Its own container: the same conversation ids must not meet the bot's dialog state.
  const statefulEcho = await start('statefulEcho', { env: { ...stack.env, STORAGE_CONTAINER: 'bench-echo' } });
  const subjects: Subjects = { bot, echo, statefulEcho };
  try {
    const users = await addBenchUsers(stack.tenant, Math.max(...LEVELS));
    // Each person's one 1:1 chat, the same conversation the levels use (as in Teams): a first message in
    // a conversation the bot has not seen stores its reference, a cost of the first contact, not of a turn.
    const chat = (endpoint: string, user: ChatUser) =>
      openConversation({
        endpoint,
        connector: stack.connector,
        tenantId: stack.tenant.tenantId,
        user,
        conversationId: `a:1on1-${user.aadObjectId}`,
      });
    // Warm the bot and every user's tokens and cached eligibilities: the levels measure turns,
    // not sign-ins. In batches: 200 first-time users at once overwhelm msal's per-user authority
    // discovery (see coldBurst below).
    for (let i = 0; i < users.length; i += 20) {
      const turns = await together(users.slice(i, i + 20), async (user) => [await chat(bot.endpoint, user).say('my roles')]);
      const failed = turns.find((t) => !/You can activate/.test(textOf(t.replies)));
      if (failed)
        throw new Error(
          `warm-up failed: ${textOf(failed.replies).replace(/\s+/g, ' ').slice(0, 200)}\n${bot.errorLogs().slice(0, 3).join('\n')}\n${bot.stderr().slice(-2000)}`,
        );
    }
    // Steady state means past each user's once-per-process reminder recompute: it is a cost of a user's
    // first message to a process, not of a turn, and would otherwise land in whichever level runs then.
    // The wait comes before the warm round below, not after it: a minute idle is when the bot gives memory
    // back (bot/idleMemory.ts, a "last resort" GC), after which V8 runs the next few hundred turns' code
    // 1.3-2x slower while it recompiles; measured after the wait, level 1 was the bot's cold restart, not
    // its turn (docs/performance.md, "CPU per turn against the stateful echo").
    await sleep(REMINDER_REFRESH_AFTER_MS + 5_000);
    // Steady state, not a cold start: one unmeasured round of the measured flow through each process,
    // so all run optimised code (V8 needs thousands of calls to optimise the SDKs' hot paths).
    for (let i = 0; i < users.length; i += 50) {
      await together(users.slice(i, i + 50), async (user) => [await runActivation(chat(bot.endpoint, user))]);
    }
    await clearActivations(stack.tenant, users);
    for (const floor of [echo, statefulEcho]) {
      await together(users, async (user) => {
        const conversation = chat(floor.endpoint, user);
        return [await conversation.say('warm up'), await conversation.say('warm up'), await conversation.say('warm up')];
      });
    }

    const levels: LevelResult[] = [];
    for (const level of LEVELS) {
      levels.push(await turnCost(stack, subjects, users, level, true));
      process.stderr.write(`bench: turn cost at ${level} done (${Math.round((Date.now() - t0) / 1000)} s)\n`);
    }
    const saturated = await turnCost(stack, subjects, users, Math.max(...LEVELS), false);
    process.stderr.write(`bench: saturated turn cost done (${Math.round((Date.now() - t0) / 1000)} s)\n`);
    if (turnsOnly) {
      const flags = turnTargets(levels, saturated);
      process.stdout.write(
        `${turnCostLines([...levels, saturated]).join('\n')}\nTargets: ${JSON.stringify(flags)}\n(${Math.round((Date.now() - t0) / 1000)} s, ${runtime}; turn cost only, no results file)\n`,
      );
      return;
    }
    const calls = await upstreamCallsPerFlow(stack, bot);
    process.stderr.write(`bench: upstream calls done (${Math.round((Date.now() - t0) / 1000)} s)\n`);
    const fanOut = await measureFanOut(stack, bot);
    process.stderr.write(`bench: fan-out done (${Math.round((Date.now() - t0) / 1000)} s)\n`);
    const mem = await memoryOf(stack, runtime);
    process.stderr.write(`bench: memory done (${Math.round((Date.now() - t0) / 1000)} s)\n`);
    const parsers = benchParsers();

    const last = levels[levels.length - 1]!;
    const results = {
      when: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
      runtime: runtime === 'compiled' ? 'node dist/bot/index.js (npm run build); floors: dist/bench/echoBot.js' : 'tsx',
      targets: {
        // From the measured values, not the ratios rounded for the table (1.24 must not pass as 1.2).
        p99Under200msExcludingEmulator: levels.every((l) => l.bot.p99ExcludingEmulatorMs < TARGETS.p99ExcludingEmulatorMs),
        ...turnTargets(levels, saturated),
        ...fanOutTargets(fanOut),
        ...parserTargets(parsers),
        ...memoryTargets(mem),
      },
      turnCost: levels,
      saturated,
      upstreamCalls: calls,
      fanOut,
      memory: mem,
      parsers,
      seconds: Math.round((Date.now() - t0) / 1000),
      atHighestConcurrency: { cpuRatio: last.cpuRatio, p99ExcludingEmulatorMs: last.bot.p99ExcludingEmulatorMs },
    };
    // The burst runs on its own (npm run bench -- burst, ~19 min): its figures and flags are kept.
    updateResults(results, results.targets);
    printTable(levels, saturated, calls, fanOut, mem);
    process.stdout.write(`\n${parsersLines(parsers).join('\n')}\n`);
    process.stdout.write(`\nTargets: ${JSON.stringify(results.targets)}\nWrote bench/results.json in ${results.seconds} s\n`);
  } finally {
    await Promise.all([bot.stop(), echo.stop(), statefulEcho.stop()]);
    await stack.stop();
    if (runtime === 'compiled') cleanCompiled();
  }
}

/** The old subjects: the sources under tsx, the echo floors through botProcess's factory option. */
function startUnderTsx(subject: Subject, options: { env: Record<string, string> }): Promise<BotProcess> {
  if (subject === 'bot') return startBotProcess(options);
  const exportName = subject === 'echo' ? 'createEchoBotApp' : 'createStatefulEchoBotApp';
  return startBotProcess({ ...options, factory: { module: path.join(__dirname, 'echoBot.ts'), exportName } });
}

/** A bot of its own for the memory scenario (the turn levels' bot has met 200 other people). */
async function memoryOf(stack: Stack, runtime: Runtime): Promise<MemoryResult> {
  const bot = await (runtime === 'compiled' ? startCompiled : startUnderTsx)('bot', {
    env: { ...stack.env, STORAGE_CONTAINER: 'bench-memory' },
  });
  try {
    const result = await measureMemory(stack, bot, runtime === 'compiled' ? 'node dist/bot/index.js' : 'tsx bot/index.ts');
    const lost = bot.unhandledRejections();
    if (lost.length > 0) process.stderr.write(`bench: ${lost.length} unhandled rejections in the memory bot: ${lost[0]}\n`);
    return result;
  } finally {
    await bot.stop();
  }
}

/** `npm run bench -- memory`: the memory scenario alone; updates its part of bench/results.json. */
async function memoryOnly(t0: number, runtime: Runtime): Promise<void> {
  if (runtime === 'compiled') buildCompiled();
  const stack = await startStack();
  try {
    const mem = await memoryOf(stack, runtime);
    updateResults({ memory: mem, memoryWhen: new Date().toISOString() }, memoryTargets(mem));
    process.stdout.write(
      `${memoryLines(mem).join('\n')}\nTargets: ${JSON.stringify(memoryTargets(mem))}\n(${Math.round((Date.now() - t0) / 1000)} s)\n`,
    );
  } finally {
    await stack.stop();
    if (runtime === 'compiled') cleanCompiled();
  }
}

function turnTargets(levels: readonly LevelResult[], saturated: LevelResult): Record<string, boolean> {
  return {
    cpuPerTurnAtMost1_5xStatefulEchoPaced: levels.every(
      (l) => l.bot.cpuMsPerTurn <= TARGETS.statefulPacedRatio * l.statefulEcho.cpuMsPerTurn,
    ),
    cpuPerTurnAtMost2xStatefulEchoBackToBack:
      saturated.bot.cpuMsPerTurn <= TARGETS.statefulBackToBackRatio * saturated.statefulEcho.cpuMsPerTurn,
  };
}

function memoryTargets(mem: MemoryResult): Record<string, boolean> {
  // On what the bot keeps once idle again; the growth right after the burst is reported next to it.
  return {
    memoryGrowthAtMost100MbAfter1000Conversations: mem.retainedAfterIdle.rssGrowthMb <= MEMORY_GROWTH_TARGET_MB && mem.notInDialog === 0,
  };
}

/** Merges one scenario's figures and flags into bench/results.json, keeping the rest of the file. */
/** Flags of targets issue 19 replaced (CPU against the plain echo, and 2x the stateful echo everywhere). */
const RETIRED_TARGETS = new Set(['cpuPerTurnAtMost2xFloor', 'cpuPerTurnAtMost2xStatefulFloor']);

function updateResults(part: Record<string, unknown>, targets: Record<string, unknown>): void {
  const file = path.join(__dirname, 'results.json');
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { targets?: Record<string, unknown> }) : {};
  const kept = Object.fromEntries(Object.entries(previous.targets ?? {}).filter(([name]) => !RETIRED_TARGETS.has(name)));
  writeFileSync(file, `${JSON.stringify({ ...previous, ...part, targets: { ...kept, ...targets } }, null, 2)}\n`);
}

/** `npm run bench -- fanout`: the approval fan-out alone (a minute instead of the whole run); writes no results file. */
/** Issue 19's fan-out flags; every card delivered once is part of each. */
function fanOutTargets(fanOut: FanOutResult[] | string): Record<string, boolean | string> {
  const met = (pick: (f: FanOutResult) => boolean, ratio: number): boolean | string =>
    typeof fanOut === 'string'
      ? 'not measured'
      : fanOut.filter(pick).every((f) => f.ms <= ratio * f.floorMs && f.delivered === f.approvers && f.doubled === 0);
  return {
    fanOutOneApproverAtMost1_5xFloor: met((f) => f.approvers === 1, TARGETS.fanOutOneApproverRatio),
    fanOut10And50Within1_2xOfFloor: met((f) => f.approvers > 1, TARGETS.fanOutRatio),
  };
}

/** `npm run bench -- fanout`: the approval fan-out alone; updates its part of bench/results.json. */
async function fanOutOnly(t0: number, runtime: Runtime): Promise<void> {
  if (runtime === 'compiled') buildCompiled();
  const stack = await startStack();
  const bot = await (runtime === 'compiled' ? startCompiled : startUnderTsx)('bot', { env: stack.env });
  try {
    const fanOut = await measureFanOut(stack, bot);
    const lines = ['Approval fan-out through a Teams-rate-limited connector (7/s per conversation, 50/s per app)', ...fanOutLines(fanOut)];
    updateResults({ fanOut, fanOutWhen: new Date().toISOString() }, fanOutTargets(fanOut));
    process.stdout.write(
      `${lines.join('\n')}\nTargets: ${JSON.stringify(fanOutTargets(fanOut))}\n(${Math.round((Date.now() - t0) / 1000)} s)\n`,
    );
    if (typeof fanOut === 'string' || fanOut.some((f) => f.delivered !== f.approvers || f.doubled > 0)) process.exitCode = 1;
  } finally {
    await bot.stop();
    await stack.stop();
    if (runtime === 'compiled') cleanCompiled();
  }
}

/** `npm run bench -- upstream`: only the upstream requests per flow (bench/upstream.ts); updates their part of bench/results.json. */
async function upstreamOnly(t0: number): Promise<void> {
  const stack = await startStack();
  const bot = await startBotProcess({ env: { ...stack.env, PIM_CACHE_SECONDS: WARM_CACHE_SECONDS } });
  try {
    const calls = await upstreamCallsPerFlow(stack, bot);
    // A new stack: the counts of a tenant of the demo users, not of one the turn levels filled with 200 more.
    updateResults({ upstreamCalls: calls, upstreamWhen: new Date().toISOString() }, {});
    for (const [flow, c] of Object.entries(calls)) process.stdout.write(`${flow.padEnd(30)} ${String(c.calls).padStart(3)}  ${c.detail}\n`);
    process.stdout.write(`(${Math.round((Date.now() - t0) / 1000)} s)\n`);
  } finally {
    await bot.stop();
    await stack.stop();
  }
}

function parserTargets(parsers: ParsersBench): Record<string, boolean> {
  return { parsersWorstAtMost5xTypicalAt4000Chars: parsers.worstRatioAtTeamsLimit <= WORST_TO_TYPICAL_TARGET };
}

/** `npm run bench -- parsers`: the parsers alone (in-process, no stack); updates their part of bench/results.json. */
async function parsersOnly(t0: number): Promise<void> {
  const parsers = benchParsers();
  const file = path.join(__dirname, 'results.json');
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { targets?: Record<string, unknown> }) : {};
  const results = {
    ...previous,
    targets: { ...(previous.targets ?? {}), ...parserTargets(parsers) },
    parsers,
    parsersWhen: new Date().toISOString(),
  };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(
    `${parsersLines(parsers).join('\n')}\nTargets: ${JSON.stringify(parserTargets(parsers))}\nUpdated bench/results.json (parsers) in ${Math.round((Date.now() - t0) / 1000)} s\n`,
  );
}

function burstTargets(r: { burst?: BurstResult; saturated?: BurstResult }): Record<string, boolean> {
  return {
    ...(r.burst ? { burstNoFailures: r.burst.failures === BURST_TARGETS.failures } : {}),
    ...(r.saturated
      ? {
          burstSaturatedNoFailures: r.saturated.failures === BURST_TARGETS.failures,
          burstAtLeast0_8xWriteQuotaFloor: r.saturated.floorRatio >= BURST_TARGETS.floorRatio,
        }
      : {}),
  };
}

/**
 * `npm run bench -- burst [--users N] [--saturated-users N] [--window-scale K] [--quota-rate R] [--only burst|saturated]`:
 * the 9 a.m. burst under Graph's quotas alone (bench/burst.ts); updates its part of bench/results.json.
 */
async function burstOnly(t0: number, args: readonly string[]): Promise<void> {
  const phases = parseBurstArgs(args);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const burst = phases.burst ? await runBurst(phases.burst, log) : undefined;
  if (burst) process.stdout.write(`${burstLines(burst).join('\n')}\n`);
  const saturated = phases.saturated ? await runBurst(phases.saturated, log) : undefined;
  if (saturated) process.stdout.write(`${['Saturated (the quota binds):', ...burstLines(saturated)].join('\n')}\n`);
  const measured = { ...(burst ? { burst } : {}), ...(saturated ? { saturated } : {}) };
  const file = path.join(__dirname, 'results.json');
  const previous = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { targets?: Record<string, unknown>; burst?: Record<string, unknown> })
    : {};
  // `--only saturated` keeps the last burst phase's numbers (and the other way round).
  const results = {
    ...previous,
    targets: { ...(previous.targets ?? {}), ...burstTargets(measured) },
    burst: { ...(previous.burst ?? {}), ...measured },
    burstWhen: new Date().toISOString(),
    burstCommand: `npm run bench -- ${args.join(' ')}`,
  };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(
    `Targets: ${JSON.stringify(burstTargets(measured))}\nUpdated bench/results.json (burst) in ${Math.round((Date.now() - t0) / 1000)} s\n`,
  );
}

/**
 * `npm run bench` may run plain `tsx bench/run.ts`: then trust the local CA the way
 * scripts/with-local-ca.ts does and run this file again, with the same loader flags, under it.
 */
async function underLocalCa(): Promise<boolean> {
  const certDir = path.resolve(repoRoot, process.env['LOCAL_CERT_DIR'] ?? path.join('.data', 'certs'));
  const { caCertPath } = await ensureLocalCertificates(certDir);
  // Set to something else (a system bundle) is not enough: the bot children must trust the local CA.
  if (process.env['NODE_EXTRA_CA_CERTS'] === caCertPath) return true;
  const child = spawn(process.execPath, [...process.execArgv, __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    cwd: repoRoot,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caCertPath, LOCAL_CERT_DIR: certDir },
  });
  process.exitCode = await new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  return false;
}

void underLocalCa().then((trusted) => {
  if (!trusted) return;
  return main().catch((e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
});
