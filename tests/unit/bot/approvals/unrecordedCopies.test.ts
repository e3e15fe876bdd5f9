// An instance killed between an approver card's post and its recording: the copy stays claimed and
// unrecorded until the claim lapses, and an approver may hold two cards (the orphan and the re-sent
// one). No network: MemoryStorage, a recording sender, a scripted PIM port and a movable clock.
import assert from 'node:assert/strict';
import {
  MemoryStorage,
  TestAdapter,
  TurnContext,
  type AdaptiveCardInvokeValue,
  type Attachment,
  type ConversationReference,
} from 'botbuilder';
import { TeamsApprovals } from '../../../../bot/approvals/wiring';
import type { CardSender } from '../../../../bot/channel/cardSender';
import { ConversationDirectory, referenceKey } from '../../../../bot/conversationDirectory';
import { ApprovalDecisions } from '../../../../services/approvals/decisions';
import type { ApprovalState, ApprovalStep } from '../../../../services/approvals/model';
import type { ApprovalsPort, DirectoryPort } from '../../../../services/approvals/port';
import { isSettled, recordKey, SEND_LEASE_MS, type ApprovalRecord, type CardCopy } from '../../../../services/approvals/record';
import { ApprovalRecordStore } from '../../../../services/approvals/recordStore';
import type { RequestStatus } from '../../../../services/pim/model';
import type { PimService } from '../../../../services/pim/service';
import { actingUser } from '../../../../dialogs/actingUser';

const T0 = new Date('2025-03-03T10:00:00Z');
const REQUEST_ID = '11111111-1111-4111-8111-111111111111';
const KEY = recordKey('entraRole', REQUEST_ID);
const ALICE = 'a0000000-0000-4000-8000-000000000001';
const BOB = 'b0000000-0000-4000-8000-000000000002';
const DAVE = 'd0000000-0000-4000-8000-000000000004';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function reference(userId: string): Partial<ConversationReference> {
  return {
    channelId: 'msteams',
    serviceUrl: 'https://smba.example/',
    conversation: { id: `a:${userId}`, isGroup: false, conversationType: 'personal', name: '' },
    user: { id: `29:${userId}`, name: '' },
    bot: { id: '28:bot', name: 'bot' },
  };
}

function step(over: Partial<ApprovalStep>): ApprovalStep {
  return {
    id: 's1',
    status: 'inProgress',
    reviewResult: 'notReviewed',
    reviewedBy: null,
    reviewedAt: null,
    justification: '',
    assignedToMe: true,
    ...over,
  };
}

const PENDING: ApprovalState = { requestId: REQUEST_ID, surface: 'entraRole', steps: [step({})] };
const APPROVED_BY_DAVE: ApprovalState = {
  requestId: REQUEST_ID,
  surface: 'entraRole',
  steps: [
    step({
      status: 'completed',
      reviewResult: 'approve',
      reviewedBy: { id: DAVE, displayName: 'Dave Diaz' },
      reviewedAt: T0,
      justification: 'ok',
      assignedToMe: false,
    }),
  ],
};

function record(bob: Partial<CardCopy>): ApprovalRecord {
  return {
    surface: 'entraRole',
    requestId: REQUEST_ID,
    requester: { id: ALICE, displayName: 'Alice Adams' },
    approvers: [
      { id: BOB, displayName: 'Bob Brown' },
      { id: DAVE, displayName: 'Dave Diaz' },
    ],
    request: {
      roleId: 'r',
      roleName: 'User Administrator',
      scopeId: '/',
      scopeName: 'Directory',
      startDateTime: T0.toISOString(),
      endDateTime: T0.toISOString(),
      createdDateTime: T0.toISOString(),
      justification: null,
      ticket: null,
    },
    recentActivations: [],
    createdAt: T0.toISOString(),
    expiresAt: new Date(T0.getTime() + 24 * 3600_000).toISOString(),
    copies: [
      {
        userId: ALICE,
        role: 'requester',
        state: 'sent',
        activityId: 'waiting-1',
        conversationId: `a:${ALICE}`,
        nonce: 'n-alice',
        shows: 'pending',
      },
      { userId: BOB, role: 'approver', state: 'intent', nonce: 'n-bob', shows: 'pending', ...bob },
      {
        userId: DAVE,
        role: 'approver',
        state: 'sent',
        activityId: 'dave-1',
        conversationId: `a:${DAVE}`,
        nonce: 'n-dave',
        shows: 'pending',
      },
    ],
  };
}

