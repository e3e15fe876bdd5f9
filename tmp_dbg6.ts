import { startBotProcess } from './tests/support/botProcess';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAzurite } from './emulator/storage/azurite';
import { startRecordingConnector } from './tests/support/recordingConnector';
import { startTestTenant } from './tests/support/tenant';
import { addBenchUsers } from './bench/benchUsers';
import { openConversation, textOf } from './bench/channel';
(async () => {
  const [tenant, azurite, connector] = await Promise.all([startTestTenant(), startAzurite({ location: mkdtempSync(path.join(tmpdir(), 'x-')) }), startRecordingConnector()]);
  const bot = await startBotProcess({ env: { LOCAL_TENANT_URL: tenant.url, LOCAL_TENANT_ID: tenant.tenantId, LOCAL_CLIENT_ID: tenant.botApp.clientId, LOCAL_CLIENT_SECRET: tenant.botApp.clientSecret, STORAGE_CONNECTION_STRING: azurite.connectionString, STORAGE_CONTAINER: 'bench' } });
  const [u] = await addBenchUsers(tenant, 1);
  const c = openConversation({ endpoint: bot.endpoint, connector, tenantId: tenant.tenantId, user: u! });
  for (const t of ['my roles', 'activate global reader', '90 minutes', 'Quarterly access review']) { const r = await c.say(t); console.log(t, '=>', r.status, textOf(r.replies).replace(/\s+/g, ' ').slice(0, 400)); }
  console.log(bot.errorLogs());
  await bot.stop(); await tenant.close(); await azurite.stop(); await connector.close();
})();
