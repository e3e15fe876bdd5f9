// Phishing through cards: whatever a person typed and whatever the directory calls
// things is shown as inert text on every card and in every message. Each view below is fed hostile
// text in every field it shows; the rendered card must hold no construct a client would turn into a
// link, HTML, formatting or reordered text.
import assert from 'node:assert/strict';
import type { Attachment } from 'botbuilder';
import { adminTableCard } from '../../../cards/adminViews';
import { timeFormatter } from '../../../cards/localTime';
import { cleanText, plainMessage, plainText } from '../../../cards/plainText';
import {
  activationResultCard,
  durationCard,
  infoCard,
  justificationCard,
  myRolesCard,
  reactivateCard,
  reminderCard,
  resultsCard,
  roleListCard,
  signInCard,
  welcomeCard,
  type RoleView,
} from '../../../cards/views';
import { approverCard, outcomeMessage, requesterCard } from '../../../cards/approvals/approvalCards';
import type { ApprovalRecord, CardCopy } from '../../../services/approvals/record';
import type { ActivationRequest, Constraints } from '../../../services/pim/model';
import { startChat } from '../dialogs/dialogClient';

const NOW = new Date('2026-12-02T08:00:00Z');

/** Each a way to smuggle a link, markup or a lie into someone else's screen. */
const HOSTILE = {
  markdownLink: '[Open PIM to approve](https://evil.example/approve)',
  referenceLink: '[Open PIM][1] [1]: https://evil.example',
  bareUrl: 'see https://evil.example/login now',
  schemeless: 'go to www.evil.example or evil.example/login',
  htmlAnchor: '<a href="https://evil.example">Approve</a>',
  autolink: '<https://evil.example>',
  bidi: 'exe.\u202Etxt\u202C file \u2066x\u2069 \u200Fy\u200E \u061C',
  zeroWidth: 'Glo\u200Bbal\u200C Re\u200Dader\u2060\uFEFF',
  newlines: 'fine\n\n- [click](https://evil.example)\r\n# Heading\n> quote',
  entity: '&#x202E;&lt;a href=x&gt;',
  emphasis: '**URGENT** _now_ ~~old~~ `code`',
  cardFunction: '{{DATE(evil)}} {{TIME(2099-01-01T00:00:00Z) }} {{DATE(2099-01-01T00:00:00Z, SHORT) https://evil.example}} ${requestId}',
  controls: 'bell\u0007 null\u0000 esc\u001B[31m c1\u0085',
};
const ALL = Object.values(HOSTILE).join(' | ');

/** Action data (ids only), the schema's address and the sign-in URL (the bot's own) are not text anyone reads. */
const NOT_SHOWN = new Set(['data', '$schema', 'url']);

/**
 * The card's strings as a client would receive them, each with how it is rendered: Markdown (TextBlock,
 * fact, table cell) or as it is (input values, choice and button titles).
 */
type Rendering = 'markdown' | 'verbatim' | 'ownInput';

function shownStrings(node: unknown): Array<{ text: string; rendering: Rendering }> {
  const out: Array<{ text: string; rendering: Rendering }> = [];
  const walk = (n: unknown, rendering: Rendering): void => {
    if (typeof n === 'string') out.push({ text: n, rendering });
    else if (Array.isArray(n)) n.forEach((c) => walk(c, rendering));
    else if (n && typeof n === 'object') {
      const type = String((n as Record<string, unknown>)['type'] ?? '');
      const control = rendering === 'markdown' && (type.startsWith('Input.') || type.startsWith('Action.'));
      for (const [k, v] of Object.entries(n)) {
        if (NOT_SHOWN.has(k)) continue;
        // An input's value is what its own user typed (the search box): shown back only to them, in an input.
        walk(
          v,
          control && k === 'value'
            ? 'ownInput'
            : control && ['title', 'placeholder', 'label', 'choices'].includes(k)
              ? 'verbatim'
              : rendering,
        );
      }
    }
  };
  walk(node, 'markdown');
  return out;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what this test looks for
const INVISIBLE = /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/u;

/** What would be live in a Markdown renderer that honours backslash escapes, or in one that ignores them. */
/** The date and time functions the views themselves write (format.ts). */
const VIEW_FUNCTION = /\{\{(DATE|TIME)\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ(, SHORT)?\)\}\}/g;

