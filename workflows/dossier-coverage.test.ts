import { describe, expect, it } from "vitest";
import { dossierCoverage, narrativeLengthLevel } from "./dossier-coverage";

const competencies = [
  { code: "C1.1", title: "Accueillir", blocCode: "B1" },
  { code: "C1.2", title: "Conseiller", blocCode: "B1" },
  { code: "C2.1", title: "Encaisser", blocCode: "B2" },
];

const narrative = (context: string, actions: string, results: string) => ({ context, actions, results });

describe("dossierCoverage", () => {
  it("counts narratives and evidence per competency; one file counts for each competency it supports", () => {
    const coverage = dossierCoverage(
      competencies,
      new Map([
        ["C1.1", narrative("En boutique", "J'accueille", "Clients fidèles")],
        ["C1.2", narrative("", "Je conseille", "")],
      ]),
      [{ competencyCodes: ["C1.1", "C1.2"] }, { competencyCodes: ["C1.1"] }],
    );
    expect(coverage.competencies.map((c) => [c.code, c.hasNarrative, c.evidenceCount])).toEqual([
      ["C1.1", true, 2],
      ["C1.2", true, 1],
      ["C2.1", false, 0],
    ]);
    expect(coverage.withoutNarrative.map((c) => c.code)).toEqual(["C2.1"]);
    expect(coverage.incompleteNarrative.map((c) => [c.code, c.emptyParts])).toEqual([["C1.2", ["context", "results"]]]);
    expect(coverage.withoutEvidence.map((c) => c.code)).toEqual(["C2.1"]);
    expect(coverage.canSubmit).toBe(false);
    expect(coverage.needsConfirmation).toBe(true);
  });

  it("allows submission once every competency has a narrative, asking confirmation when one has no evidence", () => {
    const all = new Map(competencies.map((c) => [c.code, narrative("a", "b", "c")]));
    const partial = dossierCoverage(competencies, all, [{ competencyCodes: ["C1.1", "C1.2"] }]);
    expect(partial).toMatchObject({ canSubmit: true, needsConfirmation: true });
    const full = dossierCoverage(competencies, all, [{ competencyCodes: ["C1.1", "C1.2", "C2.1"] }]);
    expect(full).toMatchObject({ canSubmit: true, needsConfirmation: false });
  });

  it("treats blank text as nothing written, and a file listed twice for a competency as one", () => {
    const coverage = dossierCoverage(competencies.slice(0, 1), new Map([["C1.1", narrative("  ", "\n", " ")]]), [
      { competencyCodes: ["C1.1", "C1.1"] },
    ]);
    expect(coverage.competencies[0]).toMatchObject({
      hasNarrative: false,
      narrativeLength: 0,
      lengthLevel: "empty",
      evidenceCount: 1,
    });
  });

  it("never lets an empty scope through", () => {
    expect(dossierCoverage([], new Map(), []).canSubmit).toBe(false);
  });
});

describe("narrativeLengthLevel", () => {
  it("grades the length", () => {
    expect([0, 1, 399, 400, 1199, 1200].map(narrativeLengthLevel)).toEqual([
      "empty",
      "short",
      "short",
      "developing",
      "developing",
      "substantial",
    ]);
  });
});
