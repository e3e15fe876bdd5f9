// Scale-out: two bot processes behind a round-robin balancer on one Azurite container and one
// tenant. A conversation's turns land on alternating instances and the dialog carries on; an
// instance SIGKILLed at a random point of a flow and restarted loses nothing and doubles nothing.
import assert from 'node:assert/strict';
import { addBenchUsers } from '../../../emulator/stack/chatUsers';
import { textOf } from '../../../emulator/stack/chatDriver';
import { runActivation } from '../../../emulator/stack/flows';
import { runApprovalKillLoop } from '../../../emulator/stack/approvalKillLoop';
import { activationProblems, runKillLoop } from '../../../emulator/stack/killLoop';
import { seededRandom } from '../../../emulator/stack/random';
import { DEMO_GROUPS } from '../../../emulator/tenant/demoTenant';
import type { TenantEmulator } from '../../../emulator/tenant';
import type { BotProcess } from '../../../emulator/stack/botProcess';
import { startLocalStack, type LocalStack } from '../../../emulator/stack/localStack';
import type { RecordingConnector } from '../../../emulator/stack/recordingConnector';
import { startRoundRobinProxy, type RoundRobinProxy } from '../../../emulator/stack/roundRobinProxy';

async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Short variant for npm test; bench/soak.ts runs 100. */
const KILLS = 10;
const APPROVAL_KILLS = 10;

