// The approver's card answered in place when a decision needs a step-up (issue 20), and the decided
// wording that says how the approver was verified.
import assert from 'node:assert/strict';
import { CardFactory, type Attachment } from 'botbuilder';
import { approverStepUpCard, stepUpNoticeText, verifiedDecisionLine, verificationPhrase } from '../../../../cards/approvals/approverStepUp';
import { CardRenderError, MAX_CARD_BYTES } from '../../../../cards/render';
import type { ApprovalRecord } from '../../../../services/approvals/record';

/** The approver's pending copy as the approval card renders it (headline, detail, facts, reason, Approve/Deny). */
function pendingCard(extraFacts = 0): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: '⏳ Waiting: Alice Adams asks for User Administrator', weight: 'Bolder', wrap: true },
      { type: 'TextBlock', text: 'Approve or deny before tomorrow.', wrap: true },
      {
        type: 'FactSet',
        facts: [
          { title: 'Asks for', value: 'Entra role User Administrator' },
          ...Array.from({ length: extraFacts }, (_, i) => ({ title: `f${i}`, value: 'x'.repeat(100) })),
        ],
      },
      { type: 'Input.Text', id: 'reason', label: 'Reason' },
    ],
    actions: [
      { type: 'Action.Execute', title: 'Approve', verb: 'approve', data: { requestId: 'r1', surface: 'entraRole', nonce: 'n1' } },
      { type: 'Action.Execute', title: 'Deny', verb: 'deny', data: { requestId: 'r1', surface: 'entraRole', nonce: 'n1' } },
    ],
  });
}

const NOTICE = {
  decision: 'approve' as const,
  requesterName: 'Alice Adams',
  access: 'User Administrator',
  requirement: { kind: 'mfa', withinMinutes: 10 } as const,
  signInUrl: 'https://login.microsoftonline.com/t/oauth2/v2.0/authorize?client_id=x&state=abc&claims=%7B%7D',
  linkExpiresAt: new Date('2026-12-02T10:12:00Z'),
};
type Body = Array<Record<string, unknown>>;
const content = (a: Attachment) => a.content as { body: Body; actions: Body };
const texts = (a: Attachment): string[] =>
  JSON.stringify(content(a).body)
    .match(/"text":"[^"]*"/g)!
    .map((t) => t.slice(8, -1));

