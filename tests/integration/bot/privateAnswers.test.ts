// Personal and admin answers go to the person's 1:1 chat only. Over HTTP with nothing stubbed (local
// mode: emulator, Azurite, recording connector): what is asked in a group chat or a team channel is
// answered in the asker's 1:1 chat, and the shared conversation only hears that it was; without a
// 1:1 chat the bot says how to start one and reveals nothing. Also here: only msteams is served.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { ANSWERED_PRIVATELY_TEXT, START_PRIVATE_CHAT_TEXT } from '../../../bot/privateChat';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import type { RecordedActivity } from '../../../emulator/stack/recordingConnector';
import { cardText } from '../../support/botHarness';
import { ALICE, requesterSuite } from './requesterHarness';

const CAROL = { id: '29:carol', name: DEMO_USERS.carol.displayName, aadObjectId: DEMO_USERS.carol.id };
const BOT = { id: '28:pim-bot', name: 'PIM Bot' };
const PRIVATE_WORDS =
  /Global Reader|User Administrator|Security Administrator|Global Administrator|Privileged Role Administrator|Carol Chen|Alice Adams|Deactivate|active until|left/i;

describe('private answers in group chats and channels (over HTTP, no stubs)', function () {
  this.timeout(60_000);
  const h = requesterSuite();

  function shared(kind: 'groupChat' | 'channel'): Record<string, unknown> {
    return kind === 'groupChat'
      ? { id: `19:${randomUUID()}@thread.v2`, conversationType: 'groupChat', isGroup: true, tenantId: h.tenant.tenantId }
      : {
          id: `19:${randomUUID().replace(/-/g, '')}@thread.tacv2;messageid=1700000000000`,
          conversationType: 'channel',
          isGroup: true,
          tenantId: h.tenant.tenantId,
        };
  }

  /** A message in a shared conversation as Teams delivers it: the bot @mentioned. */
  function mentioning(text: string, conversation: Record<string, unknown>, from: Activity['from'] = ALICE): Partial<Activity> {
    return {
      text: `<at>PIM Bot</at> ${text}`,
      entities: [{ type: 'mention', mentioned: BOT, text: '<at>PIM Bot</at>' }],
      conversation: conversation as unknown as Activity['conversation'],
      from,
      channelData: { tenant: { id: h.tenant.tenantId } },
    };
  }

  function split(replies: RecordedActivity[], group: Record<string, unknown>) {
    const inGroup = replies.filter((r) => r.conversationId === group['id']).map((r) => r.activity);
    const elsewhere = replies.filter((r) => r.conversationId !== group['id']);
    return { inGroup, elsewhere };
  }

  function assertNothingPrivate(activities: Array<Partial<Activity>>): void {
    for (const a of activities) {
      assert.equal(a.attachments, undefined, 'no card in the shared conversation');
      assert.doesNotMatch(`${a.text ?? ''}`, PRIVATE_WORDS);
    }
  }

  it('"my roles" and a whole activation asked in a group chat are answered in her 1:1 chat; the group only hears that', async () => {
    const personal = h.conversationId;
    await h.send('hi'); // the bot learns her 1:1 chat
    const group = shared('groupChat');

    const mine = split((await h.send(mentioning('my roles', group))).replies, group);
    assert.deepEqual(
      mine.inGroup.map((a) => a.text),
      [ANSWERED_PRIVATELY_TEXT],
    );
    assertNothingPrivate(mine.inGroup);
    assert.ok(mine.elsewhere.length > 0 && mine.elsewhere.every((r) => r.conversationId === personal), 'answered in the 1:1 chat');
    assert.match(cardText(mine.elsewhere[0]!.activity), /Global Reader/);

    const steps = ['activate global reader', '2h', 'Quarterly access review'];
    const privately: RecordedActivity[] = [];
    for (const text of steps) {
      const turn = split((await h.send(mentioning(text, group))).replies, group);
      assert.deepEqual(
        turn.inGroup.map((a) => a.text),
        [ANSWERED_PRIVATELY_TEXT],
        text,
      );
      assertNothingPrivate(turn.inGroup);
      privately.push(...turn.elsewhere);
    }
    assert.ok(privately.every((r) => r.conversationId === personal));
    assert.match(privately.map((r) => `${r.activity.text ?? ''} ${cardText(r.activity)}`).join('\n'), /Global Reader is active/);
    const active = h.tenant.state
      .activeAssignments(DEMO_USERS.alice.id)
      .filter((a) => a.roleDefinitionId === DEMO_ROLES.globalReader.id && a.assignmentType === 'Activated');
    assert.equal(active.length, 1, 'the activation itself went through');
  });

  it("an admin's question in a team channel: without a 1:1 chat she is told how to start one and nothing is revealed; with one, the answer goes there", async () => {
    const channel = shared('channel');
    const before = split((await h.send(mentioning('who has Global Administrator', channel, CAROL))).replies, channel);
    assert.deepEqual(
      before.inGroup.map((a) => a.text),
      [START_PRIVATE_CHAT_TEXT],
    );
    assert.equal(before.elsewhere.length, 0, 'nothing sent anywhere else');

    const carolChat = { id: `a:${randomUUID()}`, conversationType: 'personal', tenantId: h.tenant.tenantId };
    await h.send({ text: 'hi', from: CAROL, conversation: carolChat as unknown as Activity['conversation'] });
    const after = split((await h.send(mentioning('who has Global Administrator', channel, CAROL))).replies, channel);
    assert.deepEqual(
      after.inGroup.map((a) => a.text),
      [ANSWERED_PRIVATELY_TEXT],
    );
    assertNothingPrivate(after.inGroup);
    assert.ok(
      after.elsewhere.length > 0 && after.elsewhere.every((r) => r.conversationId === carolChat.id),
      "answered in Carol's 1:1 chat",
    );
    assert.match(after.elsewhere.map((r) => `${r.activity.text ?? ''} ${cardText(r.activity)}`).join('\n'), /Global Administrator/);
  });

  it("a personal card's button clicked in a group chat does nothing and reveals nothing", async () => {
    const group = shared('groupChat');
    const body = h.activity({
      type: 'invoke',
      name: 'adaptiveCard/action',
      conversation: group as unknown as Activity['conversation'],
      value: {
        action: { type: 'Action.Execute', verb: 'cancelRequest', data: { requestId: randomUUID(), surface: 'entraRole', nonce: 'n' } },
      },
    });
    const mark = h.connector.activities.length;
    const response = await fetch(`${h.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /only in our 1:1 chat\. Nothing was changed/);
    assert.equal(h.connector.activities.length, mark, 'nothing posted');
  });

  it('only the msteams channel is served (local mode too): a Web Chat or Direct Line activity changes nothing, an invoke gets 403', async () => {
    await h.send('hi');
    const upstream = h.tenant.requestLog.entries().length;
    for (const channelId of ['webchat', 'directline', 'emulator']) {
      const { replies } = await h.send({ channelId, text: 'activate global reader for 1h because audit' });
      assert.equal(replies.length, 0, `${channelId}: no reply`);
      const invoke = await fetch(`${h.botUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          h.activity({
            channelId,
            type: 'invoke',
            name: 'adaptiveCard/action',
            value: { action: { type: 'Action.Execute', verb: 'approve', data: {} } },
          }),
        ),
      });
      assert.equal(invoke.status, 403, channelId);
    }
    assert.equal(h.tenant.requestLog.entries().length, upstream, 'nothing asked of PIM');
  });
});
