// The approval use case on its own: an in-memory messenger and key-value store, scripted PIM ports and
// a fixed clock. No Bot Framework turn, no HTTP: what the coordinator decides to send, and what it
// writes to the record, is all there is to see.
import assert from 'node:assert/strict';
import { ApprovalCoordinator } from '../../../../services/approvals/coordinator';
import { ApprovalDecisions } from '../../../../services/approvals/decisions';
import type { ApprovalState, ApprovalStep } from '../../../../services/approvals/model';
import type { ApprovalsPort, AppInstallerPort, DirectoryPort } from '../../../../services/approvals/port';
import {
  canMoveCopy,
  COPY_TRANSITIONS,
  IllegalCopyTransition,
  movedCopy,
  recordKey,
  withCopy,
  type ApprovalRecord,
  type CardCopy,
  type CopyState,
} from '../../../../services/approvals/record';
import { ApprovalRecordStore } from '../../../../services/approvals/recordStore';
import { eligibilityKey, type ActivationRequest, type RequestStatus, type UserContext } from '../../../../services/pim/model';
import type { PimService } from '../../../../services/pim/service';
import { InMemoryMessenger, MemoryKeyValue, recordingTurn, userAdminEligibility } from './inMemory';

const NOW = new Date('2026-03-03T10:00:00Z');
const REQUEST_ID = '11111111-1111-4111-8111-111111111111';
const ALICE = 'a0000000-0000-4000-8000-000000000001';
const BOB = 'b0000000-0000-4000-8000-000000000002';
const DAVE = 'd0000000-0000-4000-8000-000000000004';
const GROUP = 'e0000000-0000-4000-8000-000000000005';
const TENANT = 't';
const KEY = recordKey('entraRole', REQUEST_ID);
const ELIGIBILITY = eligibilityKey('entraRole', '/', 'r-user-admin');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const user = (userId: string, displayName?: string): UserContext => ({ userId, tenantId: TENANT, ...(displayName ? { displayName } : {}) });

function request(): ActivationRequest {
  return {
    id: REQUEST_ID,
    surface: 'entraRole',
    status: 'pendingApproval',
    roleId: 'r-user-admin',
    roleName: 'User Administrator',
    scope: { id: '/', displayName: 'Directory', kind: 'directory' },
    principalId: ALICE,
    startDateTime: NOW,
    endDateTime: new Date(NOW.getTime() + 3600_000),
    createdDateTime: NOW,
    justification: 'fixing login',
    ticket: null,
    key: ELIGIBILITY,
  };
}

/** PIM's side of one request: its one approval step, and its status, changed by decide() or by "the portal". */
class ScriptedPim {
  status: RequestStatus = 'pendingApproval';
  step: ApprovalStep = {
    id: 's1',
    status: 'inProgress',
    reviewResult: 'notReviewed',
    reviewedBy: null,
    reviewedAt: null,
    justification: '',
    assignedToMe: true,
  };
  readonly decided: Array<{ by: string; decision: string }> = [];
  readonly cancelled: string[] = [];
  /** Her requests of the role as the check before asking listed them in her turn; undefined = not listed. */
  roleRequests: ActivationRequest[] | undefined;
  /** What the eligibility listing said about the role (Entra's expanded roleDefinition). */
  definition: { description?: string; privileged?: boolean } | undefined;
  historyReads = 0;
  roleInfoReads = 0;

  /** Someone decided in the portal (or another client): the bot only learns it from PIM. */
  decideElsewhere(by: { id: string; displayName: string }, review: 'approve' | 'deny'): void {
    this.step = {
      ...this.step,
      status: 'completed',
      reviewResult: review,
      reviewedBy: by,
      reviewedAt: NOW,
      justification: 'from the portal',
    };
    this.status = review === 'approve' ? 'provisioned' : 'denied';
  }

  port(): ApprovalsPort {
    const state = (): ApprovalState => ({ requestId: REQUEST_ID, surface: 'entraRole', steps: [this.step] });
    return {
      surface: 'entraRole',
      getApproval: async () => state(),
      decide: async (approver, _requestId, _stepId, decision) => {
        if (this.step.status !== 'inProgress')
          throw Object.assign(new Error('conflict'), { kind: 'invalidInput', details: { httpStatus: 409 } });
        this.decided.push({ by: approver.userId, decision });
        this.decideElsewhere({ id: approver.userId, displayName: approver.displayName ?? '' }, decision);
      },
      getRequestStatus: async () => this.status,
      recentActivations: async () => (this.historyReads++, []),
      pendingApprovals: async () => [],
      roleInfo: async () => (this.roleInfoReads++, { description: 'read from the role definition' }),
    };
  }

