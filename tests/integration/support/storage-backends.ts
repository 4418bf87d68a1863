// The two storage backends as the integration tests use them: a local folder in a temporary directory, and an S3
// bucket on an s3rver started on 127.0.0.1 — the same suites run against both.
import { mkdtempSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ObjectStorage, type S3Storage, createStorage } from "../../../app/services/storage";
import { type TestS3Server, startS3Server } from "./s3-server";

export interface StorageBackend {
  storage: ObjectStorage;
  /** The S3 server behind the storage, for the s3 backend. */
  server?: TestS3Server;
  /** Files the backend left behind that are not objects (temporary files of the local folder). */
  leftovers(): Promise<string[]>;
  stop(): Promise<void>;
}

/** Every file under a folder, relative, sorted. */
export async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

/** An S3 storage on a test server, as the portal configures it (path-style, the server's credentials). */
export function s3StorageOn(server: TestS3Server): S3Storage {
  return createStorage({
    kind: "s3",
    bucket: server.bucket,
    region: "us-east-1",
    endpoint: server.endpoint,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    forcePathStyle: true,
  }) as S3Storage;
}

export const STORAGE_BACKENDS: {
  name: "local" | "s3";
  start(options?: { bucket?: string }): Promise<StorageBackend>;
}[] = [
  {
    name: "local",
    async start() {
      const root = mkdtempSync(path.join(tmpdir(), "vae-files-"));
      return {
        storage: createStorage({ kind: "local", root }),
        leftovers: async () => (await filesUnder(root)).filter((f) => f.endsWith(".tmp") || f.endsWith(".meta")),
        stop: () => rm(root, { recursive: true, force: true }),
      };
    },
  },
  {
    name: "s3",
    async start(options = {}) {
      const server = await startS3Server(options);
      const storage = s3StorageOn(server);
      return {
        storage,
        server,
        // s3rver keeps no partial object visible.
        leftovers: async () => [],
        stop: async () => {
          storage.close();
          await server.stop();
        },
      };
    },
  },
];
