// msal's per-user token cache in the bot's key-value store (Azure Blob): the blobs arrive already encrypted
// (services/identity/encryptedTokenCache), so storage only ever sees ciphertext.
import type { TokenCacheStore } from '../services/identity/encryptedTokenCache';
import type { KeyValueStorage } from '../services/store/keyValueStorage';

const PREFIX = 'token-cache/';

export function storageTokenCache(storage: KeyValueStorage): TokenCacheStore {
  return {
    async read(partition) {
      const key = PREFIX + partition;
      const items = await storage.read([key]);
      const value = (items[key] as { blob?: unknown } | undefined)?.blob;
      return typeof value === 'string' ? value : undefined;
    },
    async write(partition, blob) {
      // Last writer wins: both copies hold valid tokens for the same user.
      await storage.write({ [PREFIX + partition]: { blob, eTag: '*' } });
    },
  };
}
