// The whole product in local mode: the local PIM, Azurite, the bot and one Agents Playground per
// persona. `npm start` runs it with fixed ports and data under .data/; the e2e tests run it on
// free ports in a temporary folder.
import * as path from 'node:path';
import { createBotApp } from '../bot/server';
import { loadConfig } from '../bot/config';
import { startPlayground, type RunningPlayground } from '../emulator/chat/playground';
import type { PersonaName } from '../emulator/chat/personas';
import { startAzurite } from '../emulator/storage/azurite';
import { LOCAL_TEAMS_APP } from '../emulator/tenant/demoTenant';
import { startTenantEmulator, type TenantEmulator } from '../emulator/tenant/index';
import { DEMO_APPROVALS_CHANNEL } from '../emulator/tenant/demoTenant';

export interface LocalStackOptions {
  readonly dataDir: string;
  readonly certDir: string;
  readonly tenantPort: number;
  readonly blobPort: number;
  readonly botPort: number;
  readonly personas: ReadonlyArray<{ readonly persona: PersonaName; readonly port: number }>;
  /** Extra environment for the bot's configuration (defaults come from the emulator and Azurite). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface LocalStack {
  readonly tenant: TenantEmulator;
  readonly blobPort: number;
  readonly botEndpoint: string;
  readonly playgrounds: readonly RunningPlayground[];
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const step of stops.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    const tenant = await startTenantEmulator({
      port: options.tenantPort,
      dataDir: path.join(options.dataDir, 'tenant'),
      certDir: options.certDir,
      // The personas' Teams sessions signed in with MFA as the Playground started: an approval that needs
      // a fresh MFA (APPROVER_STEP_UP, mfa:10 by default) asks Bob to sign in again 10 minutes later.
      signIn: { sessionSignedInAt: Math.floor(Date.now() / 1000) },
    });
    stops.push(() => tenant.close());

    const azurite = await startAzurite({ location: path.join(options.dataDir, 'azurite'), blobPort: options.blobPort });
    stops.push(() => azurite.stop());

    const config = loadConfig({
      // The Playground team's "PIM approvals" channel gets the approval cards, unless .env routes them itself.
      ...(options.env?.['APPROVAL_CHANNELS'] ? {} : { APPROVERS_CHANNEL_ID: DEMO_APPROVALS_CHANNEL.id }),
      ...options.env,
      PORT: String(options.botPort),
      LOCAL_TENANT_URL: tenant.url,
      LOCAL_TENANT_ID: tenant.tenantId,
      LOCAL_TEAMS_APP_CATALOG_ID: LOCAL_TEAMS_APP.catalogId,
      LOCAL_CLIENT_ID: tenant.botApp.clientId,
      LOCAL_CLIENT_SECRET: tenant.botApp.clientSecret,
      STORAGE_CONNECTION_STRING: azurite.connectionString,
    });
    const bot = createBotApp(config);
    const { port } = await bot.listen(config.port, '127.0.0.1');
    stops.push(() => bot.close());
    const botEndpoint = `http://127.0.0.1:${port}/api/messages`;

    const playgrounds = await Promise.all(
      options.personas.map(async ({ persona, port: playgroundPort }) => {
        const playground = await startPlayground({
          persona,
          port: playgroundPort,
          botEndpoint,
          workDir: path.join(options.dataDir, 'playground', persona),
        });
        stops.push(() => playground.stop());
        return playground;
      }),
    );
    return { tenant, blobPort: azurite.blobPort, botEndpoint, playgrounds, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
