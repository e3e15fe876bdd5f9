// Approvals against Microsoft's examples (../shared/contracts/approvals): the emulator answers the
// Entra (beta) approval requests with the example's fields and types, and the services parse every
// example response (Graph beta steps, Graph v1.0 stages, ARM stages) into the neutral model.
import assert from 'node:assert/strict';
import type { TenantEmulator } from '../../emulator/tenant';
import { randomUUID } from 'node:crypto';
import { DEMO_AZURE, DEMO_GROUPS, DEMO_ROLES, DEMO_USERS } from '../../emulator/tenant/demoTenant';
import { toApprovalState, toStep } from '../../services/approvals/approvalMapping';
import { outcomeOfSteps } from '../../services/approvals/model';
import { asRecord } from '../../services/pim/json';
import { activationBody, call, RM } from '../integration/emulator/http';
import { assertSameShape, loadExamplePairs } from '../support/shape';
import { startTestTenant } from '../../emulator/stack/tenant';

const examples = loadExamplePairs('approvals');
const example = (op: string) => {
  const found = examples.find((e) => e.op === op);
  assert.ok(found, `example ${op}`);
  return found;
};

describe('contract: approvals', () => {
  describe('services parse every example response', () => {
    for (const ex of examples.filter((e) => e.response !== null)) {
      it(ex.op, () => {
        const surface = ex.op.startsWith('arm.') ? 'azureResource' : ex.op.includes('.v1') ? 'group' : 'entraRole';
        const body = asRecord(ex.response)!;
        if (Array.isArray(body['value'])) {
          for (const item of body['value']) assert.equal(toApprovalState(item, surface).steps.length, 1);
          return;
        }
        if (ex.op.includes('stage.patch')) {
          const step = toStep(body);
          assert.deepEqual(
            [step.id, step.status, step.reviewResult, step.reviewedBy?.displayName],
            ['4135f961-be78-4005-8101-c72a5af307a2', 'completed', 'approve', 'Shubham Gupta'],
          );
          return;
        }
        const state = toApprovalState(ex.response, surface);
        assert.equal(
          state.requestId,
          ex.op.startsWith('arm.') ? '488a6d0e-0a63-4946-86e3-1f5bbc934661' : 'abd306ef-f7b2-4a10-9fd1-493454322489',
        );
        assert.deepEqual(
          state.steps.map((s) => [s.status, s.reviewResult, s.assignedToMe]),
          [['inProgress', 'notReviewed', true]],
        );
        assert.equal(outcomeOfSteps(state), 'pending');
      });
    }
  });

  describe('the emulator answers like the examples (Entra roles, Graph beta paths)', function () {
    this.timeout(20_000);
    let t: TenantEmulator;
    before(async () => {
      t = await startTestTenant();
    });
    after(() => t.close());

    async function pendingRequest(): Promise<string> {
      await t.reset();
      const r = await call(t, 'POST', `${RM}/roleAssignmentScheduleRequests`, {
        token: t.tokens.user({ userId: DEMO_USERS.alice.id, amr: ['pwd', 'mfa'] }),
        body: activationBody(DEMO_USERS.alice.id, DEMO_ROLES.userAdministrator.id, { ticketInfo: { ticketNumber: 'INC-1' } }),
      });
      return r.json.id as string;
    }

    it('approval.get.beta (as Bob, an approver)', async () => {
      const id = await pendingRequest();
      const got = await call(t, 'GET', `/beta/roleManagement/directory/roleAssignmentApprovals/${id}`, {
        token: t.tokens.user({ userId: DEMO_USERS.bob.id }),
      });
      assert.equal(got.status, 200);
      assertSameShape(example('approval.get.beta').response, got.json);
    });

    it('approvalStep.update.beta (204, no body) with the documented body', async () => {
      const id = await pendingRequest();
      const bob = t.tokens.user({ userId: DEMO_USERS.bob.id });
      const step = (await call(t, 'GET', `/beta/roleManagement/directory/roleAssignmentApprovals/${id}`, { token: bob })).json.steps[0]
        .id as string;
      const got = await call(t, 'PATCH', `/beta/roleManagement/directory/roleAssignmentApprovals/${id}/steps/${step}`, {
        token: bob,
        body: example('approvalStage.update.v1').request.body,
      });
      assert.equal(got.status, 204);
      assert.equal(got.json, example('approvalStep.update.beta').response);
    });
  });

  describe('the emulator answers like the examples (PIM for Groups v1.0, ARM 2021-01-01-preview)', function () {
    this.timeout(20_000);
    let t: TenantEmulator;
    const SUB = `/subscriptions/${DEMO_AZURE.subscription.id}`;
    const ARM_APPROVALS = '/providers/Microsoft.Authorization/roleAssignmentApprovals';
    const V = 'api-version=2021-01-01-preview';
    before(async () => {
      t = await startTestTenant();
    });
    after(() => t.close());

    async function pendingGroupRequest(): Promise<string> {
      await t.reset();
      const r = await call(t, 'POST', '/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleRequests', {
        token: t.tokens.user({ userId: DEMO_USERS.alice.id }),
        body: {
          accessId: 'owner',
          principalId: DEMO_USERS.alice.id,
          groupId: DEMO_GROUPS.sreOnCall.id,
          action: 'selfActivate',
          justification: 'pager',
          scheduleInfo: { startDateTime: new Date().toISOString(), expiration: { type: 'afterDuration', duration: 'PT1H' } },
        },
      });
      assert.equal(r.json.status, 'PendingApproval', JSON.stringify(r.json));
      return r.json.id as string;
    }

    let lastRequestName = '';
    async function pendingArmRequest(): Promise<string> {
      await t.reset();
      const name = randomUUID();
      lastRequestName = name;
      const r = await call(
        t,
        'PUT',
        `${SUB}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/${name}?api-version=2020-10-01`,
        {
          token: t.tokens.user({ userId: DEMO_USERS.alice.id, audience: 'arm' }),
          body: {
            properties: {
              principalId: DEMO_USERS.alice.id,
              roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`,
              requestType: 'SelfActivate',
              justification: 'deploy',
              scheduleInfo: { startDateTime: new Date().toISOString(), expiration: { type: 'AfterDuration', duration: 'PT1H' } },
            },
          },
        },
      );
      assert.equal(r.json.properties.status, 'PendingApproval', JSON.stringify(r.json));
      // The approval is named by the request's properties.approvalId, never by the request's own name.
      const approvalId = String(r.json.properties.approvalId);
      assert.match(approvalId, /\/providers\/Microsoft\.Authorization\/roleAssignmentApprovals\/[0-9a-f-]{36}$/);
      const approval = approvalId.split('/').pop()!;
      assert.notEqual(approval.toLowerCase(), name.toLowerCase(), 'an approval id that differs from the request name');
      return approval;
    }

    it('approval.get.v1 at the groups path (as Bob)', async () => {
      const id = await pendingGroupRequest();
      const got = await call(t, 'GET', `/v1.0/identityGovernance/privilegedAccess/group/assignmentApprovals/${id}`, {
        token: t.tokens.user({ userId: DEMO_USERS.bob.id }),
      });
      assert.equal(got.status, 200);
      assertSameShape(example('approval.get.v1').response, got.json);
    });

    it('approvalStage.update.v1 at the groups path: 204, a second decision 409, the requester 403', async () => {
      const id = await pendingGroupRequest();
      const path = `/v1.0/identityGovernance/privilegedAccess/group/assignmentApprovals/${id}`;
      const bob = t.tokens.user({ userId: DEMO_USERS.bob.id });
      const stage = (await call(t, 'GET', path, { token: bob })).json.stages[0].id as string;
      const alice = await call(t, 'PATCH', `${path}/stages/${stage}`, {
        token: t.tokens.user({ userId: DEMO_USERS.alice.id }),
        body: example('approvalStage.update.v1').request.body,
      });
      assert.equal(alice.status, 403);
      const got = await call(t, 'PATCH', `${path}/stages/${stage}`, { token: bob, body: example('approvalStage.update.v1').request.body });
      assert.equal(got.status, 204);
      const again = await call(t, 'PATCH', `${path}/steps/${stage}`, {
        token: t.tokens.user({ userId: DEMO_USERS.dave.id }),
        body: { reviewResult: 'Deny', justification: 'no' },
      });
      assert.equal(again.status, 409);
    });

    it('arm.roleAssignmentApprovals.get (tenant path) and listForScope with asApprover()', async () => {
      const name = await pendingArmRequest();
      const bob = t.tokens.user({ userId: DEMO_USERS.bob.id, audience: 'arm' });
      const got = await call(t, 'GET', `${ARM_APPROVALS}/${name}?${V}`, { token: bob });
      assert.equal(got.status, 200);
      assertSameShape(example('arm.roleAssignmentApprovals.get').response, got.json);
      const listed = await call(t, 'GET', `${SUB}${ARM_APPROVALS}?${V}&$filter=asApprover()`, { token: bob });
      assert.equal(listed.status, 200);
      assertSameShape(example('arm.roleAssignmentApprovals.listForScope').response, listed.json);
      const erin = await call(t, 'GET', `${SUB}${ARM_APPROVALS}?${V}&$filter=asApprover()`, {
        token: t.tokens.user({ userId: DEMO_USERS.erin.id, audience: 'arm' }),
      });
      assert.deepEqual(erin.json.value, []);
    });

    it('arm.roleAssignmentApprovals.stage.patch.approve: 200 with the completed stage, then 409', async () => {
      const name = await pendingArmRequest();
      const bob = t.tokens.user({ userId: DEMO_USERS.bob.id, audience: 'arm' });
      const stage = (await call(t, 'GET', `${SUB}${ARM_APPROVALS}/${name}?${V}`, { token: bob })).json.properties.stages[0].name as string;
      const got = await call(t, 'PATCH', `${SUB}${ARM_APPROVALS}/${name}/stages/${stage}?${V}`, {
        token: bob,
        body: example('arm.roleAssignmentApprovals.stage.patch.approve').request.body,
      });
      assert.equal(got.status, 200);
      assertSameShape(example('arm.roleAssignmentApprovals.stage.patch.approve').response, got.json);
      assert.equal(got.json.properties.status, 'Completed');
      const again = await call(t, 'PATCH', `${SUB}${ARM_APPROVALS}/${name}/steps/${stage}?${V}`, {
        token: t.tokens.user({ userId: DEMO_USERS.dave.id, audience: 'arm' }),
        body: { properties: { reviewResult: 'Deny' } },
      });
      assert.equal(again.status, 409);
    });

    it("the stage PATCH also takes the swagger's flat {reviewResult, justification}; anything else is 400 InvalidRequestContent and decides nothing", async () => {
      const name = await pendingArmRequest();
      const bob = t.tokens.user({ userId: DEMO_USERS.bob.id, audience: 'arm' });
      const path = `${SUB}${ARM_APPROVALS}/${name}`;
      const stage = (await call(t, 'GET', `${path}?${V}`, { token: bob })).json.properties.stages[0].name as string;
      for (const body of [
        {},
        { properties: {} },
        { properties: 'Approve' },
        { properties: { reviewResult: 'Approve' }, reviewResult: 'Approve' },
        { properties: { reviewResult: 'Approve', comment: 'x' } },
        { reviewResult: 'Approve', note: 'x' },
        { reviewResult: 1 },
        [{ reviewResult: 'Approve' }],
      ]) {
        const refused = await call(t, 'PATCH', `${path}/stages/${stage}?${V}`, { token: bob, body });
        assert.equal(refused.status, 400, JSON.stringify(body));
        assert.equal(refused.json.error.code, 'InvalidRequestContent', JSON.stringify(body));
      }
      assert.equal(
        (await call(t, 'GET', `${path}?${V}`, { token: bob })).json.properties.stages[0].properties.status,
        'InProgress',
        'nothing decided',
      );
      const flat = await call(t, 'PATCH', `${path}/stages/${stage}?${V}`, {
        token: bob,
        body: { reviewResult: 'Approve', justification: 'flat, as the swagger defines it' },
      });
      assert.equal(flat.status, 200, JSON.stringify(flat.json));
      assertSameShape(example('arm.roleAssignmentApprovals.stage.patch.approve').response, flat.json);
      assert.equal(flat.json.properties.justification, 'flat, as the swagger defines it');
    });

    it("the approval is not found under the request's name", async () => {
      await pendingArmRequest();
      const got = await call(t, 'GET', `${SUB}${ARM_APPROVALS}/${lastRequestName}?${V}`, {
        token: t.tokens.user({ userId: DEMO_USERS.bob.id, audience: 'arm' }),
      });
      assert.equal(got.status, 404);
    });
  });
});
