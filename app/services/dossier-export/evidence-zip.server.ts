// Every piece of a frozen version in one ZIP, streamed: each stored file is opened only when the previous one has
// been read through, and flows into the archive as the client downloads it, so neither the portal's memory nor the
// number of open storage connections grows with the dossier. See docs/decisions/008.
import { createHash } from "node:crypto";
import { type Readable, Transform, type TransformCallback, pipeline } from "node:stream";
import { finished } from "node:stream/promises";
import { ZipFile } from "yazl";
import { CSV_BOM, csvLine } from "../../utils/csv";
import { safeFileName } from "../storage/content-disposition";
import { type DossierExport, type EvidenceItem, type OpenObject, piecesInOrder } from "./model";

export const INDEX_FILE_NAME = "index.csv";

// Most file systems cap a name at 255 bytes; unzip tools fail on longer ones instead of shortening them.
const MAX_ENTRY_NAME_BYTES = 240;

// Formats that are compressed already: deflating them again costs CPU for nothing.
const STORED_AS_IS =
  /^(image\/(jpeg|png|webp|heic|heif|gif|avif)|video\/|audio\/|application\/(zip|gzip|x-7z-compressed|vnd\.openxmlformats|vnd\.oasis\.opendocument))/i;

/**
 * A Node.js Readable of the ZIP (in a Remix loader: `new Response(Readable.toWeb(stream) as ReadableStream, …)` or
 * `createReadableStreamFromReadable`). Entries are "Pièce 01 - <original name>" in position order, then index.csv.
 * Names are stored in UTF-8 with the language-encoding flag set; ZIP64 is used when an entry or the archive passes
 * 4 GiB. A piece with no stored object is left out and said so in the index; a storage error in the middle of a
 * file destroys the stream with that error, so the download fails visibly instead of ending as a truncated archive.
 * Destroying the returned stream (the client went away) stops the reading of the current piece.
 */
export function streamEvidenceZip(model: DossierExport, openObject: OpenObject): Readable {
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  const mtime = entryDate(model.frozenAt);
  const pieces = piecesInOrder(model);
  const names = entryNames(pieces);

  // The piece being read: its stored body and the hasher it flows through.
  let current: [Readable, Transform] | null = null;
  let stopped = false;
  output.once("close", () => {
    stopped = true;
    for (const stream of current ?? []) stream.destroy();
  });
  zip.on("error", (error: Error) => output.destroy(error));

  void (async () => {
    const rows: IndexRow[] = [];
    for (const piece of pieces) {
      if (stopped) return;
      const name = names.get(piece)!;
      const body = await openObject(piece.storageKey);
      if (stopped) {
        body?.destroy();
        return;
      }
      if (body === null) {
        rows.push({
          piece,
          name: "",
          status: "absente : le fichier est introuvable dans l'espace de stockage du portail",
        });
        continue;
      }
      const hasher = new Sha256PassThrough();
      current = [body, hasher];
      // pipeline, not pipe: a storage failure or a body closed early mid-file destroys the hasher with an error,
      // which `finished` below then reports.
      pipeline(body, hasher, () => {});
      zip.addReadStream(hasher, name, {
        mtime,
        compress: !STORED_AS_IS.test(piece.mediaType),
      });
      // The next piece is opened only once this one has been read to its end (or failed, which rejects here).
      await finished(hasher);
      current = null;
      const digest = hasher.digest();
      rows.push({
        piece,
        name,
        status:
          digest === piece.sha256.toLowerCase()
            ? "incluse"
            : `incluse, mais son empreinte SHA-256 (${digest}) diffère de celle enregistrée au dépôt`,
      });
    }
    zip.addBuffer(indexCsv(rows), INDEX_FILE_NAME, { mtime, compress: true });
    zip.end();
  })().catch((error: unknown) => {
    for (const stream of current ?? []) stream.destroy();
    output.destroy(error instanceof Error ? error : new Error(String(error)));
  });

  return output;
}

/** Hashes what goes through, so the index can say whether the file is still the one submitted. */
class Sha256PassThrough extends Transform {
  private readonly hash = createHash("sha256");
  private result: string | null = null;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.result = this.hash.digest("hex");
    callback();
  }

  digest(): string {
    return this.result ?? "";
  }
}

function entryDate(iso: string): Date {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? new Date() : date;
}

/**
 * "Pièce 01 - attestation.pdf": numbers padded to the widest so names sort in order, the person's name made safe
 * (no path separators, no control or bidi characters, see safeFileName), cut to fit in 240 UTF-8 bytes with its
 * extension kept, and made unique regardless of case (Windows and macOS would merge "A.pdf" and "a.pdf").
 */
export function entryNames(pieces: EvidenceItem[]): Map<EvidenceItem, string> {
  const width = Math.max(2, ...pieces.map((piece) => String(piece.position).length));
  const taken = new Set<string>([INDEX_FILE_NAME]);
  const names = new Map<EvidenceItem, string>();
  for (const piece of pieces) {
    const base = `Pièce ${String(piece.position).padStart(width, "0")} - ${safeFileName(piece.originalName)}`;
    let name = fitBytes(base, MAX_ENTRY_NAME_BYTES);
    for (let n = 2; taken.has(name.toLowerCase()); n += 1) {
      const { stem, extension } = splitExtension(base);
      name = fitBytes(`${stem} (${n})${extension}`, MAX_ENTRY_NAME_BYTES);
    }
    taken.add(name.toLowerCase());
    names.set(piece, name);
  }
  return names;
}

function splitExtension(name: string): { stem: string; extension: string } {
  const dot = name.lastIndexOf(".");
  return dot > 0 && name.length - dot <= 16
    ? { stem: name.slice(0, dot), extension: name.slice(dot) }
    : { stem: name, extension: "" };
}

const utf8Length = (text: string) => Buffer.byteLength(text, "utf8");

function fitBytes(name: string, maxBytes: number): string {
  if (utf8Length(name) <= maxBytes) return name;
  const { stem, extension } = splitExtension(name);
  const chars = Array.from(stem);
  while (chars.length > 0 && utf8Length(chars.join("") + extension) > maxBytes) chars.pop();
  return chars.join("").trimEnd() + extension;
}

interface IndexRow {
  piece: EvidenceItem;
  /** Entry name in the archive, "" when the piece is not in it. */
  name: string;
  status: string;
}

const INDEX_COLUMNS = [
  "Pièce",
  "Fichier dans l'archive",
  "Nom d'origine",
  "Légende",
  "Compétences",
  "Critères",
  "Type",
  "Taille (octets)",
  "SHA-256 enregistré",
  "État",
];

/**
 * The index as CSV the way French spreadsheets open it without an import dialog: UTF-8 with a BOM, ";" between
 * fields, CRLF line ends, every field quoted.
 */
export function indexCsv(rows: IndexRow[]): Buffer {
  const lines = [
    INDEX_COLUMNS,
    ...rows.map(({ piece, name, status }) => [
      String(piece.position),
      name,
      piece.originalName,
      piece.caption,
      piece.competencyCodes.join(", "),
      piece.criteria.join(" ; "),
      piece.mediaType,
      String(piece.byteSize),
      piece.sha256,
      status,
    ]),
  ].map(csvLine);
  return Buffer.from(`${CSV_BOM}${lines.join("")}`, "utf8");
}
