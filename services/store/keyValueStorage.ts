// The part of botbuilder's Storage the services use, declared here so services need no botbuilder
// import: BlobsStorage (Azure Blob / Azurite) and MemoryStorage both fit it as they are.
// Optimistic concurrency: an item written with the `eTag` it was read with fails if someone wrote in
// between (BlobsStorage sends If-Match; MemoryStorage compares); no eTag or '*' overwrites.

export type StoredItem = Record<string, unknown> & { eTag?: string };

export interface KeyValueStorage {
  read(keys: string[]): Promise<Record<string, unknown>>;
  write(changes: Record<string, unknown>): Promise<void>;
  delete(keys: string[]): Promise<void>;
}

/** Both BlobsStorage (HTTP 412) and MemoryStorage report a lost race with this wording. */
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
      if (!isETagConflict(e) || attempt >= maxAttempts) throw isETagConflict(e) ? new ConcurrencyError(`gave up writing ${key} after ${attempt} conflicts`) : e;
      // Spread the retries of racing writers a little.
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 10 * attempt)));
    }
  }
}
