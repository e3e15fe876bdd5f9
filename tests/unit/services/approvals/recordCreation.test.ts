// Creating an approval record when several creators may race for it (a resubmit taking over a pending
// request on two instances, or racing the original submit). Storage has no create-if-absent, so the
// eTag'd open index arbitrates: exactly one creator writes the record, the others get the stored one.
import assert from 'node:assert/strict';
import { MemoryStorage } from 'botbuilder';
import { seededRandom } from '../../../../emulator/stack/random';
import { recordKey, type ApprovalRecord } from '../../../../services/approvals/record';
import { ApprovalRecordStore, OPEN_INDEX_KEY } from '../../../../services/approvals/recordStore';
import type { CreateOnceStorage } from '../../../../services/store/createOnce';
import type { KeyValueStorage } from '../../../../services/store/keyValueStorage';

const T0 = new Date('2025-03-03T10:00:00Z');
const REQUEST_ID = '11111111-1111-4111-8111-111111111111';
const KEY = recordKey('entraRole', REQUEST_ID);

/** A creator's draft: same request, its own nonces (as every creator draws them). */
function draft(nonce: string): ApprovalRecord {
  return {
    surface: 'entraRole',
    requestId: REQUEST_ID,
    requester: { id: 'alice' },
    approvers: [{ id: 'bob' }],
    request: {
      roleId: 'r',
      roleName: 'User Administrator',
      scopeId: '/',
      scopeName: 'Directory',
      startDateTime: T0.toISOString(),
      endDateTime: T0.toISOString(),
      createdDateTime: T0.toISOString(),
      justification: null,
      ticket: null,
    },
    recentActivations: [],
    createdAt: T0.toISOString(),
    expiresAt: new Date(T0.getTime() + 24 * 3600_000).toISOString(),
    copies: [{ userId: 'bob', role: 'approver', state: 'intent', nonce, shows: 'pending' }],
  };
}

/**
 * Adds create-only writes (as BlobStateStorage's If-None-Match: *): one at a time, so that of racing
 * creators exactly one finds the key absent; every other write still goes straight through.
 */
function createOnce(storage: KeyValueStorage): KeyValueStorage & CreateOnceStorage {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    ...storage,
    createIfAbsent(key, value) {
      const attempt = queue.then(async () => {
        if ((await storage.read([key]))[key] !== undefined) return false;
        await storage.write({ [key]: { ...value, eTag: '*' } });
        return true;
      });
      queue = attempt.catch(() => undefined);
      return attempt;
    },
  };
}

/** Every read and write takes a few (seeded) milliseconds, so racing creators interleave like instances do. */
function slow(storage: KeyValueStorage, random: () => number): KeyValueStorage {
  const pause = () => new Promise((r) => setTimeout(r, Math.floor(random() * 4)));
  return {
    read: async (keys) => {
      await pause();
      const v = await storage.read(keys);
      await pause();
      return v;
    },
    write: async (changes) => {
      await pause();
      await storage.write(changes);
      await pause();
    },
    delete: (keys) => storage.delete(keys),
  };
}

