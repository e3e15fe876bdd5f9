// Two bot instances on one Storage each keep timers for the same expiry reminder (one learnt of the
// activation in the user's turn, the other rebuilt its schedule from the shared index at start). When
// the reminder comes due on both at once, exactly one sends it: the reminder is claimed in the stored
// record with the eTag that was read. Run on MemoryStorage and on Azurite (BlobsStorage, If-Match).
import assert from 'node:assert/strict';
import { MemoryStorage, type Storage } from 'botbuilder';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { ExpiryReminders } from '../../../bot/notifyReminders';
import { silentLogger, type ProactiveSender } from '../../../dialogs/deps';
import { useAzurite } from '../../support/azurite';
import { BlobStateStorage } from '../../../services/store/blobStateStorage';
import type { ActiveAssignment } from '../../../services/pim/model';
import type { PimService } from '../../../services/pim/service';

const T0 = Date.UTC(2030, 0, 1, 10, 0);
const ALICE = { userId: '0a11ce00-0000-4000-8000-000000000001', tenantId: 'c0de0000-0000-4000-8000-00000000c0de' };
const REFERENCE = {
  conversation: { id: 'a:alice', isGroup: false, conversationType: 'personal', name: '' },
  serviceUrl: 'http://127.0.0.1:1',
};

function sharedClock() {
  let now = T0;
  const timers: Array<{ at: number; run: () => void; cleared: boolean }> = [];
  return {
    port: {
      now: () => now,
      setTimer: (run: () => void, ms: number) => {
        const t = { at: now + ms, run, cleared: false };
        timers.push(t);
        return t;
      },
      clearTimer: (h: unknown) => void ((h as { cleared: boolean }).cleared = true),
    },
    pending: () => timers.filter((t) => !t.cleared).length,
    /** Fires everything due in the same tick, as two processes' timers would at the same moment. */
    advance(ms: number) {
      now += ms;
      for (const t of timers.filter((x) => !x.cleared && x.at <= now)) {
        t.cleared = true;
        t.run();
      }
    },
  };
}

