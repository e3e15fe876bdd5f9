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
  for (let attempt = 1; ; attempt++) {
    const current = attempt === 1 && known ? known : ((await storage.read([key]))[key] as (T & { eTag?: string }) | undefined);
    const next = change(current === undefined ? undefined : structuredClone(current));
    if (next === undefined) return current;
    // A new item is written with no eTag: only one writer creates a given key in this design.
    const item = { ...next, eTag: current?.eTag ?? '' } as T & { eTag?: string };
    try {
      await storage.write({ [key]: item });
      return next;
    } catch (e) {
      if (!isETagConflict(e) || attempt >= maxAttempts)
        throw isETagConflict(e) ? new ConcurrencyError(`gave up writing ${key} after ${attempt} conflicts`) : e;
      // Spread the retries of racing writers a little.
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 10 * attempt)));
    }
  }
}
