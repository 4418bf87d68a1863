// The storage interface for real: the same suite against a local folder and against an S3-protocol server (s3rver,
// started here on 127.0.0.1), checking bytes with SHA-256, failed and aborted uploads, listings and presigned URLs.
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ListedObject,
  ObjectNotFoundError,
  type ObjectStorage,
  type S3Storage,
  contentDisposition,
  createStorage,
} from "../../app/services/storage";
import { sendsUnsignedPayload } from "../../app/services/storage/s3";
import { type TestS3Server, startS3Server } from "./support/s3-server";
import { type StorageBackend, STORAGE_BACKENDS } from "./support/storage-backends";

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024; // what Remix's multipart parser hands over

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/**
 * A request body as an upload handler sees it: `data` in 64 KiB chunks, then the end, an error (the client went
 * away), nothing more ever ("hang": a stalled client), or 64 KiB every 100 ms until destroyed ("trickle").
 */
class TestBody extends Readable {
  sent = 0;
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly data: Buffer,
    private readonly then: "end" | "error" | "hang" | "trickle" = "end",
  ) {
    super({ highWaterMark: CHUNK });
  }
  override _read(): void {
    if (this.sent < this.data.length) {
      const chunk = this.data.subarray(this.sent, this.sent + CHUNK);
      this.sent += chunk.length;
      this.push(chunk);
    } else if (this.then === "end") {
      this.push(null);
    } else if (this.then === "error") {
      this.destroy(new Error("the client went away"));
    } else if (this.then === "trickle") {
      this.timer = setTimeout(() => this.push(Buffer.alloc(CHUNK)), 100);
    }
  }
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.timer);
    callback(error);
  }
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listAll(storage: ObjectStorage, prefix: string): Promise<ListedObject[]> {
  const objects: ListedObject[] = [];
  for await (const object of storage.list(prefix)) objects.push(object);
  return objects;
}

