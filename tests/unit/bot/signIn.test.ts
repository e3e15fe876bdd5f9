// The production SSO token source hands a user's token out only during that user's own verified
// turn: never for another user asked for in the same turn, never outside a turn.
import assert from 'node:assert/strict';
import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { EXCHANGE_DEDUP_MS, SIGNED_IN_TEXT, TeamsSsoSignIn } from '../../../bot/signIn';
import { MemoryCreateOnceStorage } from '../../../services/store/createOnce';
import { runInScope } from '../../../bot/turnScope';
import { silentLogger } from '../../../dialogs/deps';
import type { SsoVerification } from '../../../services/identity/ssoTokenVerifier';
import { DEMO_TENANT_ID, DEMO_USERS } from '../../../emulator/tenant/demoTenant';

const alice = { userId: DEMO_USERS.alice.id, tenantId: DEMO_TENANT_ID };
const bob = { userId: DEMO_USERS.bob.id, tenantId: DEMO_TENANT_ID };

function turn(from: { id: string; aadObjectId: string }, held: Record<string, string>): TurnContext {
  const adapter = Object.assign(new TestAdapter(), { UserTokenClientKey: Symbol('UserTokenClient') });
  const activity: Partial<Activity> = {
    type: 'message',
    channelId: 'msteams',
    from: { ...from, name: 'Someone' },
    conversation: { id: 'a:1', conversationType: 'personal', tenantId: DEMO_TENANT_ID, isGroup: false, name: '' },
    text: 'hi',
  };
  const context = new TurnContext(adapter, activity);
  context.turnState.set(adapter.UserTokenClientKey, {
    getUserToken: async (userId: string) => (held[userId] ? { token: held[userId] } : undefined),
  });
  return context;
}

/** Stands in for signature checks: the token's text is the user id it names. */
const verifier = {
  verify: async (token: string): Promise<SsoVerification> => ({
    ok: true,
    identity: { userId: token.replace('sso-of-', ''), tenantId: DEMO_TENANT_ID },
  }),
};