async function setup(stored: ApprovalRecord) {
  const memory = new MemoryStorage();
  for (const id of [ALICE, BOB, DAVE])
    await memory.write({ [referenceKey(id)]: { reference: reference(id), updatedAt: T0.toISOString(), eTag: '*' } });
  const records = new ApprovalRecordStore(memory);
  await records.create(stored);
  const clock = { now: new Date(T0.getTime() + 5_000) };
  const pim = { status: 'pendingApproval' as RequestStatus, approval: (): ApprovalState => PENDING, decided: 0 };
  const port: ApprovalsPort = {
    surface: 'entraRole',
    getApproval: async () => pim.approval(),
    decide: async () => void pim.decided++,
    getRequestStatus: async () => pim.status,
    recentActivations: async () => [],
    pendingApprovals: async () => [],
  };
  const posts: Array<{ userId: string; content: Attachment | string; id: string }> = [];
  const updates: Array<{ userId: string; activityId: string; content: Attachment }> = [];
  const userOf = (ref: Partial<ConversationReference>) => ref.conversation!.id.slice(2);
  const sender: CardSender = {
    async post(ref, content) {
      const id = `post-${posts.length + 1}`;
      posts.push({ userId: userOf(ref), content, id });
      return id;
    },
    async update(ref, activityId, content) {
      updates.push({ userId: userOf(ref), activityId, content });
    },
  };
  const people: DirectoryPort = { groupMembers: async () => [], user: async () => undefined };
  const flow = new TeamsApprovals({
    pim: {} as PimService,
    decisions: new ApprovalDecisions([port]),
    people,
    records,
    conversations: new ConversationDirectory(memory),
    sender,
    tenantId: 't',
    actingUser: (c) => actingUser(c, 't'),
    now: () => clock.now,
    logger: quiet,
  });
  /** An approver's click on the card with activity id `cardId`. */
  const click = (userId: string, name: string, nonce: string, cardId: string) => {
    const context = new TurnContext(new TestAdapter(), {
      type: 'invoke',
      name: 'adaptiveCard/action',
      channelId: 'msteams',
      serviceUrl: 'https://smba.example/',
      replyToId: cardId,
      conversation: { id: `a:${userId}`, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: `29:${userId}`, name, aadObjectId: userId },
      recipient: { id: '28:bot', name: 'bot' },
    });
    const value = {
      action: { type: 'Action.Execute', verb: 'approve', data: { requestId: REQUEST_ID, surface: 'entraRole', nonce } },
      trigger: 'manual',
    } as unknown as AdaptiveCardInvokeValue;
    return flow.onCardAction(context, value);
  };
  const settle = async () => {
    await flow.sweep();
    await flow.idle();
  };
  return { memory, records, clock, pim, posts, updates, flow, click, settle };
}

const text = (content: unknown) => JSON.stringify(content);
const hasButtons = (content: unknown) => /"verb":"approve"/.test(text(content));
const bobCopy = (r: ApprovalRecord | undefined) => r!.copies.find((c) => c.userId === BOB && c.role === 'approver')!;

