// The approver's own list of decisions: written when a decision is stored, once per request, only for
// a named approver and only approvals and denials, kept to the newest and the recent, read by period.
import assert from 'node:assert/strict';
import { MemoryStorage } from 'botbuilder';
import { decidedByKey, MAX_DECIDED } from '../../../../services/approvals/decidedBy';
import { recordKey, type ApprovalRecord } from '../../../../services/approvals/record';
import { ApprovalRecordStore } from '../../../../services/approvals/recordStore';

const T0 = new Date('2025-03-03T10:00:00Z');
const record = (requestId: string): ApprovalRecord => ({
  surface: 'group',
  requestId,
  requester: { id: 'alice', displayName: 'Alice Adams' },
  approvers: [{ id: 'bob', displayName: 'Bob Brown' }],
  request: {
    roleId: 'owner',
    roleName: 'Owner',
    scopeId: 'g1',
    scopeName: 'SRE On-Call',
    startDateTime: T0.toISOString(),
    endDateTime: T0.toISOString(),
    createdDateTime: T0.toISOString(),
    justification: null,
    ticket: null,
  },
  recentActivations: [],
  createdAt: T0.toISOString(),
  expiresAt: T0.toISOString(),
  copies: [],
});
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe("an approver's own decisions", () => {
  it('are listed once per request, by period, for the one who decided; cancellations and unknown deciders are not', async () => {
    const storage = new MemoryStorage();
    const store = new ApprovalRecordStore(storage, { now: () => T0 });
    for (const id of ['r1', 'r2', 'r3', 'r4']) await store.create(record(id));
    await store.decide(recordKey('group', 'r1'), {
      outcome: 'approved',
      by: { id: 'bob' },
      at: at(1).toISOString(),
      justification: 'ok',
      via: 'bot',
    });
    await store.decide(recordKey('group', 'r1'), {
      outcome: 'denied',
      by: { id: 'bob' },
      at: at(2).toISOString(),
      justification: 'late',
      via: 'bot',
    });
    await store.decide(recordKey('group', 'r2'), {
      outcome: 'denied',
      by: { id: 'bob' },
      at: at(60).toISOString(),
      justification: 'no',
      via: 'pim',
    });
    await store.decide(recordKey('group', 'r3'), {
      outcome: 'canceled',
      by: { id: 'alice' },
      at: at(3).toISOString(),
      justification: '',
      via: 'bot',
    });
    await store.decide(recordKey('group', 'r4'), { outcome: 'approved', by: null, at: at(4).toISOString(), justification: '', via: 'pim' });
    const all = await store.decidedBy('BOB', at(0), at(120));
    assert.deepEqual(
      all.map((e) => [e.requestId, e.outcome, e.reason]),
      [
        ['r2', 'denied', 'no'],
        ['r1', 'approved', 'ok'],
      ],
      'newest first; the first decision only',
    );
    assert.deepEqual(
      (await store.decidedBy('bob', at(0), at(30))).map((e) => e.requestId),
      ['r1'],
    );
    assert.deepEqual(await store.decidedBy('alice', at(0), at(120)), [], 'a cancellation is no decision of an approver');
    assert.equal(all[0]!.requesterName, 'Alice Adams');
  });

  it('keeps the newest entries only', async () => {
    const storage = new MemoryStorage();
    const store = new ApprovalRecordStore(storage, { now: () => at(MAX_DECIDED + 10) });
    for (let i = 0; i < MAX_DECIDED + 5; i++) {
      await store.create(record(`q${i}`));
      await store.decide(recordKey('group', `q${i}`), {
        outcome: 'approved',
        by: { id: 'bob' },
        at: at(i).toISOString(),
        justification: '',
        via: 'bot',
      });
    }
    const stored = (await storage.read([decidedByKey('bob')]))[decidedByKey('bob')] as { entries: unknown[] };
    assert.equal(stored.entries.length, MAX_DECIDED);
    assert.equal((await store.decidedBy('bob', at(0), at(4))).length, 0, 'the oldest went first');
  });
});
