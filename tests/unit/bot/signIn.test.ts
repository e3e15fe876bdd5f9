// The production SSO token source hands a user's token out only during that user's own verified
// turn: never for another user asked for in the same turn, never outside a turn.
import assert from 'node:assert/strict';
import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { TeamsSsoSignIn } from '../../../bot/signIn';
import { runInScope } from '../../../bot/turnScope';
import { silentLogger } from '../../../dialogs/deps';
import type { SsoVerification } from '../../../services/identity/ssoTokenVerifier';
import { DEMO_TENANT_ID, DEMO_USERS } from '../../../emulator/tenant/demoTenant';

const alice = { userId: DEMO_USERS.alice.id, tenantId: DEMO_TENANT_ID };
const bob = { userId: DEMO_USERS.bob.id, tenantId: DEMO_TENANT_ID };

function turn(from: { id: string; aadObjectId: string }, held: Record<string, string>): TurnContext {
  const adapter = Object.assign(new TestAdapter(), { UserTokenClientKey: Symbol('UserTokenClient') });
  const activity: Partial<Activity> = { type: 'message', channelId: 'msteams', from: { ...from, name: 'Someone' }, conversation: { id: 'a:1', conversationType: 'personal', tenantId: DEMO_TENANT_ID, isGroup: false, name: '' }, text: 'hi' };
  const context = new TurnContext(adapter, activity);
  context.turnState.set(adapter.UserTokenClientKey, { getUserToken: async (userId: string) => (held[userId] ? { token: held[userId] } : undefined) });
  return context;
}

/** Stands in for signature checks: the token's text is the user id it names. */
const verifier = { verify: async (token: string): Promise<SsoVerification> => ({ ok: true, identity: { userId: token.replace('sso-of-', ''), tenantId: DEMO_TENANT_ID } }) };

describe('TeamsSsoSignIn.tokenSource (production SSO token source)', () => {
  const signIn = new TeamsSsoSignIn({ connectionName: 'sso', verifier, logger: silentLogger });

  it("returns the verified token for the turn's own user only", async () => {
    const context = turn({ id: '29:alice', aadObjectId: alice.userId }, { '29:alice': `sso-of-${alice.userId}`, '29:bob': `sso-of-${bob.userId}` });
    await runInScope({ context }, async () => {
      assert.equal((await signIn.identify(context)).kind, 'verified');
      assert.equal(await signIn.tokenSource(alice), `sso-of-${alice.userId}`);
      assert.equal(await signIn.tokenSource(bob), undefined, "Bob's token is never handed out in Alice's turn");
      assert.equal(await signIn.tokenSource({ ...alice, tenantId: '7e570000-0000-4000-8000-0000000000ff' }), undefined, 'nor for her id in another tenant');
    });
  });

  it('a turn whose conversation names another tenant than the token is refused (mismatch), and gets no token', async () => {
    const context = turn({ id: '29:alice', aadObjectId: alice.userId }, { '29:alice': `sso-of-${alice.userId}` });
    context.activity.conversation.tenantId = '7e570000-0000-4000-8000-0000000000ff';
    await runInScope({ context }, async () => {
      assert.equal((await signIn.identify(context)).kind, 'mismatch');
      assert.equal(await signIn.tokenSource(alice), undefined);
    });
  });

  it('returns nothing outside a turn, before the turn was verified, or when the token names someone else', async () => {
    assert.equal(await signIn.tokenSource(alice), undefined, 'no turn');
    const unverified = turn({ id: '29:alice', aadObjectId: alice.userId }, { '29:alice': `sso-of-${alice.userId}` });
    await runInScope({ context: unverified }, async () => assert.equal(await signIn.tokenSource(alice), undefined, 'not identified yet'));
    const forged = turn({ id: '29:alice', aadObjectId: bob.userId }, { '29:alice': `sso-of-${alice.userId}` });
    await runInScope({ context: forged }, async () => {
      assert.equal((await signIn.identify(forged)).kind, 'mismatch');
      assert.equal(await signIn.tokenSource(alice), undefined);
      assert.equal(await signIn.tokenSource(bob), undefined);
    });
  });
});
