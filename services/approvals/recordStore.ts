// The approval records in the bot's Storage, every change a read-modify-write with the eTag that was
// read (retried on conflict), plus an index of the records still open so a sweep can find them.

import { randomUUID } from 'node:crypto';
import type { Surface } from '../pim/model';
import { canCreateOnce, type CreateOnceStorage } from '../store/createOnce';
import { ConcurrencyError, updateItem, type KeyValueStorage } from '../store/keyValueStorage';
import { decisionsOf, noteDecision, type DecidedEntry } from './decidedBy';
import { claimIsLive, recordKey, type ApprovalRecord, type RecordedDecision, type SendClaim } from './record';

export const OPEN_INDEX_KEY = 'approvals/open';
/** The index vanished under every attempt to append to it: give up rather than loop. */
const MAX_INDEX_ATTEMPTS = 5;
/**
 * How long a creation claim (see open()) holds off other creators of the same record, and keeps a
 * listed key with no record yet listed (closeMissing). Creating is a write or two after the claim; a
 * creator silent for this long is taken to be dead.
 */
export const CREATE_LEASE_MS = 30_000;
/** How long open() waits for another creator's record before answering 'busy' (it runs inside a turn). */
export const CREATE_WAIT_MS = 5_000;
/** How long an index read ahead of a create (see prepare()) is worth starting the append from. */
const INDEX_AHEAD_MS = 10_000;

interface OpenIndex {
  keys: string[];
  /** Record keys being created right now, and by whom; entries lapse after the creation lease. */
  creating?: Record<string, SendClaim>;
}

export type OpenResult =
  | { readonly kind: 'created' | 'existing'; readonly record: ApprovalRecord }
  /** Another creator holds the key and its record did not appear within the wait. */
  | { readonly kind: 'busy' };

export interface OpenOptions {
  /** PIM created the request moments ago, in this turn: see open(). */
  readonly newRequest?: boolean;
}

export interface ApprovalRecordStoreOptions {
  readonly now?: () => Date;
  readonly createLeaseMs?: number;
  readonly createWaitMs?: number;
}

export class ApprovalRecordStore {
  /** Set once this instance has seen the open index exist (or created it). */
  private indexReady: Promise<void> | undefined;
  private indexAhead: { readonly index: OpenIndex & { eTag?: string }; readonly at: number } | undefined;
  /** Counts the appends that looked for indexAhead, so that a read finishing after one is not kept. */
  private indexTaken = 0;
  private readonly now: () => Date;
  private readonly createLeaseMs: number;
  private readonly createWaitMs: number;

  constructor(
    private readonly storage: KeyValueStorage,
    options: ApprovalRecordStoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.createLeaseMs = options.createLeaseMs ?? CREATE_LEASE_MS;
    this.createWaitMs = options.createWaitMs ?? CREATE_WAIT_MS;
  }

  /** How long a creation claim holds off other creators: a creator silent for this long is taken to be dead. */
  get creationLeaseMs(): number {
    return this.createLeaseMs;
  }

  async get(surface: Surface, requestId: string): Promise<ApprovalRecord | undefined> {
    return this.getByKey(recordKey(surface, requestId));
  }

  async getByKey(key: string): Promise<ApprovalRecord | undefined> {
    const item = (await this.storage.read([key]))[key] as (ApprovalRecord & { eTag?: string }) | undefined;
    if (!item) return undefined;
    const { eTag: _eTag, ...record } = item;
    return record as ApprovalRecord;
  }

  /** Stores a new record (an existing one is kept as it is) and lists it as open; see open(). */
  async create(record: ApprovalRecord, options: OpenOptions = {}): Promise<ApprovalRecord> {
    const opened = await this.open(record, options);
    if (opened.kind === 'busy') throw new ConcurrencyError(`another instance is creating ${recordKey(record.surface, record.requestId)}`);
    return opened.record;
  }

  /**
   * Stores a new record unless one exists, lists it as open, and says which happened. Two creators of
   * one record (a resubmit adopting a request racing another, the original submit, a sweep) must not
   * both write it: the later write would wipe the claims and sent copies of the other, cards twice.
   * Where the store can create only if absent (Blob: If-None-Match), that create decides alone (see
   * openOnce); elsewhere the eTag'd index write that lists the key also claims its creation, only the
   * claim's holder writes the record, and the others wait for it (or for the claim to lapse, its
   * holder dead).
   */
  async open(record: ApprovalRecord, options: OpenOptions = {}): Promise<OpenResult> {
    if (canCreateOnce(this.storage)) return this.openOnce(this.storage, record);
    const key = recordKey(record.surface, record.requestId);
    const claimId = randomUUID();
    const deadline = Date.now() + this.createWaitMs;
    // Only the holder of a live claim writes the record, so it is read while the claim is written (a
    // round trip fewer before the cards): a claim that lands means nobody else could write it meanwhile.
    // A request PIM created moments ago can have no record but one whose creator holds a live claim:
    // once the claim is ours there is nothing to read (and a read beside the claim slows its write).
    let [held, current] = await Promise.all([this.listAsOpen(key, claimId), options.newRequest ? undefined : this.getByKey(key)]);
    while (!held && !current) {
      if (Date.now() >= deadline) return { kind: 'busy' };
      await new Promise((r) => setTimeout(r, 50));
      [held, current] = await Promise.all([this.listAsOpen(key, claimId), this.getByKey(key)]);
    }
    if (current) return { kind: 'existing', record: current };
    // Absent, and ours to write, and the index is checked meanwhile: a first write of the index that
    // read "absent" long ago may have landed since (see listAsOpen), or a sweep that found the key
    // listed and no record yet may have unlisted it.
    const [, listed] = await Promise.all([this.storage.write({ [key]: { ...record, eTag: '*' } }), this.openKeys()]);
    if (!listed.includes(key)) await this.listAsOpen(key, claimId);
    return { kind: 'created', record: strip(record) };
  }

