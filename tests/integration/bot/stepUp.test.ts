// Security Administrator needs authentication context c1. The step-up is the standard
// authorization-code flow with PKCE, the same code in both modes: the bot's sign-in card opens the
// authority's /oauth2/v2.0/authorize (built by msal-node) with PIM's claims and a server-side state;
// the "browser" (fetch) submits the emulator's sign-in page and follows the redirect to the bot's
// callback, which redeems the code through msal-node (acquireTokenByCode) and continues the flow
// proactively. Real msal-node, Graph client, Azurite.
import assert from 'node:assert/strict';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { cardText } from '../../support/botHarness';
import { completeSignInPage, openUrlOf, signInRedirect, requesterSuite } from './requesterHarness';

describe('step-up sign-in over HTTP (Security Administrator, acrs c1)', function () {
  this.timeout(60_000);
  const h = requesterSuite();

  const securityAdminActive = () =>
    h.tenant.state
      .activeAssignments(DEMO_USERS.alice.id)
      .filter((a) => a.roleDefinitionId === DEMO_ROLES.securityAdministrator.id && a.assignmentType === 'Activated');

  async function askForSecurityAdministrator(): Promise<URL> {
    const replies = await h.say('activate security administrator for 1h because incident 7');
    const signIn = replies.find((r) => openUrlOf(r));
    assert.ok(signIn, `a sign-in card; got: ${replies.map(cardText).join(' | ').slice(0, 400)}`);
    assert.match(cardText(signIn), /Security Administrator needs a stronger sign-in/);
    return new URL(openUrlOf(signIn)!);
  }

  it('a forged state gets nothing', async () => {
    await askForSecurityAdministrator();
    const response = await fetch(`${h.botUrl}/auth/callback?state=${'x'.repeat(32)}&code=abc`);
    assert.equal(response.status, 400);
    assert.equal(securityAdminActive().length, 0);
  });

  it('a sign-in completed by another account (the link passed on) activates nothing', async () => {
    const url = await askForSecurityAdministrator();
    url.searchParams.set('login_hint', DEMO_USERS.bob.id);
    const response = await fetch(await signInRedirect(url.href));
    assert.equal(response.status, 403);
    assert.match(await response.text(), /another account/);
    assert.equal(securityAdminActive().length, 0);
  });

  it('a cancelled sign-in requests nothing, and the state is used up', async () => {
    const url = await askForSecurityAdministrator();
    const state = url.searchParams.get('state')!;
    const cancelled = await fetch(`${h.botUrl}/auth/callback?state=${state}&error=access_denied`);
    assert.equal(cancelled.status, 400);
    assert.match(await cancelled.text(), /not completed/);
    const late = await completeSignInPage(url.href);
    assert.equal(late.status, 400);
    assert.equal(securityAdminActive().length, 0);
  });

  // Last: once Alice has stepped up, the bot holds her token (it satisfies c1 for its lifetime), so
  // later requests in this process need no sign-in.
  it('activates Security Administrator end to end after the sign-in page (authorization code + PKCE)', async () => {
    const url = await askForSecurityAdministrator();
    assert.equal(securityAdminActive().length, 0, 'nothing active before the sign-in');
    assert.equal(url.origin, new URL(h.tenant.url).origin, 'the URL is the tenant authority');
    assert.match(url.pathname, /\/oauth2\/v2\.0\/authorize$/);
    assert.match(url.searchParams.get('claims') ?? '', /"acrs"/);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('code_challenge') ?? '', /^[\w-]{43}$/);
    assert.equal(url.searchParams.get('redirect_uri'), `${h.botUrl}/auth/callback`);
    assert.doesNotMatch(url.href, /eyJ/, 'no token in the card');

    const mark = h.connector.activities.length;
    h.tenant.requestLog.clear();
    const callback = await signInRedirect(url.href);
    assert.ok(callback.startsWith(`${h.botUrl}/auth/callback?`), callback);
    const back = await fetch(callback);
    assert.equal(back.status, 200, await back.clone().text());
    assert.match(await back.text(), /You're verified/);
    assert.equal(securityAdminActive().length, 1, 'Security Administrator is active in the emulator');
    assert.ok(
      h.tenant.requestLog.entries().some((e) => e.method === 'POST' && /\/oauth2\/v2\.0\/token$/.test(e.path) && e.status === 200),
      'the code was redeemed at the token endpoint',
    );

    const followUps = h.connector
      .since(mark)
      .map((r) => cardText(r.activity))
      .join('\n');
    assert.match(followUps, /Role activated|Security Administrator is in place/);
    assert.doesNotMatch(followUps, /eyJ/, 'no token in the chat');

    // Replayed: the same callback URL (state and code) gets nothing, nor does a fresh code for a used state.
    const replay = await fetch(callback);
    assert.equal(replay.status, 400);
    assert.match(await replay.text(), /expired or was already used/);
    const again = await completeSignInPage(url.href);
    assert.equal(again.status, 400);
  });
});
