// File storage: one interface (ObjectStorage), a local folder on the embedded default, an S3 bucket when S3_BUCKET
// is set (see docs/decisions/006-object-storage.md). The rest of the portal calls getStorage() and never knows which.
import { type StorageConfig, getConfig } from "../../utils/env.server";
import { createLocalStorage } from "./local";
import { createS3Storage } from "./s3";
import type { ObjectStorage } from "./types";

export { contentDisposition, safeFileName } from "./content-disposition";
export { LocalStorage } from "./local";
export { S3Storage } from "./s3";
export * from "./types";

export function createStorage(config: StorageConfig): ObjectStorage {
  return config.kind === "s3" ? createS3Storage(config) : createLocalStorage(config.root);
}

const storageKey = Symbol.for("vae-portal.storage");
type GlobalWithStorage = typeof globalThis & { [storageKey]?: ObjectStorage };

/** The process's storage, built from getConfig().storage on first use (shared by the server entry and the bundle). */
export function getStorage(): ObjectStorage {
  const g = globalThis as GlobalWithStorage;
  g[storageKey] ??= createStorage(getConfig().storage);
  return g[storageKey];
}
