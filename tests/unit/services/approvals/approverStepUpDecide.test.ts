// The approver step-up around the coordinator's one road to PIM (issue 20), in memory: a scripted PIM
// port, the approver's token as a JWT whose claims each test sets, a sign-in that only names a URL.
// What must hold: short of the policy nothing reaches PIM and the click is held; after the sign-in the
// decision is made once, as the approver, recorded with how they were verified; a stale or replayed
// click decides nothing; PIM's own claims challenge gets the same sign-in.
import assert from 'node:assert/strict';
import { ApproverStepUpClicks } from '../../../../services/approvals/approverStepUpPending';
import { parseApproverStepUp, type ApproverStepUpPolicy } from '../../../../services/approvals/approverStepUpPolicy';
import { ApprovalCoordinator } from '../../../../services/approvals/coordinator';
import { ApprovalDecisions } from '../../../../services/approvals/decisions';
import type { ApprovalState, ApprovalStep } from '../../../../services/approvals/model';
import type { ApprovalsPort, DirectoryPort } from '../../../../services/approvals/port';
import { recordKey, withCopy } from '../../../../services/approvals/record';
import { ApprovalRecordStore } from '../../../../services/approvals/recordStore';
import { PimError } from '../../../../services/pim/errors';
import { eligibilityKey, type ActivationRequest, type RequestStatus, type UserContext } from '../../../../services/pim/model';
import type { PimService } from '../../../../services/pim/service';
import { InMemoryMessenger, MemoryKeyValue, recordingTurn, userAdminEligibility } from './inMemory';

const NOW = new Date('2026-03-03T10:00:00Z');
const REQUEST_ID = '11111111-1111-4111-8111-111111111111';
const ALICE = 'a0000000-0000-4000-8000-000000000001';
const BOB = 'b0000000-0000-4000-8000-000000000002';
const DAVE = 'd0000000-0000-4000-8000-000000000004';
const KEY = recordKey('entraRole', REQUEST_ID);
const ELIGIBILITY = eligibilityKey('entraRole', '/', 'r-user-admin');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const user = (userId: string): UserContext => ({ userId, tenantId: 't' });
const MINUTE = 60;
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

const parsedDefault = parseApproverStepUp('default');
const DEFAULT_POLICY: ApproverStepUpPolicy = parsedDefault.ok ? parsedDefault.policy : [];

