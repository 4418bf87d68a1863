// The name a person gave their file, made safe to keep and show: it is data (stored in the database, shown in pages
// and in Content-Disposition), never part of a storage key or a path.

// C0 controls, DEL and C1 controls; the bidirectional marks, embeddings, overrides and isolates (U+202E shows
// "facture\u202Efdp.exe" as "factureexe.pdf"); the line and paragraph separators; the byte order mark.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/gu;
const MAX_LENGTH = 200;
// Longer "extensions" are rather the end of a name with a dot in it.
const MAX_EXTENSION_LENGTH = 16;
export const FALLBACK_FILE_NAME = "document";

/**
 * The name in Unicode NFC, without any path part ("../../etc/passwd" → "passwd", "C:\\Users\\x\\a.pdf" → "a.pdf"),
 * without control or bidirectional formatting characters, trimmed, at most 200 characters (the extension kept when
 * the name is cut), and "document" when nothing is left.
 */
export function cleanFileName(name: string): string {
  const cleaned = String(name ?? "")
    .normalize("NFC")
    .replace(UNSAFE, "");
  const base = (cleaned.split(/[/\\]/).pop() ?? "").trim();
  if (base === "" || base === "." || base === "..") return FALLBACK_FILE_NAME;
  return truncateKeepingExtension(base, MAX_LENGTH);
}

function truncateKeepingExtension(name: string, max: number): string {
  // Code points, not UTF-16 units: a cut never splits a surrogate pair.
  const chars = Array.from(name);
  if (chars.length <= max) return name;
  const dot = chars.lastIndexOf(".");
  const extension = dot > 0 && chars.length - dot - 1 <= MAX_EXTENSION_LENGTH ? chars.slice(dot) : [];
  const stem = chars
    .slice(0, max - extension.length)
    .join("")
    .trimEnd();
  return stem + extension.join("");
}
