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

  it("sends a POST refused with 429 and a short Retry-After again (it never ran), the caller's other calls there held back meanwhile", async () => {
    const tooMany = (retryAfter: string) =>
      json({ error: { code: 'TooManyRequests', message: 'slow down' } }, 429, { 'Retry-After': retryAfter });
    fetchStub.onFirstCall().resolves(tooMany('0.5'));
    fetchStub.resolves(json({ id: 'req-1' }, 201));
    const graph = new GraphApi({ baseUrl: 'https://localhost:8443', retry: { maxRetries: 0, delaySeconds: 0 } });
    const first = graph.post('tok', '/x', { a: 1 });
    while (fetchStub.callCount === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    await assert.rejects(graph.post('tok', '/x', { a: 2 }), (e: unknown) => e instanceof PimError && e.kind === 'throttled');
    assert.deepEqual(await first, { id: 'req-1' });
    assert.equal(fetchStub.callCount, 2, 'the 429, then the same POST once more; the other call did not go out');

    // A Retry-After longer than the turn can wait goes back to the person, with its time.
    fetchStub.reset();
    fetchStub.resolves(tooMany('6'));
    await assert.rejects(
      graph.post('tok', '/y', {}),
      (e: unknown) => e instanceof PimError && e.kind === 'throttled' && e.details.retryAfterSeconds === 6,
    );
    assert.equal(fetchStub.callCount, 1);

    // Bounded: at most two re-sends, however short the Retry-After.
    fetchStub.reset();
    fetchStub.resolves(tooMany('0.1'));
    await assert.rejects(graph.post('tok', '/z', {}), (e: unknown) => e instanceof PimError && e.kind === 'throttled');
    assert.equal(fetchStub.callCount, 3);
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
