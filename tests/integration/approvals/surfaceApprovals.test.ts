// Approvals on the other two surfaces, over HTTP with nothing stubbed: PIM for Groups (Graph v1.0
// assignmentApprovals) and Azure resources (ARM roleAssignmentApprovals through the SDK client's
// pipeline). Alice asks; Bob and Dave get cards; Bob approves; Dave's card follows; the emulator
// shows the assignment active.
import assert from 'node:assert/strict';
import type { BotApp } from '../../../bot/server';
import { DEMO_AZURE, DEMO_GROUPS, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { call } from '../emulator/http';
import { cardOf, executeData, startApprovalWorld, startBotInProcess, strings, until, type ApprovalWorld } from './approvalHarness';

describe('approvals on PIM for Groups and Azure resources (emulator, Azurite, recording connectors)', function () {
  this.timeout(60_000);
  let world: ApprovalWorld;
  let app: BotApp | undefined;
  const warnings: string[] = [];

  before(async () => {
    world = await startApprovalWorld();
    app = await startBotInProcess(world, warnings);
  });

  after(async () => {
    await app?.close();
    await world?.close();
  });

  beforeEach(async () => {
    await world.tenant.reset();
  });

  async function approveAndCheck(turns: string[], decisionPath: RegExp): Promise<string> {
    const { requestId, bobCard, daveCard, waiting } = await world.request(turns);
    const answer = await world.click('bob', 'approve', { ...executeData(cardOf(bobCard.activity), 'approve')!, reason: 'ok' });
    assert.match(strings(answer.value), /Approved by Bob Brown at .*: ok/, strings(answer.value).slice(0, 300));
    await until("Dave's card updated in place", () => /Approved by Bob Brown/.test(world.latest('dave', daveCard.id)));
    await until("Alice's waiting card updated", () => /Approved by Bob Brown/.test(world.latest('alice', waiting.id)));
    const patches = world.tenant.requestLog.entries().filter((e) => e.method === 'PATCH' && decisionPath.test(e.path));
    assert.equal(patches.length, 1, 'one decision at PIM');
    assert.equal(patches[0]!.caller, DEMO_USERS.bob.id, "with Bob's own token");
    assert.equal(world.cardsFor('bob', requestId).length, 1);
    assert.equal(world.cardsFor('dave', requestId).length, 1);
    return requestId;
  }

  it('SRE On-Call owner (needs PIM Approvers): cards to Bob and Dave, Bob approves at Graph v1.0, ownership active', async () => {
    await approveAndCheck(
      ['activate sre on-call owner for 1h', 'rotate the pager'],
      /^\/v1\.0\/identityGovernance\/privilegedAccess\/group\/assignmentApprovals\/[^/]+\/stages\//,
    );
    const alice = world.tenant.tokens.user({ userId: DEMO_USERS.alice.id });
    const mine = await call(
      world.tenant,
      'GET',
      "/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleInstances/filterByCurrentUser(on='principal')",
      { token: alice },
    );
    const owners = (mine.json.value as Array<{ groupId: string; accessId: string }>).filter(
      (a) => a.groupId === DEMO_GROUPS.sreOnCall.id && a.accessId === 'owner',
    );
    assert.equal(owners.length, 1, 'the emulator shows her ownership active');
  });

  it('Contributor on Contoso Prod (needs PIM Approvers): Bob approves at ARM roleAssignmentApprovals, assignment active', async () => {
    const requestId = await approveAndCheck(
      ['activate contributor on contoso prod for 1h', 'deploy the fix'],
      /\/providers\/Microsoft\.Authorization\/roleAssignmentApprovals\/[^/]+\/stages\//,
    );
    // The approval is the one the request names in properties.approvalId, which is not the request's name.
    const requestName = requestId.split('/').pop()!.toLowerCase();
    const stored = world.tenant.state.data.azure.requests?.find((r) => r.name === requestName);
    const approvalName = stored?.approvalId?.split('/').pop();
    assert.ok(approvalName && approvalName !== requestName, 'the emulator gave the approval its own id');
    const decisionPaths = world.tenant.requestLog
      .entries()
      .filter((e) => e.method === 'PATCH' && e.path.includes('roleAssignmentApprovals'))
      .map((e) => e.path);
    assert.deepEqual(
      decisionPaths.map((p) => p.split('/roleAssignmentApprovals/')[1]!.split('/')[0]),
      [approvalName],
    );
    const alice = world.tenant.tokens.user({ userId: DEMO_USERS.alice.id, audience: 'arm' });
    const sub = `/subscriptions/${DEMO_AZURE.subscription.id}`;
    const mine = await call(
      world.tenant,
      'GET',
      `${sub}/providers/Microsoft.Authorization/roleAssignmentScheduleInstances?api-version=2020-10-01&$filter=asTarget()`,
      { token: alice },
    );
    const active = (mine.json.value as Array<{ properties: { scope: string; roleDefinitionId: string } }>).filter(
      (a) => a.properties.scope === sub && a.properties.roleDefinitionId.endsWith('b24988ac-6180-42a0-ab88-20f7382dd24c'),
    );
    assert.equal(active.length, 1, 'the emulator shows her Contributor assignment active');
    const armPatch = world.tenant.requestLog.entries().find((e) => e.method === 'PATCH' && e.path.includes('roleAssignmentApprovals'))!;
    assert.match(armPatch.query, /api-version=2021-01-01-preview/);
  });

  it('logged no warnings', () => {
    assert.deepEqual(warnings, []);
  });
});
