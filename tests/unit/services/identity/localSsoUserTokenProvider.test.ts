import assert from 'node:assert/strict';
import sinon from 'sinon';
import { LocalSsoUserTokenProvider } from '../../../../services/identity/localSsoUserTokenProvider';
import { MsalTokenClient } from '../../../../services/identity/msalTokenClient';
import { OboUserTokenProvider } from '../../../../services/identity/oboUserTokenProvider';
import { PimError } from '../../../../services/pim/errors';
import type { UserContext } from '../../../../services/pim/model';

const alice: UserContext = { userId: '0a11ce00-0000-4000-8000-000000000001', tenantId: 'c0de0000-0000-4000-8000-00000000c0de' };

function jwt(expSeconds: number, n = 0): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part({ exp: expSeconds, n })}.sig`;
}

function setup(now: { t: number }) {
  const msal = sinon.createStubInstance(MsalTokenClient);
  msal.onBehalfOf.resolves('graph-token');
  let issued = 0;
  const fetchStub = sinon.stub<Parameters<typeof fetch>, ReturnType<typeof fetch>>().callsFake(async () => {
    issued += 1;
    return new Response(JSON.stringify({ token: jwt(Math.floor(now.t / 1000) + 3600, issued) }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  });
  const provider = new LocalSsoUserTokenProvider({
    emulatorUrl: 'https://localhost:1234/',
    tenantId: alice.tenantId,
    botClientId: 'bot-app',
    msal,
    now: () => now.t,
    fetch: fetchStub,
  });
  return { msal, fetchStub, provider };
}

describe('services/identity LocalSsoUserTokenProvider (emulator and msal stubbed)', () => {
  it('asks the emulator for the SSO token, then exchanges it on-behalf-of', async () => {
    const now = { t: Date.UTC(2030, 0, 1) };
    const { msal, fetchStub, provider } = setup(now);
    assert.equal(await provider.getUserToken({ user: alice, resource: 'graph' }), 'graph-token');
    const [url, init] = fetchStub.firstCall.args;
    assert.equal(url, `https://localhost:1234/${alice.tenantId}/emulator/sso`);
    assert.equal(init?.method, 'POST');
    assert.deepEqual(JSON.parse(String(init?.body)), { userId: alice.userId, audience: 'bot-app' });
    const [assertion, resource, claims] = msal.onBehalfOf.firstCall.args;
    assert.match(assertion, /^ey/);
    assert.equal(resource, 'graph');
    assert.equal(claims, undefined);
  });

  it('reuses the SSO token until shortly before it expires', async () => {
    const now = { t: Date.UTC(2030, 0, 1) };
    const { fetchStub, msal, provider } = setup(now);
    await provider.getUserToken({ user: alice, resource: 'graph' });
    await provider.getUserToken({ user: alice, resource: 'arm' });
    assert.equal(fetchStub.callCount, 1);
    assert.equal(msal.onBehalfOf.firstCall.args[0], msal.onBehalfOf.secondCall.args[0], 'same assertion keeps msal cache warm');
    now.t += 56 * 60_000; // inside the 5-minute margin of a 60-minute token
    await provider.getUserToken({ user: alice, resource: 'graph' });
    assert.equal(fetchStub.callCount, 2);
  });

  it('forwards a claims challenge to the on-behalf-of request', async () => {
    const { msal, provider } = setup({ t: Date.UTC(2030, 0, 1) });
    await provider.getUserToken({ user: alice, resource: 'graph', claims: '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}' });
    assert.equal(msal.onBehalfOf.firstCall.args[2], '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}');
  });

  it('drops a cached SSO token the token service refuses, and retries once', async () => {
    const { msal, fetchStub, provider } = setup({ t: Date.UTC(2030, 0, 1) });
    await provider.getUserToken({ user: alice, resource: 'graph' });
    msal.onBehalfOf.onSecondCall().rejects(new PimError('authenticationRequired', 'invalid_grant'));
    assert.equal(await provider.getUserToken({ user: alice, resource: 'graph' }), 'graph-token');
    assert.equal(fetchStub.callCount, 2);
  });

  it('passes a step-up demand up at once: a fresh SSO token never carries a step-up', async () => {
    const { msal, fetchStub, provider } = setup({ t: Date.UTC(2030, 0, 1) });
    await provider.getUserToken({ user: alice, resource: 'graph' });
    msal.onBehalfOf.rejects(new PimError('authenticationRequired', 'interaction_required', { claims: '{}' }));
    await assert.rejects(
      provider.getUserToken({ user: alice, resource: 'graph', claims: '{}' }),
      (e: unknown) => e instanceof PimError && e.details.claims === '{}',
    );
    assert.equal(fetchStub.callCount, 1, 'no fresh SSO token fetched');
  });

  it('does not retry a step-up demand the caller did not ask claims for', async () => {
    const { msal, fetchStub, provider } = setup({ t: Date.UTC(2030, 0, 1) });
    await provider.getUserToken({ user: alice, resource: 'graph' });
    msal.onBehalfOf.rejects(new PimError('authenticationRequired', 'interaction_required', { claims: '{}' }));
    await assert.rejects(
      provider.getUserToken({ user: alice, resource: 'graph' }),
      (e: unknown) => e instanceof PimError && e.details.claims === '{}',
    );
    assert.equal(fetchStub.callCount, 1);
  });

  it('maps emulator failures to PimErrors without tokens in them', async () => {
    const msal = sinon.createStubInstance(MsalTokenClient);
    const cases: Array<[() => Promise<Response>, string]> = [
      [async () => new Response('{}', { status: 404 }), 'authenticationRequired'],
      [async () => new Response('{}', { status: 429 }), 'throttled'],
      [async () => new Response('{}', { status: 503 }), 'unavailable'],
      [async () => new Response('{"nope":1}', { status: 200 }), 'unknown'],
      [async () => Promise.reject(new TypeError('fetch failed')), 'unavailable'],
    ];
    for (const [answer, kind] of cases) {
      const provider = new LocalSsoUserTokenProvider({
        emulatorUrl: 'https://localhost:1',
        tenantId: alice.tenantId,
        botClientId: 'b',
        msal,
        fetch: answer,
      });
      await assert.rejects(
        provider.getUserToken({ user: alice, resource: 'graph' }),
        (e: unknown) => e instanceof PimError && e.kind === kind,
      );
    }
    assert.equal(msal.onBehalfOf.callCount, 0);
  });
});

describe('services/identity OboUserTokenProvider', () => {
  it("exchanges the user's incoming SSO token", async () => {
    const msal = sinon.createStubInstance(MsalTokenClient);
    msal.onBehalfOf.resolves('t');
    const provider = new OboUserTokenProvider(msal, async () => 'sso');
    assert.equal(await provider.getUserToken({ user: alice, resource: 'arm' }), 't');
    assert.deepEqual(
      msal.onBehalfOf.firstCall.args,
      ['sso', 'arm', undefined, alice],
      'for the acting user: her cache partition, and refused if the SSO token names anyone else',
    );
  });

  it('without an SSO token the user must sign in', async () => {
    const msal = sinon.createStubInstance(MsalTokenClient);
    const provider = new OboUserTokenProvider(msal, async () => undefined);
    await assert.rejects(
      provider.getUserToken({ user: alice, resource: 'graph' }),
      (e: unknown) => e instanceof PimError && e.kind === 'authenticationRequired',
    );
  });
});
