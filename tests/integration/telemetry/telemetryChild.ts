// Child process of telemetry.test.ts: the real Azure Monitor pipeline (bot/telemetry) started from
// the environment, one product metric, one log line and one outgoing HTTPS call, then a flush.
// In its own process because the distro instruments http globally.
import { createProductMetrics, startTelemetry } from '../../../bot/telemetry';

async function main(): Promise<void> {
  const telemetry = startTelemetry(process.env);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const https = require('node:https') as typeof import('node:https');
  const metrics = createProductMetrics();
  metrics.activation('entraRole', 'provisioned');
  metrics.approvalDecided('entraRole', 'approved');
  metrics.firstApproverCard('entraRole', 1234);
  metrics.pimError('throttled', 'TooManyRequests');
  telemetry.logSink(
    JSON.stringify({
      time: new Date().toISOString(),
      level: 'warn',
      msg: 'telemetry smoke line',
      correlationId: 'c0ffee00-0000-4000-8000-000000000000',
      token: '[redacted]',
    }),
  );
  await new Promise<void>((resolve, reject) => {
    https
      .get(process.env['PROBE_URL']!, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
  await telemetry.shutdown();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