  /**
   * open() on a store that creates only if absent: the record's create-only write is the one arbiter
   * of who writes it (of racing creators exactly one succeeds, the others read what it wrote), so no
   * claim needs to land first and the key is listed alongside: the record's write and the index's
   * eTag'd append go together, one round trip before the cards when prepare() read the index ahead.
   * Both have landed when this resolves, so the first card never goes out before its record (an
   * instant click finds it) nor unlisted (the sweep reconciles it whatever PIM says of it later).
   * The append still marks the key as being created: a sweep that sees it listed before the record
   * lands keeps it listed (closeMissing). Killed in between: a listed key without a record is
   * unlisted once the mark lapses and then taken over from PIM by the sweep; a record not listed yet
   * is found by the sweep among PIM's pending requests and listed again (ApprovalCoordinator).
   */
  private async openOnce(storage: KeyValueStorage & CreateOnceStorage, record: ApprovalRecord): Promise<OpenResult> {
    const key = recordKey(record.surface, record.requestId);
    const [wrote] = await Promise.all([storage.createIfAbsent(key, { ...strip(record) }), this.listAsOpen(key, randomUUID())]);
    if (wrote) return { kind: 'created', record: strip(record) };
    for (let attempt = 1; ; attempt++) {
      const existing = await this.getByKey(key);
      if (existing) return { kind: 'existing', record: existing };
      // Records are never deleted by the bot; one removed by hand since the refused create is created anew.
      if (await storage.createIfAbsent(key, { ...strip(record) })) return { kind: 'created', record: strip(record) };
      if (attempt >= MAX_INDEX_ATTEMPTS) throw new ConcurrencyError(`could not create or read ${key}`);
    }
  }

