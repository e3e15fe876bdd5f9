// The Dockerfile's steps, run here because these machines have no container engine: the build output
// in a clean folder with package.json and the lockfile, a production-only install, then
// `node dist/bot/index.js` with production settings whose far ends are the local stand-ins (the
// emulator as Entra, Graph and ARM, Azurite as Blob Storage, the emulator's stand-in Bot Framework
// issuer and a stand-in token service). Nothing of the emulator, the tests or tsx may be needed.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startAzurite } from '../../../emulator/storage/azurite';
import { DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { cardText } from '../../support/botHarness';
import { startBotTokenService, type BotTokenService } from '../../support/botTokenService';
import { startRecordingConnector, type RecordingConnector } from '../../../emulator/stack/recordingConnector';
import { startTestTenant } from '../../../emulator/stack/tenant';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..', '..');

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;
type Azurite = Awaited<ReturnType<typeof startAzurite>>;

interface Lockfile {
  readonly packages: Record<string, { readonly dev?: boolean; readonly optional?: boolean }>;
}

/** The environment of a child that must not see this test run's npm context (npm_config_local_prefix would point npm at the repo). */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      value !== undefined &&
      !/^npm_/i.test(name) &&
      !/^(MicrosoftApp|LOCAL_|CLOUD_|STORAGE_|APPLICATIONINSIGHTS_|NODE_OPTIONS$)/.test(name)
    )
      env[name] = value;
  }
  // npm's launcher runs `#!/usr/bin/env node`: this node first, so the install runs on the same runtime.
  env['PATH'] = `${path.dirname(process.execPath)}${path.delimiter}${env['PATH'] ?? ''}`;
  return { ...env, ...extra };
}

