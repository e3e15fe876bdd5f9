// The fan-out's fast path, without a network except where the channel is the point: what a submit
// reads ahead of PIM's answer, the record written (and its copies claimed) before any card, the
// record store's shortcuts for a new request, and the proactive sender against a rate-limited channel.
import assert from 'node:assert/strict';
import {
  ConfigurationBotFrameworkAuthentication,
  MemoryStorage,
  TestAdapter,
  TurnContext,
  type Attachment,
  type ConversationReference,
} from 'botbuilder';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import { startRateLimitedConnector } from '../../../../emulator/stack/rateLimitedConnector';
import { seededRandom } from '../../../../emulator/stack/random';
import { TeamsApprovals } from '../../../../bot/approvals/wiring';
import { inTurnReply } from '../../../../dialogs/approvals/inTurnReply';
import { AudiencePrefetch, type Audience } from '../../../../services/approvals/audience';
import { ConnectorCardSender, type CardSender } from '../../../../bot/channel/cardSender';
import { RateLimiter } from '../../../../bot/channel/rateLimiter';
import { ConversationDirectory, referenceKey } from '../../../../bot/conversationDirectory';
import { ApprovalDecisions } from '../../../../services/approvals/decisions';
import type { ActivationTarget, ApprovalsPort, DirectoryPort } from '../../../../services/approvals/port';
import { recordKey, type ApprovalRecord } from '../../../../services/approvals/record';
import { ApprovalRecordStore, OPEN_INDEX_KEY } from '../../../../services/approvals/recordStore';
import type { ActivationRequest, EligibilityWithConstraints, UserContext } from '../../../../services/pim/model';
import type { PimService } from '../../../../services/pim/service';
import type { KeyValueStorage } from '../../../../services/store/keyValueStorage';
import { startRecordingConnector } from '../../../../emulator/stack/recordingConnector';
import { actingUser } from '../../../../dialogs/actingUser';

const T0 = new Date('2025-03-03T10:00:00Z');
const REQUEST_ID = '11111111-1111-4111-8111-111111111111';
const KEY = recordKey('entraRole', REQUEST_ID);
const ELIGIBILITY_KEY = 'entraRole|/|role-1';
const ALICE: UserContext = { userId: 'a0000000-0000-4000-8000-000000000001', tenantId: 't', displayName: 'Alice Adams' };
const APPROVERS = ['b0000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000004', 'e0000000-0000-4000-8000-000000000005'];
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Counts reads per key and can run a check before each write. */
function counting(storage: KeyValueStorage) {
  const reads = new Map<string, number>();
  return {
    reads,
    storage: {
      read: async (keys: string[]) => {
        for (const k of keys) reads.set(k, (reads.get(k) ?? 0) + 1);
        return storage.read(keys);
      },
      write: (changes: Record<string, unknown>) => storage.write(changes),
      delete: (keys: string[]) => storage.delete(keys),
    } satisfies KeyValueStorage,
  };
}

