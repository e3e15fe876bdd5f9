// The emulator's PIM approvals for Entra roles (Graph beta): stages from the policy, approver check by
// the token's subject, one decision per stage (409), self-approval refused, Approve → active, Deny,
// and the 24-hour expiry on the controllable clock.
import assert from 'node:assert/strict';
import type { TenantEmulator } from '../../../emulator/tenant';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { activationBody, call, RM } from '../emulator/http';
import { startTestTenant } from '../../support/tenant';

const APPROVALS = '/beta/roleManagement/directory/roleAssignmentApprovals';

describe('emulator: Entra role approvals (Graph beta)', function () {
  this.timeout(20_000);
  let t: TenantEmulator;
  const token = (userId: string) => t.tokens.user({ userId, amr: ['pwd', 'mfa'] });

  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());
  beforeEach(async () => {
    await t.reset();
    t.clock.useRealTime();
  });

  async function request(): Promise<string> {
    const r = await call(t, 'POST', `${RM}/roleAssignmentScheduleRequests`, {
      token: token(DEMO_USERS.alice.id),
      body: activationBody(DEMO_USERS.alice.id, DEMO_ROLES.userAdministrator.id, { ticketInfo: { ticketNumber: 'INC-42' } }),
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.equal(r.json.status, 'PendingApproval');
    assert.equal(r.json.approvalId, r.json.id);
    return r.json.id as string;
  }

  it('shows the stage to approvers (assignedToMe) and the requester, and refuses others', async () => {
    const id = await request();
    const bob = await call(t, 'GET', `${APPROVALS}/${id}`, { token: token(DEMO_USERS.bob.id) });
    assert.equal(bob.status, 200);
    assert.equal(bob.json.steps.length, 1);
    assert.deepEqual([bob.json.steps[0].status, bob.json.steps[0].reviewResult, bob.json.steps[0].assignedToMe], ['InProgress', 'NotReviewed', true]);
    const alice = await call(t, 'GET', `${APPROVALS}/${id}`, { token: token(DEMO_USERS.alice.id) });
    assert.equal(alice.json.steps[0].assignedToMe, false);
    assert.equal((await call(t, 'GET', `${APPROVALS}/${id}`, { token: token(DEMO_USERS.erin.id) })).status, 403);
    assert.equal((await call(t, 'GET', `${APPROVALS}/00000000-0000-4000-8000-000000000000`, { token: token(DEMO_USERS.bob.id) })).status, 404);
    const mine = await call(t, 'GET', `${RM}/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')`, { token: token(DEMO_USERS.dave.id) });
    assert.deepEqual(mine.json.value.map((r: { id: string }) => r.id), [id]);
  });

  it('Approve by Bob provisions the activation; a second decision gets 409; the requester and strangers get 403', async () => {
    const id = await request();
    const step = (await call(t, 'GET', `${APPROVALS}/${id}`, { token: token(DEMO_USERS.bob.id) })).json.steps[0].id as string;
    const path = `${APPROVALS}/${id}/steps/${step}`;
    assert.equal((await call(t, 'PATCH', path, { token: token(DEMO_USERS.alice.id), body: { reviewResult: 'Approve', justification: 'me' } })).status, 403, 'self-approval');
    assert.equal((await call(t, 'PATCH', path, { token: token(DEMO_USERS.erin.id), body: { reviewResult: 'Approve', justification: 'x' } })).status, 403, 'not an approver');
    assert.equal((await call(t, 'PATCH', path, { token: t.tokens.user({ userId: DEMO_USERS.bob.id }), body: { reviewResult: 'Maybe' } })).status, 400);
    const ok = await call(t, 'PATCH', path, { token: token(DEMO_USERS.bob.id), body: { reviewResult: 'Approve', justification: 'ok' } });
    assert.equal(ok.status, 204);
    const again = await call(t, 'PATCH', path, { token: token(DEMO_USERS.dave.id), body: { reviewResult: 'Deny', justification: 'no' } });
    assert.equal(again.status, 409);
    const seen = (await call(t, 'GET', `${APPROVALS}/${id}`, { token: token(DEMO_USERS.dave.id) })).json.steps[0];
    assert.deepEqual([seen.status, seen.reviewResult, seen.reviewedBy.id, seen.reviewedBy.displayName, seen.justification], ['Completed', 'Approve', DEMO_USERS.bob.id, 'Bob Brown', 'ok']);
    const r = await call(t, 'GET', `${RM}/roleAssignmentScheduleRequests/${id}`, { token: token(DEMO_USERS.alice.id) });
    assert.equal(r.json.status, 'Provisioned');
    const active = t.state.activeAssignments(DEMO_USERS.alice.id).filter((a) => a.roleDefinitionId === DEMO_ROLES.userAdministrator.id);
    assert.equal(active.length, 1);
    assert.equal((Date.parse(active[0]!.endDateTime!) - Date.parse(active[0]!.startDateTime)) / 60_000, 60);
  });

  it('exactly one of two simultaneous decisions wins', async () => {
    const id = await request();
    const step = (await call(t, 'GET', `${APPROVALS}/${id}`, { token: token(DEMO_USERS.bob.id) })).json.steps[0].id as string;
    const path = `${APPROVALS}/${id}/steps/${step}`;
    const [a, b] = await Promise.all([
      call(t, 'PATCH', path, { token: token(DEMO_USERS.bob.id), body: { reviewResult: 'Approve', justification: 'b' } }),
      call(t, 'PATCH', path, { token: token(DEMO_USERS.dave.id), body: { reviewResult: 'Deny', justification: 'd' } }),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [204, 409]);
  });

  it('Deny ends the request as Denied; an undecided one expires after 24 hours of PIM time', async () => {
    const denied = await request();
    const step = (await call(t, 'GET', `${APPROVALS}/${denied}`, { token: token(DEMO_USERS.dave.id) })).json.steps[0].id as string;
    assert.equal((await call(t, 'PATCH', `${APPROVALS}/${denied}/steps/${step}`, { token: token(DEMO_USERS.dave.id), body: { reviewResult: 'Deny', justification: 'not now' } })).status, 204);
    assert.equal((await call(t, 'GET', `${RM}/roleAssignmentScheduleRequests/${denied}`, { token: token(DEMO_USERS.alice.id) })).json.status, 'Denied');

    const expiring = await request().catch(() => undefined);
    assert.ok(expiring, 'a denied request does not block a new one');
    t.clock.advance(24 * 3600_000 + 1000);
    const view = (await call(t, 'GET', `${APPROVALS}/${expiring}`, { token: token(DEMO_USERS.bob.id) })).json.steps[0];
    assert.equal(view.status, 'Expired');
    assert.equal((await call(t, 'GET', `${RM}/roleAssignmentScheduleRequests/${expiring}`, { token: token(DEMO_USERS.alice.id) })).json.status, 'Canceled');
    assert.equal((await call(t, 'PATCH', `${APPROVALS}/${expiring}/steps/${view.id}`, { token: token(DEMO_USERS.bob.id), body: { reviewResult: 'Approve', justification: 'late' } })).status, 409);
  });
});
