// Where the bot can reach each person: the conversation reference of their 1:1 chat with the bot,
// kept per user (Entra object id) in the bot's durable Storage, from installationUpdate and every
// message. Approval cards go to approvers through these references. The key is the identity the
// turn is bound to (in production the verified SSO token's oid once the user has signed in; the
// turn is refused before this when the activity claims another).
import { TurnContext, type ConversationReference, type Storage } from 'botbuilder';
import { claimedObjectId, turnIdentity } from '../dialogs/actingUser';

interface StoredReference {
  reference: Partial<ConversationReference>;
  updatedAt: string;
}

export function referenceKey(userId: string): string {
  return `conversations/users/${userId.toLowerCase()}`;
}

export class ConversationDirectory {
  /** What this instance last wrote per user, so an unchanged reference costs no write. */
  private readonly known = new Map<string, string>();

  constructor(
    private readonly storage: Storage,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records the sender's 1:1 conversation (group chats and channels are not where approvals go). */
  async capture(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const userId = turnIdentity(context)?.userId ?? claimedObjectId(context);
    if (!userId) return;
    const type = activity.conversation?.conversationType;
    if (type !== undefined && type !== 'personal') return;
    if (!activity.serviceUrl || !activity.conversation?.id) return;
    const reference = TurnContext.getConversationReference(activity);
    // The activity id is of this one message; a proactive send must not reply to it.
    delete reference.activityId;
    const id = userId.toLowerCase();
    const serialized = JSON.stringify(reference);
    if (this.known.get(id) === serialized) return;
    const item: StoredReference & { eTag: string } = { reference, updatedAt: this.now().toISOString(), eTag: '*' };
    await this.storage.write({ [referenceKey(id)]: item });
    this.known.set(id, serialized);
  }

  async get(userId: string): Promise<Partial<ConversationReference> | undefined> {
    const key = referenceKey(userId);
    const item = (await this.storage.read([key]))[key] as StoredReference | undefined;
    return item?.reference;
  }
}
