// The approval record store (eTag read-modify-write), send claims, reminder timing and the rate limiter,
// without a network: MemoryStorage compares eTags like BlobsStorage's If-Match.
import assert from 'node:assert/strict';
import { MemoryStorage } from 'botbuilder';
import { RateLimiter } from '../../../../bot/channel/rateLimiter';
import { approvalSettings } from '../../../../bot/approvals/wiring';
import { ConfigError, loadConfig } from '../../../../bot/config';
import { LOCAL_TEAMS_APP } from '../../../../emulator/tenant/demoTenant';
import { claimIsLive, recordKey, SEND_LEASE_MS, type ApprovalRecord } from '../../../../services/approvals/record';
import { ApprovalRecordStore, OPEN_INDEX_KEY } from '../../../../services/approvals/recordStore';
import { dueReminders } from '../../../../services/approvals/reminders';
import { updateItem, type KeyValueStorage } from '../../../../services/store/keyValueStorage';

const T0 = new Date('2025-03-03T10:00:00Z');

function record(overrides: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    surface: 'entraRole',
    requestId: '11111111-1111-4111-8111-111111111111',
    requester: { id: 'alice', displayName: 'Alice Adams' },
    approvers: [{ id: 'bob' }, { id: 'dave' }],
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
    copies: [{ userId: 'bob', role: 'approver', state: 'intent', nonce: 'n1', shows: 'pending' }],
    ...overrides,
  };
}

