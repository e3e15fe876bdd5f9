// The services parse every Microsoft example response they consume, through the very mapping
// functions the providers use. Every example file is either consumed here or listed as not
// consumed with the reason, so a new example in ../shared/contracts cannot slip by unnoticed.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GraphErrorHandler } from '@microsoft/microsoft-graph-client/lib/src/GraphErrorHandler';
import {
  constraintsFromPolicyAssignments,
  toActivationRequest,
  toActiveAssignment,
  toEligibility,
  toRequestSchedule,
  toRequestStatus,
} from '../../services/pim/entra/entraMapping';
import { PimError } from '../../services/pim/errors';
import { mapGraphError } from '../../services/pim/graph/graphErrors';
import { asArray, asRecord, readRecord, readString } from '../../services/pim/json';

const repoRoot = path.resolve(__dirname, '..', '..');
const contracts = path.resolve(repoRoot, '..', 'shared', 'contracts');

function response(folder: string, op: string): unknown {
  return JSON.parse(readFileSync(path.join(contracts, folder, `${op}.response.json`), 'utf8'));
}
function values(folder: string, op: string): readonly unknown[] {
  return asArray(asRecord(response(folder, op))?.['value']);
}
function ops(folder: string): string[] {
  return readdirSync(path.join(contracts, folder))
    .filter((f) => f.endsWith('.response.json'))
    .map((f) => f.replace(/\.response\.json$/, ''))
    .sort();
}

const GUID = /^[0-9a-f-]{36}$/i;

