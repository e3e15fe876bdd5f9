import { LOCAL_TEAMS_APP } from '../tenant/demoTenant';

/** The environment bot/config.ts needs in local mode, pointing at a running emulator and Azurite. */
export function localBotEnv(
  tenant: { url: string; tenantId: string; botApp: { clientId: string; clientSecret: string } },
  storageConnectionString: string,
  container: string,
): Record<string, string> {
  return {
    LOCAL_TENANT_URL: tenant.url,
    LOCAL_TENANT_ID: tenant.tenantId,
    LOCAL_TEAMS_APP_CATALOG_ID: LOCAL_TEAMS_APP.catalogId,
    LOCAL_CLIENT_ID: tenant.botApp.clientId,
    LOCAL_CLIENT_SECRET: tenant.botApp.clientSecret,
    STORAGE_CONNECTION_STRING: storageConnectionString,
    STORAGE_CONTAINER: container,
  };
}
