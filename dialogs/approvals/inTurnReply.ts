// The requester's answer from the approval use case, as this turn's reply: a view rendered by
// cards/approvals and sent in the turn; `counted` once the outbound channel's middleware counted it.
import { MessageFactory, type TurnContext } from 'botbuilder';
import { renderApprovalView } from '../../cards/approvals/views';
import type { InTurnReply } from '../../services/approvals/ports';

export function inTurnReply(context: TurnContext): InTurnReply {
  return {
    conversationId: context.activity.conversation.id,
    send(view) {
      let counted!: () => void;
      const replyCounted = new Promise<void>((resolve) => (counted = resolve));
      // Middleware registers its send handlers before the turn's logic runs, so this one runs after
      // the outbound channel's (bot/channel/outbound.ts) has counted the reply.
      context.onSendActivities((_context, _activities, next) => {
        counted();
        return next();
      });
      const content = renderApprovalView(view);
      const sent = context
        .sendActivity(typeof content === 'string' ? MessageFactory.text(content) : MessageFactory.attachment(content))
        .then((r) => r?.id);
      return { sent, counted: replyCounted };
    },
  };
}
