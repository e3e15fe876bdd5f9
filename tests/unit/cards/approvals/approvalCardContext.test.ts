// The approval card's context, rendered from records alone: every part the directory or PIM gave is
// shown, records written before the context existed still render, the card stays under Teams' 28 KB
// with the longest texts, every text wraps (phones), and a denial tells the requester what to do next.
import assert from 'node:assert/strict';
import { approverCard, outcomeMessage, requesterCard, scopeInWords } from '../../../../cards/approvals/approvalCards';
import { MAX_CARD_BYTES } from '../../../../cards/render';
import type { ApprovalRecord, CardCopy } from '../../../../services/approvals/record';

const NOW = new Date('2025-03-03T10:00:00Z');
const HOUR = 3_600_000;

function record(over: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    surface: 'entraRole',
    requestId: 'req-1',
    requester: { id: 'alice', displayName: 'Alice Adams' },
    approvers: [
      { id: 'bob', displayName: 'Bob Brown' },
      { id: 'dave', displayName: 'Dave Diaz' },
    ],
    request: {
      roleId: 'r',
      roleName: 'User Administrator',
      scopeId: '/',
      scopeName: 'Directory',
      startDateTime: NOW.toISOString(),
      endDateTime: new Date(NOW.getTime() + 2 * HOUR).toISOString(),
      createdDateTime: NOW.toISOString(),
      justification: 'Reset MFA for Erin',
      ticket: 'INC-42',
    },
    recentActivations: [],
    createdAt: NOW.toISOString(),
    expiresAt: new Date(NOW.getTime() + 24 * HOUR).toISOString(),
    copies: [],
    context: {
      requester: { jobTitle: 'Site Reliability Engineer', department: 'Platform Engineering', manager: 'Bob Brown' },
      role: { description: 'Can manage all aspects of users and groups.', privileged: true },
      activeAccess: [
        { name: 'Global Reader', endDateTime: new Date(NOW.getTime() + HOUR).toISOString() },
        { name: 'Owner of SRE On-Call', endDateTime: null },
      ],
    },
    ...over,
  };
}
const bob: CardCopy = { userId: 'bob', role: 'approver', state: 'sent', nonce: 'n', shows: 'pending' };
const alice: CardCopy = { userId: 'alice', role: 'requester', state: 'sent', nonce: 'm', shows: 'pending' };
const content = (a: { content?: unknown }) => a.content as Record<string, unknown>;
const facts = (a: { content?: unknown }): Record<string, string> => {
  const set = (content(a)['body'] as Array<Record<string, unknown>>).find((b) => b['type'] === 'FactSet')!;
  return Object.fromEntries((set['facts'] as Array<{ title: string; value: string }>).map((f) => [f.title, f.value]));
};
const textBlocks = (a: { content?: unknown }) =>
  (content(a)['body'] as Array<Record<string, unknown>>).filter((b) => b['type'] === 'TextBlock');

