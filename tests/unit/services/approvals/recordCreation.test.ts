// Creating an approval record when several creators may race for it (a resubmit taking over a pending
// request on two instances, or racing the original submit). Where Storage has no create-if-absent the
// eTag'd open index arbitrates; where it has (Blob) the record's create-only write does, and the key is
// listed alongside it. Either way exactly one creator writes the record, the others get the stored one.
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

describe('approval record creation on a store that creates only if absent (Blob)', () => {
  /** MemoryStorage's methods as own properties, for the wrappers above to spread. */
  function plain(memory: MemoryStorage): KeyValueStorage {
    return { read: (keys) => memory.read(keys), write: (changes) => memory.write(changes), delete: (keys) => memory.delete(keys) };
  }

  /** The index as stored, claims included. */
  async function index(storage: KeyValueStorage): Promise<{ keys: string[]; creating?: Record<string, unknown> }> {
    return (await storage.read([OPEN_INDEX_KEY]))[OPEN_INDEX_KEY] as { keys: string[]; creating?: Record<string, unknown> };
  }

  it("writes the record and lists it together: the record's create starts before the index write has landed, and nothing is read after prepare()", async () => {
    const memory = new MemoryStorage();
    const events: string[] = [];
    let recordStarted: () => void = () => undefined;
    const started = new Promise<void>((r) => (recordStarted = r));
    const base = createOnce(plain(memory));
    const reads: string[] = [];
    const storage: KeyValueStorage & CreateOnceStorage = {
      read: (keys) => (reads.push(...keys), memory.read(keys)),
      delete: (keys) => memory.delete(keys),
      async write(changes) {
        if (OPEN_INDEX_KEY in changes) {
          // Waits (a little) for the record's create: a claim-first open would start it only after this write.
          await Promise.race([started, new Promise((r) => setTimeout(r, 100))]);
          await memory.write(changes);
          events.push('index written');
        } else await memory.write(changes);
      },
      async createIfAbsent(key, value) {
        if (key === KEY) {
          events.push('record create started');
          recordStarted();
        }
        return base.createIfAbsent(key, value);
      },
    };
    const store = new ApprovalRecordStore(storage);
    await store.prepare();
    reads.length = 0;
    const opened = await store.open(draft('n1'), { newRequest: true });
    assert.equal(opened.kind, 'created');
    assert.deepEqual(events, ['record create started', 'index written']);
    assert.deepEqual(
      reads.filter((k) => k === OPEN_INDEX_KEY),
      [],
      'the append starts from the index prepare() read',
    );
    assert.ok(await store.getByKey(KEY));
    assert.deepEqual((await index(memory)).keys, [KEY]);
    assert.ok((await index(memory)).creating?.[KEY], 'the key is marked as being created');
  });

  it('killed after the record landed and before its listing: the sweep, opening the record it finds for a PIM request, lists it again and keeps it', async () => {
    const memory = new MemoryStorage();
    const dying: KeyValueStorage & CreateOnceStorage = {
      ...createOnce(plain(memory)),
      write: (changes) => (OPEN_INDEX_KEY in changes ? new Promise(() => undefined) : memory.write(changes)),
    };
    const dead = new ApprovalRecordStore(dying);
    await new ApprovalRecordStore(createOnce(plain(memory))).prepare(); // the index exists
    void dead.open(draft('dead'), { newRequest: true });
    await new Promise((r) => setTimeout(r, 20));
    const sweeper = new ApprovalRecordStore(createOnce(plain(memory)));
    assert.deepEqual(await sweeper.openKeys(), []);
    const found = (await sweeper.getByKey(KEY))!;
    assert.equal(found.copies[0]!.nonce, 'dead');
    const opened = await sweeper.open(found);
    assert.ok(opened.kind === 'existing');
    assert.equal(opened.record.copies[0]!.nonce, 'dead');
    assert.deepEqual(await sweeper.openKeys(), [KEY]);
  });

  it('killed after the listing and before the record: kept listed while the creation is marked, unlisted after the lease, then created by the next', async () => {
    const memory = new MemoryStorage();
    let now = T0;
    const dying: KeyValueStorage & CreateOnceStorage = {
      ...createOnce(plain(memory)),
      createIfAbsent: (key, value) => (key === KEY ? new Promise(() => undefined) : createOnce(plain(memory)).createIfAbsent(key, value)),
    };
    void new ApprovalRecordStore(dying, { now: () => now }).open(draft('dead'), { newRequest: true });
    await new Promise((r) => setTimeout(r, 20));
    const sweeper = new ApprovalRecordStore(createOnce(plain(memory)), { now: () => now, createLeaseMs: 30_000 });
    assert.deepEqual(await sweeper.openKeys(), [KEY]);
    assert.equal(await sweeper.getByKey(KEY), undefined);
    await sweeper.closeMissing(KEY);
    assert.deepEqual(await sweeper.openKeys(), [KEY], 'its creator may still be writing');

    now = new Date(T0.getTime() + 30_000);
    await sweeper.closeMissing(KEY);
    assert.deepEqual(await sweeper.openKeys(), [], 'its creator is taken to be dead');
    const next = await sweeper.open(draft('next'));
    assert.equal(next.kind, 'created');
    assert.equal((await sweeper.getByKey(KEY))!.copies[0]!.nonce, 'next');
    assert.deepEqual(await sweeper.openKeys(), [KEY]);
  });

  it('a sweep that finds the key listed before its record landed leaves it listed: the record lands listed', async () => {
    const memory = new MemoryStorage();
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const base = createOnce(plain(memory));
    const paused: KeyValueStorage & CreateOnceStorage = {
      ...base,
      createIfAbsent: async (key, value) => {
        if (key === KEY) await held;
        return base.createIfAbsent(key, value);
      },
    };
    const first = new ApprovalRecordStore(paused, { now: () => T0 }).open(draft('first'), { newRequest: true });
    await new Promise((r) => setTimeout(r, 20));
    const sweeper = new ApprovalRecordStore(createOnce(plain(memory)), { now: () => T0 });
    assert.deepEqual(await sweeper.openKeys(), [KEY]);
    await sweeper.closeMissing(KEY);
    release();
    assert.equal((await first).kind, 'created');
    assert.deepEqual(await sweeper.openKeys(), [KEY]);
  });
});
