// What the dossier exports read: a frozen version of a candidate's dossier as plain data, and a way to open the
// stored files. The loaders that fill it live with the routes; the builders here never touch the database, so they
// are tested with plain objects and in-memory files.
import type { Readable } from "node:stream";

export interface DossierExport {
  candidate: { fullName: string; email: string };
  certification: { code: string; title: string };
  /** e.g. "Référentiel 2024" */
  referentialLabel: string;
  /** The frozen version number (1, then 2 after a send-back…). */
  version: number;
  /** ISO instant of submission. */
  frozenAt: string;
  /** Short reference shown to users, e.g. "VAE-2026-3F9C2A". */
  candidacyReference: string;
  blocs: Array<{
    code: string;
    number: number;
    title: string;
    competencies: Array<{
      code: string;
      title: string;
      /** Any Unicode text, possibly long, with newlines; null when the candidate wrote nothing. */
      narrative: { context: string; actions: string; results: string } | null;
      evidenceIds: string[];
    }>;
  }>;
  evidence: EvidenceItem[];
}

export interface EvidenceItem {
  id: string;
  /** 1-based number shown as « Pièce 3 ». */
  position: number;
  originalName: string;
  mediaType: string;
  byteSize: number;
  sha256: string;
  caption: string;
  competencyCodes: string[];
  criteria: string[];
  storageKey: string;
  /** Portal path, e.g. "/fichiers/<id>". */
  downloadPath: string;
}

/** The stored file as a stream, or null when there is none (e.g. `(key) => storage.get(key).then((o) => o?.body ?? null)`). */
export type OpenObject = (storageKey: string) => Promise<Readable | null>;

/** Pieces in the order people number them. */
export function piecesInOrder(model: DossierExport): EvidenceItem[] {
  return [...model.evidence].sort((a, b) => a.position - b.position);
}

const sizeFormat = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
const integerFormat = new Intl.NumberFormat("fr-FR");

/** "812 octets", "350 ko", "1,2 Mo" (powers of 1024, as file managers show them). */
export function formatByteSize(bytes: number): string {
  if (bytes < 1024) return `${integerFormat.format(bytes)} octet${bytes > 1 ? "s" : ""}`;
  const units = ["ko", "Mo", "Go", "To"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${sizeFormat.format(value)} ${units[unit]}`;
}

/** The full address of a piece on the portal: publicUrl (with or without a trailing slash) + downloadPath. */
export function pieceUrl(publicUrl: string, downloadPath: string): string {
  const joined = `${publicUrl.replace(/\/+$/, "")}/${downloadPath.replace(/^\/+/, "")}`;
  try {
    // Percent-encodes anything outside ASCII, which a PDF link annotation cannot carry as is.
    return new URL(joined).href;
  } catch {
    return joined;
  }
}
