// Durable bot state: Azure Blob Storage in production, Azurite locally, through the same
// botbuilder-azure-blobs client. (MemoryStorage exists only in unit tests.)
import { BlobsStorage } from 'botbuilder-azure-blobs';

export interface StateStorageConfig {
  readonly connectionString: string;
  readonly container: string;
}

export function createStateStorage(config: StateStorageConfig): BlobsStorage {
  return new BlobsStorage(config.connectionString, config.container);
}
