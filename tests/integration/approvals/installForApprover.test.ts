// An approver the bot cannot reach yet (Dave never opened it): the bot installs its Teams app for him
// through Graph (the emulator records the install), Teams answers with an installationUpdate from his
// 1:1 chat (played here by his recording connector's channel), and the next sweep posts his card —
// exactly once. Bob, who has talked to the bot, is never installed for. Nothing stubbed.
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { loadConfig } from '../../../bot/config';
import { createBotApp, type BotApp } from '../../../bot/server';
import { DEMO_USERS, LOCAL_TEAMS_APP } from '../../../emulator/tenant/demoTenant';
import { botEnv, cardOf, executeData, startApprovalWorld, strings, until, USER_ADMIN_TURNS, type ApprovalWorld } from './approvalHarness';

const SWEEP_MS = 200;

describe('approvals: installing the app for an approver the bot cannot reach', function () {
  this.timeout(60_000);
  let world: ApprovalWorld;
  let app: BotApp | undefined;
  const warnings: string[] = [];

  before(async () => {
    world = await startApprovalWorld();
    const logger = {
      info: () => {},
      warn: (m: string, f?: object) => warnings.push(`${m} ${JSON.stringify(f)}`),
      error: (m: string, f?: object) => warnings.push(`${m} ${JSON.stringify(f)}`),
    };
    app = createBotApp(loadConfig(botEnv(world, world.container())), { logger, approvals: { sweepMs: SWEEP_MS } });
    world.endpoint = `http://127.0.0.1:${(await app.listen(0, '127.0.0.1')).port}/api/messages`;
    // Alice and Bob have talked to the bot; Dave never has.
    await world.say('alice', 'hi');
    await world.say('bob', 'hi');
  });

  after(async () => {
    await app?.close();
    await world?.close();
  });

  const installPosts = (userId: string) =>
    world.tenant.requestLog.entries().filter((e) => e.method === 'POST' && e.path === `/v1.0/users/${userId}/teamwork/installedApps`);
  const sweeps = (n: number) => new Promise((r) => setTimeout(r, n * SWEEP_MS));

  it('installs for Dave, and after the installationUpdate his card arrives once; Bob is never installed for', async () => {
    let replies: Awaited<ReturnType<ApprovalWorld['say']>> = [];
    for (const turn of USER_ADMIN_TURNS) replies = await world.say('alice', turn);
    const waiting = replies.find((r) => /waiting for approval/.test(strings(cardOf(r.activity))));
    assert.ok(waiting, 'the waiting card');
    const requestId = executeData(cardOf(waiting.activity), 'cancelRequest')!['requestId'] as string;
    const bobCard = await until("Bob's card", () => world.cardsFor('bob', requestId)[0]);

    await until('the app installed for Dave', () =>
      world.tenant.state.data.teamsAppInstallations?.some(
        (x) => x.userId === DEMO_USERS.dave.id && x.teamsAppId === LOCAL_TEAMS_APP.catalogId,
      ),
    );
    await sweeps(3);
    assert.equal(installPosts(DEMO_USERS.dave.id).filter((e) => e.status === 201).length, 1, 'installed once');
    const attempts = installPosts(DEMO_USERS.dave.id).length;
    assert.equal(world.people.dave.connector.activities.length, 0, 'nothing reaches Dave before Teams tells the bot about the install');

    // What Teams sends the bot once the app is installed in Dave's personal scope.
    const update = await world.post('dave', { type: 'installationUpdate', action: 'add', text: undefined } as Partial<Activity>);
    assert.equal(update.status, 200);
    const daveCard = await until("Dave's card after the next sweep", () => world.cardsFor('dave', requestId)[0]);
    assert.equal(daveCard.conversationId, world.people.dave.conversationId, 'in his 1:1 chat');
    assert.match(strings(cardOf(daveCard.activity)), /Alice Adams asks for User Administrator/);
    await sweeps(4);
    assert.equal(world.cardsFor('dave', requestId).length, 1, 'exactly one card for Dave');
    assert.equal(installPosts(DEMO_USERS.dave.id).length, attempts, 'no further installs for Dave');

    // The copy is a tracked one: Bob's decision reaches it in place.
    await world.click('bob', 'approve', { ...executeData(cardOf(bobCard.activity), 'approve')!, reason: 'ok' });
    await until("Dave's card updated in place", () => /Approved by Bob Brown/.test(world.latest('dave', daveCard.id)));

    for (const who of [DEMO_USERS.bob.id, DEMO_USERS.alice.id])
      assert.equal(installPosts(who).length, 0, 'people the bot can reach are never installed for');
    assert.deepEqual(
      world.tenant.state.data.teamsAppInstallations?.map((x) => x.userId),
      [DEMO_USERS.dave.id],
    );
    assert.deepEqual(warnings, []);
  });
});
