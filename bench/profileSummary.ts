// Summarises a V8 .cpuprofile (from `node --cpu-prof` or BENCH_PROFILE=1) by where the time is spent:
// self time per package (node_modules/<pkg>), per folder of this project (bot/, dialogs/, cards/, ...),
// node's own internals, GC and idle; then the top self-time functions.
//   npx tsx bench/profileSummary.ts bench/profiles/bot-1.cpuprofile [--top 30] [--turns 120]
//   npx tsx bench/profileSummary.ts <file> --by-activity [--turns 120]   (state, msal, PIM calls, replies, cards, dialogs, ...)
//   npx tsx bench/profileSummary.ts <file> --callers writeLatin1String [--depth 6]   (who calls a hot function)
// With --turns N the milliseconds are also given per turn. The profiler samples: read proportions.
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const PROJECT_FOLDERS = ['bot', 'dialogs', 'cards', 'services', 'bench', 'emulator', 'tests'];

/** Where a frame's code lives: `npm:<package>`, `app:<folder>`, `node:internal`, or a V8 pseudo-frame. */
export function ownerOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return '(gc)';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return '(program)';
    return '(native)';
  }
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + '/node_modules/'.length).split('/');
    return `npm:${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (path.startsWith('node:')) return 'node:internal';
  const parts = path.split('/');
  for (let i = parts.length - 2; i >= 0; i--) if (PROJECT_FOLDERS.includes(parts[i]!)) return `app:${parts[i]}`;
  return 'other';
}

export interface Summary {
  readonly totalMs: number;
  readonly byOwner: ReadonlyArray<{ owner: string; ms: number; share: number }>;
  readonly topFunctions: ReadonlyArray<{ fn: string; owner: string; ms: number; share: number }>;
}

export function summarise(profile: CpuProfile, top = 25): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const owners = new Map<string, number>();
  const functions = new Map<string, { owner: string; micros: number }>();
  let total = 0;
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)!.callFrame;
    const owner = ownerOf(frame);
    if (owner === '(idle)') continue;
    total += micros;
    owners.set(owner, (owners.get(owner) ?? 0) + micros);
    const file = frame.url.split('/').slice(-2).join('/');
    const key = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    const entry = functions.get(key) ?? { owner, micros: 0 };
    entry.micros += micros;
    functions.set(key, entry);
  }
  const ms = (micros: number) => Math.round(micros / 100) / 10;
  const share = (micros: number) => Math.round((1000 * micros) / total) / 10;
  return {
    totalMs: ms(total),
    byOwner: [...owners].sort((a, b) => b[1] - a[1]).map(([owner, micros]) => ({ owner, ms: ms(micros), share: share(micros) })),
    topFunctions: [...functions]
      .sort((a, b) => b[1].micros - a[1].micros)
      .slice(0, top)
      .map(([fn, { owner, micros }]) => ({ fn, owner, ms: ms(micros), share: share(micros) })),
  };
}

/**
 * What part of a turn a sample belongs to: the nearest frame, from the sampled function up its stack,
 * whose code is one of these. Samples with no such frame (I/O callbacks that start on an empty stack,
 * node's HTTP parser, GC) are "I/O and runtime, not attributable".
 */
const ACTIVITIES: ReadonlyArray<{ name: string; match: (path: string) => boolean }> = [
  {
    name: 'state (Blob storage: dialog/user state, reminders)',
    match: (p) => /node_modules\/@azure\/storage-|\/services\/store\/|botbuilder-core\/lib\/(botState|conversationState|userState)/.test(p),
  },
  { name: 'msal (tokens)', match: (p) => p.includes('node_modules/@azure/msal-') || p.includes('/services/identity/') },
  {
    name: 'PIM calls (Graph client, ARM client, fetch)',
    match: (p) => /node_modules\/(@microsoft\/microsoft-graph-client|@azure\/arm-authorization)|\/services\/(pim|policy)\/|undici/.test(p),
  },
  {
    name: 'replies (Bot Connector client)',
    match: (p) =>
      /botframework-connector\/lib\/(connectorApi|teams)|botbuilder-core\/lib\/cloudAdapterBase|botbuilder-core\/lib\/turnContext/.test(p),
  },
  {
    name: 'cards (templating, sanitising)',
    match: (p) => p.includes('/cards/') || p.includes('adaptivecards-templating') || p.includes('adaptive-expressions'),
  },
  {
    name: 'dialogs (understanding, waterfalls)',
    match: (p) => p.includes('/dialogs/') || p.includes('botbuilder-dialogs') || p.includes('recognizers-text'),
  },
  {
    name: 'inbound (restify, auth, adapter)',
    match: (p) =>
      /node_modules\/(restify|find-my-way|botbuilder\/|botframework-connector\/lib\/auth|jsonwebtoken|jose)|\/bot\/(http|server|turn|pimBot|messageGuard)/.test(
        p,
      ),
  },
  {
    name: 'logging, telemetry',
    match: (p) => /\/bot\/(logging|telemetry|sdkConsole|meteredServices)|@opentelemetry|@azure\/core-tracing/.test(p),
  },
];

export function byActivity(profile: CpuProfile): ReadonlyArray<{ activity: string; ms: number; share: number }> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const activityOf = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = activityOf.get(id);
    if (known) return known;
    const url = byId.get(id)!.callFrame.url;
    const hit = url ? ACTIVITIES.find((a) => a.match(url)) : undefined;
    const up = parent.get(id);
    const activity = hit ? hit.name : up === undefined ? 'I/O and runtime, not attributable' : resolve(up);
    activityOf.set(id, activity);
    return activity;
  };
  const totals = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)' || (frame.functionName === 'post' && frame.url === 'node:inspector')) return;
    const micros = profile.timeDeltas[i] ?? 0;
    const activity = frame.functionName === '(garbage collector)' ? 'garbage collection' : resolve(id);
    totals.set(activity, (totals.get(activity) ?? 0) + micros);
    total += micros;
  });
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .map(([activity, micros]) => ({ activity, ms: Math.round(micros / 100) / 10, share: Math.round((1000 * micros) / total) / 10 }));
}

/** Who calls a function (by name): self time of the matching frames, summed per chain of `depth` callers. */
export function callersOf(profile: CpuProfile, name: string, depth = 4, top = 15): ReadonlyArray<{ chain: string; ms: number }> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const chains = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    if (byId.get(id)!.callFrame.functionName !== name) continue;
    const names: string[] = [];
    for (let at = parent.get(id), i = 0; at !== undefined && i < depth; at = parent.get(at), i++) {
      const f = byId.get(at)!.callFrame;
      names.push(`${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`);
    }
    const chain = names.join(' < ');
    chains.set(chain, (chains.get(chain) ?? 0) + micros);
  }
  return [...chains]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([chain, micros]) => ({ chain, ms: Math.round(micros / 100) / 10 }));
}

function main(): void {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
  if (!file) {
    process.stderr.write('usage: tsx bench/profileSummary.ts <file.cpuprofile> [--top N] [--turns N]\n');
    process.exitCode = 2;
    return;
  }
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const turns = option('--turns');
  const perTurn = (ms: number) => (turns ? `  ${(ms / turns).toFixed(2).padStart(6)} ms/turn` : '');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const callers = args.indexOf('--callers');
  if (callers >= 0) {
    for (const c of callersOf(profile, args[callers + 1] ?? '', option('--depth') ?? 4))
      process.stdout.write(`${String(c.ms).padStart(8)} ms  ${c.chain}\n`);
    return;
  }
  if (args.includes('--by-activity')) {
    const rows = byActivity(profile);
    const busy = rows.reduce((sum, r) => sum + r.ms, 0);
    process.stdout.write(
      `${file}: ${Math.round(busy)} ms busy (idle and the profiler's own stop excluded)${turns ? `, ${(busy / turns).toFixed(2)} ms per turn` : ''}\n`,
    );
    for (const r of rows)
      process.stdout.write(`  ${r.activity.padEnd(52)} ${String(r.ms).padStart(8)} ms ${String(r.share).padStart(5)}%${perTurn(r.ms)}\n`);
    return;
  }
  const summary = summarise(profile, option('--top') ?? 25);
  const lines = [
    `${file}: ${summary.totalMs} ms busy (idle excluded)${turns ? `, ${(summary.totalMs / turns).toFixed(2)} ms per turn over ${turns} turns` : ''}`,
    '',
    'self time by owner:',
  ];
  for (const o of summary.byOwner)
    lines.push(`  ${o.owner.padEnd(44)} ${String(o.ms).padStart(8)} ms ${String(o.share).padStart(5)}%${perTurn(o.ms)}`);
  lines.push('', 'top self-time functions:');
  for (const f of summary.topFunctions)
    lines.push(`  ${String(f.share).padStart(5)}% ${String(f.ms).padStart(8)} ms  ${f.owner.padEnd(36)} ${f.fn}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (require.main === module) main();