function assertInert(shown: string, where: string): void {
  const text = shown.replace(VIEW_FUNCTION, '');
  assert.doesNotMatch(text, /(^|[^\\])\]\s*[([]/, `${where}: a link ("](" or "][")`);
  assert.doesNotMatch(text, /\]\(/, `${where}: "](" even for a client that ignores backslashes`);
  assert.doesNotMatch(text, /[<>]/, `${where}: an angle bracket (HTML, autolink or quote)`);
  assert.doesNotMatch(text, /<a\b/i, `${where}: an HTML anchor`);
  assert.doesNotMatch(text, /[a-z]+:\/\//i, `${where}: a raw scheme URL`);
  assert.doesNotMatch(text, /www\./i, `${where}: a www. address`);
  assert.doesNotMatch(text, /evil\.example/, `${where}: a bare host name`);
  assert.doesNotMatch(text, INVISIBLE, `${where}: a control, bidi or zero-width character`);
  assert.doesNotMatch(text, /(^|[^\\])[*_~`]/, `${where}: unescaped emphasis or code`);
  assert.doesNotMatch(text, /(^|[^\\])&/, `${where}: an unescaped entity`);
  assert.doesNotMatch(text, /\{\{(DATE|TIME)\((evil|2099)/, `${where}: a card function someone typed`);
  assert.doesNotMatch(text, /(^|[^\\])\$\{|(^|[^\\])\{/, `${where}: an unescaped brace`);
}

function assertCardInert(card: Attachment, name: string): void {
  const strings = shownStrings(card.content);
  for (const s of strings) {
    if (s.rendering === 'markdown') assertInert(s.text, name);
    else if (s.rendering === 'verbatim') assertVisibleOnly(s.text, name);
    else assert.doesNotMatch(s.text, INVISIBLE, `${name}: a control, bidi or zero-width character in an input`);
  }
  // The words stay readable: they are shown, only neutralised.
  assert.match(strings.map((s) => s.text).join('\n'), /Open PIM to approve/, `${name}: the typed words are still shown`);
}

/** Text no client parses (input values, choice titles): nothing invisible, and no address to click. */
function assertVisibleOnly(text: string, where: string): void {
  assert.doesNotMatch(text, INVISIBLE, `${where}: a control, bidi or zero-width character`);
  assert.doesNotMatch(text, /https?:\/\//i, `${where}: a raw scheme URL`);
}

const constraints: Constraints = {
  maxDurationMinutes: 480,
  minDurationMinutes: 5,
  requiresJustification: true,
  requiresTicket: true,
  requiresMfa: false,
  authenticationContext: null,
  requiresApproval: true,
  approvers: [{ kind: 'user', id: 'b', displayName: HOSTILE.markdownLink }],
};

const role: RoleView = {
  key: 'entraRole|/|r1',
  roleName: ALL,
  scopeName: HOSTILE.htmlAnchor,
  constraints,
  surface: 'entraRole',
  label: ALL,
};
const request: ActivationRequest = {
  id: 'req-1',
  surface: 'entraRole',
  status: 'provisioned',
  roleId: 'r1',
  roleName: ALL,
  scope: { id: '/', displayName: HOSTILE.bareUrl, kind: 'directory' },
  principalId: 'alice',
  startDateTime: NOW,
  endDateTime: new Date(NOW.getTime() + 3_600_000),
  createdDateTime: NOW,
  justification: ALL,
  ticket: { number: HOSTILE.markdownLink },
};

function approvalRecord(decided: boolean): ApprovalRecord {
  return {
    surface: 'entraRole',
    requestId: 'req-1',
    requester: { id: 'alice', displayName: ALL },
    approvers: [{ id: 'bob', displayName: HOSTILE.markdownLink }],
    request: {
      roleId: 'r1',
      roleName: ALL,
      scopeId: '/',
      scopeName: ALL,
      startDateTime: NOW.toISOString(),
      endDateTime: new Date(NOW.getTime() + 3_600_000).toISOString(),
      createdDateTime: NOW.toISOString(),
      justification: ALL,
      ticket: ALL,
    },
    recentActivations: [],
    createdAt: NOW.toISOString(),
    expiresAt: new Date(NOW.getTime() + 86_400_000).toISOString(),
    copies: [],
    ...(decided
      ? {
          decision: {
            outcome: 'denied' as const,
            by: { id: 'bob', displayName: ALL },
            at: NOW.toISOString(),
            justification: ALL,
            via: 'bot' as const,
          },
        }
      : {}),
  };
}
const copy = (r: 'approver' | 'requester'): CardCopy => ({
  userId: r === 'approver' ? 'bob' : 'alice',
  role: r,
  state: 'sent',
  nonce: 'n',
  shows: 'pending',
});

const VIEWS: Array<[string, () => Attachment]> = [
  ['welcome', () => welcomeCard({ displayName: ALL, roles: [role] })],
  ['role list', () => roleListCard({ roles: [role, { ...role, key: 'entraRole|/|r2' }], filter: ALL })],
  ['results', () => resultsCard({ headline: ALL, items: [{ label: ALL, status: ALL, detail: ALL, tone: 'error' }], footer: ALL })],
  ['sign-in', () => signInCard({ title: ALL, text: ALL, hint: ALL, url: 'https://login.example/authorize' })],
  ['reactivate', () => reactivateCard({ key: 'k', label: ALL, end: NOW, now: NOW })],
  ['reminder', () => reminderCard({ key: 'k', label: ALL, end: NOW, now: NOW, canExtend: true })],
  ['duration form', () => durationCard({ roleName: ALL, minMinutes: 5, maxMinutes: 60, defaultMinutes: 30, lastStep: true })],
  [
    'justification form',
    () => justificationCard({ roleName: ALL, scopeName: ALL, durationMinutes: 60, askJustification: true, askTicket: true }),
  ],
  ['activation result', () => activationResultCard(request, constraints)],
  ['activation result, waiting', () => activationResultCard({ ...request, status: 'pendingApproval' }, constraints)],
  [
    'my roles',
    () =>
      myRolesCard({
        active: [
          {
            key: 'k',
            surface: 'entraRole',
            roleId: 'r',
            roleName: ALL,
            scope: { id: '/', displayName: ALL, kind: 'directory' },
            principalId: 'p',
            startDateTime: NOW,
            endDateTime: new Date(NOW.getTime() + 3_600_000),
            assignmentType: 'activated',
          },
        ],
        eligible: [role],
        now: NOW,
        requests: [{ id: 'r', surface: 'entraRole', label: ALL, state: ALL }],
      }),
  ],
  ['info', () => infoCard({ title: ALL, text: ALL, hint: ALL, tone: 'error' })],
  [
    'admin table',
    () =>
      adminTableCard({
        title: ALL,
        readAt: NOW,
        headers: [ALL, 'When'],
        rows: [[ALL, ALL]],
        emptyText: ALL,
        notes: [ALL],
        remaining: 3,
        cursor: 'c',
      }),
  ],
  ['approver card, pending', () => approverCard(approvalRecord(false), copy('approver'))],
  ['approver card, decided', () => approverCard(approvalRecord(true), copy('approver'))],
  ['requester card, waiting', () => requesterCard(approvalRecord(false), copy('requester'))],
  ['requester card, denied with a reason', () => requesterCard(approvalRecord(true), copy('requester'))],
];

describe('plain text on every card (issue 13, item 4)', () => {
  for (const [name, make] of VIEWS) {
    it(`${name}: hostile text is shown inert`, () => assertCardInert(make(), name));
  }

  it("the message telling the requester the outcome shows the approver's reason inert", () => {
    const text = outcomeMessage(approvalRecord(true));
    assertInert(text, 'outcome message');
    assert.match(text, /denied your request/);
  });

  it('a role name typed as a link is echoed back inert, in the message and on the card', async () => {
    const replies = await startChat().say('activate [Open PIM to approve](https://evil.example/x) <a href="https://evil.example">y</a>');
    const message = replies.find((r) => r.text)?.text ?? '';
    assert.match(message, /no eligible role called/);
    assertInert(message, 'the typed name echoed back');
    assert.match(message, /Open PIM to approve/);
    for (const reply of replies)
      if (reply.attachments?.[0])
        for (const s of shownStrings(reply.attachments[0].content)) if (s.rendering === 'markdown') assertInert(s.text, 'the role list');
  });

  it('keeps the ids in action data exactly as they were', () => {
    const card = roleListCard({
      roles: [
        { ...role, key: 'entraRole|/|a_b*c' },
        { ...role, key: 'entraRole|/|x' },
      ],
    });
    assert.match(JSON.stringify(card.content), /"eligibilityKey":"entraRole\|\/\|a_b\*c"/);
  });

  it("keeps the card date and time functions the views produce, so times show in the reader's zone", () => {
    const text = plainText('Ends {{DATE(2026-12-02T10:00:00Z, SHORT)}} {{TIME(2026-12-02T10:00:00Z)}} [x](https://e.example)');
    assert.match(text, /\{\{DATE\(2026-12-02T10:00:00Z, SHORT\)\}\} \{\{TIME\(2026-12-02T10:00:00Z\)\}\}/);
    assertInert(text.replace(/\{\{(DATE|TIME)\([^)]*\)\}\}/g, ''), 'around the functions');
  });

  it('lets through only the strictly shaped date and time functions: typed, one can show a date and nothing else', () => {
    assert.equal(plainText('{{TIME(2099-01-01T00:00:00Z)}}'), '{{TIME(2099-01-01T00:00:00Z)}}');
    assert.equal(plainText('{{TIME(2099-01-01T00:00:00Z, x)}}'), '\\{\\{TIME(2099-01-01T00:00:00Z, x)\\}\\}');
  });

  it('writes card times out in UTC in a plain message, where card functions do not exist', () => {
    assert.equal(
      plainMessage('until {{TIME(2026-12-02T10:05:00Z)}} on {{DATE(2026-12-02T10:05:00Z, SHORT)}}'),
      'until 10:05 UTC on 2026-12-02',
    );
  });

  it("writes them in the reader's zone when it is known, and the words around them stay inert", () => {
    const berlin = timeFormatter('Europe/Berlin');
    assert.equal(
      plainMessage('until {{TIME(2026-12-02T10:05:00Z)}} on {{DATE(2026-12-02T10:05:00Z, SHORT)}}', berlin).replace(/\s/g, ' '),
      'until 11:05 AM on Wed, Dec 2, 2026',
    );
    assertInert(plainMessage('[click](https://evil.example) at {{TIME(2026-12-02T10:05:00Z)}}', berlin), 'around the time');
  });

  it('reads naturally when there is nothing to neutralise', () => {
    for (const ordinary of [
      'Quarterly access review – café ✓',
      'Reader on rg-web (Contoso Prod)',
      'Alice Adams (alice@contoso.example)',
      'INC-42',
      'v1.2 rollout, e.g. today',
    ]) {
      assert.equal(plainText(ordinary), ordinary);
    }
  });

  it('removes control characters from text shown verbatim (inputs, buttons), without escaping it', () => {
    assert.equal(cleanText('a\u202Eb\u200Bc\nd_e'), 'abc d_e');
  });
});
