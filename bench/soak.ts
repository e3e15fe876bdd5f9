// The long variant of the scale-out integration test (twoInstances.test.ts): 100 approval flows (kills inside the submit turn, during
// the fan-out, the decision invoke or the update pass; see emulator/stack/approvalKillLoop.ts) and 100 activation flows
// through two instances behind a round-robin balancer on one Azurite, one instance SIGKILLed at a
// seeded random point of each flow and restarted. Checks after every flow: nothing lost, nothing doubled.
//   npm run soak -- [kills=100] [seed=8] [activation|approval|both]
// Takes a few minutes (each restart loads the bot anew); not part of npm test.
import { DEMO_GROUPS } from '../emulator/tenant/demoTenant';
import { startBotProcess, type BotProcess } from '../emulator/stack/botProcess';
import { startLocalStack } from '../emulator/stack/localStack';
import { startRoundRobinProxy } from '../emulator/stack/roundRobinProxy';
import { addBenchUsers } from '../emulator/stack/chatUsers';
import { runApprovalKillLoop } from '../emulator/stack/approvalKillLoop';
import { activationProblems, runKillLoop } from '../emulator/stack/killLoop';
import { seededRandom } from '../emulator/stack/random';

async function main(): Promise<void> {
  const kills = Number(process.argv[2] ?? 100);
  const seed = Number(process.argv[3] ?? 8);
  const flows = process.argv[4] ?? 'both';
  if (flows !== 'activation' && flows !== 'approval' && flows !== 'both') throw new Error('flows must be activation, approval or both');
  const stack = await startLocalStack({ name: 'soak', container: 'soak' });
  const { tenant, connector } = stack;
  const env = {
    ...stack.env,
    // Kill-loop settings: a killed instance's send claims lapse in two seconds (longer than a cold instance's first send), sweeps run every second.
    APPROVAL_SWEEP_SECONDS: '1',
    APPROVAL_SEND_LEASE_SECONDS: '2',
  };
  const instances: BotProcess[] = await Promise.all([startBotProcess({ env }), startBotProcess({ env })]);
  const proxy = await startRoundRobinProxy(instances.map((i) => `http://127.0.0.1:${i.port}`));
  const failures: string[] = [];
  const started = Date.now();
  try {
    if (flows === 'approval' || flows === 'both') {
      const [first, second, ...requesters] = await addBenchUsers(tenant, kills + 2, 'soak-approval');
      await tenant.state.update((data) => {
        data.groups.find((g) => g.id === DEMO_GROUPS.pimApprovers.id)!.members = [first!.aadObjectId, second!.aadObjectId];
      });
      let approvalsDone = 0;
      const approvals = await runApprovalKillLoop({
        proxy,
        instances,
        env,
        connector,
        tenant,
        requesters,
        approvers: [first!, second!],
        random: seededRandom(seed),
        afterFlow: (_user, _phase, problems) => {
          failures.push(...problems);
          if (++approvalsDone % 10 === 0)
            process.stderr.write(`soak: approvals ${approvalsDone}/${kills} (${Math.round((Date.now() - started) / 1000)} s)\n`);
        },
      });
      process.stdout.write(
        `${JSON.stringify({
          approvalFlows: approvals.kills,
          byPhase: approvals.byPhase,
          failingFlowsByPhase: approvals.failedByPhase,
          failingFlows: Object.values(approvals.failedByPhase).reduce((a, b) => a + b, 0),
          settleWaitMs: approvals.settleMs,
          killedInFlight: approvals.killedInFlight,
          turnsResent: approvals.resent,
          resentAfterLease: approvals.resentAfterLease,
          submitKillsBeforeCards: approvals.submitKillsBeforeCards,
          failures: approvals.problems.length,
          seconds: Math.round((Date.now() - started) / 1000),
        })}\n`,
      );
    }
    const users = flows === 'approval' ? [] : await addBenchUsers(tenant, kills, 'soak');
    let done = 0;
    const result = await runKillLoop({
      proxy,
      instances,
      env,
      connector,
      tenantId: tenant.tenantId,
      users,
      random: seededRandom(seed),
      afterFlow: (user, flow) => {
        failures.push(...activationProblems(tenant, user, flow));
        if (++done % 10 === 0) process.stderr.write(`soak: ${done}/${kills} (${Math.round((Date.now() - started) / 1000)} s)\n`);
      },
    });
    const unhandled = instances.flatMap((i) => i.unhandledRejections());
    process.stdout.write(
      `${JSON.stringify({ kills: result.kills, killedInFlight: result.killedInFlight, turnsResent: result.resent, failures: failures.length, unhandled: unhandled.length, seconds: Math.round((Date.now() - started) / 1000) })}\n`,
    );
    for (const f of failures.slice(0, 20)) process.stdout.write(`  ${f}\n`);
    if (failures.length > 0 || unhandled.length > 0) process.exitCode = 1;
  } finally {
    await proxy.close();
    await Promise.all(instances.map((i) => i.stop()));
    await stack.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`soak failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
