// PIM time (schedules, expiry, approval timeouts) runs on this clock so tests can jump hours ahead.
// Token lifetimes deliberately do NOT use it: msal-node caches tokens by wall time.

export interface ControllableClock {
  now(): Date;
  /** Freeze PIM time at t. */
  set(t: Date): void;
  /** Move PIM time forward (frozen: the frozen instant moves; running: an offset is added). */
  advance(ms: number): void;
  /** Back to the wall clock. */
  useRealTime(): void;
}

export function createClock(): ControllableClock {
  let frozenAt: number | undefined;
  let offsetMs = 0;
  return {
    now: () => new Date(frozenAt ?? Date.now() + offsetMs),
    set(t: Date) {
      if (Number.isNaN(t.getTime())) throw new RangeError('clock.set: invalid date');
      frozenAt = t.getTime();
      offsetMs = 0;
    },
    advance(ms: number) {
      if (!Number.isFinite(ms)) throw new RangeError('clock.advance: ms must be finite');
      if (frozenAt !== undefined) frozenAt += ms;
      else offsetMs += ms;
    },
    useRealTime() {
      frozenAt = undefined;
      offsetMs = 0;
    },
  };
}
