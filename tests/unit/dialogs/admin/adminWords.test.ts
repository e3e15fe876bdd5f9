// The admin answers' words: sentences per audit entry and per active assignment, the "who
// approved her last request" answer, status titles that never rely on colour, and the admin table's
// narrow-screen list.
import assert from 'node:assert/strict';
import { adminTableCard } from '../../../../cards/adminViews';
import { outcomeTitle, toneTitle } from '../../../../cards/status';
import { verificationPhrase } from '../../../../cards/approvals/approverStepUp';
import { timeFormatter } from '../../../../cards/localTime';
import { plainMessage } from '../../../../cards/plainText';
import { decisionAnswer } from '../../../../dialogs/admin/decisionAnswer';
import { verificationOf, verificationsOf } from '../../../../dialogs/admin/verifiedDecisions';
import type { ApprovalRequests } from '../../../../dialogs/deps';
import { parseAdminQuestion } from '../../../../dialogs/admin/grammar';
import { accessSentence, activitySentence, howHeld } from '../../../../dialogs/admin/words';
import type { ActiveAccess, ActivityEntry, PrincipalRef } from '../../../../services/admin/model';

const ALICE: PrincipalRef = { id: '0a11ce00-0000-4000-8000-000000000001', displayName: 'Alice Adams', kind: 'user' };
const BOB: PrincipalRef = { id: '0b0b0000-0000-4000-8000-000000000002', displayName: 'Bob Brown', kind: 'user' };
const DAVE: PrincipalRef = { id: '0da7e000-0000-4000-8000-000000000004', displayName: 'Dave Diaz', kind: 'user' };
const AT = new Date('2026-12-02T10:00:00Z');

function entry(over: Partial<ActivityEntry>): ActivityEntry {
  return {
    at: AT,
    kind: 'activation',
    description: 'Add member to role completed (PIM activation)',
    actor: ALICE,
    subject: ALICE,
    roleName: 'Global Reader',
    surface: 'entraRole',
    result: 'success',
    requestId: 'r1',
    justification: null,
    source: 'audit',
    ...over,
  };
}

/** The answer as the asker reads it: written out like every message, in UTC when the turn names no zone. */
const answer = (...args: Parameters<typeof decisionAnswer>): string => plainMessage(decisionAnswer(...args));