  service(): PimService {
    return {
      listEligibilities: async () => {
        const entry = userAdminEligibility(ALICE, GROUP);
        return [this.definition ? { ...entry, eligibility: { ...entry.eligibility, definition: this.definition } } : entry];
      },
      recentRoleRequests: () => this.roleRequests,
      listActive: async () => [],
      cancel: async (_u: UserContext, ref: { id: string }) => {
        this.cancelled.push(ref.id);
        this.status = 'canceled';
        this.step = { ...this.step, status: 'completed' };
      },
    } as unknown as PimService;
  }
}

function world(reachable: readonly string[] = [ALICE, BOB, DAVE]) {
  const pim = new ScriptedPim();
  const storage = new MemoryKeyValue();
  const records = new ApprovalRecordStore(storage, { now: () => NOW });
  const messenger = new InMemoryMessenger();
  for (const id of reachable) messenger.chat(id);
  const installed: string[] = [];
  const installer: AppInstallerPort = { installForUser: async (id) => (installed.push(id), 'installed') };
  const people: DirectoryPort = {
    groupMembers: async () => [
      { id: BOB, displayName: 'Bob Brown' },
      { id: DAVE, displayName: 'Dave Diaz' },
    ],
    user: async (id) => ({ id, displayName: id === ALICE ? 'Alice Adams' : 'someone' }),
  };
  const coordinator = new ApprovalCoordinator({
    pim: pim.service(),
    decisions: new ApprovalDecisions([pim.port()]),
    people,
    records,
    messenger,
    installer,
    tenantId: TENANT,
    now: () => NOW,
    logger: quiet,
    metrics: { firstApproverCard: () => undefined },
  });
  const record = async () => (await records.getByKey(KEY))!;
  const copyOf = async (userId: string, role: CardCopy['role'] = 'approver') =>
    (await record()).copies.find((c) => c.userId === userId && c.role === role)!;
  /** Alice's submit, and everything it started. */
  const submit = async () => {
    const turn = recordingTurn(`chat:${ALICE}`);
    await coordinator.submitted(turn, user(ALICE, 'Alice Adams'), request());
    await coordinator.idle();
    return turn;
  };
  const click = async (who: string, verb: 'approve' | 'deny' | 'cancel', reason = '') => {
    const copy = await copyOf(who, verb === 'cancel' ? 'requester' : 'approver');
    const c = {
      surface: 'entraRole' as const,
      requestId: REQUEST_ID,
      nonce: copy.nonce,
      reason,
      clicked: copy.activityId,
      conversationId: copy.conversationId,
    };
    const answer = verb === 'cancel' ? await coordinator.cancel(user(who), c) : await coordinator.decide(user(who), verb, c);
    await coordinator.idle();
    return answer;
  };
  return { pim, records, messenger, installed, coordinator, record, copyOf, submit, click };
}

