// Approval fan-out: from the moment PIM answers PendingApproval until every approver's card has
// been delivered, for 1, 10 and 50 approvers, through a connector enforcing Teams' rate limits.
// The baseline (the floor) is the framework alone posting the same cards to the same number of
// conversations (after the requester's messages of the submit turn, which share the per-app window)
// through the same connector, paced by the same limits, measured in the same run, after one durable
// write to the bot's own Storage (issue 19: the floor includes the record any crash-safe bot writes
// before the first card).
import { randomUUID } from 'node:crypto';
import { CloudAdapter, MessageFactory, type ConversationReference } from 'botbuilder';
import { loadConfig } from '../bot/config';
import { createChannelAuthentication } from '../bot/http/channelAuth';
import { RateLimiter } from '../bot/channel/rateLimiter';
import { DEMO_GROUPS } from '../emulator/tenant/demoTenant';
import { GROUP_MEMBERS_TTL_MS } from '../services/approvals/graphDirectory';
import { createStateStorage } from '../services/store/stateStorage';
import type { TenantEmulator } from '../emulator/tenant/index';
import type { BotProcess } from '../emulator/stack/botProcess';
import { addBenchUsers, clearActivations } from '../emulator/stack/chatUsers';
import { channelActivity, openConversation, postActivity, textOf, type ChatUser } from '../emulator/stack/chatDriver';
import { startRateLimitedConnector, type Delivery, type RateLimitedConnector } from '../emulator/stack/rateLimitedConnector';
import { round } from './stats';

export const FAN_OUT_SIZES = [1, 10, 50] as const;
/** One fan-out of 1 or 10 cards takes 15-30 ms, a hiccup of the machine is a third of that, and the floor's first round also opens its connections: report the median round. */
const ROUNDS = 5;

export interface FanOutResult {
  readonly approvers: number;
  /** Medians over this many rounds; delivered is the fewest of any round, doubled and refusals are totals. */
  readonly rounds: number;
  readonly ms: number;
  readonly floorMs: number;
  readonly ratio: number;
  readonly delivered: number;
  readonly doubled: number;
  readonly refusals: number;
}

const CARD = 'application/vnd.microsoft.card.adaptive';
const WINDOW_CLEAR_MS = 1100;

function isCard(d: Delivery): boolean {
  return d.method === 'POST' && (d.activity.attachments ?? []).some((a) => a.contentType === CARD);
}

/**
 * The framework alone after one durable write: the record, then the messages the submit turn sends the
 * requester (they count against the same per-app window), then N cards to N conversations, paced by the
 * bot's own rate limiter.
 */
async function floor(
  connector: RateLimitedConnector,
  env: Record<string, string>,
  conversations: readonly string[],
  card: object,
  requesterMessages: number,
): Promise<number> {
  const config = loadConfig(env);
  const adapter = new CloudAdapter(createChannelAuthentication(config));
  const storage = createStateStorage(config.storage);
  const limiter = new RateLimiter();
  const post = async (id: string) => {
    const sent = await limiter.acquire(id);
    const reference: Partial<ConversationReference> = {
      channelId: 'msteams',
      serviceUrl: connector.url,
      conversation: { id, isGroup: false, conversationType: 'personal', name: '' },
    };
    await adapter.continueConversationAsync('', reference, async (context) => {
      await context.sendActivity(MessageFactory.attachment({ contentType: CARD, content: card }));
    });
    sent();
  };
  // Opens the storage client's connection outside the clock, as the bot's is open from its earlier turns.
  await storage.read([`bench/fanout-floor/warm`]);
  const started = performance.now();
  // The one durable write a bot that survives a crash between the post and the record cannot skip:
  // the approval record, with every approver's copy claimed, written before the first card goes out.
  await storage.write({
    [`bench/fanout-floor/${randomUUID()}`]: { eTag: '*', approvers: conversations, claimedAt: new Date().toISOString() },
  });
  for (let i = 0; i < requesterMessages; i++) await post(`a:floor-requester-${conversations.length}`);
  await Promise.all(conversations.map(post));
  return performance.now() - started;
}

