// Production mode over HTTP with nothing stubbed: botframework-connector's real JWT validation
// against a stand-in Bot Framework issuer (the emulator's OpenID metadata + JWKS), the tenant guard,
// the Teams SSO sign-in through a stand-in token service, on-behalf-of through msal-node against the
// emulator, and the bot's replies carrying its own app token. Every log line is captured and scanned.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MemoryStorage, type Activity } from 'botbuilder';
import { loadConfig, type BotConfig } from '../../../bot/config';
import { createJsonLogger } from '../../../bot/logging';
import { createBotApp, type BotApp } from '../../../bot/server';
import { referenceKey } from '../../../bot/conversationDirectory';
import { IDENTITY_MISMATCH_TEXT, SIGN_IN_TEXT, SIGNED_IN_TEXT } from '../../../bot/signIn';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { startBotTokenService, type BotTokenService } from '../../support/botTokenService';
import { cardText } from '../../support/botHarness';
import { startRecordingConnector, type RecordingConnector } from '../../../emulator/stack/recordingConnector';
import { startTestTenant } from '../../../emulator/stack/tenant';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

const ALICE = { id: '29:alice-teams-id', name: DEMO_USERS.alice.displayName, aadObjectId: DEMO_USERS.alice.id };
const BOB = { id: '29:bob-teams-id', name: DEMO_USERS.bob.displayName, aadObjectId: DEMO_USERS.bob.id };
const OTHER_TENANT = '7e570000-0000-4000-8000-0000000000ff';

/** Every log line of every production-mode test in this file; scanned at the end. */
export const productionLogLines: string[] = [];

