// Approval cards in Teams channels over HTTP with nothing stubbed (emulator, Azurite, the bot on
// restify): APPROVAL_CHANNELS routes Entra requests to channel A and Azure ones to channel B; the
// channel copy is one more copy of the record, decided there only by an approver, kept in step with
// the 1:1 copies; and the escalation when nobody decided after the reminder.
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { loadConfig } from '../../../bot/config';
import { createBotApp, type BotApp } from '../../../bot/server';
import { DEMO_AZURE, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { startRecordingConnector, type RecordingConnector } from '../../../emulator/stack/recordingConnector';
import {
  botEnv,
  cardOf,
  executeData,
  NAMES,
  startApprovalWorld,
  strings,
  until,
  USER_ADMIN_TURNS,
  type ApprovalWorld,
  type Name,
} from './approvalHarness';

const CHANNEL_A = '19:entra-approvals@thread.tacv2';
const CHANNEL_B = '19:azure-prod-approvals@thread.tacv2';
const AZURE_TURNS = ['activate contributor on contoso prod for 1h', 'deploy the fix'];

describe('approval channels over HTTP (routing table, channel copy, escalation)', function () {
  this.timeout(120_000);
  let world: ApprovalWorld;
  let app: BotApp | undefined;
  const channels: Record<string, RecordingConnector> = {};
  /** How far the bot's clock runs ahead of real time (escalation test); PIM keeps real time. */
  let ahead = 0;
  const logLines: string[] = [];

  /** An activity from the team channel (its own endpoint), as Teams sends it. */
  async function fromChannel(name: Name, channelId: string, partial: Partial<Activity>): Promise<{ status: number; body: unknown }> {
    return world.post(name, {
      serviceUrl: channels[channelId]!.url,
      conversation: {
        id: channelId,
        conversationType: 'channel',
        isGroup: true,
        tenantId: world.tenant.tenantId,
      } as Activity['conversation'],
      channelData: { channel: { id: channelId }, team: { id: '19:team@thread.tacv2' }, tenant: { id: world.tenant.tenantId } },
      ...partial,
    });
  }

  async function clickInChannel(
    name: Name,
    channelId: string,
    cardId: string,
    verb: string,
    data: Record<string, unknown>,
  ): Promise<{ type: string; value: unknown }> {
    const r = await fromChannel(name, channelId, {
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId: cardId,
      value: { action: { type: 'Action.Execute', verb, data } },
    } as Partial<Activity>);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as { type: string; value: unknown };
  }

  const channelCard = (channelId: string, requestId: string) =>
    channels[channelId]!.activities.find(
      (a) =>
        a.method === 'POST' && a.conversationId === channelId && executeData(cardOf(a.activity), 'approve')?.['requestId'] === requestId,
    );
  const latestIn = (channelId: string, activityId: string): string => {
    const c = channels[channelId]!;
    const updates = c.activities.filter((a) => a.method === 'PUT' && a.targetActivityId === activityId);
    return strings(cardOf((updates[updates.length - 1] ?? c.activities.find((a) => a.id === activityId))?.activity));
  };
  const decisionsAtPim = (requestId: string) =>
    world.tenant.requestLog
      .entries()
      .filter((e) => (e.method === 'PATCH' || e.method === 'PUT') && e.path.toLowerCase().includes(requestId.toLowerCase()));

  before(async () => {
    world = await startApprovalWorld();
    [channels[CHANNEL_A], channels[CHANNEL_B]] = await Promise.all([startRecordingConnector(), startRecordingConnector()]);
    const keep = (m: string, f?: object): void => void logLines.push(`${m} ${JSON.stringify(f)}`);
    const config = loadConfig({
      ...botEnv(world, world.container()),
      APPROVAL_CHANNELS: `entraRole=${CHANNEL_A}; azureResource:/subscriptions/${DEMO_AZURE.subscription.id}=${CHANNEL_B}`,
    });
    app = createBotApp(config, {
      logger: { info: () => {}, warn: keep, error: keep },
      now: () => new Date(Date.now() + ahead),
      approvals: {
        sweepMs: 250,
        reminders: { remindApproversAfterMs: 60 * 60_000, warnRequesterBeforeMs: 30 * 60_000, escalateAfterReminderMs: 60 * 60_000 },
      },
    });
    world.endpoint = `http://127.0.0.1:${(await app.listen(0, '127.0.0.1')).port}/api/messages`;
    for (const name of NAMES) await world.say(name, 'hi');
    // The app is added to each team: that is where the bot learns the channel's endpoint.
    for (const id of [CHANNEL_A, CHANNEL_B]) {
      assert.equal((await fromChannel('bob', id, { type: 'installationUpdate', action: 'add' } as Partial<Activity>)).status, 200);
    }
  });

  after(async () => {
    await app?.close();
    await world?.close();
    await Promise.all(Object.values(channels).map((c) => c.close()));
  });

  beforeEach(async () => {
    await world.tenant.reset();
    world.tenant.clock.useRealTime();
    ahead = 0;
  });

  it('an Entra request goes to channel A only; Erin (not an approver) is refused there and nothing reaches PIM; Dave decides in the channel and every copy follows', async () => {
    const markB = channels[CHANNEL_B]!.activities.length;
    const { requestId, bobCard, waiting } = await world.request(USER_ADMIN_TURNS);
    const inA = await until('the card in channel A', () => channelCard(CHANNEL_A, requestId));
    assert.match(strings(cardOf(inA.activity)), /Alice Adams asks for User Administrator/);
    assert.match(
      strings(cardOf(inA.activity)),
      /Only the approvers of this request can decide: (Bob Brown, Dave Diaz|Dave Diaz, Bob Brown)\./,
    );
    assert.equal(channels[CHANNEL_B]!.since(markB).filter((a) => a.method === 'POST').length, 0, 'nothing in the Azure channel');
    const data = executeData(cardOf(inA.activity), 'approve')!;

    const refused = await clickInChannel('erin', CHANNEL_A, inA.id, 'approve', data);
    assert.equal(refused.type, 'application/vnd.microsoft.activity.message');
    assert.match(
      String(refused.value),
      /Only the approvers of this request \((Bob Brown or Dave Diaz|Dave Diaz or Bob Brown)\) can approve or deny it\. Nothing was changed\./,
    );
    const selfClick = await clickInChannel('alice', CHANNEL_A, inA.id, 'approve', data);
    assert.match(String(selfClick.value), /can't approve or deny your own request/);
    assert.equal(decisionsAtPim(requestId).length, 0, 'the request log shows no decision at PIM');
    assert.equal(world.tenant.state.assignmentRequests(DEMO_USERS.alice.id).find((r) => r.id === requestId)?.status, 'PendingApproval');
    assert.doesNotMatch(latestIn(CHANNEL_A, inA.id), /Approved|Denied/, 'the channel card is unchanged');

    const decided = await clickInChannel('dave', CHANNEL_A, inA.id, 'approve', { ...data, reason: 'ok from the channel' });
    assert.equal(decided.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(strings(decided.value), /Approved by Dave Diaz at .*: ok from the channel/);
    assert.equal(executeData(decided.value, 'approve'), undefined, 'no buttons left in the channel');
    const atPim = decisionsAtPim(requestId);
    assert.equal(atPim.length, 1);
    assert.equal(atPim[0]!.caller, DEMO_USERS.dave.id, "decided with Dave's own delegated token");
    assert.equal(world.tenant.state.assignmentRequests(DEMO_USERS.alice.id).find((r) => r.id === requestId)?.status, 'Provisioned');
    await until("Bob's 1:1 card changes in place", () => /Approved by Dave Diaz/.test(world.latest('bob', bobCard.id)));
    await until("Alice's waiting card too", () => /Approved by Dave Diaz/.test(world.latest('alice', waiting.id)));
    // Dave's own 1:1 copy follows too, and the channel copy is never posted twice.
    const daveCards = world.cardsFor('dave', requestId);
    assert.equal(daveCards.length, 1);
    await until("Dave's 1:1 card", () => /Approved by Dave Diaz/.test(world.latest('dave', daveCards[0]!.id)));
    assert.equal(
      channels[CHANNEL_A]!.activities.filter(
        (a) => a.method === 'POST' && executeData(cardOf(a.activity), 'approve')?.['requestId'] === requestId,
      ).length,
      1,
    );
  });

  it('an Azure request goes to channel B; decided by Bob in his 1:1 chat, the channel card changes in place', async () => {
    const markA = channels[CHANNEL_A]!.activities.length;
    const { requestId, bobCard } = await world.request(AZURE_TURNS);
    const inB = await until('the card in channel B', () => channelCard(CHANNEL_B, requestId));
    assert.match(strings(cardOf(inB.activity)), /Alice Adams asks for Contributor/);
    assert.equal(channels[CHANNEL_A]!.since(markA).filter((a) => a.method === 'POST').length, 0, 'nothing in the Entra channel');
    await world.click('bob', 'approve', executeData(cardOf(bobCard.activity), 'approve')!);
    await until('the channel card shows the decision', () => /Approved by Bob Brown/.test(latestIn(CHANNEL_B, inB.id))).catch((e) => {
      throw new Error(`${e}\n${logLines.join('\n')}`);
    });
    assert.equal(
      executeData(cardOf(channels[CHANNEL_B]!.activities.filter((a) => a.targetActivityId === inB.id).pop()?.activity), 'approve'),
      undefined,
    );
  });

  it('escalation: nobody decided after the reminder, so the channel is asked and Alice hears who was reminded', async () => {
    const { requestId } = await world.request(USER_ADMIN_TURNS);
    await until('the card in channel A', () => channelCard(CHANNEL_A, requestId));
    const markA = channels[CHANNEL_A]!.activities.length;
    const markAlice = world.people.alice.connector.activities.length;
    ahead = 61 * 60_000;
    await until('Bob reminded', () =>
      world.people.bob.connector.activities.some((a) =>
        /Reminder: Alice Adams's request for User Administrator/.test(a.activity.text ?? ''),
      ),
    );
    assert.equal(channels[CHANNEL_A]!.since(markA).length, 0, 'no escalation at the reminder itself');
    ahead = 122 * 60_000;
    const escalation = await until('the escalation in channel A', () =>
      channels[CHANNEL_A]!.since(markA).find((a) => a.method === 'POST' && /Escalation/.test(a.activity.text ?? '')),
    );
    assert.equal(escalation.conversationId, CHANNEL_A);
    assert.match(
      escalation.activity.text ?? '',
      /Alice Adams's request for User Administrator is still waiting for a decision\. (Bob Brown and Dave Diaz|Dave Diaz and Bob Brown) were reminded at \d\d:\d\d UTC/,
    );
    const told = await until('Alice told who was reminded', () =>
      world.people.alice.connector
        .since(markAlice)
        .find((a) => /I reminded .* and have now raised it in the approvers' channel/.test(a.activity.text ?? '')),
    );
    assert.match(told.activity.text ?? '', /I reminded (Bob Brown and Dave Diaz|Dave Diaz and Bob Brown) at \d\d:\d\d UTC/);
    // Once: later sweeps do not escalate again.
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(channels[CHANNEL_A]!.since(markA).filter((a) => /Escalation/.test(a.activity.text ?? '')).length, 1);
    assert.equal(decisionsAtPim(requestId).length, 0);
  });
});
