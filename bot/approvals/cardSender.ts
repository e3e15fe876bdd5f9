// Proactive posts and in-place updates in a person's 1:1 chat, through the adapter and a stored
// conversation reference, paced by the rate limiter and retried after a 429's Retry-After.
import type { Activity, Attachment, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import { RateLimiter, retryAfterMs } from './rateLimiter';

const MAX_429_RETRIES = 3;
/** Longer waits than this are not worth holding a card for; the next sweep tries again. */
const MAX_RETRY_WAIT_MS = 30_000;

export interface CardSender {
  /** Posts a new message; resolves the activity id the channel gave it. */
  post(reference: Partial<ConversationReference>, content: Attachment | string): Promise<string>;
  update(reference: Partial<ConversationReference>, activityId: string, content: Attachment): Promise<void>;
}

export class AdapterCardSender implements CardSender {
  constructor(
    private readonly adapter: CloudAdapter,
    /** '' in local mode (no app id). */
    private readonly botAppId: string,
    private readonly limiter: RateLimiter = new RateLimiter(),
  ) {}

  async post(reference: Partial<ConversationReference>, content: Attachment | string): Promise<string> {
    let id: string | undefined;
    await this.send(reference, async (context) => {
      const activity: Partial<Activity> = typeof content === 'string' ? { type: 'message', text: content } : { type: 'message', attachments: [content] };
      id = (await context.sendActivity(activity))?.id;
    });
    if (!id) throw new Error('the channel returned no activity id');
    return id;
  }

  async update(reference: Partial<ConversationReference>, activityId: string, content: Attachment): Promise<void> {
    await this.send(reference, async (context) => {
      await context.updateActivity({ type: 'message', id: activityId, attachments: [content] });
    });
  }

  private async send(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const sent = await this.limiter.acquire(reference.conversation?.id ?? '');
      try {
        await this.adapter.continueConversationAsync(this.botAppId, reference, logic);
        sent();
        return;
      } catch (e) {
        sent();
        const wait = retryAfterMs(e);
        if (wait === undefined || attempt >= MAX_429_RETRIES || wait > MAX_RETRY_WAIT_MS) throw e;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
}
