// The open-approvals index on real blob storage (Azurite through botbuilder-azure-blobs, unmodified):
// what BlobsStorage does with eTags on a missing blob (the index's creation rests on it), and records
// created at the same moment by several bot instances on a brand-new container all being listed.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { useAzurite } from '../../support/azurite';
import { recordKey, type ApprovalRecord } from '../../../services/approvals/record';
import { ApprovalRecordStore } from '../../../services/approvals/recordStore';
import { isETagConflict } from '../../../services/store/keyValueStorage';

const T0 = new Date('2025-03-03T10:00:00Z').toISOString();

function record(requestId: string): ApprovalRecord {
  return {
    surface: 'entraRole',
    requestId,
    requester: { id: 'alice' },
    approvers: [{ id: 'bob' }],
    request: {
      roleId: 'r',
      roleName: 'User Administrator',
      scopeId: '/',
      scopeName: 'Directory',
      startDateTime: T0,
      endDateTime: T0,
      createdDateTime: T0,
      justification: null,
      ticket: null,
    },
    recentActivations: [],
    createdAt: T0,
    expiresAt: T0,
    copies: [{ userId: 'bob', role: 'approver', state: 'intent', nonce: 'n', shows: 'pending' }],
  };
}

describe('open approvals index on Azurite (BlobsStorage)', function () {
  this.timeout(60_000);
  const azurite = useAzurite('index');
  const container = () => `idx-${randomUUID().slice(0, 8)}`;

  it('BlobsStorage has no create-if-absent: a specific eTag on a missing blob is refused, "*" and "" write unconditionally', async () => {
    const storage = new BlobsStorage(azurite().connectionString, container());
    await assert.rejects(storage.write({ a: { v: 1, eTag: '"0x8DC000000000000"' } }), isETagConflict);
    assert.equal((await storage.read(['a']))['a'], undefined, 'nothing was created');
    await storage.write({ b: { v: 1, eTag: '*' } });
    await storage.write({ b: { v: 2, eTag: '*' } });
    await storage.write({ b: { v: 3, eTag: '' } });
    assert.equal(((await storage.read(['b']))['b'] as { v: number }).v, 3, 'overwritten without a check');
  });

  it('15 records created at the same moment by three instances on a brand-new container are all listed as open', async () => {
    const name = container();
    const instances = [0, 1, 2].map(() => new ApprovalRecordStore(new BlobsStorage(azurite().connectionString, name)));
    const ids = Array.from({ length: 15 }, () => randomUUID());
    await Promise.all(ids.map((id, i) => instances[i % 3]!.create(record(id))));
    const expected = ids.map((id) => recordKey('entraRole', id)).sort();
    assert.deepEqual((await instances[0]!.openKeys()).sort(), expected);
    const reader = new ApprovalRecordStore(new BlobsStorage(azurite().connectionString, name));
    for (const key of expected) assert.ok(await reader.getByKey(key), `${key} stored`);
  });
});
