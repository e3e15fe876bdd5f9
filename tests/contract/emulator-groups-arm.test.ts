// For every PIM-for-Groups and ARM example in ../shared/contracts: send Microsoft's example request to
// the emulator (ids mapped onto the demo tenant, the subject of the request created first) and check
// that the answer has the fields and JSON types of Microsoft's example response.
import assert from 'node:assert/strict';
import type { TenantEmulator } from '../../emulator/tenant';
import { policyName } from '../../emulator/tenant/arm/policies';
import { DEMO_AZURE, DEMO_GROUPS, DEMO_USERS } from '../../emulator/tenant/demoTenant';
import type { ShapeOptions } from '../support/shape';
import { call, type Reply } from '../integration/emulator/http';
import { describeExampleContract, sendExample as send, type ExampleCase } from './exampleContract';

const SUB = `/subscriptions/${DEMO_AZURE.subscription.id}`;
const RG = `${SUB}/resourceGroups/${DEMO_AZURE.resourceGroup.name}`;
const CONTRIBUTOR = `${SUB}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`;
const READER_GUID = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

type Case = ExampleCase;

const user = (t: TenantEmulator, id: string, audience: 'graph' | 'arm' = 'graph') => t.tokens.user({ userId: id, audience });

const GROUP_IDS = (t: TenantEmulator) => ({
  '2b5ed229-4072-478d-9504-a047ebd4b07d': DEMO_GROUPS.sreOnCall.id,
  '68e55cce-cf7e-4a2d-9046-3e4e75c4bfa7': DEMO_GROUPS.sreOnCall.id,
  'd5f0ad2e-6b34-401b-b6da-0c8fc2c5a3fc': DEMO_GROUPS.sreOnCall.id,
  '3cce9d87-3986-4f19-8335-7ed075408ca2': DEMO_USERS.alice.id,
  // Start two hours from the PIM clock, so a request is still cancellable.
  '2023-02-08T07:43:00.000Z': new Date(t.clock.now().getTime() + 2 * 3600_000).toISOString(),
});

async function aliceActivatesMember(t: TenantEmulator, extra: Record<string, unknown> = {}): Promise<Reply> {
  const r = await call(t, 'POST', '/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleRequests', {
    token: user(t, DEMO_USERS.alice.id),
    body: {
      action: 'selfActivate',
      principalId: DEMO_USERS.alice.id,
      groupId: DEMO_GROUPS.sreOnCall.id,
      accessId: 'member',
      justification: 'on call',
      scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT2H' } },
      ...extra,
    },
  });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r;
}

const renameKey =
  (from: string, to: string) =>
  (v: unknown): unknown =>
    JSON.parse(JSON.stringify(v).split(`"${from}"`).join(`"${to}"`));

