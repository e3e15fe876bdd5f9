// The approval use case's messenger in Teams: people by user id through the conversation directory,
// views rendered by cards/approvals, every send through the one outbound channel (rate-limited).
import type { ConversationReference } from 'botbuilder';
import { renderApprovalView } from '../../cards/approvals/views';
import { timeFormatter } from '../../cards/localTime';
import type { Address, ApprovalMessenger } from '../../services/approvals/ports';
import type { ApprovalView } from '../../services/approvals/views';
import type { ConversationDirectory, PersonalChat } from '../conversationDirectory';
import type { CardSender } from './cardSender';

type Reference = Partial<ConversationReference>;

function address(reference: Reference, timeZone?: string): Address {
  return { conversationId: reference.conversation?.id, handle: reference, ...(timeZone ? { timeZone } : {}) };
}

function render(to: Address, view: ApprovalView): ReturnType<typeof renderApprovalView> {
  return renderApprovalView(view, timeFormatter(to.timeZone));
}

export class TeamsApprovalMessenger implements ApprovalMessenger {
  constructor(
    private readonly sender: CardSender,
    private readonly conversations: Pick<ConversationDirectory, 'get' | 'getChannel' | 'personal'>,
  ) {}

  async reach(userId: string): Promise<Address | undefined> {
    const chat: PersonalChat | undefined = await this.conversations.personal(userId);
    return chat ? address(chat.reference, chat.timeZone) : undefined;
  }

  /**
   * The channel's own reference (kept from any activity in it), else the channel id at the endpoint of
   * one of `near` (Teams posts to a channel by its id). Locally each persona's Playground is its own endpoint.
   */
  async reachChannel(channelId: string, near: readonly string[]): Promise<Address | undefined> {
    const stored = await this.conversations.getChannel(channelId);
    if (stored) return address(stored);
    for (const userId of near) {
      const known = await this.conversations.get(userId);
      if (!known?.serviceUrl) continue;
      const { user: _person, activityId: _none, ...rest } = known;
      return address({
        ...rest,
        conversation: {
          ...(known.conversation ?? {}),
          id: channelId,
          conversationType: 'channel',
          isGroup: true,
        } as ConversationReference['conversation'],
      });
    }
    return undefined;
  }

  post(to: Address, view: ApprovalView): Promise<string> {
    return this.sender.post(to.handle as Reference, render(to, view));
  }

  async update(to: Address, activityId: string, view: ApprovalView, conversationId?: string): Promise<void> {
    const latest = to.handle as Reference;
    // The copy lives in the chat it was posted to, which need not be the person's latest one.
    const reference =
      conversationId && latest.conversation ? { ...latest, conversation: { ...latest.conversation, id: conversationId } } : latest;
    const content = render(to, view);
    if (typeof content === 'string') throw new Error('only a card replaces a card');
    await this.sender.update(reference, activityId, content);
  }

  async notify(userId: string, view: ApprovalView): Promise<boolean> {
    const to = await this.reach(userId);
    if (!to) return false;
    await this.post(to, view);
    return true;
  }

  prepare(to: readonly Address[]): void {
    this.sender.prepare?.(to.map((a) => a.handle as Reference));
  }
}