describe('admin answers in words', () => {
  it('says what happened, with names, durations, justifications and reasons', () => {
    assert.equal(
      activitySentence(entry({ durationMinutes: 120, justification: 'Audit prep' })),
      'Alice Adams activated Global Reader for 2 hours (justification: Audit prep)',
    );
    assert.equal(
      activitySentence(entry({ kind: 'denial', actor: DAVE, roleName: 'User Administrator', justification: 'Use the queue' })),
      "Dave Diaz denied Alice Adams's request for User Administrator: Use the queue",
    );
    assert.equal(
      activitySentence(entry({ kind: 'approval', actor: BOB, roleName: 'Contributor on Contoso Prod' })),
      "Bob Brown approved Alice Adams's request for Contributor on Contoso Prod",
    );
    assert.equal(
      activitySentence(entry({ kind: 'cancellation', roleName: 'SRE On-Call (owner)', result: 'failure' })),
      'Alice Adams cancelled their request for SRE On-Call (owner)',
    );
    assert.equal(
      activitySentence(entry({ kind: 'deactivation', description: 'Remove member from role (PIM activation expired)', actor: null })),
      "Alice Adams's Global Reader expired",
    );
    assert.equal(
      activitySentence(entry({ kind: 'request', result: 'pending', durationMinutes: 60, source: 'requests' })),
      'Alice Adams asked for Global Reader for 1 hour, waiting for approval',
    );
    assert.equal(activitySentence(entry({ kind: 'denial', source: 'requests' })), "Alice Adams's request for Global Reader was denied");
    assert.equal(
      activitySentence(entry({ kind: 'assignment', actor: BOB, description: 'Add member to role in PIM completed (permanent)' })),
      'Bob Brown assigned Global Reader to Alice Adams permanently',
    );
  });

  it('the asker is "you"; an unnamed person is "someone", never an object id', () => {
    assert.equal(activitySentence(entry({ durationMinutes: 30 }), ALICE.id), 'You activated Global Reader for 30 minutes');
    assert.equal(activitySentence(entry({ kind: 'denial', actor: DAVE }), ALICE.id), 'Dave Diaz denied your request for Global Reader');
    const unnamed = { ...ALICE, displayName: ALICE.id };
    const sentence = activitySentence(entry({ kind: 'approval', actor: BOB, subject: unnamed }));
    assert.equal(sentence, "Bob Brown approved someone's request for Global Reader");
    assert.doesNotMatch(sentence, /0a11ce00/);
  });

  it('active access: who holds what where, how and until when', () => {
    const a: ActiveAccess = {
      principal: ALICE,
      surface: 'azureResource',
      roleName: 'Contributor',
      scopeName: 'Contoso Prod',
      assignmentType: 'activated',
      outsidePim: false,
      viaGroup: false,
      since: AT,
      until: new Date('2026-12-02T12:00:00Z'),
    };
    assert.equal(accessSentence(a), 'Alice Adams holds Contributor on Contoso Prod');
    assert.match(howHeld(a), /^Activated, until \{\{DATE\(2026-12-02T12:00:00Z/);
    assert.equal(howHeld({ ...a, assignmentType: 'assigned', outsidePim: true, until: null }), 'Assigned outside PIM, permanent');
    assert.equal(
      accessSentence({ ...a, surface: 'group', roleName: 'Member', scopeName: 'SRE On-Call' }),
      'Alice Adams holds Member of SRE On-Call',
    );
  });

  it('"who approved alice\'s last request": the latest request and its decision', () => {
    const older = [
      entry({ requestId: 'r1', at: new Date('2026-12-01T09:00:00Z') }),
      entry({ requestId: 'r1', kind: 'approval', actor: DAVE, at: new Date('2026-12-01T09:05:00Z') }),
    ];
    const latest = [
      entry({ requestId: 'r2', kind: 'request', result: 'pending', roleName: 'User Administrator' }),
      entry({
        requestId: 'r2',
        kind: 'denial',
        actor: BOB,
        roleName: 'User Administrator',
        justification: 'Not now',
        at: new Date('2026-12-02T10:05:00Z'),
      }),
    ];
    assert.equal(
      answer([...older, ...latest], { id: ALICE.id, name: 'Alice Adams' }, BOB.id),
      "Bob Brown denied Alice Adams's last request, for User Administrator (2026-12-02 10:05 UTC): Not now",
    );
    assert.match(answer(older.slice(0, 1), { id: ALICE.id, name: 'Alice Adams' }, BOB.id), /needed no approval/);
    assert.match(
      answer([latest[0]!], { id: ALICE.id, name: 'Alice Adams' }, BOB.id),
      /Nobody has decided Alice Adams's last request, for User Administrator, yet/,
    );
    assert.match(answer([], { id: ALICE.id, name: 'Alice Adams' }, BOB.id), /made no request/);
    assert.equal(
      plainMessage(decisionAnswer(latest, { id: ALICE.id, name: 'Alice Adams' }, BOB.id), timeFormatter('America/New_York')).replace(
        /\s/g,
        ' ',
      ),
      "Bob Brown denied Alice Adams's last request, for User Administrator (Wed, Dec 2, 2026 5:05 AM): Not now",
      "in the asker's own zone when the turn names it",
    );
  });

  it('says how the decider proved themselves when the bot recorded it, and nothing when it did not', async () => {
    const decided = [
      entry({ requestId: 'R2', kind: 'request', roleName: 'User Administrator' }),
      entry({
        requestId: 'R2',
        kind: 'approval',
        actor: BOB,
        roleName: 'User Administrator',
        justification: 'Go',
        at: new Date('2026-12-02T10:05:00Z'),
      }),
    ];
    const asked: string[] = [];
    const approvals = {
      decidedBy: async (u: { userId: string }) => {
        asked.push(u.userId);
        if (u.userId === BOB.id.toLowerCase())
          return [{ requestId: 'r2', verifiedBy: { method: 'mfa' as const, authTime: '2026-12-02T10:04:00Z' } }];
        throw new Error('storage down');
      },
    } as unknown as ApprovalRequests;
    const verified = await verificationsOf(
      approvals,
      'tenant',
      [...decided, entry({ requestId: 'r9', kind: 'denial', actor: DAVE })],
      AT,
      AT,
    );
    assert.deepEqual(
      asked.sort(),
      [BOB.id, DAVE.id].map((id) => id.toLowerCase()).sort(),
      'each decider read once; an unreadable record leaves no phrase',
    );
    const how = (e: ActivityEntry) => verificationPhrase(verificationOf(verified, e));
    assert.equal(
      answer(decided, { id: ALICE.id, name: 'Alice Adams' }, BOB.id, how),
      "Bob Brown (verified with MFA) approved Alice Adams's last request, for User Administrator (2026-12-02 10:05 UTC): Go",
    );
    const byDave = decided.map((e) => (e.kind === 'approval' ? { ...e, actor: DAVE } : e));
    assert.equal(
      answer(byDave, { id: ALICE.id, name: 'Alice Adams' }, BOB.id, how),
      "Dave Diaz approved Alice Adams's last request, for User Administrator (2026-12-02 10:05 UTC): Go",
      'no record, no claim',
    );
  });
});

describe('status titles never rely on colour alone', () => {
  it('every outcome has an icon, and a word when the text has none', () => {
    assert.equal(outcomeTitle('pending', 'Alice Adams asks for User Administrator'), '⏳ Waiting: Alice Adams asks for User Administrator');
    assert.equal(outcomeTitle('pending', 'User Administrator is waiting for approval'), '⏳ User Administrator is waiting for approval');
    assert.equal(outcomeTitle('approved', 'Approved by Bob Brown at 10:02'), '✅ Approved by Bob Brown at 10:02');
    assert.equal(outcomeTitle('canceled', 'Cancelled by Alice Adams'), '🚫 Cancelled by Alice Adams');
    assert.equal(toneTitle('error', 'User Administrator was denied'), '❌ User Administrator was denied');
  });
});

describe('admin table on narrow screens', () => {
  it('carries a header: value list shown only on narrow screens, and the table only on wider ones', () => {
    const card = adminTableCard({
      title: 'Alerts',
      readAt: AT,
      headers: ['Status', 'Alert'],
      rows: [['🔴 Firing · High', 'Roles assigned outside PIM']],
      emptyText: '',
    });
    const body = (card.content as { body: Array<Record<string, unknown>> }).body;
    const table = body.find((b) => b['type'] === 'Table')!;
    const list = body.find((b) => b['type'] === 'Container' && b['targetWidth'] === 'atMost:narrow')!;
    assert.equal(table['targetWidth'], 'atLeast:standard');
    assert.deepEqual(JSON.parse(JSON.stringify((list['items'] as Array<{ items: unknown[] }>)[0]!.items[0])), {
      type: 'FactSet',
      facts: [
        { title: 'Status', value: '🔴 Firing · High' },
        { title: 'Alert', value: 'Roles assigned outside PIM' },
      ],
    });
  });

  it('a full page of long cells stays under 28 KB (each cell is in the card twice)', () => {
    const card = adminTableCard({
      title: 'T',
      readAt: AT,
      headers: ['A', 'B', 'C', 'D', 'E'],
      rows: Array.from({ length: 10 }, () => Array(5).fill('Alice Adams '.repeat(40))),
      emptyText: '',
    });
    assert.ok(Buffer.byteLength(JSON.stringify(card.content)) < 28 * 1024);
  });
});

describe('the new admin phrasings', () => {
  const cases: ReadonlyArray<readonly [string, string, Record<string, string>]> = [
    ['who is active right now', 'activeNow', {}],
    ['who has privileged access now', 'activeNow', {}],
    ['show me all active assignments', 'activeNow', {}],
    ["who approved alice's last request", 'whoDecided', { user: 'alice' }],
    ['what did bob approve this week', 'decisions', { user: 'bob', period: 'this week' }],
    ['approvals by dave today', 'decisions', { user: 'dave', period: 'today' }],
    // Unchanged: roles whose names share these words.
    ['who has Privileged Role Administrator', 'holders', { role: 'Privileged Role Administrator' }],
    ['who is active in Global Reader', 'holders', { role: 'Global Reader' }],
    ['what did alice activate this week', 'activity', { user: 'alice', period: 'this week' }],
  ];
  for (const [text, intent, slots] of cases) {
    it(`"${text}" → ${intent}`, () => assert.deepEqual(parseAdminQuestion(text), { intent, slots }));
  }
});
