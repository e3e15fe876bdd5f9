// For every Entra-roles example in ../shared/contracts: send Microsoft's example request to the emulator
// (ids mapped onto the demo tenant, or the example's entities seeded first) and check that the answer has
// the fields and JSON types of Microsoft's example response.
import assert from 'node:assert/strict';
import type { TenantEmulator } from '../../emulator/tenant';
import { DEMO_GROUPS, DEMO_ROLES, DEMO_USERS } from '../../emulator/tenant/demoTenant';
import { loadExamplePairs, type ExamplePair } from '../support/shape';
import { call, type Reply } from '../integration/emulator/http';
import { describeExampleContract, sendExample as send, type ExampleCase } from './exampleContract';

const ATTRIBUTE_DEFINITION_ADMIN = '8424c6f0-a189-499e-bbd0-26c1753c96d4';
const GROUPS_ADMIN = 'fdd7a751-b60b-444a-984c-02652fe8fa1c';

interface Case {
  /** Why the example is sent the way it is (shown in the test name). */
  readonly how: string;
  /** Abbreviated examples (tutorials) show a subset of the fields. */
  readonly abbreviated?: boolean;
  /** The demo tenant's permanent eligibilities have a null end where the example's time-bound one has a date. */
  readonly permanentToo?: boolean;
  run(t: TenantEmulator, ex: ExamplePair): Promise<Reply>;
}

const user = (t: TenantEmulator, id: string) => t.tokens.user({ userId: id });

/** A Provisioned adminAssign request for Erin (Groups Administrator), made by Carol: the subject of the request examples. */
async function adminAssignRequest(t: TenantEmulator): Promise<string> {
  const r = await call(t, 'POST', '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests', {
    token: user(t, DEMO_USERS.carol.id),
    body: {
      action: 'adminAssign',
      justification: 'Assign Groups Admin',
      roleDefinitionId: GROUPS_ADMIN,
      directoryScopeId: '/',
      principalId: DEMO_USERS.erin.id,
      scheduleInfo: { expiration: { type: 'NoExpiration' } },
    },
  });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json.id as string;
}

/** The example's eligibility (Attribute Definition Administrator, 2022-04-12 → 2024-04-10); the PIM clock goes to 2023. */
async function seedExampleEligibility(t: TenantEmulator, principalId: string): Promise<void> {
  await t.state.update((d) => {
    d.roleEligibilitySchedules.push({
      id: '77f71919-62f3-4d0c-9f88-0a0391b665cd',
      principalId,
      roleDefinitionId: ATTRIBUTE_DEFINITION_ADMIN,
      directoryScopeId: '/',
      appScopeId: null,
      createdUsing: '77f71919-62f3-4d0c-9f88-0a0391b665cd',
      createdDateTime: '2022-04-12T14:44:50.287Z',
      modifiedDateTime: null,
      status: 'Provisioned',
      memberType: 'Direct',
      scheduleInfo: {
        startDateTime: '2022-04-12T14:44:50.287Z',
        recurrence: null,
        expiration: { type: 'afterDateTime', endDateTime: '2024-04-10T00:00:00Z', duration: null },
      },
      startDateTime: '2022-04-12T14:44:50.287Z',
      endDateTime: '2024-04-10T00:00:00Z',
    });
  });
  t.clock.set(new Date('2023-01-01T00:00:00Z'));
}