function world(policy: ApproverStepUpPolicy = DEFAULT_POLICY) {
  let status: RequestStatus = 'pendingApproval';
  let step: ApprovalStep = {
    id: 's1',
    status: 'inProgress',
    reviewResult: 'notReviewed',
    reviewedBy: null,
    reviewedAt: null,
    justification: '',
    assignedToMe: true,
  };
  const decided: string[] = [];
  let refuseWith: PimError | undefined;
  const port: ApprovalsPort = {
    surface: 'entraRole',
    getApproval: async (): Promise<ApprovalState> => ({ requestId: REQUEST_ID, surface: 'entraRole', steps: [step] }),
    decide: async (approver, _r, _s, decision) => {
      if (refuseWith) throw refuseWith;
      if (step.status !== 'inProgress') throw Object.assign(new Error('conflict'), { kind: 'invalidInput', details: { httpStatus: 409 } });
      decided.push(`${approver.userId}:${decision}`);
      step = {
        ...step,
        status: 'completed',
        reviewResult: decision,
        reviewedBy: { id: approver.userId, displayName: 'Bob Brown' },
        reviewedAt: NOW,
      };
      status = decision === 'approve' ? 'provisioned' : 'denied';
    },
    getRequestStatus: async () => status,
    recentActivations: async () => [],
    pendingApprovals: async () => [],
  };
  const pim = {
    listEligibilities: async () => [userAdminEligibility(ALICE, 'g')],
    listActive: async () => [],
  } as unknown as PimService;
  const people: DirectoryPort = {
    groupMembers: async () => [
      { id: BOB, displayName: 'Bob Brown' },
      { id: DAVE, displayName: 'Dave Diaz' },
    ],
    user: async (id) => ({ id, displayName: id === ALICE ? 'Alice Adams' : 'someone' }),
  };
  const storage = new MemoryKeyValue();
  const records = new ApprovalRecordStore(storage, { now: () => NOW });
  const messenger = new InMemoryMessenger();
  for (const id of [ALICE, BOB, DAVE]) messenger.chat(id);
  // Bob's token: MFA an hour ago until he "signs in".
  const claims: Record<string, Record<string, unknown>> = {
    [BOB]: { amr: ['pwd', 'mfa'], auth_time: seconds(NOW) - 60 * MINUTE },
    [DAVE]: { amr: ['pwd', 'mfa'], auth_time: seconds(NOW) },
  };
  const clicks = new ApproverStepUpClicks(storage, () => NOW);
  const states: string[] = [];
  const coordinator = new ApprovalCoordinator({
    pim,
    decisions: new ApprovalDecisions([port]),
    people,
    records,
    messenger,
    installer: { installForUser: async () => 'alreadyInstalled' },
    tenantId: 't',
    now: () => NOW,
    logger: quiet,
    metrics: { firstApproverCard: () => undefined },
    stepUp: {
      policy,
      clicks,
      tokens: { getUserToken: async (r) => jwt(claims[r.user.userId] ?? {}) },
      startSignIn: async (_approver, r) => (
        states.push(r.state),
        { url: `https://login.example/authorize?state=${r.state}`, codeVerifier: 'v' }
      ),
      redirectUri: () => 'https://bot.example/auth/callback',
    },
  });
  const record = async () => (await records.getByKey(KEY))!;
  const request: ActivationRequest = {
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
  const submit = async () => {
    await coordinator.submitted(recordingTurn(`chat:${ALICE}`), { userId: ALICE, tenantId: 't', displayName: 'Alice Adams' }, request);
    await coordinator.idle();
  };
  const click = async (who: string, verb: 'approve' | 'deny', reason = '') => {
    const copy = (await record()).copies.find((c) => c.userId === who && c.role === 'approver')!;
    const answer = await coordinator.decide(user(who), verb, {
      surface: 'entraRole',
      requestId: REQUEST_ID,
      nonce: copy.nonce,
      reason,
      clicked: copy.activityId,
      conversationId: copy.conversationId,
    });
    await coordinator.idle();
    return answer;
  };
  const signedIn = (who: string, c: Record<string, unknown>) => void (claims[who] = c);
  return {
    coordinator,
    records,
    messenger,
    decided,
    clicks,
    states,
    record,
    submit,
    click,
    signedIn,
    refuse: (e: PimError) => void (refuseWith = e),
  };
}

describe('approver step-up in the approval coordinator (in memory)', () => {
  it('a stale session: nothing reaches PIM, the click is held; after the sign-in the decision is made once as Bob, recorded "mfa", every copy updated; a second completion decides nothing', async () => {
    const w = world();
    await w.submit();
    const answer = await w.click(BOB, 'approve', 'ok');
    assert.equal(answer.kind, 'stepUp');
    assert.equal(answer.kind === 'stepUp' && answer.stepUp.signInUrl, `https://login.example/authorize?state=${w.states[0]}`);
    assert.deepEqual(answer.kind === 'stepUp' && answer.stepUp.requirement, { kind: 'mfa', withinMinutes: 10 });
    assert.deepEqual(w.decided, [], 'nothing at PIM');
    assert.equal((await w.record()).decision, undefined);
    assert.equal(w.messenger.updates.length, 0, 'no copy changed');

    w.signedIn(BOB, { amr: ['pwd', 'mfa'], auth_time: seconds(NOW) - 30 });
    const held = await w.clicks.take(w.states[0]);
    assert.ok(held);
    assert.deepEqual(await w.coordinator.completeStepUp(held), { kind: 'decided', outcome: 'approved' });
    await w.coordinator.idle();
    assert.deepEqual(w.decided, [`${BOB}:approve`]);
    const decision = (await w.record()).decision!;
    assert.equal(decision.verifiedBy?.method, 'mfa');
    assert.equal(decision.justification, 'ok');
    assert.deepEqual(
      w.messenger.updates.map((u) => u.conversationId).sort(),
      [`chat:${ALICE}`, `chat:${BOB}`, `chat:${DAVE}`],
      "Bob's copy too: his click was answered with the sign-in card",
    );
    assert.equal(w.messenger.postsTo(ALICE, 'outcome').length, 1);

    assert.deepEqual(await w.coordinator.completeStepUp(held), { kind: 'nothingDecided' }, 'a replay decides nothing');
    assert.equal(await w.clicks.take(w.states[0]), undefined, 'the state works once');
    assert.deepEqual(w.decided, [`${BOB}:approve`]);
  });

  it('a fresh session decides at once, recorded "mfa"; with the policy off, "session"', async () => {
    const fresh = world();
    await fresh.submit();
    const answer = await fresh.click(DAVE, 'deny', 'no');
    assert.equal(answer.kind, 'card');
    assert.equal((await fresh.record()).decision?.verifiedBy?.method, 'mfa');
    const off = world([]);
    await off.submit();
    await off.click(BOB, 'approve');
    assert.deepEqual(off.decided, [`${BOB}:approve`]);
    assert.equal((await off.record()).decision?.verifiedBy?.method, 'session');
  });

  it('a deny without a reason is refused before any sign-in', async () => {
    const w = world();
    await w.submit();
    const answer = await w.click(BOB, 'deny');
    assert.equal(answer.kind === 'card' && answer.note, 'denyNeedsReason');
    assert.deepEqual(w.states, []);
  });

  it('a held click whose card was replaced since (another nonce), or a sign-in that is still short, decides nothing', async () => {
    const w = world();
    await w.submit();
    await w.click(BOB, 'approve');
    await w.click(BOB, 'approve');
    const [first, second] = [await w.clicks.take(w.states[0]), await w.clicks.take(w.states[1])];
    // Still an hour old: a new sign-in card goes to Bob's own chat.
    assert.deepEqual(await w.coordinator.completeStepUp(first!), { kind: 'stillShort' });
    const again = w.messenger.posts.filter((p) => p.view.kind === 'approverStepUp');
    assert.deepEqual(
      again.map((p) => p.conversationId),
      [`chat:${BOB}`],
    );
    assert.equal(again[0]!.view.kind === 'approverStepUp' && again[0]!.view.stepUp.stillMissing, 'freshSignIn');
    await w.records.update(KEY, (r) =>
      withCopy(
        r,
        r.copies.find((c) => c.userId === BOB && c.role === 'approver')!,
        { nonce: 'replaced' },
      ),
    );
    w.signedIn(BOB, { amr: ['pwd', 'mfa'], auth_time: seconds(NOW) });
    assert.deepEqual(await w.coordinator.completeStepUp(second!), { kind: 'nothingDecided' });
    assert.deepEqual(w.decided, []);
  });

  it("PIM's own claims challenge (policy off) answers the sign-in card for what PIM asked", async () => {
    const w = world([]);
    await w.submit();
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c3"}}}';
    w.refuse(new PimError('authenticationRequired', 'claims', { claims, resource: 'graph' }));
    const answer = await w.click(BOB, 'approve');
    assert.equal(answer.kind, 'stepUp');
    assert.deepEqual(answer.kind === 'stepUp' && answer.stepUp.requirement, { kind: 'acrs', id: 'c3' });
    assert.equal((await w.clicks.take(w.states[0]))?.claims, claims);
    assert.equal((await w.record()).decision, undefined);
  });
});
