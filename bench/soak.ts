// The long variant of tests/integration/scale: 100 activation flows through two instances behind a
// round-robin balancer on one Azurite, one instance SIGKILLed at a seeded random point of each flow
// and restarted. Checks after every flow: one active assignment, one activation request at PIM.
//   tsx scripts/with-local-ca.ts tsx bench/soak.ts [kills=100] [seed=8]
// Takes a few minutes (each restart loads the bot anew); not part of npm test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_ROLES } from '../emulator/tenant/demoTenant';
import { startAzurite } from '../emulator/storage/azurite';
import { startBotProcess, type BotProcess } from '../tests/support/botProcess';
import { startRecordingConnector } from '../tests/support/recordingConnector';
import { startRoundRobinProxy } from '../tests/support/roundRobinProxy';
import { startTestTenant } from '../tests/support/tenant';
import { addBenchUsers } from './benchUsers';
import { runKillLoop } from './killLoop';
import { seededRandom } from './random';

async function main(): Promise<void> {
  const kills = Number(process.argv[2] ?? 100);
  const seed = Number(process.argv[3] ?? 8);
  const dir = mkdtempSync(path.join(tmpdir(), 'pimbot-soak-'));
  const [tenant, azurite, connector] = await Promise.all([startTestTenant(), startAzurite({ location: dir }), startRecordingConnector()]);
  const env = {
    LOCAL_TENANT_URL: tenant.url,
    LOCAL_TENANT_ID: tenant.tenantId,
    LOCAL_CLIENT_ID: tenant.botApp.clientId,
    LOCAL_CLIENT_SECRET: tenant.botApp.clientSecret,
    STORAGE_CONNECTION_STRING: azurite.connectionString,
    STORAGE_CONTAINER: 'soak',
  };
  const instances: BotProcess[] = await Promise.all([startBotProcess({ env }), startBotProcess({ env })]);
  const proxy = await startRoundRobinProxy(instances.map((i) => `http://127.0.0.1:${i.port}`));
  const failures: string[] = [];
  const started = Date.now();
  try {
    const users = await addBenchUsers(tenant, kills, 'soak');
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
        const active = tenant.state.activeAssignments(user.aadObjectId).filter((a) => a.roleDefinitionId === DEMO_ROLES.globalReader.id && a.assignmentType === 'Activated');
        const sent = tenant.state.assignmentRequests(user.aadObjectId).filter((r) => !r.isValidationOnly && r.action.toLowerCase() === 'selfactivate' && r.status === 'Provisioned');
        if (flow.outcome !== 'active' && flow.outcome !== 'alreadyActive') failures.push(`${user.name}: ended ${flow.outcome}: ${flow.lastText.slice(0, 120)}`);
        if (active.length !== 1) failures.push(`${user.name}: ${active.length} active assignments (lost)`);
        if (sent.length !== 1) failures.push(`${user.name}: ${sent.length} activation requests (doubled or lost)`);
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
    await Promise.all([tenant.close(), azurite.stop(), connector.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`soak failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
