// Create-only writes: the first writer of a key wins and every other writer (another Teams client of
// the same user, another bot instance) learns that the key is taken. Blob Storage does it with
// `If-None-Match: *` (BlobStateStorage); the memory twin below does it for unit tests and for a bot
// built on a plain in-memory Storage. An item that `isStale` deems too old is taken over, again by
// exactly one writer (Blob: `If-Match` on the eTag that was read).

export interface CreateOnceStorage {
  /** True when this call wrote `value` under `key`; false when someone else holds it (and it is not stale). */
  createIfAbsent(key: string, value: Record<string, unknown>, isStale?: (existing: Record<string, unknown>) => boolean): Promise<boolean>;
  delete(keys: string[]): Promise<void>;
}

export function canCreateOnce(storage: object): storage is CreateOnceStorage {
  return typeof (storage as { createIfAbsent?: unknown }).createIfAbsent === 'function';
}

/** The in-memory twin of BlobStateStorage's create-only write (one process only). */
export class MemoryCreateOnceStorage implements CreateOnceStorage {
  private readonly items = new Map<string, Record<string, unknown>>();

  async createIfAbsent(
    key: string,
    value: Record<string, unknown>,
    isStale?: (existing: Record<string, unknown>) => boolean,
  ): Promise<boolean> {
    const existing = this.items.get(key);
    if (existing && !(isStale?.(structuredClone(existing)) ?? false)) return false;
    this.items.set(key, structuredClone(value));
    return true;
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.items.delete(key);
  }
}
