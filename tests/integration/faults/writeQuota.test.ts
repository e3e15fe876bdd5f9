// The bot under Graph's write quota (the emulator's throttling, not a fault rule). An activation
// whose request PIM refuses with a short Retry-After is sent again inside the same turn (a refused
// POST never ran) and completes; one refused with a longer Retry-After tells the person in plain
// words when to try again (the Retry-After rounded up, not "a minute"), leaves nothing half-done
// in PIM, keeps its hands off the endpoint until then, and the same request goes through after it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, RetryHandlerOptions, type AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import { ALICE_USER, clearActivations } from '../../../emulator/stack/chatUsers';
import { openConversation } from '../../../emulator/stack/chatDriver';
import { GLOBAL_READER_SCRIPT, runActivation, sleep } from '../../../emulator/stack/flows';
import { loadConfig } from '../../../bot/config';
import { createBotApp, type BotApp } from '../../../bot/server';
import { startAzurite } from '../../../emulator/storage/azurite';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { localBotEnv } from '../../../emulator/stack/localBotEnv';
import { startRecordingConnector, type RecordingConnector } from '../../../emulator/stack/recordingConnector';
import { startTestTenant } from '../../../emulator/stack/tenant';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;
type Azurite = Awaited<ReturnType<typeof startAzurite>>;

/** Windows 20x shorter: 2 writes per 7.5 s per app+tenant (the unit quota stays Microsoft's). */
const QUOTA = { tenantSize: 'medium', timeScale: 20, quotaScale: 2 / 3000, scaleResourceUnits: false } as const;
const WRITE_WINDOW_MS = 150_000 / QUOTA.timeScale;

describe('faults: an activation refused by the write quota (429)', function () {
  this.timeout(90_000);
  let tenant: Tenant;
  let azurite: Azurite;
  let azuriteDir: string;
  let connector: RecordingConnector;
  let app: BotApp;
  let endpoint: string;
  const errors: string[] = [];

  before(async () => {
    azuriteDir = mkdtempSync(path.join(tmpdir(), 'pimbot-quota-'));
    [tenant, azurite, connector] = await Promise.all([
      startTestTenant(),
      startAzurite({ location: azuriteDir }),
      startRecordingConnector(),
    ]);
    const config = loadConfig({ PORT: '0', ...localBotEnv(tenant, azurite.connectionString, `quota-${randomUUID().slice(0, 8)}`) });
    app = createBotApp(config, { logger: { info: () => {}, warn: () => {}, error: (m) => void errors.push(m) } });
    endpoint = `http://127.0.0.1:${(await app.listen(0, '127.0.0.1')).port}/api/messages`;
  });

  after(async () => {
    await app?.close();
    await Promise.all([tenant?.close(), azurite?.stop(), connector?.close()]);
    if (azuriteDir) rmSync(azuriteDir, { recursive: true, force: true });
  });

  /** Another client of the same app spends the app's two writes; `ageMs` later the first leaves the window. */
  async function spendTheWrites(ageMs: number): Promise<void> {
    tenant.throttling.enable(QUOTA);
    const authProvider: AuthenticationProvider = { getAccessToken: async () => tenant.tokens.user({ userId: DEMO_USERS.alice.id }) };
    const other = Client.initWithMiddleware({
      authProvider,
      baseUrl: `${tenant.url}/`,
      customHosts: new Set(['localhost']),
      defaultVersion: 'v1.0',
    });
    for (let i = 0; i < 2; i++) {
      await other
        .api('/roleManagement/directory/roleAssignmentScheduleRequests')
        .middlewareOptions([new RetryHandlerOptions(0, 0)])
        .post({
          action: 'selfActivate',
          principalId: DEMO_USERS.alice.id,
          roleDefinitionId: DEMO_ROLES.globalReader.id,
          directoryScopeId: '/',
          justification: 'x',
          isValidationOnly: true,
          scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'PT1H' } },
        });
    }
    // The throttling windows run on the emulator's clock: moved on, the writes look this old.
    tenant.clock.advance(ageMs);
  }

  const requestsInPim = () => tenant.state.assignmentRequests(DEMO_USERS.alice.id).filter((r) => !r.isValidationOnly);

  afterEach(async () => {
    tenant.throttling.disable();
    tenant.clock.useRealTime();
    await clearActivations(tenant, [ALICE_USER]);
  });

  it('says when to try again (the Retry-After in words), changes nothing, does not knock again before then, and succeeds after', async () => {
    const chat = openConversation({ endpoint, connector, tenantId: tenant.tenantId, user: ALICE_USER });
    await chat.say('my roles');
    await spendTheWrites(0);
    const spentAt = Date.now();

    const refused = await runActivation(chat, GLOBAL_READER_SCRIPT);
    assert.equal(refused.outcome, 'message', refused.lastText);
    assert.match(refused.lastText, /PIM is busy/);
    // The 429's Retry-After (a fraction of 7.5 s, too long to wait in the turn) rounded up to words.
    assert.match(refused.lastText, /try again in about 10 seconds/);
    assert.doesNotMatch(refused.lastText, /Error|at .*\.ts|stack/i);
    assert.equal(requestsInPim().length, 0, 'nothing half-done in PIM');
    const throttledOnce = tenant.throttling.stats().throttled;
    assert.equal(throttledOnce, 1, 'not sent again into a long Retry-After');

    // Asked again at once: the bot keeps the Retry-After and answers without knocking on PIM.
    if (Date.now() - spentAt < WRITE_WINDOW_MS - 2_000) {
      const again = await runActivation(chat, GLOBAL_READER_SCRIPT);
      assert.match(again.lastText, /PIM is busy/);
      assert.equal(tenant.throttling.stats().throttled, throttledOnce, 'no second request inside the Retry-After');
    }

    await sleep(Math.max(0, spentAt + WRITE_WINDOW_MS + 1_500 - Date.now()));
    const done = await runActivation(chat, GLOBAL_READER_SCRIPT);
    assert.equal(done.outcome, 'active', done.lastText);
    assert.equal(requestsInPim().length, 1, 'exactly one request');
    assert.deepEqual(errors, []);
  });

  it('sends a request refused with a short Retry-After again after it, in the same turn, and the activation completes', async () => {
    // After the test above: its Retry-After (kept by the bot) has long passed.
    const chat = openConversation({ endpoint, connector, tenantId: tenant.tenantId, user: ALICE_USER });
    await chat.say('my roles');
    // The window frees in 2.5 s: short enough to wait inside the turn.
    await spendTheWrites(WRITE_WINDOW_MS - 2_500);
    tenant.requestLog.clear();

    const done = await runActivation(chat, GLOBAL_READER_SCRIPT);
    assert.equal(done.outcome, 'active', done.lastText);
    assert.equal(requestsInPim().length, 1, 'exactly one request in PIM');
    const posts = tenant.requestLog.entries().filter((e) => e.method === 'POST' && /roleAssignmentScheduleRequests$/.test(e.path));
    assert.deepEqual(
      posts.map((p) => p.status),
      [429, 201],
      'refused once, then sent again once',
    );
    const refusedAt = Date.parse(posts[0]!.time) + posts[0]!.durationMs;
    assert.ok(Date.parse(posts[1]!.time) >= refusedAt + 2_000, 'not before the Retry-After');
    assert.equal(tenant.throttling.stats().throttled, 1);
    assert.deepEqual(errors, []);
  });
});
