// The one outbound road: everything the bot sends outside a turn's own reply (approval cards and their
// updates, reminders, escalations, follow-ups) goes through one connector sender and one rate limiter
// that keeps to Teams' limits and honours 429 Retry-After; the turns' own replies are counted against
// the same window. Built by the composition root before the dialogs, from the channel authentication,
// so nothing is bound late.
import { ActivityTypes, type Activity, type Middleware } from 'botbuilder';
import type { BotFrameworkAuthentication } from 'botframework-connector';
import type { Logger, ProactiveSender } from '../../dialogs/deps';
import { describeError } from '../logging';
import { ConnectorCardSender } from './cardSender';
import { RateLimiter } from './rateLimiter';

export interface OutboundChannel {
  /** Approval cards, their in-place updates and texts. */
  readonly sender: ConnectorCardSender;
  /** Follow-ups and reminders: a failed send is logged, not thrown (nobody waits for it). */
  readonly proactive: ProactiveSender;
  /** Counts every turn's replies against the same limits (adapter.use). */
  readonly countReplies: Middleware;
  /** The one limiter (a private answer's proactive turn is paced by it too). */
  readonly limiter: RateLimiter;
}

export function createOutboundChannel(o: {
  auth: BotFrameworkAuthentication;
  botAppId: string;
  logger: Logger;
  limiter?: RateLimiter;
}): OutboundChannel {
  const limiter = o.limiter ?? new RateLimiter();
  const sender = new ConnectorCardSender(o.auth, o.botAppId, limiter);
  return {
    sender,
    proactive: {
      async send(reference, message) {
        try {
          await sender.postActivity(reference, message);
        } catch (error) {
          o.logger.warn('a proactive message could not be sent', describeError(error));
        }
      },
    },
    countReplies: countRepliesIn(limiter),
    limiter,
  };
}

/**
 * Teams counts a turn's replies against the same per-app and per-conversation limits as proactive
 * posts; without counting them a fan-out right after a submit overruns the window and waits out a 429.
 * Proactive sends are counted by the sender itself.
 */
function countRepliesIn(limiter: RateLimiter): Middleware {
  return {
    async onTurn(context, next) {
      if (context.activity.name !== 'ContinueConversation') {
        context.onSendActivities(async (ctx, activities, send) => {
          const sent = activities.filter(reachesChannel).map(() => limiter.note(ctx.activity.conversation?.id ?? ''));
          try {
            return await send();
          } finally {
            for (const done of sent) done();
          }
        });
      }
      await next();
    },
  };
}

/** What the adapter POSTs to the channel (a typing indicator too); the rest is handled in-process. */
export function reachesChannel(activity: Partial<Activity>): boolean {
  return activity.type !== ActivityTypes.InvokeResponse && activity.type !== 'delay' && activity.type !== ActivityTypes.Trace;
}