describe('production build: npm ci --omit=dev in a clean folder, node dist/bot/index.js against the stand-ins', function () {
  this.timeout(240_000);
  let dir: string;
  let tenant: Tenant;
  let azurite: Azurite;
  let connector: RecordingConnector;
  let tokenService: BotTokenService;
  let bot: ChildProcess | undefined;
  let base: string;
  const output: string[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pimbot-prod-'));
    const tsc = require.resolve('typescript/bin/tsc');
    await run(
      process.execPath,
      [tsc, '-p', path.join(repoRoot, 'tsconfig.build.json'), '--outDir', path.join(dir, 'dist'), '--sourceMap', 'false'],
      { cwd: repoRoot },
    );
    for (const file of ['package.json', 'package-lock.json', '.npmrc']) copyFileSync(path.join(repoRoot, file), path.join(dir, file));
    // --prefer-offline: the repo's own install has filled npm's cache with every tarball of the lockfile.
    await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: dir,
      env: cleanEnv({}),
      maxBuffer: 16 * 1024 * 1024,
    });
  });

  after(async () => {
    if (bot && bot.exitCode === null) {
      bot.kill('SIGTERM');
      await new Promise((resolve) => bot!.once('exit', resolve));
    }
    await Promise.all([tenant?.close(), azurite?.stop(), connector?.close(), tokenService?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs on the Node.js the package asks for (engines)', () => {
    const wanted = Number(
      />=\s*(\d+)/.exec(
        (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node,
      )![1],
    );
    assert.ok(wanted >= 24, `engines.node asks for ${wanted}`);
    assert.ok(Number(process.versions.node.split('.')[0]) >= wanted, `this is Node ${process.version}`);
  });

  it('the Dockerfile runs these same steps: Node 24 slim, production install, non-root, /healthz, node dist/bot/index.js', () => {
    const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    const stages = dockerfile.match(/^FROM .+$/gm) ?? [];
    assert.ok(stages.length >= 2, 'multi-stage');
    assert.match(dockerfile, /^ARG NODE_IMAGE=node:24-slim$/m);
    assert.ok(
      stages.every((line) => line.startsWith('FROM ${NODE_IMAGE}')),
      stages.join('; '),
    );
    assert.match(dockerfile, /RUN npm run build/);
    assert.match(dockerfile, /RUN npm ci --omit=dev /);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    assert.match(runtime, /^USER node$/m, 'the runtime stage is not root');
    assert.match(runtime, /^HEALTHCHECK .*\n?.*\/healthz/m);
    assert.match(runtime, /^CMD \["node", "dist\/bot\/index\.js"\]$/m);
    assert.doesNotMatch(
      runtime,
      /COPY (?!--from)[^\n]*(bot|services|emulator|tests)/,
      'only build output and production modules in the runtime stage',
    );
    const ignored = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', '.data', '.env', '.git', 'tests', 'emulator'])
      assert.ok(ignored.includes(entry), `.dockerignore: ${entry}`);
  });

  it('the build holds the bot, its dialogs, cards and services: no emulator, tests, scripts or TypeScript', () => {
    assert.deepEqual(readdirSync(path.join(dir, 'dist')).sort(), ['bot', 'cards', 'dialogs', 'services']);
    const cardsIn = (folder: string) =>
      readdirSync(folder)
        .filter((f) => f.endsWith('.json'))
        .sort();
    assert.deepEqual(cardsIn(path.join(dir, 'dist', 'cards')), cardsIn(path.join(repoRoot, 'cards')), 'every card template');
    const walk = (folder: string): string[] =>
      readdirSync(folder, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(path.join(folder, e.name)) : [path.join(folder, e.name)],
      );
    const files = walk(path.join(dir, 'dist'));
    assert.deepEqual(
      files.filter((f) => f.endsWith('.ts')),
      [],
    );
    for (const file of files.filter((f) => f.endsWith('.js'))) {
      assert.doesNotMatch(
        readFileSync(file, 'utf8'),
        /require\("(\.\.\/)+(emulator|tests|scripts|bench)\/|require\("tsx/,
        path.relative(dir, file),
      );
    }
  });

  it('installs no development package', () => {
    const lock = JSON.parse(readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as Lockfile;
    const devOnly = Object.entries(lock.packages)
      .filter(([key, p]) => key !== '' && p.dev === true)
      .map(([key]) => key);
    assert.ok(devOnly.length > 100, `the lockfile marks the dev tree (${devOnly.length})`);
    assert.deepEqual(
      devOnly.filter((key) => existsSync(path.join(dir, key))),
      [],
      'no package only the dev tree needs',
    );
    const { devDependencies, dependencies } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    // A dev dependency may also be needed by a production package (@types/node by botbuilder): the lockfile says which.
    const present = Object.keys(devDependencies!).filter((name) => existsSync(path.join(dir, 'node_modules', name)));
    assert.deepEqual(
      present.filter((name) => lock.packages[`node_modules/${name}`]?.dev === true),
      [],
    );
    assert.ok(present.length < Object.keys(devDependencies!).length / 4, `dev dependencies installed: ${present.join(', ')}`);
    for (const name of ['tsx', 'typescript', 'mocha', 'azurite', 'botbuilder-azure-blobs', '@microsoft/m365agentsplayground']) {
      assert.ok(!existsSync(path.join(dir, 'node_modules', name)), `${name} is not installed`);
    }
    for (const name of Object.keys(dependencies!)) assert.ok(existsSync(path.join(dir, 'node_modules', name)), `${name} is installed`);
  });

  it('node dist/bot/index.js in production mode: /healthz, /readyz, and an authenticated activity answered', async () => {
    const azuriteDir = path.join(dir, 'azurite');
    [tenant, azurite, connector, tokenService] = await Promise.all([
      startTestTenant(),
      startAzurite({ location: azuriteDir }),
      startRecordingConnector(),
      startBotTokenService('sso'),
    ]);
    const appId = tenant.botApp.clientId;
    const env = cleanEnv({
      MicrosoftAppId: appId,
      MicrosoftAppTenantId: tenant.tenantId,
      MicrosoftAppPassword: tenant.botApp.clientSecret,
      SSO_APP_ID_URI: `api://botid-${appId}`,
      PUBLIC_BASE_URL: 'https://pimbot.contoso.example',
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      STORAGE_CONTAINER: `smoke-${randomUUID().slice(0, 8)}`,
      TOKEN_CACHE_KEY: Buffer.alloc(32, 9).toString('base64'),
      PORT: '0',
      // The far ends are the stand-ins; nothing else differs from a deployment.
      CLOUD_LOGIN_URL: tenant.url,
      CLOUD_GRAPH_URL: tenant.url,
      CLOUD_ARM_URL: tenant.url,
      CLOUD_BOT_OPENID_METADATA_URL: tenant.botFramework.openIdMetadataUrl,
      CLOUD_BOT_TOKEN_SERVICE_URL: tokenService.url,
    });
    const child = spawn(process.execPath, ['dist/bot/index.js'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    bot = child;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => output.push(...chunk.split('\n').filter(Boolean)));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        const listening = output.map((l) => /"msg":"listening".*"mode":"production".*"port":(\d+)/.exec(l)).find(Boolean);
        if (listening) {
          clearInterval(timer);
          resolve(Number(listening[1]));
        }
      }, 50);
      child.once('exit', (code) => {
        clearInterval(timer);
        reject(new Error(`the bot exited (${code}): ${output.join('\n')}`));
      });
    });
    base = `http://127.0.0.1:${port}`;
    assert.ok(
      output.some((l) => /"msg":"listening".*"telemetry":"off"/.test(l)),
      'no connection string, no telemetry',
    );

    const health = await fetch(`${base}/healthz`);
    assert.deepEqual([health.status, await health.json()], [200, { status: 'alive' }]);
    const ready = await fetch(`${base}/readyz`);
    const readyBody = await ready.text();
    assert.equal(ready.status, 200, readyBody);
    assert.deepEqual(JSON.parse(readyBody), { status: 'ready', checks: { storage: 'ok', tokenEndpoint: 'ok', graph: 'ok' } });

    const alice = { id: '29:alice-teams-id', name: DEMO_USERS.alice.displayName, aadObjectId: DEMO_USERS.alice.id };
    const hi = (authorization?: string) =>
      fetch(`${base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({
          type: 'message',
          id: randomUUID(),
          timestamp: new Date().toISOString(),
          channelId: 'msteams',
          serviceUrl: connector.url,
          conversation: { id: `a:${randomUUID()}`, conversationType: 'personal', tenantId: tenant.tenantId },
          channelData: { tenant: { id: tenant.tenantId } },
          from: alice,
          recipient: { id: `28:${appId}`, name: 'PIM Bot' },
          locale: 'en-US',
          text: 'hi',
        }),
      });
    assert.equal((await hi()).status, 401, 'production: no token, no turn');
    assert.equal(connector.activities.length, 0);

    tokenService.setUserToken(alice.id, tenant.tokens.user({ userId: DEMO_USERS.alice.id, audience: appId, scp: 'access_as_user' }));
    const response = await hi(`Bearer ${tenant.botFramework.channelToken({ appId, serviceUrl: connector.url })}`);
    assert.equal(response.status, 200, output.join('\n'));
    const replies = connector.activities;
    assert.ok(replies.length > 0, 'the bot answered');
    assert.ok(
      replies.every((r) => /^Bearer eyJ/.test(r.authorization ?? '')),
      "every reply carries the bot's own app token",
    );
    const text = replies.map((r) => `${r.activity.text ?? ''}\n${cardText(r.activity)}`).join('\n');
    assert.match(text, /Global Reader/, `her roles, read from Graph with her own token: ${text.slice(0, 300)}`);
    // The approval sweep reads PIM's pending requests with the app's own token (read-only, by design);
    // everything else about Alice is read as Alice.
    const sweepRead = (e: { caller: string | null; method: string; path: string }) =>
      e.caller === appId && e.method === 'GET' && /ScheduleRequests$/.test(e.path);
    const graphCalls = tenant.requestLog.entries().filter((e) => e.path.startsWith('/v1.0/roleManagement/') && !sweepRead(e));
    assert.ok(
      graphCalls.length > 0 && graphCalls.every((e) => e.caller === DEMO_USERS.alice.id),
      `PIM read as Alice (on-behalf-of): ${JSON.stringify(graphCalls.map((e) => [e.method, e.path, e.caller]))}`,
    );
    assert.equal(child.exitCode, null, 'still running');
  });
});
