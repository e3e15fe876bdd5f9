// `npm start` reads .env the way the bot does, and a production setting there (or in the
// environment) stops it before anything starts, naming the setting: local mode trusts the channel
// without a token and must never run where production was meant.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../bot/config';
import { localEnvironment } from '../../../scripts/localEnv';
import { freePort } from '../../support/ports';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const APP_ID = '11111111-2222-4333-8444-555555555555';

describe('npm start and .env', function () {
  this.timeout(120_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pimbot-start-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads .env under the environment, as the bot does', () => {
    const envFile = path.join(dir, '.env');
    writeFileSync(envFile, 'LOCAL_PERSONAS=alice\nPIM_CACHE_SECONDS=30\n# MicrosoftAppId=commented-out\nMicrosoftAppPassword=\n');
    const env = localEnvironment({ PIM_CACHE_SECONDS: '5' }, envFile);
    assert.equal(env['LOCAL_PERSONAS'], 'alice');
    assert.equal(env['PIM_CACHE_SECONDS'], '5', 'the environment wins');
  });

  it('refuses production settings found in .env or in the environment, naming the setting and where it is', () => {
    const envFile = path.join(dir, '.env');
    writeFileSync(envFile, `# production\nMicrosoftAppId=${APP_ID}\n`);
    assert.throws(
      () => localEnvironment({}, envFile),
      (e: unknown) => e instanceof ConfigError && e.setting === 'MicrosoftAppId' && e.message.includes(envFile),
    );
    writeFileSync(envFile, 'TOKEN_CACHE_KEY=abc\n');
    assert.throws(
      () => localEnvironment({}, envFile),
      (e: unknown) => e instanceof ConfigError && e.setting === 'TOKEN_CACHE_KEY',
    );
    assert.throws(
      () => localEnvironment({ SSO_APP_ID_URI: `api://botid-${APP_ID}` }, path.join(dir, 'missing.env')),
      (e: unknown) => e instanceof ConfigError && e.setting === 'SSO_APP_ID_URI' && e.message.includes('the environment'),
    );
    writeFileSync(envFile, 'MicrosoftAppId="unterminated\n');
    assert.throws(
      () => localEnvironment({}, envFile),
      (e: unknown) => e instanceof ConfigError && e.setting === '.env',
      'a malformed .env is reported, not ignored',
    );
  });

  it('`npm start` with MicrosoftAppId in .env stops with a clear message and starts nothing', async () => {
    writeFileSync(path.join(dir, '.env'), `MicrosoftAppId=${APP_ID}\nMicrosoftAppPassword=not-a-real-secret\n`);
    const dataDir = path.join(dir, 'data');
    const [tenantPort, blobPort, botPort] = [await freePort(), await freePort(), await freePort()];
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(repoRoot, 'scripts', 'start-local.ts')], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dir,
        TSX_DISABLE_CACHE: '1',
        ...(process.env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS } : {}),
        LOCAL_DATA_DIR: dataDir,
        LOCAL_CERT_DIR: path.join(dataDir, 'certs'),
        LOCAL_TENANT_PORT: String(tenantPort),
        LOCAL_BLOB_PORT: String(blobPort),
        PORT: String(botPort),
        LOCAL_PERSONAS: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    // It either stops on its own, or (the old behaviour) reports the local stack as running.
    const outcome = await new Promise<number | 'started'>((resolve) => {
      child.once('exit', (code) => resolve(code ?? -1));
      child.stdout.on('data', () => void (out.includes('PIM bot, local mode') && resolve('started')));
    });
    if (outcome === 'started') {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    assert.equal(outcome, 1, `it must refuse to start:\n${out}`);
    assert.match(
      out,
      /Could not start: setting MicrosoftAppId: is a production setting \(set in .*\.env\); `npm start` runs local mode only/,
    );
    assert.doesNotMatch(out, /not-a-real-secret/, 'never echoes a value');
    assert.deepEqual(readdirSync(dir).sort(), ['.env'], 'no tenant, Azurite or certificates were created');
  });
});
