import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { MsalTokenClient } from '../../../../services/identity/msalTokenClient';
import { StepUpTokens } from '../../../../services/identity/stepUpTokens';
import type { UserTokenProvider } from '../../../../services/identity/tokenProvider';
import { PimError } from '../../../../services/pim/errors';

describe('StepUpTokens', () => {
  const alice = { userId: '0a11ce00-0000-4000-8000-000000000001', tenantId: 'c0de0000-0000-4000-8000-00000000c0de' };
  const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
  const redeem = {
    resource: 'graph' as const,
    claims,
    code: 'code',
    codeVerifier: 'v'.repeat(43),
    redirectUri: 'http://127.0.0.1:3978/auth/callback',
  };

  function setup(now: { t: number }) {
    const msal = {
      authCodeUrl: sinon.stub().resolves({ url: 'https://login/authorize?x', codeVerifier: 'v' }),
      byAuthCode: sinon.stub().resolves({ accessToken: 'stepped-up', expiresOn: new Date(now.t + 3_600_000) }),
    };
    const inner: UserTokenProvider = { getUserToken: sinon.stub().resolves('plain') };
    return { msal, inner, tokens: new StepUpTokens(msal as unknown as MsalTokenClient, inner, () => now.t) };
  }

  it('hands the stepped-up token out for that user and API until shortly before it expires, the usual one otherwise', async () => {
    const now = { t: Date.UTC(2030, 0, 1) };
    const { tokens, inner } = setup(now);
    assert.equal(await tokens.getUserToken({ user: alice, resource: 'graph', claims }), 'plain');
    await tokens.completeSignIn(alice, redeem);
    assert.equal(await tokens.getUserToken({ user: alice, resource: 'graph', claims }), 'stepped-up');
    assert.equal(await tokens.getUserToken({ user: alice, resource: 'graph' }), 'stepped-up', 'it satisfies a plain request too');
    assert.equal(await tokens.getUserToken({ user: alice, resource: 'arm' }), 'plain', 'another API needs its own');
    assert.equal(
      await tokens.getUserToken({ user: { ...alice, userId: '0b0b0000-0000-4000-8000-000000000002' }, resource: 'graph' }),
      'plain',
      'never another user',
    );
    now.t += 59 * 60_000;
    assert.equal(await tokens.getUserToken({ user: alice, resource: 'graph' }), 'plain', 'not in its last minutes');
    assert.equal((inner.getUserToken as sinon.SinonStub).callCount, 4);
  });

  it('keeps nothing when the code signed in another account', async () => {
    const now = { t: Date.UTC(2030, 0, 1) };
    const { tokens, msal } = setup(now);
    msal.byAuthCode.rejects(new PimError('forbidden', 'another account'));
    await assert.rejects(tokens.completeSignIn(alice, redeem), (e: unknown) => e instanceof PimError && e.kind === 'forbidden');
    assert.equal(await tokens.getUserToken({ user: alice, resource: 'graph' }), 'plain');
  });

  it('starts the sign-in with the user as login hint', async () => {
    const { tokens, msal } = setup({ t: 0 });
    await tokens.startSignIn(alice, { resource: 'arm', claims, state: 's', redirectUri: redeem.redirectUri });
    assert.deepEqual(msal.authCodeUrl.firstCall.args[0], {
      resource: 'arm',
      claims,
      state: 's',
      redirectUri: redeem.redirectUri,
      loginHint: alice.userId,
    });
  });
});
