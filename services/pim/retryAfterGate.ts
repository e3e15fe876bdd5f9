// Remembers a 429's Retry-After per caller and endpoint, so the next call there fails fast as
// `throttled` instead of going out again before the service said it may: a user who asks again
// at once, or another flow of theirs, must not hammer a throttled endpoint.
import { PimError } from './errors';

/** Bounded: a long-running bot must not grow this with every user it ever served. */
const MAX_KEYS = 10_000;

export class RetryAfterGate {
  private readonly until = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Throws `throttled` (with the seconds still to wait) while `key` is inside a Retry-After window. */
  check(key: string): void {
    const until = this.until.get(key);
    if (until === undefined) return;
    const left = until - this.now();
    if (left <= 0) {
      this.until.delete(key);
      return;
    }
    throw new PimError('throttled', 'Still inside the Retry-After of an earlier 429', { retryAfterSeconds: Math.ceil(left / 1000) });
  }

  /** Notes a throttled answer; without a Retry-After nothing is remembered (the caller decides). */
  record(key: string, error: unknown): void {
    if (!(error instanceof PimError) || error.kind !== 'throttled') return;
    const seconds = error.details.retryAfterSeconds;
    if (seconds === undefined || seconds <= 0) return;
    if (this.until.size >= MAX_KEYS) this.prune();
    this.until.set(key, this.now() + seconds * 1000);
  }

  private prune(): void {
    const now = this.now();
    for (const [key, until] of this.until) if (until <= now) this.until.delete(key);
    // Still full of live windows: drop the oldest entries rather than grow.
    for (const key of this.until.keys()) {
      if (this.until.size < MAX_KEYS) break;
      this.until.delete(key);
    }
  }
}