describe('bot in production mode (Bot Framework JWTs, tenant guard, Teams SSO + on-behalf-of; no stubs)', function () {
  this.timeout(60_000);
  let tenant: Tenant;
  let connector: RecordingConnector;
  let tokenService: BotTokenService;
  let config: BotConfig;
  let app: BotApp;
  let endpoint: string;
  let base: string;
  const storage = new MemoryStorage();
  const issuedTokens: string[] = [];
  /** /readyz answers from a cached result; the test moves this clock past the cache's life. */
  let readinessClock = 0;
  /** What the SDKs print on the console (botframework-connector reports failed validations there) is log output too. */
  const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const originalConsole = consoleMethods.map((m) => console[m]);

  before(async () => {
    for (const m of consoleMethods)
      console[m] = (...args: unknown[]) =>
        void productionLogLines.push(
          args
            .map((a) => (a instanceof Error ? `${a.name}: ${a.message} ${a.stack ?? ''}` : typeof a === 'string' ? a : JSON.stringify(a)))
            .join(' '),
        );
    [tenant, connector, tokenService] = await Promise.all([startTestTenant(), startRecordingConnector(), startBotTokenService('sso')]);
    const appId = tenant.botApp.clientId;
    const loaded = loadConfig({
      MicrosoftAppId: appId,
      MicrosoftAppTenantId: tenant.tenantId,
      MicrosoftAppPassword: tenant.botApp.clientSecret,
      SSO_APP_ID_URI: `api://botid-${appId}`,
      STORAGE_CONNECTION_STRING:
        'DefaultEndpointsProtocol=https;AccountName=unused;AccountKey=dW51c2VkLWtleS12YWx1ZQ==;EndpointSuffix=core.windows.net',
      TOKEN_CACHE_KEY: Buffer.alloc(32, 7).toString('base64'),
      PUBLIC_BASE_URL: 'https://pimbot.contoso.example',
    });
    // The far end changes, nothing else: Entra and Graph are the emulator.
    config = {
      ...loaded,
      services: {
        ...loaded.services,
        authority: tenant.authority,
        knownAuthorities: [tenant.knownAuthority],
        graphBaseUrl: tenant.url,
        armBaseUrl: tenant.url,
      },
    };
    app = createBotApp(config, {
      storage,
      logger: createJsonLogger((line) => productionLogLines.push(line)),
      channelAuth: { openIdMetadataUrl: tenant.botFramework.openIdMetadataUrl, oauthUrl: tokenService.url },
      readinessClock: () => readinessClock,
    });
    const { port } = await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    endpoint = `${base}/api/messages`;
    // The approval sweep's first pass (at start, then every 60 s) reads PIM app-only on every surface:
    // let it finish, so that the counts below see only what the activities cause.
    const byApp = (re: RegExp) =>
      tenant.requestLog.entries().filter((e) => e.caller === appId && e.method === 'GET' && re.test(e.path)).length;
    const firstPassRead = () =>
      byApp(/\/roleManagement\/directory\/roleAssignmentScheduleRequests$/) > 0 &&
      byApp(/\/group\/assignmentScheduleRequests$/) >= tenant.state.data.groups.length &&
      byApp(/^\/subscriptions\/[^/]+\/providers\/Microsoft\.Authorization\/roleAssignmentScheduleRequests$/i) > 0;
    for (let i = 0; i < 200 && !firstPassRead(); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 200));
  });

  after(async () => {
    consoleMethods.forEach((m, i) => (console[m] = originalConsole[i]!));
    await app?.close();
    await Promise.all([tenant?.close(), connector?.close(), tokenService?.close()]);
  });

  function activity(partial: Partial<Activity> = {}, tenantId = tenant.tenantId): Record<string, unknown> {
    return {
      type: 'message',
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: connector.url,
      conversation: { id: `a:${randomUUID()}`, conversationType: 'personal', tenantId },
      channelData: { tenant: { id: tenantId } },
      from: ALICE,
      recipient: { id: `28:${tenant.botApp.clientId}`, name: 'PIM Bot' },
      locale: 'en-US',
      text: 'hi',
      ...partial,
    };
  }

  function channelToken(overrides: { appId?: string; serviceUrl?: string; lifetimeSeconds?: number } = {}): string {
    const token = tenant.botFramework.channelToken({
      appId: overrides.appId ?? tenant.botApp.clientId,
      serviceUrl: overrides.serviceUrl ?? connector.url,
      lifetimeSeconds: overrides.lifetimeSeconds,
    });
    issuedTokens.push(token);
    return token;
  }

  async function post(body: Record<string, unknown>, authorization?: string): Promise<Response> {
    return fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    });
  }

  /** Calls to Entra and Graph; the stand-in Bot Framework issuer's metadata and keys are not PIM. */
  function pimCalls(): number {
    return tenant.requestLog.entries().filter((e) => !e.path.startsWith('/botframework/')).length;
  }

  function forged(): string {
    // Right claims, signed by a key the issuer never published.
    const [h, p] = channelToken().split('.');
    const other = tenant.tokens.user({ userId: DEMO_USERS.alice.id, audience: tenant.botApp.clientId });
    issuedTokens.push(other);
    return `${h}.${p}.${other.split('.')[2]}`;
  }

  it('refuses without a token, with a forged one, a wrong audience, an expired one, or a foreign serviceUrl: 401 and nothing changes', async () => {
    const mark = connector.activities.length;
    const upstream = pimCalls();
    const tokenCalls = tokenService.calls.length;
    const cases: Array<[string, string | undefined]> = [
      ['no token', undefined],
      ['not a JWT', 'Bearer not-a-token'],
      ['forged signature', `Bearer ${forged()}`],
      ['wrong audience', `Bearer ${channelToken({ appId: randomUUID() })}`],
      ['expired', `Bearer ${channelToken({ lifetimeSeconds: -600 })}`],
      ['serviceUrl of another channel', `Bearer ${channelToken({ serviceUrl: 'https://smba.trafficmanager.net/emea/' })}`],
      [
        'an Entra user token, not a channel token',
        `Bearer ${tenant.tokens.user({ userId: DEMO_USERS.alice.id, audience: tenant.botApp.clientId })}`,
      ],
    ];
    for (const [name, authorization] of cases) {
      const response = await post(activity({ text: 'activate global reader' }), authorization);
      assert.equal(response.status, 401, `${name} → ${response.status}`);
      assert.doesNotMatch(await response.text(), /at .+\.(ts|js):\d+/, 'no stack trace');
    }
    assert.equal(connector.activities.length, mark, 'nothing sent to the channel');
    assert.equal(pimCalls(), upstream, 'no call to Entra or Graph');
    assert.equal(tokenService.calls.length, tokenCalls, 'no call to the token service');
  });

  it('a valid channel token from another tenant is refused and changes nothing', async () => {
    const mark = connector.activities.length;
    const upstream = pimCalls();
    for (const body of [
      activity({}, OTHER_TENANT),
      { ...activity(), channelData: { tenant: { id: OTHER_TENANT } } },
      { ...activity(), channelData: {}, conversation: { id: 'a:x', conversationType: 'personal' } },
    ]) {
      const response = await post(body, `Bearer ${channelToken()}`);
      assert.ok(response.status < 500, `answered ${response.status}`);
    }
    const invoke = await post(
      activity(
        { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'approve', data: {} } } },
        OTHER_TENANT,
      ),
      `Bearer ${channelToken()}`,
    );
    assert.equal(invoke.status, 403);
    assert.equal(connector.activities.length, mark, 'nothing sent to the channel');
    assert.equal(pimCalls(), upstream, 'no call to PIM');
  });

  it('without an SSO token the user gets a sign-in card; the Teams token exchange signs her in', async () => {
    tokenService.setUserToken(ALICE.id, undefined);
    const mark = connector.activities.length;
    const response = await post(activity({ text: 'activate global reader' }), `Bearer ${channelToken()}`);
    assert.equal(response.status, 200);
    const [card] = connector.since(mark);
    const oauth = card?.activity.attachments?.[0];
    assert.equal(oauth?.contentType, 'application/vnd.microsoft.card.oauth');
    assert.equal((oauth?.content as { connectionName?: string }).connectionName, 'sso');
    assert.match(JSON.stringify(oauth?.content), new RegExp(SIGN_IN_TEXT.slice(0, 20)));
    assert.match(card!.authorization ?? '', /^Bearer eyJ/, "the reply carries the bot's own app token");
    assert.equal(tenant.state.assignmentRequests(DEMO_USERS.alice.id).length, 0, 'nothing requested');

    // Teams' silent exchange: first refused (→ 412, Teams shows consent), then accepted.
    const sso = tenant.tokens.user({ userId: DEMO_USERS.alice.id, audience: tenant.botApp.clientId, scp: 'access_as_user' });
    issuedTokens.push(sso);
    tokenService.acceptExchange = () => false;
    const refused = await post(
      activity({ type: 'invoke', name: 'signin/tokenExchange', value: { id: 'x1', connectionName: 'sso', token: sso } }),
      `Bearer ${channelToken()}`,
    );
    assert.equal(refused.status, 412);
    tokenService.acceptExchange = () => true;
    const mark2 = connector.activities.length;
    const accepted = await post(
      activity({ type: 'invoke', name: 'signin/tokenExchange', value: { id: 'x2', connectionName: 'sso', token: sso } }),
      `Bearer ${channelToken()}`,
    );
    assert.equal(accepted.status, 200);
    assert.equal(connector.since(mark2)[0]?.activity.text, SIGNED_IN_TEXT);
  });

  it('with the SSO token held for her, she activates a role: one SSO token exchanged on-behalf-of, her own delegated Graph token', async () => {
    const sso = tenant.tokens.user({ userId: DEMO_USERS.alice.id, audience: tenant.botApp.clientId, scp: 'access_as_user' });
    issuedTokens.push(sso);
    tokenService.setUserToken(ALICE.id, sso);
    const conversation = { id: `a:${randomUUID()}`, conversationType: 'personal', tenantId: tenant.tenantId };
    const say = async (text: string) => {
      const mark = connector.activities.length;
      const response = await post({ ...activity({ text }), conversation }, `Bearer ${channelToken()}`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('x-correlation-id') ?? '', /^[0-9a-f-]{36}$/);
      return connector.since(mark).map((r) => r.activity);
    };
    const getTokens = () => tokenService.calls.filter((c) => c.path === '/api/usertoken/GetToken').length;
    const before = getTokens();
    await say('activate global reader');
    await say('90 minutes');
    const replies = await say('Checking audit logs');
    assert.equal(getTokens() - before, 3, 'the SSO token is read from the token service once per turn, then held for the turn');
    assert.match(replies.map((r) => `${r.text ?? ''} ${cardText(r)}`).join('\n'), /Global Reader is active/);
    const active = tenant.state.activeAssignments(DEMO_USERS.alice.id).filter((a) => a.roleDefinitionId === DEMO_ROLES.globalReader.id);
    assert.equal(active.length, 1);
    const created = tenant.requestLog.entries().filter((e) => e.method === 'POST' && e.path.endsWith('/roleAssignmentScheduleRequests'));
    assert.equal(created.at(-1)?.caller, DEMO_USERS.alice.id, "created with Alice's own delegated token");
  });

  it('an activity claiming another user than her SSO token names (from.aadObjectId forged) is refused: nothing at PIM, no card, no directory entry', async () => {
    const sso = tenant.tokens.user({ userId: DEMO_USERS.alice.id, audience: tenant.botApp.clientId, scp: 'access_as_user' });
    issuedTokens.push(sso);
    tokenService.setUserToken(ALICE.id, sso);
    const forgedFrom = { ...ALICE, aadObjectId: DEMO_USERS.bob.id, name: DEMO_USERS.bob.displayName };
    const mark = connector.activities.length;
    const upstream = pimCalls();
    const requests = () =>
      tenant.state.assignmentRequests(DEMO_USERS.alice.id).length + tenant.state.assignmentRequests(DEMO_USERS.bob.id).length;
    const requested = requests();
    for (const text of ['my roles', 'activate global reader for 1h because audit', 'who has Global Administrator']) {
      const response = await post(activity({ text, from: forgedFrom }), `Bearer ${channelToken()}`);
      assert.equal(response.status, 200);
    }
    const replies = connector.since(mark).map((r) => r.activity);
    assert.equal(replies.length, 3);
    for (const reply of replies) {
      assert.equal(reply.text, IDENTITY_MISMATCH_TEXT);
      assert.equal(reply.attachments, undefined, 'no card');
    }
    const invoke = await post(
      activity({
        type: 'invoke',
        name: 'adaptiveCard/action',
        from: forgedFrom,
        value: { action: { type: 'Action.Execute', verb: 'approve', data: { requestId: randomUUID(), surface: 'entraRole', nonce: 'x' } } },
      }),
      `Bearer ${channelToken()}`,
    );
    assert.equal(invoke.status, 403);
    assert.equal(pimCalls(), upstream, 'no call to Entra or Graph (no on-behalf-of exchange either)');
    assert.equal(requests(), requested, 'nothing requested');
    assert.deepEqual(
      await storage.read([referenceKey(DEMO_USERS.bob.id)]),
      {},
      "Alice's chat is not recorded as Bob's (his approval cards would go there)",
    );
    assert.ok(
      productionLogLines.some((l) => /names another user than its SSO token/.test(l) && l.includes(DEMO_USERS.bob.id)),
      'logged',
    );
  });

  it("Teams' SSO token exchange in another user's name is refused (403) and nothing is stored for the sender", async () => {
    tokenService.setUserToken(BOB.id, undefined);
    const aliceSso = tenant.tokens.user({ userId: DEMO_USERS.alice.id, audience: tenant.botApp.clientId, scp: 'access_as_user' });
    issuedTokens.push(aliceSso);
    const response = await post(
      activity({ type: 'invoke', name: 'signin/tokenExchange', from: BOB, value: { id: 'x3', connectionName: 'sso', token: aliceSso } }),
      `Bearer ${channelToken()}`,
    );
    assert.equal(response.status, 403);
    const mark = connector.activities.length;
    await post(activity({ text: 'my roles', from: BOB }), `Bearer ${channelToken()}`);
    assert.equal(
      connector.since(mark)[0]?.activity.attachments?.[0]?.contentType,
      'application/vnd.microsoft.card.oauth',
      'Bob still has to sign in',
    );
  });

  it('an SSO token that does not validate (expired, or signed by an unknown key) is not an identity: sign-in card, nothing at PIM', async () => {
    const expired = tenant.tokens.user({
      userId: DEMO_USERS.alice.id,
      audience: tenant.botApp.clientId,
      scp: 'access_as_user',
      lifetimeSeconds: -900,
    });
    const good = tenant.tokens.user({ userId: DEMO_USERS.alice.id, audience: tenant.botApp.clientId, scp: 'access_as_user' });
    const wrongAudience = tenant.tokens.user({ userId: DEMO_USERS.alice.id, audience: randomUUID(), scp: 'access_as_user' });
    issuedTokens.push(expired, good, wrongAudience);
    const [h, p] = good.split('.');
    const unsigned = `${h}.${p}.${channelToken().split('.')[2]}`;
    const upstream = pimCalls();
    for (const token of [expired, unsigned, wrongAudience]) {
      tokenService.setUserToken(ALICE.id, token);
      const mark = connector.activities.length;
      await post(activity({ text: 'my roles' }), `Bearer ${channelToken()}`);
      assert.equal(connector.since(mark)[0]?.activity.attachments?.[0]?.contentType, 'application/vnd.microsoft.card.oauth');
    }
    assert.equal(pimCalls(), upstream, 'no call to Entra or Graph');
  });

  it('only the msteams channel is served: a Direct Line / Web Chat activity with a valid channel token changes nothing, an invoke gets 403', async () => {
    const sso = tenant.tokens.user({ userId: DEMO_USERS.alice.id, audience: tenant.botApp.clientId, scp: 'access_as_user' });
    issuedTokens.push(sso);
    tokenService.setUserToken(ALICE.id, sso);
    const mark = connector.activities.length;
    const upstream = pimCalls();
    const tokenCalls = tokenService.calls.length;
    for (const channelId of ['directline', 'webchat', 'emulator']) {
      const response = await post(
        activity({ channelId, text: 'activate global reader for 1h because audit', from: BOB }),
        `Bearer ${channelToken()}`,
      );
      assert.ok(response.status < 500, `answered ${response.status}`);
      const invoke = await post(
        activity({
          channelId,
          type: 'invoke',
          name: 'adaptiveCard/action',
          value: { action: { type: 'Action.Execute', verb: 'approve', data: {} } },
        }),
        `Bearer ${channelToken()}`,
      );
      assert.equal(invoke.status, 403, channelId);
    }
    assert.equal(connector.activities.length, mark, 'nothing sent to the channel');
    assert.equal(pimCalls(), upstream, 'no call to PIM');
    assert.equal(tokenService.calls.length, tokenCalls, 'no call to the token service');
    assert.deepEqual(await storage.read([referenceKey(DEMO_USERS.bob.id)]), {});
    assert.ok(
      productionLogLines.some((l) => /channel that is not served/.test(l) && l.includes('directline')),
      'logged',
    );
  });

  it('GET /healthz is alive and /readyz checks storage, the token endpoint and Graph without leaking anything', async () => {
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'alive' });
    const ready = await fetch(`${base}/readyz`);
    const body = await ready.text();
    assert.equal(ready.status, 200, body);
    assert.deepEqual(JSON.parse(body), { status: 'ready', checks: { storage: 'ok', tokenEndpoint: 'ok', graph: 'ok' } });

    tenant.faults.add({ path: '^/v1\\.0/', kind: 'unavailable' });
    readinessClock += 60_000;
    try {
      const down = await fetch(`${base}/readyz`);
      const text = await down.text();
      assert.equal(down.status, 503);
      assert.deepEqual(JSON.parse(text).checks, { storage: 'ok', tokenEndpoint: 'ok', graph: 'failed' });
      assert.doesNotMatch(text, /localhost|https?:|secret|eyJ/i, 'names checks only');
    } finally {
      tenant.faults.clear();
    }
  });

  it('logged JSON lines with a correlation id per turn, and never a token or secret the tests or the emulator issued', () => {
    assert.ok(productionLogLines.length > 0, 'something was logged');
    for (const line of productionLogLines) {
      if (line.startsWith('{"time"')) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        assert.equal(typeof entry.time, 'string');
        assert.ok(['info', 'warn', 'error'].includes(entry.level as string));
      }
      assert.doesNotMatch(line, /eyJ[\w-]+\.[\w-]+/, 'no JWT');
      assert.ok(!line.includes(tenant.botApp.clientSecret), 'no client secret');
      assert.ok(!line.includes('dW51c2VkLWtleS12YWx1ZQ=='), 'no storage key');
      for (const token of issuedTokens) assert.ok(!line.includes(token.split('.')[2]!), 'no token signature');
    }
    assert.ok(
      productionLogLines.some((l) => /"correlationId":"[0-9a-f-]{36}"/.test(l)),
      'turn logs carry a correlation id',
    );
  });

  it("the SDK's reports of refused requests arrive as warn lines of the JSON log, without a stack", () => {
    assert.ok(
      productionLogLines.some((l) => l.startsWith('{"time"') && /"level":"warn"/.test(l) && /Bot Framework SDK reported/.test(l)),
      'the 401s above were reported through the logger',
    );
    for (const line of productionLogLines) {
      assert.doesNotMatch(line, /\n\s+at |\\n\s+at /, 'no stack trace');
      assert.ok(line.startsWith('{"time"'), `only JSON log lines, got: ${line.slice(0, 120)}`);
    }
  });
});
