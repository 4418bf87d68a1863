// Files and multipart requests as a browser sends them, for tests of the document and dossier services.
import { tinyPdf, tinyPng } from "../../../app/services/demo-data/files";

/** A small but valid PDF (one empty page). */
export function pdfBytes(marker = "piece"): Buffer {
  return Buffer.from(tinyPdf(marker));
}

/** A 1×1 PNG. */
export function pngBytes(): Buffer {
  return Buffer.from(tinyPng());
}

/** The start of a Linux executable: what a renamed program looks like. */
export function elfBytes(): Buffer {
  return Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(4096, 1)]);
}

/** A multipart POST with text fields first, then the file, as the portal's forms send them. */
export function multipartRequest(
  fields: Record<string, string | string[]>,
  file: { name: string; bytes: Uint8Array; type?: string } | null,
  url = "http://localhost/upload",
): Request {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
  }
  if (file)
    form.append(
      "file",
      new Blob([new Uint8Array(file.bytes)], { type: file.type ?? "application/octet-stream" }),
      file.name,
    );
  return new Request(url, { method: "POST", body: form });
}
