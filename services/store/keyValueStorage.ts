// The services' port to durable key-value state: what they need of a store, and nothing of the Bot
// Framework. BlobStateStorage implements it on Azure Blob (Azurite locally); the bot hands the same
// object to its dialog state through bot/botStorage.ts, and unit tests use any in-memory store of this
// shape. Optimistic concurrency: an item written with the `eTag` it was read with fails if someone
// wrote in between (Blob: If-Match); no eTag, '' or '*' overwrites.

export type StoredItem = Record<string, unknown> & { eTag?: string };

/** Items by key; a read gives each item with the `eTag` of the version it read. */
export type StoredItems = Record<string, unknown>;

export interface KeyValueStorage {
  /** The items found; absent keys are left out. */
  read(keys: string[]): Promise<StoredItems>;
  /** Every item is written; one carrying a stale eTag fails with an eTag conflict (see isETagConflict). */
  write(changes: StoredItems): Promise<void>;
  /** Absent keys are no error. */
  delete(keys: string[]): Promise<void>;
}

/** Blob Storage (HTTP 412, BlobStateStorage) and the SDK's in-memory store report a lost race with this wording. */
export function isETagConflict(error: unknown): boolean {
  return error instanceof Error && /eTag conflict/i.test(error.message);
}

export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
}

/**
 * A store that says which eTag a write produced (Blob: the upload's ETag). A writer that keeps what it
 * wrote can then write the item again with that eTag instead of reading it first; if anyone wrote in
 * between, the eTag no longer matches and the write is refused like any stale one.
 */
export interface ETagReportingStorage {
  /** Writes one item (eTag rules as `write`) and resolves the eTag of the version now stored, when known. */
  writeItem(key: string, item: StoredItem): Promise<string | undefined>;
}

export function reportsETags(storage: object): storage is ETagReportingStorage {
  return typeof (storage as { writeItem?: unknown }).writeItem === 'function';
}

/**
 * Read-modify-write of one item with its eTag, re-reading and re-applying `change` when another
 * writer got there first. `change` gets the current value (undefined = absent) and returns the new
 * value, or undefined to leave the item as it is. Resolves the value now stored.
 * `known`: the item as read moments ago, with its eTag; the first attempt starts from it instead of
 * reading (a write saved a round trip; a stale one is refused by its eTag and the item read again).
 */
export async function updateItem<T extends object>(
  storage: KeyValueStorage,
  key: string,
  change: (current: T | undefined) => T | undefined,
  maxAttempts = 20,
  known?: T & { eTag?: string },
): Promise<T | undefined> {
  return (await updateStoredItem(storage, key, change, { maxAttempts, ...(known ? { known } : {}) })).value;
}

/**
 * updateItem that also gives the stored version's eTag (when the store reports it, or the item was
 * left as read), so the caller can pass it back as `known` next time and save the read.
 */
export async function updateStoredItem<T extends object>(
  storage: KeyValueStorage,
  key: string,
  change: (current: T | undefined) => T | undefined,
  options: { readonly maxAttempts?: number; readonly known?: T & { eTag?: string } } = {},
): Promise<{ value: T | undefined; eTag?: string }> {
  const maxAttempts = options.maxAttempts ?? 20;
  for (let attempt = 1; ; attempt++) {
    const current =
      attempt === 1 && options.known ? options.known : ((await storage.read([key]))[key] as (T & { eTag?: string }) | undefined);
    const next = change(current === undefined ? undefined : structuredClone(current));
    if (next === undefined) return { value: current, ...(current?.eTag ? { eTag: current.eTag } : {}) };
    // A new item is written with no eTag: only one writer creates a given key in this design.
    const item = { ...next, eTag: current?.eTag ?? '' } as T & { eTag?: string };
    try {
      const eTag = reportsETags(storage) ? await storage.writeItem(key, item) : await storage.write({ [key]: item });
      return { value: next, ...(eTag ? { eTag } : {}) };
    } catch (e) {
      if (!isETagConflict(e) || attempt >= maxAttempts)
        throw isETagConflict(e) ? new ConcurrencyError(`gave up writing ${key} after ${attempt} conflicts`) : e;
      // Spread the retries of racing writers a little.
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 10 * attempt)));
    }
  }
}
