// Graph's identity-and-access quotas in the emulator, through the real Graph SDK client: off by
// default; when on, the write and resource-unit quotas per app+tenant answer 429 with Retry-After
// and Graph's body, the windows slide on the emulator's clock, and every delegated (on-behalf-of)
// user of the app and the app itself draw from one bucket.
import assert from 'node:assert/strict';
import { Client, GraphError, RetryHandlerOptions, type AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import type { TenantEmulator } from '../../../emulator/tenant';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { startTestTenant } from '../../../emulator/stack/tenant';
import { activationBody, call } from './http';

const REQUESTS = '/roleManagement/directory/roleAssignmentScheduleRequests';
const MINE = `/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')`;
/** Large tenant x 0.001: 8 resource units per 10 s and 3 writes per 150 s per app+tenant. */
const SMALL_QUOTAS = { tenantSize: 'large', quotaScale: 0.001 } as const;

function graphClient(t: TenantEmulator, token: () => string | Promise<string>): Client {
  const authProvider: AuthenticationProvider = { getAccessToken: async () => token() };
  return Client.initWithMiddleware({ authProvider, baseUrl: `${t.url}/`, customHosts: new Set(['localhost']), defaultVersion: 'v1.0' });
}

async function appToken(t: TenantEmulator): Promise<string> {
  const r = await fetch(`${t.authority}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: t.botApp.clientId,
      client_secret: t.botApp.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    }).toString(),
  });
  return ((await r.json()) as { access_token: string }).access_token;
}

/** The SDK would wait the Retry-After and try again; these tests look at the 429 itself. */
const noRetry = [new RetryHandlerOptions(0, 0)];

async function refusal(call: Promise<unknown>): Promise<GraphError> {
  try {
    await call;
  } catch (e) {
    if (e instanceof GraphError) return e;
    throw e;
  }
  assert.fail('expected a 429');
}

describe('emulator: Graph throttling quotas with the real Graph SDK client', () => {
  let t: TenantEmulator;
  const alice = () => graphClient(t, () => t.tokens.user({ userId: DEMO_USERS.alice.id }));
  const dryRun = (client: Client) =>
    client
      .api(REQUESTS)
      .middlewareOptions(noRetry)
      .post(activationBody(DEMO_USERS.alice.id, DEMO_ROLES.globalReader.id, { isValidationOnly: true }));

  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());
  afterEach(async () => {
    t.clock.useRealTime();
    await t.reset();
  });

  it('is off by default: far more than the small quotas go through', async () => {
    const client = alice();
    for (let i = 0; i < 12; i++) await dryRun(client);
    assert.equal(t.throttling.stats().throttled, 0);
  });

  it("refuses the fourth write in 150 s with 429, Retry-After and Graph's body, still serves reads, and lets writes in once the window slid", async () => {
    t.clock.set(new Date('2026-03-02T09:00:00Z'));
    t.throttling.enable(SMALL_QUOTAS);
    const client = alice();
    for (let i = 0; i < 3; i++) {
      await dryRun(client);
      t.clock.advance(10_000); // one write every 10 s
    }
    const e = await refusal(dryRun(client));
    assert.equal(e.statusCode, 429);
    assert.equal(e.code, 'TooManyRequests');
    assert.equal(e.headers?.get('Retry-After'), '120', 'the first write (09:00:00) leaves the 150 s window at 09:02:30; it is 09:00:30');
    assert.equal(e.headers?.get('x-ms-throttle-information'), 'WriteLimitExceeded');
    assert.equal(e.headers?.get('x-ms-throttle-scope'), `Tenant_Application/Write/${t.botApp.clientId}/${t.tenantId}`);
    // The SDK keeps the body's `error` object.
    const error = JSON.parse(String(e.body)) as { code: string; message: string; innerError: Record<string, string> };
    assert.equal(error.message, 'Please retry again later.');
    assert.equal(error.innerError['code'], '429');
    assert.equal(error.innerError['status'], '429');
    assert.match(error.innerError['request-id'] ?? '', /^[0-9a-f-]{36}$/);

    const read = await client.api(MINE).middlewareOptions(noRetry).get();
    assert.ok(Array.isArray(read.value), 'reads have their own (resource-unit) quota');
    assert.equal(
      t.state.assignmentRequests(DEMO_USERS.alice.id).filter((r) => !r.isValidationOnly).length,
      0,
      'the refused write changed nothing',
    );

    t.clock.advance(119_999);
    assert.equal((await refusal(dryRun(client))).statusCode, 429, 'not a moment early');
    t.clock.advance(1);
    await dryRun(client);
    const stats = t.throttling.stats();
    assert.equal(stats.writes, 4);
    assert.equal(stats.throttledByReason.WriteLimitExceeded, 2);
  });

  it('counts resource units per app+tenant: delegated calls of every user of the app and its own app-only calls share one bucket', async () => {
    t.clock.set(new Date('2026-03-02T09:00:00Z'));
    t.throttling.enable(SMALL_QUOTAS);
    // An $expand costs 2 units: four of them fill the 8-unit bucket.
    for (let i = 0; i < 4; i++) await alice().api(MINE).expand('roleDefinition').middlewareOptions(noRetry).get();
    const bob = graphClient(t, () => t.tokens.user({ userId: DEMO_USERS.bob.id }));
    const e = await refusal(bob.api(MINE).middlewareOptions(noRetry).get());
    assert.equal(e.statusCode, 429, "Bob's own first call: the app's bucket is full");
    assert.equal(e.headers?.get('x-ms-throttle-information'), 'ResourceUnitLimitExceeded');
    assert.equal(e.headers?.get('Retry-After'), '10');
    const app = graphClient(t, () => appToken(t));
    assert.equal(
      (
        await refusal(
          app
            .api('/users/' + DEMO_USERS.bob.id)
            .middlewareOptions(noRetry)
            .get(),
        )
      ).statusCode,
      429,
      'app-only calls of the same app too',
    );
    t.clock.advance(10_000);
    await bob.api(MINE).middlewareOptions(noRetry).get();
  });

  it('charges each request inside a JSON batch (units and writes) and answers the ones over the quota with their own 429 inside a 200 batch', async () => {
    // Graph ("Throttling and batching"): requests in a batch are evaluated individually against the
    // limits; one over them fails with 429 inside the batch response, which itself answers 200.
    t.clock.set(new Date('2026-03-02T09:00:00Z'));
    t.throttling.enable(SMALL_QUOTAS);
    const write = (id: string) => ({
      id,
      method: 'POST',
      url: '/roleManagement/directory/roleAssignmentScheduleRequests',
      headers: { 'Content-Type': 'application/json' },
      body: activationBody(DEMO_USERS.alice.id, DEMO_ROLES.globalReader.id, { isValidationOnly: true }),
    });
    type Answer = { id: string; status: number; headers: Record<string, string>; body?: { error?: { code?: string } } };
    const byId = (json: Record<string, unknown>) => new Map((json['responses'] as Answer[]).map((a) => [a.id, a]));
    const token = t.tokens.user({ userId: DEMO_USERS.alice.id });

    const writes = await call(t, 'POST', '/v1.0/$batch', {
      token,
      body: { requests: [write('w1'), write('w2'), write('w3'), write('w4'), { id: 'r1', method: 'GET', url: MINE }] },
    });
    assert.equal(writes.status, 200, 'the batch itself is answered');
    const w = byId(writes.json);
    for (const id of ['w1', 'w2', 'w3']) assert.ok((w.get(id)?.status ?? 0) < 300, `${id}: ${w.get(id)?.status}`);
    assert.equal(w.get('w4')?.status, 429, 'the fourth write of the app in 150 s');
    assert.equal(w.get('w4')?.headers['retry-after'], '150');
    assert.equal(w.get('w4')?.headers['x-ms-throttle-information'], 'WriteLimitExceeded');
    assert.equal(w.get('w4')?.body?.error?.code, 'TooManyRequests');
    assert.equal(w.get('r1')?.status, 200, 'a read after it in the same batch draws on the unit quota');
    let stats = t.throttling.stats();
    assert.deepEqual(
      [stats.requests, stats.writes, stats.resourceUnits, stats.throttledWrites],
      [4, 3, 4, 1],
      'three writes and one read charged, one unit each; the batch itself not at all',
    );
    assert.deepEqual(
      stats.writesByPath,
      { 'POST /v1.0/roleManagement/directory/roleAssignmentScheduleRequests': 3 },
      'the writes let through, by request',
    );

    // 4 of the 8 units are left: two $expand reads (2 units each) fit, the third does not.
    const reads = await call(t, 'POST', '/v1.0/$batch', {
      token,
      body: { requests: ['a', 'b', 'c'].map((id) => ({ id, method: 'GET', url: `${MINE}?$expand=roleDefinition` })) },
    });
    assert.equal(reads.status, 200);
    const r = byId(reads.json);
    assert.deepEqual(
      ['a', 'b', 'c'].map((id) => r.get(id)?.status),
      [200, 200, 429],
    );
    assert.equal(r.get('c')?.headers['x-ms-throttle-information'], 'ResourceUnitLimitExceeded');
    assert.equal(r.get('c')?.headers['retry-after'], '10');
    stats = t.throttling.stats();
    assert.equal(stats.resourceUnits, 8);
    assert.equal(stats.throttledByReason.ResourceUnitLimitExceeded, 1);
  });

  it('is switched off again by reset (per test) and by the control endpoint', async () => {
    t.throttling.enable(SMALL_QUOTAS);
    await t.reset();
    const client = alice();
    for (let i = 0; i < 5; i++) await dryRun(client);
    const on = await fetch(`${t.url}/emulator/throttling`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enable: { tenantSize: 'tiny' } }),
    });
    assert.equal(on.status, 400);
    assert.match(await on.text(), /tenantSize must be small, medium or large/);
    const state = (await (await fetch(`${t.url}/emulator/throttling`)).json()) as { enabled: boolean };
    assert.equal(state.enabled, false);
  });
});
