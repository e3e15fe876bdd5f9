// The bot runs in its own process (emulator/stack/botProcess.ts), is SIGKILLed right after the fan-out
// (both approvers' cards posted and recorded in Azurite) and started again on the same storage: the
// flow completes with nothing lost or doubled.
import assert from 'node:assert/strict';
import { ApprovalRecordStore } from '../../../services/approvals/recordStore';
import { recordKey } from '../../../services/approvals/record';
import { createStateStorage } from '../../../services/store/stateStorage';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { startBotProcess, type BotProcess } from '../../../emulator/stack/botProcess';
import { botEnv, cardOf, executeData, NAMES, startApprovalWorld, until, USER_ADMIN_TURNS, type ApprovalWorld } from './approvalHarness';

describe('approvals survive a SIGKILL right after the fan-out (bot in a child process, Azurite)', function () {
  this.timeout(90_000);
  let world: ApprovalWorld;
  let bot: BotProcess | undefined;

  before(async () => {
    world = await startApprovalWorld();
  });

  after(async () => {
    await bot?.stop();
    await world?.close();
  });

  it('restarted on the same storage: each approver has one card, the decision lands once, Alice is told once', async () => {
    const container = world.container();
    const env = botEnv(world, container);
    bot = await startBotProcess({ env });
    world.endpoint = bot.endpoint;
    for (const name of NAMES) await world.say(name, 'hi');

    const { requestId, bobCard, daveCard, waiting } = await world.request(USER_ADMIN_TURNS);
    // "Right after the fan-out": the posts are recorded (copy sent + activity id), as a sweep would find them.
    const records = new ApprovalRecordStore(createStateStorage({ connectionString: world.azurite.connectionString, container }));
    const key = recordKey('entraRole', requestId);
    await until('the fan-out recorded', async () => {
      const r = await records.getByKey(key);
      return (
        r &&
        r.copies
          .filter((c) => c.role === 'approver')
          .every((c) => c.state === 'sent' && c.activityId !== undefined && c.claim === undefined)
      );
    });
    await bot.kill();
    assert.equal(bot.exit(), 'SIGKILL');

    bot = await startBotProcess({ env });
    world.endpoint = bot.endpoint;
    const aliceMark = world.people.alice.connector.activities.length;
    const answer = await world.click('bob', 'approve', {
      ...executeData(cardOf(bobCard.activity), 'approve')!,
      reason: 'after the restart',
    });
    assert.equal(answer.type, 'application/vnd.microsoft.card.adaptive');
    await until("Dave's card updated in place", () => /Approved by Bob Brown/.test(world.latest('dave', daveCard.id)));
    await until("Alice's waiting card updated", () => /Approved by Bob Brown/.test(world.latest('alice', waiting.id)));
    await until('Alice told', () =>
      world.people.alice.connector.since(aliceMark).some((a) => /Bob Brown approved your request/.test(a.activity.text ?? '')),
    );
    // Give the restarted instance's start-up sweep time to (wrongly) resend anything.
    await until('the record settled', async () => {
      const r = await records.getByKey(key);
      return r?.requesterToldAt !== undefined && r.copies.every((c) => c.state !== 'sent' || c.shows === 'approved');
    });
    await new Promise((r) => setTimeout(r, 500));

    assert.equal(world.cardsFor('bob', requestId).length, 1, 'Bob has exactly one card');
    assert.equal(world.cardsFor('dave', requestId).length, 1, 'Dave has exactly one card');
    const told = world.people.alice.connector.activities.filter(
      (a) => a.method === 'POST' && /approved your request/.test(a.activity.text ?? ''),
    );
    assert.equal(told.length, 1, 'Alice is told once');
    const decisions = world.tenant.requestLog.entries().filter((e) => e.method === 'PATCH' && e.path.includes(requestId));
    assert.equal(decisions.length, 1, 'the decision lands once');
    assert.equal(
      world.tenant.state.activeAssignments(DEMO_USERS.alice.id).filter((a) => a.roleDefinitionId === DEMO_ROLES.userAdministrator.id)
        .length,
      1,
    );
    assert.deepEqual(bot.unhandledRejections(), []);
  });
});