describe('approval state', () => {
  describe('record store', () => {
    it('an eTag conflict re-reads and re-applies: 20 concurrent writers all land', async () => {
      const storage = new MemoryStorage();
      await updateItem<{ n: number[] }>(storage, 'k', () => ({ n: [] }));
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => updateItem<{ n: number[] }>(storage, 'k', (cur) => ({ n: [...(cur?.n ?? []), i] }))),
      );
      const stored = (await storage.read(['k']))['k'] as { n: number[] };
      assert.deepEqual(
        [...stored.n].sort((a, b) => a - b),
        Array.from({ length: 20 }, (_, i) => i),
      );
    });

    it('of racing claims for one copy exactly one is stored, so exactly one sender posts', async () => {
      const store = new ApprovalRecordStore(new MemoryStorage());
      const r = await store.create(record());
      const key = recordKey(r.surface, r.requestId);
      const claimers = Array.from({ length: 10 }, (_, i) => `attempt-${i}`);
      const results = await Promise.all(
        claimers.map((id) =>
          store.update(key, (cur) => {
            const c = cur.copies[0]!;
            if (c.state === 'sent' || claimIsLive(c.claim, T0)) return undefined;
            return { ...cur, copies: [{ ...c, claim: { id, at: T0.toISOString() } }] };
          }),
        ),
      );
      const winners = claimers.filter((id, i) => results[i]?.copies[0]?.claim?.id === id);
      assert.equal(winners.length, 1);
      assert.equal((await store.getByKey(key))!.copies[0]!.claim!.id, winners[0]);
    });

    it('the first decision wins; a later one changes nothing', async () => {
      const store = new ApprovalRecordStore(new MemoryStorage());
      const r = await store.create(record());
      const key = recordKey(r.surface, r.requestId);
      const [a, b] = await Promise.all([
        store.decide(key, { outcome: 'approved', by: { id: 'bob' }, at: T0.toISOString(), justification: '', via: 'bot' }),
        store.decide(key, { outcome: 'denied', by: { id: 'dave' }, at: T0.toISOString(), justification: '', via: 'bot' }),
      ]);
      assert.equal(a!.decision!.outcome, b!.decision!.outcome, 'both callers see the same stored decision');
      assert.deepEqual(await store.openKeys(), [key]);
    });

    it("the approver's own record of a decision the sweep found at PIM first completes it (how they proved themselves, their reason) and has every copy shown again", async () => {
      const store = new ApprovalRecordStore(new MemoryStorage());
      const r = await store.create(record());
      const key = recordKey(r.surface, r.requestId);
      await store.update(key, (cur) => ({ ...cur, copies: cur.copies.map((c) => ({ ...c, state: 'sent' as const, activityId: 'a1' })) }));
      const atPim = { outcome: 'approved', by: { id: 'BOB' }, at: T0.toISOString(), justification: '', via: 'pim' } as const;
      await store.decide(key, atPim);
      const shown = await store.update(key, (cur) => ({ ...cur, copies: cur.copies.map((c) => ({ ...c, shows: 'approved' as const })) }));
      assert.ok(shown!.copies.every((c) => c.shows === 'approved'));
      const verifiedBy = { method: 'acrs' as const, acrs: 'c1', authTime: T0.toISOString() };
      const mine = {
        outcome: 'approved',
        by: { id: 'bob' },
        at: T0.toISOString(),
        justification: 'on call',
        via: 'bot',
        verifiedBy,
      } as const;
      const stored = (await store.decide(key, mine))!;
      assert.equal(stored.decision!.via, 'bot');
      assert.deepEqual(stored.decision!.verifiedBy, verifiedBy);
      assert.equal(stored.decision!.justification, 'on call');
      assert.ok(
        stored.copies.every((c) => c.shows === 'pending'),
        'every copy is updated again',
      );
      // Anything else found first stays as it is: another approver, another outcome, or a decision the bot made.
      for (const other of [
        { ...mine, by: { id: 'dave' } },
        { ...mine, outcome: 'denied' as const },
      ]) {
        const again = (await store.decide(key, other))!;
        assert.equal(again.decision!.by!.id, 'bob');
        assert.equal(again.decision!.outcome, 'approved');
      }
    });

    it('records created at the same moment on a brand-new store all land in the open index (two instances, one storage)', async () => {
      const storage = new MemoryStorage();
      const instances = [new ApprovalRecordStore(storage), new ApprovalRecordStore(storage)];
      const ids = Array.from({ length: 20 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      await Promise.all(ids.map((requestId, i) => instances[i % 2]!.create(record({ requestId }))));
      const expected = ids.map((id) => recordKey('entraRole', id)).sort();
      assert.deepEqual((await instances[0]!.openKeys()).sort(), expected);
      for (const key of expected) assert.ok(await instances[1]!.getByKey(key), `${key} stored`);
    });

    it("another instance's late first write of the index, wiping an entry, is noticed and the entry listed again", async () => {
      const storage = new MemoryStorage();
      let wiped = false;
      // Plays the other instance: it read "absent" before this one created the index, and its
      // unconditional creation lands right after this one's guarded append.
      const stalled: KeyValueStorage = {
        read: (keys) => storage.read(keys),
        delete: (keys) => storage.delete(keys),
        async write(changes) {
          await storage.write(changes);
          const idx = changes[OPEN_INDEX_KEY] as { keys?: string[] } | undefined;
          if (!wiped && idx?.keys?.length) {
            wiped = true;
            await storage.write({ [OPEN_INDEX_KEY]: { keys: [], eTag: '*' } });
          }
        },
      };
      const store = new ApprovalRecordStore(stalled);
      const r = await store.create(record());
      assert.equal(wiped, true);
      assert.deepEqual(await store.openKeys(), [recordKey(r.surface, r.requestId)]);
    });

    it('a claim holds off others for the lease, then lapses (its instance is taken to be dead)', () => {
      const claim = { id: 'x', at: T0.toISOString() };
      assert.equal(claimIsLive(claim, new Date(T0.getTime() + SEND_LEASE_MS - 1)), true);
      assert.equal(claimIsLive(claim, new Date(T0.getTime() + SEND_LEASE_MS)), false);
      assert.equal(claimIsLive(undefined, T0), false);
    });
  });

  describe('reminder timing', () => {
    const policy = { remindApproversAfterMs: 4 * 3600_000, warnRequesterBeforeMs: 3600_000 };
    const at = (h: number) => new Date(T0.getTime() + h * 3600_000);

    it('reminds the approvers once after the quiet spell, warns the requester an hour before expiry', () => {
      assert.deepEqual(dueReminders(record(), at(3.9), policy), { remindApprovers: false, warnRequester: false });
      assert.deepEqual(dueReminders(record(), at(4), policy), { remindApprovers: true, warnRequester: false });
      assert.deepEqual(dueReminders(record({ approversRemindedAt: at(4).toISOString() }), at(5), policy), {
        remindApprovers: false,
        warnRequester: false,
      });
      assert.deepEqual(dueReminders(record({ approversRemindedAt: at(4).toISOString() }), at(23), policy), {
        remindApprovers: false,
        warnRequester: true,
      });
      assert.deepEqual(dueReminders(record({ approversRemindedAt: 'x', requesterWarnedAt: 'y' }), at(23.5), policy), {
        remindApprovers: false,
        warnRequester: false,
      });
    });

    it('nothing once decided or expired', () => {
      const decided = record({ decision: { outcome: 'approved', by: null, at: T0.toISOString(), justification: '', via: 'pim' } });
      assert.deepEqual(dueReminders(decided, at(23), policy), { remindApprovers: false, warnRequester: false });
      assert.deepEqual(dueReminders(record(), at(24), policy), { remindApprovers: false, warnRequester: false });
    });
  });

  describe('rate limiter', () => {
    function fakeTime() {
      let now = 0;
      const waits: number[] = [];
      return {
        clock: () => now,
        sleep: async (ms: number) => {
          waits.push(ms);
          now += ms;
        },
        advance: (ms: number) => {
          now += ms;
        },
        waits,
      };
    }

    it('7 per second per conversation: the 8th waits for the window', async () => {
      const t = fakeTime();
      const limiter = new RateLimiter({ perConversationPerSecond: 7, perAppPerSecond: 50 }, t.clock, t.sleep);
      for (let i = 0; i < 7; i++) await limiter.acquire('c1');
      assert.deepEqual(t.waits, []);
      await limiter.acquire('c2');
      assert.deepEqual(t.waits, [], 'another conversation is not held up');
      await limiter.acquire('c1');
      assert.deepEqual(t.waits, [1000]);
    });

    it('50 per second per app across conversations', async () => {
      const t = fakeTime();
      const limiter = new RateLimiter({ perConversationPerSecond: 7, perAppPerSecond: 50 }, t.clock, t.sleep);
      for (let i = 0; i < 50; i++) await limiter.acquire(`c${i}`);
      assert.deepEqual(t.waits, []);
      await limiter.acquire('c-last');
      assert.deepEqual(t.waits, [1000]);
    });

    it("a turn's reply counts from when it completed, as the channel counts it on arrival, not from when it started", async () => {
      const t = fakeTime();
      const limiter = new RateLimiter({ perConversationPerSecond: 7, perAppPerSecond: 50 }, t.clock, t.sleep);
      const replied = limiter.note('requester');
      t.advance(5);
      replied();
      for (let i = 0; i < 49; i++) await limiter.acquire(`c${i}`);
      t.advance(995);
      await limiter.acquire('c-last');
      assert.deepEqual(t.waits, [5], 'the 51st send waits until one second after the reply arrived');
    });

    it('forgets conversations that have been quiet, so a long-running bot does not keep every chat it ever answered', async () => {
      const t = fakeTime();
      const limiter = new RateLimiter({ perConversationPerSecond: 7, perAppPerSecond: 1_000_000 }, t.clock, t.sleep);
      for (let i = 0; i < 5_000; i++) {
        limiter.note(`chat-${i}`)();
        t.advance(1);
      }
      assert.ok(limiter.trackedConversations < 2_600, `tracked ${limiter.trackedConversations}`);
      for (let i = 0; i < 7; i++) limiter.note('busy')();
      await limiter.acquire('busy');
      assert.deepEqual(t.waits, [1000], 'a conversation still in its window keeps its count');
    });
  });
});

