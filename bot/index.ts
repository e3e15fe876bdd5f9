// Entry point. Production: `node dist/bot/index.js` (after `npm run build`). Locally, `tsx bot/index.ts`
// runs the bot alone against an emulator and Azurite that are already running (`npm start` starts all
// of them together through scripts/start-local.ts).
// Only the configuration and the telemetry module are loaded before telemetry starts: the http
// module, the Azure SDKs and botbuilder are required after it, so their calls are instrumented.
import { ConfigError, loadConfig, readEnvironment, type BotConfig } from './config';
import { releaseMemoryWhenIdle } from './idleMemory';
import { createJsonLogger } from './logging';
import { startTelemetry } from './telemetry';

export type { BotApp, BotAppOverrides } from './server';
export { ConfigError, loadConfig, readEnvironment, type BotConfig } from './config';

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config: BotConfig;
  let environment;
  try {
    // The environment wins over .env; both are read here, once.
    environment = readEnvironment(env);
    config = loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Could not start: setting ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const telemetry = startTelemetry(environment);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createBotApp } = require('./server') as typeof import('./server');
  const logger = createJsonLogger((line) => {
    process.stdout.write(`${line}\n`);
    telemetry.logSink(line);
  });
  const app = createBotApp(config, { logger });
  // Production runs behind App Service / Container Apps ingress; locally nothing but this machine may call.
  let port: number;
  try {
    ({ port } = await app.listen(config.port, config.mode === 'production' ? '0.0.0.0' : '127.0.0.1'));
  } catch (error) {
    // Settings checked against the tenant at start (ADMIN_GROUP_ID) are reported like any other.
    if (error instanceof ConfigError) {
      process.stderr.write(`Could not start: setting ${error.message}\n`);
      await telemetry.shutdown().catch(() => undefined);
      process.exit(1);
    }
    throw error;
  }
  logger.info('listening', { mode: config.mode, port, telemetry: telemetry.enabled ? 'azure-monitor' : 'off' });
  const stopReleasing = releaseMemoryWhenIdle();
  const stop = () => {
    stopReleasing();
    void app
      .close()
      .then(() => telemetry.shutdown())
      .catch(() => undefined)
      .then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`Could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
