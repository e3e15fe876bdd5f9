// Durable bot state: Azure Blob Storage in production, Azurite locally, through the same
// @azure/storage-blob client (BlobStateStorage). (MemoryStorage exists only in unit tests.)
import { BlobStateStorage } from './blobStateStorage';

export interface StateStorageConfig {
  readonly connectionString: string;
  readonly container: string;
}

export function createStateStorage(config: StateStorageConfig): BlobStateStorage {
  return new BlobStateStorage(config.connectionString, config.container);
}
