// Small numeric helpers for the benchmark.
import type { RequestLogEntry } from '../emulator/tenant/index';
import type { TurnResult } from '../emulator/stack/chatDriver';

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Milliseconds of the turn spent waiting for the emulator on this user's calls: the union of the
 * calls' [arrival, arrival + duration] inside the turn (parallel calls overlap; counted once).
 * Token-endpoint calls name no caller and are not attributed (warm turns make none).
 */
export function emulatorMsDuring(log: readonly RequestLogEntry[], userId: string, turn: TurnResult): number {
  const start = performance.timeOrigin + turn.startedAt;
  const end = performance.timeOrigin + turn.endedAt;
  const spans = log
    .filter((e) => e.caller === userId)
    .map((e) => [Date.parse(e.time), Date.parse(e.time) + e.durationMs] as const)
    .filter(([from, to]) => to >= start && from <= end)
    .map(([from, to]) => [Math.max(from, start), Math.min(to, end)] as const)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let reach = -Infinity;
  for (const [from, to] of spans) {
    if (to <= reach) continue;
    total += to - Math.max(from, reach);
    reach = to;
  }
  return total;
}
