// The local tenant keeps its state across restarts (like a real tenant), resets to its seed on demand,
// and offers loopback-only control endpoints to other processes.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { startTestTenant } from '../../../emulator/stack/tenant';
import { activationBody, call, RM } from './http';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

describe('emulator persistence and control endpoints', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pim-tenant-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('an activation made before a restart is still active after it; the bot secret and signing key are kept', async () => {
    const first = await startTestTenant({ dataDir: dir });
    const aliceToken = first.tokens.user({ userId: DEMO_USERS.alice.id });
    const created = await call(first, 'POST', `${RM}/roleAssignmentScheduleRequests`, {
      token: aliceToken,
      body: activationBody(DEMO_USERS.alice.id, DEMO_ROLES.globalReader.id),
    });
    assert.equal(created.status, 201);
    const secret = first.botApp.clientSecret;
    await first.close();
    assert.equal((await stat(path.join(dir, 'secrets.json'))).mode & 0o777, 0o600);
    assert.ok(!(await readFile(path.join(dir, 'tenant.json'), 'utf8')).includes(secret));

    const second = await startTestTenant({ dataDir: dir });
    try {
      assert.equal(second.botApp.clientSecret, secret);
      assert.equal(second.state.activeAssignments(DEMO_USERS.alice.id).length, 1);
      const r = await call(second, 'GET', `${RM}/roleAssignmentScheduleRequests/${created.json.id}`, {
        token: second.tokens.user({ userId: DEMO_USERS.alice.id }),
      });
      assert.equal(r.json.status, 'Provisioned');
      await second.reset();
      assert.equal(second.state.activeAssignments(DEMO_USERS.alice.id).length, 0);
      assert.equal(second.botApp.clientSecret, secret);
    } finally {
      await second.close();
    }
  });

  it('npm run reset-tenant resets the persisted tenant and keeps the secret', async () => {
    const tenantDir = path.join(dir, 'tenant');
    const first = await startTestTenant({ dataDir: tenantDir });
    await call(first, 'POST', `${RM}/roleAssignmentScheduleRequests`, {
      token: first.tokens.user({ userId: DEMO_USERS.alice.id }),
      body: activationBody(DEMO_USERS.alice.id, DEMO_ROLES.globalReader.id),
    });
    const secret = first.botApp.clientSecret;
    await first.close();
    await promisify(execFile)(process.execPath, [require.resolve('tsx/cli'), path.join(repoRoot, 'scripts', 'reset-tenant.ts')], {
      env: { ...process.env, LOCAL_DATA_DIR: dir },
    });
    const second = await startTestTenant({ dataDir: tenantDir });
    try {
      assert.equal(second.state.activeAssignments(DEMO_USERS.alice.id).length, 0);
      assert.equal(second.state.data.roleAssignmentScheduleRequests.length, 0);
      assert.equal(second.botApp.clientSecret, secret);
    } finally {
      await second.close();
    }
  });

  it('control endpoints: clock, faults, request log and reset over loopback, never with a bearer token', async () => {
    const t = await startTestTenant();
    try {
      const set = await call(t, 'POST', '/emulator/clock', { body: { set: '2031-05-01T12:00:00Z' } });
      assert.equal(set.status, 200);
      assert.equal(set.json.now, '2031-05-01T12:00:00.000Z');
      assert.equal(t.clock.now().toISOString(), '2031-05-01T12:00:00.000Z');
      assert.equal((await call(t, 'POST', '/emulator/clock', { body: { advanceMs: 60000 } })).json.now, '2031-05-01T12:01:00.000Z');
      await call(t, 'POST', '/emulator/clock', { body: { realTime: true } });

      assert.equal(
        (
          await call(t, 'POST', '/emulator/faults', {
            body: { add: { kind: 'throttle', path: '^/v1\\.0/me$', retryAfterSeconds: 2, count: 1 } },
          })
        ).status,
        204,
      );
      const token = t.tokens.user({ userId: DEMO_USERS.alice.id });
      assert.equal((await call(t, 'GET', '/v1.0/me', { token })).status, 429);
      assert.equal((await call(t, 'POST', '/emulator/faults', { body: { add: { kind: 'sometimes' } } })).status, 400);

      const log = await call(t, 'GET', '/emulator/requests');
      assert.deepEqual(
        log.json.entries.map((e: { path: string; status: number }) => `${e.path} ${e.status}`),
        ['/v1.0/me 429'],
      );

      await call(t, 'POST', `${RM}/roleAssignmentScheduleRequests`, {
        token,
        body: activationBody(DEMO_USERS.alice.id, DEMO_ROLES.globalReader.id),
      });
      assert.equal(t.state.activeAssignments(DEMO_USERS.alice.id).length, 1);
      assert.equal((await call(t, 'POST', '/emulator/reset')).status, 204);
      assert.equal(t.state.activeAssignments(DEMO_USERS.alice.id).length, 0);

      const withToken = await call(t, 'POST', '/emulator/reset', { token });
      assert.equal(withToken.status, 403);
      const fromBrowser = await call(t, 'POST', '/emulator/reset', { headers: { origin: 'https://evil.example' } });
      assert.equal(fromBrowser.status, 403);
    } finally {
      await t.close();
    }
  });
});
