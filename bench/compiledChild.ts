// Preloaded (`node --require dist/bench/compiledChild.js dist/bot/index.js`) into a compiled bot or
// echo started by emulator/stack/botProcess.ts with its `compiled` option, so the benchmark measures
// the production start (`node dist/bot/index.js`, no tsx) while still reading the child's CPU time and
// memory and taking CPU profiles over IPC, as runChild in botProcess.ts does for the tsx child.
// Node built-ins only: it must not load (and so warm or instrument) any of the bot's own modules.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { connect } from 'node:net';

type ParentMessage = { type: 'stats'; id: number; gc?: boolean } | { type: 'profile'; id: number; action: 'start' | 'stop'; file?: string };

const send = (m: object): void => void process.send?.(m);

process.on('unhandledRejection', (reason) => {
  send({ type: 'unhandledRejection', reason: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason) });
});
// The parent going away must not leave an orphan bot behind.
process.once('disconnect', () => process.exit(0));

let session: Session | undefined;
const post = (s: Session, method: string, params?: object): Promise<unknown> =>
  new Promise((resolve, reject) => s.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

async function profile(action: 'start' | 'stop', file?: string): Promise<void> {
  if (action === 'start') {
    session ??= new Session();
    session.connect();
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.start');
    return;
  }
  if (!session) return;
  const { profile: result } = (await post(session, 'Profiler.stop')) as { profile: unknown };
  session.disconnect();
  session = undefined;
  if (file) writeFileSync(file, JSON.stringify(result));
}

process.on('message', (m: ParentMessage) => {
  if (m?.type === 'profile') void profile(m.action, m.file).then(() => send({ type: 'profiled', id: m.id }));
  if (m?.type !== 'stats') return;
  if (m.gc) (globalThis as { gc?: () => void }).gc?.();
  send({ type: 'stats', id: m.id, cpu: process.cpuUsage(), memory: process.memoryUsage() });
});

// Ready once the script accepts connections on its PORT (the parent picked a free one).
const port = Number(process.env['PORT']);
const deadline = Date.now() + 60_000;
function probe(): void {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.once('connect', () => {
    socket.destroy();
    send({ type: 'ready', port });
  });
  socket.once('error', () => {
    socket.destroy();
    if (Date.now() < deadline) setTimeout(probe, 50).unref();
    else send({ type: 'failed', message: `nothing listened on port ${port}` });
  });
}
if (Number.isInteger(port) && port > 0) setTimeout(probe, 50).unref();
else send({ type: 'failed', message: 'compiledChild needs PORT set to a free port' });
