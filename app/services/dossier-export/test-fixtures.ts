// Shared by the tests of the dossier exports: a model, an in-memory store, and small files of each kind made on the
// spot (PDFs with pdf-lib, a PNG by hand, a JPEG kept here) so no binary fixture has to be committed.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { crc32, deflateSync } from "node:zlib";
import { PDFDocument, PDFString, StandardFonts } from "pdf-lib";
import type { DossierExport, EvidenceItem, OpenObject } from "./model";

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** A 90×40 JPEG (red at the top, "HAUT" written there, blue at the bottom), no EXIF. */
export const JPEG = Buffer.from(
  [
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZGNywtQFdBRkxO",
    "UlNSMj5aYVpQYEpRUk//2wBDAQ4ODhMREyYVFSZPNS01T09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09P",
    "T09PT09PT0//wAARCAAoAFoDASIAAhEBAxEB/8QAGQABAQEBAQEAAAAAAAAAAAAAAAMEBQYC/8QAMBAAAAYCAQEECAcAAAAAAAAA",
    "AAECAxESBAUTFCExMkEGIiVRYWJxkXN0gaGxssH/xAAaAQEAAgMBAAAAAAAAAAAAAAAAAwYBAgQF/8QAJBEAAQQBBAAHAAAAAAAA",
    "AAAAAAECExQRAwQhURIxYXGBkfH/2gAMAwEAAhEDEQA/APO2CwjYLCGoXm0asVHUZTLFq8i0omJiTgamsDk3hazlicjg5K/NExP+",
    "jLq1e1cP8dH9iHosbbOq9MU4/TYRJ640WLFQS/HE2iZ+IVE6ObW3r2qvh6OPrcAs3Yrxlvky02SlOPGmSQlPnH2+4+2dWte+PVOO",
    "UUTikGus909sT5wNWOrFwtTmP5qHldc+bKCaWSFUQdlHJkfZNS/Qa+oxT3Wm3JKU3jvlxOKcURmlaCpKjIiLuNJhVTojdvtTK4Xj",
    "C498fv0cPW4vX5RscnHDa1zE+FJqj9hs1+u1+Yy4o9k824yybriemkiIomDt294rrddl6p9/M2DZMsNsOpJZqKHFKQaSJPvkz8hk",
    "0KvV2n5Bz+Ugm1To31N452VY7jjyx8mTKLHbeNOK+t5uPGtuhz9JMSsI2CwVPQ6U3OExktYLCNgsFQzaI2CwjYLC0VCuWi1gsI2C",
    "wVBaLWCwjYLBUFotYLCNgsFQWi1gsI2CwVBaLWCwjYLBUFojYLAAsUTTwZHCwWAAiaJHCwWAAiaJHCwWAAiaJHCwWAAiaJHCwWAA",
    "iaJHH//Z",
  ].join(""),
  "base64",
);

/** The JPEG with an EXIF segment giving this orientation, in either byte order (cameras write both). */
export function jpegWithOrientation(jpeg: Uint8Array, orientation: number, littleEndian = false): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  const u16 = (value: number, at: number) =>
    littleEndian ? tiff.writeUInt16LE(value, at) : tiff.writeUInt16BE(value, at);
  const u32 = (value: number, at: number) =>
    littleEndian ? tiff.writeUInt32LE(value, at) : tiff.writeUInt32BE(value, at);
  tiff.write(littleEndian ? "II" : "MM", 0, "latin1");
  u16(42, 2);
  u32(8, 4);
  u16(1, 8);
  u16(0x0112, 10);
  u16(3, 12);
  u32(1, 14);
  u16(orientation, 18);
  u32(0, 22);
  const payload = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
}

/** An RGB PNG of the given size, a plain gradient. */
export function makePng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const at = y * (width * 3 + 1) + 1 + x * 3;
      rows[at] = Math.round((255 * x) / width);
      rows[at + 1] = 120;
      rows[at + 2] = Math.round((255 * y) / height);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A PDF of `pages` A5 pages, each saying "<label> page i". */