describe('the approval coordinator (in memory: no turn, no HTTP)', () => {
  it("fans out: the waiting card is the turn's reply, every reachable approver gets a card, an unreachable one gets the app installed", async () => {
    const w = world([ALICE, BOB]);
    const turn = await w.submit();
    assert.deepEqual(
      turn.replies.map((v) => v.kind === 'card' && v.copy.role),
      ['requester'],
      'one reply in the turn: the waiting card',
    );
    assert.deepEqual(
      w.messenger.posts.map((p) => [p.conversationId, p.view.kind === 'card' && p.view.copy.role]),
      [[`chat:${BOB}`, 'approver']],
    );
    assert.deepEqual(w.installed, [DAVE], 'the app is installed for the approver the bot cannot reach');
    const bob = await w.copyOf(BOB);
    assert.equal(bob.state, 'sent');
    assert.equal(bob.activityId, w.messenger.posts[0]!.activityId);
    assert.equal(bob.claim, undefined, 'the claim is released once the post is on record');
    assert.equal((await w.copyOf(DAVE)).state, 'unreachable', 'waits for a conversation');
    assert.equal((await w.copyOf(ALICE, 'requester')).activityId, 'reply-1');
  });

  it("the card's history and role come from what her turn already read: her requests of the role and the eligibility listing", async () => {
    const w = world();
    const earlier = (id: string, status: RequestStatus, hoursAgo: number): ActivationRequest => ({
      ...request(),
      id,
      status,
      startDateTime: new Date(NOW.getTime() - hoursAgo * 3600_000),
      endDateTime: new Date(NOW.getTime() - (hoursAgo - 1) * 3600_000),
      createdDateTime: new Date(NOW.getTime() - hoursAgo * 3600_000),
    });
    w.pim.roleRequests = [earlier('e-1', 'provisioned', 48), earlier('e-2', 'denied', 30), earlier('e-3', 'revoked', 24), request()];
    w.pim.definition = { description: 'Can manage users.', privileged: true };
    await w.submit();
    const record = await w.record();
    assert.deepEqual(
      record.recentActivations.map((a) => a.startDateTime),
      [new Date(NOW.getTime() - 24 * 3600_000).toISOString(), new Date(NOW.getTime() - 48 * 3600_000).toISOString()],
      'the ones that ran, newest first; not the denied one, not this request',
    );
    assert.deepEqual(record.context?.role, { description: 'Can manage users.', privileged: true });
    assert.deepEqual([w.pim.historyReads, w.pim.roleInfoReads], [0, 0], 'no app-only read of either');
  });

  it('without a listing of her requests in her turn, the history and the role are read from PIM', async () => {
    const w = world();
    await w.submit();
    assert.deepEqual([w.pim.historyReads, w.pim.roleInfoReads], [1, 1]);
    assert.deepEqual((await w.record()).context?.role, { description: 'read from the role definition' });
  });

  it('a later pass posts the card of an approver who became reachable, once', async () => {
    const w = world([ALICE, BOB]);
    await w.submit();
    w.messenger.chat(DAVE);
    await w.coordinator.sweep();
    await w.coordinator.sweep();
    await w.coordinator.idle();
    assert.equal(w.messenger.postsTo(DAVE, 'card').length, 1);
    assert.equal((await w.copyOf(DAVE)).state, 'sent');
  });

  it('a decision is made at PIM as the approver, reaches every other copy in place and the requester exactly once', async () => {
    const w = world();
    await w.submit();
    const answer = await w.click(BOB, 'approve');
    assert.deepEqual(w.pim.decided, [{ by: BOB, decision: 'approve' }]);
    assert.equal(answer.kind, 'card', 'the clicked card comes back updated');
    assert.equal(answer.kind === 'card' && answer.record.decision?.outcome, 'approved');
    const updated = w.messenger.updates.map((u) => u.conversationId).sort();
    assert.deepEqual(
      updated,
      [`chat:${ALICE}`, `chat:${DAVE}`],
      "Dave's card and Alice's waiting card are updated; Bob's came back in the answer",
    );
    assert.ok(w.messenger.updates.every((u) => u.view.kind === 'card' && u.view.record.decision?.outcome === 'approved'));
    await w.coordinator.sweep();
    await w.coordinator.sweep();
    await w.coordinator.idle();
    assert.equal(w.messenger.postsTo(ALICE, 'outcome').length, 1, 'the requester is told once, however many passes run');
    assert.equal(w.messenger.updates.length, 2, 'no copy is updated twice');
    const stored = await w.record();
    assert.ok(stored.copies.filter((c) => c.state === 'sent').every((c) => c.shows === 'approved'));
    assert.ok(stored.requesterToldAt);
  });

  it('a second decision is refused: the card shows the first one and nothing more reaches PIM', async () => {
    const w = world();
    await w.submit();
    await w.click(BOB, 'approve');
    const second = await w.click(DAVE, 'deny', 'too broad');
    assert.deepEqual(
      w.pim.decided.map((d) => d.by),
      [BOB],
      'one decision at PIM',
    );
    assert.equal(second.kind, 'card');
    assert.equal(second.kind === 'card' && second.record.decision?.outcome, 'approved');
    assert.equal(second.kind === 'card' && second.record.decision?.by?.id, BOB);
    assert.equal(w.messenger.postsTo(ALICE, 'outcome').length, 1);
  });

  it('refuses what must not change anything: a denial without a reason, the requester approving, a stale card, a stranger cancelling', async () => {
    const w = world();
    await w.submit();
    const noReason = await w.click(BOB, 'deny');
    assert.deepEqual(noReason.kind === 'card' ? noReason.note : noReason, 'denyNeedsReason');
    const own = await w.coordinator.decide(user(ALICE), 'approve', {
      surface: 'entraRole',
      requestId: REQUEST_ID,
      nonce: (await w.copyOf(ALICE, 'requester')).nonce,
      reason: '',
      clicked: undefined,
      conversationId: undefined,
    });
    assert.deepEqual(own, { kind: 'refused', why: 'ownRequest' });
    const stale = await w.coordinator.decide(user(BOB), 'approve', {
      surface: 'entraRole',
      requestId: REQUEST_ID,
      nonce: 'old',
      reason: '',
      clicked: undefined,
      conversationId: undefined,
    });
    assert.deepEqual(stale, { kind: 'refused', why: 'staleCard' });
    const stranger = await w.click(BOB, 'approve').then(() =>
      w.coordinator.cancel(user(DAVE), {
        surface: 'entraRole',
        requestId: REQUEST_ID,
        nonce: 'x',
        reason: '',
        clicked: undefined,
        conversationId: undefined,
      }),
    );
    assert.deepEqual(stranger, { kind: 'refused', why: 'notRequester' });
    assert.deepEqual(
      w.pim.decided.map((d) => d.by),
      [BOB],
    );
  });

  it('cancel: the requester cancels at PIM, every approver card shows it, she is told once', async () => {
    const w = world();
    await w.submit();
    const answer = await w.click(ALICE, 'cancel');
    assert.deepEqual(w.pim.cancelled, [REQUEST_ID]);
    assert.equal(answer.kind === 'card' && answer.record.decision?.outcome, 'canceled');
    assert.deepEqual(w.messenger.updates.map((u) => u.conversationId).sort(), [`chat:${BOB}`, `chat:${DAVE}`]);
    await w.coordinator.sweep();
    await w.coordinator.idle();
    assert.equal(w.messenger.postsTo(ALICE, 'outcome').length, 1);
    assert.equal(w.pim.decided.length, 0);
  });

  it('reconciles from PIM: a decision made outside the bot is recorded as PIM says, and every copy and the requester hear of it', async () => {
    const w = world();
    await w.submit();
    w.pim.decideElsewhere({ id: DAVE, displayName: 'Dave Diaz' }, 'deny');
    await w.coordinator.sweep();
    await w.coordinator.idle();
    const decision = (await w.record()).decision!;
    assert.equal(decision.outcome, 'denied');
    assert.equal(decision.via, 'pim');
    assert.equal(decision.by?.id.toLowerCase(), DAVE);
    assert.deepEqual(w.messenger.updates.map((u) => u.conversationId).sort(), [`chat:${ALICE}`, `chat:${BOB}`, `chat:${DAVE}`]);
    assert.equal(w.messenger.postsTo(ALICE, 'outcome').length, 1);
    assert.equal(w.pim.decided.length, 0, 'the bot decided nothing itself');
  });
});

