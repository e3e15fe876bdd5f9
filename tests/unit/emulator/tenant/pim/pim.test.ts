import assert from 'node:assert/strict';
import { DEMO_ROLES, DEMO_USERS } from '../../../../../emulator/tenant/demoTenant';
import { GraphError } from '../../../../../emulator/tenant/graph/errors';
import type { UserPrincipal } from '../../../../../emulator/tenant/identity/principal';
import { acrsFailure, evaluateSelfActivation, type ActivationInput } from '../../../../../emulator/tenant/pim/activation';
import { formatIsoDuration, parseIsoDuration } from '../../../../../emulator/tenant/pim/duration';
import { normaliseSchedule } from '../../../../../emulator/tenant/pim/requestSchedule';
import { createSeed } from '../../../../../emulator/tenant/state/seed';
import { createClock } from '../../../../../emulator/tenant/clock';
import { createFaults } from '../../../../../emulator/tenant/faults';

const NOW = new Date('2030-06-01T12:00:00Z');
const alice: UserPrincipal = { kind: 'user', oid: DEMO_USERS.alice.id, scopes: [], amr: ['pwd', 'mfa'], acrs: [], appId: null };

function input(roleDefinitionId: string, over: Partial<ActivationInput> & { duration?: string; start?: string } = {}): ActivationInput {
  return {
    principal: alice,
    roleDefinitionId,
    directoryScopeId: '/',
    schedule: normaliseSchedule(
      { startDateTime: over.start, expiration: { type: 'AfterDuration', duration: over.duration ?? 'PT1H' } },
      NOW,
    ),
    justification: 'because',
    ticketInfo: { ticketNumber: 'INC-1', ticketSystem: null },
    ...over,
  };
}

function refusal(fn: () => unknown): GraphError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof GraphError);
    return e;
  }
  assert.fail('expected a refusal');
}

describe('emulator PIM enforcement (pure)', () => {
  const data = createSeed();

  it('provisions Global Reader now, grants it for a future start, and sends User Administrator for approval', () => {
    assert.equal(evaluateSelfActivation(data, input(DEMO_ROLES.globalReader.id), NOW).status, 'Provisioned');
    assert.equal(evaluateSelfActivation(data, input(DEMO_ROLES.globalReader.id, { start: '2030-06-01T13:00:00Z' }), NOW).status, 'Granted');
    assert.equal(evaluateSelfActivation(data, input(DEMO_ROLES.userAdministrator.id), NOW).status, 'PendingApproval');
  });

  it('reports every failed rule at once, in PIM order', () => {
    const e = refusal(() =>
      evaluateSelfActivation(
        data,
        input(DEMO_ROLES.userAdministrator.id, {
          duration: 'PT5H',
          justification: null,
          ticketInfo: { ticketNumber: null, ticketSystem: null },
        }),
        NOW,
      ),
    );
    assert.equal(e.code, 'RoleAssignmentRequestPolicyValidationFailed');
    assert.equal(e.message, 'The following policy rules failed: ["ExpirationRule","JustificationRule","TicketingRule"]');
    const noEligibility = refusal(() =>
      evaluateSelfActivation(
        data,
        { ...input(DEMO_ROLES.globalReader.id, { duration: 'PT9H' }), principal: { ...alice, oid: DEMO_USERS.erin.id } },
        NOW,
      ),
    );
    assert.equal(noEligibility.message, 'The following policy rules failed: ["EligibilityRule","ExpirationRule"]');
  });

  it('checks the duration bounds exactly', () => {
    assert.equal(evaluateSelfActivation(data, input(DEMO_ROLES.globalReader.id, { duration: 'PT8H' }), NOW).status, 'Provisioned');
    assert.equal(
      refusal(() => evaluateSelfActivation(data, input(DEMO_ROLES.globalReader.id, { duration: 'PT8H1S' }), NOW)).code,
      'RoleAssignmentRequestPolicyValidationFailed',
    );
    assert.equal(evaluateSelfActivation(data, input(DEMO_ROLES.globalReader.id, { duration: 'PT5M' }), NOW).status, 'Provisioned');
    assert.equal(
      refusal(() => evaluateSelfActivation(data, input(DEMO_ROLES.globalReader.id, { duration: 'PT4M59S' }), NOW)).code,
      'ActiveDurationTooShort',
    );
  });

  it('asks for authentication context c1 with the claims in the message', () => {
    const e = refusal(() => evaluateSelfActivation(data, input(DEMO_ROLES.securityAdministrator.id), NOW));
    assert.equal(e.code, 'RoleAssignmentRequestAcrsValidationFailed');
    assert.equal(decodeURIComponent(e.message.replace('&claims=', '')), '{"access_token":{"acrs":{"essential":true, "value":"c1"}}}');
    assert.equal(
      acrsFailure('c1').message,
      '&claims=%7B%22access_token%22%3A%7B%22acrs%22%3A%7B%22essential%22%3Atrue%2C%20%22value%22%3A%22c1%22%7D%7D%7D',
    );
    assert.equal(
      evaluateSelfActivation(data, { ...input(DEMO_ROLES.securityAdministrator.id), principal: { ...alice, acrs: ['c1'] } }, NOW).status,
      'Provisioned',
    );
  });

  it('requires MFA where the policy enables it', () => {
    const d = createSeed();
    d.roleEligibilitySchedules.push({ ...d.roleEligibilitySchedules[0]!, id: 'x', roleDefinitionId: DEMO_ROLES.globalAdministrator.id });
    const e = refusal(() =>
      evaluateSelfActivation(d, { ...input(DEMO_ROLES.globalAdministrator.id), principal: { ...alice, amr: ['pwd'] } }, NOW),
    );
    assert.equal(e.message, 'The following policy rules failed: ["MfaRule"]');
  });

  it('refuses a second activation while one is active or scheduled', () => {
    const d = createSeed();
    d.roleAssignmentSchedules.push({
      ...d.roleAssignmentSchedules[0]!,
      id: 'a',
      principalId: alice.oid,
      roleDefinitionId: DEMO_ROLES.globalReader.id,
      assignmentType: 'Activated',
      startDateTime: '2030-06-01T13:00:00Z',
      endDateTime: '2030-06-01T14:00:00Z',
    });
    assert.equal(refusal(() => evaluateSelfActivation(d, input(DEMO_ROLES.globalReader.id), NOW)).code, 'RoleAssignmentExists');
  });
});

