// Gives the memory of a burst back once the process is idle again. After 1,000 conversations the
// bot's live heap grows by about 15 MB, but its resident size by 400+ MB: V8 keeps the pages it
// grew into (the young generation reaches 128 MB under load) pooled for reuse, and neither its
// memory reducer nor a regular full GC hands them back. Only a "last resort" collection (what V8
// does under memory pressure) does: measured, RSS went from 628 MB back to 237 MB (223 MB before
// the burst); see docs/performance.md. So, when the event loop has been nearly idle for a whole
// interval and RSS is 32 MB or more above what it was after the last release, run that collection once.
// It costs a few hundred milliseconds of one core, only while nothing else is running.
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type GcOptions = { type: 'major'; execution: 'sync'; flavor: 'last-resort' };
type Gc = (options?: GcOptions) => void;

export interface IdleMemoryOptions {
  /** How often to look (default 30 s). */
  readonly intervalMs?: number;
  /** At most this share of the interval busy counts as idle (default 2%). */
  readonly maxUtilization?: number;
  /** Release only when RSS grew at least this much since the last release (default 32 MB). */
  readonly minGrowthBytes?: number;
  readonly rss?: () => number;
  readonly utilization?: () => number;
  readonly gc?: Gc;
}

/** Starts the watcher; returns its stop. The timer never keeps the process alive. */
export function releaseMemoryWhenIdle(options: IdleMemoryOptions = {}): () => void {
  const gc = options.gc ?? exposeGc();
  if (!gc) return () => undefined;
  const rss = options.rss ?? (() => process.memoryUsage.rss());
  const utilization = options.utilization ?? eventLoopUtilizationSinceLastCall();
  const check = idleMemoryCheck({
    gc,
    rss,
    utilization,
    maxUtilization: options.maxUtilization ?? 0.02,
    minGrowthBytes: options.minGrowthBytes ?? 32 * 1024 * 1024,
  });
  const timer = setInterval(check, options.intervalMs ?? 30_000);
  timer.unref();
  return () => clearInterval(timer);
}

/** One look: releases when idle and grown; exported for the unit test. */
export function idleMemoryCheck(deps: {
  gc: Gc;
  rss: () => number;
  utilization: () => number;
  maxUtilization: number;
  minGrowthBytes: number;
}): () => boolean {
  let baseline = deps.rss();
  return () => {
    const busy = deps.utilization();
    const now = deps.rss();
    // After a release the process may settle lower still: that is the new baseline.
    if (now < baseline) baseline = now;
    if (busy > deps.maxUtilization || now - baseline < deps.minGrowthBytes) return false;
    deps.gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    baseline = deps.rss();
    return true;
  };
}

function eventLoopUtilizationSinceLastCall(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, last);
    last = now;
    return delta.utilization;
  };
}

/** V8's gc(): the global one when node runs with --expose-gc, otherwise exposed for this context only. */
function exposeGc(): Gc | undefined {
  const existing = (globalThis as { gc?: Gc }).gc;
  if (typeof existing === 'function') return existing;
  try {
    // The documented way to reach gc() without the command-line flag (Node's v8.setFlagsFromString docs).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as Gc) : undefined;
  } catch {
    return undefined;
  }
}
