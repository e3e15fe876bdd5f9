// The approver's click held for their step-up sign-in (issue 20): one-time state, single use under
// races, short life, PKCE verifier kept server side; and the replay rule (the clicked copy's nonce,
// nothing decided yet) the decision after the sign-in obeys.
import assert from 'node:assert/strict';
import { MemoryStorage } from 'botbuilder';
import {
  ApproverStepUpClicks,
  approverStepUpResource,
  clickStillCounts,
  readApproverSignIn,
  type ApproverClick,
} from '../../../../services/approvals/approverStepUpPending';
import type { ApprovalRecord } from '../../../../services/approvals/record';
import type { TokenRequest } from '../../../../services/identity/tokenProvider';

const bob = { userId: '0b0b0000-0000-4000-8000-000000000002', tenantId: 't' };
const click: ApproverClick = {
  approver: bob,
  surface: 'entraRole',
  requestId: 'req-1',
  decision: 'approve',
  reason: 'ok',
  copy: { userId: bob.userId, role: 'approver' },
  nonce: 'n1',
  requirement: { kind: 'mfa', withinMinutes: 10 },
  claims: '{"access_token":{"amr":{"essential":true,"values":["mfa"]}}}',
  resource: 'graph',
  redirectUri: 'https://bot.example/auth/callback',
  conversation: { conversation: { id: 'c1' } },
};

describe('approver step-up: the held click', () => {
  let now: Date;
  let clicks: ApproverStepUpClicks;
  let states: string[];
  const signIn = async (state: string) => {
    states.push(state);
    return { url: `https://login.example/authorize?state=${state}`, codeVerifier: `verifier-${state}` };
  };

  beforeEach(() => {
    now = new Date('2026-12-02T10:00:00Z');
    clicks = new ApproverStepUpClicks(new MemoryStorage(), () => now);
    states = [];
  });

  it('begins with a one-time state in the sign-in URL; the callback takes the click once, with its PKCE verifier', async () => {
    const { url, expiresAt } = await clicks.begin(click, signIn);
    const state = states[0]!;
    assert.match(state, /^[A-Za-z0-9_-]{32}$/);
    assert.equal(url, `https://login.example/authorize?state=${state}`);
    assert.equal(expiresAt.toISOString(), '2026-12-02T10:10:00.000Z');
    const taken = await clicks.take(state);
    assert.deepEqual(taken, { ...click, codeVerifier: `verifier-${state}`, expiresAt: '2026-12-02T10:10:00.000Z' });
    assert.equal(await clicks.take(state), undefined, 'a replayed callback gets nothing');
  });

  it('of racing callbacks with one state exactly one gets the click', async () => {
    await clicks.begin(click, signIn);
    const got = await Promise.all(Array.from({ length: 5 }, () => clicks.take(states[0])));
    assert.equal(got.filter(Boolean).length, 1);
  });

  it('a forged, malformed or expired state gets nothing', async () => {
    await clicks.begin(click, signIn);
    assert.equal(await clicks.take('x'.repeat(32)), undefined);
    assert.equal(await clicks.take({ state: states[0] }), undefined);
    assert.equal(await clicks.take(`${states[0]}/../x`), undefined);
    now = new Date(now.getTime() + 10 * 60_000 + 1);
    assert.equal(await clicks.take(states[0]), undefined);
  });

  it('decides only while nothing is decided and the clicked copy still carries the nonce', () => {
    const record = (nonce: string, decided = false): Pick<ApprovalRecord, 'decision' | 'copies'> => ({
      copies: [{ userId: bob.userId, role: 'approver', state: 'sent', nonce, shows: 'pending' }],
      ...(decided
        ? { decision: { outcome: 'approved', by: { id: 'dave' }, at: '2026-12-02T10:01:00Z', justification: '', via: 'bot' } }
        : {}),
    });
    assert.equal(clickStillCounts(record('n1'), click), true);
    assert.equal(clickStillCounts(record('n2'), click), false, 'the copy was answered or replaced since');
    assert.equal(clickStillCounts(record('n1', true), click), false, 'someone decided meanwhile (Dave, or PIM)');
    assert.equal(clickStillCounts({ copies: [] }, click), false);
  });

  it("reads how the approver signed in from the token their decision goes with, for the surface's API", async () => {
    const asked: TokenRequest[] = [];
    const payload = Buffer.from(JSON.stringify({ amr: ['pwd', 'mfa'], acrs: ['c1'], auth_time: 1_796_205_600 })).toString('base64url');
    const tokens = { getUserToken: async (r: TokenRequest) => (asked.push(r), `h.${payload}.s`) };
    assert.deepEqual(await readApproverSignIn(tokens, bob, 'azureResource'), {
      amr: ['pwd', 'mfa'],
      acrs: ['c1'],
      authTime: new Date(1_796_205_600_000),
    });
    assert.deepEqual(
      asked.map((r) => r.resource),
      ['arm'],
    );
    assert.deepEqual(
      await readApproverSignIn({ getUserToken: async () => 'not-a-jwt' }, bob, 'group'),
      { amr: [], acrs: [] },
      'an unreadable token proves nothing',
    );
    assert.equal(approverStepUpResource('entraRole'), 'graph');
  });
});
