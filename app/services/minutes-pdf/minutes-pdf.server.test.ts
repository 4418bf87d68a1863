import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import { afterAll, describe, expect, it } from "vitest";
import { buildMinutesPdf } from "./minutes-pdf.server";
import type { MinutesModel } from "./model";

const hasPdftotext = spawnSync("pdftotext", ["-v"]).error === undefined;
const workDir = mkdtempSync(path.join(tmpdir(), "minutes-pdf-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function pdfText(bytes: Uint8Array): string {
  const file = path.join(workDir, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync("pdftotext", [file, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
}

const model: MinutesModel = {
  candidacyReference: "VAE-2026-3F9C2A10",
  candidate: { fullName: "Inès Œuvray-Dupré" },
  certification: { code: "CQP-CSSA", title: "Commercial sédentaire du secteur alimentaire" },
  referentialLabel: "Référentiel 2024",
  session: { startsAt: "2026-03-10T09:00:00.000Z", modeLabel: "en présentiel", location: "Salle 2, Rungis" },
  route: "deliberation",
  resultLabel: "Validation partielle",
  thresholds: { blocMeanPercent: "70", competencyFloorPercent: "50", tolerancePoints: "15" },
  blocs: [
    {
      code: "B1",
      number: 1,
      title: "Gérer la relation client",
      status: "awarded",
      meanDisplay: "75,0",
      explanation: ["Moyenne de 75,0 % (au moins 70 %) et toutes les compétences à 50 % ou plus : bloc validé."],
      recommendation: null,
      competencies: [
        {
          code: "C1.1",
          statement: "Accueillir le client",
          scoreA: "70,0",
          scoreB: "80,0",
          joint: "75",
          origin: "mean",
        },
      ],
    },
    {
      code: "B2",
      number: 2,
      title: "Développer l'activité",
      status: "not_awarded",
      meanDisplay: "45,0",
      explanation: ["C2.1 est sous le plancher de 50 %."],
      recommendation: "Renforcer la prospection « terrain » ; revenir avec des devis signés.",
      competencies: [
        { code: "C2.1", statement: "Prospecter", scoreA: "30,0", scoreB: "60,0", joint: "45", origin: "president" },
      ],
    },
  ],
  signatures: [
    { slot: "B", fullName: "Bruno B", email: "b@exemple.fr", signedAt: "2026-03-11T10:00:00.000Z", president: false },
    { slot: "A", fullName: "Alice A", email: "a@exemple.fr", signedAt: "2026-03-11T09:00:00.000Z", president: true },
  ],
};

describe("minutes PDF", () => {
  it("prints the scores, decisions, recommendations and both signatures, identically for the same minutes", async () => {
    const bytes = await buildMinutesPdf(model);
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(1);
    expect(doc.getTitle()).toContain("VAE-2026-3F9C2A10");
    expect(Buffer.from(await buildMinutesPdf(model)).equals(Buffer.from(bytes))).toBe(true);
    if (!hasPdftotext) return;
    const text = pdfText(bytes);
    expect(text).toContain("Procès-verbal d'évaluation");
    expect(text).toContain("Inès Œuvray-Dupré");
    expect(text).toContain("Bloc non validé — moyenne 45,0 %");
    expect(text).toContain("voix du président");
    expect(text).toContain("Renforcer la prospection « terrain »");
    expect(text).toContain("30,0");
    expect(text).toMatch(/Évaluateur A \(président\) : Alice A .* signé le 11 mars 2026 à 10:00/);
    expect(text).toContain("Évaluateur B : Bruno B");
  });
});
