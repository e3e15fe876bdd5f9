// Teams' limits for proactive messages: about 7 per second per conversation and 50 per second per
// app. Sends wait for a slot instead of collecting 429s; a 429 that still comes is honoured (Retry-After).

export interface RateLimits {
  readonly perConversationPerSecond: number;
  readonly perAppPerSecond: number;
}

export const TEAMS_LIMITS: RateLimits = { perConversationPerSecond: 7, perAppPerSecond: 50 };

const WINDOW_MS = 1000;

export class RateLimiter {
  private readonly app: number[] = [];
  private readonly byConversation = new Map<string, number[]>();

  constructor(
    private readonly limits: RateLimits = TEAMS_LIMITS,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Resolves when one more send to `conversationId` stays within both limits; the send is counted. */
  async acquire(conversationId: string): Promise<void> {
    for (;;) {
      const now = this.clock();
      const conv = this.byConversation.get(conversationId) ?? [];
      prune(this.app, now);
      prune(conv, now);
      const waitApp = this.app.length >= this.limits.perAppPerSecond ? this.app[0]! + WINDOW_MS - now : 0;
      const waitConv = conv.length >= this.limits.perConversationPerSecond ? conv[0]! + WINDOW_MS - now : 0;
      const wait = Math.max(waitApp, waitConv);
      if (wait <= 0) {
        this.app.push(now);
        conv.push(now);
        this.byConversation.set(conversationId, conv);
        return;
      }
      await this.sleep(wait);
    }
  }
}

function prune(times: number[], now: number): void {
  while (times.length > 0 && times[0]! <= now - WINDOW_MS) times.shift();
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