describe.each(STORAGE_BACKENDS)("$name storage", ({ name, start }) => {
  let backend: StorageBackend;
  let storage: ObjectStorage;
  beforeAll(async () => {
    backend = await start();
    storage = backend.storage;
  });
  afterAll(() => backend?.stop());

  it(`is the ${name} backend, with presigned URLs on S3 only`, () => {
    expect(storage.kind).toBe(name);
    expect(typeof storage.downloadUrl).toBe(name === "s3" ? "function" : "undefined");
  });

  it.each([
    ["1 byte", 1],
    ["100 KB", 100_000],
    ["12 MiB (multipart on S3: 5 MiB parts)", 12 * MiB],
  ])("stores a %s stream byte for byte, with its size and content type", async (_label, size) => {
    const data = randomBytes(size);
    const key = `exact/${size}.bin`;
    await expect(
      storage.put(key, new TestBody(data), { contentType: "application/pdf", contentLength: size }),
    ).resolves.toEqual({ size });
    expect(await storage.head(key)).toEqual({ size, contentType: "application/pdf" });
    const got = await storage.get(key);
    expect(got).toMatchObject({ size, contentType: "application/pdf" });
    const back = await readAll(got!.body);
    expect(back.length).toBe(size);
    expect(sha256(back)).toBe(sha256(data));
  });

  it("accepts any async iterable of bytes, and an empty body (refusing empty files is the upload layer's job)", async () => {
    async function* parts() {
      yield new TextEncoder().encode("Attestation ");
      yield new TextEncoder().encode("employeur — signée");
    }
    const size = Buffer.byteLength("Attestation employeur — signée");
    await expect(storage.put("iter/a.txt", parts(), { contentType: "text/plain; charset=utf-8" })).resolves.toEqual({
      size,
    });
    const got = await storage.get("iter/a.txt");
    expect(got?.contentType).toBe("text/plain; charset=utf-8");
    expect((await readAll(got!.body)).toString("utf8")).toBe("Attestation employeur — signée");

    await expect(
      storage.put("iter/empty", Readable.from([]), { contentType: "application/octet-stream" }),
    ).resolves.toEqual({ size: 0 });
    expect(await storage.head("iter/empty")).toEqual({ size: 0, contentType: "application/octet-stream" });
    expect((await readAll((await storage.get("iter/empty"))!.body)).length).toBe(0);
  });

  it("replaces an object put again at the same key, content type included", async () => {
    await storage.put("replace/x", Readable.from([Buffer.from("first version")]), { contentType: "text/plain" });
    await storage.put("replace/x", Readable.from([Buffer.from("%PDF-1.7")]), { contentType: "application/pdf" });
    const got = await storage.get("replace/x");
    expect(got).toMatchObject({ size: 8, contentType: "application/pdf" });
    expect((await readAll(got!.body)).toString()).toBe("%PDF-1.7");
  });

  it("answers null for a missing key, deletes, and deleting a missing key is no error", async () => {
    expect(await storage.get("missing/nothing")).toBeNull();
    expect(await storage.head("missing/nothing")).toBeNull();
    await storage.put("missing/there", Readable.from([Buffer.from("x")]), { contentType: "text/plain" });
    await storage.delete("missing/there");
    expect(await storage.get("missing/there")).toBeNull();
    expect(await storage.head("missing/there")).toBeNull();
    await expect(storage.delete("missing/there")).resolves.toBeUndefined();
    await expect(storage.delete("never/was/here")).resolves.toBeUndefined();
  });

  it("copies an object with its content type, and refuses to copy a missing one", async () => {
    const data = randomBytes(300_000);
    await storage.put("copy/from", new TestBody(data), { contentType: "image/png" });
    await storage.copy("copy/from", "copy/elsewhere/to");
    expect(await storage.head("copy/elsewhere/to")).toEqual({ size: data.length, contentType: "image/png" });
    expect(sha256(await readAll((await storage.get("copy/elsewhere/to"))!.body))).toBe(sha256(data));
    expect(await storage.head("copy/from")).toEqual({ size: data.length, contentType: "image/png" });

    await expect(storage.copy("copy/from", "copy/from")).resolves.toBeUndefined();
    await expect(storage.copy("copy/none", "copy/to2")).rejects.toThrow(ObjectNotFoundError);
    await expect(storage.copy("copy/none", "copy/none")).rejects.toThrow(ObjectNotFoundError);
    expect(await storage.head("copy/to2")).toBeNull();
  });

  it("lists by prefix (a string prefix, not a folder), with sizes and dates", async () => {
    const before = Date.now() - 5_000;
    for (const key of ["list/b/1", "list/a/2", "list/a-b", "list/ab/3", "list/a/1", "list/a0", "listing"]) {
      await storage.put(key, Readable.from([Buffer.from(key)]), { contentType: "text/plain" });
    }
    // AWS S3 and the local folder list in key order; s3rver does not, and the interface does not promise it.
    const keys = async (prefix: string) => {
      const listed = (await listAll(storage, prefix)).map((o) => o.key);
      if (name === "local") expect(listed).toEqual([...listed].sort());
      return listed.sort();
    };
    const all = await listAll(storage, "list/");
    expect(all.map((o) => o.key).sort()).toEqual([
      "list/a-b",
      "list/a/1",
      "list/a/2",
      "list/a0",
      "list/ab/3",
      "list/b/1",
    ]);
    for (const object of all) {
      expect(object.size).toBe(object.key.length);
      expect(object.lastModified).toBeInstanceOf(Date);
      expect(object.lastModified.getTime()).toBeGreaterThan(before);
    }
    expect(await keys("list/a/")).toEqual(["list/a/1", "list/a/2"]);
    expect(await keys("list/a")).toEqual(["list/a-b", "list/a/1", "list/a/2", "list/a0", "list/ab/3"]);
    expect(await keys("list")).toContain("listing");
    expect(await keys("nothing/here/")).toEqual([]);
    expect(await keys("")).toEqual(expect.arrayContaining(["list/a/1", "listing", "exact/1.bin"]));
  });

  it.each([
    "",
    "/leading",
    "trailing/",
    "double//slash",
    "up/../there",
    "..",
    "here/./there",
    "Upper.pdf",
    "space in.pdf",
    "accentué.pdf",
    "back\\slash",
    "tilde~meta.json",
    "percent%2f",
    "x".repeat(201),
    `${"x/".repeat(256)}x`,
  ])("refuses the key %j for every operation", async (key) => {
    await expect(storage.put(key, Readable.from([Buffer.from("x")]), { contentType: "text/plain" })).rejects.toThrow(
      /Invalid storage key/,
    );
    await expect(storage.get(key)).rejects.toThrow(/Invalid storage key/);
    await expect(storage.head(key)).rejects.toThrow(/Invalid storage key/);
    await expect(storage.delete(key)).rejects.toThrow(/Invalid storage key/);
    await expect(storage.copy(key, "ok/key")).rejects.toThrow(/Invalid storage key/);
    await expect(storage.copy("exact/1.bin", key)).rejects.toThrow(/Invalid storage key/);
  });

  it("accepts the longest keys (512 characters, segments of 200) and refuses bad prefixes and content types", async () => {
    const longest = ["a".repeat(200), "b".repeat(200), "c".repeat(110)].join("/");
    expect(longest.length).toBe(512);
    await storage.put(longest, Readable.from([Buffer.from("long")]), { contentType: "text/plain" });
    expect(await storage.head(longest)).toEqual({ size: 4, contentType: "text/plain" });
    await expect(listAll(storage, "/etc")).rejects.toThrow(/Invalid storage prefix/);
    await expect(listAll(storage, "../")).rejects.toThrow(/Invalid storage prefix/);
    for (const contentType of ["", "pdf", "text/plain\r\nX-Injected: 1", 'text/plain; name="é"']) {
      await expect(storage.put("ct/x", Readable.from([Buffer.from("x")]), { contentType })).rejects.toThrow(
        /Invalid content type/,
      );
    }
    expect(await storage.head("ct/x")).toBeNull();
  });

  it("stores nothing when the body is not as long as announced", async () => {
    await expect(
      storage.put("length/short", Readable.from([Buffer.from("12345")]), {
        contentType: "text/plain",
        contentLength: 10,
      }),
    ).rejects.toThrow(/has 5 bytes, 10 were announced/);
    await expect(
      storage.put("length/long", new TestBody(randomBytes(9 * MiB)), {
        contentType: "text/plain",
        contentLength: 1000,
      }),
    ).rejects.toThrow(/more than 1000 bytes/);
    expect(await listAll(storage, "length/")).toEqual([]);
    expect(await backend.leftovers()).toEqual([]);
  });

  it("leaves nothing at the key when the body fails mid-stream (after the first 5 MiB part on S3)", async () => {
    const body = new TestBody(randomBytes(9 * MiB), "error");
    await expect(storage.put("failed/new", body, { contentType: "application/pdf" })).rejects.toThrow(
      "the client went away",
    );
    expect(body.sent).toBe(9 * MiB);
    expect(await storage.head("failed/new")).toBeNull();
    expect(await listAll(storage, "failed/")).toEqual([]);

    // An object already at the key stays as it was.
    await storage.put("failed/kept", Readable.from([Buffer.from("version 1")]), { contentType: "text/plain" });
    await expect(
      storage.put("failed/kept", new TestBody(randomBytes(MiB), "error"), { contentType: "application/pdf" }),
    ).rejects.toThrow("the client went away");
    const kept = await storage.get("failed/kept");
    expect(kept).toMatchObject({ size: 9, contentType: "text/plain" });
    expect((await readAll(kept!.body)).toString()).toBe("version 1");
    expect(await backend.leftovers()).toEqual([]);
  });

  it("leaves nothing at the key when the upload is aborted, and destroys the body", async () => {
    const body = new TestBody(randomBytes(9 * MiB), "hang");
    const controller = new AbortController();
    const put = storage.put("aborted/x", body, { contentType: "application/pdf", signal: controller.signal });
    while (body.sent < 9 * MiB) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 100)); // S3: let the first part go out
    controller.abort();
    await expect(put).rejects.toMatchObject({ name: "AbortError" });
    expect(body.destroyed).toBe(true);
    expect(await storage.head("aborted/x")).toBeNull();
    expect(await listAll(storage, "aborted/")).toEqual([]);
    expect(await backend.leftovers()).toEqual([]);

    // An already aborted signal stores nothing at all.
    await expect(
      storage.put("aborted/y", Readable.from([Buffer.from("x")]), {
        contentType: "text/plain",
        signal: AbortSignal.abort(),
      }),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(await storage.head("aborted/y")).toBeNull();
  });
});