  /**
   * Adds `key` to the index with a write guarded by the eTag that was read. The Bot Framework's Storage has
   * no create-if-absent (BlobsStorage writes '*' and '' unconditionally and answers a specific eTag on
   * a missing blob with 412; MemoryStorage writes a missing item whatever its eTag), so a missing index
   * is first created empty — the one unconditional write, carrying no entry, once per instance — and
   * every entry goes in with the eTag. Creators in one instance share that first write; of two
   * instances creating it at once, one could only wipe the other's entry by stalling past its whole
   * append, which open() looks for afterwards. The same write claims the key's creation for
   * `claimId` unless another live claim holds it; resolves whether `claimId` holds it now.
   */
  private async listAsOpen(key: string, claimId: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      await this.ensureIndex();
      const ahead = this.takeIndexAhead();
      const idx = await updateItem<OpenIndex>(
        this.storage,
        OPEN_INDEX_KEY,
        (cur) => {
          if (cur === undefined) return undefined;
          const now = this.now();
          const holder = cur.creating?.[key];
          const take = holder?.id !== claimId && !claimIsLive(holder, now, this.createLeaseMs);
          const listed = cur.keys.includes(key);
          if (listed && !take) return undefined;
          const creating = this.liveClaims(cur.creating, now);
          if (take) creating[key] = { id: claimId, at: now.toISOString() };
          return { keys: listed ? cur.keys : [...cur.keys, key], ...(Object.keys(creating).length > 0 ? { creating } : {}) };
        },
        undefined,
        ahead,
      );
      if (idx?.keys.includes(key)) return idx.creating?.[key]?.id === claimId;
      // The index is gone again (deleted by hand): create it once more.
      this.indexReady = undefined;
      if (attempt >= MAX_INDEX_ATTEMPTS) throw new ConcurrencyError(`could not list ${key} as open`);
    }
  }

  /**
   * Ahead of a create: makes sure the open index exists (the first create in an instance otherwise
   * waits for it) and reads it, so that the create's append can start from this read (see updateItem's
   * `known`): one round trip fewer before the cards, unless the index changed meanwhile.
   */
  async prepare(): Promise<void> {
    await this.ensureIndex();
    const taken = this.indexTaken;
    const index = (await this.storage.read([OPEN_INDEX_KEY]))[OPEN_INDEX_KEY] as (OpenIndex & { eTag?: string }) | undefined;
    // A create that started meanwhile read its own; this read may predate that create's write.
    if (taken === this.indexTaken) this.indexAhead = index ? { index, at: Date.now() } : undefined;
  }

  /** The index prepare() read, once and while recent: older, it has most likely changed, and a refused write costs more than a read. */
  private takeIndexAhead(): (OpenIndex & { eTag?: string }) | undefined {
    const ahead = this.indexAhead;
    this.indexAhead = undefined;
    this.indexTaken++;
    return ahead && Date.now() - ahead.at < INDEX_AHEAD_MS ? ahead.index : undefined;
  }

  private ensureIndex(): Promise<void> {
    this.indexReady ??= (async () => {
      const exists = (await this.storage.read([OPEN_INDEX_KEY]))[OPEN_INDEX_KEY] !== undefined;
      if (exists) return;
      // Create-only where the store can (Blob): then no instance's first write can wipe another's entry.
      if (canCreateOnce(this.storage)) await this.storage.createIfAbsent(OPEN_INDEX_KEY, { keys: [] });
      else await this.storage.write({ [OPEN_INDEX_KEY]: { keys: [], eTag: '*' } });
    })().catch((e: unknown) => {
      this.indexReady = undefined;
      throw e;
    });
    return this.indexReady;
  }

  /** Applies `change` with an eTag check, re-reading and re-applying on conflict; undefined from `change` = no write. */
  async update(key: string, change: (current: ApprovalRecord) => ApprovalRecord | undefined): Promise<ApprovalRecord | undefined> {
    const stored = await updateItem<ApprovalRecord>(this.storage, key, (current) => (current ? change(strip(current)) : undefined));
    return stored ? strip(stored) : undefined;
  }

  /** Records the outcome once: the first decision stored wins, and everyone renders from it. */
  async decide(key: string, decision: RecordedDecision): Promise<ApprovalRecord | undefined> {
    const stored = await this.update(key, (r) => {
      if (!r.decision) return { ...r, decision };
      if (!sameDecisionSeenAtPim(r.decision, decision)) return undefined;
      // The sweep read PIM's outcome between this approver's decision there and this write. It is the same
      // decision, but PIM cannot say how the approver proved themselves or what they wrote: this one can.
      // The copies already showing it are shown again, with that.
      return { ...r, decision: { ...decision, at: r.decision.at }, copies: r.copies.map((c) => ({ ...c, shows: 'pending' as const })) };
    });
    // The approver's own list ("what did I approve"): best effort, the decision itself is already stored
    // and is what every card renders from; a lost note only shortens that one answer.
    if (stored?.decision) await noteDecision(this.storage, stored, this.now()).catch(() => undefined);
    return stored;
  }

  /** What `userId` decided between `from` and `to` (see decidedBy.ts), newest first. */
  decidedBy(userId: string, from: Date, to: Date): Promise<DecidedEntry[]> {
    return decisionsOf(this.storage, userId, from, to);
  }

  async openKeys(): Promise<string[]> {
    const idx = (await this.storage.read([OPEN_INDEX_KEY]))[OPEN_INDEX_KEY] as OpenIndex | undefined;
    return [...(idx?.keys ?? [])];
  }

  /** Unlists the record; a creation claim on the key stays until it lapses (its creator may still be writing). */
  async close(key: string): Promise<void> {
    await updateItem<OpenIndex>(this.storage, OPEN_INDEX_KEY, (idx) =>
      idx && idx.keys.includes(key) ? { ...idx, keys: idx.keys.filter((k) => k !== key) } : undefined,
    );
  }

  /**
   * Unlists a key whose record the caller found missing, unless its creation is under way (a live
   * claim in the index): the creator lists the key before or alongside writing the record (see
   * open()), and unlisting it in between would leave the record out of the index. A key whose
   * creator went silent past the lease is unlisted.
   */
  async closeMissing(key: string): Promise<void> {
    await updateItem<OpenIndex>(this.storage, OPEN_INDEX_KEY, (idx) =>
      idx && idx.keys.includes(key) && !claimIsLive(idx.creating?.[key], this.now(), this.createLeaseMs)
        ? { ...idx, keys: idx.keys.filter((k) => k !== key) }
        : undefined,
    );
  }

  /** The claims not lapsed yet: the index carries only creations in progress. */
  private liveClaims(creating: OpenIndex['creating'], now: Date): Record<string, SendClaim> {
    return Object.fromEntries(Object.entries(creating ?? {}).filter(([, c]) => claimIsLive(c, now, this.createLeaseMs)));
  }
}

function strip(r: ApprovalRecord & { eTag?: string }): ApprovalRecord {
  const { eTag: _eTag, ...rest } = r;
  return rest as ApprovalRecord;
}

/** `found` came from reconciling with PIM, and `made` is the bot's own record of that very decision. */
function sameDecisionSeenAtPim(found: RecordedDecision, made: RecordedDecision): boolean {
  return (
    found.via === 'pim' &&
    made.via === 'bot' &&
    found.outcome === made.outcome &&
    found.by?.id !== undefined &&
    found.by.id.toLowerCase() === made.by?.id.toLowerCase()
  );
}
