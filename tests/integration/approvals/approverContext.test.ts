// What approvers see and do, over HTTP with nothing stubbed (emulator, Azurite, the bot on restify,
// one recording connector per persona): the card's context on all three surfaces, a deny that must say
// why (refused before anything reaches PIM; Alice reads the reason and what to do next), and the
// approver's own queue ("what's waiting for me") read through PIM's approver views with Bob's own
// tokens, Bob being an approver and no admin; deciding from the queue updates every copy.
import assert from 'node:assert/strict';
import type { BotApp } from '../../../bot/server';
import { DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import {
  cardOf,
  executeData,
  startApprovalWorld,
  startBotInProcess,
  strings,
  until,
  USER_ADMIN_TURNS,
  type ApprovalWorld,
  type Requested,
} from './approvalHarness';

const GROUP_TURNS = ['activate sre on-call owner for 1h', 'rotate the pager'];
const AZURE_TURNS = ['activate contributor on contoso prod for 1h', 'deploy the fix'];

describe('approvers decide informed: card context, deny with a reason, the approver queue (emulator, Azurite, recording connectors)', function () {
  this.timeout(90_000);
  let world: ApprovalWorld;
  let app: BotApp | undefined;
  const warnings: string[] = [];

  before(async () => {
    world = await startApprovalWorld();
    app = await startBotInProcess(world, warnings);
  });

  after(async () => {
    await app?.close();
    await world?.close();
  });

  /** Alice's outcome messages (plain text) since `mark`. */
  const outcomesSince = (mark: number): string[] =>
    world.people.alice.connector
      .since(mark)
      .map((a) => a.activity.text ?? '')
      .filter((t) => / (approved|denied) your request for /.test(t));

  /**
   * Decides what a test left open (Bob denies), so the next test's reset drops no open record, and
   * waits for all of it: the card and the message Alice is told last (else it could land in the next test).
   */
  async function settle(...requests: Requested[]): Promise<void> {
    for (const r of requests) {
      const mark = world.people.alice.connector.activities.length;
      await world.click('bob', 'deny', { ...executeData(cardOf(r.bobCard.activity), 'deny')!, reason: 'done' });
      await until("Alice's card settled", () => /Denied by Bob Brown/.test(world.latest('alice', r.waiting.id)));
      await until('Alice told', () => outcomesSince(mark).some((t) => /denied your request for .* \(done\)/.test(t)));
    }
  }

  beforeEach(async () => {
    await world.tenant.reset();
    world.tenant.clock.useRealTime();
  });

  it('Entra role: who (job title, department, manager), what it allows, privileged, scope and time in words, her active access, who else decides', async () => {
    // Global Reader first (no approval): the card must list it as access she holds now.
    await world.say('alice', 'activate global reader for 2h');
    await world.say('alice', 'checking the audit');
    await until('Global Reader active', () => world.tenant.state.activeAssignments(DEMO_USERS.alice.id).length > 0 || undefined);
    const requested = await world.request(USER_ADMIN_TURNS);
    const { bobCard, daveCard } = requested;
    const bob = strings(cardOf(bobCard.activity));
    for (const expected of [
      /Alice Adams asks for User Administrator/,
      /Job title\nSite Reliability Engineer/,
      /Department\nPlatform Engineering/,
      /Manager\nBob Brown/,
      /Asks for\nEntra role User Administrator/,
      /Scope\nDirectory \(the whole tenant\)/,
      /Allows\nCan manage all aspects of users and groups/,
      /Privileged role\nYes: Microsoft marks this role privileged/,
      /When\nFrom its approval until 2 hours later/,
      /Justification\nReset MFA for Erin/,
      /Ticket\nINC-42/,
      /Also can decide\nDave Diaz/,
      /PIM drops the request then/,
      /Alice Adams's active access now[\s\S]*Global Reader: until/,
      /A reason is required to deny/,
    ])
      assert.match(bob, expected);
    assert.match(strings(cardOf(daveCard.activity)), /Also can decide\nBob Brown/, "Dave's card names Bob");
    assert.doesNotMatch(bob, /Starts\nNow/, 'an unscheduled request does not claim to start now');
    await settle(requested);
  });

  it('PIM group and Azure role: the request in words, with what it allows', async () => {
    const group = await world.request(GROUP_TURNS);
    const g = strings(cardOf(group.bobCard.activity));
    assert.match(g, /Alice Adams asks for Owner of SRE On-Call/);
    assert.match(g, /Asks for\nOwner of the PIM group SRE On-Call/);
    assert.match(g, /Allows\nOwners manage SRE On-Call/);
    assert.doesNotMatch(g, /Privileged role/, 'groups have no isPrivileged to show');
    assert.match(
      strings(cardOf(group.waiting.activity)),
      /Owner of SRE On-Call is waiting for approval/,
      "Alice's card names the group too",
    );

    const azure = await world.request(AZURE_TURNS);
    const a = strings(cardOf(azure.bobCard.activity));
    assert.match(a, /Alice Adams asks for Contributor on Contoso Prod/);
    assert.match(a, /Asks for\nAzure role Contributor/);
    assert.match(a, /Scope\nSubscription Contoso Prod/);
    assert.match(a, /Allows\nGrants full access to manage all resources, but does not allow you to assign roles/);
    // Her requests of the role at its scope, read once before asking, give the history (none yet).
    assert.match(a, /No earlier activations of this role by Alice Adams/);
    await settle(group, azure);
  });

  it('a deny without a reason is refused on the card and reaches nothing at PIM; with a reason, Alice reads it and what to do next', async () => {
    const { requestId, bobCard, daveCard, waiting } = await world.request(USER_ADMIN_TURNS);
    const data = executeData(cardOf(bobCard.activity), 'deny')!;
    world.tenant.requestLog.clear();
    for (const forged of [data, { ...data, reason: '' }, { ...data, reason: '   ' }]) {
      const refused = await world.click('bob', 'deny', forged);
      assert.equal(refused.type, 'application/vnd.microsoft.card.adaptive', 'the card comes back, with the refusal on it');
      assert.match(strings(refused.value), /Not done: A reason is required to deny/);
      assert.ok(executeData(refused.value, 'deny'), 'still decidable');
    }
    // A forged click from someone who has no card is refused the same way.
    const stranger = await world.click('erin', 'deny', data);
    assert.match(String(stranger.value), /reason is required to deny[\s\S]*Nothing was changed/);
    // (The sweep keeps reading PIM meanwhile; nothing may have been written.)
    assert.deepEqual(
      world.tenant.requestLog
        .entries()
        .filter((e) => e.method !== 'GET')
        .map((e) => `${e.method} ${e.path}`),
      [],
      'nothing decided at PIM',
    );
    assert.equal(world.tenant.state.assignmentRequests(DEMO_USERS.alice.id).find((r) => r.id === requestId)?.status, 'PendingApproval');
    assert.doesNotMatch(world.latest('dave', daveCard.id), /Denied/);

    const aliceMark = world.people.alice.connector.activities.length;
    const denied = await world.click('bob', 'deny', { ...data, reason: 'Use the helpdesk queue for MFA resets' });
    assert.match(strings(denied.value), /Denied by Bob Brown at .*: Use the helpdesk queue for MFA resets/);
    await until('Alice told', () => outcomesSince(aliceMark).length > 0 || undefined);
    // Told once, of this decision: nothing else arrives over the next sweeps (every 250 ms here).
    await new Promise((r) => setTimeout(r, 750));
    const told = outcomesSince(aliceMark);
    assert.equal(told.length, 1, told.join(' | '));
    assert.match(
      told[0]!,
      /Bob Brown denied your request for User Administrator \(Use the helpdesk queue for MFA resets\)\. Nothing was activated\. What next: ask Bob Brown, or request again with more detail\./,
    );
    await until("Alice's card says what next", () => /What next: ask Bob Brown/.test(world.latest('alice', waiting.id)));
    await until("Dave's card shows the denial", () => /Denied by Bob Brown/.test(world.latest('dave', daveCard.id)));
  });

  it('approve takes no reason', async () => {
    const { bobCard } = await world.request(USER_ADMIN_TURNS);
    const approved = await world.click('bob', 'approve', executeData(cardOf(bobCard.activity), 'approve')!);
    assert.match(strings(approved.value), /Approved by Bob Brown at \{\{TIME\(.+\)\}\}$/m);
  });

  it("Alice's Teams reports her zone (Asia/Tokyo): the outcome message and her updated card, sent outside her turns, show her own times", async () => {
    const [first, ...rest] = USER_ADMIN_TURNS;
    const { bobCard, waiting } = await world.request([{ text: first as string, localTimezone: 'Asia/Tokyo' }, ...rest]);
    const aliceMark = world.people.alice.connector.activities.length;
    await world.click('bob', 'approve', executeData(cardOf(bobCard.activity), 'approve')!);
    await until('Alice told', () => outcomesSince(aliceMark).length > 0 || undefined);
    const end = world.tenant.state.activeAssignments(DEMO_USERS.alice.id)[0]?.endDateTime;
    assert.ok(end, 'User Administrator is active');
    const inTokyo = (options: Intl.DateTimeFormatOptions) =>
      new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tokyo', ...options }).format(new Date(end));
    const day = inTokyo({ weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' });
    const time = inTokyo({ hour: 'numeric', minute: '2-digit' });
    const [told] = outcomesSince(aliceMark);
    assert.ok(
      told!
        .replace(/\s/g, ' ')
        .startsWith(`Bob Brown approved your request for User Administrator. It is active now, until ${day} ${time}.`.replace(/\s/g, ' ')),
      told,
    );
    assert.doesNotMatch(told!, /UTC/);
    const card = await until("Alice's card updated", () => {
      const shown = world.latest('alice', waiting.id);
      return /Approved by Bob Brown/.test(shown) ? shown : undefined;
    });
    assert.doesNotMatch(card, /\{\{(TIME|DATE)\(/, 'no time left for the client to write');
    assert.match(card.replace(/\s/g, ' '), new RegExp(`until ${day} ${time}`.replace(/\s/g, ' ')));
  });

  it("Bob (an approver, not an admin) asks what's waiting for him: all three surfaces, oldest first, through PIM's approver views with his own tokens; deciding from the queue updates every copy", async () => {
    const entra = await world.request(USER_ADMIN_TURNS);
    const group = await world.request(GROUP_TURNS);
    const azure = await world.request(AZURE_TURNS);
    world.tenant.requestLog.clear();

    const replies = await world.say('bob', "what's waiting for me?");
    assert.match(replies[0]!.activity.text ?? '', /3 requests are waiting for your decision, oldest first/);
    const cards = replies.slice(1).map((r) => cardOf(r.activity));
    assert.deepEqual(
      cards.map((c) => executeData(c, 'approve')?.['requestId']),
      [entra.requestId, group.requestId, azure.requestId],
      'oldest first',
    );
    // The same nonce as Bob's card in his chat: one copy on record, decided from either place.
    assert.deepEqual(
      cards.map((c) => executeData(c, 'approve')?.['nonce']),
      [entra, group, azure].map((r) => executeData(cardOf(r.bobCard.activity), 'approve')?.['nonce']),
    );
    const views = world.tenant.requestLog
      .entries()
      .filter((e) => /filterByCurrentUser\(on='approver'\)|asApprover\(\)/.test(`${e.path}?${decodeURIComponent(e.query)}`));
    assert.deepEqual(
      views.map((e) => e.caller),
      [DEMO_USERS.bob.id, DEMO_USERS.bob.id, DEMO_USERS.bob.id],
      "three approver views, each with Bob's own token",
    );
    assert.ok(
      views.some((e) => e.path.endsWith("/roleManagement/directory/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')")),
    );
    assert.ok(views.some((e) => e.path.endsWith("/privilegedAccess/group/assignmentScheduleRequests/filterByCurrentUser(on='approver')")));

    // Decided from the queue: Bob's own card, Dave's and Alice's all change.
    const answer = await world.click('bob', 'approve', { ...executeData(cards[1], 'approve')!, reason: 'on call this week' });
    assert.match(strings(answer.value), /Approved by Bob Brown at .*: on call this week/);
    await until("Bob's card in his chat", () => /Approved by Bob Brown/.test(world.latest('bob', group.bobCard.id)));
    await until("Dave's card", () => /Approved by Bob Brown/.test(world.latest('dave', group.daveCard.id)));
    await until("Alice's waiting card", () => /Approved by Bob Brown/.test(world.latest('alice', group.waiting.id)));

    for (const phrase of ['anything to approve?', 'my pending approvals', 'pending approvals']) {
      const again = await world.say('bob', phrase);
      assert.match(again[0]!.activity.text ?? '', /2 requests are waiting for your decision/, phrase);
      assert.deepEqual(
        again.slice(1).map((r) => executeData(cardOf(r.activity), 'approve')?.['requestId']),
        [entra.requestId, azure.requestId],
        phrase,
      );
    }
    const dave = await world.say('dave', 'what is waiting for me');
    assert.equal(dave.length, 3, "Dave's queue: the summary and two cards");
    // Leaves nothing open for the next test's reset.
    const mark = world.people.alice.connector.activities.length;
    for (const r of [entra, azure])
      await world.click('bob', 'deny', { ...executeData(cardOf(r.bobCard.activity), 'deny')!, reason: 'tidy up' });
    await until(
      'Alice told of both',
      () => world.people.alice.connector.since(mark).filter((a) => /denied your request/.test(a.activity.text ?? '')).length === 2,
    );
    const alice = await world.say('alice', "what's waiting for me");
    assert.deepEqual(
      alice.map((r) => r.activity.text),
      ['Nothing is waiting for your decision right now.'],
      'her own requests are not hers to decide',
    );
  });

  it('logged no warnings', () => {
    assert.deepEqual(warnings, []);
  });
});
