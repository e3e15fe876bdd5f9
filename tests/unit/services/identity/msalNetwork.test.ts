import assert from 'node:assert/strict';
import sinon from 'sinon';
import { mapMsalError } from '../../../../services/identity/msalErrors';
import { SharedMsalNetwork } from '../../../../services/identity/msalNetwork';

const METADATA_URL = 'https://localhost:1234/tenant/v2.0/.well-known/openid-configuration';

function json(body: object, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'x-ms-request-id': 'r1' } });
}

describe('services/identity SharedMsalNetwork (fetch stubbed)', () => {
  it('fetches authority metadata once for many concurrent first-time apps, until the TTL ends', async () => {
    const now = { t: 0 };
    const fetchStub = sinon
      .stub<Parameters<typeof fetch>, ReturnType<typeof fetch>>()
      .callsFake(async () => json({ token_endpoint: 'https://localhost:1234/t' }));
    const network = new SharedMsalNetwork(fetchStub, 60_000, () => now.t);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => network.sendGetRequestAsync<{ token_endpoint: string }>(METADATA_URL)),
    );
    assert.equal(fetchStub.callCount, 1);
    assert.ok(
      answers.every(
        (a) => a.status === 200 && a.body.token_endpoint === 'https://localhost:1234/t' && a.headers['x-ms-request-id'] === 'r1',
      ),
    );
    now.t = 60_001;
    await network.sendGetRequestAsync(METADATA_URL);
    assert.equal(fetchStub.callCount, 2);
  });

  it('does not keep a failed metadata answer: the next request asks again', async () => {
    const fetchStub = sinon.stub<Parameters<typeof fetch>, ReturnType<typeof fetch>>();
    fetchStub.onFirstCall().resolves(json({ error: 'temporarily_unavailable' }, 503));
    fetchStub.onSecondCall().resolves(json({ token_endpoint: 'x' }));
    const network = new SharedMsalNetwork(fetchStub);
    assert.equal((await network.sendGetRequestAsync(METADATA_URL)).status, 503);
    assert.equal((await network.sendGetRequestAsync(METADATA_URL)).status, 200);
    assert.equal(fetchStub.callCount, 2);
  });

  it('always sends token requests (POST) with their body and headers', async () => {
    const fetchStub = sinon.stub<Parameters<typeof fetch>, ReturnType<typeof fetch>>().callsFake(async () => json({ access_token: 't' }));
    const network = new SharedMsalNetwork(fetchStub);
    await network.sendPostRequestAsync('https://localhost:1234/tenant/oauth2/v2.0/token', {
      body: 'grant_type=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    await network.sendPostRequestAsync('https://localhost:1234/tenant/oauth2/v2.0/token', { body: 'grant_type=a' });
    assert.equal(fetchStub.callCount, 2);
    const init = fetchStub.firstCall.args[1]!;
    assert.equal(init.method, 'POST');
    assert.equal(init.body, 'grant_type=a');
  });

  it("reports an unreachable authority with msal's network_error, which the bot maps to unavailable", async () => {
    const network = new SharedMsalNetwork(
      sinon.stub<Parameters<typeof fetch>, ReturnType<typeof fetch>>().rejects(new TypeError('fetch failed')),
    );
    const error = await network.sendPostRequestAsync('https://localhost:1/token').then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e,
    );
    assert.equal(mapMsalError(error).kind, 'unavailable');
  });
});
