// One first-come-first-served line per tenant for this process's writes to Microsoft Graph.
//
// Graph's write quota is per app and tenant, not per user: when one write of this app to a tenant is
// answered 429, every other write to that tenant would be refused too until the Retry-After has
// passed. Without a line, everyone refused together is sent again together when the window slides,
// one wins and the rest lose again, and people told to wait leave the quota idle meanwhile. In the
// line, writes wait in order of arrival while it is closed, then go out oldest first, a few at a time
// (two after a 429, one more per round answered without one), and a write refused again closes the
// line again and keeps its place at the front: the rest keep waiting. Only a 429 is sent again: it
// proves the request never ran. Everything else, 503/504 and timeouts included, is the caller's answer.
//
// Each write keeps its turn's budget: it waits only as long as the person can (a chat turn has 15 s),
// and one that would wait longer is answered `throttled` at once, with the time the line expects.
import { PimError } from './errors';

export interface WriteLineOptions {
  /** All of one write's waiting together (Teams expects the answer within 15 s of the message). */
  readonly maxWaitMs: number;
  /** The longest single wait a write takes on: a longer one is answered at once. */
  readonly maxSingleWaitMs: number;
  /** Sends after the first, each after a 429 (a write outrun by other instances stops trying). */
  readonly maxResends: number;
  /** Writes waiting per tenant; the rest are answered at once (bounded memory under any load). */
  readonly maxWaiting: number;
  /** Tenants with a line at once; beyond that, writes go out without one (never held for want of room). */
  readonly maxTenants: number;
}

export const DEFAULT_WRITE_LINE: WriteLineOptions = {
  maxWaitMs: 8_000,
  maxSingleWaitMs: 5_000,
  maxResends: 4,
  maxWaiting: 1_000,
  maxTenants: 10_000,
};

/** What a failed send says about the quota: a 429 (with its Retry-After in ms when given), or nothing. */
export type RefusalOf = (error: unknown) => { readonly retryAfterMs: number | undefined } | undefined;

/** The answers the line remembers to estimate its pace: the last ones within this long. */
const PACE_WINDOW_MS = 10_000;
const PACE_SAMPLES = 256;
/** A line that saw no 429 for this long and holds nothing is forgotten. */
const FORGET_AFTER_MS = 30_000;
/** In-flight writes at which a recovered line stops counting (it is open to all again). */
const OPEN_LIMIT = 16;
/**
 * In flight at once after a 429: the head, which takes the freed quota, and one more, which takes the
 * next or learns when it frees. One alone would leave the quota idle for a round trip after each
 * write, and a round trip is long on a busy machine (the one Graph runs on or this one).
 */
const MIN_LIMIT = 2;
/** A 429 without a Retry-After: the line waits this long (a guess) and the write is answered. */
const UNTIMED_CLOSE_MS = 2_000;

interface Waiter {
  readonly seq: number;
  readonly deadline: number;
  readonly resolve: () => void;
  readonly reject: (e: PimError) => void;
  timer?: ReturnType<typeof setTimeout>;
}

interface Line {
  /** Oldest first: by the order writes first came, so one refused again goes back to the front. */
  readonly waiting: Waiter[];
  closedUntil: number;
  inFlight: number;
  /** Writes allowed in flight at once: halved (to 2 at least) by a 429, one more per round answered without one. */
  limit: number;
  /** Answers since the limit last changed. */
  streak: number;
  /** When the limit was last halved: writes sent before then were sent on the old limit and do not halve it again. */
  cutAt: number;
  /** When recent writes were answered (not refused): the pace at which the line moves. */
  readonly answeredAt: number[];
  lastRefusedAt: number;
  reopen?: ReturnType<typeof setTimeout>;
}

export class WriteLine {
  private readonly lines = new Map<string, Line>();
  private readonly options: WriteLineOptions;
  private seq = 0;

  constructor(
    private readonly refusalOf: RefusalOf,
    options: Partial<WriteLineOptions> = {},
  ) {
    this.options = { ...DEFAULT_WRITE_LINE, ...options };
  }

  /**
   * Sends one write for `tenant` in its turn: `send` is one attempt. Resolves with its answer, rejects
   * with its error, or with `throttled` (and the time the line expects) when the write's budget runs out.
   */
  async run<T>(tenant: string, send: () => Promise<T>): Promise<T> {
    const seq = this.seq++;
    const deadline = Date.now() + this.options.maxWaitMs;
    for (let resends = 0; ; resends++) {
      const line = await this.turn(tenant, seq, deadline);
      const sentAt = Date.now();
      try {
        const answer = await send();
        if (line) this.answered(tenant, line);
        return answer;
      } catch (e) {
        const refusal = this.refusalOf(e);
        if (!line) throw e;
        if (!refusal) {
          this.answered(tenant, line);
          throw e;
        }
        this.refused(tenant, line, refusal.retryAfterMs, sentAt);
        if (refusal.retryAfterMs === undefined) throw e;
        if (resends >= this.options.maxResends) throw this.throttled(line, 0);
      }
    }
  }

  /** Tenants with a line now (for tests of the memory bound). */
  get size(): number {
    return this.lines.size;
  }

