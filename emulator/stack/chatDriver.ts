// Plays Teams' side of a 1:1 chat against /api/messages in local mode: posts activities like the
// channel and collects the replies the bot sent to the recording connector during the turn.
// Shared by the benchmark and the fault / scale-out tests.
import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';

/** What the driver needs of a channel stand-in: its URL and what the bot sent to it. */
export interface Channel {
  readonly url: string;
  readonly activities: ReadonlyArray<ChannelMessage>;
  since(mark: number): ChannelMessage[];
}

export interface ChannelMessage {
  readonly conversationId: string;
  readonly targetActivityId?: string;
  readonly activity: Partial<Activity>;
}

export interface ChatUser {
  readonly id: string;
  readonly name: string;
  readonly aadObjectId: string;
}

export interface TurnResult {
  /** HTTP status of /api/messages (0 = the request itself failed, e.g. the instance died). */
  readonly status: number;
  readonly replies: Array<Partial<Activity>>;
  /** The HTTP response's JSON body (an invoke's answer), when it had one. */
  readonly body?: unknown;
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface Conversation {
  readonly id: string;
  readonly user: ChatUser;
  /** Sends a message (text, or a card submit's value) and waits for the turn to end. */
  say(input: string | Partial<Activity>): Promise<TurnResult>;
}

export interface ConversationOptions {
  readonly endpoint: string;
  readonly connector: Channel;
  readonly tenantId: string;
  readonly user: ChatUser;
  readonly conversationId?: string;
  readonly timeoutMs?: number;
}

export function openConversation(options: ConversationOptions): Conversation {
  const id = options.conversationId ?? `a:${randomUUID()}`;
  return {
    id,
    user: options.user,
    async say(input) {
      const partial: Partial<Activity> = typeof input === 'string' ? { text: input } : input;
      const activity = channelActivity(options, id, partial);
      return postActivity(options.endpoint, options.connector, activity, options.timeoutMs);
    },
  };
}

/** An activity as Teams would send it for this conversation, with `partial` on top. */
export function channelActivity(
  options: Pick<ConversationOptions, 'connector' | 'tenantId' | 'user'>,
  conversationId: string,
  partial: Partial<Activity>,
): Record<string, unknown> {
  return {
    type: 'message',
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: options.connector.url,
    conversation: { id: conversationId, conversationType: 'personal', tenantId: options.tenantId },
    from: { id: `29:${options.user.aadObjectId}`, name: options.user.name, aadObjectId: options.user.aadObjectId },
    recipient: { id: '28:pim-bot', name: 'PIM Bot' },
    channelData: { tenant: { id: options.tenantId } },
    locale: 'en-US',
    ...partial,
  };
}

/** Posts one activity and returns the replies sent to it (matched by the activity id they answer). */
export async function postActivity(
  endpoint: string,
  connector: Channel,
  activity: Record<string, unknown>,
  timeoutMs = 30_000,
): Promise<TurnResult> {
  const mark = connector.activities.length;
  const startedAt = performance.now();
  let status = 0;
  let body: unknown;
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    const raw = Buffer.from(await response.arrayBuffer()).toString('utf8');
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
  } catch {
    status = 0;
  }
  const endedAt = performance.now();
  const replies = connector
    .since(mark)
    .filter(
      (r) =>
        r.targetActivityId === activity['id'] ||
        (r.conversationId === (activity['conversation'] as { id: string }).id && r.targetActivityId === undefined),
    )
    .map((r) => r.activity);
  return { status, replies, ...(body !== undefined ? { body } : {}), startedAt, endedAt };
}

/** Text of a reply plus every string of its cards, for matching. */
export function textOf(replies: ReadonlyArray<Partial<Activity>>): string {
  const strings: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') strings.push(node);
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  for (const r of replies) {
    if (r.text) strings.push(r.text);
    walk(r.attachments?.map((a) => a.content));
  }
  return strings.join('\n');
}
