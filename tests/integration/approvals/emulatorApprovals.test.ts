// The emulator's PIM approvals for Entra roles (Graph beta): stages from the policy, approver check by
// the token's subject, one decision per stage (409), self-approval refused, Approve → active, Deny,
// and the 24-hour expiry on the controllable clock (Azure resources too: request and approval agree).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TenantEmulator } from '../../../emulator/tenant';
import { DEMO_AZURE, DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { activationBody, call, RM } from '../emulator/http';
import { startTestTenant } from '../../../emulator/stack/tenant';

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
    assert.deepEqual(
      [bob.json.steps[0].status, bob.json.steps[0].reviewResult, bob.json.steps[0].assignedToMe],
      ['InProgress', 'NotReviewed', true],
    );
    const alice = await call(t, 'GET', `${APPROVALS}/${id}`, { token: token(DEMO_USERS.alice.id) });
    assert.equal(alice.json.steps[0].assignedToMe, false);
    assert.equal((await call(t, 'GET', `${APPROVALS}/${id}`, { token: token(DEMO_USERS.erin.id) })).status, 403);
    assert.equal(
      (await call(t, 'GET', `${APPROVALS}/00000000-0000-4000-8000-000000000000`, { token: token(DEMO_USERS.bob.id) })).status,
      404,
    );
    const mine = await call(t, 'GET', `${RM}/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')`, {
      token: token(DEMO_USERS.dave.id),
    });
    assert.deepEqual(
      mine.json.value.map((r: { id: string }) => r.id),
      [id],
    );
  });

  it('Approve by Bob provisions the activation; a second decision gets 409; the requester and strangers get 403', async () => {
    const id = await request();
    const step = (await call(t, 'GET', `${APPROVALS}/${id}`, { token: token(DEMO_USERS.bob.id) })).json.steps[0].id as string;
    const path = `${APPROVALS}/${id}/steps/${step}`;
    assert.equal(
      (await call(t, 'PATCH', path, { token: token(DEMO_USERS.alice.id), body: { reviewResult: 'Approve', justification: 'me' } })).status,
      403,
      'self-approval',
    );
    assert.equal(
      (await call(t, 'PATCH', path, { token: token(DEMO_USERS.erin.id), body: { reviewResult: 'Approve', justification: 'x' } })).status,
      403,
      'not an approver',
    );
    assert.equal(
      (await call(t, 'PATCH', path, { token: t.tokens.user({ userId: DEMO_USERS.bob.id }), body: { reviewResult: 'Maybe' } })).status,
      400,
    );
    const ok = await call(t, 'PATCH', path, { token: token(DEMO_USERS.bob.id), body: { reviewResult: 'Approve', justification: 'ok' } });
    assert.equal(ok.status, 204);
    const again = await call(t, 'PATCH', path, { token: token(DEMO_USERS.dave.id), body: { reviewResult: 'Deny', justification: 'no' } });
    assert.equal(again.status, 409);
    const seen = (await call(t, 'GET', `${APPROVALS}/${id}`, { token: token(DEMO_USERS.dave.id) })).json.steps[0];
    assert.deepEqual(
      [seen.status, seen.reviewResult, seen.reviewedBy.id, seen.reviewedBy.displayName, seen.justification],
      ['Completed', 'Approve', DEMO_USERS.bob.id, 'Bob Brown', 'ok'],
    );
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
    assert.equal(
      (
        await call(t, 'PATCH', `${APPROVALS}/${denied}/steps/${step}`, {
          token: token(DEMO_USERS.dave.id),
          body: { reviewResult: 'Deny', justification: 'not now' },
        })
      ).status,
      204,
    );
    assert.equal(
      (await call(t, 'GET', `${RM}/roleAssignmentScheduleRequests/${denied}`, { token: token(DEMO_USERS.alice.id) })).json.status,
      'Denied',
    );

    const expiring = await request().catch(() => undefined);
    assert.ok(expiring, 'a denied request does not block a new one');
    t.clock.advance(24 * 3600_000 + 1000);
    const view = (await call(t, 'GET', `${APPROVALS}/${expiring}`, { token: token(DEMO_USERS.bob.id) })).json.steps[0];
    assert.equal(view.status, 'Expired');
    assert.equal(
      (await call(t, 'GET', `${RM}/roleAssignmentScheduleRequests/${expiring}`, { token: token(DEMO_USERS.alice.id) })).json.status,
      'Canceled',
    );
    assert.equal(
      (
        await call(t, 'PATCH', `${APPROVALS}/${expiring}/steps/${view.id}`, {
          token: token(DEMO_USERS.bob.id),
          body: { reviewResult: 'Approve', justification: 'late' },
        })
      ).status,
      409,
    );
  });
});

