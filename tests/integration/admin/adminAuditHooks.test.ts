// The emulator's audit hook on every surface: each processed request (Entra roles, PIM groups, ARM) and
// each approval decision writes exactly one directoryAudit entry, worded as PIM words it, readable
// through GET /auditLogs/directoryAudits.
import assert from 'node:assert/strict';
import type { TenantEmulator } from '../../../emulator/tenant';
import { DEMO_AZURE, DEMO_GROUPS, DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { activationBody, call, RM } from '../emulator/http';
import { startTestTenant } from '../../../emulator/stack/tenant';

const G = '/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleRequests';
const SUB = `/subscriptions/${DEMO_AZURE.subscription.id}`;
const RG = `${SUB}/resourceGroups/${DEMO_AZURE.resourceGroup.name}`;
const ARM_REQUESTS = (scope: string) => `${scope}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests`;
const READER = `${SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`;
const CONTRIBUTOR = `${SUB}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`;

describe('emulator: one PIM audit entry per processed request and decision, on every surface', function () {
  this.timeout(20_000);
  let t: TenantEmulator;
  const graph = (userId: string) => t.tokens.user({ userId, amr: ['pwd', 'mfa'] });
  const arm = (userId: string) => t.tokens.user({ userId, audience: 'arm', amr: ['pwd', 'mfa'] });
  /** The audit entries written since `before`, oldest first, as [activity, category, initiator, role]. */
  const written = (before: number) =>
    (t.state.data.directoryAudits ?? [])
      .slice(before)
      .map((e) => [
        e.activityDisplayName,
        e.category,
        e.initiatedBy.user?.displayName,
        e.targetResources.find((r) => r.type === 'Role')?.displayName,
      ]);

  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());

  it('Entra role: request, approval by Bob (Graph beta), denial by Dave', async () => {
    const before = t.state.data.directoryAudits?.length ?? 0;
    const request = async () => {
      const r = await call(t, 'POST', `${RM}/roleAssignmentScheduleRequests`, {
        token: graph(DEMO_USERS.alice.id),
        body: activationBody(DEMO_USERS.alice.id, DEMO_ROLES.userAdministrator.id, { ticketInfo: { ticketNumber: 'INC-1' } }),
      });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      const steps = await call(t, 'GET', `/beta/roleManagement/directory/roleAssignmentApprovals/${r.json.id}`, {
        token: graph(DEMO_USERS.bob.id),
      });
      return `/beta/roleManagement/directory/roleAssignmentApprovals/${r.json.id}/steps/${steps.json.steps[0].id}`;
    };
    const first = await request();
    assert.equal(
      (await call(t, 'PATCH', first, { token: graph(DEMO_USERS.dave.id), body: { reviewResult: 'Deny', justification: 'no ticket' } }))
        .status,
      204,
    );
    assert.equal(
      (await call(t, 'PATCH', first, { token: graph(DEMO_USERS.bob.id), body: { reviewResult: 'Approve', justification: 'late' } })).status,
      409,
      'a refused decision writes nothing',
    );
    const second = await request();
    assert.equal(
      (await call(t, 'PATCH', second, { token: graph(DEMO_USERS.bob.id), body: { reviewResult: 'Approve', justification: 'ok' } })).status,
      204,
    );
    assert.deepEqual(written(before), [
      ['Add member to role requested (PIM activation)', 'RoleManagement', 'Alice Adams', 'User Administrator'],
      ['Add member to role request denied (PIM activation)', 'RoleManagement', 'Dave Diaz', 'User Administrator'],
      ['Add member to role requested (PIM activation)', 'RoleManagement', 'Alice Adams', 'User Administrator'],
      ['Add member to role request approved (PIM activation)', 'RoleManagement', 'Bob Brown', 'User Administrator'],
    ]);
  });

  it('PIM for Groups: activation, request for approval and its cancellation', async () => {
    const before = t.state.data.directoryAudits?.length ?? 0;
    const body = (accessId: string) => ({
      action: 'selfActivate',
      principalId: DEMO_USERS.alice.id,
      groupId: DEMO_GROUPS.sreOnCall.id,
      accessId,
      justification: 'on call',
      scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
    });
    assert.equal((await call(t, 'POST', G, { token: graph(DEMO_USERS.alice.id), body: body('member') })).status, 201);
    const owner = await call(t, 'POST', G, { token: graph(DEMO_USERS.alice.id), body: body('owner') });
    assert.equal(owner.json.status, 'PendingApproval');
    assert.equal((await call(t, 'POST', `${G}/${owner.json.id}/cancel`, { token: graph(DEMO_USERS.alice.id) })).status, 204);
    assert.deepEqual(written(before), [
      ['Add member to group completed (PIM activation)', 'GroupManagement', 'Alice Adams', 'Member'],
      ['Add member to group requested (PIM activation)', 'GroupManagement', 'Alice Adams', 'Owner'],
      ['Add member to group request canceled (PIM activation)', 'GroupManagement', 'Alice Adams', 'Owner'],
    ]);
    assert.ok(
      t.state.data
        .directoryAudits!.slice(before)
        .every((e) => e.targetResources.some((r) => r.type === 'Group' && r.displayName === 'SRE On-Call')),
    );
  });

  it('Azure resources (ARM): activation and a request for approval, readable through the audit log with their scope', async () => {
    const before = t.state.data.directoryAudits?.length ?? 0;
    const put = (scope: string, roleDefinitionId: string, name: string) =>
      call(t, 'PUT', `${ARM_REQUESTS(scope)}/${name}?api-version=2020-10-01`, {
        token: arm(DEMO_USERS.alice.id),
        body: {
          properties: {
            principalId: DEMO_USERS.alice.id,
            roleDefinitionId,
            requestType: 'SelfActivate',
            justification: 'deploy',
            scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'PT1H' } },
          },
        },
      });
    assert.equal((await put(RG, READER, '5a1e0000-0000-4000-8000-000000000001')).status, 201);
    assert.equal((await put(SUB, CONTRIBUTOR, '5a1e0000-0000-4000-8000-000000000002')).json.properties.status, 'PendingApproval');
    assert.deepEqual(written(before), [
      ['Add member to role completed (PIM activation)', 'ResourceManagement', 'Alice Adams', 'Reader'],
      ['Add member to role requested (PIM activation)', 'ResourceManagement', 'Alice Adams', 'Contributor'],
    ]);
    // Read as an audit reader: Alice with Global Reader active.
    assert.equal(
      (
        await call(t, 'POST', `${RM}/roleAssignmentScheduleRequests`, {
          token: graph(DEMO_USERS.alice.id),
          body: activationBody(DEMO_USERS.alice.id, DEMO_ROLES.globalReader.id),
        })
      ).status,
      201,
    );
    const listed = await call(
      t,
      'GET',
      `/v1.0/auditLogs/directoryAudits?$filter=${encodeURIComponent("category eq 'ResourceManagement'")}`,
      { token: graph(DEMO_USERS.alice.id) },
    );
    assert.equal(listed.status, 200, JSON.stringify(listed.json));
    assert.deepEqual(
      listed.json.value
        .map(
          (e: { targetResources: { type: string; displayName: string }[] }) =>
            e.targetResources.find((r) => r.type === 'Resource')?.displayName,
        )
        .sort(),
      ['Contoso Prod', 'rg-web'],
    );
  });
});
