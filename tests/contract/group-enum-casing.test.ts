// The PIM-for-Groups enums as Microsoft's published examples write them (../shared/contracts/groups and
// policies): memberType 'Direct', assignmentType 'Assigned' (and 'Activated'), a group policy's
// operations ['All'] (the directory-role example writes ['all']). The emulator answers with exactly
// those values; the services read any casing the same way (real Graph serialises enum members camelCase).
import assert from 'node:assert/strict';
import type { TenantEmulator } from '../../emulator/tenant';
import { DEMO_GROUPS, DEMO_ROLES, DEMO_USERS } from '../../emulator/tenant/demoTenant';
import { toEligibleHolder, toHolder } from '../../services/admin/mapping';
import { graphActiveWindow } from '../../services/pim/entra/entraMapping';
import { call } from '../integration/emulator/http';
import { loadExamplePairs } from '../support/shape';
import { startTestTenant } from '../../emulator/stack/tenant';

const G = '/v1.0/identityGovernance/privilegedAccess/group';

/** Every value of `key` anywhere in `v`. */
function valuesOf(v: unknown, key: string): unknown[] {
  const out: unknown[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      for (const [k, x] of Object.entries(n)) {
        if (k === key) out.push(x);
        walk(x);
      }
    }
  };
  walk(v);
  return out;
}

const exampleValues = (folder: string, op: string, key: string) =>
  new Set(valuesOf(loadExamplePairs(folder).find((e) => e.op === op)!.response, key).map((x) => JSON.stringify(x)));

describe("contract: group enums as Microsoft's examples write them", function () {
  this.timeout(20_000);
  let t: TenantEmulator;
  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());

  it("memberType and assignmentType of group instances: the examples' values, exactly", async () => {
    await t.reset();
    const carol = t.tokens.user({ userId: DEMO_USERS.carol.id });
    // A standing membership (adminAssign), as in the example.
    const made = await call(t, 'POST', `${G}/assignmentScheduleRequests`, {
      token: carol,
      body: {
        action: 'adminAssign',
        principalId: DEMO_USERS.erin.id,
        groupId: DEMO_GROUPS.sreOnCall.id,
        accessId: 'member',
        justification: 'standing',
        scheduleInfo: { startDateTime: new Date().toISOString(), expiration: { type: 'afterDuration', duration: 'PT4H' } },
      },
    });
    assert.equal(made.status, 201, JSON.stringify(made.json));
    const filter = `$filter=groupId eq '${DEMO_GROUPS.sreOnCall.id}'`;
    const assigned = await call(t, 'GET', `${G}/assignmentScheduleInstances?${filter}`, { token: carol });
    const eligible = await call(t, 'GET', `${G}/eligibilityScheduleInstances?${filter}`, { token: carol });
    const example = {
      assignmentType: exampleValues('groups', 'assignmentScheduleInstances.list.byGroup', 'assignmentType'),
      memberType: new Set([
        ...exampleValues('groups', 'assignmentScheduleInstances.list.byGroup', 'memberType'),
        ...exampleValues('groups', 'eligibilityScheduleInstances.list.byGroup', 'memberType'),
      ]),
    };
    assert.deepEqual([...example.assignmentType], ['"Assigned"']);
    assert.deepEqual([...example.memberType], ['"Direct"']);
    assert.deepEqual(new Set(valuesOf(assigned.json, 'assignmentType').map((x) => JSON.stringify(x))), example.assignmentType);
    assert.deepEqual(new Set(valuesOf([assigned.json, eligible.json], 'memberType').map((x) => JSON.stringify(x))), example.memberType);
  });

  it("policy rule targets' operations: ['All'] for a group, ['all'] for a directory role, as the two examples", async () => {
    await t.reset();
    const alice = t.tokens.user({ userId: DEMO_USERS.alice.id });
    const read = async (filter: string) =>
      new Set(
        valuesOf(
          (
            await call(t, 'GET', `/v1.0/policies/roleManagementPolicyAssignments?$filter=${filter}&$expand=policy($expand=rules)`, {
              token: alice,
            })
          ).json,
          'operations',
        ).map((x) => JSON.stringify(x)),
      );
    assert.deepEqual(
      await read(`scopeId eq '${DEMO_GROUPS.sreOnCall.id}' and scopeType eq 'Group' and roleDefinitionId eq 'owner'`),
      exampleValues('policies', 'roleManagementPolicyAssignments.list.group-owner.expand-policy-rules', 'operations'),
    );
    assert.deepEqual(
      await read(`scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${DEMO_ROLES.userAdministrator.id}'`),
      exampleValues('policies', 'roleManagementPolicyAssignments.list.directoryRole.expand-policy-rules', 'operations'),
    );
  });

  it('the services read the enums in any casing alike', () => {
    for (const [assignmentType, memberType] of [
      ['Activated', 'Group'],
      ['activated', 'group'],
      ['ACTIVATED', 'GROUP'],
    ]) {
      const raw = {
        principalId: DEMO_USERS.alice.id,
        assignmentType,
        memberType,
        startDateTime: '2026-01-01T00:00:00Z',
        endDateTime: '2026-01-01T01:00:00Z',
      };
      assert.equal(graphActiveWindow(raw).assignmentType, 'activated', assignmentType);
      assert.deepEqual(
        [toHolder(raw)?.assignmentType, toHolder(raw)?.viaGroup, toEligibleHolder(raw)?.viaGroup],
        ['activated', true, true],
        memberType,
      );
    }
    for (const [assignmentType, memberType] of [
      ['Assigned', 'Direct'],
      ['assigned', 'direct'],
    ]) {
      const raw = {
        principalId: DEMO_USERS.alice.id,
        assignmentType,
        memberType,
        startDateTime: '2026-01-01T00:00:00Z',
        endDateTime: null,
      };
      assert.deepEqual([graphActiveWindow(raw).assignmentType, toHolder(raw)?.viaGroup], ['assigned', false]);
    }
  });
});