async function once(
  tenant: TenantEmulator,
  bot: BotProcess,
  env: Record<string, string>,
  size: number,
  requester: ChatUser,
): Promise<FanOutResult> {
  const connector = await startRateLimitedConnector();
  try {
    const approvers = await addBenchUsers(tenant, size, `approver${size}`);
    // Each approver has talked to the bot once, so it holds their 1:1 conversation reference.
    const conversationOf = new Map<string, string>();
    for (const approver of approvers) {
      const conversation = openConversation({ endpoint: bot.endpoint, connector: connector, tenantId: tenant.tenantId, user: approver });
      conversationOf.set(conversation.id, approver.aadObjectId);
      await postActivity(
        bot.endpoint,
        connector,
        channelActivity({ connector: connector, tenantId: tenant.tenantId, user: approver }, conversation.id, { text: 'hi' }),
      );
      await new Promise((r) => setTimeout(r, 25));
    }
    await new Promise((r) => setTimeout(r, WINDOW_CLEAR_MS));

    await clearActivations(tenant, [requester]);
    const mark = connector.deliveries.length;
    const logMark = tenant.requestLog.entries().length;
    const c = openConversation({ endpoint: bot.endpoint, connector: connector, tenantId: tenant.tenantId, user: requester });
    await c.say('activate user administrator');
    await c.say({ value: { action: 'setDuration', duration: '90 minutes' } });
    const submitMark = connector.deliveries.length;
    const submit = await c.say({ value: { action: 'submitJustification', justification: 'Fan-out bench', ticketNumber: 'INC-8' } });
    if (!/waiting for approval/i.test(textOf(submit.replies)))
      throw new Error(`the request did not wait for approval: ${textOf(submit.replies).slice(0, 120)}`);
    // The clock starts at PIM's PendingApproval answer to the request: the submit turn's last POST to this path.
    const created = tenant.requestLog
      .entries()
      .slice(logMark)
      .filter((e) => e.method === 'POST' && /roleAssignmentScheduleRequests$/.test(e.path) && e.status < 300)
      .pop();
    const pendingAt = created ? Date.parse(created.time) + created.durationMs - performance.timeOrigin : submit.startedAt;

    const deadline = performance.now() + 60_000;
    let cards: Delivery[] = [];
    for (;;) {
      cards = connector.since(mark).filter((d) => isCard(d) && conversationOf.has(d.conversationId));
      if (new Set(cards.map((d) => d.conversationId)).size >= size || performance.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    // Anything doubled shows up a little later; give it the time.
    await new Promise((r) => setTimeout(r, 500));
    cards = connector.since(mark).filter((d) => isCard(d) && conversationOf.has(d.conversationId));
    const first = new Map<string, number>();
    for (const d of cards) if (!first.has(d.conversationId)) first.set(d.conversationId, d.at);
    const ms = first.size > 0 ? Math.max(...first.values()) - pendingAt : Number.NaN;
    const refusals = [...connector.refusals.values()].reduce((a, b) => a + b, 0);

    await new Promise((r) => setTimeout(r, WINDOW_CLEAR_MS));
    const cardContent = cards[0]?.activity.attachments?.[0]?.content ?? {};
    const requesterMessages = connector
      .since(submitMark)
      .filter((d) => d.conversationId === c.id && d.at <= Math.max(...first.values())).length;
    const floorMs = await floor(
      connector,
      env,
      approvers.map((_, i) => `a:floor-${size}-${i}`),
      cardContent,
      requesterMessages,
    );
    return {
      approvers: size,
      rounds: 1,
      ms,
      floorMs,
      ratio: ms / floorMs,
      delivered: first.size,
      doubled: cards.length - first.size,
      refusals,
    };
  } finally {
    await connector.close();
  }
}

export async function measureFanOut(
  stack: { tenant: TenantEmulator; env: Record<string, string> },
  bot: BotProcess,
): Promise<FanOutResult[] | string> {
  const [requester] = await addBenchUsers(stack.tenant, 1, 'fanout-requester');
  const results: FanOutResult[] = [];
  try {
    for (const size of FAN_OUT_SIZES) {
      const approvers = await addBenchUsers(stack.tenant, size, `approver${size}`);
      await stack.tenant.state.update((data) => {
        const group = data.groups.find((g) => g.id === DEMO_GROUPS.pimApprovers.id)!;
        group.members = approvers.map((a) => a.aadObjectId);
      });
      // The bot keeps an approver group's members for a while (services/approvals/graphDirectory.ts):
      // a changed group reaches its fan-out once that has passed, as after a real membership change.
      // Without the wait, the first rounds of a size would send the group's earlier members the cards
      // (the previous size's, or the demo approvers an earlier part of the bench asked).
      await new Promise((r) => setTimeout(r, GROUP_MEMBERS_TTL_MS + 1000));
      const rounds: FanOutResult[] = [];
      for (let r = 0; r < ROUNDS; r++) rounds.push(await once(stack.tenant, bot, stack.env, size, requester!));
      results.push(summarise(rounds));
    }
    return results;
  } catch (e) {
    return `not measured: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function summarise(rounds: readonly FanOutResult[]): FanOutResult {
  const median = (pick: (r: FanOutResult) => number) => {
    const sorted = rounds.map(pick).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  };
  const ms = median((r) => r.ms);
  const floorMs = median((r) => r.floorMs);
  return {
    approvers: rounds[0]!.approvers,
    rounds: rounds.length,
    ms: round(ms),
    floorMs: round(floorMs),
    ratio: round(ms / floorMs, 2),
    delivered: Math.min(...rounds.map((r) => r.delivered)),
    doubled: rounds.reduce((sum, r) => sum + r.doubled, 0),
    refusals: rounds.reduce((sum, r) => sum + r.refusals, 0),
  };
}
