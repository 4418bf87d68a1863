// A process that starts two uploads and never finishes them, for a test to kill -9 mid-write: a put into the local
// folder (STORAGE_ROOT) whose body keeps coming, and an upload of a LibreOffice XLSX that spools (SPOOL_DIR) while its
// request's body keeps coming. It prints "writing" once both have written bytes, then waits to be killed.
import { randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import { Readable } from "node:stream";
import { createStorage } from "../../../app/services/storage";
import { receiveUpload } from "../../../app/services/uploads/receive-upload.server";
import * as samples from "../../fixtures/files/samples";

const root = process.env.STORAGE_ROOT!;
const spoolDirectory = process.env.SPOOL_DIR!;
const storage = createStorage({ kind: "local", root });
const CHUNK = 64 * 1024;

// A put whose client sends a chunk every 50 ms, for ever.
const endless = new Readable({
  read() {
    setTimeout(() => this.push(randomBytes(CHUNK)), 50);
  },
});
void storage.put("candidacies/crash/files/0123456789abcdef", endless, { contentType: "application/pdf" });

// A form whose XLSX (its type known only at its end) arrives in part, then nothing more: the upload spools it.
const boundary = "----VaeCrashBoundary";
const xlsx = samples.xlsx({ order: "libreoffice", mediaBytes: 400_000 });
const head = Buffer.concat([
  Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="heures.xlsx"\r\n\r\n`),
  xlsx.subarray(0, 3 * CHUNK),
]);
let sent = false;
const body = new ReadableStream<Uint8Array>({
  pull(controller) {
    if (sent) return new Promise<void>(() => undefined);
    controller.enqueue(new Uint8Array(head));
    sent = true;
  },
});
const request = new Request("http://localhost/upload", {
  method: "POST",
  body,
  duplex: "half",
  headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
} as RequestInit);
void receiveUpload(request, { storage, keyFor: () => "candidacies/crash/files/fedcba9876543210", spoolDirectory });

const hasFiles = async (folder: string, pattern: RegExp): Promise<boolean> =>
  (await readdir(folder, { recursive: true }).catch(() => [] as string[])).some((name) => pattern.test(String(name)));
const poll = setInterval(async () => {
  if ((await hasFiles(root, /~[0-9a-f]{16}\.tmp$/)) && (await hasFiles(spoolDirectory, /^vae-upload-.*\.part$/))) {
    clearInterval(poll);
    process.stdout.write("writing\n");
  }
}, 50);