describe('emulator: Azure resource approvals expire after 24 hours (ARM request and approval agree)', function () {
  this.timeout(20_000);
  let t: TenantEmulator;
  const SUB = `/subscriptions/${DEMO_AZURE.subscription.id}`;
  const REQUESTS = `${SUB}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests`;
  const arm = (userId: string) => t.tokens.user({ userId, audience: 'arm' });

  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());

  async function requestContributor(): Promise<{ status: number; json: { properties: { status: string }; error?: { code: string } } }> {
    const r = await call(t, 'PUT', `${REQUESTS}/${randomUUID()}?api-version=2020-10-01`, {
      token: arm(DEMO_USERS.alice.id),
      body: {
        properties: {
          principalId: DEMO_USERS.alice.id,
          roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`,
          requestType: 'SelfActivate',
          justification: 'deploy',
          scheduleInfo: { startDateTime: new Date().toISOString(), expiration: { type: 'AfterDuration', duration: 'PT1H' } },
        },
      },
    });
    return r;
  }

  it('an undecided request reads TimedOut once its approval reads Expired, can no longer be cancelled, and blocks no new request', async () => {
    await t.reset();
    t.clock.useRealTime();
    const created = await requestContributor();
    assert.equal(created.json.properties.status, 'PendingApproval', JSON.stringify(created.json));
    const name = (created.json as unknown as { name: string }).name;
    const approval = String((created.json.properties as { approvalId?: string }).approvalId)
      .split('/')
      .pop();
    const read = async () =>
      (await call(t, 'GET', `${REQUESTS}/${name}?api-version=2020-10-01`, { token: arm(DEMO_USERS.alice.id) })).json.properties
        .status as string;
    const stage = async () =>
      (
        await call(
          t,
          'GET',
          `${SUB}/providers/Microsoft.Authorization/roleAssignmentApprovals/${approval}?api-version=2021-01-01-preview`,
          { token: arm(DEMO_USERS.bob.id) },
        )
      ).json.properties.stages[0].properties.status as string;
    assert.deepEqual([await read(), await stage()], ['PendingApproval', 'InProgress']);

    t.clock.advance(24 * 3600_000 + 1000);
    assert.deepEqual([await read(), await stage()], ['TimedOut', 'Expired'], 'the request read agrees with the approval read');
    const listed = await call(t, 'GET', `${REQUESTS}?api-version=2020-10-01&$filter=asTarget()`, { token: arm(DEMO_USERS.alice.id) });
    assert.equal(
      (listed.json.value as Array<{ name: string; properties: { status: string } }>).find((r) => r.name === name)?.properties.status,
      'TimedOut',
    );
    const cancel = await call(t, 'POST', `${REQUESTS}/${name}/cancel?api-version=2020-10-01`, { token: arm(DEMO_USERS.alice.id) });
    assert.equal(cancel.status, 400, 'a timed-out request is no longer pending');

    const again = await requestContributor();
    assert.equal(
      again.json.properties.status,
      'PendingApproval',
      `a timed-out request does not block a new one: ${JSON.stringify(again.json)}`,
    );
  });
});
