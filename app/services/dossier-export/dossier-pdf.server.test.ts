import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFString, degrees } from "pdf-lib";
import { afterAll, describe, expect, it } from "vitest";
import { buildDossierPdf, jpegOrientation, orientationMatrix } from "./dossier-pdf.server";
import type { DossierExport, EvidenceItem } from "./model";
import {
  JPEG,
  evidence,
  jpegWithOrientation,
  makeEncryptedPdf,
  makePdf,
  makePng,
  memoryStore,
  sampleModel,
} from "./test-fixtures";

const PUBLIC_URL = "https://vae.example.fr/";

// Text checks need poppler's pdftotext (apt-get install poppler-utils); without it only the structure is checked.
const hasPdftotext = spawnSync("pdftotext", ["-v"]).error === undefined;
const workDir = mkdtempSync(path.join(tmpdir(), "dossier-pdf-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

let fileCount = 0;
/** The text of the whole document, or of page `page` (from 1), as pdftotext reads it. */
function pdfText(bytes: Uint8Array, page?: number): string {
  fileCount += 1;
  const file = path.join(workDir, `${fileCount}.pdf`);
  writeFileSync(file, bytes);
  const range = page === undefined ? [] : ["-f", String(page), "-l", String(page)];
  return execFileSync("pdftotext", [...range, file, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
}

async function build(
  model: DossierExport,
  files: Map<string, Uint8Array>,
  options: { maxAppendedBytes?: number } = {},
) {
  const store = memoryStore(files);
  const bytes = await buildDossierPdf(model, store.openObject, { publicUrl: PUBLIC_URL, ...options });
  const doc = await PDFDocument.load(bytes);
  return { bytes, doc, pages: doc.getPages(), state: store.state };
}

/** Pieces with their stored bytes (none: not in the store). */
function withFiles(items: Array<[EvidenceItem, Uint8Array | null]>) {
  const files = new Map<string, Uint8Array>();
  for (const [item, bytes] of items) if (bytes) files.set(item.storageKey, bytes);
  return { evidence: items.map(([item]) => item), files };
}

/** Every URI of a link annotation, page by page. */
function linkTargets(doc: PDFDocument): string[] {
  const uris: string[] = [];
  for (const page of doc.getPages()) {
    const annots = page.node.lookupMaybe(PDFName.of("Annots"), PDFArray);
    for (let i = 0; i < (annots?.size() ?? 0); i += 1) {
      const action = annots!.lookup(i, PDFDict).lookupMaybe(PDFName.of("A"), PDFDict);
      const uri = action?.lookupMaybe(PDFName.of("URI"), PDFString);
      if (uri) uris.push(uri.decodeText());
    }
  }
  return uris;
}

const size = (page: { getSize(): { width: number; height: number } }) => {
  const { width, height } = page.getSize();
  return { width: Math.round(width), height: Math.round(height) };
};

describe("buildDossierPdf", () => {
  it("puts the cover, the narrative, the index, then every page of each appended piece, reading one file at a time", async () => {
    const pdf = await makePdf(3, "Attestation");
    const png = makePng(300, 200);
    const photo = jpegWithOrientation(JPEG, 6);
    const webp = Buffer.from("RIFF\0\0\0\0WEBPVP8 ");
    const { evidence: items, files } = withFiles([
      [evidence(1, { bytes: pdf, originalName: "attestation-employeur.pdf" }), pdf],
      [evidence(2, { bytes: png, originalName: "graphique.png", mediaType: "image/png" }), png],
      [evidence(3, { bytes: photo, originalName: "rayon.jpg", mediaType: "image/jpeg" }), photo],
      [evidence(4, { bytes: webp, originalName: "vitrine.webp", mediaType: "image/webp" }), webp],
    ]);

    const { bytes, doc, pages, state } = await build(sampleModel({ evidence: items }), files);

    // Cover, one page of narrative, one of index, then 3 + 1 + 1 appended pages; the WebP is only linked.
    expect(pages).toHaveLength(8);
    expect(pages.slice(0, 3).map(size)).toEqual(Array(3).fill({ width: 595, height: 842 }));
    expect(pages.slice(3, 6).map(size)).toEqual(Array(3).fill({ width: 420, height: 595 }));
    // A wide picture gets a landscape page; a photo stored sideways (EXIF 6) is shown upright, on a portrait page.
    expect(size(pages[6]!)).toEqual({ width: 842, height: 595 });
    expect(size(pages[7]!)).toEqual({ width: 595, height: 842 });
    expect(doc.getTitle()).toBe("Dossier de validation VAE – Françoise Lœuvre-Dupré – Version 2");

    expect(state.maxOpen).toBe(1);
    expect(state.opened).toEqual(items.slice(0, 3).map((item) => item.storageKey));
    expect(linkTargets(doc)).toContain("https://vae.example.fr/fichiers/piece-4");

    if (hasPdftotext) {
      const cover = pdfText(bytes, 1);
      for (const expected of [
        "Dossier de validation",
        "CQP Commercial sédentaire du secteur alimentaire",
        "Référentiel 2024",
        "Françoise Lœuvre-Dupré",
        "VAE-2026-3F9C2A",
        "Version 2",
        "28 novembre 2026",
        "4 pièces",
        "page 1 / 8",
      ]) {
        expect(cover).toContain(expected);
      }
      // The summary's numbers are the pages where each part starts.
      expect(cover).toMatch(
        /Bloc 1 – Développer l'activité commerciale de l'entreprise 2 Index des pièces justificatives 3 Pièces annexées 4/,
      );
      const narrative = pdfText(bytes, 2);
      for (const expected of [
        "C1.1 – Analyser le marché et la concurrence",
        "Contexte",
        "rayon crèmerie, « fromages à la coupe ».",
        "Ce que j'ai fait",
        "gamme « cœur de marché ».",
        "Résultats",
        "Pièce 1 : attestation-employeur.pdf – Légende de la pièce 1",
        "C1.2 – Prospecter de nouveaux clients Aucun récit rédigé",
      ]) {
        expect(narrative).toContain(expected);
      }
      const index = pdfText(bytes, 3);
      expect(index).toContain("Pièce 1 – attestation-employeur.pdf");
      expect(index).toContain("Annexée, pages 4 à 6");
      expect(index).toContain("Annexée, page 7");
      expect(index).toContain("Annexée, page 8");
      expect(index).toContain(`SHA-256 : ${items[0]!.sha256}`);
      expect(index).toContain("Non annexée (format WebP non intégrable au PDF)");
      expect(index).toContain("https://vae.example.fr/fichiers/piece-4");
      expect(pdfText(bytes, 4)).toContain("Attestation page 1");
      expect(pdfText(bytes, 4)).toContain("VAE-2026-3F9C2A · Version 2 · Pièce 1, page 1/3");
      expect(pdfText(bytes, 6)).toContain("Attestation page 3");
      expect(pdfText(bytes, 7)).toContain("Pièce 2 – graphique.png");
      expect(pdfText(bytes, 8)).toContain("page 8 / 8");
    }
  });

  it("spreads a narrative of 30 000 characters over several pages, wrapped within the margins", async () => {
    const paragraph =
      "J'ai accueilli chaque client du rayon traiteur, conseillé les accords mets-vins et tenu la caisse. ";
    const long = Array.from({ length: 10 }, (_, i) => `Paragraphe ${i + 1}. ${paragraph.repeat(30)}`).join("\n");
    expect(long.length).toBeGreaterThan(29_000);
    const model = sampleModel();
    const base = await build(model, new Map());
    model.blocs[0]!.competencies[0]!.narrative = { context: long, actions: "Fin des actions.", results: "Fin." };

    const { bytes, pages } = await build(model, new Map());

    expect(pages.length - base.pages.length).toBeGreaterThanOrEqual(5);
    if (hasPdftotext) {
      // Footers read as part of the text where a sentence crosses a page.
      const text = pdfText(bytes).replace(/ VAE-2026-3F9C2A · Version 2 page \d+ \/ \d+/g, "");
      expect(text).toContain("Paragraphe 10. J'ai accueilli");
      expect(text).toContain("Fin des actions.");
      // No word cut or lost at a line or page break.
      expect(text.match(/conseillé les accords mets-vins/g)).toHaveLength(300);
    }
  });

  it("draws any Unicode a person may type: emoji and scripts the font lacks are replaced, never fatal", async () => {
    const text = "Emoji 😀👍🏽 👨‍👩‍👧 — Кириллица — العربية — עברית — 中文 — Ελληνικά — ✓ ★ → ≥ \u0000\u202E\uD800 fin";
    const model = sampleModel({
      candidate: { fullName: "Ивана Кузнецова 🌟", email: "ivana@example.org" },
      evidence: [evidence(1, { originalName: "فاتورة 🧾.webp", mediaType: "image/webp", caption: text })],
    });
    model.blocs[0]!.title = text;
    model.blocs[0]!.competencies[0]!.narrative = { context: text, actions: text.repeat(20), results: text };

    const { bytes, pages } = await build(model, new Map());

    expect(pages.length).toBeGreaterThanOrEqual(3);
    if (hasPdftotext) {
      const all = pdfText(bytes);
      expect(all).toContain("Ивана Кузнецова");
      expect(all).toContain("Кириллица");
      expect(all).toContain("Ελληνικά");
      expect(all).toContain("\ufffd");
      expect(all).not.toContain("中文");
    }
  });

  it("puts a notice page, with the piece's name and link, for an encrypted, a corrupt, and a missing PDF", async () => {
    const encrypted = await makeEncryptedPdf();
    const corrupt = Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nce fichier est tronqué");
    const good = await makePdf(2, "Bulletin");
    const { evidence: items, files } = withFiles([
      [evidence(1, { bytes: encrypted, originalName: "bulletin protégé.pdf" }), encrypted],
      [evidence(2, { bytes: corrupt, originalName: "scan abîmé.pdf" }), corrupt],
      [evidence(3, { originalName: "perdu.pdf", byteSize: 1000 }), null],
      [evidence(4, { bytes: good, originalName: "bulletin.pdf" }), good],
    ]);

    const { bytes, doc, pages } = await build(sampleModel({ evidence: items }), files);

    // Cover, narrative, index, three notice pages, then the two pages of the good PDF.
    expect(pages).toHaveLength(3 + 3 + 2);
    expect(pages.slice(3, 6).map(size)).toEqual(Array(3).fill({ width: 595, height: 842 }));
    expect(pages.slice(6).map(size)).toEqual(Array(2).fill({ width: 420, height: 595 }));
    const links = linkTargets(doc);
    for (const n of [1, 2, 3]) {
      // On the notice page and in the index.
      expect(links.filter((uri) => uri === `https://vae.example.fr/fichiers/piece-${n}`)).toHaveLength(2);
    }
    if (hasPdftotext) {
      const [encryptedPage, corruptPage, missingPage] = [4, 5, 6].map((page) => pdfText(bytes, page));
      expect(encryptedPage).toContain("Pièce 1 – bulletin protégé.pdf");
      expect(encryptedPage).toContain("Cette pièce n'a pas pu être ajoutée à ce document");
      expect(encryptedPage).toContain("protégé (chiffré ou par un mot de passe)");
      expect(encryptedPage).toContain("https://vae.example.fr/fichiers/piece-1");
      expect(corruptPage).toContain("Pièce 2 – scan abîmé.pdf");
      expect(corruptPage).toContain("illisible ou endommagé");
      expect(missingPage).toContain("introuvable dans l'espace de stockage");
      expect(pdfText(bytes, 3)).toContain("voir la page 4 et le portail");
      expect(pdfText(bytes, 7)).toContain("Bulletin page 1");
    }
  });

  it("links a piece too large to append without reading it", async () => {
    const pdf = await makePdf(1, "Gros");
    const { evidence: items, files } = withFiles([[evidence(1, { bytes: pdf }), pdf]]);

    const { pages, doc, state } = await build(sampleModel({ evidence: items }), files, {
      maxAppendedBytes: pdf.length - 1,
    });

    expect(pages).toHaveLength(3);
    expect(state.opened).toEqual([]);
    expect(linkTargets(doc)).toEqual(["https://vae.example.fr/fichiers/piece-1"]);
  });

  it("appends rotated and odd-sized pages as they are, with the footer along their shown bottom edge", async () => {
    const source = await PDFDocument.create();
    source.addPage([300, 200]).setRotation(degrees(90));
    source.addPage([1200, 1600]).setRotation(degrees(270));
    const pdf = await source.save();
    const { evidence: items, files } = withFiles([[evidence(1, { bytes: pdf }), pdf]]);

    const { bytes, pages } = await build(sampleModel({ evidence: items }), files);

    expect(pages).toHaveLength(5);
    expect(pages[3]!.getRotation().angle).toBe(90);
    expect(pages[4]!.getRotation().angle).toBe(270);
    if (hasPdftotext) {
      expect(pdfText(bytes, 4)).toContain("page 4 / 5");
      expect(pdfText(bytes, 5)).toContain("Pièce 1, page 2/2");
    }
  });

  it("copes with an empty dossier", async () => {
    const { pages, bytes } = await build(sampleModel({ blocs: [], evidence: [] }), new Map());
    expect(pages).toHaveLength(3);
    if (hasPdftotext) {
      expect(pdfText(bytes)).toContain("Aucune pièce justificative n'a été déposée");
      expect(pdfText(bytes, 1)).toContain("Aucune");
    }
  });
});

describe("jpegOrientation", () => {
  it("reads the EXIF orientation in either byte order, and 1 when there is none or the data is broken", () => {
    expect(jpegOrientation(JPEG)).toBe(1);
    for (const orientation of [1, 3, 6, 8]) {
      expect(jpegOrientation(jpegWithOrientation(JPEG, orientation, true))).toBe(orientation);
      expect(jpegOrientation(jpegWithOrientation(JPEG, orientation, false))).toBe(orientation);
    }
    expect(jpegOrientation(jpegWithOrientation(JPEG, 6).subarray(0, 30))).toBe(1);
    expect(jpegOrientation(Buffer.from("not a jpeg"))).toBe(1);
    expect(jpegOrientation(new Uint8Array(0))).toBe(1);
  });
});

describe("orientationMatrix", () => {
  const apply = ([a, b, c, d, e, f]: number[], u: number, v: number) => [a! * u + c! * v + e!, b! * u + d! * v + f!];
  // Where the stored picture's top-left corner (u 0, v 1) must be shown, in a box at (10, 20) of 100 × 50.
  const topLeftShownAt: Record<number, [number, number]> = {
    1: [10, 70],
    2: [110, 70],
    3: [110, 20],
    4: [10, 20],
    5: [10, 70],
    6: [110, 70],
    7: [110, 20],
    8: [10, 20],
  };

  it("maps the picture onto the box, its stored top-left corner where the camera meant it", () => {
    for (let orientation = 1; orientation <= 8; orientation += 1) {
      const matrix = orientationMatrix(orientation, 10, 20, 100, 50);
      const corners = [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ].map(([u, v]) => apply(matrix, u!, v!).join(","));
      expect(new Set(corners)).toEqual(new Set(["10,20", "110,20", "10,70", "110,70"]));
      expect(apply(matrix, 0, 1)).toEqual(topLeftShownAt[orientation]);
    }
  });
});
