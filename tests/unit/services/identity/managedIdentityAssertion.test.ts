// The federated credential's assertion source: one request to the host's identity endpoint for
// concurrent callers, the token reused until shortly before it expires, and a clear error otherwise.
import assert from 'node:assert/strict';
import { managedIdentityAssertion, TOKEN_EXCHANGE_AUDIENCE } from '../../../../services/identity/managedIdentityAssertion';

describe('managedIdentityAssertion (secretless app credential)', () => {
  let now = 1_800_000_000;
  const requests: Array<{ url: URL; header: string | null }> = [];
  let answer: () => Response = () =>
    new Response(JSON.stringify({ access_token: `mi-token-${requests.length}`, expires_on: String(now + 3600) }), { status: 200 });
  const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: new URL(String(input)), header: new Headers(init?.headers).get('x-identity-header') });
    await new Promise((r) => setImmediate(r));
    return answer();
  }) as typeof fetch;
  const source = () =>
    managedIdentityAssertion({
      endpoint: 'http://localhost:42356/msi/token',
      header: 'host-header',
      clientId: 'mi-client-id',
      fetch: fakeFetch,
      nowSeconds: () => now,
    });

  beforeEach(() => (requests.length = 0));

  it('asks the identity endpoint (Container Apps form) for the token exchange audience, once for concurrent callers, and reuses the token until 5 minutes before expiry', async () => {
    const assertion = source();
    const tokens = await Promise.all([assertion(), assertion(), assertion()]);
    assert.deepEqual(tokens, ['mi-token-1', 'mi-token-1', 'mi-token-1']);
    assert.equal(requests.length, 1);
    const { url, header } = requests[0]!;
    assert.equal(header, 'host-header');
    assert.equal(url.searchParams.get('api-version'), '2019-08-01');
    assert.equal(url.searchParams.get('resource'), TOKEN_EXCHANGE_AUDIENCE);
    assert.equal(url.searchParams.get('client_id'), 'mi-client-id');
    now += 3600 - 301;
    assert.equal(await assertion(), 'mi-token-1');
    now += 2;
    assert.equal(await assertion(), 'mi-token-2', 'fetched again near expiry');
  });

  it('an error answer or a body without a token is a clear error, and the next call tries again', async () => {
    const assertion = source();
    answer = () => new Response('{"statusCode":401}', { status: 401 });
    await assert.rejects(assertion(), /managed identity endpoint answered 401/);
    answer = () => new Response('{"expires_on":"1"}', { status: 200 });
    await assert.rejects(assertion(), /no usable token/);
    answer = () => new Response(JSON.stringify({ access_token: 'ok', expires_on: String(now + 3600) }), { status: 200 });
    assert.equal(await assertion(), 'ok');
  });
});
