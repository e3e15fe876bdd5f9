// Resets the persisted local tenant (.data/tenant) to the demo seed. The bot app's secret and the token
// signing key are kept, so a configured local bot keeps working.
//   npm run reset-tenant        (honours LOCAL_DATA_DIR, default .data)
import path from 'node:path';
import { DEMO_TENANT_ID } from '../emulator/tenant/demoTenant';
import { TenantStore } from '../emulator/tenant/state/store';

async function main(): Promise<void> {
  const repoRoot = path.resolve(__dirname, '..');
  const dataDir = path.resolve(repoRoot, process.env.LOCAL_DATA_DIR ?? '.data', 'tenant');
  const store = await TenantStore.open(dataDir, DEMO_TENANT_ID);
  await store.reset();
  await store.flush();
  process.stdout.write(
    `Local tenant in ${dataDir} reset to the demo seed (bot secret and signing key kept).\n` +
      'A running emulator keeps its in-memory state: restart it, or POST https://localhost:PORT/emulator/reset.\n',
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`reset-tenant: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
