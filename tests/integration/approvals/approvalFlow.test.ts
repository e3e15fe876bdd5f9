// The approval flow over HTTP with nothing stubbed: the tenant emulator (real msal-node + Graph client),
// Azurite through botbuilder-azure-blobs, the bot on restify, and one recording connector per persona.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { BotApp } from '../../../bot/server';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { call } from '../emulator/http';
import {
  cardOf,
  executeData,
  startApprovalWorld,
  startBotInProcess,
  strings,
  until,
  USER_ADMIN_TURNS,
  type ApprovalWorld,
  type Name,
} from './approvalHarness';

const APPROVALS = '/beta/roleManagement/directory/roleAssignmentApprovals';

/** Requests that need approval on each surface; Alice may have one pending per role at a time. */
const LANES: ReadonlyArray<{ readonly surface: string; readonly turns: ReadonlyArray<string | object> }> = [
  { surface: 'Entra role', turns: USER_ADMIN_TURNS },
  { surface: 'PIM group', turns: ['activate sre on-call owner for 1h', 'rotate the pager'] },
  { surface: 'Azure role', turns: ['activate contributor on contoso prod for 1h', 'deploy the fix'] },
];
const RACE_ROUNDS = 50;

describe('approvals end to end over HTTP (emulator, Azurite, one recording connector per persona)', function () {
  this.timeout(120_000);
  let world: ApprovalWorld;
  let app: BotApp | undefined;
  const logLines: string[] = [];

  before(async () => {
    world = await startApprovalWorld();
    app = await startBotInProcess(world, logLines);
  });

  after(async () => {
    await app?.close();
    await world?.close();
  });

  beforeEach(async () => {
    await world.tenant.reset();
    world.tenant.clock.useRealTime();
  });

  it("Alice asks; Bob and Dave get cards; Bob approves; Dave's card changes in place; Alice is told; her role is active", async () => {
    const { requestId, bobCard, daveCard, waiting } = await world.request(USER_ADMIN_TURNS);
    const bobText = strings(cardOf(bobCard.activity));
    for (const expected of ['Alice Adams asks for User Administrator', 'Directory', '2 hours', 'Reset MFA for Erin', 'INC-42', 'Expires'])
      assert.match(bobText, new RegExp(expected));
    assert.equal(bobCard.conversationId, world.people.bob.conversationId, "in Bob's 1:1 chat");

    const aliceMark = world.people.alice.connector.activities.length;
    const answer = await world.click('bob', 'approve', { ...executeData(cardOf(bobCard.activity), 'approve')!, reason: 'Go ahead' });
    assert.equal(answer.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(strings(answer.value), /Approved by Bob Brown at \{\{TIME\(.+\)\}\}: Go ahead/);
    assert.equal(executeData(answer.value, 'approve'), undefined, 'no buttons left');

    await until("Dave's card updated in place", () => /Approved by Bob Brown/.test(world.latest('dave', daveCard.id)));
    assert.equal(
      executeData(
        cardOf(world.people.dave.connector.activities.filter((a) => a.targetActivityId === daveCard.id).pop()?.activity),
        'approve',
      ),
      undefined,
    );
    const told = await until('Alice told', () =>
      world.people.alice.connector
        .since(aliceMark)
        .find((a) => a.method === 'POST' && /Bob Brown approved your request for User Administrator/.test(a.activity.text ?? '')),
    );
    assert.ok(told);
    await until("Alice's waiting card updated", () => /Approved by Bob Brown/.test(world.latest('alice', waiting.id)));

    const decisions = world.tenant.requestLog.entries().filter((e) => e.method === 'PATCH' && e.path.includes(requestId));
    assert.equal(decisions.length, 1);
    assert.equal(world.cardsFor('bob', requestId).length, 1, 'Bob has one card');
    assert.equal(world.cardsFor('dave', requestId).length, 1, 'Dave has one card');
    assert.equal(decisions[0]!.caller, DEMO_USERS.bob.id, "decided with Bob's own delegated token");
    const active = world.tenant.state
      .activeAssignments(DEMO_USERS.alice.id)
      .filter((a) => a.roleDefinitionId === DEMO_ROLES.userAdministrator.id);
    assert.equal(active.length, 1, 'the emulator shows her assignment active');
  });

  it('refuses self-approval, a non-approver, a replayed or stale click and a forged id, changing nothing', async () => {
    const { requestId, bobCard, waiting } = await world.request(USER_ADMIN_TURNS);
    const data = executeData(cardOf(bobCard.activity), 'approve')!;
    const patches = () => world.tenant.requestLog.entries().filter((e) => e.method === 'PATCH').length;
    const before = patches();
    const msg = async (name: Name, verb: string, d: Record<string, unknown>) => {
      const r = await world.click(name, verb, d);
      assert.equal(r.type, 'application/vnd.microsoft.activity.message');
      return String(r.value);
    };
    assert.match(await msg('alice', 'approve', data), /can't approve or deny your own request/);
    assert.match(await msg('erin', 'approve', data), /not an approver/);
    assert.match(await msg('bob', 'approve', { ...data, nonce: randomUUID() }), /out of date/);
    assert.match(await msg('bob', 'approve', { ...data, requestId: randomUUID() }), /don't know this request/);
    assert.match(await msg('bob', 'approve', { ...data, requestId: "x' or 1 eq 1" }), /don't know this request/);
    assert.equal(patches(), before, 'nothing reached PIM');
    assert.equal(world.tenant.state.assignmentRequests(DEMO_USERS.alice.id).find((r) => r.id === requestId)?.status, 'PendingApproval');

    const denied = await world.click('bob', 'deny', { ...data, reason: 'Not during the freeze' });
    assert.match(strings(denied.value), /Denied by Bob Brown at .*: Not during the freeze/);
    const replay = await world.click('bob', 'approve', data);
    assert.match(strings(replay.value), /Denied by Bob Brown/, 'a replayed click shows the decision and changes nothing');
    assert.equal(patches(), before + 1);
    assert.equal(world.tenant.state.assignmentRequests(DEMO_USERS.alice.id).find((r) => r.id === requestId)?.status, 'Denied');
    await until("Alice's card shows the denial", () => /Denied by Bob Brown/.test(world.latest('alice', waiting.id)));
  });

  it('Alice cancels: PIM cancels, every card says so', async () => {
    const { requestId, daveCard, waiting } = await world.request(USER_ADMIN_TURNS);
    const answer = await world.click('alice', 'cancelRequest', executeData(cardOf(waiting.activity), 'cancelRequest')!);
    assert.match(strings(answer.value), /Cancelled by Alice Adams/);
    assert.equal(world.tenant.state.assignmentRequests(DEMO_USERS.alice.id).find((r) => r.id === requestId)?.status, 'Canceled');
    await until("Dave's card shows the cancellation", () => /Cancelled by Alice Adams/.test(world.latest('dave', daveCard.id)));
  });

  it('decided outside the bot (Dave straight at PIM) and expiry (PIM clock + 24 h) reach every card', async () => {
    const outside = await world.request(USER_ADMIN_TURNS);
    const dave = world.tenant.tokens.user({ userId: DEMO_USERS.dave.id });
    const step = (await call(world.tenant, 'GET', `${APPROVALS}/${outside.requestId}`, { token: dave })).json.steps[0].id as string;
    assert.equal(
      (
        await call(world.tenant, 'PATCH', `${APPROVALS}/${outside.requestId}/steps/${step}`, {
          token: dave,
          body: { reviewResult: 'Approve', justification: 'from the portal' },
        })
      ).status,
      204,
    );
    await until("Bob's card shows Dave's decision", () =>
      /Approved by Dave Diaz at .*: from the portal/.test(world.latest('bob', outside.bobCard.id)),
    ).catch((e) => {
      throw new Error(`${e}: ${world.latest('bob', outside.bobCard.id).slice(0, 200)}\n${logLines.join('\n')}`);
    });
    await until("Alice's card too", () => /Approved by Dave Diaz/.test(world.latest('alice', outside.waiting.id)));

    await world.tenant.reset();
    const expiring = await world.request(USER_ADMIN_TURNS);
    world.tenant.clock.advance(24 * 3600_000 + 60_000);
    await until("Bob's card shows the expiry", () =>
      /Expired: nobody decided within 24 hours/.test(world.latest('bob', expiring.bobCard.id)),
    );
    await until("Dave's card too", () => /Expired/.test(world.latest('dave', expiring.daveCard.id))).catch((e) => {
      throw new Error(
        `${e}\n${logLines.join('\n')}\n${JSON.stringify(world.people.dave.connector.activities.filter((a) => a.method === 'PUT').map((a) => [a.targetActivityId, strings(cardOf(a.activity)).slice(0, 60)]))} dave card ${expiring.daveCard.id}`,
      );
    });
    await until('Alice told', () =>
      world.people.alice.connector.activities.some((a) => /request for User Administrator expired/.test(a.activity.text ?? '')),
    );
  });

  it(`Bob and Dave click at the same instant, ${RACE_ROUNDS} times over: one decision at PIM each time, and every card agrees`, async () => {
    // Three lanes (one per surface, each in its own chat of Alice's) run side by side. Both deny, so
    // no assignment stays behind and Alice can ask again at once; the PATCH's caller names the winner.
    const lane = async (l: (typeof LANES)[number], rounds: number) => {
      const conversationId = `a:alice-${randomUUID()}`;
      for (let round = 0; round < rounds; round++) {
        const what = `${l.surface} round ${round}`;
        const { requestId, bobCard, daveCard, waiting } = await world.request(l.turns as never, conversationId);
        const [b, d] = await Promise.all([
          world.click('bob', 'deny', { ...executeData(cardOf(bobCard.activity), 'deny')!, reason: 'b' }),
          world.click('dave', 'deny', { ...executeData(cardOf(daveCard.activity), 'deny')!, reason: 'd' }),
        ]);
        // Graph's approval is named after the request; ARM's has its own id, which the request names.
        const name = requestId.split('/').pop()!;
        const id =
          world.tenant.state.data.azure.requests
            ?.find((r) => r.name === name.toLowerCase())
            ?.approvalId?.split('/')
            .pop() ?? name;
        const decisions = world.tenant.requestLog.entries().filter((e) => e.method === 'PATCH' && e.path.includes(id) && e.status < 300);
        assert.equal(decisions.length, 1, `${what}: exactly one decision at PIM`);
        const winner = decisions[0]!.caller === DEMO_USERS.bob.id ? /Denied by Bob Brown/ : /Denied by Dave Diaz/;
        assert.match(strings(b.value), winner, `${what}: Bob's answer`);
        assert.match(strings(d.value), winner, `${what}: Dave's answer`);
        // The clickers' own copies changed through their invoke responses (above); the requester's in place.
        await until(`${what}: Alice's card agrees`, () => winner.test(world.latest('alice', waiting.id)));
        const puts = (['bob', 'dave'] as Name[]).flatMap((n) =>
          world.people[n].connector.activities.filter((a) => a.targetActivityId === bobCard.id || a.targetActivityId === daveCard.id),
        );
        for (const put of puts) assert.match(strings(cardOf(put.activity)), winner, `${what}: every in-place update agrees`);
        assert.equal(world.cardsFor('bob', requestId).length, 1, `${what}: one card for Bob`);
        assert.equal(world.cardsFor('dave', requestId).length, 1, `${what}: one card for Dave`);
      }
    };
    const per = Math.ceil(RACE_ROUNDS / LANES.length);
    await Promise.all(LANES.map((l, i) => lane(l, Math.min(per, RACE_ROUNDS - i * per))));
  });

  it('logged nothing that looks like a token', () => {
    for (const line of logLines) assert.doesNotMatch(line, /eyJ[\w-]+\.[\w-]+/);
  });
});