describe('approval copies posted but never recorded (an instance killed mid-send)', () => {
  // Bob's card went out (activity "orphan-1"), then the instance died: his copy is still claimed, unrecorded.
  const claimedByTheDead = { claim: { id: 'dead-instance', at: T0.toISOString() } };

  it('a decision landing before the claim lapses keeps the record open; after the lapse the sweep posts Bob the outcome, then closes it', async () => {
    const w = await setup(record(claimedByTheDead));
    w.pim.status = 'provisioned';
    w.pim.approval = () => APPROVED_BY_DAVE;
    await w.settle();
    const decided = (await w.records.getByKey(KEY))!;
    assert.equal(decided.decision?.outcome, 'approved');
    assert.ok(decided.requesterToldAt, 'Alice was told');
    assert.ok(
      w.updates.some((u) => u.activityId === 'dave-1'),
      "Dave's copy was updated in place",
    );
    assert.equal(w.posts.filter((p) => p.userId === BOB).length, 0, "the dead instance's claim still holds Bob's copy");
    assert.deepEqual(await w.records.openKeys(), [KEY], 'not settled while a posted card may be unrecorded');

    w.clock.now = new Date(T0.getTime() + SEND_LEASE_MS + 1_000);
    await w.settle();
    const toBob = w.posts.filter((p) => p.userId === BOB);
    assert.equal(toBob.length, 1, 'Bob gets one card once the claim lapsed');
    assert.match(text(toBob[0]!.content), /Approved by Dave Diaz/);
    assert.equal(hasButtons(toBob[0]!.content), false, 'the outcome, no buttons');
    const copy = bobCopy(await w.records.getByKey(KEY));
    assert.deepEqual([copy.state, copy.activityId, copy.shows, copy.claim], ['sent', toBob[0]!.id, 'approved', undefined]);
    assert.deepEqual(await w.records.openKeys(), [], 'settled now, and closed');

    await w.settle();
    assert.equal(w.posts.filter((p) => p.userId === BOB).length, 1, 'nothing more for Bob');
  });

  it('a click on the orphaned card while PIM says it was decided already gets the outcome card, and that card becomes the copy on record (no second card)', async () => {
    const w = await setup(record(claimedByTheDead));
    // Dave decides at PIM between the click's reconcile and its decision: PIM answers "already decided".
    let reads = 0;
    w.pim.approval = () => (reads++ === 0 ? PENDING : APPROVED_BY_DAVE);
    const answer = await w.click(BOB, 'Bob Brown', 'n-bob', 'orphan-1');
    assert.equal(answer?.type, 'application/vnd.microsoft.card.adaptive', text(answer?.value));
    assert.match(text(answer!.value), /Approved by Dave Diaz/);
    assert.equal(hasButtons(answer!.value), false);
    assert.equal(w.pim.decided, 0, 'PIM was not asked to decide again');
    w.pim.status = 'provisioned';
    await w.settle();
    const copy = bobCopy(await w.records.getByKey(KEY));
    assert.deepEqual(
      [copy.state, copy.activityId, copy.shows, copy.claim],
      ['sent', 'orphan-1', 'approved', undefined],
      'the clicked card is the copy on record, showing the outcome',
    );

    w.clock.now = new Date(T0.getTime() + SEND_LEASE_MS + 1_000);
    await w.settle();
    assert.equal(w.posts.filter((p) => p.userId === BOB).length, 0, 'Bob gets no second card');
    assert.deepEqual(await w.records.openKeys(), []);
  });

  it('a copy whose lapsed claim can no longer be posted (no conversation) does not hold the record open forever', async () => {
    const w = await setup(record(claimedByTheDead));
    w.pim.status = 'provisioned';
    w.pim.approval = () => APPROVED_BY_DAVE;
    w.clock.now = new Date(T0.getTime() + SEND_LEASE_MS + 1_000);
    // Bob's conversation reference is gone (the app was uninstalled).
    await w.memory.delete([referenceKey(BOB)]);
    await w.settle();
    await w.settle();
    const copy = bobCopy(await w.records.getByKey(KEY));
    assert.deepEqual([copy.state, copy.claim], ['unreachable', undefined]);
    assert.deepEqual(await w.records.openKeys(), []);
  });
});

describe('a click on an older card of a re-sent copy', () => {
  // Bob's first card ("bob-old") was posted but not recorded; after the lapse it was posted again and recorded as "bob-new".
  const resent = { state: 'sent' as const, activityId: 'bob-new', conversationId: `a:${BOB}` };

  it('updates the recorded (newer) card in place: the invoke response refreshed only the older one', async () => {
    const w = await setup(record(resent));
    const answer = await w.click(BOB, 'Bob Brown', 'n-bob', 'bob-old');
    assert.equal(answer?.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(text(answer!.value), /Approved by Bob Brown/);
    assert.equal(w.pim.decided, 1);
    await w.flow.idle();
    const newer = w.updates.filter((u) => u.activityId === 'bob-new');
    assert.equal(newer.length, 1, 'the recorded card was updated in place');
    assert.match(text(newer[0]!.content), /Approved by Bob Brown/);
    assert.equal(hasButtons(newer[0]!.content), false);
    assert.equal(bobCopy(await w.records.getByKey(KEY)).shows, 'approved');
  });

  it('a click on the recorded card itself costs no update of it: the invoke response is the update', async () => {
    const w = await setup(record(resent));
    const answer = await w.click(BOB, 'Bob Brown', 'n-bob', 'bob-new');
    assert.match(text(answer!.value), /Approved by Bob Brown/);
    await w.flow.idle();
    assert.deepEqual(
      w.updates.filter((u) => u.userId === BOB),
      [],
    );
    assert.ok(
      w.updates.some((u) => u.activityId === 'dave-1'),
      "Dave's copy was updated in place",
    );
    assert.equal(bobCopy(await w.records.getByKey(KEY)).shows, 'approved');
  });
});

describe('isSettled with copies claimed by a sender that never recorded them', () => {
  const decided = (bob: Partial<CardCopy>): ApprovalRecord => ({
    ...record(bob),
    decision: { outcome: 'approved', by: { id: DAVE, displayName: 'Dave Diaz' }, at: T0.toISOString(), justification: 'ok', via: 'bot' },
    requesterToldAt: T0.toISOString(),
    copies: record(bob).copies.map((c) => (c.state === 'sent' ? { ...c, shows: 'approved' as const } : c)),
  });
  const claim = { id: 'dead-sender', at: T0.toISOString() };

  it('waits for an intent that holds a claim (its card may be out), not for one nobody claimed or one with nowhere to go', () => {
    assert.equal(isSettled(decided({ claim })), false);
    assert.equal(isSettled(decided({})), true);
    assert.equal(isSettled(decided({ state: 'unreachable', claim })), true);
  });
});
