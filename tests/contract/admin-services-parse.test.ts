// The admin service parses every Microsoft example it consumes (alerts, audit, and the Entra-roles and
// policy lists it reads tenant-wide) through the same mapping functions it uses on live answers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  auditToActivity,
  requestToActivity,
  roleSettingsFromRules,
  toAlertIncident,
  toAlertSummary,
  toEligibleHolder,
  toHolder,
  toPendingRequest,
} from '../../services/admin/mapping';
import { asArray, asRecord, readRecord } from '../../services/pim/json';

const contracts = path.resolve(__dirname, '..', '..', '..', 'shared', 'contracts');
const values = (folder: string, op: string) =>
  asArray(asRecord(JSON.parse(readFileSync(path.join(contracts, folder, `${op}.response.json`), 'utf8')))?.['value']);

describe('contract: the admin service parses Microsoft example responses', () => {
  it('alerts.list.expand → AlertSummary (severity, incidents, thresholds)', () => {
    const [a, ...rest] = values('alerts', 'alerts.list.expand').map(toAlertSummary);
    assert.equal(rest.length, 0);
    assert.equal(a!.displayName, 'There are too many global administrators');
    assert.equal(a!.severity, 'low');
    assert.equal(a!.incidentCount, 2);
    assert.equal(a!.isActive, true);
    assert.equal(a!.lastScanned?.toISOString(), '2023-06-11T23:01:35.210Z');
    assert.deepEqual(a!.settings, ['globalAdminCountThreshold: 2', 'percentageOfGlobalAdminsOutOfRolesThreshold: 4']);
    assert.match(a!.mitigation, /Review the users in the list/);
  });

  it('alertIncidents.list.top5 → AlertIncident', () => {
    const items = values('alerts', 'alertIncidents.list.top5').map(toAlertIncident);
    assert.deepEqual(
      items.map((i) => i!.subject),
      ['testUser1', 'testUser2', 'testUser3', 'testUser4', 'testUser5'],
    );
    assert.match(items[0]!.detail, /testuser1@contoso\.onmicrosoft\.com/);
  });

  for (const op of ['directoryAudits.list', 'directoryAudits.list.filter-initiatedBy']) {
    it(`${op} → ActivityEntry`, () => {
      const items = values('audit', op).map(auditToActivity);
      assert.ok(items.length > 0);
      for (const e of items) {
        assert.ok(e && e.at instanceof Date && !Number.isNaN(e.at.getTime()));
        assert.equal(e.source, 'audit');
        assert.equal(e.result, 'success');
        assert.ok(e.actor);
      }
    });
  }

  it('roleAssignmentScheduleInstances.list → Holder (outside-PIM assignments have no start)', () => {
    const items = values('entra-roles', 'roleAssignmentScheduleInstances.list').map((v) => toHolder(v));
    assert.ok(items.length > 0 && items.every((h) => h !== undefined));
    assert.ok(items.some((h) => h!.outsidePim && h!.since === null));
  });

  it('roleEligibilityScheduleInstances.list → EligibleHolder', () => {
    const items = values('entra-roles', 'roleEligibilityScheduleInstances.list').map((v) => toEligibleHolder(v));
    assert.ok(items.length > 0 && items.every((h) => h && h.until instanceof Date));
  });

  it('roleAssignmentScheduleRequests.list → ActivityEntry and PendingRequest', () => {
    const raw = values('entra-roles', 'roleAssignmentScheduleRequests.list');
    const activity = raw.map((v) => requestToActivity(v, (id) => id));
    assert.ok(activity.length > 0 && activity.every((e) => e && e.kind === 'assignment' && e.source === 'requests'));
    const pending = raw.map((v) => toPendingRequest(v, 'entraRole', { role: (id) => id, scope: 'Directory' }));
    assert.ok(pending.every((p) => p && p.createdDateTime instanceof Date));
  });

  it('roleManagementPolicyAssignments.list.directoryRole.expand-policy-rules → RoleSettings', () => {
    const [assignment] = values('policies', 'roleManagementPolicyAssignments.list.directoryRole.expand-policy-rules');
    const rules = asArray(readRecord(asRecord(assignment), 'policy')?.['rules']);
    const s = roleSettingsFromRules(rules, (id) => `name-of-${id}`);
    assert.equal(s.maxActivationMinutes, 480);
    assert.equal(s.requiresJustification, true);
    assert.equal(s.requiresMfa, true);
    assert.equal(s.notifications.length, 9);
    assert.ok(s.notifications.some((n) => n.event === 'activation' && n.recipient === 'approver'));
  });
});
