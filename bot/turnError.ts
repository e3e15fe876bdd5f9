// Last line of defence for a turn: log what failed (never a token, never the activity's data)
// and tell the user something plain. The dialog state is kept, so "cancel" or a retry still works.
import type { TurnContext } from 'botbuilder';
import type { Logger } from '../dialogs/deps';
import { describeError } from './logging';

export const TURN_ERROR_MESSAGE =
  'Sorry, something went wrong on my side and I could not finish that. Nothing new was requested. ' +
  'Please try again in a moment, or say "cancel" to start over.';

export function createTurnErrorHandler(logger: Logger) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    logger.error('turn failed', {
      ...describeError(error),
      activityType: context.activity?.type,
      conversationId: context.activity?.conversation?.id,
    });
    try {
      await context.sendActivity(TURN_ERROR_MESSAGE);
    } catch (sendError) {
      logger.error('could not tell the user about a failed turn', describeError(sendError));
    }
  };
}
