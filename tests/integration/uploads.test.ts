// The upload pipeline for real: multipart requests with streamed bodies, parsed as they arrive and stored in a local
// folder and in an S3-protocol server (s3rver on 127.0.0.1); what is stored is read back and checked with SHA-256,
// and every refusal or failure must leave nothing behind.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ObjectStorage, type S3Storage, createStorage } from "../../app/services/storage";
import { ALLOWED_UPLOAD_TYPES_LABEL, UPLOAD_ACCEPT } from "../../app/services/uploads/allowed-types";
import {
  type ReceiveUploadOptions,
  type ReceivedUpload,
  SAMPLE_BYTES,
  UploadRefusedError,
  discardReceivedFiles,
  receiveUpload,
} from "../../app/services/uploads/receive-upload.server";
import * as samples from "../fixtures/files/samples";
import { type StorageBackend, STORAGE_BACKENDS } from "./support/storage-backends";

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

interface Part {
  name: string;
  /** Set for a file part (even empty: a file input left empty). */
  filename?: string;
  /** The browser's claim, never trusted. */
  contentType?: string;
  data: Buffer | string;
}

interface BodyBehaviour {
  /** After this many bytes of the whole body: "error" (the client went away), or "stall" (it stops sending). */
  stopAfter?: number;
  then?: "error" | "stall";
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A multipart request whose body is streamed 64 KiB at a time; `pulled` counts the bytes the server asked for. */
function multipartRequest(parts: Part[], behaviour: BodyBehaviour = {}): { request: Request; pulled: () => number } {
  const boundary = `----VaeTestBoundary${randomBytes(8).toString("hex")}`;
  const pieces: Buffer[] = [];
  for (const part of parts) {
    const disposition =
      `form-data; name="${part.name}"` + (part.filename === undefined ? "" : `; filename="${part.filename}"`);
    const type =
      part.filename === undefined ? "" : `Content-Type: ${part.contentType ?? "application/octet-stream"}\r\n`;
    pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`, "utf8"));
    pieces.push(Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data, "utf8"));
    pieces.push(Buffer.from("\r\n"));
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  const whole = Buffer.concat(pieces);
  const limit = behaviour.stopAfter ?? Number.POSITIVE_INFINITY;
  let sent = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent >= limit) {
          if (behaviour.then === "error") controller.error(new Error("the client went away"));
          return new Promise<void>(() => undefined); // stalled: never another byte
        }
        if (sent >= whole.length) {
          controller.close();
          return;
        }
        const end = Math.min(sent + CHUNK, whole.length, limit);
        controller.enqueue(new Uint8Array(whole.subarray(sent, end)));
        sent = end;
      },
      // Pulled only when read, as a socket is: `pulled` is what the server really asked for.
    },
    { highWaterMark: 0 },
  );
  const request = new Request("http://localhost/candidat/pieces", {
    method: "POST",
    body,
    duplex: "half",
    signal: behaviour.signal,
    headers: { "content-type": `multipart/form-data; boundary=${boundary}`, ...behaviour.headers },
  } as RequestInit);
  return { request, pulled: () => sent };
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function keysUnder(storage: ObjectStorage, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of storage.list(prefix)) keys.push(object.key);
  return keys.sort();
}

async function refusalOf(promise: Promise<unknown>): Promise<UploadRefusedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UploadRefusedError);
  return error as UploadRefusedError;
}

const accepted: [string, () => Buffer, string, string][] = [
  ["a PDF", () => samples.pdf(), "application/pdf", "pdf"],
  ["a JPEG photo", samples.jpeg, "image/jpeg", "jpg"],
  ["a PNG image", () => samples.png(40, 30), "image/png", "png"],
  ["a WebP image", samples.webp, "image/webp", "webp"],
  ["an iPhone HEIC photo", samples.heic, "image/heic", "heic"],
  [
    "a DOCX written by Word",
    () => samples.docx(),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
  ],
  [
    "a 300 KB DOCX written by LibreOffice ([Content_Types].xml last)",
    () => samples.docx({ order: "libreoffice", mediaBytes: 300_000 }),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
  ],
  ["an ODT", samples.odt, "application/vnd.oasis.opendocument.text", "odt"],
  [
    "an XLSX written by Excel",
    () => samples.xlsx(),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
  ],
  [
    "a 200 KB XLSX written by LibreOffice",
    () => samples.xlsx({ order: "libreoffice", mediaBytes: 200_000 }),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
  ],
  ["an ODS", samples.ods, "application/vnd.oasis.opendocument.spreadsheet", "ods"],
  ["an MP4 video", () => samples.mp4(300_000), "video/mp4", "mp4"],
];

describe.each(STORAGE_BACKENDS)("uploads into the $name storage", ({ start }) => {
  let backend: StorageBackend;
  let storage: ObjectStorage;
  let spoolDirectory: string;
  beforeAll(async () => {
    backend = await start({ bucket: "vae-uploads" });
    storage = backend.storage;
    spoolDirectory = mkdtempSync(path.join(tmpdir(), "vae-spool-"));
  });
  afterAll(async () => {
    await backend?.stop();
    if (spoolDirectory) await rm(spoolDirectory, { recursive: true, force: true });
  });

  /** receiveUpload with keys under a prefix of the test's own, and the test's spool folder. */
  function receive(
    request: Request,
    prefix: string,
    options: Partial<ReceiveUploadOptions> = {},
  ): Promise<ReceivedUpload> {
    return receiveUpload(request, {
      storage,
      keyFor: () => `${prefix}/${randomUUID()}`,
      spoolDirectory,
      ...options,
    });
  }

  /** Nothing stored under the prefix, no temporary file of the backend nor of the spool. */
  async function expectNothingLeft(prefix: string): Promise<void> {
    expect(await keysUnder(storage, `${prefix}/`)).toEqual([]);
    expect(await backend.leftovers()).toEqual([]);
    expect(await readdir(spoolDirectory)).toEqual([]);
  }

  it.each(accepted)(
    "accepts %s, stored under its detected type, byte for byte",
    async (_label, make, mediaType, extension) => {
      const data = make();
      const prefix = `accepted/${extension}-${randomUUID().slice(0, 8)}`;
      // The browser's type and the extension say otherwise: only the content counts.
      const { request } = multipartRequest([
        { name: "piece", filename: "fichier.bin", contentType: "text/plain", data },
      ]);
      const { files } = await receive(request, prefix);
      expect(files).toHaveLength(1);
      const [file] = files;
      expect(file).toMatchObject({
        field: "piece",
        originalName: "fichier.bin",
        mediaType,
        extension,
        byteSize: data.length,
        sha256: sha256(data),
      });
      expect(file!.key.startsWith(`${prefix}/`)).toBe(true);
      expect(await storage.head(file!.key)).toEqual({ size: data.length, contentType: mediaType });
      const back = await readAll((await storage.get(file!.key))!.body);
      expect(sha256(back)).toBe(sha256(data));
      expect(await readdir(spoolDirectory)).toEqual([]);
    },
  );

  it("streams a 12 MiB PDF (several S3 parts) and returns the text fields beside it", async () => {
    const data = samples.pdf(12 * MiB);
    const { request } = multipartRequest([
      { name: "intent", data: "add-evidence" },
      { name: "label", data: "Attestation d'employeur — 2024" },
      { name: "piece", filename: "attestation.pdf", contentType: "application/pdf", data },
      { name: "vide", filename: "", data: "" }, // a second file input left empty
    ]);
    const { fields, files } = await receive(request, "big");
    expect(fields.get("intent")).toBe("add-evidence");
    expect(fields.get("label")).toBe("Attestation d'employeur — 2024");
    expect(fields.has("piece")).toBe(false);
    expect(fields.has("vide")).toBe(false);
    expect(files).toEqual([
      expect.objectContaining({ byteSize: data.length, sha256: sha256(data), mediaType: "application/pdf" }),
    ]);
    expect(sha256(await readAll((await storage.get(files[0]!.key))!.body))).toBe(sha256(data));
  });

  it("answers no file when the file input was left empty", async () => {
    const { request } = multipartRequest([
      { name: "intent", data: "save" },
      { name: "piece", filename: "", data: "" },
    ]);
    const { fields, files } = await receive(request, "none");
    expect(files).toEqual([]);
    expect(fields.get("intent")).toBe("save");
  });

  it("refuses an empty file", async () => {
    const { request } = multipartRequest([
      { name: "piece", filename: "scan.pdf", contentType: "application/pdf", data: "" },
    ]);
    const refusal = await refusalOf(receive(request, "empty"));
    expect(refusal.code).toBe("empty");
    expect(refusal.message).toBe("Le fichier « scan.pdf » est vide.");
    expect(refusal.status).toBe(400);
    await expectNothingLeft("empty");
  });

  it.each([
    ["in its first 64 KiB", 40 * 1024, 100 * 1024],
    ["after several MiB (past the first S3 part)", 10 * MiB, 12 * MiB],
  ])(
    "refuses a file too large %s, as soon as the limit is crossed, leaving nothing",
    async (_label, maxFileBytes, size) => {
      const data = samples.pdf(size);
      const { request, pulled } = multipartRequest([
        { name: "piece", filename: "dossier complet.pdf", contentType: "application/pdf", data },
        { name: "after", data: "never read" },
      ]);
      const refusal = await refusalOf(receive(request, "large", { maxFileBytes }));
      expect(refusal.code).toBe("too_large");
      expect(refusal.status).toBe(413);
      const limit = maxFileBytes >= MiB ? `${maxFileBytes / MiB} Mo` : `${maxFileBytes / 1024} Ko`;
      expect(refusal.message).toBe(
        `Le fichier « dossier complet.pdf » dépasse la taille maximale autorisée de ${limit}.`,
      );
      expect(refusal.fileName).toBe("dossier complet.pdf");
      // Stopped reading at the limit (give or take what the streams hold), not at the end of the file.
      expect(pulled()).toBeLessThan(maxFileBytes + 2 * MiB);
      expect(pulled()).toBeLessThan(data.length);
      await expectNothingLeft("large");
    },
  );

  it("names the default limit, 50 Mo", async () => {
    const { request } = multipartRequest([{ name: "piece", filename: "film.mp4", data: samples.mp4(50 * MiB) }]);
    const refusal = await refusalOf(receive(request, "default-limit"));
    expect(refusal.message).toBe("Le fichier « film.mp4 » dépasse la taille maximale autorisée de 50 Mo.");
    await expectNothingLeft("default-limit");
  });

  it("refuses before reading the body a request whose Content-Length no accepted upload can have", async () => {
    const { request, pulled } = multipartRequest([{ name: "piece", filename: "a.pdf", data: samples.pdf() }], {
      headers: { "content-length": String(3 * MiB + 1024 * 1024 + 1) },
    });
    const refusal = await refusalOf(receive(request, "declared", { maxFileBytes: MiB, maxFiles: 3 }));
    expect(refusal.code).toBe("request_too_large");
    expect(refusal.message).toBe("L'envoi dépasse la taille maximale autorisée : 3 fichiers de 1 Mo au plus.");
    expect(pulled()).toBe(0);

    // Within the margin for the multipart framing, the request is read.
    const small = multipartRequest([{ name: "piece", filename: "a.pdf", data: samples.pdf() }], {
      headers: { "content-length": String(MiB + 1000) },
    });
    const { files } = await receive(small.request, "declared", { maxFileBytes: MiB });
    expect(files).toHaveLength(1);
    await storage.delete(files[0]!.key);
  });

  it.each([
    ["a Linux executable (ELF) named .pdf", samples.elf],
    ["a Windows executable (PE) named .pdf", samples.windowsExe],
    ["a plain ZIP archive named .pdf", samples.plainZip],
    ["an HTML page named .pdf", () => Buffer.from("<!doctype html><script>alert(document.cookie)</script>")],
    ["random bytes named .pdf", () => samples.noise(200_000)],
  ])("refuses %s, whatever the browser says, leaving nothing", async (_label, make) => {
    const { request } = multipartRequest([
      { name: "piece", filename: "facture.pdf", contentType: "application/pdf", data: make() },
    ]);
    const refusal = await refusalOf(receive(request, "exe"));
    expect(refusal.code).toBe("type_not_allowed");
    expect(refusal.status).toBe(415);
    expect(refusal.message).toBe(
      `Le fichier « facture.pdf » n'est pas d'un type accepté (${ALLOWED_UPLOAD_TYPES_LABEL}).`,
    );
    expect(refusal.message).toContain("(PDF, JPEG, PNG, WebP, HEIC, DOCX, ODT, XLSX, ODS ou MP4)");
    await expectNothingLeft("exe");
  });

  it("refuses a big ZIP that only looks like an office document, and removes its temporary file", async () => {
    const fake = samples.zip([
      { name: "_rels/.rels", data: "<Relationships/>" },
      { name: "word/media/image1.png", data: samples.noise(300_000), method: "store" },
      { name: "payload.exe", data: samples.windowsExe() },
    ]);
    expect(fake.length).toBeGreaterThan(SAMPLE_BYTES);
    const { request } = multipartRequest([{ name: "piece", filename: "rapport.docx", data: fake }]);
    expect((await refusalOf(receive(request, "fake-docx"))).code).toBe("type_not_allowed");
    await expectNothingLeft("fake-docx");
  });

  it("keeps the person's file name, cleaned: no path, no control or bidirectional characters, NFC", async () => {
    const data = samples.png();
    const { request } = multipartRequest([
      { name: "a", filename: "../../etc/passwd", data },
      { name: "b", filename: "..\\..\\Windows\\facture\u202Efdp.exe", data },
      { name: "c", filename: "Releve\u0301\u0007 d'heures\u200F.png", data },
    ]);
    const { files } = await receive(request, "names", { maxFiles: 3 });
    expect(files.map((f) => f.originalName)).toEqual(["passwd", "facturefdp.exe", "Relevé d'heures.png"]);
    expect(files.map((f) => f.mediaType)).toEqual(["image/png", "image/png", "image/png"]);
    // The key never comes from the name.
    for (const file of files) expect(file.key).toMatch(/^names\/[0-9a-f-]{36}$/);
    await discardReceivedFiles(storage, files);
  });

  it.each(["relevé; mars.pdf", "note=20.pdf", "a=1; b=2; filename=x.exe.pdf"])(
    "accepts a file name with « ; » or « = » in it (%s), kept as given",
    async (filename) => {
      const data = samples.pdf();
      const { request } = multipartRequest([
        { name: "kind", data: "other" },
        { name: "piece", filename, contentType: "application/pdf", data },
      ]);
      const { fields, files } = await receive(request, "semicolon");
      expect(fields.get("kind")).toBe("other");
      expect(files).toEqual([
        expect.objectContaining({
          field: "piece",
          originalName: filename,
          mediaType: "application/pdf",
          sha256: sha256(data),
        }),
      ]);
      expect(await discardReceivedFiles(storage, files)).toEqual([]);
      await expectNothingLeft("semicolon");
    },
  );

  it("refuses more files than allowed, removing those already stored", async () => {
    const one = multipartRequest([
      { name: "piece", filename: "un.pdf", data: samples.pdf(100_000) },
      { name: "piece", filename: "deux.pdf", data: samples.pdf(100_000) },
    ]);
    const refusal = await refusalOf(receive(one.request, "many"));
    expect(refusal.code).toBe("too_many_files");
    expect(refusal.message).toBe("Envoyez un seul fichier à la fois.");
    await expectNothingLeft("many");

    const four = multipartRequest(
      ["a", "b", "c", "d"].map((n) => ({ name: "pieces", filename: `${n}.png`, data: samples.png() })),
    );
    const refusal4 = await refusalOf(receive(four.request, "many", { maxFiles: 3 }));
    expect(refusal4.message).toBe("Envoyez au plus 3 fichiers à la fois.");
    await expectNothingLeft("many");

    const three = multipartRequest(
      ["a", "b", "c"].map((n) => ({ name: "pieces", filename: `${n}.png`, data: samples.png() })),
    );
    const { files } = await receive(three.request, "many", { maxFiles: 3 });
    expect(files.map((f) => f.originalName)).toEqual(["a.png", "b.png", "c.png"]);
    expect(new Set(files.map((f) => f.key)).size).toBe(3);
    await discardReceivedFiles(storage, files);
  });

  it("removes the files already stored when a later file of the same request is refused", async () => {
    const { request } = multipartRequest([
      { name: "pieces", filename: "cv.pdf", data: samples.pdf(200_000) },
      { name: "pieces", filename: "photo.jpg", data: samples.jpeg() },
      { name: "pieces", filename: "outil.pdf", data: samples.elf() },
    ]);
    const refusal = await refusalOf(receive(request, "later", { maxFiles: 5 }));
    expect(refusal.code).toBe("type_not_allowed");
    expect(refusal.fileName).toBe("outil.pdf");
    expect(refusal.leftKeys).toEqual([]);
    await expectNothingLeft("later");
  });

  it("receives 20 uploads at once, each intact under its own key", async () => {
    const datas = Array.from({ length: 20 }, (_, i) =>
      Buffer.concat([samples.pdf(), randomBytes(200_000 + i * 50_000)]),
    );
    const results = await Promise.all(
      datas.map((data, i) =>
        receive(multipartRequest([{ name: "piece", filename: `piece-${i}.pdf`, data }]).request, "parallel"),
      ),
    );
    const files = results.map((r) => r.files[0]!);
    expect(new Set(files.map((f) => f.key)).size).toBe(20);
    expect(new Set(files.map((f) => f.sha256)).size).toBe(20);
    for (const [i, file] of files.entries()) {
      expect(file).toMatchObject({
        originalName: `piece-${i}.pdf`,
        byteSize: datas[i]!.length,
        sha256: sha256(datas[i]!),
      });
      expect(sha256(await readAll((await storage.get(file.key))!.body))).toBe(sha256(datas[i]!));
    }
    expect(await keysUnder(storage, "parallel/")).toHaveLength(20);
    expect(await discardReceivedFiles(storage, files)).toEqual([]);
    expect(await keysUnder(storage, "parallel/")).toEqual([]);
  });

  it("leaves nothing when the client goes away in the middle of the body", async () => {
    const { request } = multipartRequest([{ name: "piece", filename: "gros.pdf", data: samples.pdf(10 * MiB) }], {
      stopAfter: 9 * MiB,
      then: "error",
    });
    const refusal = await refusalOf(receive(request, "gone"));
    expect(refusal.code).toBe("aborted");
    expect(refusal.message).toBe("L'envoi du fichier a été interrompu avant la fin : réessayez.");
    await expectNothingLeft("gone");
  });

  it("stops at once when the request is aborted while the client has stopped sending", async () => {
    const controller = new AbortController();
    const { request, pulled } = multipartRequest(
      [{ name: "piece", filename: "gros.pdf", data: samples.pdf(10 * MiB) }],
      {
        stopAfter: 9 * MiB,
        then: "stall",
        signal: controller.signal,
      },
    );
    const receiving = receive(request, "stalled");
    while (pulled() < 9 * MiB) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 100)); // S3: the first 5 MiB part goes out
    const started = Date.now();
    controller.abort(new Error("the response was closed")); // what the Express adapter does when the client leaves
    const refusal = await refusalOf(receiving);
    expect(refusal.code).toBe("aborted");
    expect(Date.now() - started).toBeLessThan(5_000);
    await expectNothingLeft("stalled");
  });

  it("leaves nothing when a client stops in the middle of a ZIP being written to a temporary file", async () => {
    const data = samples.docx({ order: "libreoffice", mediaBytes: 2 * MiB });
    const { request } = multipartRequest([{ name: "piece", filename: "rapport.docx", data }], {
      stopAfter: MiB,
      then: "error",
    });
    expect((await refusalOf(receive(request, "spool-gone"))).code).toBe("aborted");
    await expectNothingLeft("spool-gone");
  });

  it("refuses what is not a multipart form, and too long or too many text fields", async () => {
    const json = new Request("http://localhost/", {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    const notMultipart = await refusalOf(receive(json, "form"));
    expect(notMultipart.code).toBe("not_multipart");
    expect(notMultipart.message).toBe("Le formulaire envoyé n'a pas pu être lu : rechargez la page et réessayez.");

    const long = multipartRequest([{ name: "commentaire", data: "x".repeat(70_000) }]);
    const tooLong = await refusalOf(receive(long.request, "form"));
    expect(tooLong.code).toBe("request_too_large");
    expect(tooLong.message).toBe("Un champ du formulaire est trop long : raccourcissez le texte et réessayez.");

    const many = multipartRequest(Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, data: "x" })));
    const tooMany = await refusalOf(receive(many.request, "form", { maxFields: 10 }));
    expect(tooMany.code).toBe("request_too_large");
    expect(tooMany.message).toBe("Le formulaire envoyé contient trop de champs : rechargez la page et réessayez.");

    // A body cut between two parts, as a client that stopped after its first field.
    const cut = multipartRequest(
      [
        { name: "intent", data: "save" },
        { name: "piece", filename: "a.pdf", data: samples.pdf() },
      ],
      {
        stopAfter: 90,
        then: "error",
      },
    );
    expect((await refusalOf(receive(cut.request, "form"))).code).toBe("aborted");

    // A body that ends, without an error, before the form's last boundary: the client stopped short.
    const boundary = "----VaeTestBoundaryShort";
    const short = new Request("http://localhost/", {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body: `--${boundary}\r\nContent-Disposition: form-data; name="piece"; filename="a.pdf"\r\n\r\n%PDF-1.7\n`,
    });
    expect((await refusalOf(receive(short, "form"))).code).toBe("aborted");

    // A form without a boundary cannot be read at all.
    const noBoundary = new Request("http://localhost/", {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=" },
      body: "x",
    });
    expect((await refusalOf(receive(noBoundary, "form"))).code).toBe("not_multipart");
    await expectNothingLeft("form");
  });

  it("accepts text fields up to their limits (a file part is not a text field), and decodes them as UTF-8", async () => {
    const data = samples.pdf();
    const { request } = multipartRequest([
      ...Array.from({ length: 9 }, (_, i) => ({ name: `f${i}`, data: `valeur ${i}` })),
      { name: "piece", filename: "a.pdf", data },
      { name: "commentaire", data: "é".repeat(512) }, // 1 KiB of two-byte characters: exactly maxFieldBytes
    ]);
    const { fields, files } = await receive(request, "fields", { maxFields: 10, maxFieldBytes: 1024 });
    expect([...fields.keys()]).toEqual([...Array.from({ length: 9 }, (_, i) => `f${i}`), "commentaire"]);
    expect(fields.get("commentaire")).toBe("é".repeat(512));
    expect(files).toHaveLength(1);
    await discardReceivedFiles(storage, files);

    // One byte more is too long, wherever the field is in the form.
    const after = multipartRequest([
      { name: "piece", filename: "a.pdf", data },
      { name: "commentaire", data: "é".repeat(512) + "x" },
    ]);
    const refusal = await refusalOf(receive(after.request, "fields", { maxFieldBytes: 1024 }));
    expect(refusal.code).toBe("request_too_large");
    expect(refusal.field).toBe("commentaire");
    await expectNothingLeft("fields");
  });

  it("turns a failing put (here a key the storage refuses) into storage_failed, with the cause kept for the logs", async () => {
    const { request } = multipartRequest([{ name: "piece", filename: "a.pdf", data: samples.pdf() }]);
    const refusal = await refusalOf(receive(request, "bad-key", { keyFor: () => "../Bad Key" }));
    expect(refusal.code).toBe("storage_failed");
    expect(refusal.message).toBe("L'envoi du fichier a échoué : réessayez dans quelques instants.");
    expect(String((refusal.cause as Error).message)).toMatch(/Invalid storage key/);
    await expectNothingLeft("bad-key");
  });

  it("discards received files for a caller whose own transaction failed, missing ones included", async () => {
    const { request } = multipartRequest([{ name: "piece", filename: "a.pdf", data: samples.pdf() }]);
    const { files } = await receive(request, "discard");
    expect(await storage.head(files[0]!.key)).not.toBeNull();
    expect(await discardReceivedFiles(storage, [...files, { key: "discard/never-stored" }])).toEqual([]);
    expect(await storage.head(files[0]!.key)).toBeNull();
  });

  it("shows pages the accepted types before upload", () => {
    expect(UPLOAD_ACCEPT.split(",")).toEqual(
      expect.arrayContaining([".pdf", ".docx", ".heic", "application/pdf", "video/mp4"]),
    );
  });
});

describe("uploads into S3 when the server stops in the middle", () => {
  // A server of this test's own (not the shared helper's), so that it can come back on the same port and folder.
  let directory: string;
  let port = 0;
  let server: S3rver | undefined;
  const bucket = "vae-dying";

  async function startServer(): Promise<void> {
    server = new S3rver({ address: "127.0.0.1", port, directory, silent: true, configureBuckets: [{ name: bucket }] });
    ({ port } = await server.run());
  }
  async function stopServer(): Promise<void> {
    const http = server?.httpServer;
    server = undefined;
    if (!http?.listening) return;
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeAllConnections(); // cuts the request in progress
    await closed;
  }
  const storageFor = () =>
    createStorage({
      kind: "s3",
      bucket,
      region: "us-east-1",
      endpoint: `http://127.0.0.1:${port}`,
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      forcePathStyle: true,
    }) as S3Storage;

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), "vae-s3rver-dying-"));
    await startServer();
  });
  afterAll(async () => {
    await stopServer();
    await rm(directory, { recursive: true, force: true });
  });

  it("refuses with storage_failed promptly, and no object is there once the server is back", {
    timeout: 30_000,
  }, async () => {
    const storage = storageFor();
    try {
      const first = samples.pdf(300_000);
      const big = samples.pdf(20 * MiB);
      // The client trickles after 9 MiB of the big file: the server dies on its first part, the client is still there.
      const headerBytes = 1000;
      const { request } = multipartRequest(
        [
          { name: "pieces", filename: "cv.pdf", data: first },
          { name: "pieces", filename: "gros.pdf", data: big },
        ],
        { stopAfter: first.length + 9 * MiB + headerBytes, then: "stall" },
      );
      let parts = 0;
      server!.httpServer!.on("request", (req) => {
        if (req.method === "PUT" && req.url?.includes("partNumber=")) {
          parts += 1;
          void stopServer();
        }
      });
      const started = Date.now();
      const refusal = await refusalOf(
        receiveUpload(request, { storage, keyFor: () => `dying/${randomUUID()}`, maxFiles: 2, maxFileBytes: 30 * MiB }),
      );
      expect(refusal.code).toBe("storage_failed");
      expect(refusal.message).toBe("L'envoi du fichier a échoué : réessayez dans quelques instants.");
      expect(refusal.status).toBe(503);
      expect(parts).toBe(1);
      expect(Date.now() - started).toBeLessThan(15_000);
      // Neither key could be cleaned up while the server was down: both are named for a later clean-up.
      expect(refusal.leftKeys).toHaveLength(2);

      await startServer();
      const back = storageFor();
      try {
        // The big file never became an object (no partial object); the first one, complete, is still there.
        expect(await keysUnder(back, "dying/")).toEqual([refusal.leftKeys[0]]);
        expect(
          await discardReceivedFiles(
            back,
            refusal.leftKeys.map((key) => ({ key })),
          ),
        ).toEqual([]);
        expect(await keysUnder(back, "dying/")).toEqual([]);
      } finally {
        back.close();
      }
    } finally {
      storage.close();
    }
  });
});
