// A real S3-protocol server for one test file: s3rver on 127.0.0.1 (a free port), in its own temporary folder, with
// one bucket created. Its credentials are always S3RVER / S3RVER. It runs in the test's own process: never run a
// synchronous child process (execSync, spawnSync) while it is up, it would stop answering.
import { mkdtempSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import S3rver from "s3rver";

export interface TestS3Server {
  endpoint: string;
  bucket: string;
  accessKeyId: "S3RVER";
  secretAccessKey: "S3RVER";
  /** The folder s3rver keeps buckets in (one folder per bucket, "<name>._S3rver_object" files). */
  directory: string;
  /** Stops at once: open connections are cut, even in the middle of a request. Idempotent. */
  stop(): Promise<void>;
  /** Calls listener for each request the server receives, e.g. to stop it in the middle of an upload. */
  onRequest(listener: (method: string, url: string, headers: IncomingHttpHeaders) => void): void;
}

export async function startS3Server({ bucket = "vae-test" }: { bucket?: string } = {}): Promise<TestS3Server> {
  const directory = mkdtempSync(path.join(tmpdir(), "vae-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const http = server.httpServer!;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    directory,
    stop() {
      stopped ??= (async () => {
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        // close() alone waits for every keep-alive connection of the SDK to go idle and end.
        http.closeAllConnections();
        await closed;
        await rm(directory, { recursive: true, force: true, maxRetries: 3 });
      })();
      return stopped;
    },
    onRequest(listener) {
      http.on("request", (req) => listener(req.method ?? "", req.url ?? "", req.headers));
    },
  };
}
