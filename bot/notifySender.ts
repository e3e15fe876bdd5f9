// Proactive messages through a stored conversation reference (follow-ups, expiry reminders).
import type { CloudAdapter } from 'botbuilder';
import type { Logger, ProactiveSender } from '../dialogs/deps';
import { describeError } from './logging';

export function createProactiveSender(adapter: CloudAdapter, botAppId: string, logger: Logger): ProactiveSender {
  return {
    async send(reference, message) {
      try {
        await adapter.continueConversationAsync(botAppId, reference, async (context) => {
          await context.sendActivity(message);
        });
      } catch (error) {
        logger.warn('a proactive message could not be sent', describeError(error));
      }
    },
  };
}
