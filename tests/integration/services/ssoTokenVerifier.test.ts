// The production SSO token check against a real OpenID authority (the emulator's metadata and JWKS,
// over HTTPS): only a token the authority signed, for this bot, in an allowed tenant, still valid,
// is an identity; an unknown key id cannot make it fetch the keys over and over.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { SsoTokenVerifier } from '../../../services/identity/ssoTokenVerifier';
import { tenantPerSuite } from '../../support/tenant';

describe('SsoTokenVerifier (emulator as the authority)', function () {
  this.timeout(20_000);
  const tenant = tenantPerSuite();
  const appIdUri = () => `api://botid-${tenant().botApp.clientId}`;
  const verifier = (options: { allowedTenantIds?: string[]; fetch?: typeof fetch } = {}) =>
    new SsoTokenVerifier({
      authority: tenant().authority,
      audiences: [tenant().botApp.clientId, appIdUri()],
      allowedTenantIds: options.allowedTenantIds ?? [tenant().tenantId],
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  const sso = (o: { audience?: string; lifetimeSeconds?: number; userId?: string } = {}) =>
    tenant().tokens.user({
      userId: o.userId ?? DEMO_USERS.alice.id,
      audience: o.audience ?? tenant().botApp.clientId,
      scp: 'access_as_user',
      ...(o.lifetimeSeconds !== undefined ? { lifetimeSeconds: o.lifetimeSeconds } : {}),
    });

  it("a valid SSO token (v2 audience = app id, or the Application ID URI) names its user's oid and tid", async () => {
    const v = verifier();
    assert.deepEqual(await v.verify(sso()), { ok: true, identity: { userId: DEMO_USERS.alice.id, tenantId: tenant().tenantId } });
    assert.deepEqual(await v.verify(sso({ audience: appIdUri(), userId: DEMO_USERS.bob.id })), {
      ok: true,
      identity: { userId: DEMO_USERS.bob.id, tenantId: tenant().tenantId },
    });
  });

  it('refuses a forged signature, a changed payload, another audience, an expired token, a tenant not served, and junk', async () => {
    const v = verifier();
    const good = sso();
    const [h, p, sig] = good.split('.') as [string, string, string];
    const bobPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString('utf8')), oid: DEMO_USERS.bob.id }),
    ).toString('base64url');
    const cases: Array<[string, string, string]> = [
      ['payload changed (oid → Bob)', `${h}.${bobPayload}.${sig}`, 'signature'],
      ['the signature of another token', `${h}.${p}.${sso({ userId: DEMO_USERS.bob.id }).split('.')[2]}`, 'signature'],
      ['alg none', `${Buffer.from('{"alg":"none","kid":"x"}').toString('base64url')}.${p}.`, 'malformed'],
      ['another audience', sso({ audience: randomUUID() }), 'audience'],
      ['Graph audience', sso({ audience: 'https://graph.microsoft.com' }), 'audience'],
      ['expired', sso({ lifetimeSeconds: -900 }), 'expired'],
      ['not a JWT', 'not-a-token', 'malformed'],
    ];
    for (const [name, token, reason] of cases) assert.deepEqual(await v.verify(token), { ok: false, reason }, name);
    assert.deepEqual(await verifier({ allowedTenantIds: [randomUUID()] }).verify(good), { ok: false, reason: 'tenant' });
  });

  it('fetches the metadata and keys once, and again at most once a minute for unknown key ids', async () => {
    const fetched: string[] = [];
    const counting: typeof fetch = (input, init) => {
      fetched.push(String(input));
      return fetch(input, init);
    };
    const v = verifier({ fetch: counting });
    for (let i = 0; i < 3; i++) assert.equal((await v.verify(sso())).ok, true);
    const [, p, sig] = sso().split('.');
    for (let i = 0; i < 20; i++) {
      const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: `unknown-${i}` })).toString('base64url');
      assert.deepEqual(await v.verify(`${header}.${p}.${sig}`), { ok: false, reason: 'signature' });
    }
    assert.equal(fetched.length, 2, `metadata + keys once: ${fetched.join(', ')}`);
  });

  it('an unreachable authority is reported as such, not as a bad token', async () => {
    const down: typeof fetch = async () => new Response('{}', { status: 503 });
    assert.deepEqual(await verifier({ fetch: down }).verify(sso()), { ok: false, reason: 'keysUnavailable' });
  });
});
