// msal-node's real ConfidentialClientApplication against the local tenant, and Graph's token checks.
import assert from 'node:assert/strict';
import { ConfidentialClientApplication, CryptoProvider, InteractionRequiredAuthError } from '@azure/msal-node';
import type { TenantEmulator } from '../../../emulator/tenant';
import { DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { signJwt, signingKeyFromPem } from '../../../emulator/tenant/identity/jwt';
import { startTestTenant } from '../../../emulator/stack/tenant';
import { call } from './http';
import { generateKeyPairSync } from 'node:crypto';

const GRAPH = 'https://graph.microsoft.com/.default';

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('emulator identity with real msal-node', () => {
  let t: TenantEmulator;
  let cca: ConfidentialClientApplication;

  before(async () => {
    t = await startTestTenant();
    cca = new ConfidentialClientApplication({
      auth: {
        clientId: t.botApp.clientId,
        clientSecret: t.botApp.clientSecret,
        authority: t.authority,
        knownAuthorities: [t.knownAuthority],
      },
    });
  });
  after(() => t.close());

  async function ssoToken(userId: string): Promise<string> {
    const r = await call(t, 'POST', `/${t.tenantId}/emulator/sso`, { body: { userId, audience: t.botApp.clientId } });
    assert.equal(r.status, 200);
    return r.json.token as string;
  }

  it('issues app-only tokens through client credentials, with the app permissions as roles', async () => {
    const r = await cca.acquireTokenByClientCredential({ scopes: [GRAPH] });
    assert.ok(r?.accessToken);
    const c = claimsOf(r.accessToken);
    assert.equal(c.aud, 'https://graph.microsoft.com');
    assert.equal(c.iss, `${t.authority}/v2.0`);
    assert.equal(c.idtyp, 'app');
    assert.ok((c.roles as string[]).includes('RoleManagement.Read.Directory'));
    const me = await call(t, 'GET', '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances', { token: r.accessToken });
    assert.equal(me.status, 200);
  });

  it('issues ARM tokens for the management audience', async () => {
    const r = await cca.acquireTokenByClientCredential({ scopes: ['https://management.azure.com/.default'] });
    assert.equal(claimsOf(r!.accessToken).aud, 'https://management.azure.com');
  });

  it('exchanges the emulated Teams SSO token on behalf of the user, carrying identity and MFA over', async () => {
    const sso = await ssoToken(DEMO_USERS.alice.id);
    const sc = claimsOf(sso);
    assert.equal(sc.aud, t.botApp.clientId);
    assert.equal(sc.scp, 'access_as_user');
    assert.deepEqual(sc.amr, ['pwd', 'mfa']);
    assert.equal(sc.acrs, undefined);
    const r = await cca.acquireTokenOnBehalfOf({ oboAssertion: sso, scopes: [GRAPH] });
    const c = claimsOf(r!.accessToken);
    assert.equal(c.oid, DEMO_USERS.alice.id);
    assert.equal(c.tid, t.tenantId);
    assert.equal(c.preferred_username, DEMO_USERS.alice.userPrincipalName);
    assert.deepEqual(c.amr, ['pwd', 'mfa']);
    assert.match(String(c.scp), /RoleAssignmentSchedule\.ReadWrite\.Directory/);
    const me = await call(t, 'GET', '/v1.0/me', { token: r!.accessToken });
    assert.equal(me.status, 200);
    assert.equal(me.json.id, DEMO_USERS.alice.id);
  });

  it('refuses on-behalf-of with a claims challenge (acrs c1) the assertion does not satisfy', async () => {
    const sso = await ssoToken(DEMO_USERS.alice.id);
    const claims = JSON.stringify({ access_token: { acrs: { essential: true, value: 'c1' } } });
    await assert.rejects(cca.acquireTokenOnBehalfOf({ oboAssertion: sso, scopes: [GRAPH], claims }), (e: unknown) => {
      assert.ok(e instanceof InteractionRequiredAuthError, String(e));
      assert.equal(e.errorCode, 'interaction_required');
      assert.ok(e.claims.includes('"acrs"'));
      return true;
    });
  });

  it('grants on-behalf-of with acrs when the assertion carries them', async () => {
    const assertion = t.tokens.user({ userId: DEMO_USERS.alice.id, audience: t.botApp.clientId, scp: 'access_as_user', acrs: ['c1'] });
    const claims = JSON.stringify({ access_token: { acrs: { essential: true, value: 'c1' } } });
    const r = await cca.acquireTokenOnBehalfOf({ oboAssertion: assertion, scopes: [GRAPH], claims });
    assert.deepEqual(claimsOf(r!.accessToken).acrs, ['c1']);
  });

  it('rejects a wrong client secret in Entra error format', async () => {
    const bad = new ConfidentialClientApplication({
      auth: { clientId: t.botApp.clientId, clientSecret: 'not-the-secret', authority: t.authority, knownAuthorities: [t.knownAuthority] },
    });
    await assert.rejects(bad.acquireTokenByClientCredential({ scopes: [GRAPH] }), /invalid_client|7000215/);
    const raw = await fetch(`${t.authority}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: t.botApp.clientId,
        client_secret: 'nope',
        scope: GRAPH,
      }).toString(),
    });
    const body = (await raw.json()) as Record<string, unknown>;
    assert.equal(raw.status, 401);
    assert.equal(body.error, 'invalid_client');
    assert.match(String(body.error_description), /^AADSTS7000215:/);
    assert.deepEqual(body.error_codes, [7000215]);
    for (const k of ['timestamp', 'trace_id', 'correlation_id']) assert.equal(typeof body[k], 'string');
  });

  it('only mints SSO tokens for users of the tenant', async () => {
    const r = await call(t, 'POST', `/${t.tenantId}/emulator/sso`, {
      body: { userId: '00000000-0000-4000-8000-000000000000', audience: t.botApp.clientId },
    });
    assert.equal(r.status, 400);
    assert.equal(r.json.error, 'invalid_grant');
  });

  describe('authorization code with PKCE (step-up)', () => {
    const redirectUri = 'http://127.0.0.1:3978/auth/callback';
    const claims = JSON.stringify({ access_token: { acrs: { essential: true, value: 'c1' } } });

    /** msal-node builds the URL; the "browser" submits the sign-in page; answers the code and the PKCE verifier. */
    async function signIn(userId: string): Promise<{ code: string; verifier: string }> {
      const pkce = await new CryptoProvider().generatePkceCodes();
      const url = await cca.getAuthCodeUrl({
        scopes: [GRAPH],
        redirectUri,
        state: 's'.repeat(32),
        claims,
        loginHint: userId,
        codeChallenge: pkce.challenge,
        codeChallengeMethod: 'S256',
      });
      const page = await fetch(url);
      assert.equal(page.status, 200);
      const html = await page.text();
      const form = new URLSearchParams();
      for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
        form.set(
          name!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))),
          value!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))),
        );
      form.set('confirm', 'yes');
      const posted = await fetch(url.split('?')[0]!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        redirect: 'manual',
      });
      assert.equal(posted.status, 302);
      const back = new URL(posted.headers.get('location')!);
      assert.equal(back.origin + back.pathname, redirectUri);
      assert.equal(back.searchParams.get('state'), 's'.repeat(32));
      return { code: back.searchParams.get('code')!, verifier: pkce.verifier };
    }

    it('redeems the code once, through msal-node, for a token that carries the requested acrs', async () => {
      const { code, verifier } = await signIn(DEMO_USERS.alice.id);
      const r = await cca.acquireTokenByCode({ code, scopes: [GRAPH], redirectUri, codeVerifier: verifier, claims });
      const c = claimsOf(r.accessToken);
      assert.equal(c.oid, DEMO_USERS.alice.id);
      assert.deepEqual(c.acrs, ['c1']);
      assert.equal((r.idTokenClaims as { oid?: string }).oid, DEMO_USERS.alice.id);
      await assert.rejects(
        cca.acquireTokenByCode({ code, scopes: [GRAPH], redirectUri, codeVerifier: verifier, claims }),
        /invalid_grant/,
        'a code works once',
      );
    });

    it('refuses a wrong PKCE verifier and a different redirect URI', async () => {
      const first = await signIn(DEMO_USERS.alice.id);
      await assert.rejects(
        cca.acquireTokenByCode({ code: first.code, scopes: [GRAPH], redirectUri, codeVerifier: 'x'.repeat(43), claims }),
        /AADSTS501481|invalid_grant/,
      );
      const second = await signIn(DEMO_USERS.alice.id);
      await assert.rejects(
        cca.acquireTokenByCode({
          code: second.code,
          scopes: [GRAPH],
          redirectUri: 'http://127.0.0.1:9999/auth/callback',
          codeVerifier: second.verifier,
          claims,
        }),
        /AADSTS500112|invalid_grant/,
      );
    });
  });

  describe('bearer checks on Graph', () => {
    const path = '/v1.0/me';
    it('401 without a token', async () => {
      const r = await call(t, 'GET', path);
      assert.equal(r.status, 401);
      assert.equal(r.json.error.code, 'InvalidAuthenticationToken');
      assert.ok(r.json.error.innerError['request-id']);
    });
    it('401 for a forged token (signed by another key)', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const real = claimsOf(t.tokens.user({ userId: DEMO_USERS.alice.id }));
      const forged = signJwt(real, signingKeyFromPem('forged', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()));
      assert.equal((await call(t, 'GET', path, { token: forged })).status, 401);
      // Same kid, tampered payload.
      const good = t.tokens.user({ userId: DEMO_USERS.alice.id }).split('.');
      const tampered = [good[0], Buffer.from(JSON.stringify({ ...real, oid: DEMO_USERS.carol.id })).toString('base64url'), good[2]].join(
        '.',
      );
      assert.equal((await call(t, 'GET', path, { token: tampered })).status, 401);
      const none = [Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url'), good[1], ''].join('.');
      assert.equal((await call(t, 'GET', path, { token: none })).status, 401);
    });
    it('401 for an expired token', async () => {
      const r = await call(t, 'GET', path, { token: t.tokens.user({ userId: DEMO_USERS.alice.id, lifetimeSeconds: -120 }) });
      assert.equal(r.status, 401);
      assert.match(r.json.error.message, /expired/);
    });
    it('401 for a token of another audience (the SSO token itself, or an ARM token)', async () => {
      const sso = await ssoToken(DEMO_USERS.alice.id);
      assert.equal((await call(t, 'GET', path, { token: sso })).status, 401);
      const arm = await call(t, 'GET', path, { token: t.tokens.user({ userId: DEMO_USERS.alice.id, audience: 'arm' }) });
      assert.equal(arm.status, 401);
      assert.match(arm.json.error.message, /audience/);
    });
  });
});