async function settle(storage: Storage, key: string, done: (value: { sent?: string[] } | undefined) => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (done((await storage.read([key]))[key] as { sent?: string[] } | undefined)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('expiry reminders with two bot instances on one Storage', function () {
  this.timeout(60_000);
  const azurite = useAzurite('azurite');

  const stores: Array<[string, () => Storage]> = [
    ['MemoryStorage', () => new MemoryStorage()],
    ['Azurite (BlobsStorage)', () => new BlobsStorage(azurite().connectionString, `rem-${Math.random().toString(36).slice(2, 10)}`)],
    [
      "Azurite (BlobStateStorage, the bot's own)",
      () => new BlobStateStorage(azurite().connectionString, `rem-${Math.random().toString(36).slice(2, 10)}`),
    ],
  ];
  for (const [name, makeStorage] of stores) {
    it(`${name}: the reminder due on both instances is sent once`, async () => {
      const storage = makeStorage();
      const clock = sharedClock();
      const end = new Date(T0 + 30 * 60_000);
      const active: ActiveAssignment = {
        key: 'entraRole|/|reader',
        surface: 'entraRole',
        roleId: 'reader',
        roleName: 'Global Reader',
        scope: { id: '/', displayName: 'Directory', kind: 'directory' },
        principalId: ALICE.userId,
        startDateTime: new Date(T0),
        endDateTime: end,
        assignmentType: 'activated',
      };
      const pim = { listActive: async () => [active] } as unknown as PimService;
      const sent: string[] = [];
      const instance = (label: string) => {
        const sender: ProactiveSender = { send: async () => void sent.push(label) };
        return new ExpiryReminders({ storage, pim, sender, tenantId: ALICE.tenantId, logger: silentLogger, timers: clock.port });
      };
      const a = instance('a');
      const b = instance('b');

      a.track(REFERENCE, ALICE, [active], { [active.key]: 'Global Reader' });
      await settle(storage, 'reminders/index', (v) => (v as { userIds?: string[] } | undefined)?.userIds?.includes(ALICE.userId) === true);
      await b.start();
      assert.equal(clock.pending(), 2, 'both instances hold a timer for the reminder');

      clock.advance(21 * 60_000);
      await settle(storage, `reminders/${ALICE.userId}`, (v) => (v?.sent?.length ?? 0) > 0);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(sent.length, 1, `sent by ${sent.join(', ') || 'nobody'}`);
      const record = (await storage.read([`reminders/${ALICE.userId}`]))[`reminders/${ALICE.userId}`] as { sent: string[] };
      assert.equal(record.sent.length, 1, 'marked sent once');
      a.stop();
      b.stop();
    });
  }

  it('an instance reads the shared index only until it knows the user is in it', async () => {
    const storage = new MemoryStorage();
    const reads: string[] = [];
    const counting: Storage = {
      read: (keys) => (reads.push(...keys), storage.read(keys)),
      write: (c) => storage.write(c),
      delete: (k) => storage.delete(k),
    };
    const clock = sharedClock();
    const active: ActiveAssignment = {
      key: 'entraRole|/|reader',
      surface: 'entraRole',
      roleId: 'reader',
      roleName: 'Global Reader',
      scope: { id: '/', displayName: 'Directory', kind: 'directory' },
      principalId: ALICE.userId,
      startDateTime: new Date(T0),
      endDateTime: new Date(T0 + 30 * 60_000),
      assignmentType: 'activated',
    };
    const reminders = new ExpiryReminders({
      storage: counting,
      pim: { listActive: async () => [active] } as unknown as PimService,
      sender: { send: async () => undefined },
      tenantId: ALICE.tenantId,
      logger: silentLogger,
      timers: clock.port,
    });
    for (let i = 0; i < 3; i++) {
      reminders.track(REFERENCE, ALICE, [active], { [active.key]: 'Global Reader' });
      await settle(storage, 'reminders/index', (v) => (v as { userIds?: string[] } | undefined)?.userIds?.includes(ALICE.userId) === true);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(reads.filter((k) => k === 'reminders/index').length, 1, 'the index was read once, for the first activation');
    assert.deepEqual(((await storage.read(['reminders/index']))['reminders/index'] as { userIds: string[] }).userIds, [ALICE.userId]);
    reminders.stop();
  });

  describe("the user's record, written again from what this instance wrote (BlobStateStorage on Azurite)", () => {
    class CountingStorage extends BlobStateStorage {
      readonly reads: string[] = [];
      override read(keys: string[]) {
        this.reads.push(...keys);
        return super.read(keys);
      }
    }
    const assignment = (roleId: string): ActiveAssignment => ({
      key: `entraRole|/|${roleId}`,
      surface: 'entraRole',
      roleId,
      roleName: roleId,
      scope: { id: '/', displayName: 'Directory', kind: 'directory' },
      principalId: ALICE.userId,
      startDateTime: new Date(T0),
      endDateTime: new Date(T0 + 30 * 60_000),
      assignmentType: 'activated',
    });
    const recordKey = `reminders/${ALICE.userId}`;
    const keys = async (storage: Storage) =>
      (((await storage.read([recordKey]))[recordKey] as { items?: Array<{ key: string }> } | undefined)?.items ?? [])
        .map((i) => i.key)
        .sort();
    const reminders = (storage: Storage) =>
      new ExpiryReminders({
        storage,
        pim: { listActive: async () => [] } as unknown as PimService,
        sender: { send: async () => undefined },
        tenantId: ALICE.tenantId,
        logger: silentLogger,
        timers: sharedClock().port,
      });
    const tracked = async (storage: Storage, expected: string[]) => {
      // The index is written after the record: once it names the user, the instance is done with the record.
      await settle(storage, 'reminders/index', (v) => (v as { userIds?: string[] } | undefined)?.userIds?.includes(ALICE.userId) === true);
      for (let i = 0; i < 200 && JSON.stringify(await keys(storage)) !== JSON.stringify(expected); i++)
        await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(await keys(storage), expected);
    };

    it('the next activation writes the record without reading it first', async () => {
      const container = `rem-${Math.random().toString(36).slice(2, 10)}`;
      const storage = new CountingStorage(azurite().connectionString, container);
      const observer = new BlobStateStorage(azurite().connectionString, container);
      const instance = reminders(storage);
      instance.track(REFERENCE, ALICE, [assignment('reader')], {});
      await tracked(observer, ['entraRole|/|reader']);
      const readsBefore = storage.reads.filter((k) => k === recordKey).length;
      instance.track(REFERENCE, ALICE, [assignment('writer')], {});
      await tracked(observer, ['entraRole|/|reader', 'entraRole|/|writer']);
      assert.equal(storage.reads.filter((k) => k === recordKey).length, readsBefore, 'no read of the record for the second activation');
      instance.stop();
    });

    it("another instance's write in between is not lost: the stale write is refused and the record read again", async () => {
      const container = `rem-${Math.random().toString(36).slice(2, 10)}`;
      const storage = new CountingStorage(azurite().connectionString, container);
      const other = new BlobStateStorage(azurite().connectionString, container);
      const a = reminders(storage);
      const b = reminders(other);
      a.track(REFERENCE, ALICE, [assignment('reader')], {});
      await tracked(other, ['entraRole|/|reader']);
      b.track(REFERENCE, ALICE, [assignment('security')], {});
      await tracked(other, ['entraRole|/|reader', 'entraRole|/|security']);
      const readsBefore = storage.reads.filter((k) => k === recordKey).length;
      a.track(REFERENCE, ALICE, [assignment('writer')], {});
      await tracked(other, ['entraRole|/|reader', 'entraRole|/|security', 'entraRole|/|writer']);
      assert.equal(storage.reads.filter((k) => k === recordKey).length, readsBefore + 1, 'read once, after the refused write');
      a.stop();
      b.stop();
    });
  });
});