function draft(nonce: string, requestId = REQUEST_ID): ApprovalRecord {
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

function request(): ActivationRequest {
  return {
    id: REQUEST_ID,
    surface: 'entraRole',
    status: 'pendingApproval',
    roleId: 'role-1',
    roleName: 'User Administrator',
    scope: { id: '/', displayName: 'Directory', kind: 'directory' },
    principalId: ALICE.userId,
    startDateTime: T0,
    endDateTime: new Date(T0.getTime() + 3600_000),
    createdDateTime: T0,
    justification: 'x',
    ticket: null,
    key: ELIGIBILITY_KEY,
  };
}

function reference(userId: string, serviceUrl = 'https://smba.example/'): Partial<ConversationReference> {
  return {
    channelId: 'msteams',
    serviceUrl,
    conversation: { id: `a:${userId}`, isGroup: false, conversationType: 'personal', name: '' },
    user: { id: `29:${userId}`, name: '' },
    bot: { id: '28:bot', name: 'bot' },
  };
}

describe('approval fan-out', () => {
  describe('record store, for a request PIM created moments ago', () => {
    it('writes the record on the claim alone: no read of the record, and of the index only the check after, when prepare() read it ahead', async () => {
      const { reads, storage } = counting(new MemoryStorage());
      const store = new ApprovalRecordStore(storage);
      await store.prepare();
      reads.clear();
      const created = await store.create(draft('n1'), { newRequest: true });
      assert.equal(created.copies[0]!.nonce, 'n1');
      assert.equal(reads.get(KEY) ?? 0, 0, 'the record is not read');
      assert.equal(reads.get(OPEN_INDEX_KEY), 1, 'the index is read once: the check for a late first write');
      assert.deepEqual(await store.openKeys(), [KEY]);
    });

    it('an index read ahead that another instance changed since costs a refused write, and both entries stay listed', async () => {
      const storage = new MemoryStorage();
      const [mine, other] = [new ApprovalRecordStore(storage), new ApprovalRecordStore(storage)];
      await mine.prepare();
      const otherKey = recordKey('entraRole', '22222222-2222-4222-8222-222222222222');
      await other.create(draft('o', '22222222-2222-4222-8222-222222222222'), { newRequest: true });
      await mine.create(draft('m'), { newRequest: true });
      assert.deepEqual((await mine.openKeys()).sort(), [KEY, otherKey].sort());
    });

    it('of three instances racing to create it exactly one writes it, and every one gets the stored record (30 rounds)', async () => {
      const random = seededRandom(7);
      for (let round = 0; round < 30; round++) {
        const memory = new MemoryStorage();
        const pause = () => new Promise((r) => setTimeout(r, Math.floor(random() * 4)));
        const slow: KeyValueStorage = {
          read: async (keys) => {
            await pause();
            const v = await memory.read(keys);
            await pause();
            return v;
          },
          write: async (changes) => {
            await pause();
            await memory.write(changes);
            await pause();
          },
          delete: (keys) => memory.delete(keys),
        };
        const stores = [0, 1, 2].map(() => new ApprovalRecordStore(slow, { createWaitMs: 2_000 }));
        await Promise.all(stores.map((s) => s.prepare()));
        const results = await Promise.all(stores.map((s, i) => s.open(draft(`nonce-${i}`), { newRequest: true })));
        const stored = (await stores[0]!.getByKey(KEY))!;
        assert.equal(results.filter((r) => r.kind === 'created').length, 1, `round ${round}: one creator`);
        for (const r of results)
          assert.ok(
            r.kind !== 'busy' && r.record.copies[0]!.nonce === stored.copies[0]!.nonce,
            `round ${round}: everyone has the stored record`,
          );
      }
    });
  });

  describe('reading ahead of a submit', () => {
    const audience: Audience = { approvers: [], references: new Map(), recent: [] };

    it('hands a read to one submit only, and drops one nobody took', async () => {
      const prefetch = new AudiencePrefetch(20);
      let reads = 0;
      prefetch.start('alice|k', async () => (reads++, audience));
      prefetch.start('alice|k', async () => (reads++, audience));
      assert.equal(reads, 1, 'a read under way is not started again');
      assert.ok(prefetch.take('alice|k'));
      assert.equal(prefetch.take('alice|k'), undefined);
      prefetch.start('bob|k', async () => audience);
      await new Promise((r) => setTimeout(r, 40));
      assert.equal(prefetch.take('bob|k'), undefined);
    });

    it('a failed read fails the submit that takes it, and nobody else', async () => {
      const prefetch = new AudiencePrefetch(1_000);
      prefetch.start('alice|k', async () => {
        throw new Error('directory down');
      });
      await assert.rejects(prefetch.take('alice|k')!, /directory down/);
    });
  });

  describe('submitted', () => {
    function setup() {
      const memory = new MemoryStorage();
      const storage = counting(memory);
      const records = new ApprovalRecordStore(storage.storage);
      const calls = { groupMembers: 0, recent: [] as ActivationTarget[] };
      const people: DirectoryPort = {
        groupMembers: async () => (calls.groupMembers++, APPROVERS.map((id) => ({ id }))),
        user: async () => undefined,
      };
      const port: ApprovalsPort = {
        surface: 'entraRole',
        getApproval: () => Promise.reject(new Error('not in this test')),
        decide: () => Promise.reject(new Error('not in this test')),
        getRequestStatus: async () => 'pendingApproval',
        recentActivations: async (target) => (calls.recent.push(target), []),
        pendingApprovals: async () => [],
      };
      const entry: EligibilityWithConstraints = {
        eligibility: {
          key: ELIGIBILITY_KEY,
          surface: 'entraRole',
          roleId: 'role-1',
          roleName: 'User Administrator',
          scope: { id: '/', displayName: 'Directory', kind: 'directory' },
          principalId: ALICE.userId,
          endDateTime: null,
        },
        constraints: {
          maxDurationMinutes: 480,
          minDurationMinutes: 5,
          requiresJustification: true,
          requiresTicket: false,
          requiresMfa: false,
          authenticationContext: null,
          requiresApproval: true,
          approvers: [{ kind: 'group', id: 'g1' }],
        },
      };
      // No listing of her requests of the role was read in the turn: the history is read app-only.
      const pim = { listEligibilities: async () => [entry], recentRoleRequests: () => undefined } as unknown as PimService;
      /** What the record said about each copy at the moment its card was posted. */
      const atPost: Array<{ userId: string; stored: ApprovalRecord | undefined }> = [];
      const sender: CardSender = {
        async post(ref, _content: Attachment | string) {
          const userId = APPROVERS.find((id) => ref.conversation?.id === `a:${id}`)!;
          atPost.push({ userId, stored: await records.getByKey(KEY) });
          return `activity-${userId}`;
        },
        update: async () => undefined,
      };
      const flow = new TeamsApprovals({
        pim,
        decisions: new ApprovalDecisions([port]),
        people,
        records,
        conversations: new ConversationDirectory(memory),
        sender,
        tenantId: 't',
        actingUser: (c) => actingUser(c, 't'),
        now: () => T0,
        logger: quiet,
      });
      const context = new TurnContext(new TestAdapter(), {
        type: 'message',
        channelId: 'msteams',
        serviceUrl: 'https://smba.example/',
        conversation: { id: 'a:alice', isGroup: false, conversationType: 'personal', name: '' },
        from: { id: '29:alice', name: 'Alice' },
        recipient: { id: '28:bot', name: 'bot' },
      });
      return { memory, storage, records, flow, calls, atPost, context };
    }

    async function storeReferences(memory: MemoryStorage, userIds: readonly string[]): Promise<void> {
      for (const id of userIds)
        await memory.write({ [referenceKey(id)]: { reference: reference(id), updatedAt: T0.toISOString(), eTag: '*' } });
    }

    it('writes the record, with every reachable approver claimed, before any card; one card each; then records them sent', async () => {
      const { memory, flow, atPost, context, records } = setup();
      await storeReferences(memory, APPROVERS.slice(0, 2));
      await flow.coordinator.submitted(inTurnReply(context), ALICE, request());
      await flow.idle();
      assert.deepEqual(atPost.map((p) => p.userId).sort(), APPROVERS.slice(0, 2).sort(), 'one card per reachable approver');
      for (const { userId, stored } of atPost) {
        const copy = stored?.copies.find((c) => c.userId === userId && c.role === 'approver');
        assert.ok(copy?.claim, `${userId}: the record and the claim were stored before the card went`);
      }
      const stored = (await records.getByKey(KEY))!;
      const approvers = stored.copies.filter((c) => c.role === 'approver');
      assert.deepEqual(
        approvers
          .filter((c) => c.state === 'sent')
          .map((c) => c.activityId)
          .sort(),
        APPROVERS.slice(0, 2)
          .map((id) => `activity-${id}`)
          .sort(),
      );
      assert.ok(
        approvers.every((c) => c.state !== 'sent' || c.claim === undefined),
        'claims released once recorded',
      );
      assert.equal(
        approvers.find((c) => c.userId === APPROVERS[2])!.state,
        'unreachable',
        'no conversation yet: left for the installation',
      );
      assert.equal(stored.copies.find((c) => c.role === 'requester')!.state, 'sent', "the requester's waiting card is on record");
    });

    it('takes what prepare() read: after PIM answered, no directory call, no history call, no reference read', async () => {
      const { memory, storage, flow, calls, atPost, context } = setup();
      await storeReferences(memory, APPROVERS);
      flow.coordinator.prepare(ALICE, ELIGIBILITY_KEY);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(calls.groupMembers, 1);
      assert.deepEqual(
        calls.recent.map((t) => [t.principalId, t.roleId, t.scope.id]),
        [[ALICE.userId, 'role-1', '/']],
      );
      storage.reads.clear();
      await flow.coordinator.submitted(inTurnReply(context), ALICE, request());
      await flow.idle();
      assert.equal(calls.groupMembers, 1);
      assert.equal(calls.recent.length, 1);
      assert.equal([...storage.reads.keys()].filter((k) => k.startsWith('conversations/')).length, 0);
      assert.equal(atPost.length, APPROVERS.length);
    });

    /** Another turn in Alice's chat, and what each turn sent her (the requester's copies are not posted through the sender). */
    function turnOf(context: TurnContext): { context: TurnContext; said: () => string[] } {
      const said: string[] = [];
      context.onSendActivities(async (_c, activities, next) => {
        said.push(...activities.map((a) => JSON.stringify(a.attachments ?? a.text ?? '')));
        return next();
      });
      return { context, said: () => said };
    }
    const isWaitingCard = (s: string) => /is waiting for approval/.test(s);
    async function assertWaitingCardOnRecord(records: ApprovalRecordStore): Promise<void> {
      const mine = (await records.getByKey(KEY))!.copies.find((c) => c.role === 'requester')!;
      assert.equal(mine.state, 'sent', "the requester's waiting card is on record");
      assert.equal(mine.claim, undefined, 'no claim left behind');
    }
    const isNote = (s: string) => /is already waiting for approval/.test(s);

    it('a resubmit that took the request over first keeps the only waiting card: the slow original submit sends a note', async () => {
      const { memory, flow, context, records } = setup();
      await storeReferences(memory, APPROVERS);
      const resubmit = turnOf(new TurnContext(new TestAdapter(), context.activity));
      const original = turnOf(context);
      await flow.coordinator.adopt(inTurnReply(resubmit.context), ALICE, request());
      await flow.coordinator.submitted(inTurnReply(original.context), ALICE, request());
      await flow.idle();
      assert.deepEqual(resubmit.said().map(isWaitingCard), [true], 'the resubmit posted the waiting card');
      assert.deepEqual(original.said().map(isNote), [true], 'the original submit only says it is already waiting');
      await assertWaitingCardOnRecord(records);
    });

    it("the original submit's waiting card holds the requester's copy: a resubmit while it is being posted gets a note", async () => {
      const { memory, flow, context, records, atPost } = setup();
      await storeReferences(memory, APPROVERS);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const original = turnOf(context);
      context.onSendActivities(async (_c, _a, next) => (await gate, next()));
      const submitting = flow.coordinator.submitted(inTurnReply(context), ALICE, request());
      for (let i = 0; i < 100 && !(await records.getByKey(KEY)); i++) await new Promise((r) => setTimeout(r, 5));
      const resubmit = turnOf(new TurnContext(new TestAdapter(), context.activity));
      await flow.coordinator.adopt(inTurnReply(resubmit.context), ALICE, request());
      release();
      await submitting;
      await flow.idle();
      assert.deepEqual(resubmit.said().map(isNote), [true], 'the resubmit only says it is already waiting');
      assert.deepEqual(original.said().map(isWaitingCard), [true], 'one waiting card, from the original submit');
      assert.equal(atPost.length, APPROVERS.length, 'one card per approver');
      await assertWaitingCardOnRecord(records);
    });

    it('reads afresh when nothing was read ahead (another instance took the turn)', async () => {
      const { memory, flow, calls, atPost, context } = setup();
      await storeReferences(memory, APPROVERS);
      await flow.coordinator.submitted(inTurnReply(context), ALICE, request());
      await flow.idle();
      assert.equal(calls.groupMembers, 1);
      assert.equal(calls.recent[0]!.id, REQUEST_ID, 'the history of the request itself');
      assert.equal(atPost.length, APPROVERS.length);
    });
  });

  describe('the proactive sender, through a channel enforcing Teams limits over HTTP', () => {
    it("posts to each reference's conversation through one client per endpoint, within the limits: no 429", async () => {
      const channel = await startRateLimitedConnector();
      try {
        const sender = new ConnectorCardSender(new ConfigurationBotFrameworkAuthentication({}), '');
        const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => sender.post(reference(`u${i}`, channel.url), `card ${i}`)));
        assert.equal(new Set(ids).size, 12);
        assert.deepEqual(channel.deliveries.map((d) => d.conversationId).sort(), Array.from({ length: 12 }, (_, i) => `a:u${i}`).sort());
        const first = channel.deliveries[0]!.activity;
        assert.equal(first.from?.id, '28:bot');
        assert.match(first.recipient?.id ?? '', /^29:u/);
        assert.equal(channel.refusals.size, 0);
      } finally {
        await channel.close();
      }
    });

    it("signs each post with the bot's app token, as the adapter's own connector client would (production)", async () => {
      const channel = await startRecordingConnector();
      try {
        let minted = 0;
        const credentials: ServiceClientCredentialsFactory = {
          isValidAppId: async (appId) => appId === 'app-1',
          isAuthenticationDisabled: async () => false,
          createCredentials: async (appId, audience) => ({
            signRequest: async (request) => {
              request.headers.set('authorization', `Bearer token-${++minted}-for-${appId}-${audience ?? ''}`);
              return request;
            },
          }),
        };
        const auth = new ConfigurationBotFrameworkAuthentication(
          { MicrosoftAppId: 'app-1', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: 't' },
          credentials,
        );
        const sender = new ConnectorCardSender(auth, 'app-1');
        await sender.post(reference('u1', channel.url), 'one');
        await sender.post(reference('u2', channel.url), 'two');
        assert.deepEqual(
          channel.activities.map((a) => a.authorization),
          ['Bearer token-1-for-app-1-https://api.botframework.com', 'Bearer token-2-for-app-1-https://api.botframework.com'],
        );
      } finally {
        await channel.close();
      }
    });

    it('a 429 is waited out for its Retry-After and the card sent once', async function () {
      this.timeout(10_000);
      // The channel allows 1 per second per conversation; the sender's limiter believes Teams' 7.
      const channel = await startRateLimitedConnector({ perConversationPerSecond: 1, perAppPerSecond: 50 });
      try {
        const sender = new ConnectorCardSender(new ConfigurationBotFrameworkAuthentication({}), '', new RateLimiter());
        const started = Date.now();
        await sender.post(reference('u1', channel.url), 'first');
        await sender.post(reference('u1', channel.url), 'second');
        assert.equal(channel.refusals.get('a:u1'), 1);
        assert.deepEqual(
          channel.deliveries.map((d) => d.activity.text),
          ['first', 'second'],
        );
        assert.ok(Date.now() - started >= 1_000, 'waited for Retry-After: 1');
      } finally {
        await channel.close();
      }
    });
  });
});