describe('the copy-state rules', () => {
  const copy = (state: CopyState): CardCopy => ({ userId: BOB, role: 'approver', state, nonce: 'n', shows: 'pending' });

  it('allow only the moves in the table', () => {
    const states: CopyState[] = ['intent', 'unreachable', 'sent'];
    const allowed = states.flatMap((from) => states.filter((to) => to !== from && canMoveCopy(from, to)).map((to) => `${from}→${to}`));
    assert.deepEqual(allowed, ['intent→unreachable', 'intent→sent', 'unreachable→sent']);
    assert.deepEqual(COPY_TRANSITIONS.sent, [], 'sent is final');
  });

  it('reject an illegal move when a record is changed, and leave the copy as it was', () => {
    const record = { copies: [copy('sent')] } as unknown as ApprovalRecord;
    assert.throws(() => withCopy(record, record.copies[0]!, { state: 'intent' }), IllegalCopyTransition);
    assert.throws(() => movedCopy(copy('sent'), { state: 'unreachable' }), /cannot go from 'sent' to 'unreachable'/);
    assert.throws(() => movedCopy(copy('unreachable'), { state: 'intent' }), IllegalCopyTransition);
    assert.equal(record.copies[0]!.state, 'sent');
    assert.equal(movedCopy(copy('intent'), { state: 'sent', activityId: 'a1' }).state, 'sent');
    assert.equal(movedCopy(copy('sent'), { shows: 'approved' }).shows, 'approved', 'what a sent copy shows may change');
  });
});
