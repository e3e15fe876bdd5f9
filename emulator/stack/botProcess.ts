// One bot instance in its own process, so a test can SIGKILL it for real and a benchmark can read
// its CPU time and memory apart from the emulator's. The child runs the real composition root
// (createBotApp) from environment settings, exactly like `npm start` does.
//
//   parent:  const bot = await startBotProcess({ env: { LOCAL_TENANT_URL: ..., ... } });
//   child:   node --require tsx/cjs emulator/stack/botProcess.ts   (env as for bot/config)
//
// The child reports readiness and answers stats requests over Node's IPC channel.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { loadConfig, type BotConfig } from '../../bot/config';
import { createBotApp, type BotApp } from '../../bot/server';

/** Names a module and its export `(config) => BotApp`, e.g. `/abs/bench/echoBot.ts#createEchoBotApp`. */
const FACTORY_ENV = 'BOT_PROCESS_FACTORY';

type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'stats'; id: number; cpu: NodeJS.CpuUsage; memory: NodeJS.MemoryUsage }
  | { type: 'profiled'; id: number }
  | { type: 'failed'; message: string }
  | { type: 'unhandledRejection'; reason: string };

type ParentMessage = { type: 'stats'; id: number; gc?: boolean } | { type: 'profile'; id: number; action: 'start' | 'stop'; file?: string };

export interface ProcessStats {
  /** Microseconds of CPU (user + system) since the child started. */
  readonly cpuMicros: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Memory of C++ objects bound to JS ones (Buffers included). */
  readonly externalBytes: number;
}

export interface BotProcess {
  readonly pid: number;
  readonly port: number;
  /** http://127.0.0.1:PORT/api/messages */
  readonly endpoint: string;
  /** CPU and memory of the child; `gc` runs a full collection first (the child has --expose-gc). */
  stats(options?: { gc?: boolean }): Promise<ProcessStats>;
  /** Starts a CPU profile of the child (inspector), or stops it and writes it to `file`. */
  profile(action: 'start' | 'stop', file?: string): Promise<void>;
  /** SIGKILL: no shutdown code runs, like a crashed or evicted instance. Resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL if it lingers. */
  stop(): Promise<void>;
  /** What the child wrote to stderr (crashes, runtime warnings). */
  readonly stderr: () => string;
  /** The JSON log lines at level warn or error (the bot logs to stdout), most recent 1,000. */
  readonly errorLogs: () => readonly string[];
  /** Promise rejections nobody handled in the child, as text. */
  readonly unhandledRejections: () => readonly string[];
  /** Exit code or signal once the child is gone; undefined while it runs. */
  readonly exit: () => string | undefined;
}

export interface BotProcessOptions {
  /** Settings for bot/config (LOCAL_TENANT_URL, STORAGE_CONNECTION_STRING, ...). PORT defaults to 0. */
  readonly env: Readonly<Record<string, string>>;
  /** Run another app than the bot (the echo bot of the benchmark): absolute module path and export name. */
  readonly factory?: { readonly module: string; readonly exportName: string };
  readonly startTimeoutMs?: number;
  /** Extra node flags for the child, e.g. ['--cpu-prof', '--cpu-prof-dir=...'] for a profile. */
  readonly nodeArgs?: readonly string[];
  /**
   * Run a compiled script (`dist/bot/index.js`, the production start) with plain node instead of this
   * file under tsx: `preload` is a compiled module that answers the parent's IPC the way runChild does
   * (bench/compiledChild.ts). The script must listen on the PORT it is given (not 0).
   */
  readonly compiled?: { readonly script: string; readonly preload: string };
}