const GROUP_CASES: Record<string, Case> = {
  'assignmentScheduleInstances.list.byGroup': {
    how: 'as Carol (PIM admin), after Alice activated her membership; permanent ends may be null',
    shape: { nullableFields: ['endDateTime', 'startDateTime'] },
    async run(t, ex) {
      await aliceActivatesMember(t);
      return send(t, ex, user(t, DEMO_USERS.carol.id), GROUP_IDS(t));
    },
  },
  'assignmentScheduleRequests.cancel': {
    how: 'Alice cancels her own future-start activation',
    async run(t, ex) {
      const r = await aliceActivatesMember(t, {
        scheduleInfo: {
          startDateTime: new Date(t.clock.now().getTime() + 3600_000).toISOString(),
          expiration: { type: 'afterDuration', duration: 'PT1H' },
        },
      });
      assert.equal(r.json.status, 'Granted');
      return send(t, ex, user(t, DEMO_USERS.alice.id), { 'f4b57a8c-da56-4ae0-8aef-65c3a043dab4': r.json.id });
    },
  },
  'assignmentScheduleRequests.create.adminAssign': {
    how: "as Carol, making Alice an active member; the doc writes the context URL under '@odata.type'",
    fixExample: renameKey('@odata.type', '@odata.context'),
    run: (t, ex) => send(t, ex, user(t, DEMO_USERS.carol.id), GROUP_IDS(t)),
  },
  'assignmentScheduleRequests.create.selfActivate': {
    how: "Alice activates her SRE On-Call membership (future start); the doc writes the context URL under '@odata.type'",
    fixExample: renameKey('@odata.type', '@odata.context'),
    run: (t, ex) => send(t, ex, user(t, DEMO_USERS.alice.id), GROUP_IDS(t)),
  },
  'assignmentScheduleRequests.filterByCurrentUser.principal.pendingApproval': {
    how: "Alice's request awaiting approval (member policy set to need approval); the hand-written sample's 'createdDateTIme' typos fixed, full ticketInfo and createdBy/approvalId allowed",
    fixExample: (v) => renameKey('completedDateTIme', 'completedDateTime')(renameKey('createdDateTIme', 'createdDateTime')(v)),
    shape: { allowExtraFields: true },
    async run(t, ex) {
      await t.state.update((d) => {
        const assignment = d.policyAssignments.find((a) => a.scopeId === DEMO_GROUPS.sreOnCall.id && a.roleDefinitionId === 'member')!;
        const approval = d.policies.find((p) => p.id === assignment.policyId)!.rules.find((r) => r.id === 'Approval_EndUser_Assignment')!;
        (approval.setting as { isApprovalRequired: boolean; approvalStages: Array<{ primaryApprovers: unknown[] }> }).isApprovalRequired =
          true;
        (approval.setting as { approvalStages: Array<{ primaryApprovers: unknown[] }> }).approvalStages[0]!.primaryApprovers = [
          { '@odata.type': '#microsoft.graph.groupMembers', groupId: DEMO_GROUPS.pimApprovers.id },
        ];
      });
      const r = await aliceActivatesMember(t, { ticketInfo: { ticketNumber: '09876' } });
      assert.equal(r.json.status, 'PendingApproval');
      return send(t, ex, user(t, DEMO_USERS.alice.id), GROUP_IDS(t));
    },
  },
  'eligibilityScheduleInstances.filterByCurrentUser': {
    how: 'as Alice (member and owner eligibility); her eligibilities are permanent (null end); the sample omits the @odata.context Graph always writes',
    fixExample: (v) => ({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(privilegedAccessGroupEligibilityScheduleInstance)',
      ...(v as object),
    }),
    shape: { nullableFields: ['endDateTime'] },
    run: (t, ex) => send(t, ex, user(t, DEMO_USERS.alice.id)),
  },
  'eligibilityScheduleInstances.list.byGroup': {
    how: 'as Carol (PIM admin); the example omits eligibilityScheduleId, which v1.0 has',
    shape: { allowExtraFields: true },
    run: (t, ex) => send(t, ex, user(t, DEMO_USERS.carol.id), GROUP_IDS(t)),
  },
};

const ARM_IDS = {
  'dfa2a084-766f-4003-8ae1-c4aeb893a99f': DEMO_AZURE.subscription.id,
  '129ff972-28f8-46b8-a726-e497be039368': DEMO_AZURE.subscription.id,
  'a3bb8764-cb92-4276-9d2a-ca1e895e55ea': DEMO_USERS.alice.id,
  // The example's role (c8d4ff99) → Contributor, which Alice is eligible for on the subscription.
  'c8d4ff99-41c3-41a8-9f60-21dfdad59608': 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  '570c3619-7688-4b34-b290-2b8bb3ccab2a': policyName(SUB, CONTRIBUTOR),
};

/** Conditions (ABAC) are not modelled: the emulator answers null where the example has one. */
const ARM_SHAPE: ShapeOptions = {
  nullableFields: ['condition', 'conditionVersion', 'endDateTime', 'email', 'targetRoleAssignmentScheduleInstanceId'],
};

/** Contributor on Contoso Prod without approval or justification, so the example's bare request is granted at once. */
async function openContributorPolicy(t: TenantEmulator): Promise<void> {
  await t.state.update((d) => {
    const p = d.azure.policies.find((x) => x.scope === SUB)!;
    Object.assign(p, { approvalRequired: false, enabledRules: [] });
  });
}