describe('TeamsSsoSignIn.tokenSource (production SSO token source)', () => {
  const signIn = new TeamsSsoSignIn({ connectionName: 'sso', verifier, logger: silentLogger, exchanges: new MemoryCreateOnceStorage() });

  it("returns the verified token for the turn's own user only", async () => {
    const context = turn(
      { id: '29:alice', aadObjectId: alice.userId },
      { '29:alice': `sso-of-${alice.userId}`, '29:bob': `sso-of-${bob.userId}` },
    );
    await runInScope({ context }, async () => {
      assert.equal((await signIn.identify(context)).kind, 'verified');
      assert.equal(await signIn.tokenSource(alice), `sso-of-${alice.userId}`);
      assert.equal(await signIn.tokenSource(bob), undefined, "Bob's token is never handed out in Alice's turn");
      assert.equal(
        await signIn.tokenSource({ ...alice, tenantId: '7e570000-0000-4000-8000-0000000000ff' }),
        undefined,
        'nor for her id in another tenant',
      );
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

describe('TeamsSsoSignIn: signin/tokenExchange de-duplication (one exchange per exchange id)', () => {
  let clock = Date.parse('2026-12-02T09:00:00Z');
  const exchanged: string[] = [];
  let accept = true;

  function exchangeTurn(id: unknown, user: { userId: string } = alice): { context: TurnContext; sent: Partial<Activity>[] } {
    const adapter = Object.assign(new TestAdapter(), { UserTokenClientKey: Symbol('UserTokenClient') });
    const from = { id: `29:${user.userId}`, aadObjectId: user.userId, name: 'Someone' };
    const activity: Partial<Activity> = {
      type: 'invoke',
      name: 'signin/tokenExchange',
      channelId: 'msteams',
      from,
      conversation: { id: 'a:1', conversationType: 'personal', tenantId: DEMO_TENANT_ID, isGroup: false, name: '' },
      value: { id, connectionName: 'sso', token: `sso-of-${user.userId}` },
    };
    const context = new TurnContext(adapter, activity);
    context.turnState.set(adapter.UserTokenClientKey, {
      exchangeToken: async (_userId: string, _connection: string, _channel: string, request: { token?: string }) => {
        exchanged.push(request.token ?? '');
        await new Promise((r) => setImmediate(r)); // the token service takes a while: racing exchanges overlap
        return accept ? { token: request.token } : undefined;
      },
    });
    const sent: Partial<Activity>[] = [];
    context.onSendActivities(async (_ctx, activities) => {
      sent.push(...activities);
      return activities.map(() => ({ id: '1' }));
    });
    return { context, sent };
  }

  function fresh(): TeamsSsoSignIn {
    exchanged.length = 0;
    accept = true;
    return new TeamsSsoSignIn({
      connectionName: 'sso',
      verifier,
      logger: silentLogger,
      exchanges: new MemoryCreateOnceStorage(),
      now: () => clock,
    });
  }

  const status = (sent: Partial<Activity>[]) =>
    (sent.find((a) => a.type === 'invokeResponse')?.value as { status: number; body?: unknown }) ?? undefined;

  it('two exchanges with the same id at the same time (two Teams clients): one exchange at the token service, the duplicate gets 200 and nothing else', async () => {
    const signIn = fresh();
    const a = exchangeTurn('ex-1');
    const b = exchangeTurn('ex-1');
    await Promise.all([signIn.handleInvoke(a.context), signIn.handleInvoke(b.context)]);
    assert.equal(exchanged.length, 1, 'one exchange at the token service');
    const answers = [a.sent, b.sent].map(status);
    assert.deepEqual(
      answers.map((x) => x?.status),
      [200, 200],
    );
    const [winner, duplicate] = answers[0]?.body ? [a.sent, b.sent] : [b.sent, a.sent];
    assert.deepEqual(status(winner!)?.body, { id: 'ex-1', connectionName: 'sso' });
    assert.equal(status(duplicate!)?.body, undefined, 'the duplicate has no body');
    assert.equal(winner!.filter((x) => x.text === SIGNED_IN_TEXT).length, 1);
    assert.equal(duplicate!.length, 1, 'the duplicate sends nothing else');
    // Another exchange id, or the same id of another user, is a new exchange.
    await signIn.handleInvoke(exchangeTurn('ex-2').context);
    await signIn.handleInvoke(exchangeTurn('ex-1', bob).context);
    assert.equal(exchanged.length, 3);
  });

  it('a failed exchange (412) is released: Teams retrying the same id reaches the token service again', async () => {
    const signIn = fresh();
    accept = false;
    const failed = exchangeTurn('ex-3');
    await signIn.handleInvoke(failed.context);
    assert.equal(status(failed.sent)?.status, 412);
    accept = true;
    const retried = exchangeTurn('ex-3');
    await signIn.handleInvoke(retried.context);
    assert.equal(exchanged.length, 2);
    assert.deepEqual(status(retried.sent), { status: 200, body: { id: 'ex-3', connectionName: 'sso' } });
  });

  it('an entry older than ten minutes is stale: the same id is exchanged again; within ten minutes it is a duplicate', async () => {
    const signIn = fresh();
    await signIn.handleInvoke(exchangeTurn('ex-4').context);
    clock += EXCHANGE_DEDUP_MS - 1000;
    await signIn.handleInvoke(exchangeTurn('ex-4').context);
    assert.equal(exchanged.length, 1);
    clock += 2000;
    await signIn.handleInvoke(exchangeTurn('ex-4').context);
    assert.equal(exchanged.length, 2);
  });

  it('an exchange without a usable id is refused (400) and nothing is exchanged', async () => {
    const signIn = fresh();
    for (const id of [undefined, '', 42, 'x'.repeat(257)]) {
      const turn = exchangeTurn(id);
      await signIn.handleInvoke(turn.context);
      assert.equal(status(turn.sent)?.status, 400);
    }
    assert.equal(exchanged.length, 0);
  });
});