describe('approval card context', () => {
  it('shows who, what (allows, privileged), when, why, active access, and who else can decide', () => {
    const card = approverCard(record(), bob);
    const f = facts(card);
    assert.deepEqual(
      [
        f['Job title'],
        f['Department'],
        f['Manager'],
        f['Asks for'],
        f['Scope'],
        f['Allows'],
        f['Privileged role'],
        f['When'],
        f['Also can decide'],
      ],
      [
        'Site Reliability Engineer',
        'Platform Engineering',
        'Bob Brown',
        'Entra role User Administrator',
        'Directory (the whole tenant)',
        'Can manage all aspects of users and groups.',
        'Yes: Microsoft marks this role privileged',
        'From its approval until 2 hours later',
        'Dave Diaz',
      ],
    );
    const lines = textBlocks(card).map((b) => b['text']);
    assert.ok(lines.includes("Alice Adams's active access now"));
    assert.ok(lines.some((l) => typeof l === 'string' && /^Owner of SRE On-Call: permanent$/.test(l)));
    assert.equal(
      facts(approverCard(record({ approvers: [{ id: 'bob', displayName: 'Bob Brown' }] }), bob))['Also can decide'],
      'Nobody else: only you',
    );
  });

  it('the channel copy says who may decide there (everyone in the channel reads it; only approvers may click)', () => {
    const channel: CardCopy = { userId: 'channel:19:abc@thread.tacv2', role: 'channel', state: 'sent', nonce: 'c', shows: 'pending' };
    const card = approverCard(record(), channel);
    const lines = textBlocks(card).map((b) => String(b['text']));
    assert.ok(
      lines.some((l) => l.startsWith('Only the approvers of this request can decide: Bob Brown, Dave Diaz.')),
      lines.join('\n'),
    );
    assert.equal(facts(card)['Who can decide'], 'Bob Brown, Dave Diaz');
    assert.equal(facts(card)['Also can decide'], undefined, 'no "also" in a channel: the reader is not an approver');
    // A big approver group is named by its first five.
    const many = Array.from({ length: 8 }, (_, i) => ({ id: `a${i}`, displayName: `Approver ${i}` }));
    assert.ok(
      textBlocks(approverCard(record({ approvers: many }), channel)).some((b) =>
        /can decide: Approver 0, Approver 1, Approver 2, Approver 3, Approver 4 and 3 more\./.test(String(b['text'])),
      ),
    );
    // The 1:1 copy does not carry the channel's line.
    assert.ok(!textBlocks(approverCard(record(), bob)).some((b) => /Only the approvers/.test(String(b['text']))));
  });

  it('a record written before the context existed still renders, without the parts it lacks', () => {
    const { context: _none, ...old } = record();
    const card = approverCard(old as ApprovalRecord, bob);
    const f = facts(card);
    for (const missing of ['Job title', 'Department', 'Manager', 'Allows', 'Privileged role']) assert.equal(f[missing], undefined, missing);
    assert.equal(f['Asks for'], 'Entra role User Administrator');
    assert.ok(!textBlocks(card).some((b) => /active access/.test(String(b['text']))));
  });

  it('group and Azure requests read in words', () => {
    const group = record({
      surface: 'group',
      request: { ...record().request, roleId: 'owner', roleName: 'Owner', scopeId: 'g1', scopeName: 'SRE On-Call' },
    });
    // The title carries its status in a word and an icon (cards/status.ts), then the request in words.
    const title = textBlocks(approverCard(group, bob))
      .map((b) => String(b['text']))
      .find((t) => /asks for/.test(t));
    assert.match(title ?? '', /^⏳ Waiting: Alice Adams asks for Owner of SRE On-Call$/);
    const at = (scopeId: string, scopeName: string) =>
      scopeInWords({ surface: 'azureResource', request: { ...record().request, scopeId, scopeName } });
    assert.equal(at('/subscriptions/s1', 'Contoso Prod'), 'Subscription Contoso Prod');
    assert.equal(at('/subscriptions/s1/resourceGroups/rg-web', 'rg-web'), 'Resource group rg-web');
    assert.equal(at('/providers/Microsoft.Management/managementGroups/mg', 'Contoso'), 'Management group Contoso');
    assert.equal(at('/subscriptions/s1/resourceGroups/rg-web/providers/Microsoft.Web/sites/web1', 'web1'), 'Resource web1');
  });

  it('stays under 28 KB with the longest texts, and every text wraps', () => {
    const long = (n: number) => 'W'.repeat(n);
    const big = record({
      approvers: Array.from({ length: 60 }, (_, i) => ({ id: `a${i}`, displayName: `${long(60)} ${i}` })),
      request: { ...record().request, roleName: long(120), scopeName: long(120), justification: long(500), ticket: long(100) },
      recentActivations: Array.from({ length: 3 }, () => ({ startDateTime: NOW.toISOString(), endDateTime: NOW.toISOString() })),
      context: {
        requester: { jobTitle: long(128), department: long(64), manager: long(256) },
        role: { description: long(5000), privileged: true },
        activeAccess: Array.from({ length: 200 }, (_, i) => ({ name: `${long(200)} ${i}`, endDateTime: null })),
      },
    });
    for (const card of [approverCard(big, bob), approverCard(big, bob, 'A reason is required to deny.'), requesterCard(big, alice)]) {
      assert.ok(Buffer.byteLength(JSON.stringify(card.content)) < MAX_CARD_BYTES);
      for (const b of textBlocks(card)) assert.equal(b['wrap'], true, String(b['text']).slice(0, 40));
    }
    assert.ok(facts(approverCard(big, bob))['Allows']!.length <= 300, 'the description is one line, not a page');
    assert.ok(textBlocks(approverCard(big, bob)).some((b) => b['text'] === 'and 192 more'));
    assert.match(facts(approverCard(big, bob))['Also can decide']!, / and 55 more$/, 'a big approver group is named by its first five');
  });

  it('a refused deny shows why on the card; a decided card does not', () => {
    assert.ok(
      textBlocks(approverCard(record(), bob, 'A reason is required to deny.')).some(
        (b) => b['text'] === 'Not done: A reason is required to deny.',
      ),
    );
    const decided = record({
      decision: {
        outcome: 'denied',
        by: { id: 'bob', displayName: 'Bob Brown' },
        at: NOW.toISOString(),
        justification: 'not now',
        via: 'bot',
      },
    });
    assert.ok(!textBlocks(approverCard(decided, bob, 'A reason is required to deny.')).some((b) => /Not done/.test(String(b['text']))));
  });

  it('a denial tells the requester the reason and what to do next', () => {
    const decided = record({
      decision: {
        outcome: 'denied',
        by: { id: 'bob', displayName: 'Bob Brown' },
        at: NOW.toISOString(),
        justification: 'Use the helpdesk',
        via: 'bot',
      },
    });
    assert.match(
      JSON.stringify(outcomeMessage(decided)),
      /Bob Brown denied your request for User Administrator \(Use the helpdesk\)\. Nothing was activated\. What next: ask Bob Brown, or request again with more detail\./,
    );
    assert.match(JSON.stringify(requesterCard(decided, alice).content), /What next: ask Bob Brown, or request again with more detail/);
    const inPim = record({ decision: { outcome: 'denied', by: null, at: NOW.toISOString(), justification: '', via: 'pim' } });
    assert.match(JSON.stringify(outcomeMessage(inPim)), /What next: ask an approver, or request again with more detail/);
  });
});
