// Key-value state on Azure Blob Storage (Azurite locally) through @azure/storage-blob, with the
// same blob names and eTag semantics as the Bot Framework SDK's BlobsStorage, so either reads what
// the other wrote. Why not BlobsStorage itself: every turn reads and writes state, and BlobsStorage
// spends about as much CPU around each request (a zod schema built per call, p-map, a fresh client
// per key) as the request costs; bench/run.ts measures the turn.
import { ContainerClient, type BlockBlobClient, type StoragePipelineOptions } from '@azure/storage-blob';
import type { CreateOnceStorage } from './createOnce';
import type { ETagReportingStorage, KeyValueStorage, StoredItem, StoredItems } from './keyValueStorage';

/** About the keys of the conversations active within a minute or two at a few hundred turns a second. */
const DEFAULT_CLIENT_CACHE_SIZE = 2_000;

export class BlobStateStorage implements KeyValueStorage, CreateOnceStorage, ETagReportingStorage {
  private readonly container: ContainerClient;
  private ready: Promise<unknown> | undefined;
  /** Building a blob client (URL parsing, a service client) is about a sixth of a read and write's CPU: keep the recent ones. */
  private readonly clients = new Map<string, BlockBlobClient>();

  constructor(
    connectionString: string,
    containerName: string,
    options?: StoragePipelineOptions,
    private readonly clientCacheSize = DEFAULT_CLIENT_CACHE_SIZE,
  ) {
    this.container = new ContainerClient(connectionString, containerName, options);
  }

  async read(keys: string[]): Promise<StoredItems> {
    await this.initialize();
    const found = await Promise.all(keys.map(async (key) => [key, await this.readOne(key)] as const));
    const items: StoredItems = {};
    for (const [key, value] of found) if (value !== undefined) items[key] = value;
    return items;
  }

  async write(changes: StoredItems): Promise<void> {
    await this.initialize();
    await Promise.all(Object.entries(changes).map(([key, item]) => this.writeOne(key, item)));
  }

  /** One item, as `write`; resolves the ETag of the version now stored (ETagReportingStorage). */
  async writeItem(key: string, item: StoredItem): Promise<string | undefined> {
    await this.initialize();
    return this.writeOne(key, item);
  }

  private async writeOne(key: string, item: unknown): Promise<string | undefined> {
    const { eTag, ...value } = (item ?? {}) as Record<string, unknown>;
    const body = Buffer.from(JSON.stringify(value), 'utf8');
    try {
      const written = await this.client(key).upload(body, body.length, {
        // As BlobsStorage: no eTag, '' or '*' overwrite; any other eTag must still match.
        conditions: typeof eTag === 'string' && eTag !== '' && eTag !== '*' ? { ifMatch: eTag } : {},
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
      return written.etag;
    } catch (error) {
      // The wording services/store/keyValueStorage's isETagConflict (and BlobsStorage) use.
      if (statusOf(error) === 412) throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
      throw error;
    }
  }

  /** Create-only (`If-None-Match: *`): exactly one of racing writers, in any process, gets true. */
  async createIfAbsent(
    key: string,
    value: Record<string, unknown>,
    isStale?: (existing: Record<string, unknown>) => boolean,
  ): Promise<boolean> {
    await this.initialize();
    if (await this.uploadIf(key, value, { ifNoneMatch: '*' })) return true;
    if (!isStale) return false;
    const existing = await this.readOne(key);
    if (existing) {
      const { eTag, ...stored } = existing;
      if (!isStale(stored) || typeof eTag !== 'string') return false;
      // Taking over a stale item: only the writer whose eTag still matches wins.
      return this.uploadIf(key, value, { ifMatch: eTag });
    }
    return this.uploadIf(key, value, { ifNoneMatch: '*' }); // deleted in between
  }

  /** False when the condition failed (409 BlobAlreadyExists for If-None-Match, 412 for If-Match). */
  private async uploadIf(
    key: string,
    value: Record<string, unknown>,
    conditions: { ifNoneMatch: '*' } | { ifMatch: string },
  ): Promise<boolean> {
    const body = Buffer.from(JSON.stringify(value), 'utf8');
    try {
      await this.client(key).upload(body, body.length, { conditions, blobHTTPHeaders: { blobContentType: 'application/json' } });
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 409 || status === 412) return false;
      throw error;
    }
  }

  async delete(keys: string[]): Promise<void> {
    await this.initialize();
    await Promise.all(keys.map((key) => this.client(key).deleteIfExists()));
  }

  private async readOne(key: string): Promise<Record<string, unknown> | undefined> {
    let download;
    try {
      download = await this.client(key).download();
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
    if (!download.readableStreamBody) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of download.readableStreamBody) chunks.push(chunk as Buffer);
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    return { ...value, eTag: download.etag };
  }

  private client(key: string): BlockBlobClient {
    let client = this.clients.get(key);
    if (client) {
      this.clients.delete(key); // re-inserted below: the Map's order is least recently used first
    } else {
      client = this.container.getBlockBlobClient(blobName(key));
      if (this.clients.size >= this.clientCacheSize) this.clients.delete(this.clients.keys().next().value as string);
    }
    this.clients.set(key, client);
    return client;
  }

  private initialize(): Promise<unknown> {
    // A failed creation (storage briefly down) is tried again by the next call, not remembered.
    this.ready ??= this.container.createIfNotExists().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}

/** BlobsStorage's sanitizeBlobKey: empty segments dropped, at most 254 slashes, URI-encoded, 1,024 characters. */
export function blobName(key: string): string {
  if (!key) throw new Error('Please provide a non-empty key');
  const sanitized = key.split('/').reduce((acc, part, index) => (part ? [acc, part].join(index < 255 ? '/' : '') : acc));
  return encodeURIComponent(sanitized).slice(0, 1024);
}

/** The SDK's RestError may come from more than one copy of its runtime package: read it by shape. */
function statusOf(error: unknown): number | undefined {
  const status = error instanceof Error ? (error as { statusCode?: unknown }).statusCode : undefined;
  return typeof status === 'number' ? status : undefined;
}
