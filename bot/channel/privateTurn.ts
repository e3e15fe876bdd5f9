// The private answer to a message written in a group chat or channel: the whole turn runs in the
// person's 1:1 chat, proactively, its sends paced by the outbound channel's rate limiter.
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { PrivateChat } from '../privateChat';
import { reachesChannel } from './outbound';
import type { RateLimiter } from './rateLimiter';

export class ProactivePrivateChat implements PrivateChat {
  constructor(
    private readonly directory: { get(userId: string): Promise<Partial<ConversationReference> | undefined> },
    /** '' in local mode (no app id). */
    private readonly botAppId: string,
    /** The outbound channel's limiter: the answer counts against Teams' limits like any proactive send. */
    private readonly limiter: RateLimiter,
  ) {}

  async run(context: TurnContext, userId: string, logic: (privateContext: TurnContext) => Promise<void>): Promise<boolean> {
    const reference = await this.directory.get(userId);
    if (!reference?.conversation?.id || !reference.serviceUrl) return false;
    await context.adapter.continueConversationAsync(this.botAppId, reference, async (proactive) => {
      const incoming = context.activity;
      const activity: Partial<Activity> = {
        ...incoming,
        conversation: proactive.activity.conversation,
        serviceUrl: proactive.activity.serviceUrl,
        recipient: proactive.activity.recipient ?? incoming.recipient,
        // Nothing in the 1:1 chat to reply to or to thread under; only the tenant of the shared conversation's data.
        id: undefined,
        replyToId: undefined,
        channelData: { tenant: (incoming.channelData as { tenant?: unknown } | undefined)?.tenant },
      };
      const privateContext = new TurnContext(context.adapter, activity);
      // The incoming turn's state (its bound identity, the user's verified token) first, then the
      // proactive turn's clients for the 1:1 chat's endpoint.
      context.turnState.forEach((value, key) => privateContext.turnState.set(key, value));
      proactive.turnState.forEach((value, key) => privateContext.turnState.set(key, value));
      privateContext.onSendActivities(async (_ctx, activities, send) => {
        const slots = await Promise.all(activities.filter(reachesChannel).map(() => this.limiter.acquire(reference.conversation!.id)));
        try {
          return await send();
        } finally {
          for (const done of slots) done();
        }
      });
      await logic(privateContext);
    });
    return true;
  }
}
