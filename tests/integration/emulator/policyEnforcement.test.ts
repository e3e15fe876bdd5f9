// Every refusal PIM makes on selfActivate, with the error bodies of contracts/errors/CATALOG.md.
import assert from 'node:assert/strict';
import { DEMO_GROUPS, DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { tenantPerSuite } from '../../support/tenant';
import { activationBody, call, RM, type Reply } from './http';

const A = DEMO_USERS.alice.id;
const GR = DEMO_ROLES.globalReader.id;
const UA = DEMO_ROLES.userAdministrator.id;
const SA = DEMO_ROLES.securityAdministrator.id;

describe('emulator PIM policy enforcement on selfActivate', () => {
  const tenant = tenantPerSuite();
  const token = (userId: string = A, extra: { amr?: string[]; acrs?: string[] } = {}) => tenant().tokens.user({ userId, ...extra });
  const activate = (body: Record<string, unknown>, tok = token()) =>
    call(tenant(), 'POST', `${RM}/roleAssignmentScheduleRequests`, { token: tok, body });

  function assertRefused(r: Reply, status: number, code: string, message?: string | RegExp): void {
    assert.equal(r.status, status, JSON.stringify(r.json));
    assert.equal(r.json.error.code, code);
    if (typeof message === 'string') assert.equal(r.json.error.message, message);
    else if (message) assert.match(r.json.error.message, message);
    assert.equal(tenant().state.activeAssignments(A).length, 0, 'nothing may be activated');
  }

  it("403 when principalId is not the caller (Erin activating Alice's role)", async () => {
    assertRefused(await activate(activationBody(A, GR), token(DEMO_USERS.erin.id)), 403, 'Authorization_RequestDenied');
  });

  it('EligibilityRule when the caller holds no eligibility', async () => {
    const r = await activate(activationBody(DEMO_USERS.erin.id, GR), token(DEMO_USERS.erin.id));
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'RoleAssignmentRequestPolicyValidationFailed');
    assert.equal(r.json.error.message, 'The following policy rules failed: ["EligibilityRule"]');
  });

  it('ExpirationRule over the maximum (Global Reader PT8H)', async () => {
    const r = await activate(activationBody(A, GR, { scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT9H' } } }));
    assertRefused(r, 400, 'RoleAssignmentRequestPolicyValidationFailed', 'The following policy rules failed: ["ExpirationRule"]');
    const noEnd = await activate(activationBody(A, GR, { scheduleInfo: { expiration: { type: 'noExpiration' } } }));
    assertRefused(noEnd, 400, 'RoleAssignmentRequestPolicyValidationFailed', 'The following policy rules failed: ["ExpirationRule"]');
  });

  it('JustificationRule without a justification', async () => {
    assertRefused(
      await activate(activationBody(A, GR, { justification: '  ' })),
      400,
      'RoleAssignmentRequestPolicyValidationFailed',
      'The following policy rules failed: ["JustificationRule"]',
    );
  });

  it('TicketingRule and JustificationRule together for User Administrator', async () => {
    const r = await activate(activationBody(A, UA, { justification: undefined }));
    assertRefused(
      r,
      400,
      'RoleAssignmentRequestPolicyValidationFailed',
      'The following policy rules failed: ["JustificationRule","TicketingRule"]',
    );
  });

  it('MfaRule when the token has no mfa in amr (Microsoft default policy)', async () => {
    await tenant().state.update((d) => {
      d.roleEligibilitySchedules.push({
        ...d.roleEligibilitySchedules[0]!,
        id: 'e-ga',
        roleDefinitionId: DEMO_ROLES.globalAdministrator.id,
        createdUsing: 'e-ga',
      });
    });
    const r = await activate(activationBody(A, DEMO_ROLES.globalAdministrator.id), token(A, { amr: ['pwd'] }));
    assertRefused(r, 400, 'RoleAssignmentRequestPolicyValidationFailed', 'The following policy rules failed: ["MfaRule"]');
    const ok = await activate(activationBody(A, DEMO_ROLES.globalAdministrator.id), token(A, { amr: ['pwd', 'mfa'] }));
    assert.equal(ok.status, 201);
  });

  it('RoleAssignmentRequestAcrsValidationFailed with the URL-encoded claims challenge for Security Administrator', async () => {
    const r = await activate(activationBody(A, SA));
    assertRefused(
      r,
      400,
      'RoleAssignmentRequestAcrsValidationFailed',
      '&claims=%7B%22access_token%22%3A%7B%22acrs%22%3A%7B%22essential%22%3Atrue%2C%20%22value%22%3A%22c1%22%7D%7D%7D',
    );
    const ok = await activate(activationBody(A, SA), token(A, { acrs: ['c1'] }));
    assert.equal(ok.status, 201);
    assert.equal(ok.json.status, 'Provisioned');
  });

  it('ActiveDurationTooShort under 5 minutes (message verbatim, sic)', async () => {
    const r = await activate(activationBody(A, GR, { scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'PT4M' } } }));
    assertRefused(r, 400, 'ActiveDurationTooShort', 'The Active duration is too short. Miniumum Required is 5 minutes.');
    assert.equal(
      (await activate(activationBody(A, GR, { scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'PT5M' } } }))).status,
      201,
    );
  });

  it('RoleAssignmentExists when the role is already active', async () => {
    assert.equal((await activate(activationBody(A, GR))).status, 201);
    const r = await activate(activationBody(A, GR));
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'RoleAssignmentExists');
    assert.equal(r.json.error.message, 'The Role assignment already exists.');
  });

  it('approval rule → PendingApproval with approvalId = request id, nothing active; the approver sees it', async () => {
    const r = await activate(activationBody(A, UA, { ticketInfo: { ticketNumber: 'INC-42', ticketSystem: 'ServiceNow' } }));
    assert.equal(r.status, 201);
    assert.equal(r.json.status, 'PendingApproval');
    assert.equal(r.json.approvalId, r.json.id);
    assert.equal(tenant().state.activeAssignments(A).length, 0);
    const bob = await call(tenant(), 'GET', `${RM}/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')`, {
      token: token(DEMO_USERS.bob.id),
    });
    assert.deepEqual(
      bob.json.value.map((v: { id: string }) => v.id),
      [r.json.id],
    );
    const erin = await call(tenant(), 'GET', `${RM}/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')`, {
      token: token(DEMO_USERS.erin.id),
    });
    assert.deepEqual(erin.json.value, []);
    // The requester can withdraw it.
    assert.equal(
      (await call(tenant(), 'POST', `${RM}/roleAssignmentScheduleRequests/${r.json.id}/cancel`, { token: token() })).status,
      204,
    );
    const after = await call(tenant(), 'GET', `${RM}/roleAssignmentScheduleRequests/${r.json.id}`, { token: token() });
    assert.equal(after.json.status, 'Canceled');
  });

  it("an approval nobody decides ends after PIM's 24 hours, for roles and for groups alike (Canceled)", async () => {
    const start = new Date('2030-01-01T09:00:00Z');
    tenant().clock.set(start);
    const role = await activate(
      activationBody(A, UA, {
        scheduleInfo: { startDateTime: start.toISOString(), expiration: { type: 'AfterDuration', duration: 'PT1H' } },
        ticketInfo: { ticketNumber: 'INC-42', ticketSystem: 'ServiceNow' },
      }),
    );
    const GROUP_REQUESTS = '/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleRequests';
    const group = await call(tenant(), 'POST', GROUP_REQUESTS, {
      token: token(),
      body: {
        accessId: 'owner',
        principalId: A,
        groupId: DEMO_GROUPS.sreOnCall.id,
        action: 'selfActivate',
        justification: 'pager',
        scheduleInfo: { startDateTime: start.toISOString(), expiration: { type: 'afterDuration', duration: 'PT1H' } },
      },
    });
    assert.deepEqual([role.json.status, group.json.status], ['PendingApproval', 'PendingApproval']);
    const statuses = async () => [
      (await call(tenant(), 'GET', `${RM}/roleAssignmentScheduleRequests/${role.json.id}`, { token: token() })).json.status,
      (await call(tenant(), 'GET', `${GROUP_REQUESTS}/${group.json.id}`, { token: token() })).json.status,
    ];
    tenant().clock.set(new Date(start.getTime() + 23 * 3600_000));
    assert.deepEqual(await statuses(), ['PendingApproval', 'PendingApproval']);
    tenant().clock.set(new Date(start.getTime() + 25 * 3600_000));
    assert.deepEqual(await statuses(), ['Canceled', 'Canceled']);
  });

  it('a future start → Granted, active once the PIM clock reaches it; a Provisioned request cannot be canceled', async () => {
    const now = new Date('2030-01-01T09:00:00Z');
    tenant().clock.set(now);
    const r = await activate(
      activationBody(A, GR, {
        scheduleInfo: { startDateTime: '2030-01-01T10:00:00Z', expiration: { type: 'AfterDuration', duration: 'PT1H' } },
      }),
    );
    assert.equal(r.status, 201);
    assert.equal(r.json.status, 'Granted');
    assert.equal(r.json.completedDateTime, '2030-01-01T10:00:00Z');
    assert.equal(tenant().state.activeAssignments(A).length, 0);
    tenant().clock.advance(60 * 60 * 1000);
    assert.equal(tenant().state.activeAssignments(A).length, 1);
    const got = await call(tenant(), 'GET', `${RM}/roleAssignmentScheduleRequests/${r.json.id}`, { token: token() });
    assert.equal(got.json.status, 'Provisioned');
    const cancel = await call(tenant(), 'POST', `${RM}/roleAssignmentScheduleRequests/${r.json.id}/cancel`, { token: token() });
    assert.equal(cancel.status, 400);
    tenant().clock.advance(60 * 60 * 1000);
    assert.equal(tenant().state.activeAssignments(A).length, 0);
  });

  it('isValidationOnly runs every check and creates nothing', async () => {
    const ok = await activate(activationBody(A, GR, { isValidationOnly: true }));
    assert.equal(ok.status, 201);
    assert.equal(ok.json.isValidationOnly, true);
    assert.equal(tenant().state.activeAssignments(A).length, 0);
    assert.equal(tenant().state.assignmentRequests(A).length, 0);
    const bad = await activate(activationBody(A, GR, { isValidationOnly: true, justification: null }));
    assert.equal(bad.status, 400);
  });

  it('accepts enums in any case and rejects malformed bodies', async () => {
    const r = await activate(
      activationBody(A, GR, { action: 'SELFACTIVATE', scheduleInfo: { expiration: { type: 'AFTERDURATION', duration: 'pt30m' } } }),
    );
    assert.equal(r.status, 201);
    assert.equal(r.json.action, 'SELFACTIVATE');
    for (const body of [
      { ...activationBody(A, GR), action: 'selfDestruct' },
      { ...activationBody(A, GR), unexpected: 1 },
      { ...activationBody(A, GR), scheduleInfo: { expiration: { type: 'afterDuration', duration: 'five hours' } } },
      { ...activationBody(A, GR), principalId: undefined },
    ]) {
      const bad = await activate(body);
      assert.equal(bad.status, 400, JSON.stringify(body));
    }
  });
});