describe("s3 storage only", () => {
  let server: TestS3Server;
  let storage: S3Storage;
  beforeAll(async () => {
    server = await startS3Server({ bucket: "vae-presign" });
    storage = createStorage({
      kind: "s3",
      bucket: server.bucket,
      region: "us-east-1",
      endpoint: server.endpoint,
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
      forcePathStyle: true,
    }) as S3Storage;
  });
  afterAll(async () => {
    storage?.close();
    await server?.stop();
  });

  it("gives presigned URLs that plain fetch downloads byte for byte, with the Content-Disposition asked for", async () => {
    const data = randomBytes(2 * MiB);
    await storage.put("evidence/42/abc", new TestBody(data), { contentType: "application/pdf" });

    const url = await storage.downloadUrl("evidence/42/abc", {
      expiresInSeconds: 60,
      fileName: "Relevé « final ».pdf",
      inline: false,
    });
    expect(url.startsWith(`${server.endpoint}/vae-presign/evidence/42/abc?`)).toBe(true);
    expect(url).toContain("X-Amz-Expires=60");
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe(contentDisposition("Relevé « final ».pdf", false));
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="Releve _ final _.pdf"; filename*=UTF-8''Relev%C3%A9%20%C2%AB%20final%20%C2%BB.pdf`,
    );
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(data));

    const inline = await fetch(
      await storage.downloadUrl("evidence/42/abc", {
        expiresInSeconds: 300,
        fileName: "scan.txt",
        inline: true,
        contentType: "text/plain",
      }),
    );
    expect(inline.headers.get("content-disposition")).toBe(`inline; filename="scan.txt"; filename*=UTF-8''scan.txt`);
    expect(inline.headers.get("content-type")).toBe("text/plain");
    await inline.arrayBuffer();
  });

  it("keeps a streamed PutObject byte-exact thanks to the client's checksum settings (the SDK defaults do not)", async () => {
    // Our put hands the SDK whole parts (buffers); a plain PutObject with a stream body is where the defaults
    // store the aws-chunked framing inside the object on S3-compatible servers (200 000 bytes became 200 045).
    expect(await storage.client.config.requestChecksumCalculation()).toBe("WHEN_REQUIRED");
    expect(await storage.client.config.responseChecksumValidation()).toBe("WHEN_REQUIRED");
    const data = randomBytes(200_000);
    await storage.client.send(
      new PutObjectCommand({
        Bucket: server.bucket,
        Key: "raw/stream",
        Body: new TestBody(data),
        ContentLength: data.length,
      }),
    );
    const got = await storage.get("raw/stream");
    expect(got?.size).toBe(data.length);
    expect(sha256(await readAll(got!.body))).toBe(sha256(data));
  });

  it("cuts a body into 5 MiB parts at the exact boundaries (one PutObject up to a part), bytes intact", {
    timeout: 30_000,
  }, async () => {
    const PART = 5 * MiB;
    const requests: string[] = [];
    server.onRequest((method, url) => requests.push(`${method} ${url}`));
    for (const size of [0, 1, PART - 1, PART, PART + 1, 2 * PART, 5 * PART + 12_345]) {
      const data = randomBytes(size);
      // Chunks of 100 000 bytes: never aligned on a part; the part buffers are reused from the second round on.
      const chunks: Buffer[] = [];
      for (let i = 0; i < size; i += 100_000) chunks.push(data.subarray(i, i + 100_000));
      requests.length = 0;
      const key = `parts/${size}`;
      expect(
        await storage.put(key, Readable.from(chunks), { contentType: "application/pdf", contentLength: size }),
      ).toEqual({ size });
      const parts = requests.filter((r) => r.startsWith("PUT ") && r.includes("partNumber=")).length;
      expect(parts).toBe(size <= PART ? 0 : Math.ceil(size / PART));
      const got = await storage.get(key);
      expect(got).toMatchObject({ size, contentType: "application/pdf" });
      expect(sha256(await readAll(got!.body))).toBe(sha256(data));
    }
  });

  it("refuses presigned URLs living more than 5 minutes (or less than a second)", async () => {
    for (const expiresInSeconds of [301, 3600, 0, -1, 1.5, Number.NaN]) {
      await expect(
        storage.downloadUrl("evidence/42/abc", { expiresInSeconds, fileName: "a.pdf", inline: false }),
      ).rejects.toThrow(RangeError);
    }
    await expect(
      storage.downloadUrl("../x", { expiresInSeconds: 60, fileName: "a.pdf", inline: false }),
    ).rejects.toThrow(/Invalid storage key/);
  });

  it("rejects a put, without hanging, when the server stops in the middle of an upload", {
    timeout: 20_000,
  }, async () => {
    const dying = await startS3Server({ bucket: "vae-dying" });
    const dyingStorage = createStorage({
      kind: "s3",
      bucket: dying.bucket,
      region: "us-east-1",
      endpoint: dying.endpoint,
      accessKeyId: dying.accessKeyId,
      secretAccessKey: dying.secretAccessKey,
      forcePathStyle: true,
    }) as S3Storage;
    // A slow client: 9 MiB at once (part 1 goes out), then 64 KiB every 100 ms, never ending by itself.
    const body = new TestBody(randomBytes(9 * MiB), "trickle");
    let partRequests = 0;
    dying.onRequest((method, url) => {
      if (method === "PUT" && url.includes("partNumber=")) {
        partRequests += 1;
        void dying.stop(); // cuts this very request
      }
    });
    const started = Date.now();
    try {
      await expect(dyingStorage.put("dying/x", body, { contentType: "application/pdf" })).rejects.toThrow();
      expect(partRequests).toBe(1);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(body.destroyed).toBe(true);
    } finally {
      dyingStorage.close();
      await dying.stop();
    }
  });
});

describe("s3 storage: signed or unsigned payloads (docs/decisions/034)", () => {
  let server: TestS3Server;
  beforeAll(async () => {
    server = await startS3Server({ bucket: "vae-payload" });
  });
  afterAll(async () => {
    await server?.stop();
  });
  const storageWith = (unsignedPayload?: "auto" | boolean) =>
    createStorage({
      kind: "s3",
      bucket: server.bucket,
      region: "us-east-1",
      endpoint: server.endpoint,
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
      forcePathStyle: true,
      ...(unsignedPayload === undefined ? {} : { unsignedPayload }),
    }) as S3Storage;

  /** Puts `data` (one PutObject, or parts) and returns the payload hash header of each request carrying bytes. */
  async function putAndWatch(storage: S3Storage, key: string, data: Buffer): Promise<string[]> {
    const hashes: string[] = [];
    server.onRequest((method, url, headers) => {
      if (method === "PUT" && url.includes(`/${key}`)) hashes.push(String(headers["x-amz-content-sha256"]));
    });
    const chunks: Buffer[] = [];
    for (let i = 0; i < data.length; i += CHUNK) chunks.push(data.subarray(i, i + CHUNK));
    expect(
      await storage.put(key, Readable.from(chunks), { contentType: "application/pdf", contentLength: data.length }),
    ).toEqual({ size: data.length });
    const got = await storage.get(key);
    expect(got?.size).toBe(data.length);
    // The bytes stored are the bytes sent: the SHA-256 the portal records for the file matches the object's.
    expect(sha256(await readAll(got!.body))).toBe(sha256(data));
    return hashes;
  }

  it("decides from the endpoint: unsigned over HTTPS and on AWS, signed over plain HTTP, unless told", () => {
    expect(sendsUnsignedPayload({ endpoint: "https://s3.fr-par.scw.cloud" })).toBe(true);
    expect(sendsUnsignedPayload({ endpoint: "HTTPS://minio.internal:9000", unsignedPayload: "auto" })).toBe(true);
    expect(sendsUnsignedPayload({ endpoint: undefined })).toBe(true);
    expect(sendsUnsignedPayload({ endpoint: "http://minio.internal:9000" })).toBe(false);
    expect(sendsUnsignedPayload({ endpoint: "http://minio.internal:9000", unsignedPayload: "auto" })).toBe(false);
    expect(sendsUnsignedPayload({ endpoint: "http://minio.internal:9000", unsignedPayload: true })).toBe(true);
    expect(sendsUnsignedPayload({ endpoint: "https://s3.fr-par.scw.cloud", unsignedPayload: false })).toBe(false);
  });

  it("signs every payload by default over plain HTTP: the header is the SHA-256 of each request's bytes", {
    timeout: 30_000,
  }, async () => {
    const storage = storageWith();
    try {
      const PART = 5 * MiB;
      const data = randomBytes(2 * PART + 12_345);
      const hashes = await putAndWatch(storage, "signed/multipart", data);
      // Three parts, each signed with its own hash (the part's bytes, not the file's), arriving in any order.
      expect(hashes.sort()).toEqual([0, 1, 2].map((n) => sha256(data.subarray(n * PART, (n + 1) * PART))).sort());
      const small = randomBytes(100_000);
      expect(await putAndWatch(storage, "signed/small", small)).toEqual([sha256(small)]);
    } finally {
      storage.close();
    }
  });

  it("sends UNSIGNED-PAYLOAD when told to (HTTPS, or forced here over HTTP), and the bytes arrive intact", {
    timeout: 30_000,
  }, async () => {
    const storage = storageWith(true);
    try {
      const data = randomBytes(2 * 5 * MiB + 12_345);
      expect(await putAndWatch(storage, "unsigned/multipart", data)).toEqual(Array(3).fill("UNSIGNED-PAYLOAD"));
      expect(await putAndWatch(storage, "unsigned/small", randomBytes(100_000))).toEqual(["UNSIGNED-PAYLOAD"]);
      // Requests without a file's bytes keep a signed (empty) payload hash: only the bodies go unsigned.
      const heads: string[] = [];
      server.onRequest((method, _url, headers) => {
        if (method === "HEAD") heads.push(String(headers["x-amz-content-sha256"]));
      });
      await storage.head("unsigned/small");
      expect(heads).toEqual([sha256(new Uint8Array())]);
    } finally {
      storage.close();
    }
  });
});