describe('contract: services parse Microsoft example responses', () => {
  describe('entra-roles', () => {
    const consumed = {
      eligibilityInstances: ['roleEligibilityScheduleInstances.filterByCurrentUser', 'roleEligibilityScheduleInstances.list'],
      assignmentInstances: ['roleAssignmentScheduleInstances.filterByCurrentUser', 'roleAssignmentScheduleInstances.list'],
      activationRequests: [
        'roleAssignmentScheduleRequests.create.selfActivate',
        'roleAssignmentScheduleRequests.create.SelfActivate.tutorial',
      ],
      // Admin assignments without an end: parsed, and recognised as not being activations.
      permanentRequests: [
        'roleAssignmentScheduleRequests.create.adminAssign',
        'roleAssignmentScheduleRequests.get',
        'roleAssignmentScheduleRequests.list',
        'roleAssignmentScheduleRequests.filterByCurrentUser',
      ],
    };
    const notConsumed: Record<string, string> = {
      'roleAssignmentScheduleRequests.cancel': 'no body (204)',
      'roleAssignmentScheduleRequests.list.select-expand': 'we never $select away the request id',
      'roleAssignmentSchedules.list': 'schedules are not read; instances are',
      'roleEligibilitySchedules.list': 'schedules are not read; instances are',
      'roleDefinitions.list': 'role names come from $expand=roleDefinition',
      'roleEligibilityScheduleRequests.create.AdminAssign.tutorial': 'admin operation, not used by the bot',
      'roleEligibilityScheduleRequests.create.AdminRemove.tutorial': 'admin operation, not used by the bot',
    };

    it('every example is accounted for', () => {
      const known = new Set([...Object.values(consumed).flat(), ...Object.keys(notConsumed)]);
      assert.deepEqual(
        ops('entra-roles').filter((op) => !known.has(op)),
        [],
      );
    });

    for (const op of consumed.eligibilityInstances) {
      it(`${op} → Eligibility`, () => {
        const items = values('entra-roles', op);
        assert.ok(items.length > 0);
        for (const raw of items) {
          const e = toEligibility(raw);
          assert.ok(e, 'parsed');
          assert.equal(e.surface, 'entraRole');
          assert.match(e.roleId, GUID);
          assert.equal(e.key, `entraRole|/|${e.roleId}`);
          assert.deepEqual(e.scope, { id: '/', displayName: 'Directory', kind: 'directory' });
          assert.ok(e.endDateTime instanceof Date && !Number.isNaN(e.endDateTime.getTime()));
          assert.equal(e.roleName, e.roleId, 'no $expand in the example, so the id stands in for the name');
        }
      });
    }

    for (const op of consumed.assignmentInstances) {
      it(`${op} → ActiveAssignment`, () => {
        const items = values('entra-roles', op);
        assert.ok(items.length > 0);
        for (const raw of items) {
          const a = toActiveAssignment(raw);
          assert.ok(a, 'parsed');
          assert.equal(a.assignmentType, 'assigned', "'Assigned' (standing) in the example");
          assert.equal(a.startDateTime, null);
          assert.equal(a.endDateTime, null);
          assert.match(a.principalId, GUID);
        }
      });
    }

    it('assignment type and expanded role name are read when present', () => {
      const a = toActiveAssignment({
        principalId: 'p',
        roleDefinitionId: 'r',
        assignmentType: 'activated',
        roleDefinition: { displayName: 'Global Reader' },
      });
      assert.equal(a?.assignmentType, 'activated');
      assert.equal(a?.roleName, 'Global Reader');
    });

    for (const op of consumed.activationRequests) {
      it(`${op} → ActivationRequest`, () => {
        const raw = response('entra-roles', op);
        const r = toActivationRequest(raw, 'Known Role');
        const rec = asRecord(raw);
        assert.equal(r.id, readString(rec, 'id'));
        assert.equal(r.status, 'granted', "'Granted' for a future start");
        assert.equal(r.roleName, 'Known Role');
        assert.equal(r.endDateTime.getTime() - r.startDateTime.getTime(), 5 * 3_600_000, 'afterDuration PT5H');
        assert.equal(r.justification, readString(rec, 'justification'));
        assert.deepEqual(r.ticket, {
          number: readString(readRecord(rec, 'ticketInfo'), 'ticketNumber'),
          system: readString(readRecord(rec, 'ticketInfo'), 'ticketSystem'),
        });
        assert.ok(!Number.isNaN(r.createdDateTime.getTime()));
      });
    }

    for (const op of consumed.permanentRequests) {
      it(`${op} → parsed, not an activation`, () => {
        const body = response('entra-roles', op);
        const items = asRecord(body)?.['value'] !== undefined ? asArray(asRecord(body)?.['value']) : [body];
        for (const raw of items) {
          const rec = asRecord(raw);
          assert.equal(toRequestStatus(readString(rec, 'status')), 'provisioned');
          const schedule = toRequestSchedule(readRecord(rec, 'scheduleInfo'));
          assert.ok(schedule.startDateTime instanceof Date);
          assert.equal(schedule.endDateTime, null, 'noExpiration');
          assert.throws(
            () => toActivationRequest(raw),
            (e: unknown) => e instanceof PimError && e.details.upstreamCode === 'NotAnActivation',
          );
        }
      });
    }

    it('maps every documented request status case-insensitively', () => {
      const expected: Record<string, string> = {
        Provisioned: 'provisioned',
        granted: 'granted',
        PendingApproval: 'pendingApproval',
        pendingProvisioning: 'pendingProvisioning',
        Denied: 'denied',
        Canceled: 'canceled',
        FAILED: 'failed',
        Revoked: 'revoked',
        ScheduleCreated: 'granted',
        somethingNew: 'other',
      };
      for (const [wire, neutral] of Object.entries(expected)) assert.equal(toRequestStatus(wire), neutral, wire);
    });
  });

  describe('policies', () => {
    it('roleManagementPolicyAssignments.list.directoryRole.expand-policy-rules → Constraints', () => {
      const c = constraintsFromPolicyAssignments(
        values('policies', 'roleManagementPolicyAssignments.list.directoryRole.expand-policy-rules'),
      );
      assert.equal(c.maxDurationMinutes, 480);
      assert.equal(c.requiresJustification, true);
      assert.equal(c.requiresMfa, true);
      assert.equal(c.requiresApproval, false);
    });

    it('roleManagementPolicyAssignments.list.group-owner.expand-policy-rules → Constraints (PIM for Groups shape)', () => {
      const c = constraintsFromPolicyAssignments(
        values('policies', 'roleManagementPolicyAssignments.list.group-owner.expand-policy-rules'),
      );
      assert.ok(c.maxDurationMinutes > 0);
      assert.equal(typeof c.requiresJustification, 'boolean');
      assert.equal(c.minDurationMinutes, 5);
    });

    for (const op of ['roleManagementPolicyAssignments.list.directory', 'roleManagementPolicyAssignments.list.group']) {
      it(`${op} (no $expand) → notFound, since constraints need the rules`, () => {
        assert.ok(values('policies', op).length > 0);
        assert.throws(
          () => constraintsFromPolicyAssignments(values('policies', op)),
          (e: unknown) => e instanceof PimError && e.kind === 'notFound',
        );
      });
    }

    it('every example is accounted for', () => {
      const consumed = [
        'roleManagementPolicyAssignments.list.directoryRole.expand-policy-rules',
        'roleManagementPolicyAssignments.list.group-owner.expand-policy-rules',
        'roleManagementPolicyAssignments.list.directory',
        'roleManagementPolicyAssignments.list.group',
      ];
      const notConsumed = [
        'roleManagementPolicies.list.directoryRole', // policies are read through their assignments
        ...ops('policies').filter((op) => op.startsWith('roleManagementPolicyRule.update.')), // 204, no body; rule bodies are unit-tested
      ];
      assert.deepEqual(
        ops('policies').filter((op) => !consumed.includes(op) && !notConsumed.includes(op)),
        [],
      );
    });
  });

  describe('errors (observed bodies) through the Graph SDK error handler', () => {
    const expected: Record<string, { kind: string; rules?: string[] }> = {
      'arm.roleEligibilityScheduleRequests.put.ExpirationRule': { kind: 'policyViolation', rules: ['ExpirationRule'] },
      'entra.activation.ExpirationRule.az-pim-cli': { kind: 'policyViolation', rules: ['ExpirationRule'] },
      'graph.roleAssignmentScheduleRequests.post.MfaRule': { kind: 'policyViolation', rules: ['MfaRule'] },
      'arm.roleManagementPolicies.patch.InvalidPolicy': { kind: 'invalidInput' },
    };

    it('every example is accounted for', () => assert.deepEqual(ops('errors'), Object.keys(expected).sort()));

    for (const [op, want] of Object.entries(expected)) {
      it(`${op} → ${want.kind}`, async () => {
        const graphError = await GraphErrorHandler.getError(response('errors', op), 400);
        const mapped = mapGraphError(graphError);
        assert.equal(mapped.kind, want.kind);
        if (want.rules) assert.deepEqual(mapped.details.rules, want.rules);
      });
    }
  });
});
