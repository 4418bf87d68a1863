import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PDFArray, PDFDocument, type PDFRawStream, type PDFStream, decodePDFRawStream } from "pdf-lib";
import QRCode from "qrcode";
import { afterAll, describe, expect, it } from "vitest";
import { CERTIFICATE_TEMPLATES, certificateTemplateFor, renderCertificatePdf } from "./index";
import { TRICKY_NAMES, attestationData, certificateData } from "./test-fixtures";
import type { CertificateDocumentData } from "./types";

const hasPoppler = spawnSync("pdftotext", ["-v"]).error === undefined;
const workDir = mkdtempSync(path.join(tmpdir(), "certificates-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

let fileCount = 0;
function writePdf(bytes: Uint8Array): string {
  const file = path.join(workDir, `${++fileCount}.pdf`);
  writeFileSync(file, bytes);
  return file;
}

/** The text of the PDF (or of one page), whitespace collapsed so that wrapped lines read as one. */
function pdfText(bytes: Uint8Array, page?: number): string {
  const range = page === undefined ? [] : ["-f", String(page), "-l", String(page)];
  return execFileSync("pdftotext", [...range, writePdf(bytes), "-"], { encoding: "utf8" })
    .normalize("NFC")
    .replace(/\s+/g, " ");
}

/** Share of dark pixels of page 1 rendered at 50 dpi in grey levels (PGM: a short header, then one byte a pixel). */
function darkShareOfFirstPage(bytes: Uint8Array): number {
  const prefix = path.join(workDir, `page-${++fileCount}`);
  execFileSync("pdftoppm", ["-gray", "-r", "50", "-f", "1", "-l", "1", "-singlefile", writePdf(bytes), prefix]);
  const image = readFileSync(`${prefix}.pgm`);
  const header = image
    .subarray(0, 20)
    .toString("latin1")
    .match(/^P5\s+(\d+)\s+(\d+)\s+255\s/);
  expect(header).not.toBeNull();
  const [, width, height] = header!.map(Number) as [number, number, number];
  const pixels = image.subarray(header![0].length);
  expect(pixels.length).toBe(width * height);
  let dark = 0;
  for (const value of pixels) if (value < 128) dark++;
  return dark / pixels.length;
}

/** The filled squares of page 1's content: every `x y w h re` operator, as numbers. */
async function rectanglesOfFirstPage(bytes: Uint8Array): Promise<[number, number, number, number][]> {
  const doc = await PDFDocument.load(bytes);
  const contents = doc.getPage(0).node.Contents();
  const streams: PDFStream[] =
    contents instanceof PDFArray
      ? contents.asArray().map((ref) => doc.context.lookup(ref) as PDFStream)
      : contents
        ? [contents]
        : [];
  const text = streams
    .map((stream) => Buffer.from(decodePDFRawStream(stream as PDFRawStream).decode()).toString("latin1"))
    .join("\n");
  return [...text.matchAll(/(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re\b/g)].map(
    (m) => [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] as [number, number, number, number],
  );
}

describe("certificate templates registry", () => {
  it("has one template per kind, with its French label", () => {
    expect(certificateTemplateFor("full")).toBe(CERTIFICATE_TEMPLATES.full);
    expect(certificateTemplateFor("full").label).toBe("Certificat de Qualification Professionnelle");
    expect(certificateTemplateFor("blocs").label).toBe("Attestation de blocs de compétences");
    for (const [kind, template] of Object.entries(CERTIFICATE_TEMPLATES)) {
      expect(template.kind).toBe(kind);
      expect(template.version).toBeGreaterThanOrEqual(1);
    }
    expect(() => certificateTemplateFor("nope" as never)).toThrow(/No certificate template/);
  });
});

describe.runIf(hasPoppler)("certificate PDFs", () => {
  it.each(TRICKY_NAMES)("prints every field of both documents for %s", async (fullName) => {
    const attestation = attestationData({ holder: { fullName, birthDate: "1990-03-01" } });
    const certificate = certificateData({ holder: { fullName, birthDate: null } });

    const attestationText = pdfText(await renderCertificatePdf("blocs", attestation));
    for (const expected of [
      "Attestation de blocs de compétences",
      attestation.certifier.name,
      "Commercial sédentaire du secteur alimentaire",
      "CQP-CSSA",
      fullName,
      "né(e) le 1er mars 1990",
      "CSSA-2026-000042",
      "7KQ2-M9XD-4TPA-R3WB-HC",
      "https://vae.example.fr/verifier/7KQ2-M9XD-4TPA-R3WB-HC",
      "Fait à Paris, le 30 novembre 2026",
      "Hélène Lefèvre-N’Diaye",
      "B1 — Gérer la relation client et l'accueil en point de vente alimentaire",
      "acquis le 12 juin 2025",
      "C1.3 — Traiter les réclamations d’un client mécontent",
      "C2.2 — Élaborer une offre « sur mesure » et la négocier",
      "Compétences restant à évaluer pour obtenir le certificat",
      "B3 — Gérer les commandes, les stocks et l'approvisionnement",
      "C3.2 — Contrôler les livraisons et la chaîne du froid",
    ]) {
      expect(attestationText).toContain(expected);
    }
    expect(attestationText).not.toContain("DUPLICATA");

    const certificateText = pdfText(await renderCertificatePdf("full", certificate));
    for (const expected of [
      "Certificat de Qualification Professionnelle",
      fullName,
      "CSSA-2026-000043",
      "https://vae.example.fr/verifier/7KQ2-M9XD-4TPA-R3WB-HC",
      "B1 — Gérer la relation client",
      "B2 — Développer l'activité commerciale",
      "B3 — Gérer les commandes, les stocks et l'approvisionnement",
      "acquis le 20 novembre 2026",
    ]) {
      expect(certificateText).toContain(expected);
    }
    // No birth date recorded: nothing printed for it. The full certificate lists no competencies still to assess.
    expect(certificateText).not.toContain("né(e)");
    expect(certificateText).not.toContain("restant à évaluer");
  });

  it("marks a duplicate on every page with its edition and date, and keeps the original date of issue", async () => {
    const many = attestationData({
      duplicate: { edition: 2, reissuedAt: "2027-01-05T10:00:00.000Z" },
      blocsHeld: Array.from({ length: 6 }, (_, i) => ({
        code: `B${i + 1}`,
        title: `Bloc de compétences numéro ${i + 1}`,
        acquiredAt: "2026-01-01",
        competencies: Array.from({ length: 8 }, (_, j) => ({
          code: `C${i + 1}.${j + 1}`,
          title: `Compétence ${j + 1} du bloc ${i + 1}, décrite assez longuement pour occuper toute une ligne de la page`,
        })),
      })),
    });
    const bytes = await renderCertificatePdf("blocs", many);
    const doc = await PDFDocument.load(bytes);
    const pages = doc.getPageCount();
    expect(pages).toBeGreaterThan(1);
    expect(doc.getCreationDate()?.toISOString()).toBe("2027-01-05T10:00:00.000Z");
    for (let page = 1; page <= pages; page++) {
      const text = pdfText(bytes, page);
      expect(text).toContain("DUPLICATA");
      expect(text).toContain(`page ${page} / ${pages}`);
      expect(text).toContain("N° CSSA-2026-000042 — code de vérification 7KQ2-M9XD-4TPA-R3WB-HC");
    }
    const all = pdfText(bytes);
    // Every competency made it onto some page: nothing is lost at a page break.
    for (let i = 1; i <= 6; i++) for (let j = 1; j <= 8; j++) expect(all).toContain(`C${i}.${j} — Compétence ${j}`);
    expect(all).toContain("Duplicata (édition n° 2) délivré le 5 janvier 2027");
    expect(all).toContain("Fait à Paris, le 30 novembre 2026");
    // The verification block sits on the first page only.
    expect(pdfText(bytes, 1)).toContain("Vérifier l'authenticité de ce document");
    expect(pdfText(bytes, 2)).not.toContain("Vérifier l'authenticité de ce document");
  });

  it("renders a first page that is not blank", async () => {
    for (const [kind, data] of [
      ["full", certificateData()],
      ["blocs", attestationData()],
    ] as const) {
      const share = darkShareOfFirstPage(await renderCertificatePdf(kind, data));
      // Text and the QR code darken a few percent of an A4 page; a blank or an all-black page would be 0 or 1.
      expect(share).toBeGreaterThan(0.01);
      expect(share).toBeLessThan(0.3);
    }
  });
});

describe("certificate PDF bytes", () => {
  it("are identical for the same data, and differ when the data does", async () => {
    const data = attestationData({ holder: { fullName: "Nguyễn Thị Minh Khai", birthDate: null } });
    const first = await renderCertificatePdf("blocs", data);
    const second = await renderCertificatePdf("blocs", structuredClone(data));
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    const other = await renderCertificatePdf("blocs", { ...data, number: "CSSA-2026-000044" });
    expect(Buffer.from(other).equals(Buffer.from(first))).toBe(false);
    // No trailer ID (pdf-lib writes none unless asked), and the dates come from the data, not the clock.
    const doc = await PDFDocument.load(first, { updateMetadata: false });
    expect(doc.context.trailerInfo.ID).toBeUndefined();
    expect(doc.getCreationDate()?.toISOString()).toBe(data.issuedAt);
    expect(doc.getModificationDate()?.toISOString()).toBe(data.issuedAt);
    expect(doc.getProducer()).toBe("Portail VAE");
  });

  it("are the same from a fresh process, as when the issuer retries after a crash", async () => {
    const script = path.join(workDir, "render.mts");
    const out = path.join(workDir, "fresh.pdf");
    writeFileSync(
      script,
      [
        `import { writeFileSync } from "node:fs";`,
        `import { renderCertificatePdf } from ${JSON.stringify(path.join(import.meta.dirname, "index.ts"))};`,
        `import { certificateData } from ${JSON.stringify(path.join(import.meta.dirname, "test-fixtures.ts"))};`,
        `writeFileSync(${JSON.stringify(out)}, await renderCertificatePdf("full", certificateData()));`,
      ].join("\n"),
    );
    execFileSync(process.execPath, ["--import", "tsx", script], { cwd: path.join(import.meta.dirname, "../..") });
    const warm = await renderCertificatePdf("full", certificateData());
    expect(Buffer.from(warm).equals(readFileSync(out))).toBe(true);
  });

  it.each<[string, (url: string) => CertificateDocumentData]>([
    ["full", (url) => certificateData({ verificationUrl: url })],
    ["blocs", (url) => attestationData({ verificationUrl: url })],
  ])("draw the QR code of the verification URL as vector squares (%s)", async (kind, build) => {
    const url = "https://vae.example.fr/verifier/M3PA-9XKD-T4QB-R7WC-H2";
    const bytes = await renderCertificatePdf(kind as "full" | "blocs", build(url));
    const { modules } = QRCode.create(url, { errorCorrectionLevel: "M" });
    const expectedDark = modules.data.reduce((n, bit) => n + (bit ? 1 : 0), 0);

    // The QR squares are the equal-sided rectangles of one size; read the matrix back from their positions.
    const squares = (await rectanglesOfFirstPage(bytes)).filter(([, , w, h]) => w === h && w > 0 && w < 5);
    expect(squares.length).toBe(expectedDark);
    const side = squares[0]![2];
    const left = Math.min(...squares.map(([x]) => x));
    const top = Math.max(...squares.map(([, y]) => y + side));
    const drawn = new Set(
      squares.map(([x, y]) => `${Math.round((top - y - side) / side)},${Math.round((x - left) / side)}`),
    );
    for (let row = 0; row < modules.size; row++) {
      for (let column = 0; column < modules.size; column++) {
        expect(drawn.has(`${row},${column}`)).toBe(Boolean(modules.get(row, column)));
      }
    }
  });
});