export async function makePdf(pages: number, label: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i += 1) {
    const page = doc.addPage([420, 595]);
    page.drawText(`${label} page ${i}`, { x: 40, y: 500, size: 18, font });
  }
  return doc.save();
}

/** A PDF whose trailer names an encryption dictionary, as a password-protected PDF does. */
export async function makeEncryptedPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([420, 595]);
  const encrypt = doc.context.obj({
    Filter: "Standard",
    V: 1,
    R: 2,
    O: PDFString.of("0123456789abcdef0123456789abcdef"),
    U: PDFString.of("0123456789abcdef0123456789abcdef"),
    P: -4,
  });
  doc.context.trailerInfo.Encrypt = doc.context.register(encrypt);
  return doc.save({ useObjectStreams: false });
}

export function evidence(
  position: number,
  overrides: Partial<EvidenceItem> & { bytes?: Uint8Array } = {},
): EvidenceItem {
  const { bytes, ...rest } = overrides;
  const id = `piece-${position}`;
  return {
    id,
    position,
    originalName: `piece-${position}.pdf`,
    mediaType: "application/pdf",
    byteSize: bytes?.length ?? 0,
    sha256: bytes ? sha256(bytes) : "0".repeat(64),
    caption: `Légende de la pièce ${position}`,
    competencyCodes: ["C1.1"],
    criteria: [],
    storageKey: `candidacies/42/evidence/${id}`,
    downloadPath: `/fichiers/${id}`,
    ...rest,
  };
}

export function sampleModel(overrides: Partial<DossierExport> = {}): DossierExport {
  return {
    candidate: { fullName: "Françoise Lœuvre-Dupré", email: "francoise@example.org" },
    certification: { code: "CQP-COMMERCIAL-SEDENTAIRE-ALIM", title: "Commercial sédentaire du secteur alimentaire" },
    referentialLabel: "Référentiel 2024",
    version: 2,
    frozenAt: "2026-11-28T09:30:00.000Z",
    candidacyReference: "VAE-2026-3F9C2A",
    blocs: [
      {
        code: "B1",
        number: 1,
        title: "Développer l'activité commerciale de l'entreprise",
        competencies: [
          {
            code: "C1.1",
            title: "Analyser le marché et la concurrence",
            narrative: {
              context: "Magasin de 12 salariés à Besançon ; rayon crèmerie, « fromages à la coupe ».",
              actions:
                "J'ai relevé les prix de trois concurrents chaque mois.\nPuis j'ai proposé une gamme « cœur de marché ».",
              results: "Chiffre d'affaires du rayon : +8 % sur l'année.",
            },
            evidenceIds: ["piece-1"],
          },
          { code: "C1.2", title: "Prospecter de nouveaux clients", narrative: null, evidenceIds: [] },
        ],
      },
    ],
    evidence: [],
    ...overrides,
  };
}

/** Files by storage key; records what was opened and how many bodies were open at once. */
export function memoryStore(
  files: Map<string, Uint8Array>,
  options: { chunkSize?: number; failKeys?: Set<string> } = {},
) {
  const state = { opened: [] as string[], open: 0, maxOpen: 0, destroyed: 0 };
  const openObject: OpenObject = async (key) => {
    state.opened.push(key);
    const bytes = files.get(key);
    if (!bytes) return null;
    const chunkSize = options.chunkSize ?? 16 * 1024;
    let offset = 0;
    const failing = options.failKeys?.has(key) ?? false;
    state.open += 1;
    state.maxOpen = Math.max(state.maxOpen, state.open);
    let closed = false;
    const close = () => {
      if (!closed) {
        closed = true;
        state.open -= 1;
      }
    };
    const body = new Readable({
      read() {
        if (failing && offset > 0) {
          this.destroy(new Error("connection reset"));
          return;
        }
        if (offset >= bytes.length) {
          this.push(null);
          return;
        }
        this.push(Buffer.from(bytes.subarray(offset, offset + chunkSize)));
        offset += chunkSize;
      },
      destroy(error, callback) {
        if (offset < bytes.length) state.destroyed += 1;
        close();
        callback(error);
      },
    });
    body.once("end", close);
    return body;
  };
  return { openObject, state };
}
