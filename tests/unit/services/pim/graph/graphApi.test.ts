// GraphApi over the real Graph SDK client, with only the global fetch the SDK calls replaced.
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { PimError } from '../../../../../services/pim/errors';
import { GraphApi } from '../../../../../services/pim/graph/graphApi';

type FetchStub = sinon.SinonStub<Parameters<typeof fetch>, ReturnType<typeof fetch>>;

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

function urlOf(call: sinon.SinonSpyCall<Parameters<typeof fetch>>): string {
  const [input] = call.args;
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

/** An unsigned token with the claims GraphApi reads (tenant and object id). */
function jwt(tid: string, oid: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ tid, oid })}.sig`;
}

function authOf(call: sinon.SinonSpyCall<Parameters<typeof fetch>>): string | null {
  const [input, init] = call.args;
  const headers = new Headers(input instanceof Request ? input.headers : init?.headers);
  return headers.get('Authorization');
}

describe('services/pim/graph GraphApi (real SDK client, fetch replaced)', () => {
  let fetchStub: FetchStub;
  beforeEach(() => {
    fetchStub = sinon.stub(globalThis, 'fetch');
  });
  afterEach(() => sinon.restore());

  it("sends the caller's token to a local custom host and builds OData queries", async () => {
    fetchStub.resolves(json({ value: [] }));
    const graph = new GraphApi({ baseUrl: 'https://localhost:8443' });
    await graph.list('tok-A', "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')", {
      expand: 'roleDefinition',
    });
    assert.equal(
      urlOf(fetchStub.firstCall),
      "https://localhost:8443/v1.0/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition",
    );
    assert.equal(authOf(fetchStub.firstCall), 'Bearer tok-A');
  });

  it('follows @odata.nextLink on the same origin', async () => {
    fetchStub.onFirstCall().resolves(json({ value: [1], '@odata.nextLink': 'https://localhost:8443/v1.0/things?$skiptoken=abc' }));
    fetchStub.onSecondCall().resolves(json({ value: [2] }));
    const graph = new GraphApi({ baseUrl: 'https://localhost:8443' });
    assert.deepEqual(await graph.list('tok', '/things'), [1, 2]);
    assert.equal(urlOf(fetchStub.secondCall), 'https://localhost:8443/v1.0/things?$skiptoken=abc');
    assert.equal(authOf(fetchStub.secondCall), 'Bearer tok');
  });

  it('refuses a nextLink to another host (the token would follow it)', async () => {
    fetchStub.resolves(json({ value: [1], '@odata.nextLink': 'https://graph.microsoft.com/v1.0/things?$skiptoken=abc' }));
    const graph = new GraphApi({ baseUrl: 'https://localhost:8443' });
    await assert.rejects(graph.list('tok', '/things'), (e: unknown) => e instanceof PimError && e.kind === 'unknown');
    assert.equal(fetchStub.callCount, 1);
  });

  it('maps Graph error bodies once, to PimErrors', async () => {
    fetchStub.resolves(json({ error: { code: 'RoleAssignmentExists', message: 'The Role assignment already exists.' } }, 400));
    const graph = new GraphApi({ baseUrl: 'https://graph.microsoft.com' });
    await assert.rejects(graph.post('tok', '/x', {}), (e: unknown) => e instanceof PimError && e.kind === 'alreadyActive');
  });

  it('reports 429 with Retry-After instead of sleeping on it', async () => {
    fetchStub.resolves(json({ error: { code: 'TooManyRequests', message: 'slow down' } }, 429, { 'Retry-After': '30' }));
    const graph = new GraphApi({ baseUrl: 'https://localhost:8443', retry: { maxRetries: 3, delaySeconds: 0 } });
    await assert.rejects(
      graph.get('tok', '/x'),
      (e: unknown) => e instanceof PimError && e.kind === 'throttled' && e.details.retryAfterSeconds === 30,
    );
    assert.equal(fetchStub.callCount, 1);
  });

  it("while a short Retry-After is waited out inline, the same caller's other calls to that path do not go out", async () => {
    fetchStub.onFirstCall().resolves(json({ error: { code: 'TooManyRequests', message: 'slow down' } }, 429, { 'Retry-After': '1' }));
    fetchStub.resolves(json({ ok: true }));
    const graph = new GraphApi({ baseUrl: 'https://localhost:8443', retry: { maxRetries: 1, delaySeconds: 0 } });
    const first = graph.get('tok', '/x');
    while (fetchStub.callCount === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    await assert.rejects(graph.get('tok', '/x'), (e: unknown) => e instanceof PimError && e.kind === 'throttled');
    assert.deepEqual(await first, { ok: true }, 'the throttled call itself is retried after its Retry-After');
    assert.equal(fetchStub.callCount, 2, 'the 429, then its own retry: nothing else went out');
  });

  it('retries a GET after 503 but never a POST', async () => {
    fetchStub.onFirstCall().resolves(json({ error: { code: 'ServiceUnavailable', message: '' } }, 503));
    fetchStub.onSecondCall().resolves(json({ ok: true }));
    const graph = new GraphApi({ baseUrl: 'https://localhost:8443', retry: { maxRetries: 1, delaySeconds: 0 } });
    assert.deepEqual(await graph.get('tok', '/x'), { ok: true });
    assert.equal(fetchStub.callCount, 2);

    fetchStub.resetHistory();
    fetchStub.resolves(json({ error: { code: 'ServiceUnavailable', message: '' } }, 503));
    await assert.rejects(graph.post('tok', '/x', {}), (e: unknown) => e instanceof PimError && e.kind === 'unavailable');
    assert.equal(fetchStub.callCount, 1);
  });

  it('sends a write refused with 429 again after its Retry-After (it never ran); meanwhile every write of the app to that tenant waits in line behind it', async () => {
    const tooMany = (retryAfter: string) =>
      json({ error: { code: 'TooManyRequests', message: 'slow down' } }, 429, { 'Retry-After': retryAfter });
    const sent: Array<{ url: string; at: number }> = [];
    let refuse = 1;
    fetchStub.callsFake(async (input) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      sent.push({ url, at: Date.now() });
      return refuse-- > 0 ? tooMany('0.5') : json({ id: `req-${sent.length}` }, 201);
    });
    const graph = new GraphApi({ baseUrl: 'https://localhost:8443', retry: { maxRetries: 0, delaySeconds: 0 } });
    const first = graph.post(jwt('tenant-1', 'alice'), '/x', { a: 1 });
    while (sent.length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    // Another person, another path, the same tenant: the app's write quota is spent for them too.
    const second = graph.patch(jwt('tenant-1', 'bob'), '/y', { b: 2 });
    // Another tenant has its own quota: not held.
    const elsewhere = graph.post(jwt('tenant-2', 'carol'), '/z', {});
    assert.deepEqual(await elsewhere, { id: 'req-2' });
    assert.deepEqual(await first, { id: 'req-3' });
    assert.deepEqual(await second, { id: 'req-4' });
    assert.deepEqual(
      sent.map((s) => new URL(s.url).pathname),
      ['/v1.0/x', '/v1.0/z', '/v1.0/x', '/v1.0/y'],
      'the refused write first when the line reopens, then the one that waited',
    );
    assert.ok(sent[2]!.at - sent[0]!.at >= 500, 'not before the Retry-After');
  });

  it('answers a write whose Retry-After is longer than the turn can wait at once, with its time; never re-sends after a 503', async () => {
    fetchStub.callsFake(async () => json({ error: { code: 'TooManyRequests', message: 'slow down' } }, 429, { 'Retry-After': '6' }));
    const graph = new GraphApi({ baseUrl: 'https://localhost:8443', retry: { maxRetries: 0, delaySeconds: 0 } });
    await assert.rejects(
      graph.post(jwt('t', 'alice'), '/y', {}),
      (e: unknown) => e instanceof PimError && e.kind === 'throttled' && e.details.retryAfterSeconds === 6,
    );
    assert.equal(fetchStub.callCount, 1);
    // Asked again inside it: told at once, without knocking.
    await assert.rejects(graph.post(jwt('t', 'bob'), '/y', {}), (e: unknown) => e instanceof PimError && e.kind === 'throttled');
    assert.equal(fetchStub.callCount, 1);

    fetchStub.resetHistory();
    fetchStub.callsFake(async () => json({ error: { code: 'ServiceUnavailable', message: '' } }, 503));
    await assert.rejects(graph.patch(jwt('u', 'alice'), '/d', {}), (e: unknown) => e instanceof PimError && e.kind === 'unavailable');
    assert.equal(fetchStub.callCount, 1);
  });

  it('network failure → unavailable', async () => {
    fetchStub.rejects(new TypeError('fetch failed'));
    const graph = new GraphApi({ baseUrl: 'https://localhost:8443', retry: { maxRetries: 0, delaySeconds: 0 } });
    await assert.rejects(graph.get('tok', '/x'), (e: unknown) => e instanceof PimError && e.kind === 'unavailable');
  });

  it('refuses a plain-http base URL', () => {
    assert.throws(() => new GraphApi({ baseUrl: 'http://localhost:8080' }), PimError);
  });
});
