// The approval records in the bot's Storage, every change a read-modify-write with the eTag that was
// read (retried on conflict), plus an index of the records still open so a sweep can find them.

import type { Surface } from '../pim/model';
import { ConcurrencyError, updateItem, type KeyValueStorage } from '../store/keyValueStorage';
import { recordKey, type ApprovalRecord, type RecordedDecision } from './record';

export const OPEN_INDEX_KEY = 'approvals/open';
/** The index vanished under every attempt to append to it: give up rather than loop. */
const MAX_INDEX_ATTEMPTS = 5;

interface OpenIndex {
  keys: string[];
}

export class ApprovalRecordStore {
  /** Set once this instance has seen the open index exist (or created it). */
  private indexReady: Promise<void> | undefined;

  constructor(private readonly storage: KeyValueStorage) {}

  async get(surface: Surface, requestId: string): Promise<ApprovalRecord | undefined> {
    return this.getByKey(recordKey(surface, requestId));
  }

  async getByKey(key: string): Promise<ApprovalRecord | undefined> {
    const item = (await this.storage.read([key]))[key] as (ApprovalRecord & { eTag?: string }) | undefined;
    if (!item) return undefined;
    const { eTag: _eTag, ...record } = item;
    return record as ApprovalRecord;
  }

  /** Stores a new record (an existing one is kept as it is) and lists it as open. */
  async create(record: ApprovalRecord): Promise<ApprovalRecord> {
    const key = recordKey(record.surface, record.requestId);
    await this.listAsOpen(key);
    const stored = await updateItem<ApprovalRecord>(this.storage, key, (current) => (current ? undefined : record));
    // See listAsOpen: a first write of the index that read "absent" long ago may have landed since.
    if (!(await this.openKeys()).includes(key)) await this.listAsOpen(key);
    return strip(stored ?? record);
  }

  /**
   * Adds `key` to the index with a write guarded by the eTag that was read. botbuilder's Storage has
   * no create-if-absent (BlobsStorage writes '*' and '' unconditionally and answers a specific eTag on
   * a missing blob with 412; MemoryStorage writes a missing item whatever its eTag), so a missing index
   * is first created empty — the one unconditional write, carrying no entry, once per instance — and
   * every entry goes in with the eTag. Creators in one instance share that first write; of two
   * instances creating it at once, one could only wipe the other's entry by stalling past its whole
   * append, which create() looks for afterwards.
   */
  private async listAsOpen(key: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.ensureIndex();
      const idx = await updateItem<OpenIndex>(this.storage, OPEN_INDEX_KEY, (cur) => (cur === undefined || cur.keys.includes(key) ? undefined : { keys: [...cur.keys, key] }));
      if (idx?.keys.includes(key)) return;
      // The index is gone again (deleted by hand): create it once more.
      this.indexReady = undefined;
      if (attempt >= MAX_INDEX_ATTEMPTS) throw new ConcurrencyError(`could not list ${key} as open`);
    }
  }

  private ensureIndex(): Promise<void> {
    this.indexReady ??= (async () => {
      const exists = (await this.storage.read([OPEN_INDEX_KEY]))[OPEN_INDEX_KEY] !== undefined;
      if (!exists) await this.storage.write({ [OPEN_INDEX_KEY]: { keys: [], eTag: '*' } });
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
    return this.update(key, (r) => (r.decision ? undefined : { ...r, decision }));
  }

  async openKeys(): Promise<string[]> {
    const idx = (await this.storage.read([OPEN_INDEX_KEY]))[OPEN_INDEX_KEY] as OpenIndex | undefined;
    return [...(idx?.keys ?? [])];
  }

  async close(key: string): Promise<void> {
    await updateItem<OpenIndex>(this.storage, OPEN_INDEX_KEY, (idx) => (idx && idx.keys.includes(key) ? { keys: idx.keys.filter((k) => k !== key) } : undefined));
  }
}

function strip(r: ApprovalRecord & { eTag?: string }): ApprovalRecord {
  const { eTag: _eTag, ...rest } = r;
  return rest as ApprovalRecord;
}
