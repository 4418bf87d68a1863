// Objects in an S3 bucket, on AWS or an S3-compatible server (MinIO, Garage, Scaleway, OVH…). Uploads stream in
// 5 MiB parts, 4 at a time (about 25 MiB of memory per upload at most); downloads go to the browser through
// presigned URLs valid at most 5 minutes.
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { Readable } from "node:stream";
import type { StorageConfig } from "../../utils/env.server";
import { ByteCounter, toReadable } from "./body";
import { contentDisposition } from "./content-disposition";
import {
  type DownloadUrlOptions,
  type ListedObject,
  MAX_DOWNLOAD_URL_SECONDS,
  type ObjectStorage,
  ObjectNotFoundError,
  type PutOptions,
  type StoredObjectInfo,
  assertValidContentType,
  assertValidKey,
  assertValidPrefix,
  isValidKey,
} from "./types";

export type S3StorageConfig = Extract<StorageConfig, { kind: "s3" }>;

/**
 * S3's smallest part (but the last). lib-storage holds the parts being sent plus the one it is filling: at most
 * (QUEUE_SIZE + 1) × PART_SIZE = 25 MiB of a file in memory. Measured with `npm run bench:upload` (docs/decisions/007):
 * during a 200 MB upload the portal's resident set grows by well under 64 MB (8 MiB × 4: 40–60 MB), and an upload
 * through the portal is as fast as with 8 MiB parts (a direct SDK upload to a local server is ~10 % slower).
 */
export const PART_SIZE = 5 * 1024 * 1024;
/** Parts sent at once. */
export const QUEUE_SIZE = 4;
const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/**
 * The client of the bucket. The checksum settings are not optional: with the SDK's defaults (since 3.729) a streamed
 * PutObject sent to a non-AWS server can store the aws-chunked framing inside the object, silently.
 */
export function createS3Client(config: S3StorageConfig): S3Client {
  return new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 3,
    // Fail rather than hang when the server stops answering (socketTimeout: silence on an open connection).
    requestHandler: { connectionTimeout: 10_000, socketTimeout: 60_000 },
  });
}

const status = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const errorName = (error: unknown) => (error as { name?: string } | undefined)?.name;

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error("This operation was aborted"), { name: "AbortError" });
}

export class S3Storage implements ObjectStorage {
  readonly kind = "s3" as const;
  readonly bucket: string;

  constructor(
    config: S3StorageConfig,
    readonly client: S3Client = createS3Client(config),
  ) {
    this.bucket = config.bucket;
  }

  async put(key: string, body: Readable | AsyncIterable<Uint8Array>, options: PutOptions): Promise<{ size: number }> {
    assertValidKey(key);
    assertValidContentType(options.contentType);
    const { signal } = options;
    signal?.throwIfAborted();

    const source = toReadable(body);
    const counter = new ByteCounter(options.contentLength);
    // The first reason the upload failed: the body's error, a failed request, or the caller's abort.
    let failure: { error: unknown } | undefined;
    counter.on("error", (error) => {
      failure ??= { error };
    });
    // The body's error fails the counter, hence the upload.
    source.on("error", (error) => counter.destroy(error));
    source.pipe(counter);

    // lib-storage sends its requests without an abort signal, and after a failed part it keeps waiting for the body
    // to fill the other parts. This client stops everything on the first failure or on abort: in-flight requests
    // are cut, the body is destroyed, done() rejects at once. Only the clean-up request (AbortMultipartUpload) runs
    // unaffected.
    const requests = new AbortController();
    const client = Object.create(this.client) as S3Client;
    const base = this.client;
    client.send = ((command: Parameters<S3Client["send"]>[0], sendOptions?: object) => {
      const isCleanup = command instanceof AbortMultipartUploadCommand;
      const sent = base.send(command as never, isCleanup ? sendOptions : { ...sendOptions, abortSignal: requests.signal });
      return (sent as Promise<unknown>).catch((error: unknown) => {
        if (!isCleanup) stop(error);
        throw error;
      });
    }) as S3Client["send"];

    const upload = new Upload({
      client,
      params: { Bucket: this.bucket, Key: key, Body: counter, ContentType: options.contentType },
      queueSize: QUEUE_SIZE,
      partSize: PART_SIZE,
      leavePartsOnError: false,
    });
    function stop(error: unknown) {
      failure ??= { error };
      requests.abort();
      void upload.abort();
      source.unpipe(counter);
      source.destroy();
      counter.destroy();
    }
    const onAbort = () => stop(abortError(signal!));
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await upload.done();
    } catch (error) {
      stop(error);
      // On S3-compatible servers without AbortMultipartUpload the clean-up's error would hide the real cause.
      throw failure!.error;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
    return { size: counter.bytes };
  }

  async get(key: string): Promise<({ body: Readable } & StoredObjectInfo) | null> {
    assertValidKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const body = out.Body instanceof Readable ? out.Body : Readable.from([]);
      return { body, size: out.ContentLength ?? 0, contentType: out.ContentType ?? DEFAULT_CONTENT_TYPE };
    } catch (error) {
      if (errorName(error) === "NoSuchKey") return null;
      throw error;
    }
  }

  async head(key: string): Promise<StoredObjectInfo | null> {
    assertValidKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: out.ContentLength ?? 0, contentType: out.ContentType ?? DEFAULT_CONTENT_TYPE };
    } catch (error) {
      // A HEAD response has no body: a missing key is only a 404 (so is a missing bucket, alas).
      if (errorName(error) === "NotFound" || errorName(error) === "NoSuchKey" || status(error) === 404) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    assertValidKey(fromKey);
    assertValidKey(toKey);
    if (fromKey === toKey) {
      // S3 refuses to copy an object onto itself unchanged; there is nothing to do.
      if (!(await this.head(fromKey))) throw new ObjectNotFoundError(fromKey);
      return;
    }
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: toKey,
          // Keys hold only [a-z0-9/._-]: nothing to encode but the bucket (also plain).
          CopySource: `${this.bucket}/${fromKey}`,
          MetadataDirective: "COPY",
        }),
      );
    } catch (error) {
      if (errorName(error) === "NoSuchKey" || status(error) === 404) throw new ObjectNotFoundError(fromKey);
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    assertValidPrefix(prefix);
    const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        // Objects put in the bucket by something else than the portal are not ours to list.
        if (!object.Key || !isValidKey(object.Key)) continue;
        yield { key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) };
      }
    }
  }

  async downloadUrl(key: string, options: DownloadUrlOptions): Promise<string> {
    assertValidKey(key);
    const { expiresInSeconds } = options;
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_DOWNLOAD_URL_SECONDS) {
      throw new RangeError(`A download URL lives 1 to ${MAX_DOWNLOAD_URL_SECONDS} seconds, not ${expiresInSeconds}`);
    }
    if (options.contentType !== undefined) assertValidContentType(options.contentType);
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: contentDisposition(options.fileName, options.inline),
      ...(options.contentType ? { ResponseContentType: options.contentType } : {}),
    });
    return getSignedUrl(this.client, command, { expiresIn: expiresInSeconds });
  }

  /** Closes the client's idle connections (tests, shutdown). */
  close(): void {
    this.client.destroy();
  }
}

export function createS3Storage(config: S3StorageConfig): S3Storage {
  return new S3Storage(config);
}