describe('approval settings (bot/config)', () => {
  const local = {
    LOCAL_TENANT_URL: 'https://localhost:1234',
    LOCAL_TENANT_ID: 'c0de0000-0000-4000-8000-00000000c0de',
    LOCAL_CLIENT_ID: 'b0700000-0000-4000-8000-0000000000b0',
    LOCAL_CLIENT_SECRET: 's',
    STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
  };

  it('defaults, and minutes/seconds from the environment become the flow settings', () => {
    assert.deepEqual(loadConfig(local).approvals, { remindApproversAfterMinutes: 240, warnRequesterBeforeMinutes: 60, sweepSeconds: 60 });
    const timing = loadConfig({
      ...local,
      APPROVAL_REMINDER_MINUTES: '30',
      APPROVAL_EXPIRY_WARNING_MINUTES: '90',
      APPROVAL_SWEEP_SECONDS: '15',
    }).approvals!;
    assert.deepEqual(approvalSettings(timing), {
      sweepMs: 15_000,
      reminders: { remindApproversAfterMs: 30 * 60_000, warnRequesterBeforeMs: 90 * 60_000 },
    });
  });

  it('a bad value names the setting', () => {
    assert.throws(
      () => loadConfig({ ...local, APPROVAL_SWEEP_SECONDS: 'soon' }),
      (e: unknown) => e instanceof ConfigError && e.setting === 'APPROVAL_SWEEP_SECONDS',
    );
  });

  it('TEAMS_APP_CATALOG_ID: production reads it (a GUID), local mode takes the emulator catalog from the runner and refuses the setting', () => {
    const app = '11111111-2222-4333-8444-555555555555';
    const prod = {
      MicrosoftAppId: app,
      MicrosoftAppTenantId: '66666666-7777-4888-8999-000000000000',
      MicrosoftAppPassword: 's',
      SSO_APP_ID_URI: `api://botid-${app}`,
      STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      PUBLIC_BASE_URL: 'https://pimbot.contoso.com',
    };
    assert.equal(loadConfig(prod).teamsAppCatalogId, undefined, 'optional: unset, nobody is installed for');
    assert.equal(
      loadConfig({ ...prod, TEAMS_APP_CATALOG_ID: 'A9900000-0000-4000-8000-0000000000B1' }).teamsAppCatalogId,
      'a9900000-0000-4000-8000-0000000000b1',
    );
    assert.throws(
      () => loadConfig({ ...prod, TEAMS_APP_CATALOG_ID: 'com.contoso.pimbot' }),
      (e: unknown) => e instanceof ConfigError && e.setting === 'TEAMS_APP_CATALOG_ID',
    );
    assert.equal(
      loadConfig({ ...local, LOCAL_TEAMS_APP_CATALOG_ID: LOCAL_TEAMS_APP.catalogId }).teamsAppCatalogId,
      LOCAL_TEAMS_APP.catalogId,
    );
    assert.equal(loadConfig(local).teamsAppCatalogId, undefined, 'bot/config has no emulator default of its own');
    assert.throws(
      () => loadConfig({ ...local, TEAMS_APP_CATALOG_ID: LOCAL_TEAMS_APP.catalogId }),
      (e: unknown) => e instanceof ConfigError && e.setting === 'TEAMS_APP_CATALOG_ID',
    );
  });
});
