// Objects in an S3 bucket, on AWS or an S3-compatible server (MinIO, Garage, Scaleway, OVH…). Uploads stream in
// 5 MiB parts, 4 at a time (about 25 MiB of memory per upload at most); downloads go to the browser through
// presigned URLs valid at most 5 minutes.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  paginateListObjectsV2,
} from "@aws-sdk/client-s3";
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
 * S3's smallest part (but the last). A put holds the parts being sent plus the one it is filling, in buffers it
 * reuses: at most (QUEUE_SIZE + 1) × PART_SIZE = 25 MiB of a file in memory. Measured with `npm run bench:upload`
 * (docs/decisions/007): during a 200 MB upload the portal's resident set grows by well under 64 MB (8 MiB × 4 with
 * lib-storage: 40–60 MB), and an upload through the portal is as fast as with 8 MiB parts (a direct SDK upload to a
 * local server is ~10 % slower).
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
  const client = new S3Client({
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
  if (sendsUnsignedPayload(config)) {
    client.middlewareStack.add(
      (next, context) => (args) => {
        // SigV4 takes the payload's hash from this header when it is set, and hashes the body otherwise.
        const request = args.request as { headers?: Record<string, string> } | undefined;
        if (UNSIGNED_BODY_COMMANDS.has(context.commandName ?? "") && request?.headers) {
          request.headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
        }
        return next(args);
      },
      { step: "build", name: "vaeUnsignedPayload" },
    );
  }
  return client;
}

/** The requests that carry a file's bytes. */
const UNSIGNED_BODY_COMMANDS: ReadonlySet<string> = new Set(["UploadPartCommand", "PutObjectCommand"]);

/**
 * Whether the bytes of an upload go unsigned (docs/decisions/034). Signing a payload hashes it with SHA-256, a second
 * time after the portal's own SHA-256 of the file, for an integrity check that TLS already gives in transit: over
 * HTTPS (AWS, or an https:// endpoint) they go unsigned, with the headers still signed. Over plain HTTP the
 * signature is the only check of the bytes in transit, so they stay signed unless S3_UNSIGNED_PAYLOAD=true forces it.
 */
export function sendsUnsignedPayload(config: Pick<S3StorageConfig, "endpoint" | "unsignedPayload">): boolean {
  const setting = config.unsignedPayload ?? "auto";
  if (setting !== "auto") return setting;
  return config.endpoint === undefined || /^https:\/\//i.test(config.endpoint);
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
    options.signal?.throwIfAborted();
    return putObject(
      this.client,
      { Bucket: this.bucket, Key: key, ContentType: options.contentType },
      toReadable(body),
      options,
    );
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

/**
 * One streamed put: the body is copied into at most QUEUE_SIZE + 1 part buffers of PART_SIZE, reused from part to
 * part (a buffer is filled again only once the UploadPart request carrying it has succeeded), so a large upload
 * allocates 25 MiB once instead of a new 5 MiB buffer per part (lib-storage's Buffer.concat, whose garbage cost the
 * portal more CPU than the copy: docs/decisions/007). A body of at most one part goes as a single PutObject.
 *
 * The first failure (the body's error or its wrong length, a failed request, the caller's abort) stops everything at
 * once: in-flight requests are cut, the body is destroyed, the promise rejects with that first error; the parts
 * already sent are removed by AbortMultipartUpload, in the background (the only request sent without the signal).
 */
async function putObject(
  client: S3Client,
  target: { Bucket: string; Key: string; ContentType: string },
  source: Readable,
  options: PutOptions,
): Promise<{ size: number }> {
  const { signal } = options;
  const { Bucket, Key } = target;
  const counter = new ByteCounter(options.contentLength);
  const requests = new AbortController();
  const sendOptions = { abortSignal: requests.signal };
  let failure: { error: unknown } | undefined;
  const stop = (error: unknown) => {
    failure ??= { error };
    requests.abort();
    source.unpipe(counter);
    source.destroy();
    counter.destroy();
  };
  // Set by stop(), from callbacks: read through this function, which TypeScript does not narrow.
  const throwIfFailed = () => {
    if (failure) throw failure.error;
  };
  counter.on("error", stop);
  // The body's error fails the counter, hence the upload.
  source.on("error", (error) => counter.destroy(error));
  source.pipe(counter);
  const onAbort = () => stop(abortError(signal!));
  signal?.addEventListener("abort", onAbort, { once: true });

  const free: Buffer[] = [];
  const inFlight = new Set<Promise<void>>();
  const parts: { PartNumber: number; ETag: string }[] = [];
  let uploadId: Promise<string> | undefined;
  let partNumber = 0;

  const sendPart = async (buffer: Buffer, length: number) => {
    while (inFlight.size >= QUEUE_SIZE) await Promise.race(inFlight);
    throwIfFailed();
    uploadId ??= client.send(new CreateMultipartUploadCommand(target), sendOptions).then((out) => {
      if (!out.UploadId) throw new Error(`CreateMultipartUpload of "${Key}" answered no UploadId`);
      return out.UploadId;
    });
    const number = ++partNumber;
    const upload = uploadId;
    const task: Promise<void> = (async () => {
      const UploadId = await upload;
      const Body = length === buffer.length ? buffer : buffer.subarray(0, length);
      const out = await client.send(
        new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: number, Body }),
        sendOptions,
      );
      if (!out.ETag) throw new Error(`UploadPart ${number} of "${Key}" answered no ETag`);
      parts.push({ PartNumber: number, ETag: out.ETag });
      free.push(buffer);
    })()
      .catch(stop)
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  // The first part's chunks are only held (no copy, no part buffer) until more than a part has come: a smaller body,
  // the usual document, goes as one PutObject of exactly its size.
  let held: Buffer[] | undefined = [];
  let heldBytes = 0;
  let current: Buffer | undefined;
  let filled = 0;
  const copyIn = async (chunk: Buffer) => {
    let offset = 0;
    while (offset < chunk.length) {
      if (current && filled === PART_SIZE) {
        // Sent only now that more bytes follow: the last part is never empty.
        await sendPart(current, filled);
        current = undefined;
      }
      if (!current) {
        current = free.pop() ?? Buffer.allocUnsafeSlow(PART_SIZE);
        filled = 0;
      }
      const copied = chunk.copy(current, filled, offset, Math.min(chunk.length, offset + PART_SIZE - filled));
      filled += copied;
      offset += copied;
    }
  };

  try {
    for await (const chunk of counter as AsyncIterable<Buffer>) {
      if (held) {
        held.push(chunk);
        heldBytes += chunk.length;
        if (heldBytes <= PART_SIZE) continue;
        const chunks = held;
        held = undefined;
        for (const first of chunks) await copyIn(first);
      } else {
        await copyIn(chunk);
      }
    }
    throwIfFailed();
    if (held) {
      const Body = held.length === 1 ? held[0]! : Buffer.concat(held, heldBytes);
      await client.send(new PutObjectCommand({ ...target, Body }), sendOptions);
    } else {
      await sendPart(current!, filled);
      while (inFlight.size > 0) await Promise.race(inFlight);
      throwIfFailed();
      parts.sort((a, b) => a.PartNumber - b.PartNumber);
      const UploadId = await uploadId!;
      await client.send(
        new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }),
        sendOptions,
      );
    }
  } catch (error) {
    stop(error);
    if (uploadId) {
      // Not waited for: a server that stopped answering must not hold the rejection back.
      uploadId
        .then(
          (UploadId) => client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })),
          () => undefined,
        )
        .catch(() => undefined);
    }
    // On S3-compatible servers without AbortMultipartUpload the clean-up's error would hide the real cause.
    throw failure!.error;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  return { size: counter.bytes };
}

export function createS3Storage(config: S3StorageConfig): S3Storage {
  return new S3Storage(config);
}