const ARM_CASES: Record<string, Case> = {
  'roleAssignmentScheduleInstances.listForScope.assignedTo': {
    how: 'Alice, after activating Reader on rg-web (listed at the subscription: below it)',
    shape: ARM_SHAPE,
    async run(t, ex) {
      const put = await call(
        t,
        'PUT',
        `${RG}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/0b8b2d9e-47a4-4e43-9d8f-0ff3ec0d6a01?api-version=2020-10-01`,
        {
          token: user(t, DEMO_USERS.alice.id, 'arm'),
          body: {
            properties: {
              principalId: DEMO_USERS.alice.id,
              roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${READER_GUID}`,
              requestType: 'SelfActivate',
              justification: 'x',
              scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'PT1H' } },
            },
          },
        },
      );
      assert.equal(put.status, 201, JSON.stringify(put.json));
      return send(t, ex, user(t, DEMO_USERS.alice.id, 'arm'), ARM_IDS);
    },
  },
  'roleAssignmentScheduleRequests.cancel': {
    how: 'Alice cancels her own request awaiting approval (Contributor)',
    async run(t, ex) {
      const name = 'fea7a502-9a96-4806-a26f-eee560e52045';
      const put = await call(
        t,
        'PUT',
        `${SUB}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/${name}?api-version=2020-10-01`,
        {
          token: user(t, DEMO_USERS.alice.id, 'arm'),
          body: {
            properties: {
              principalId: DEMO_USERS.alice.id,
              roleDefinitionId: CONTRIBUTOR,
              requestType: 'SelfActivate',
              justification: 'deploy',
              scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'PT1H' } },
            },
          },
        },
      );
      assert.equal(put.json.properties.status, 'PendingApproval');
      return send(t, ex, user(t, DEMO_USERS.alice.id, 'arm'), ARM_IDS);
    },
  },
  'roleAssignmentScheduleRequests.create.SelfActivate': {
    how: 'Alice activates Contributor on Contoso Prod (policy opened so the bare example is granted)',
    shape: ARM_SHAPE,
    async run(t, ex) {
      await openContributorPolicy(t);
      return send(t, ex, user(t, DEMO_USERS.alice.id, 'arm'), ARM_IDS);
    },
  },
  'roleAssignmentScheduleRequests.validate': {
    how: 'the same request, validated only',
    shape: ARM_SHAPE,
    async run(t, ex) {
      await openContributorPolicy(t);
      const r = await send(t, ex, user(t, DEMO_USERS.alice.id, 'arm'), ARM_IDS);
      const active = await call(
        t,
        'GET',
        `${SUB}/providers/Microsoft.Authorization/roleAssignmentScheduleInstances?api-version=2020-10-01&$filter=asTarget()`,
        { token: user(t, DEMO_USERS.alice.id, 'arm') },
      );
      assert.deepEqual(active.json.value, [], 'validate creates nothing');
      return r;
    },
  },
  'roleEligibilityScheduleInstances.listForScope.assignedTo': {
    how: "Alice's eligibilities at, above and below Contoso Prod",
    shape: ARM_SHAPE,
    run: (t, ex) => send(t, ex, user(t, DEMO_USERS.alice.id, 'arm'), ARM_IDS),
  },
  'roleManagementPolicies.get': {
    how: 'the Contributor policy on Contoso Prod, as Alice',
    shape: ARM_SHAPE,
    run: (t, ex) => send(t, ex, user(t, DEMO_USERS.alice.id, 'arm'), ARM_IDS),
  },
  'roleManagementPolicies.update.patchPartial': {
    how: "as Carol (PIM admin): only the changed rules sent, the whole policy answered; this example alone shows expiration rules' exceptionMembers (absent from the GET and list examples), which the emulator does not write",
    fixExample: (v) => JSON.parse(JSON.stringify(v), (k, x: unknown) => (k === 'exceptionMembers' ? undefined : x)),
    shape: ARM_SHAPE,
    run: (t, ex) => send(t, ex, user(t, DEMO_USERS.carol.id, 'arm'), ARM_IDS),
  },
  'roleManagementPolicyAssignments.listForScope': {
    how: 'the policy assignments at Contoso Prod, as Alice',
    shape: ARM_SHAPE,
    run: (t, ex) => send(t, ex, user(t, DEMO_USERS.alice.id, 'arm'), ARM_IDS),
  },
};

for (const [folder, cases] of [
  ['groups', GROUP_CASES],
  ['arm', ARM_CASES],
] as const) {
  describeExampleContract(`contract: emulator answers Microsoft's ${folder} examples with the same shape`, folder, cases, {
    minExamples: 7,
  });
}
