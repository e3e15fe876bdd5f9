// `npm run bench:startup`: time to ready and idle resident memory of the compiled bot
// (`node dist/bot/index.js`, after `npm run build`) against the TypeScript start through tsx
// (`tsx bot/index.ts`), same settings (local mode against the emulator and Azurite), alternating,
// RUNS times each. Memory is the whole process tree's (tsx runs the bot in a child of its CLI).
// Results are for docs/performance.md; nothing here is a test.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAzurite } from '../emulator/storage/azurite';
import { localBotEnv } from '../emulator/stack/localBotEnv';
import { startTestTenant } from '../emulator/stack/tenant';

const repoRoot = path.resolve(__dirname, '..');
const RUNS = Number(process.env['RUNS'] ?? 5);
const IDLE_MS = 5_000;

interface Sample {
  readonly readyMs: number;
  readonly rssMiB: number;
}

const STARTS = {
  'node dist/bot/index.js': [process.execPath, 'dist/bot/index.js'],
  'tsx bot/index.ts': [process.execPath, path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'bot/index.ts'],
} as const;

function treeRssKiB(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  const visit = (p: number): void => {
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return;
    }
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return total;
}

async function once(command: readonly string[], env: Record<string, string>, port: number): Promise<Sample> {
  const started = performance.now();
  const child: ChildProcess = spawn(command[0]!, command.slice(1), {
    cwd: repoRoot,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const readyMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, IDLE_MS));
    return { readyMs, rssMiB: treeRssKiB(child.pid!) / 1024 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  if (!existsSync(path.join(repoRoot, 'dist', 'bot', 'index.js'))) throw new Error('run `npm run build` first');
  const dir = mkdtempSync(path.join(tmpdir(), 'pimbot-startup-'));
  const [tenant, azurite] = await Promise.all([startTestTenant(), startAzurite({ location: dir })]);
  try {
    const env = localBotEnv(tenant, azurite.connectionString, 'startup');
    const samples = new Map<string, Sample[]>(Object.keys(STARTS).map((k) => [k, []]));
    for (let i = 0; i < RUNS; i++) {
      for (const [name, command] of Object.entries(STARTS)) samples.get(name)!.push(await once(command, env, 39_000 + i));
    }
    process.stdout.write(`Node ${process.version}, ${RUNS} runs each, median (min-max)\n`);
    for (const [name, s] of samples) {
      const ready = s.map((x) => x.readyMs);
      const rss = s.map((x) => x.rssMiB);
      process.stdout.write(
        `${name.padEnd(24)} ready ${median(ready).toFixed(0)} ms (${Math.min(...ready).toFixed(0)}-${Math.max(...ready).toFixed(0)})   idle RSS ${median(rss).toFixed(0)} MiB (${Math.min(...rss).toFixed(0)}-${Math.max(...rss).toFixed(0)})\n`,
      );
    }
  } finally {
    await Promise.all([tenant.close(), azurite.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