describe('emulator durations and schedules', () => {
  for (const [text, ms] of [
    ['PT5H', 5 * 3600e3],
    ['PT1H45M', 105 * 60e3],
    ['P365D', 365 * 86400e3],
    ['PT90S', 90e3],
    ['P1DT2H', 26 * 3600e3],
    ['pt30m', 30 * 60e3],
    ['P1W', 7 * 86400e3],
  ] as const) {
    it(`parses ${text}`, () => assert.equal(parseIsoDuration(text), ms));
  }
  for (const bad of ['', 'P', 'PT', '5H', 'PT5', 'P1H', 'PTH', 'banana', '-PT1H']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.equal(parseIsoDuration(bad), undefined));
  }
  it('formats durations compactly', () => {
    assert.equal(formatIsoDuration(8 * 3600e3), 'PT8H');
    assert.equal(formatIsoDuration(105 * 60e3), 'PT1H45M');
    assert.equal(formatIsoDuration(26 * 3600e3), 'P1DT2H');
  });
  it('normalises a past start to now and camelCases the expiration type', () => {
    const s = normaliseSchedule({ startDateTime: '2020-01-01T00:00:00Z', expiration: { type: 'AfterDuration', duration: 'PT5H' } }, NOW);
    assert.equal(s.scheduleInfo.startDateTime, '2030-06-01T12:00:00Z');
    assert.equal(s.scheduleInfo.expiration.type, 'afterDuration');
    assert.equal(s.end?.toISOString(), '2030-06-01T17:00:00.000Z');
    assert.throws(() => normaliseSchedule({ expiration: { type: 'Sometimes' } }, NOW), GraphError);
    assert.throws(() => normaliseSchedule({ recurrence: { pattern: {} } }, NOW), GraphError);
  });
});

describe('emulator clock and faults', () => {
  it('freezes, advances and returns to real time', () => {
    const c = createClock();
    c.set(NOW);
    c.advance(1000);
    assert.equal(c.now().toISOString(), '2030-06-01T12:00:01.000Z');
    c.useRealTime();
    assert.ok(Math.abs(c.now().getTime() - Date.now()) < 1000);
  });
  it('matches by method, path, count and probability', () => {
    let roll = 0.5;
    const f = createFaults(() => roll);
    f.add({ kind: 'throttle', method: 'POST', path: /requests/, count: 1, retryAfterSeconds: 9 });
    f.add({ kind: 'unavailable', probability: 0.3 });
    assert.equal(f.decide('GET', '/requests').kind, 'none');
    assert.deepEqual(f.decide('POST', '/requests'), { kind: 'throttle', latencyMs: 0, retryAfterSeconds: 9 });
    assert.equal(f.decide('POST', '/requests').kind, 'none');
    roll = 0.1;
    assert.equal(f.decide('GET', '/x').kind, 'unavailable');
    assert.throws(() => f.add({ kind: 'throttle', probability: 2 }));
  });
});
