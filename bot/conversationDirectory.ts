// Where the bot can reach each person: the conversation reference of their 1:1 chat with the bot,
// kept per user (Entra object id) in the bot's durable Storage, from installationUpdate and every
// message. Approval cards go to approvers through these references. The key is the identity the
// turn is bound to (in production the verified SSO token's oid once the user has signed in; the
// turn is refused before this when the activity claims another).
import { TurnContext, type ConversationReference, type Storage } from 'botbuilder';
import { timeFormatter } from '../cards/localTime';
import { claimedObjectId, turnIdentity } from '../dialogs/actingUser';
import { activityTimeZone } from '../dialogs/parsing/moment';

interface StoredReference {
  reference: Partial<ConversationReference>;
  /** IANA zone the person's Teams reported last, so messages sent outside a turn can show their local times. */
  timeZone?: string;
  updatedAt: string;
}

/** Where the bot reaches a person, and their time zone when known. */
export interface PersonalChat {
  readonly reference: Partial<ConversationReference>;
  readonly timeZone?: string;
}

/** People (and channels) whose last written reference an instance keeps: a few MB at most. */
const MAX_KNOWN = 10_000;

/** Longest IANA name is about 30 characters; anything longer is not one. */
const MAX_TIME_ZONE = 64;

/** The activity's time zone if it is one this runtime knows (the value comes from the client, so it is checked). */
function knownTimeZone(activity: TurnContext['activity']): string | undefined {
  const zone = activityTimeZone(activity);
  return zone && zone.length <= MAX_TIME_ZONE && timeFormatter(zone) ? zone : undefined;
}

export function referenceKey(userId: string): string {
  return `conversations/users/${userId.toLowerCase()}`;
}

export function channelReferenceKey(channelId: string): string {
  return `conversations/channels/${channelId.toLowerCase()}`;
}

/** A Teams channel's own id: a thread in it is `<channel id>;messageid=<id>`, and channelData names the channel. */
function channelIdOf(activity: TurnContext['activity']): string | undefined {
  const named = (activity.channelData as { channel?: { id?: unknown } } | undefined)?.channel?.id;
  const id = typeof named === 'string' && named !== '' ? named : activity.conversation?.id?.split(';')[0];
  return id && id.length <= 400 ? id : undefined;
}

export class ConversationDirectory {
  /**
   * What this instance last wrote per user (and channel), so an unchanged reference costs no write, and
   * the zone it stored. Bounded, least recently seen out first: a person forgotten costs one write.
   */
  private readonly known = new Map<string, { readonly written: string; readonly timeZone?: string }>();

  constructor(
    private readonly storage: Storage,
    private readonly now: () => Date = () => new Date(),
    private readonly maxKnown = MAX_KNOWN,
  ) {}

  /** Records the sender's 1:1 conversation (group chats and channels are not where approvals go). */
  async capture(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const userId = turnIdentity(context)?.userId ?? claimedObjectId(context);
    if (!userId) return;
    const type = activity.conversation?.conversationType;
    if (type === 'channel') return this.captureChannel(context);
    if (type !== undefined && type !== 'personal') return;
    if (!activity.serviceUrl || !activity.conversation?.id) return;
    const reference = TurnContext.getConversationReference(activity);
    // The activity id is of this one message; a proactive send must not reply to it.
    delete reference.activityId;
    const id = userId.toLowerCase();
    const before = this.seen(id);
    // A message that names no zone keeps the stored one (read only when this instance does not hold it).
    const timeZone = knownTimeZone(activity) ?? (before ? before.timeZone : (await this.personal(id))?.timeZone);
    const serialized = JSON.stringify([reference, timeZone]);
    if (before?.written === serialized) return;
    const item: StoredReference & { eTag: string } = {
      reference,
      ...(timeZone ? { timeZone } : {}),
      updatedAt: this.now().toISOString(),
      eTag: '*',
    };
    await this.storage.write({ [referenceKey(id)]: item });
    this.remember(id, { written: serialized, ...(timeZone ? { timeZone } : {}) });
  }

  /**
   * Where the bot can post into a team channel (approval cards routed there): the channel's reference,
   * kept from any activity that arrives from it (the app's install in the team, a message, a click).
   */
  private async captureChannel(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const channelId = channelIdOf(activity);
    if (!channelId || !activity.serviceUrl) return;
    const reference = TurnContext.getConversationReference(activity);
    delete reference.activityId;
    // The post goes to the channel itself (a new thread), not into the thread this activity came from; and to nobody in particular.
    delete reference.user;
    reference.conversation = { ...reference.conversation!, id: channelId };
    const key = channelReferenceKey(channelId);
    const serialized = JSON.stringify(reference);
    if (this.seen(key)?.written === serialized) return;
    await this.storage.write({ [key]: { reference, updatedAt: this.now().toISOString(), eTag: '*' } });
    this.remember(key, { written: serialized });
  }

  /** The entry for `key`, moved to the most recently seen end. */
  private seen(key: string): { readonly written: string; readonly timeZone?: string } | undefined {
    const entry = this.known.get(key);
    if (entry) {
      this.known.delete(key);
      this.known.set(key, entry);
    }
    return entry;
  }

  private remember(key: string, entry: { readonly written: string; readonly timeZone?: string }): void {
    this.known.delete(key);
    this.known.set(key, entry);
    if (this.known.size > this.maxKnown) this.known.delete(this.known.keys().next().value as string);
  }

  async getChannel(channelId: string): Promise<Partial<ConversationReference> | undefined> {
    const key = channelReferenceKey(channelId);
    const item = (await this.storage.read([key]))[key] as StoredReference | undefined;
    return item?.reference;
  }

  async get(userId: string): Promise<Partial<ConversationReference> | undefined> {
    return (await this.personal(userId))?.reference;
  }

  async personal(userId: string): Promise<PersonalChat | undefined> {
    const key = referenceKey(userId);
    const item = (await this.storage.read([key]))[key] as StoredReference | undefined;
    if (!item?.reference) return undefined;
    return { reference: item.reference, ...(typeof item.timeZone === 'string' ? { timeZone: item.timeZone } : {}) };
  }
}
