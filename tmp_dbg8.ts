import { startBotProcess } from './tests/support/botProcess';
import { startTestTenant } from './tests/support/tenant';
(async () => {
  const tenant = await startTestTenant();
  const bot = await startBotProcess({ env: { LOCAL_TENANT_URL: tenant.url, LOCAL_TENANT_ID: tenant.tenantId, LOCAL_CLIENT_ID: tenant.botApp.clientId, LOCAL_CLIENT_SECRET: tenant.botApp.clientSecret, STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', STORAGE_CONTAINER: 'bench' } });
  console.log(process.env.NODE_EXTRA_CA_CERTS, process.argv);
  await bot.stop(); await tenant.close();
})();