  /** Resolves when this write may go (undefined: no line, it goes as it is); rejects `throttled` when it can't wait that long. */
  private turn(tenant: string, seq: number, deadline: number): Promise<Line | undefined> {
    const line = this.lineFor(tenant);
    if (!line) return Promise.resolve(undefined);
    const now = Date.now();
    if (line.waiting.length === 0 && now >= line.closedUntil && line.inFlight < line.limit) {
      line.inFlight++;
      return Promise.resolve(line);
    }
    const place = line.waiting.findIndex((w) => w.seq > seq);
    const at = place < 0 ? line.waiting.length : place;
    const eta = this.etaMs(line, at, now);
    if (line.waiting.length >= this.options.maxWaiting || eta > this.options.maxSingleWaitMs || now + eta > deadline) {
      this.forgetIfIdle(tenant, line);
      return Promise.reject(this.throttled(line, at));
    }
    return new Promise<Line>((resolve, reject) => {
      const waiter: Waiter = { seq, deadline, resolve: () => resolve(line), reject };
      line.waiting.splice(at, 0, waiter);
      // The line moved slower than expected: answered when the budget is spent, with a fresh estimate.
      waiter.timer = setTimeout(
        () => {
          const i = line.waiting.indexOf(waiter);
          if (i < 0) return;
          line.waiting.splice(i, 1);
          reject(this.throttled(line, i));
          this.pump(tenant, line);
        },
        Math.max(0, deadline - now),
      );
      this.pump(tenant, line);
    });
  }

  /** Lets out the oldest writes while the line is open and under its limit; else wakes when it reopens. */
  private pump(tenant: string, line: Line): void {
    if (line.reopen) clearTimeout(line.reopen);
    line.reopen = undefined;
    const now = Date.now();
    while (line.waiting.length > 0 && now >= line.closedUntil && line.inFlight < line.limit) {
      const next = line.waiting.shift()!;
      if (next.timer) clearTimeout(next.timer);
      line.inFlight++;
      next.resolve();
    }
    if (line.waiting.length > 0 && now < line.closedUntil) {
      line.reopen = setTimeout(() => this.pump(tenant, line), line.closedUntil - now);
    }
    this.forgetIfIdle(tenant, line);
  }

  /** The write ran (whatever its answer, the quota counted it): its place is free, and a calm line opens up. */
  private answered(tenant: string, line: Line): void {
    const now = Date.now();
    line.inFlight--;
    line.answeredAt.push(now);
    if (line.answeredAt.length > PACE_SAMPLES) line.answeredAt.shift();
    line.streak++;
    // A round (the limit's worth) answered without a 429: the quota has room for one more in flight.
    if (Number.isFinite(line.limit) && line.streak >= line.limit) {
      line.limit = line.limit + 1 >= OPEN_LIMIT ? Number.POSITIVE_INFINITY : line.limit + 1;
      line.streak = 0;
    }
    this.pump(tenant, line);
  }

  /** A 429: the quota is full for every write of this app to the tenant; the line closes until its Retry-After. */
  private refused(tenant: string, line: Line, retryAfterMs: number | undefined, sentAt: number): void {
    const now = Date.now();
    line.inFlight--;
    line.closedUntil = Math.max(line.closedUntil, now + (retryAfterMs ?? UNTIMED_CLOSE_MS));
    if (sentAt >= line.cutAt) {
      const was = Number.isFinite(line.limit) ? line.limit : line.inFlight + 1;
      line.limit = Math.max(MIN_LIMIT, Math.floor(was / 2));
      line.cutAt = now;
    }
    line.streak = 0;
    line.lastRefusedAt = now;
    this.pump(tenant, line);
  }

  /**
   * When the write at `place` would go, in ms from now: the line's Retry-After, plus the writes ahead
   * of it at the pace the line was answered lately (unknown pace: the Retry-After alone).
   */
  private etaMs(line: Line, place: number, now: number): number {
    const open = Math.max(0, line.closedUntil - now);
    const recent = line.answeredAt.filter((t) => t > now - PACE_WINDOW_MS);
    if (recent.length < 2) return open;
    const perWriteMs = (now - recent[0]!) / recent.length;
    return open + place * perWriteMs;
  }

  private throttled(line: Line, place: number): PimError {
    const eta = this.etaMs(line, place, Date.now());
    return new PimError('throttled', 'The write quota is spent; the line would not reach this write in time', {
      retryAfterSeconds: Math.max(1, Math.ceil(eta / 1000)),
    });
  }

  private lineFor(tenant: string): Line | undefined {
    const found = this.lines.get(tenant);
    if (found) return found;
    if (this.lines.size >= this.options.maxTenants) {
      for (const [key, line] of this.lines) this.forgetIfIdle(key, line);
      if (this.lines.size >= this.options.maxTenants) return undefined;
    }
    const line: Line = {
      waiting: [],
      closedUntil: 0,
      inFlight: 0,
      limit: Number.POSITIVE_INFINITY,
      streak: 0,
      cutAt: Number.NEGATIVE_INFINITY,
      answeredAt: [],
      lastRefusedAt: Number.NEGATIVE_INFINITY,
    };
    this.lines.set(tenant, line);
    return line;
  }

  /** Nothing waiting, nothing in flight, open, and no 429 lately: nothing worth keeping. */
  private forgetIfIdle(tenant: string, line: Line): void {
    const now = Date.now();
    const calm = !Number.isFinite(line.limit) || now - line.lastRefusedAt > FORGET_AFTER_MS;
    if (line.waiting.length === 0 && line.inFlight === 0 && now >= line.closedUntil && calm) {
      if (line.reopen) clearTimeout(line.reopen);
      this.lines.delete(tenant);
    }
  }
}
