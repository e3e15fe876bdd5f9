// The bot's activity handler: messages go to the main dialog, installs and new members get a
// welcome. State is saved at the end of every turn, so another instance can pick up where this one stopped.
import {
  Channels,
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ConversationState,
  type StatePropertyAccessor,
  type TurnContext,
  type UserState,
} from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import { actingUser, UNIDENTIFIED_USER_MESSAGE } from '../dialogs/actingUser';
import type { DialogDeps } from '../dialogs/deps';
import type { MainDialog } from '../dialogs/mainDialog';
import { sendWelcome } from '../dialogs/views';
import { checkMessage } from './messageGuard';
import { invokeMessage, SHARED_CARD_VERBS } from './approvals/cardActions';
import { ANSWERED_PRIVATELY_TEXT, isSharedConversation, START_PRIVATE_CHAT_TEXT, type PrivateChat } from './privateChat';

const PERSONAL_CARD_IN_SHARED_TEXT = 'This button works only in our 1:1 chat. Nothing was changed.';
const SHARED_WELCOME_TEXT =
  "Hi, I'm the PIM assistant: I activate your eligible roles and answer questions about access. I answer only in a 1:1 chat, so mention me here and I'll reply to you privately there, or open a chat with me.";

export interface PimBotOptions {
  readonly conversationState: ConversationState;
  readonly userState: UserState;
  readonly dialog: MainDialog;
  readonly deps: DialogDeps;
  /** Remembers each user's 1:1 conversation (installationUpdate and every message) for proactive cards. */
  readonly conversations?: { capture(context: TurnContext): Promise<void> };
  /** Universal Actions (Action.Execute) of approval cards; undefined = not its verb. */
  readonly cardActions?: {
    onCardAction(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse | undefined>;
  };
  /** Where a message from a group chat or channel is answered (the person's 1:1 chat). Absent: nowhere, the group is told how to start one. */
  readonly privateChat?: PrivateChat;
}

export class PimBot extends TeamsActivityHandler {
  private readonly conversationState: ConversationState;
  private readonly userState: UserState;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  /** A reinstall (or a repeated installationUpdate) must not welcome again. */
  private readonly welcomed: StatePropertyAccessor<boolean>;

  constructor(private readonly options: PimBotOptions) {
    super();
    this.conversationState = options.conversationState;
    this.userState = options.userState;
    this.dialogState = this.conversationState.createProperty<DialogState>('DialogState');
    this.welcomed = this.userState.createProperty<boolean>('welcomed');

    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      // Teams announces an install twice, as conversationUpdate and installationUpdate, at the
      // same instant: two turns racing on the 'welcomed' flag would both welcome. In Teams the
      // installationUpdate alone welcomes; other channels only have conversationUpdate.
      if (context.activity.channelId === Channels.Msteams) return next();
      const botId = context.activity.recipient?.id;
      const added = context.activity.membersAdded ?? [];
      // The bot itself being added is how Teams reports a personal install.
      if (added.some((m) => m.id === botId || m.id === context.activity.from?.id)) await this.welcomeOnce(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.welcomeOnce(context);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      // Removing the app from a team or group chat says nothing about the person's own install.
      if (!isSharedConversation(context.activity)) await this.welcomed.delete(context);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    try {
      await this.options.conversations?.capture(context);
    } catch (error) {
      // Not being able to store the reference must not cost the user this turn.
      this.options.deps.logger.warn('could not store the conversation reference', {
        error: error instanceof Error ? error.message : 'unknown',
      });
    }
    await super.run(context);
    await this.conversationState.saveChanges(context, false);
    await this.userState.saveChanges(context, false);
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    if (isSharedConversation(context.activity) && !SHARED_CARD_VERBS.has(value.action?.verb ?? '')) {
      return invokeMessage(PERSONAL_CARD_IN_SHARED_TEXT);
    }
    const answer = await this.options.cardActions?.onCardAction(context, value);
    return answer ?? invokeMessage("I don't know that button. Nothing was changed.");
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const guard = checkMessage(context.activity);
    if (!guard.ok) {
      await context.sendActivity(guard.reply);
      return;
    }
    const user = actingUser(context, this.options.deps.tenantId);
    if (!user) {
      await context.sendActivity(UNIDENTIFIED_USER_MESSAGE);
      return;
    }
    if (isSharedConversation(context.activity)) {
      await this.answerPrivately(context, user.userId);
      return;
    }
    await this.options.dialog.run(context, this.dialogState);
  }

  /** The whole turn runs in the sender's 1:1 chat; the shared conversation only hears that it did. */
  private async answerPrivately(context: TurnContext, userId: string): Promise<void> {
    const answered = this.options.privateChat
      ? await this.options.privateChat.run(context, userId, async (privateContext) => {
          await this.options.dialog.run(privateContext, this.dialogState);
          await this.conversationState.saveChanges(privateContext, false);
          await this.userState.saveChanges(privateContext, false);
        })
      : false;
    await context.sendActivity(answered ? ANSWERED_PRIVATELY_TEXT : START_PRIVATE_CHAT_TEXT);
  }

  private async welcomeOnce(context: TurnContext): Promise<void> {
    if (isSharedConversation(context.activity)) {
      // Added to a team or group chat: an introduction without anyone's roles.
      await context.sendActivity(SHARED_WELCOME_TEXT);
      return;
    }
    const user = actingUser(context, this.options.deps.tenantId);
    if (!user || (await this.welcomed.get(context, false))) return;
    await this.welcomed.set(context, true);
    await sendWelcome(context, this.options.deps, user);
  }
}
