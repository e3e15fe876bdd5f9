// Entry point: `tsx bot/index.ts` runs the bot alone against an emulator and Azurite that are
// already running (`npm start` starts all of them together through scripts/start-local.ts).
import { ConfigError, loadConfig, readEnvironment } from './config';
import { createBotApp } from './server';

export { createBotApp, type BotApp, type BotAppOverrides } from './server';
export { ConfigError, loadConfig, readEnvironment, type BotConfig } from './config';

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config;
  try {
    // The environment wins over .env; both are read here, once.
    config = loadConfig(readEnvironment(env));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Could not start: setting ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = createBotApp(config);
  // Production runs behind App Service / Container Apps ingress; locally nothing but this machine may call.
  let port: number;
  try {
    ({ port } = await app.listen(config.port, config.mode === 'production' ? '0.0.0.0' : '127.0.0.1'));
  } catch (error) {
    // Settings checked against the tenant at start (ADMIN_GROUP_ID) are reported like any other.
    if (error instanceof ConfigError) {
      process.stderr.write(`Could not start: setting ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'listening', mode: config.mode, port })}\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`Could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