describe('scale-out: two instances behind a round-robin balancer, one Azurite', function () {
  this.timeout(120_000);
  let stack: LocalStack;
  let tenant: TenantEmulator;
  let connector: RecordingConnector;
  let env: Record<string, string>;
  const instances: BotProcess[] = [];
  let proxy: RoundRobinProxy;

  before(async () => {
    stack = await startLocalStack({ name: 'scale' });
    ({ tenant, connector } = stack);
    env = {
      ...stack.env,
      // A killed instance's send claims lapse in seconds and a restarted one sweeps at once, so the
      // approval kill loop settles fast.
      APPROVAL_SWEEP_SECONDS: '1',
      APPROVAL_SEND_LEASE_SECONDS: '2',
    };
    instances.push(...(await Promise.all([stack.startBotProcess({ env }), stack.startBotProcess({ env })])));
    proxy = await startRoundRobinProxy(instances.map((i) => `http://127.0.0.1:${i.port}`));
  });

  after(async () => {
    await proxy?.close();
    await Promise.all(instances.map((i) => i.stop()));
    await stack?.stop();
  });

  function conversationFor(user: Awaited<ReturnType<typeof addBenchUsers>>[number]) {
    return stack.chat(`${proxy.url}/api/messages`, user);
  }

  function provisioned(userId: string) {
    return tenant.state
      .assignmentRequests(userId)
      .filter((r) => r.action.toLowerCase() === 'selfactivate' && !r.isValidationOnly && r.status === 'Provisioned');
  }

  it('continues a dialog whose turns alternate between the instances', async () => {
    const [user] = await addBenchUsers(tenant, 1, 'alternate');
    const before = proxy.log.length;
    const flow = await runActivation(conversationFor(user!));
    assert.equal(flow.outcome, 'active', flow.lastText);
    assert.equal(flow.turns.length, 3, 'command, duration, justification: no turn repeated');
    const backends = proxy.log.slice(before).map((r) => r.backend);
    assert.deepEqual(new Set(backends), new Set([0, 1]), 'both instances served the conversation');
    for (let i = 1; i < backends.length; i++) assert.notEqual(backends[i], backends[i - 1], 'consecutive turns on different instances');
    assert.equal(provisioned(user!.aadObjectId).length, 1);
  });

  it('an approval through both instances: one card per approver, a decision on either reaches every copy', async () => {
    const [requester, ...approvers] = await addBenchUsers(tenant, 3, 'approval');
    await tenant.state.update((data) => {
      data.groups.find((g) => g.id === DEMO_GROUPS.pimApprovers.id)!.members = approvers.map((a) => a.aadObjectId);
    });
    const approverChats = approvers.map((a) => conversationFor(a));
    for (const chat of approverChats) assert.equal((await chat.say('hi')).status, 200);
    const mark = connector.activities.length;
    const chat = conversationFor(requester!);
    await chat.say('activate user administrator');
    await chat.say({ value: { action: 'setDuration', duration: '90 minutes' } });
    const submitted = await chat.say({
      value: { action: 'submitJustification', justification: 'Scale-out approval', ticketNumber: 'INC-8' },
    });
    assert.match(textOf(submitted.replies), /waiting for approval/i);

    const cardsFor = (conversationId: string) =>
      connector
        .since(mark)
        .filter((a) => a.conversationId === conversationId && a.method === 'POST' && (a.activity.attachments ?? []).length > 0);
    await waitFor(() => approverChats.every((c) => cardsFor(c.id).length > 0), 'every approver has a card');
    const card = cardsFor(approverChats[0]!.id)[0]!.activity.attachments![0]!.content as {
      actions?: Array<{ verb?: string; data?: object }>;
    };
    const approve = card.actions?.find((a) => a.verb === 'approve');
    assert.ok(approve?.data, 'the card has an Approve action');

    const decided = await approverChats[0]!.say({
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'approve', data: approve.data }, trigger: 'manual' },
    });
    assert.equal(decided.status, 200);
    const requests = () =>
      tenant.state
        .assignmentRequests(requester!.aadObjectId)
        .filter((r) => r.action.toLowerCase() === 'selfactivate' && !r.isValidationOnly);
    await waitFor(() => requests().some((r) => r.status !== 'PendingApproval'), 'PIM has the decision');
    const other = approverChats[1]!;
    await waitFor(
      () => connector.since(mark).some((a) => a.conversationId === other.id && a.method === 'PUT'),
      "the other approver's copy is updated in place",
    );
    // Let both instances' background work (fan-out, sweep) settle, then count.
    await new Promise((r) => setTimeout(r, 1000));
    for (const c of approverChats) assert.equal(cardsFor(c.id).length, 1, 'exactly one card per approver');
    assert.equal(requests().length, 1, 'one request at PIM');
  });

  it(`survives ${KILLS} SIGKILLs at random points of activation flows: nothing lost, nothing doubled`, async () => {
    const users = await addBenchUsers(tenant, KILLS, 'kill');
    const result = await runKillLoop({
      proxy,
      instances,
      env,
      connector,
      tenantId: tenant.tenantId,
      users,
      random: seededRandom(8),
      afterFlow: (user, flow) => {
        assert.deepEqual(activationProblems(tenant, user, flow), []);
      },
    });
    // The seeded points must actually hit turns in flight, or this test proves little.
    assert.ok(result.killedInFlight >= 3, `only ${result.killedInFlight} of ${result.kills} kills landed during a turn`);
    for (const instance of instances) assert.deepEqual(instance.unhandledRejections(), []);
  });

  it(`survives ${APPROVAL_KILLS} SIGKILLs during approval flows (submit, fan-out, decision, update pass): one card each, one decision, every card agrees, the requester told once`, async () => {
    const [first, second, ...requesters] = await addBenchUsers(tenant, APPROVAL_KILLS + 2, 'approval-kill');
    await tenant.state.update((data) => {
      data.groups.find((g) => g.id === DEMO_GROUPS.pimApprovers.id)!.members = [first!.aadObjectId, second!.aadObjectId];
    });
    const result = await runApprovalKillLoop({
      proxy,
      instances,
      env,
      connector,
      tenant,
      requesters,
      approvers: [first!, second!],
      random: seededRandom(7),
      settleMs: 8000,
    });
    assert.deepEqual(result.problems, []);
    // The documented exception (a post that landed just before the kill, resent after the lease) must stay rare.
    assert.ok(result.resentAfterLease <= 2, `${result.resentAfterLease} messages resent after a lease`);
    for (const phase of ['submit', 'fanOut', 'decision', 'update'] as const)
      assert.ok(result.byPhase[phase] >= 2, `only ${result.byPhase[phase]} kills ${phase}`);
    for (const instance of instances) assert.deepEqual(instance.unhandledRejections(), []);
  });
});
