// The gap this closes: an instance dies inside the submit turn after PIM accepted the request
// (PendingApproval) but before the approval record and the approvers' cards. The resent (or repeated)
// submit meets PIM's PendingRoleAssignmentRequest; the bot finds the waiting request among the
// user's own (filterByCurrentUser(on='principal') / ARM asTarget()), takes it over (record, waiting
// card, one card per approver) and, asked again, only says it is already waiting.
//
// Two ways in, both honest: the pending request made straight at the emulator with Alice's own token
// (what the dead instance had done), on all three surfaces; and a real SIGKILL of a bot process held
// inside the submit turn after PIM's 201 (the approver-group lookup is slowed once), then a restart.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { BotApp } from '../../../bot/server';
import { DEMO_AZURE, DEMO_GROUPS, DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { recordKey } from '../../../services/approvals/record';
import { ApprovalRecordStore } from '../../../services/approvals/recordStore';
import { createStateStorage } from '../../../services/store/stateStorage';
import { startBotProcess, type BotProcess } from '../../../emulator/stack/botProcess';
import { call, RM } from '../emulator/http';
import {
  botEnv,
  cardOf,
  executeData,
  NAMES,
  startApprovalWorld,
  startBotInProcess,
  strings,
  until,
  USER_ADMIN_TURNS,
  type ApprovalWorld,
  type Name,
  type Requested,
} from './approvalHarness';

const SUB = `/subscriptions/${DEMO_AZURE.subscription.id}`;
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const ALREADY_WAITING =
  /is already waiting for approval[\s\S]*Your earlier request is still waiting for approval from (Bob Brown or Dave Diaz|Dave Diaz or Bob Brown)/;

describe('a request waiting at PIM with no approval record is taken over on the next submit', function () {
  this.timeout(120_000);
  let world: ApprovalWorld;

  before(async () => {
    world = await startApprovalWorld();
  });

  after(async () => {
    await world?.close();
  });

  /** Every one of `name`'s approval cards so far (one per request is right). */
  const cards = (name: Name) =>
    world.people[name].connector.activities.filter((a) => a.method === 'POST' && executeData(cardOf(a.activity), 'approve'));

  /** Alice asks again: she is told it already waits, and no approver gets anything new (a sweep included). */
  async function askAgain(turns: ReadonlyArray<Partial<Activity> | string>, requestId: string): Promise<void> {
    const before = { bob: cards('bob').length, dave: cards('dave').length };
    let replies: Awaited<ReturnType<ApprovalWorld['say']>> = [];
    // Every turn's replies: the check before asking answers at the first one.
    for (const turn of turns) replies = [...replies, ...(await world.say('alice', turn))];
    const said = replies.map((r) => strings(cardOf(r.activity)) || r.activity.text).join(' | ');
    assert.match(said, ALREADY_WAITING, said);
    assert.equal(replies.filter((r) => executeData(cardOf(r.activity), 'cancelRequest')).length, 0, 'no second waiting card');
    await new Promise((r) => setTimeout(r, 1_500));
    assert.deepEqual({ bob: cards('bob').length, dave: cards('dave').length }, before, 'no new approver cards');
    assert.equal(world.cardsFor('bob', requestId).length, 1);
    assert.equal(world.cardsFor('dave', requestId).length, 1);
  }

  /** Alice cancels on her waiting card: the taken-over record works like any other, and closes. */
  async function cancel(waiting: Requested['waiting'], bobCard: Requested['bobCard']): Promise<void> {
    const answer = await world.click('alice', 'cancelRequest', executeData(cardOf(waiting.activity), 'cancelRequest')!);
    assert.match(strings(answer.value), /Cancelled by Alice Adams/, strings(answer.value).slice(0, 300));
    await until("Bob's card shows the cancellation", () => /Cancelled by Alice Adams/.test(world.latest('bob', bobCard.id)));
  }

  function selfActivations(): number {
    const s = world.tenant.state
      .assignmentRequests(DEMO_USERS.alice.id)
      .filter((r) => r.action.toLowerCase() === 'selfactivate' && !r.isValidationOnly);
    return s.length;
  }

  describe("made at PIM with Alice's token, no record (bot in this process)", () => {
    let app: BotApp | undefined;
    const logLines: string[] = [];

    before(async () => {
      app = await startBotInProcess(world, logLines);
    });

    after(async () => {
      await app?.close();
    });

    beforeEach(async () => {
      await world.tenant.reset();
    });

    it('Entra role (Graph v1.0): one card each for Bob and Dave, the waiting card for that very request, nothing new at PIM; asked again, only a note', async () => {
      const alice = world.tenant.tokens.user({ userId: DEMO_USERS.alice.id });
      const made = await call(world.tenant, 'POST', `${RM}/roleAssignmentScheduleRequests`, {
        token: alice,
        body: {
          action: 'selfActivate',
          principalId: DEMO_USERS.alice.id,
          roleDefinitionId: DEMO_ROLES.userAdministrator.id,
          directoryScopeId: '/',
          justification: 'Reset MFA for Erin',
          ticketInfo: { ticketNumber: 'INC-42' },
          scheduleInfo: { startDateTime: new Date().toISOString(), expiration: { type: 'AfterDuration', duration: 'PT2H' } },
        },
      });
      assert.equal(made.status, 201);
      assert.equal(made.json.status, 'PendingApproval');

      const { requestId, bobCard, daveCard, waiting } = await world.request(USER_ADMIN_TURNS);
      assert.equal(requestId, String(made.json.id).toLowerCase(), 'the waiting card is for the request PIM already had');
      assert.equal(selfActivations(), 1, 'nothing new asked of PIM');
      await askAgain(USER_ADMIN_TURNS, requestId);

      // And it ends like any approval: Bob approves, every copy follows, Alice is told once.
      const answer = await world.click('bob', 'approve', { ...executeData(cardOf(bobCard.activity), 'approve')!, reason: 'ok' });
      assert.match(strings(answer.value), /Approved by Bob Brown/);
      await until("Dave's card updated in place", () => /Approved by Bob Brown/.test(world.latest('dave', daveCard.id)));
      await until("Alice's waiting card updated", () => /Approved by Bob Brown/.test(world.latest('alice', waiting.id)));
      await until('Alice told', () =>
        world.people.alice.connector.activities.some((a) =>
          /Bob Brown approved your request for User Administrator/.test(a.activity.text ?? ''),
        ),
      );
    });

    it('PIM group (Graph v1.0 assignmentScheduleRequests): taken over the same way', async () => {
      const alice = world.tenant.tokens.user({ userId: DEMO_USERS.alice.id });
      const made = await call(world.tenant, 'POST', '/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleRequests', {
        token: alice,
        body: {
          action: 'selfActivate',
          principalId: DEMO_USERS.alice.id,
          groupId: DEMO_GROUPS.sreOnCall.id,
          accessId: 'owner',
          justification: 'rotate the pager',
          scheduleInfo: { startDateTime: new Date().toISOString(), expiration: { type: 'afterDuration', duration: 'PT1H' } },
        },
      });
      assert.equal(made.status, 201);
      assert.equal(made.json.status, 'PendingApproval');
      const turns = ['activate sre on-call owner for 1h', 'rotate the pager'];
      const { requestId, waiting, bobCard } = await world.request(turns);
      assert.equal(requestId, String(made.json.id).toLowerCase());
      await askAgain(turns, requestId);
      await cancel(waiting, bobCard);
    });

    it('Azure role (ARM roleAssignmentScheduleRequests): taken over the same way', async () => {
      const alice = world.tenant.tokens.user({ userId: DEMO_USERS.alice.id, audience: 'arm' });
      const name = randomUUID();
      const made = await call(
        world.tenant,
        'PUT',
        `${SUB}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/${name}?api-version=2020-10-01`,
        {
          token: alice,
          body: {
            properties: {
              principalId: DEMO_USERS.alice.id,
              roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
              requestType: 'SelfActivate',
              justification: 'deploy the fix',
              scheduleInfo: { startDateTime: new Date().toISOString(), expiration: { type: 'AfterDuration', duration: 'PT1H' } },
            },
          },
        },
      );
      assert.equal(made.status, 201, JSON.stringify(made.json));
      assert.equal(made.json.properties.status, 'PendingApproval');
      const turns = ['activate contributor on contoso prod for 1h', 'deploy the fix'];
      const { requestId, waiting, bobCard } = await world.request(turns);
      assert.equal(requestId.toLowerCase(), String(made.json.id).toLowerCase());
      await askAgain(turns, requestId);
      await cancel(waiting, bobCard);
    });

    it('logged no warnings', () => {
      assert.deepEqual(logLines, []);
    });
  });

  describe('the periodic sweep is level-triggered from PIM (bot in this process, a sweep every 250 ms)', () => {
    let app: BotApp | undefined;
    const logLines: string[] = [];
    /** Longer than the creation lease (30 s here): a creator silent this long is dead, so the sweep takes over. */
    const OLDER_THAN_THE_LEASE_MS = 60_000;
    /** Several sweeps: anything a later sweep would send twice shows by then. */
    const SEVERAL_SWEEPS_MS = 1_500;

    before(async () => {
      app = await startBotInProcess(world, logLines);
    });

    after(async () => {
      await app?.close();
    });

    beforeEach(async () => {
      await world.tenant.reset();
    });

    /** Alice's waiting cards for `requestId` (posted outside any turn by the sweep, or as a turn's reply). */
    const waitingCards = (requestId: string) =>
      world.people.alice.connector.activities.filter(
        (a) =>
          a.method === 'POST' &&
          String(executeData(cardOf(a.activity), 'cancelRequest')?.['requestId'] ?? '').toLowerCase() === requestId.toLowerCase(),
      );

    /** Nobody did anything in the bot: only its sweep can have found the request. Then one card each, one waiting card, however many sweeps. */
    async function foundBySweepOnly(requestId: string): Promise<{ bobCard: Requested['bobCard']; waiting: Requested['waiting'] }> {
      await until(
        'a card for Bob and Dave and the waiting card for Alice',
        () =>
          world.cardsFor('bob', requestId).length > 0 && world.cardsFor('dave', requestId).length > 0 && waitingCards(requestId).length > 0,
        10_000,
      ).catch((e: unknown) => {
        throw new Error(`${String(e)}\n${logLines.join('\n')}`);
      });
      await new Promise((r) => setTimeout(r, SEVERAL_SWEEPS_MS));
      assert.equal(world.cardsFor('bob', requestId).length, 1, "Bob's cards");
      assert.equal(world.cardsFor('dave', requestId).length, 1, "Dave's cards");
      assert.equal(waitingCards(requestId).length, 1, "Alice's waiting cards");
      const waiting = waitingCards(requestId)[0]!;
      assert.match(strings(cardOf(waiting.activity)), /Waiting for approval from (Bob Brown or Dave Diaz|Dave Diaz or Bob Brown)/);
      return { bobCard: world.cardsFor('bob', requestId)[0]!, waiting };
    }

    it("Entra role: a PendingApproval request with no record (made at PIM with Alice's token) gets one card each for Bob and Dave and one waiting card for Alice; deciding it tells her once", async () => {
      const alice = world.tenant.tokens.user({ userId: DEMO_USERS.alice.id });
      const made = await call(world.tenant, 'POST', `${RM}/roleAssignmentScheduleRequests`, {
        token: alice,
        body: {
          action: 'selfActivate',
          principalId: DEMO_USERS.alice.id,
          roleDefinitionId: DEMO_ROLES.userAdministrator.id,
          directoryScopeId: '/',
          justification: 'Reset MFA for Erin',
          ticketInfo: { ticketNumber: 'INC-42' },
          scheduleInfo: { startDateTime: new Date().toISOString(), expiration: { type: 'AfterDuration', duration: 'PT2H' } },
        },
      });
      assert.equal(made.json.status, 'PendingApproval');
      const requestId = String(made.json.id).toLowerCase();
      await world.tenant.state.update((d) => {
        d.roleAssignmentScheduleRequests.find((r) => r.id === made.json.id)!.createdDateTime = new Date(
          Date.now() - OLDER_THAN_THE_LEASE_MS,
        ).toISOString();
      });
      const { bobCard, waiting } = await foundBySweepOnly(requestId);
      await askAgain(USER_ADMIN_TURNS, requestId);
      const mark = world.people.alice.connector.activities.length;
      await world.click('bob', 'approve', { ...executeData(cardOf(bobCard.activity), 'approve')!, reason: 'ok' });
      await until("Alice's waiting card updated", () => /Approved by Bob Brown/.test(world.latest('alice', waiting.id)));
      await new Promise((r) => setTimeout(r, SEVERAL_SWEEPS_MS));
      assert.equal(
        world.people.alice.connector
          .since(mark)
          .filter((a) => /Bob Brown approved your request for User Administrator/.test(a.activity.text ?? '')).length,
        1,
        'Alice told once',
      );
    });

    it('Azure role: the same through ARM, read app-only at the subscriptions the app can read; the card decides at the approval the request names', async () => {
      const alice = world.tenant.tokens.user({ userId: DEMO_USERS.alice.id, audience: 'arm' });
      const name = randomUUID();
      const made = await call(
        world.tenant,
        'PUT',
        `${SUB}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/${name}?api-version=2020-10-01`,
        {
          token: alice,
          body: {
            properties: {
              principalId: DEMO_USERS.alice.id,
              roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
              requestType: 'SelfActivate',
              justification: 'deploy the fix',
              scheduleInfo: { startDateTime: new Date().toISOString(), expiration: { type: 'AfterDuration', duration: 'PT1H' } },
            },
          },
        },
      );
      assert.equal(made.json.properties.status, 'PendingApproval', JSON.stringify(made.json));
      await world.tenant.state.update((d) => {
        d.azure.requests!.find((r) => r.name === name)!.createdOn = new Date(Date.now() - OLDER_THAN_THE_LEASE_MS).toISOString();
      });
      const { bobCard, waiting } = await foundBySweepOnly(String(made.json.id).toLowerCase());
      const answer = await world.click('bob', 'approve', { ...executeData(cardOf(bobCard.activity), 'approve')!, reason: 'ok' });
      assert.match(strings(answer.value), /Approved by Bob Brown/);
      await until("Alice's waiting card updated", () => /Approved by Bob Brown/.test(world.latest('alice', waiting.id)));
      assert.equal(world.tenant.state.data.azure.requests!.find((r) => r.name === name)!.status, 'Provisioned');
      const reads = world.tenant.requestLog
        .entries()
        .filter((e) => e.method === 'GET' && /\/providers\/Microsoft\.Authorization\/roleAssignmentScheduleRequests$/i.test(e.path));
      assert.ok(
        reads.some((e) => e.caller === world.tenant.botApp.clientId),
        "listed with the app's own token",
      );
    });

    it('Azure role: a record exists, the decision is made at ARM directly (outside the bot): every copy shows it and Alice is told once', async () => {
      const { requestId, bobCard, daveCard, waiting } = await world.request([
        'activate contributor on contoso prod for 1h',
        'deploy the fix',
      ]);
      const mark = world.people.alice.connector.activities.length;
      const approvalId = world.tenant.state.data.azure.requests!.find((r) => requestId.toLowerCase().endsWith(r.name))!.approvalId!;
      const dave = world.tenant.tokens.user({ userId: DEMO_USERS.dave.id, audience: 'arm' });
      const stage = (await call(world.tenant, 'GET', `${approvalId}?api-version=2021-01-01-preview`, { token: dave })).json.properties
        .stages[0].name as string;
      const decided = await call(world.tenant, 'PATCH', `${approvalId}/stages/${stage}?api-version=2021-01-01-preview`, {
        token: dave,
        body: { properties: { reviewResult: 'Deny', justification: 'from the portal' } },
      });
      assert.equal(decided.status, 200, JSON.stringify(decided.json));
      for (const [who, id] of [
        ['bob', bobCard.id],
        ['dave', daveCard.id],
        ['alice', waiting.id],
      ] as const) {
        await until(`${who}'s copy shows Dave's decision`, () => /Denied by Dave Diaz/.test(world.latest(who, id)));
      }
      await new Promise((r) => setTimeout(r, SEVERAL_SWEEPS_MS));
      assert.equal(
        world.people.alice.connector.since(mark).filter((a) => /Dave Diaz denied your request for Contributor/.test(a.activity.text ?? ''))
          .length,
        1,
        'Alice told once',
      );
      assert.equal(world.cardsFor('bob', requestId).length, 1);
      assert.equal(world.cardsFor('dave', requestId).length, 1);
    });

    it('logged no warnings', () => {
      assert.deepEqual(logLines, []);
    });
  });

  describe('SIGKILL inside the submit turn, after PIM accepted it (bot in a child process, Azurite)', () => {
    let bot: BotProcess | undefined;

    after(async () => {
      await bot?.stop();
    });

    it('the resent submit takes the request over: one card per approver, the waiting card; resent again, nothing more', async () => {
      await world.tenant.reset();
      const container = world.container();
      const env = { ...botEnv(world, container), APPROVAL_SWEEP_SECONDS: '1' };
      bot = await startBotProcess({ env });
      world.endpoint = bot.endpoint;
      for (const name of NAMES) await world.say(name, 'hi');
      const before = { bob: cards('bob').length, dave: cards('dave').length };

      // Holds the instance inside the submit turn once PIM has said PendingApproval: the approver
      // group, read ahead from the first turn on (ApprovalCoordinator.prepare), is what the record waits for.
      world.tenant.faults.add({
        method: 'GET',
        path: `/groups/${DEMO_GROUPS.pimApprovers.id}/members`,
        kind: 'latency',
        latencyMs: 10_000,
        count: 1,
      });
      await world.say('alice', USER_ADMIN_TURNS[0]!);
      await world.say('alice', USER_ADMIN_TURNS[1]!);
      const submit = USER_ADMIN_TURNS[2]!;
      const dying = world.post('alice', submit as Partial<Activity>).catch((e: unknown) => e);
      const pending = await until('PIM accepted the request', () =>
        world.tenant.state.assignmentRequests(DEMO_USERS.alice.id).find((r) => r.status === 'PendingApproval' && !r.isValidationOnly),
      );
      await bot.kill();
      assert.equal(bot.exit(), 'SIGKILL');
      await dying;

      const records = new ApprovalRecordStore(createStateStorage({ connectionString: world.azurite.connectionString, container }));
      const key = recordKey('entraRole', pending.id);
      assert.equal(await records.getByKey(key), undefined, 'the gap: PIM holds the request, the bot has no record');
      assert.deepEqual({ bob: cards('bob').length, dave: cards('dave').length }, before, 'and no approver has a card');

      bot = await startBotProcess({ env });
      world.endpoint = bot.endpoint;
      // The channel resends the submit the dead instance never answered.
      const replies = await world.say('alice', submit);
      const waiting = replies.find((r) => /waiting for approval/.test(strings(cardOf(r.activity))));
      assert.ok(waiting, `the waiting card, got: ${replies.map((r) => strings(cardOf(r.activity)) || r.activity.text).join(' | ')}`);
      assert.match(strings(cardOf(waiting.activity)), /Waiting for approval from (Bob Brown or Dave Diaz|Dave Diaz or Bob Brown)/);
      assert.equal(String(executeData(cardOf(waiting.activity), 'cancelRequest')!['requestId']), pending.id.toLowerCase());
      await until(
        'a card for Bob and for Dave',
        () => world.cardsFor('bob', pending.id).length > 0 && world.cardsFor('dave', pending.id).length > 0,
      );

      // Resent once more (a retry of that turn), then asked again from the start: no new cards, one record.
      await world.say('alice', submit);
      await askAgain(USER_ADMIN_TURNS, pending.id);
      assert.equal(selfActivations(), 1, 'one request at PIM');
      const record = await records.getByKey(key);
      assert.ok(record);
      assert.deepEqual(record.copies.map((c) => `${c.role}:${c.state}`).sort(), ['approver:sent', 'approver:sent', 'requester:sent']);

      const bobCard = world.cardsFor('bob', pending.id)[0]!;
      await world.click('bob', 'approve', { ...executeData(cardOf(bobCard.activity), 'approve')!, reason: 'after the kill' });
      await until("Alice's waiting card updated", () => /Approved by Bob Brown/.test(world.latest('alice', waiting.id)));
      await until("Dave's card too", () => /Approved by Bob Brown/.test(world.latest('dave', world.cardsFor('dave', pending.id)[0]!.id)));
      assert.equal(world.cardsFor('bob', pending.id).length, 1);
      assert.equal(world.cardsFor('dave', pending.id).length, 1);
      assert.deepEqual(bot.unhandledRejections(), []);
    });
  });
});
