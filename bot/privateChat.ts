// Personal and admin answers are given in the person's 1:1 chat only. A message in a group chat or a
// channel is answered there (through the stored conversation reference of the 1:1 chat, proactively,
// by bot/channel/privateTurn.ts): the whole turn runs as if it had been written in the 1:1 chat, so
// the dialog, its state and every card live there. The shared conversation only hears that it happened.
import type { Activity, TurnContext } from 'botbuilder';

const SHARED_TYPES = new Set(['groupChat', 'channel']);

export const ANSWERED_PRIVATELY_TEXT = "I've answered you in our 1:1 chat: what I show about roles and access is for your eyes only.";
export const START_PRIVATE_CHAT_TEXT =
  "I answer questions about roles and access only in a 1:1 chat, and we don't have one yet. Open a chat with me (select my name, then Chat, or find me under Apps) and ask me there.";

export function isSharedConversation(activity: Partial<Activity>): boolean {
  const conversation = activity.conversation as { conversationType?: unknown; isGroup?: unknown } | undefined;
  return (
    conversation?.isGroup === true ||
    (typeof conversation?.conversationType === 'string' && SHARED_TYPES.has(conversation.conversationType))
  );
}

export interface PrivateChat {
  /**
   * Runs `logic` on a turn that answers in the user's 1:1 chat; false (nothing run) when the bot
   * knows no 1:1 chat with that user.
   */
  run(context: TurnContext, userId: string, logic: (privateContext: TurnContext) => Promise<void>): Promise<boolean>;
}
