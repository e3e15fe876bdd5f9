// With APPLICATIONINSIGHTS_CONNECTION_STRING set, the real Azure Monitor pipeline (the
// @azure/monitor-opentelemetry distro, unmodified) sends the product metrics, the bot's log lines and
// the outgoing HTTP calls to the ingestion endpoint the connection string names: here a stand-in
// over HTTPS with the local CA (the exporter only speaks HTTPS), standing where Application Insights'
// regional endpoint is. The pipeline runs in a child process: the distro instruments http globally.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ensureLocalCertificates } from '../../../emulator/tenant/certs';
import { testCertDir } from '../../../emulator/stack/tenant';

interface Envelope {
  readonly name: string;
  readonly iKey?: string;
  readonly data?: { readonly baseType?: string; readonly baseData?: Record<string, unknown> };
}

const IKEY = '11111111-2222-4333-8444-555555555555';

describe('telemetry to Azure Monitor (APPLICATIONINSIGHTS_CONNECTION_STRING set; stand-in ingestion endpoint)', function () {
  this.timeout(60_000);
  let server: Server;
  let probe: Server;
  let origin: string;
  let probeOrigin: string;
  const envelopes: Envelope[] = [];
  const paths: string[] = [];

  before(async () => {
    const { cert, key } = await ensureLocalCertificates(testCertDir());
    server = createServer({ cert, key }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        paths.push(`${req.method} ${req.url}`);
        if (req.url === '/v2.1/track') {
          let body = Buffer.concat(chunks);
          if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
          const parsed = JSON.parse(body.toString('utf8')) as Envelope | Envelope[];
          envelopes.push(...(Array.isArray(parsed) ? parsed : [parsed]));
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ itemsReceived: 1, itemsAccepted: 1, errors: [] }));
      });
    });
    // Something the bot calls (Graph, say); the exporter never reports calls to its own endpoint.
    probe = createServer({ cert, key }, (_req, res) => res.end('ok'));
    await Promise.all([server, probe].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    probeOrigin = `https://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  });

  after(() => Promise.all([server, probe].map((s) => new Promise<void>((resolve) => s.close(() => resolve())))));

  it('sends the product metrics, the log lines and the outgoing HTTP calls, to that endpoint only', async () => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, 'telemetryChild.ts')], {
      cwd: path.resolve(__dirname, '..', '..', '..'),
      env: {
        ...process.env,
        APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${IKEY};IngestionEndpoint=${origin}/`,
        // The SDK's own usage statistics go to a fixed Microsoft endpoint; not from a test.
        APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
        PROBE_URL: `${probeOrigin}/probe`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, stderr);

    assert.ok(envelopes.length > 0, `something arrived: ${paths.join(', ')}`);
    assert.ok(
      envelopes.every((e) => e.iKey === IKEY),
      'for this resource',
    );
    const metricNames = envelopes
      .filter((e) => e.data?.baseType === 'MetricData')
      .flatMap((e) => ((e.data?.baseData?.['metrics'] as Array<{ name: string }> | undefined) ?? []).map((m) => m.name));
    for (const name of ['pimbot.activations', 'pimbot.approvals.decided', 'pimbot.approvals.first_card_latency', 'pimbot.pim.errors']) {
      assert.ok(metricNames.includes(name), `${name} in ${metricNames.join(', ')}`);
    }
    const logs = envelopes.filter((e) => e.data?.baseType === 'MessageData').map((e) => e.data!.baseData!);
    const line = logs.find((l) => l['message'] === 'telemetry smoke line');
    assert.ok(line, `the log line: ${JSON.stringify(logs).slice(0, 300)}`);
    assert.equal(line['severityLevel'], 'Warning');
    assert.equal((line['properties'] as Record<string, string>)['correlationId'], 'c0ffee00-0000-4000-8000-000000000000');
    const dependencies = envelopes.filter((e) => e.data?.baseType === 'RemoteDependencyData').map((e) => e.data!.baseData!);
    assert.ok(
      dependencies.some((d) => String(d['data'] ?? '').includes('/probe') && String(d['resultCode']) === '200'),
      `the outgoing call with its status: ${JSON.stringify(dependencies).slice(0, 300)}`,
    );
    assert.ok(
      paths.every((p) => p === 'POST /v2.1/track'),
      paths.join(', '),
    );
  });
});
