// Security Administrator needs authentication context c1: the bot sends a sign-in card, the
// "browser" (fetch) completes the emulator's sign-in page, the bot's callback continues the flow
// proactively, and the role is active in the emulator. Real msal-node, Graph client, Azurite.
import assert from 'node:assert/strict';
import { DEMO_ROLES, DEMO_USERS } from '../../../emulator/tenant/demoTenant';
import { cardText } from '../../support/botHarness';
import { completeSignInPage, openUrlOf, startRequesterHarness, type RequesterHarness } from './requesterHarness';

describe('step-up sign-in over HTTP (Security Administrator, acrs c1)', function () {
  this.timeout(60_000);
  let h: RequesterHarness;
  before(async () => {
    h = await startRequesterHarness();
  });
  after(async () => h?.close());
  beforeEach(async () => {
    await h.tenant.reset();
    h.newConversation();
  });

  const securityAdminActive = () =>
    h.tenant.state.activeAssignments(DEMO_USERS.alice.id).filter((a) => a.roleDefinitionId === DEMO_ROLES.securityAdministrator.id && a.assignmentType === 'Activated');

  it('activates Security Administrator end to end after the sign-in page', async () => {
    const replies = await h.say('activate security administrator for 1h because incident 7');
    const signIn = replies.find((r) => openUrlOf(r));
    assert.ok(signIn, `a sign-in card; got: ${replies.map(cardText).join(' | ').slice(0, 400)}`);
    assert.match(cardText(signIn), /Security Administrator needs a stronger sign-in/);
    assert.equal(securityAdminActive().length, 0, 'nothing active before the sign-in');
    const url = new URL(openUrlOf(signIn)!);
    assert.equal(url.origin, new URL(h.tenant.url).origin, 'the URL is the tenant authority');
    assert.match(url.searchParams.get('claims') ?? '', /"acrs"/);

    const mark = h.connector.activities.length;
    const back = await completeSignInPage(url.href);
    assert.equal(back.status, 200, await back.clone().text());
    assert.match(await back.text(), /You're verified/);
    assert.equal(securityAdminActive().length, 1, 'Security Administrator is active in the emulator');

    const followUps = h.connector.since(mark).map((r) => cardText(r.activity)).join('\n');
    assert.match(followUps, /Role activated|Security Administrator is in place/);

    // The link works once: the nonce is used up (a step-up lasts 15 minutes in the tenant, so
    // later activations in this run need no new sign-in).
    const again = await completeSignInPage(url.href);
    assert.equal(again.status, 400);
    assert.match(await again.text(), /expired or was already used/);
  });

  it('a forged state gets nothing', async () => {
    const response = await fetch(`${h.botUrl}/auth/callback?state=${'x'.repeat(32)}&code=abc`);
    assert.equal(response.status, 400);
    assert.equal(securityAdminActive().length, 0);
  });
});