const CASES: Record<string, Case> = {
  'roleAssignmentScheduleInstances.filterByCurrentUser': {
    how: 'as Carol (standing Privileged Role Administrator)',
    run: (t, ex) => send(t, ex, user(t, DEMO_USERS.carol.id)),
  },
  'roleAssignmentScheduleInstances.list': { how: 'as Carol (PIM admin)', run: (t, ex) => send(t, ex, user(t, DEMO_USERS.carol.id)) },
  'roleAssignmentScheduleRequests.cancel': {
    how: 'Alice cancels her own Granted (future-start) activation',
    async run(t, ex) {
      const created = await call(t, 'POST', '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests', {
        token: user(t, DEMO_USERS.alice.id),
        body: {
          action: 'selfActivate',
          principalId: DEMO_USERS.alice.id,
          roleDefinitionId: DEMO_ROLES.globalReader.id,
          directoryScopeId: '/',
          justification: 'later',
          scheduleInfo: {
            startDateTime: new Date(t.clock.now().getTime() + 3600_000).toISOString(),
            expiration: { type: 'AfterDuration', duration: 'PT1H' },
          },
        },
      });
      assert.equal(created.json.status, 'Granted');
      return send(t, ex, user(t, DEMO_USERS.alice.id), { '95c690fb-3eb3-4942-a03f-4524aed6f31e': created.json.id });
    },
  },
  'roleAssignmentScheduleRequests.create.SelfActivate.tutorial': {
    how: 'principal → Alice, role → Global Reader (her eligibility; PT5H within its 8 h)',
    abbreviated: true,
    run: (t, ex) =>
      send(t, ex, user(t, DEMO_USERS.alice.id), {
        '7146daa8-1b4b-4a66-b2f7-cf593d03c8d2': DEMO_USERS.alice.id,
        [DEMO_ROLES.userAdministrator.id]: DEMO_ROLES.globalReader.id,
      }),
  },
  'roleAssignmentScheduleRequests.create.adminAssign': {
    how: 'as Carol; principal → Erin',
    run: (t, ex) => send(t, ex, user(t, DEMO_USERS.carol.id), { '071cc716-8147-4397-a5ba-b2105951cc0b': DEMO_USERS.erin.id }),
  },
  'roleAssignmentScheduleRequests.create.selfActivate': {
    how: "principal → Alice, given the example's Attribute Definition Administrator eligibility; PIM clock at the example's creation time (future start → Granted)",
    async run(t, ex) {
      await seedExampleEligibility(t, DEMO_USERS.alice.id);
      t.clock.set(new Date('2022-04-13T08:52:32.648Z'));
      const r = await send(t, ex, user(t, DEMO_USERS.alice.id), { '071cc716-8147-4397-a5ba-b2105951cc0b': DEMO_USERS.alice.id });
      assert.equal(r.json.status, 'Granted');
      return r;
    },
  },
  'roleAssignmentScheduleRequests.filterByCurrentUser': {
    how: 'Erin lists the adminAssign request Carol made for her',
    async run(t, ex) {
      await adminAssignRequest(t);
      return send(t, ex, user(t, DEMO_USERS.erin.id));
    },
  },
  'roleAssignmentScheduleRequests.get': {
    how: 'as Carol, the id of an adminAssign request she made',
    async run(t, ex) {
      const id = await adminAssignRequest(t);
      return send(t, ex, user(t, DEMO_USERS.carol.id), { '95c690fb-3eb3-4942-a03f-4524aed6f31e': id });
    },
  },
  'roleAssignmentScheduleRequests.list': {
    how: 'as Carol, after an adminAssign request',
    async run(t, ex) {
      await adminAssignRequest(t);
      return send(t, ex, user(t, DEMO_USERS.carol.id));
    },
  },
  'roleAssignmentScheduleRequests.list.select-expand': {
    how: 'as Carol, after an adminAssign request',
    async run(t, ex) {
      await adminAssignRequest(t);
      return send(t, ex, user(t, DEMO_USERS.carol.id));
    },
  },
  'roleAssignmentSchedules.list': {
    how: 'as Carol, after an adminAssign request (plus her own standing assignment)',
    async run(t, ex) {
      await adminAssignRequest(t);
      return send(t, ex, user(t, DEMO_USERS.carol.id));
    },
  },
  'roleDefinitions.list': { how: 'as Alice', run: (t, ex) => send(t, ex, user(t, DEMO_USERS.alice.id)) },
  'roleEligibilityScheduleInstances.filterByCurrentUser': {
    how: "as Erin, given the example's time-bound eligibility",
    async run(t, ex) {
      await seedExampleEligibility(t, DEMO_USERS.erin.id);
      return send(t, ex, user(t, DEMO_USERS.erin.id));
    },
  },
  'roleEligibilityScheduleInstances.list': {
    how: "as Carol, with the example's time-bound eligibility beside Alice's permanent ones",
    permanentToo: true,
    async run(t, ex) {
      await seedExampleEligibility(t, DEMO_USERS.erin.id);
      return send(t, ex, user(t, DEMO_USERS.carol.id));
    },
  },
  'roleEligibilityScheduleRequests.create.AdminAssign.tutorial': {
    how: "as Carol; principal → the role-assignable group SRE On-Call; PIM clock at the tutorial's date",
    abbreviated: true,
    run(t, ex) {
      t.clock.set(new Date('2021-09-03T20:45:28Z'));
      return send(t, ex, user(t, DEMO_USERS.carol.id), { 'e77cbb23-0ff2-4e18-819c-690f58269752': DEMO_GROUPS.sreOnCall.id });
    },
  },
  'roleEligibilityScheduleRequests.create.AdminRemove.tutorial': {
    how: 'as Carol, removing the eligibility the AdminAssign tutorial step granted to SRE On-Call',
    abbreviated: true,
    async run(t, ex) {
      const ids = { 'e77cbb23-0ff2-4e18-819c-690f58269752': DEMO_GROUPS.sreOnCall.id };
      const assign = loadExamplePairs('entra-roles').find((p) => p.op === 'roleEligibilityScheduleRequests.create.AdminAssign.tutorial')!;
      t.clock.set(new Date('2021-09-03T20:45:28Z'));
      assert.equal((await send(t, assign, user(t, DEMO_USERS.carol.id), ids)).status, 201);
      const r = await send(t, ex, user(t, DEMO_USERS.carol.id), ids);
      assert.equal(r.json.status, 'Revoked');
      return r;
    },
  },
  'roleEligibilitySchedules.list': {
    how: "as Carol, with the example's time-bound eligibility beside Alice's permanent ones",
    permanentToo: true,
    async run(t, ex) {
      await seedExampleEligibility(t, DEMO_USERS.erin.id);
      return send(t, ex, user(t, DEMO_USERS.carol.id));
    },
  },
};

/** The notes become the test name; the leniencies, shape options. */
const EXAMPLE_CASES: Record<string, ExampleCase> = Object.fromEntries(
  Object.entries(CASES).map(([op, c]) => [
    op,
    {
      how: [
        c.how,
        c.abbreviated ? 'abbreviated example, extra fields allowed' : '',
        c.permanentToo ? 'a permanent schedule may have a null end' : '',
      ]
        .filter(Boolean)
        .join('; '),
      shape: { allowExtraFields: c.abbreviated, nullableFields: c.permanentToo ? ['endDateTime'] : [] },
      run: (t: TenantEmulator, ex: ExamplePair) => c.run(t, ex),
    },
  ]),
);

describeExampleContract('contract: emulator answers Microsoft Entra-roles examples with the same shape', 'entra-roles', EXAMPLE_CASES, {
  minExamples: 17,
  emptyStatus: 204,
});
