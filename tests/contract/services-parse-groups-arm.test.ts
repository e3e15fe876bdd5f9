// The services' mapping of PIM-for-Groups and ARM answers, fed Microsoft's own example responses.
import assert from 'node:assert/strict';
import { constraintsFromRules } from '../../services/policy/constraints';
import { flattenArm, toAzureActive, toAzureEligibility, toAzureRequest } from '../../services/pim/azure/azureMapping';
import { toGroupActive, toGroupEligibility, toGroupRequest } from '../../services/pim/groups/groupsMapping';
import { loadExamplePairs } from '../support/shape';

const response = (folder: string, op: string): unknown => {
  const pair = loadExamplePairs(folder).find((p) => p.op === op);
  assert.ok(pair, `${folder}/${op} exists`);
  return pair.response;
};
const values = (v: unknown): unknown[] => (v as { value: unknown[] }).value;

describe('contract: services parse the groups and ARM examples', () => {
  it('group eligibility instances → Eligibility (member and owner, ends kept)', () => {
    const list = values(response('groups', 'eligibilityScheduleInstances.list.byGroup')).map(toGroupEligibility);
    assert.deepEqual(
      list.map((e) => [e?.roleId, e?.roleName, e?.scope.kind, e?.endDateTime]),
      [
        ['member', 'Member', 'group', null],
        ['owner', 'Owner', 'group', null],
      ],
    );
    const mine = toGroupEligibility(values(response('groups', 'eligibilityScheduleInstances.filterByCurrentUser'))[0]);
    assert.equal(mine?.key, 'group|2b5ed229-4072-478d-9504-a047ebd4b07d|member');
    assert.equal(mine?.endDateTime?.toISOString(), '2024-04-10T00:00:00.000Z');
  });

  it('group assignment instances → ActiveAssignment', () => {
    const list = values(response('groups', 'assignmentScheduleInstances.list.byGroup')).map(toGroupActive);
    assert.deepEqual(
      list.map((a) => [a?.assignmentType, a?.endDateTime?.toISOString() ?? null]),
      [
        ['assigned', '2024-03-27T15:47:19.653Z'],
        ['assigned', null],
      ],
    );
  });

  it('group requests → ActivationRequest (PascalCase enums and the sample typos included)', () => {
    const created = toGroupRequest(response('groups', 'assignmentScheduleRequests.create.selfActivate'));
    assert.equal(created.status, 'provisioned');
    assert.equal(created.action, 'activate');
    assert.equal(created.endDateTime.getTime() - created.startDateTime.getTime(), 2 * 3600_000);
    const pending = toGroupRequest(
      values(response('groups', 'assignmentScheduleRequests.filterByCurrentUser.principal.pendingApproval'))[0],
    );
    assert.equal(pending.status, 'pendingApproval');
    assert.deepEqual(pending.ticket, { number: '09876' });
    assert.equal(pending.createdDateTime.toISOString(), '2022-02-26T08:00:00.000Z');
  });

  it('ARM eligibility and assignment instances → Eligibility / ActiveAssignment with readable scopes', () => {
    const e = toAzureEligibility(flattenArm(values(response('arm', 'roleEligibilityScheduleInstances.listForScope.assignedTo'))[0]));
    assert.deepEqual(e?.scope, {
      id: '/subscriptions/dfa2a084-766f-4003-8ae1-c4aeb893a99f',
      displayName: 'Pay-As-You-Go',
      kind: 'subscription',
    });
    assert.equal(e?.roleName, 'Contributor');
    const a = toAzureActive(flattenArm(values(response('arm', 'roleAssignmentScheduleInstances.listForScope.assignedTo'))[0]));
    assert.equal(a?.assignmentType, 'assigned');
    assert.equal(a?.endDateTime?.toISOString(), '2020-09-10T05:35:17.910Z');
  });

  it('ARM request → ActivationRequest whose id finds it again', () => {
    for (const op of ['roleAssignmentScheduleRequests.create.SelfActivate', 'roleAssignmentScheduleRequests.validate']) {
      const r = toAzureRequest(flattenArm(response('arm', op)));
      assert.equal(r.status, 'provisioned');
      assert.equal(
        r.id,
        '/subscriptions/dfa2a084-766f-4003-8ae1-c4aeb893a99f/providers/Microsoft.Authorization/RoleAssignmentScheduleRequests/fea7a502-9a96-4806-a26f-eee560e52045',
      );
      assert.equal(r.endDateTime.getTime() - r.startDateTime.getTime(), 8 * 3600_000);
    }
  });

  it('ARM policy rules (ruleType dialect) → Constraints', () => {
    for (const [op, rules] of [
      ['roleManagementPolicies.get', (v: unknown) => (v as { properties: { rules: unknown[] } }).properties.rules],
      [
        'roleManagementPolicyAssignments.listForScope',
        (v: unknown) => (values(v)[0] as { properties: { effectiveRules: unknown[] } }).properties.effectiveRules,
      ],
    ] as const) {
      const c = constraintsFromRules(rules(response('arm', op)));
      // Both examples require approval by two groups (ARM approvers {id, userType: 'Group'}).
      assert.equal(c.requiresApproval, true, op);
      assert.deepEqual(
        c.approvers.map((x) => x.kind),
        ['group', 'group'],
        op,
      );
      assert.ok(c.maxDurationMinutes > 0);
    }
  });
});
