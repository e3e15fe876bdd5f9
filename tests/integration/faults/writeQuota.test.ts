// The bot under Graph's write quota (the emulator's throttling, not a fault rule): the activation
// whose request PIM refuses with 429 tells the person in plain words when to try again, leaves
// nothing half-done in PIM, keeps its hands off the endpoint until then (the Retry-After that
// Graph sends with a fraction is read, not ignored), and the same request goes through after it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, RetryHandlerOptions, type AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import { ALICE_USER } from '../../../emulator/stack/chatUsers';
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
    [tenant, azurite, connector] = await Promise.all([startTestTenant(), startAzurite({ location: azuriteDir }), startRecordingConnector()]);
    const config = loadConfig({ PORT: '0', ...localBotEnv(tenant, azurite.connectionString, `quota-${randomUUID().slice(0, 8)}`) });
    app = createBotApp(config, { logger: { info: () => {}, warn: () => {}, error: (m) => void errors.push(m) } });
    endpoint = `http://127.0.0.1:${(await app.listen(0, '127.0.0.1')).port}/api/messages`;
  });

  after(async () => {
    await app?.close();
    await Promise.all([tenant?.close(), azurite?.stop(), connector?.close()]);
    if (azuriteDir) rmSync(azuriteDir, { recursive: true, force: true });
  });

  it('says when to try again, changes nothing, does not knock again before then, and succeeds after', async () => {
    const chat = openConversation({ endpoint, connector, tenantId: tenant.tenantId, user: ALICE_USER });
    // Warm up first (tokens, eligibilities), then switch the quota on and spend one write of the
    // app's two with another client of the same app: the bot's dry run takes the second, and PIM
    // refuses the request itself.
    await chat.say('my roles');
    tenant.throttling.enable(QUOTA);
    const authProvider: AuthenticationProvider = { getAccessToken: async () => tenant.tokens.user({ userId: DEMO_USERS.alice.id }) };
    const other = Client.initWithMiddleware({ authProvider, baseUrl: `${tenant.url}/`, customHosts: new Set(['localhost']), defaultVersion: 'v1.0' });
    await other
      .api('/roleManagement/directory/roleAssignmentScheduleRequests')
      .middlewareOptions([new RetryHandlerOptions(0, 0)])
      .post({ action: 'selfActivate', principalId: DEMO_USERS.alice.id, roleDefinitionId: DEMO_ROLES.globalReader.id, directoryScopeId: '/', justification: 'x', isValidationOnly: true, scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'PT1H' } } });
    const spentAt = Date.now();

    const refused = await runActivation(chat, GLOBAL_READER_SCRIPT);
    assert.equal(refused.outcome, 'message', refused.lastText);
    assert.match(refused.lastText, /PIM is busy/);
    // From the 429's Retry-After (a fraction of 7.5 s), rounded up to words: not the "in a minute" said when no time is known.
    assert.match(refused.lastText, /try again in about 1 minute/);
    assert.doesNotMatch(refused.lastText, /Error|at .*\.ts|stack/i);
    assert.equal(tenant.state.assignmentRequests(DEMO_USERS.alice.id).filter((r) => !r.isValidationOnly).length, 0, 'nothing half-done in PIM');
    const throttledOnce = tenant.throttling.stats().throttled;
    assert.equal(throttledOnce, 1);

    // Asked again at once: the bot keeps the Retry-After and answers without knocking on PIM.
    if (Date.now() - spentAt < WRITE_WINDOW_MS - 2_000) {
      const again = await runActivation(chat, GLOBAL_READER_SCRIPT);
      assert.match(again.lastText, /PIM is busy/);
      assert.equal(tenant.throttling.stats().throttled, throttledOnce, 'no second request inside the Retry-After');
    }

    await sleep(Math.max(0, spentAt + WRITE_WINDOW_MS + 1_500 - Date.now()));
    const done = await runActivation(chat, GLOBAL_READER_SCRIPT);
    assert.equal(done.outcome, 'active', done.lastText);
    assert.equal(tenant.state.assignmentRequests(DEMO_USERS.alice.id).filter((r) => !r.isValidationOnly).length, 1, 'exactly one request');
    assert.deepEqual(errors, []);
  });
});