describe('approver step-up card', () => {
  it('answers in place: "Nothing decided yet", a sign-in button to the step-up URL, and the rest of the card kept', () => {
    const card = approverStepUpCard(pendingCard(), NOTICE);
    const body = content(card).body;
    assert.equal(body[0]!['text'], '⏳ Waiting: Alice Adams asks for User Administrator', 'the headline stays first');
    assert.equal(body[2]!['type'], 'Container');
    assert.ok(
      texts(card).includes(
        '🔐 Nothing decided yet: approving User Administrator for Alice Adams needs a fresh sign-in with MFA (within 10 minutes)',
      ),
      texts(card).join('\n'),
    );
    assert.ok(
      texts(card).some((t) =>
        t.startsWith(
          'After you sign in, your approval is made as you and every copy of this card updates. The link works once, until {{TIME(2026-12-02T10:12:00Z)}}',
        ),
      ),
    );
    assert.deepEqual(
      body.slice(3).map((b) => b['type']),
      ['FactSet', 'Input.Text'],
      'the context and the reason stay',
    );
    const actions = content(card).actions;
    assert.deepEqual(
      actions.map((a) => [a['type'], a['title']]),
      [
        ['Action.OpenUrl', 'Sign in to approve'],
        ['Action.Execute', 'Approve'],
        ['Action.Execute', 'Deny'],
      ],
    );
    assert.equal(actions[0]!['url'], NOTICE.signInUrl);
    assert.deepEqual(
      actions[1]!['data'],
      { requestId: 'r1', surface: 'entraRole', nonce: 'n1' },
      'card data keeps its ids and nonce untouched',
    );
    assert.equal(content(pendingCard()).body.length, 4, 'the card given is not changed');
  });

  it('says deny and an authentication context in words; names from the directory are shown as plain text', () => {
    const card = approverStepUpCard(pendingCard(), {
      ...NOTICE,
      decision: 'deny',
      requesterName: 'Eve [click](https://evil.example)',
      requirement: { kind: 'acrs', id: 'c1' },
    });
    const notice = texts(card).find((t) => t.startsWith('🔐'))!;
    assert.match(
      notice,
      /^🔐 Nothing decided yet: denying User Administrator for Eve .*needs a sign-in that meets authentication context c1/,
    );
    assert.doesNotMatch(notice, /\[click\]\(https:\/\/evil\.example\)/, 'no live Markdown link');
    assert.equal(content(card).actions[0]!['title'], 'Sign in to deny');
  });

  it('after a sign-in that still fell short, says why', () => {
    const card = approverStepUpCard(pendingCard(), { ...NOTICE, stillMissing: 'mfa' });
    assert.ok(texts(card).some((t) => t.startsWith('Your last sign-in did not use MFA; sign in again with MFA.')));
  });

  it('refuses a sign-in URL that is not https (or the local tenant) and a card over the size limit', () => {
    assert.throws(() => approverStepUpCard(pendingCard(), { ...NOTICE, signInUrl: 'javascript:alert(1)' }), CardRenderError);
    assert.throws(() => approverStepUpCard(pendingCard(), { ...NOTICE, signInUrl: 'http://login.example/authorize' }), CardRenderError);
    assert.doesNotThrow(() =>
      approverStepUpCard(pendingCard(), { ...NOTICE, signInUrl: 'http://localhost:8443/t/oauth2/v2.0/authorize?x=1' }),
    );
    assert.throws(() => approverStepUpCard(pendingCard(Math.ceil(MAX_CARD_BYTES / 110)), NOTICE), /over the 28672-byte limit/);
  });

  it('the notice text alone, for a message or the log of the click', () => {
    assert.equal(
      stepUpNoticeText(NOTICE),
      'Nothing decided yet: approving User Administrator for Alice Adams needs a fresh sign-in with MFA (within 10 minutes)',
    );
  });
});

describe("decided wording with the approver's verification", () => {
  const decided = { outcome: 'approved' as const, by: { id: 'bob', displayName: 'Bob Brown' }, at: '2026-12-02T10:02:00Z' };

  it('"Approved by Bob Brown with MFA at 10:02", "with authentication context c1", and today\'s words without a step-up', () => {
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    assert.equal(
      verifiedDecisionLine({ ...decided, verifiedBy: { method: 'mfa', authTime: '2026-12-02T10:01:00Z' } }, hhmm),
      'Approved by Bob Brown with MFA at 10:02',
    );
    assert.equal(
      verifiedDecisionLine({ ...decided, outcome: 'denied', verifiedBy: { method: 'acrs', acrs: 'c1' } }, hhmm),
      'Denied by Bob Brown with authentication context c1 at 10:02',
    );
    assert.equal(verifiedDecisionLine({ ...decided, verifiedBy: { method: 'session' } }, hhmm), 'Approved by Bob Brown at 10:02');
    assert.equal(verifiedDecisionLine(decided), 'Approved by Bob Brown at {{TIME(2026-12-02T10:02:00Z)}}', 'the card time by default');
  });

  it('reads a record written before verifiedBy existed', () => {
    const old: ApprovalRecord['decision'] = {
      outcome: 'approved',
      by: { id: 'bob', displayName: 'Bob Brown' },
      at: '2026-12-02T10:02:00Z',
      justification: '',
      via: 'bot',
    };
    assert.equal(verificationPhrase(old?.verifiedBy), '');
    const recorded: ApprovalRecord['decision'] = { ...old!, verifiedBy: { method: 'mfa', authTime: '2026-12-02T10:01:00Z' } };
    assert.equal(verificationPhrase(recorded.verifiedBy), ' with MFA');
  });
});
