// The Content-Disposition header of a stored file, built from the name a person gave it (RFC 6266): an ASCII
// `filename="…"` fallback for old clients and `filename*=UTF-8''…` (RFC 5987) with the real name. Shared by the S3
// presigned URLs and the route that streams local files.

// C0 and C1 controls, DEL, and the invisible characters that reorder or hide text: bidi marks, embeddings,
// overrides and isolates (U+202E makes "fdp.exe" display as "exe.pdf"), zero-width characters and the BOM.
const INVISIBLE =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/gu;
const MAX_NAME_LENGTH = 200;
const DEFAULT_NAME = "fichier";

/**
 * The file name as it will be offered: invisible and control characters removed, path separators and Windows'
 * reserved characters replaced by "_", surrounding spaces and dots trimmed, at most 200 characters (the extension
 * kept), "fichier" when nothing is left.
 */
export function safeFileName(fileName: string): string {
  let name = String(fileName)
    .normalize("NFC")
    .replace(INVISIBLE, "")
    .replace(/[/\\:*?"<>|]/g, "_")
    .replace(/\s+/gu, " ")
    .replace(/^[\s.]+|[\s.]+$/gu, "");
  const chars = Array.from(name);
  if (chars.length > MAX_NAME_LENGTH) {
    const dot = name.lastIndexOf(".");
    const extension = dot > 0 && name.length - dot <= 16 ? Array.from(name.slice(dot)) : [];
    name =
      chars
        .slice(0, MAX_NAME_LENGTH - extension.length)
        .join("")
        .trimEnd() + extension.join("");
  }
  return name === "" ? DEFAULT_NAME : name;
}

/** The name restricted to printable ASCII: accents dropped (é → e), anything else, quotes, "%" and ";" → "_". */
function asciiFallback(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^\x20-\x7e]|["%;\\]/g, "_");
}

// RFC 5987 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~".
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `inline; filename="Releve de notes.pdf"; filename*=UTF-8''Rel%C3%A8ve%20de%20notes.pdf` (or `attachment; …`).
 * The result is plain ASCII and safe to put in an HTTP header whatever the name holds.
 */
export function contentDisposition(fileName: string, inline: boolean): string {
  const name = safeFileName(fileName);
  return `${inline ? "inline" : "attachment"}; filename="${asciiFallback(name)}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}
