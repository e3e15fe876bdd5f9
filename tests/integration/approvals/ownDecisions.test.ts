// "What did I approve this week" from approvers who are not administrators, over HTTP with nothing
// stubbed (emulator, Azurite, the bot on restify, recording connectors): the audit log is admin-only,
// so the answer is their own decisions as the bot recorded them, said to be so, never anyone else's.
import assert from 'node:assert/strict';
import type { BotApp } from '../../../bot/server';
import {
  cardOf,
  executeData,
  startApprovalWorld,
  startBotInProcess,
  strings,
  until,
  USER_ADMIN_TURNS,
  type ApprovalWorld,
} from './approvalHarness';

const AZURE_TURNS = ['activate contributor on contoso prod for 1h', 'deploy the fix'];

describe('an approver who is not an admin asks what they decided (emulator, Azurite, recording connectors)', function () {
  this.timeout(90_000);
  let world: ApprovalWorld;
  let app: BotApp | undefined;
  const warnings: string[] = [];

  before(async () => {
    world = await startApprovalWorld();
    app = await startBotInProcess(world, warnings);
    // Bob approves Alice's Azure request; Dave denies her User Administrator request, with reasons.
    const azure = await world.request(AZURE_TURNS);
    const approved = await world.click('bob', 'approve', {
      ...executeData(cardOf(azure.bobCard.activity), 'approve')!,
      reason: 'Go ahead',
    });
    assert.match(strings(approved.value), /Approved by Bob Brown/);
    const entra = await world.request(USER_ADMIN_TURNS);
    const denied = await world.click('dave', 'deny', {
      ...executeData(cardOf(entra.daveCard.activity), 'deny')!,
      reason: 'Use the helpdesk queue',
    });
    assert.match(strings(denied.value), /Denied by Dave Diaz/);
    await until(
      "Alice's cards settled",
      () =>
        /Denied by Dave Diaz/.test(world.latest('alice', entra.waiting.id)) &&
        /Approved by Bob Brown/.test(world.latest('alice', azure.waiting.id)),
    );
  });

  after(async () => {
    await app?.close();
    await world?.close();
  });

  const answer = async (name: 'alice' | 'bob' | 'dave' | 'erin', text: string) => {
    const replies = await world.say(name, text);
    return replies.map((r) => strings(cardOf(r.activity)) || r.activity.text || '').join('\n');
  };

  it('Bob: his approval, in words, from what the bot recorded, and nothing of Dave', async () => {
    for (const q of ['what did I approve this week', 'what did I approve']) {
      const text = await answer('bob', q);
      assert.match(text, /What you approved or denied/);
      assert.match(text, /You approved Alice Adams's request for Contributor on Contoso Prod: Go ahead/);
      assert.match(text, /From the approvals you decided through this bot/);
      assert.doesNotMatch(text, /Dave Diaz|User Administrator|for PIM administrators/);
    }
  });

  it('Dave: his denial with its reason', async () => {
    const text = await answer('dave', 'what did I decide today');
    assert.match(text, /You denied Alice Adams's request for User Administrator: Use the helpdesk queue/);
    assert.doesNotMatch(text, /Contributor/);
  });

  it('someone who decided nothing hears so; asking about someone else is still for administrators', async () => {
    assert.match(await answer('erin', 'what did I approve this week'), /You decided nothing through this bot in that period/);
    assert.match(await answer('bob', 'what did dave approve this week'), /for PIM administrators/);
  });
});
