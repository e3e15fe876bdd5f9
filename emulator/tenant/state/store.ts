// Holds the tenant's data and, with a data directory, persists every change atomically so the local
// tenant survives restarts like a real one.
import path from 'node:path';
import { readJsonIfExists, writeFileAtomic } from './files';
import { createSeed } from './seed';
import { TENANT_DATA_VERSION, type TenantData } from './types';

export const TENANT_FILE = 'tenant.json';

export class TenantStore {
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    private current: TenantData,
    private readonly file: string | undefined,
  ) {}

  static async open(dataDir: string | undefined, tenantId: string): Promise<TenantStore> {
    if (!dataDir) return new TenantStore(createSeed(tenantId), undefined);
    const file = path.join(path.resolve(dataDir), TENANT_FILE);
    const loaded = await readJsonIfExists<TenantData>(file);
    // A file from another shape version or tenant cannot be trusted field by field; start from the seed.
    if (loaded && loaded.version === TENANT_DATA_VERSION && loaded.tenantId === tenantId) return new TenantStore(loaded, file);
    const store = new TenantStore(createSeed(tenantId), file);
    await store.persist();
    return store;
  }

  /** Read-only view; mutate only through update(). */
  get data(): Readonly<TenantData> {
    return this.current;
  }

  /**
   * Applies a change synchronously (so concurrent requests see it at once) and resolves when it is on disk,
   * so an answered request is never lost by a crash.
   */
  async update<T>(change: (data: TenantData) => T): Promise<T> {
    const result = change(this.current);
    await this.persist();
    return result;
  }

  async reset(): Promise<void> {
    this.current = createSeed(this.current.tenantId);
    await this.persist();
  }

  /** Waits for queued writes (close() calls it). */
  async flush(): Promise<void> {
    await this.writes;
  }

  private persist(): Promise<void> {
    if (!this.file) return Promise.resolve();
    const file = this.file;
    // Serialise at the moment of the change, but write in order: the last write always holds the latest state.
    const snapshot = JSON.stringify(this.current, null, 1);
    const next = this.writes.then(() => writeFileAtomic(file, snapshot));
    this.writes = next.catch(() => undefined);
    return next;
  }
}
