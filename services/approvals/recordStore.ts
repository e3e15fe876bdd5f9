// The approval records in the bot's Storage, every change a read-modify-write with the eTag that was
// read (retried on conflict), plus an index of the records still open so a sweep can find them.

import type { Surface } from '../pim/model';
import { updateItem, type KeyValueStorage } from '../store/keyValueStorage';
import { recordKey, type ApprovalRecord, type RecordedDecision } from './record';

export const OPEN_INDEX_KEY = 'approvals/open';

interface OpenIndex {
  keys: string[];
}

export class ApprovalRecordStore {
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
    await updateItem<OpenIndex>(this.storage, OPEN_INDEX_KEY, (idx) => (idx?.keys.includes(key) ? undefined : { keys: [...(idx?.keys ?? []), key] }));
    const stored = await updateItem<ApprovalRecord>(this.storage, key, (current) => (current ? undefined : record));
    return strip(stored ?? record);
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
