// msal-node's real code against the emulator's token endpoint: client credentials and on-behalf-of
// with a client secret and with a certificate (client assertion, SHA-256/PS256 and SHA-1/RS256), one
// SSO token exchanged for Graph and for ARM, and the per-user msal cache persisted encrypted.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { decryptCache, type TokenCacheStore } from '../../../services/identity/encryptedTokenCache';
import { MsalTokenClient, type MsalAppConfig } from '../../../services/identity/msalTokenClient';
import { PimError } from '../../../services/pim/errors';
import { DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { startTestTenant } from '../../../emulator/stack/tenant';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function memoryStore(): TokenCacheStore & { blobs: Map<string, string> } {
  const blobs = new Map<string, string>();
  return { blobs, read: async (k) => blobs.get(k), write: async (k, v) => void blobs.set(k, v) };
}

describe('identity: msal-node with a secret or a certificate, on-behalf-of for Graph and ARM, encrypted per-user cache', function () {
  this.timeout(30_000);
  let tenant: Tenant;
  before(async () => {
    tenant = await startTestTenant();
  });
  after(async () => tenant?.close());

  function client(credential: 'secret' | 'sha256' | 'sha1', extra: Partial<MsalAppConfig> = {}): MsalTokenClient {
    const c = tenant.botApp.certificate;
    const cred =
      credential === 'secret'
        ? { clientSecret: tenant.botApp.clientSecret }
        : {
            clientCertificate:
              credential === 'sha256'
                ? { thumbprintSha256: c.thumbprintSha256, privateKey: c.privateKeyPem }
                : { thumbprint: c.thumbprint, privateKey: c.privateKeyPem },
          };
    return new MsalTokenClient({
      clientId: tenant.botApp.clientId,
      authority: tenant.authority,
      knownAuthorities: [tenant.knownAuthority],
      ...cred,
      ...extra,
    });
  }

  function sso(userId: string = DEMO_USERS.alice.id): string {
    return tenant.tokens.user({ userId, audience: tenant.botApp.clientId, scp: 'access_as_user' });
  }

  for (const credential of ['secret', 'sha256', 'sha1'] as const) {
    it(`client credentials and on-behalf-of (Graph and ARM from one SSO token) with ${credential === 'secret' ? 'a client secret' : `a certificate (${credential} thumbprint)`}`, async () => {
      const msal = client(credential);
      const app = claims(await msal.clientCredentials('graph'));
      assert.equal(app.idtyp, 'app');
      assert.equal(app.appid, tenant.botApp.clientId);
      const assertion = sso();
      const graph = claims(await msal.onBehalfOf(assertion, 'graph'));
      const arm = claims(await msal.onBehalfOf(assertion, 'arm'));
      assert.equal(graph.aud, 'https://graph.microsoft.com');
      assert.equal(arm.aud, 'https://management.azure.com');
      for (const t of [graph, arm]) assert.equal(t.oid, DEMO_USERS.alice.id, "the user's own identity");
    });
  }

  it('the same exchange asked for concurrently goes to the token endpoint once (app-only too); a step-up always goes', async () => {
    const msal = client('secret');
    const assertion = sso();
    const tokenCalls = () =>
      tenant.requestLog.entries().filter((e) => e.method === 'POST' && /\/oauth2\/v2\.0\/token$/.test(e.path)).length;
    const before = tokenCalls();
    const user = { tenantId: tenant.tenantId, userId: DEMO_USERS.alice.id };
    const graph = await Promise.all(Array.from({ length: 5 }, () => msal.onBehalfOf(assertion, 'graph', undefined, user)));
    const arm = await Promise.all(Array.from({ length: 3 }, () => msal.onBehalfOf(assertion, 'arm', undefined, user)));
    const apps = await Promise.all(Array.from({ length: 4 }, () => msal.clientCredentials('graph')));
    assert.equal(new Set(graph).size, 1);
    assert.equal(new Set(arm).size, 1);
    assert.equal(new Set(apps).size, 1);
    assert.equal(tokenCalls() - before, 3, 'one exchange per resource, one app token');
    assert.equal(claims(arm[0]!).aud, 'https://management.azure.com');
    const stepUp = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
    await Promise.allSettled([msal.onBehalfOf(assertion, 'graph', stepUp, user), msal.onBehalfOf(assertion, 'graph', stepUp, user)]);
    assert.equal(tokenCalls() - before, 5, 'a claims challenge is never shared or cached');
  });

  it('a certificate whose private key does not match the registered one is refused', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const msal = new MsalTokenClient({
      clientId: tenant.botApp.clientId,
      authority: tenant.authority,
      knownAuthorities: [tenant.knownAuthority],
      clientCertificate: {
        thumbprintSha256: tenant.botApp.certificate.thumbprintSha256,
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    });
    await assert.rejects(
      msal.clientCredentials('graph'),
      (e: unknown) => e instanceof PimError && e.details.upstreamCode === 'invalid_client',
    );
  });

  it("keeps each user's tokens in their own encrypted cache blob, reusable by another bot instance with the key", async () => {
    const store = memoryStore();
    const key = Buffer.alloc(32, 3);
    const first = client('sha256', { cacheStore: store, cacheKey: key });
    const aliceSso = sso();
    const bobSso = sso(DEMO_USERS.bob.id);
    const aliceToken = await first.onBehalfOf(aliceSso, 'graph');
    await first.onBehalfOf(bobSso, 'graph');
    const partitions = [...store.blobs.keys()].sort();
    assert.deepEqual(partitions, [`msal-${tenant.tenantId}.${DEMO_USERS.alice.id}`, `msal-${tenant.tenantId}.${DEMO_USERS.bob.id}`].sort());
    for (const [partition, blob] of store.blobs) {
      for (const clear of [aliceToken, aliceSso, bobSso, '"AccessToken"', '"secret"'])
        assert.ok(!blob.includes(clear), 'only ciphertext in storage');
      assert.ok(decryptCache(blob, key, partition));
      assert.equal(decryptCache(blob, Buffer.alloc(32, 4), partition), undefined, 'another key cannot read it');
    }
    const aliceBlob = store.blobs.get(`msal-${tenant.tenantId}.${DEMO_USERS.alice.id}`)!;
    assert.equal(
      decryptCache(aliceBlob, key, `msal-${tenant.tenantId}.${DEMO_USERS.bob.id}`),
      undefined,
      "Alice's blob does not open as Bob's",
    );
    assert.ok(!decryptCache(aliceBlob, key, `msal-${tenant.tenantId}.${DEMO_USERS.alice.id}`)!.includes(bobSso.split('.')[2]!));

    const tokenCalls = () => tenant.requestLog.entries().filter((e) => e.path.endsWith('/oauth2/v2.0/token')).length;
    const before = tokenCalls();
    const second = client('sha256', { cacheStore: store, cacheKey: key });
    assert.equal(await second.onBehalfOf(aliceSso, 'graph'), aliceToken, 'served from the shared encrypted cache');
    assert.equal(tokenCalls(), before, 'no token request');
    const wrongKey = client('sha256', { cacheStore: store, cacheKey: Buffer.alloc(32, 9) });
    await wrongKey.onBehalfOf(aliceSso, 'graph');
    assert.equal(tokenCalls(), before + 1, 'an unreadable blob means a fresh token, not a failure');
  });
});
