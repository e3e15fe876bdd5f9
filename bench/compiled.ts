// The compiled build for the benchmark: `npm run build` (dist/, what production runs with
// `node dist/bot/index.js`), plus the benchmark's own compiled pieces next to it in dist/bench/
// (the echo floors and the IPC preload), transpiled one file each so their relative imports
// (`../bot/...`) resolve to the compiled modules in dist/. BENCH_NO_BUILD=1 reuses an existing dist/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import ts from 'typescript';
import { startBotProcess, type BotProcess, type BotProcessOptions } from '../emulator/stack/botProcess';

const repoRoot = path.resolve(__dirname, '..');
const dist = path.join(repoRoot, 'dist');
const benchOut = path.join(dist, 'bench');

export function buildCompiled(): void {
  if (process.env['BENCH_NO_BUILD'] !== '1' || !existsSync(path.join(dist, 'bot', 'index.js'))) {
    execFileSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
  }
  mkdirSync(benchOut, { recursive: true });
  for (const name of ['echoBot', 'compiledChild']) {
    const source = readFileSync(path.join(__dirname, `${name}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: `${name}.ts`,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    writeFileSync(path.join(benchOut, `${name}.js`), outputText);
  }
}

/** Removes dist/bench/, so a later image build from dist/ does not ship the benchmark's floors. */
export function cleanCompiled(): void {
  rmSync(benchOut, { recursive: true, force: true });
}

export type Subject = 'bot' | 'echo' | 'statefulEcho';

/** One compiled process: the production entry for the bot, dist/bench/echoBot.js for the floors. */
export async function startCompiled(subject: Subject, options: Omit<BotProcessOptions, 'compiled'>): Promise<BotProcess> {
  const port = await freePort();
  const script = subject === 'bot' ? path.join(dist, 'bot', 'index.js') : path.join(benchOut, 'echoBot.js');
  return startBotProcess({
    ...options,
    env: { ...options.env, PORT: String(port), ...(subject === 'statefulEcho' ? { BENCH_ECHO: 'stateful' } : {}) },
    compiled: { script, preload: path.join(benchOut, 'compiledChild.js') },
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