export async function startBotProcess(options: BotProcessOptions): Promise<BotProcess> {
  const env: Record<string, string> = {
    ...pickInherited(process.env),
    PORT: '0',
    ...options.env,
    ...(options.factory ? { [FACTORY_ENV]: `${options.factory.module}#${options.factory.exportName}` } : {}),
  };
  const entry = options.compiled ? ['--require', options.compiled.preload, options.compiled.script] : ['--require', 'tsx/cjs', __filename];
  const child = spawn(process.execPath, ['--expose-gc', ...(options.nodeArgs ?? []), ...entry], {
    cwd: path.resolve(__dirname, '..', '..'),
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const errorLogs: string[] = [];
  const unhandled: string[] = [];
  let exit: string | undefined;
  child.once('exit', (code, signal) => void (exit = String(code ?? signal)));
  child.on('message', (m: ChildMessage) => void (m.type === 'unhandledRejection' && unhandled.push(m.reason)));
  let partial = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"level":"error"') && !line.includes('"level":"warn"')) continue;
      errorLogs.push(line);
      if (errorLogs.length > 1000) errorLogs.shift();
    }
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    // Bounded: a noisy child must not grow the test's memory.
    stderr = (stderr + chunk).slice(-64 * 1024);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bot process did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${stderr}`));
    }, options.startTimeoutMs ?? 30_000);
    const onMessage = (m: ChildMessage): void => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(m.port);
      } else if (m.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`bot process failed to start: ${m.message}\n${stderr}`));
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`bot process exited (${code ?? signal}) before it was ready:\n${stderr}`));
    });
  });

  let nextId = 0;
  return {
    pid: child.pid!,
    port,
    endpoint: `http://127.0.0.1:${port}/api/messages`,
    stderr: () => stderr,
    errorLogs: () => errorLogs,
    unhandledRejections: () => unhandled,
    exit: () => exit,
    stats: (o = {}) => requestStats(child, ++nextId, o.gc === true),
    profile: (action, file) =>
      ask(child, { type: 'profile', id: ++nextId, action, ...(file ? { file } : {}) }, 'profiled').then(() => undefined),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function requestStats(child: ChildProcess, id: number, gc: boolean): Promise<ProcessStats> {
  const m = await ask(child, { type: 'stats', id, gc }, 'stats');
  return {
    cpuMicros: m.cpu.user + m.cpu.system,
    rssBytes: m.memory.rss,
    heapUsedBytes: m.memory.heapUsed,
    externalBytes: m.memory.external,
  };
}

function ask<T extends ChildMessage['type']>(
  child: ChildProcess,
  message: ParentMessage,
  answer: T,
): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`bot process did not answer a ${message.type} request`));
    }, 10_000);
    const onMessage = (m: ChildMessage): void => {
      if (m.type !== answer || !('id' in m) || m.id !== message.id) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m as Extract<ChildMessage, { type: T }>);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

/** Only what a Node process needs from the parent's environment: the CA, PATH, HOME, temp dirs. */
function pickInherited(env: NodeJS.ProcessEnv): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'NODE_EXTRA_CA_CERTS', 'LOCAL_CERT_DIR', 'SYSTEMROOT'];
  const picked: Record<string, string> = {};
  for (const name of keep) if (env[name] !== undefined) picked[name] = env[name]!;
  return picked;
}

// ---- the child ----

async function runChild(): Promise<void> {
  const send = (m: ChildMessage): void => void process.send?.(m);
  try {
    // Reported, not swallowed: a test asserts there are none (Node would otherwise end the process).
    process.on('unhandledRejection', (reason) => {
      send({ type: 'unhandledRejection', reason: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason) });
    });
    const config = loadConfig(process.env);
    const app = createApp(config);
    const { port } = await app.listen(config.port, '127.0.0.1');
    const profiler = childProfiler();
    process.on('message', (m: ParentMessage) => {
      if (m?.type === 'profile') void profiler(m.action, m.file).then(() => send({ type: 'profiled', id: m.id }));
      if (m?.type !== 'stats') return;
      if (m.gc) (globalThis as { gc?: () => void }).gc?.();
      send({ type: 'stats', id: m.id, cpu: process.cpuUsage(), memory: process.memoryUsage() });
    });
    process.once('SIGTERM', () => void app.close().finally(() => process.exit(0)));
    // The parent going away (a test runner killed) must not leave an orphan bot behind.
    process.once('disconnect', () => process.exit(0));
    send({ type: 'ready', port });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
    process.disconnect?.();
  }
}

/** CPU profiles of a window of the child's life (the benchmark profiles one load level at a time). */
function childProfiler(): (action: 'start' | 'stop', file?: string) => Promise<void> {
  let session: Session | undefined;
  const post = (s: Session, method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) => s.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  return async (action, file) => {
    if (action === 'start') {
      session ??= new Session();
      session.connect();
      await post(session, 'Profiler.enable');
      await post(session, 'Profiler.start');
      return;
    }
    if (!session) return;
    const { profile } = (await post(session, 'Profiler.stop')) as { profile: unknown };
    session.disconnect();
    session = undefined;
    if (file) writeFileSync(file, JSON.stringify(profile));
  };
}

function createApp(config: BotConfig): BotApp {
  const factory = process.env[FACTORY_ENV];
  if (!factory) return createBotApp(config);
  const [modulePath, exportName] = factory.split('#');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a module named at run time
  const mod = require(modulePath!) as Record<string, unknown>;
  const create = mod[exportName!];
  if (typeof create !== 'function') throw new Error(`${factory} is not a function`);
  return (create as (c: BotConfig) => BotApp)(config);
}

if (require.main === module) void runChild();
