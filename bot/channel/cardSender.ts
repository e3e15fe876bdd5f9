// Proactive posts and in-place updates through a stored conversation reference, paced by the rate
// limiter and retried after a 429's Retry-After: the one road every message outside a turn's own reply takes.
import { TurnContext, type Activity, type Attachment, type ConversationReference } from 'botbuilder';
import { AuthenticationConstants, ClaimsIdentity, type BotFrameworkAuthentication, type ConnectorClient } from 'botframework-connector';
import { RateLimiter, retryAfterMs } from './rateLimiter';

const MAX_429_RETRIES = 3;
/** Longer waits than this are not worth holding a card for; the next sweep tries again. */
const MAX_RETRY_WAIT_MS = 30_000;

export interface CardSender {
  /** Posts a new message; resolves the activity id the channel gave it. */
  post(reference: Partial<ConversationReference>, content: Attachment | string): Promise<string>;
  update(reference: Partial<ConversationReference>, activityId: string, content: Attachment): Promise<void>;
  /** Gets ready to send to these references (a fan-out calls it while it waits for other things). */
  prepare?(references: ReadonlyArray<Partial<ConversationReference>>): void;
}

/**
 * Sends with the connector client the adapter would use, made once per channel endpoint through the
 * same authentication (its credentials sign each request with a current token). The adapter's
 * continueConversationAsync builds a connector client, a token client and a turn for every message:
 * most of a post's CPU, which a fan-out to many approvers pays once per card.
 */
export class ConnectorCardSender implements CardSender {
  private readonly clients = new Map<string, Promise<ConnectorClient>>();

  constructor(
    private readonly auth: BotFrameworkAuthentication,
    /** '' in local mode (no app id). */
    private readonly botAppId: string,
    private readonly limiter: RateLimiter = new RateLimiter(),
  ) {}

  async post(reference: Partial<ConversationReference>, content: Attachment | string): Promise<string> {
    const sent = await this.postActivity(
      reference,
      typeof content === 'string' ? { type: 'message', text: content } : { type: 'message', attachments: [content] },
    );
    if (!sent) throw new Error('the channel returned no activity id');
    return sent;
  }

  /** Posts any message activity (a follow-up, a reminder card); resolves the activity id, if the channel gave one. */
  async postActivity(reference: Partial<ConversationReference>, message: Partial<Activity>): Promise<string | undefined> {
    const activity = outgoing(reference, message);
    const sent = await this.send(reference, (client, conversationId) => client.conversations.sendToConversation(conversationId, activity));
    return sent.id || undefined;
  }

  async update(reference: Partial<ConversationReference>, activityId: string, content: Attachment): Promise<void> {
    const activity = outgoing(reference, { type: 'message', id: activityId, attachments: [content] });
    await this.send(reference, (client, conversationId) => client.conversations.updateActivity(conversationId, activityId, activity));
  }

  /** Makes the connector clients now: a fan-out's first posts would otherwise wait for them. */
  prepare(references: ReadonlyArray<Partial<ConversationReference>>): void {
    for (const url of new Set(references.map((r) => r.serviceUrl))) if (url) void this.client(url);
  }

  private async send<T>(
    reference: Partial<ConversationReference>,
    call: (client: ConnectorClient, conversationId: string) => Promise<T>,
  ): Promise<T> {
    const conversationId = reference.conversation?.id;
    if (!reference.serviceUrl || !conversationId) throw new Error('the conversation reference names no channel endpoint or conversation');
    const client = await this.client(reference.serviceUrl);
    for (let attempt = 0; ; attempt++) {
      const sent = await this.limiter.acquire(conversationId);
      try {
        const result = await call(client, conversationId);
        sent();
        return result;
      } catch (e) {
        sent();
        const wait = retryAfterMs(e);
        if (wait === undefined || attempt >= MAX_429_RETRIES || wait > MAX_RETRY_WAIT_MS) throw e;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  private client(serviceUrl: string): Promise<ConnectorClient> {
    let client = this.clients.get(serviceUrl);
    if (!client) {
      // The identity CloudAdapter gives a proactive turn (createClaimsIdentity).
      const identity = new ClaimsIdentity([
        { type: AuthenticationConstants.AudienceClaim, value: this.botAppId },
        { type: AuthenticationConstants.AppIdClaim, value: this.botAppId },
      ]);
      client = this.auth.createConnectorFactory(identity).create(serviceUrl);
      // A failure is not kept: the next send tries again.
      client.catch(() => this.clients.delete(serviceUrl));
      this.clients.set(serviceUrl, client);
    }
    return client;
  }
}

/** The activity as a turn would address it from the reference: from the bot, to the person, in their chat. */
function outgoing(reference: Partial<ConversationReference>, activity: Partial<Activity>): Activity {
  return TurnContext.applyConversationReference(activity, reference) as Activity;
}