describe('approval record creation', () => {
  /** One racing round: three instances open the same record; exactly one creates it, all render the stored one. */
  async function race(round: number, storage: KeyValueStorage): Promise<void> {
    // The wait for the winner's record is generous: this test is about who writes, not how fast.
    const stores = [0, 1, 2].map(() => new ApprovalRecordStore(storage, { createWaitMs: 60_000 }));
    const results = await Promise.all(stores.map((s, i) => s.open(draft(`nonce-${i}`))));
    const stored = (await stores[0]!.getByKey(KEY))!;
    assert.equal(results.filter((r) => r.kind === 'created').length, 1, `round ${round}: one creator`);
    for (const r of results) {
      assert.notEqual(r.kind, 'busy');
      if (r.kind !== 'busy')
        assert.equal(r.record.copies[0]!.nonce, stored.copies[0]!.nonce, `round ${round}: everyone renders the stored record`);
    }
    assert.deepEqual(await stores[1]!.openKeys(), [KEY]);
  }

  it('of creators racing for one record exactly one writes it, and every one gets the stored record (30 rounds, 3 instances)', async () => {
    const random = seededRandom(42);
    for (let round = 0; round < 30; round++) {
      const storage = new MemoryStorage();
      // The index exists (it is created once per store's life): the eTag'd claim arbitrates alone.
      await storage.write({ [OPEN_INDEX_KEY]: { keys: [] } });
      await race(round, slow(storage, random));
    }
  });

  it('on a store that creates only if absent (Blob), even the first-ever index creation races safely (30 rounds, 3 instances)', async () => {
    const random = seededRandom(7);
    for (let round = 0; round < 30; round++) await race(round, createOnce(slow(new MemoryStorage(), random)));
  });

  it('an existing record is kept as it is, whoever opens it', async () => {
    const storage = new MemoryStorage();
    const store = new ApprovalRecordStore(storage);
    assert.equal((await store.open(draft('first'))).kind, 'created');
    await store.update(KEY, (r) => ({ ...r, copies: [{ ...r.copies[0]!, state: 'sent', activityId: 'a1' }] }));
    const again = await new ApprovalRecordStore(storage).open(draft('second'));
    assert.ok(again.kind === 'existing');
    assert.equal(again.record.copies[0]!.state, 'sent');
    assert.equal((await store.create(draft('third'))).copies[0]!.nonce, 'first');
  });

  it('a creator that died holding the claim holds off others for the lease ("busy"), then its record is created by the next', async () => {
    const storage = new MemoryStorage();
    let now = T0;
    // Plays the dead instance: its index write (with the claim) lands, its record write never does.
    const dying: KeyValueStorage = {
      read: (keys) => storage.read(keys),
      delete: (keys) => storage.delete(keys),
      write: (changes) => (OPEN_INDEX_KEY in changes ? storage.write(changes) : new Promise(() => undefined)),
    };
    void new ApprovalRecordStore(dying, { now: () => now }).open(draft('dead'));
    await new Promise((r) => setTimeout(r, 20));
    const next = new ApprovalRecordStore(storage, { now: () => now, createLeaseMs: 30_000, createWaitMs: 150 });
    assert.equal((await next.open(draft('next'))).kind, 'busy');
    assert.equal(await next.getByKey(KEY), undefined, 'nothing written while the claim is live');

    now = new Date(T0.getTime() + 30_000);
    const taken = await next.open(draft('next'));
    assert.equal(taken.kind, 'created');
    assert.equal((await next.getByKey(KEY))!.copies[0]!.nonce, 'next');
    assert.deepEqual(await next.openKeys(), [KEY]);
  });

  it('closing the key (a sweep that found no record yet) keeps the creation claim: nobody else creates meanwhile', async () => {
    const storage = new MemoryStorage();
    const now = () => T0;
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const paused: KeyValueStorage = {
      read: (keys) => storage.read(keys),
      delete: (keys) => storage.delete(keys),
      write: async (changes) => {
        if (!(OPEN_INDEX_KEY in changes)) await held;
        await storage.write(changes);
      },
    };
    const first = new ApprovalRecordStore(paused, { now }).open(draft('first'));
    await new Promise((r) => setTimeout(r, 20));
    const sweeper = new ApprovalRecordStore(storage, { now });
    await sweeper.close(KEY);
    assert.deepEqual(await sweeper.openKeys(), []);
    assert.equal((await new ApprovalRecordStore(storage, { now, createWaitMs: 100 }).open(draft('second'))).kind, 'busy');
    release();
    assert.equal((await first).kind, 'created');
    assert.equal((await sweeper.getByKey(KEY))!.copies[0]!.nonce, 'first');
    assert.deepEqual(await sweeper.openKeys(), [KEY], 'listed again by its creator');
  });
});
