// When to remind a user that access is about to end, as pure logic: the bot feeds it what it knows
// (from PIM, on start and as the user talks) and sends what comes due. Timers are injected, so the
// schedule is testable and a restart simply rebuilds it from PIM.

/** One time-bound access worth a reminder. Plain JSON: it is also stored between restarts. */
export interface TrackedAccess {
  readonly key: string;
  readonly label: string;
  /** ISO instant. */
  readonly endDateTime: string;
  readonly canExtend: boolean;
}

/** Remind this long before the end: enough to act, close enough to matter. */
export const REMINDER_LEAD_MS = 10 * 60_000;
/** setTimeout's ceiling; anything later is scheduled when the bot next recomputes. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function reminderId(userId: string, access: TrackedAccess): string {
  return `${userId}|${access.key}|${access.endDateTime}`;
}

/** When the reminder is due: the lead before the end, or now when that already passed; null once the access ended. */
export function reminderDueAt(access: TrackedAccess, nowMs: number, leadMs = REMINDER_LEAD_MS): number | null {
  const end = Date.parse(access.endDateTime);
  if (!Number.isFinite(end) || end <= nowMs) return null;
  return Math.max(nowMs, end - leadMs);
}

/** Keeps the newest entry per key and drops what has ended. */
export function mergeTracked(current: readonly TrackedAccess[], incoming: readonly TrackedAccess[], nowMs: number): TrackedAccess[] {
  const byKey = new Map(current.map((a) => [a.key, a]));
  for (const a of incoming) byKey.set(a.key, a);
  return [...byKey.values()].filter((a) => Date.parse(a.endDateTime) > nowMs);
}

export interface TimerPort {
  readonly now: () => number;
  readonly setTimer: (run: () => void, ms: number) => unknown;
  readonly clearTimer: (handle: unknown) => void;
}

export class ReminderSchedule {
  private readonly timers = new Map<string, { handle: unknown; userId: string }>();

  constructor(
    private readonly port: TimerPort,
    private readonly onDue: (userId: string, access: TrackedAccess) => void,
    private readonly leadMs = REMINDER_LEAD_MS,
  ) {}

  /** Schedules (or reschedules) a user's reminders; ones in `sent` are not repeated. */
  schedule(userId: string, items: readonly TrackedAccess[], sent: ReadonlySet<string> = new Set()): void {
    for (const [id, timer] of this.timers) {
      if (timer.userId === userId) {
        this.port.clearTimer(timer.handle);
        this.timers.delete(id);
      }
    }
    const now = this.port.now();
    for (const access of items) {
      const id = reminderId(userId, access);
      const due = reminderDueAt(access, now, this.leadMs);
      if (due === null || sent.has(id) || due - now > MAX_TIMER_MS) continue;
      const handle = this.port.setTimer(() => {
        this.timers.delete(id);
        this.onDue(userId, access);
      }, due - now);
      this.timers.set(id, { handle, userId });
    }
  }

  /** Ids of the reminders waiting, for tests and diagnostics. */
  pending(): string[] {
    return [...this.timers.keys()];
  }

  stop(): void {
    for (const timer of this.timers.values()) this.port.clearTimer(timer.handle);
    this.timers.clear();
  }
}
