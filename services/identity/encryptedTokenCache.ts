// msal-node's token cache, persisted per user and encrypted: AES-256-GCM with a key from config,
// bound to the cache partition (as additional authenticated data) so one user's blob can never be
// decrypted as another's. A blob that does not decrypt (rotated key, tampering) is treated as empty.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';

/** Where the encrypted blobs live: the bot's Storage in production (adapted in bot/), a Map in tests. */
export interface TokenCacheStore {
  read(partition: string): Promise<string | undefined>;
  write(partition: string, blob: string): Promise<void>;
}

const VERSION = 'v1';

export function encryptCache(plaintext: string, key: Buffer, partition: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(partition, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

export function decryptCache(blob: string, key: Buffer, partition: string): string | undefined {
  const [version, iv, tag, body] = blob.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(partition, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

export function encryptedCachePlugin(store: TokenCacheStore, key: Buffer, partition: string): ICachePlugin {
  if (key.length !== 32) throw new RangeError('the token cache key must be 32 bytes');
  return {
    async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
      let blob: string | undefined;
      try {
        blob = await store.read(partition);
      } catch {
        return; // storage unreachable: work from msal's in-memory cache
      }
      const json = blob === undefined ? undefined : decryptCache(blob, key, partition);
      if (json !== undefined) context.tokenCache.deserialize(json);
    },
    async afterCacheAccess(context: TokenCacheContext): Promise<void> {
      if (!context.cacheHasChanged) return;
      try {
        await store.write(partition, encryptCache(context.tokenCache.serialize(), key, partition));
      } catch {
        // A lost write costs one extra token request later, never a failed turn.
      }
    },
  };
}
