// Teams' limits for proactive messages: about 7 per second per conversation and 50 per second per
// app. Sends wait for a slot instead of collecting 429s; a 429 that still comes is honoured (Retry-After).

export interface RateLimits {
  readonly perConversationPerSecond: number;
  readonly perAppPerSecond: number;
}

export const TEAMS_LIMITS: RateLimits = { perConversationPerSecond: 7, perAppPerSecond: 50 };

const WINDOW_MS = 1000;
/** Every this many counted sends, conversations quiet for two windows are forgotten. */
const FORGET_EVERY = 512;

/** One counted send; `at` moves to when the send completed (see acquire). */
interface Slot {
  at: number;
}

export class RateLimiter {
  private readonly app: Slot[] = [];
  private readonly byConversation = new Map<string, Slot[]>();
  private taken = 0;

  constructor(
    private readonly limits: RateLimits = TEAMS_LIMITS,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /**
   * Resolves when one more send to `conversationId` stays within both limits; the send is counted.
   * Call the function it resolves once the send completed: the channel counts a message when it
   * arrives, which is after the slot was taken, so the slot is moved to that later time (else the
   * send after a full window can reach the channel while it still counts the first one, and get a 429).
   */
  async acquire(conversationId: string): Promise<() => void> {
    for (;;) {
      const now = this.clock();
      const conv = this.byConversation.get(conversationId) ?? [];
      prune(this.app, now);
      prune(conv, now);
      const waitApp =
        this.app.length >= this.limits.perAppPerSecond ? this.app[this.app.length - this.limits.perAppPerSecond]!.at + WINDOW_MS - now : 0;
      const waitConv =
        conv.length >= this.limits.perConversationPerSecond
          ? conv[conv.length - this.limits.perConversationPerSecond]!.at + WINDOW_MS - now
          : 0;
      const wait = Math.max(waitApp, waitConv);
      if (wait <= 0) return this.completer(conv, this.take(conversationId, conv, now));
      await this.sleep(wait);
    }
  }

  /**
   * Counts a send that did not wait for a slot (a reply within a turn): later sends see the window as
   * it is. Call the function it returns once the send completed, as with acquire: counted only at its
   * start, a reply the channel received a few milliseconds later lets the send one window after it
   * arrive while the channel still counts the reply, and that send gets a 429 (Retry-After: 1 s).
   */
  note(conversationId: string): () => void {
    const now = this.clock();
    const conv = this.byConversation.get(conversationId) ?? [];
    prune(this.app, now);
    prune(conv, now);
    return this.completer(conv, this.take(conversationId, conv, now));
  }

  /** Conversations with a send in the last two windows (every reply is counted: the map must not keep every chat ever). */
  get trackedConversations(): number {
    return this.byConversation.size;
  }

  private take(conversationId: string, conv: Slot[], now: number): Slot {
    if (++this.taken % FORGET_EVERY === 0) this.forgetQuiet(now);
    const slot = { at: now };
    this.app.push(slot);
    conv.push(slot);
    this.byConversation.set(conversationId, conv);
    return slot;
  }

  private forgetQuiet(now: number): void {
    // Two windows: a send still in flight moves its slot forward when it completes (see completer).
    for (const [id, slots] of this.byConversation)
      if ((slots[slots.length - 1]?.at ?? 0) <= now - 2 * WINDOW_MS) this.byConversation.delete(id);
  }

  private completer(conv: Slot[], slot: Slot): () => void {
    return () => {
      slot.at = Math.max(slot.at, this.clock());
      this.app.sort(byTime);
      conv.sort(byTime);
    };
  }
}

function byTime(a: Slot, b: Slot): number {
  return a.at - b.at;
}

function prune(slots: Slot[], now: number): void {
  while (slots.length > 0 && slots[0]!.at <= now - WINDOW_MS) slots.shift();
}

/** Seconds from a 429's Retry-After (delta-seconds or HTTP date), when the error carries one. */
export function retryAfterMs(error: unknown, now: number = Date.now()): number | undefined {
  const e = error as { statusCode?: unknown; response?: { headers?: { get?: (name: string) => string | undefined } } } | undefined;
  if (e?.statusCode !== 429) return undefined;
  const value = e.response?.headers?.get?.('retry-after')?.trim();
  if (!value) return 1000;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? 1000 : Math.max(0, at - now);
}
