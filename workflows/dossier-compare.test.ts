import { describe, expect, it } from "vitest";
import { compareDossierVersions } from "./dossier-compare";

const piece = (documentId: string, caption: string, competencyCodes: string[], criterionIds: string[] = []) => ({
  documentId,
  originalName: `${documentId}.pdf`,
  caption,
  competencyCodes,
  criterionIds,
});

describe("compareDossierVersions", () => {
  it("reports nothing between identical versions", () => {
    const version = {
      narratives: new Map([["C1.1", { context: "a", actions: "b", results: "c" }]]),
      evidence: [piece("f1", "Attestation", ["C1.1"])],
    };
    expect(compareDossierVersions(version, version).unchanged).toBe(true);
  });

  it("names the narrative parts amended, the pieces added, removed and re-described", () => {
    const before = {
      narratives: new Map([
        ["C1.1", { context: "En boutique", actions: "J'accueille", results: "" }],
        ["C1.2", { context: "x", actions: "y", results: "z" }],
      ]),
      evidence: [
        piece("f1", "Attestation", ["C1.1"]),
        piece("f2", "Photo du rayon", ["C1.2"]),
        piece("f3", "Planning", ["C2.1"]),
      ],
    };
    const after = {
      narratives: new Map([
        ["C1.1", { context: "En boutique ", actions: "J'accueille et je conseille", results: "Fidélisation" }],
        ["C1.2", { context: "x", actions: "y", results: "z" }],
        ["C2.1", { context: "", actions: "J'encaisse", results: "" }],
      ]),
      evidence: [
        piece("f1", "Attestation de l'employeur", ["C1.1"]),
        piece("f2", "Photo du rayon", ["C1.2", "C1.3"]),
        piece("f4", "Ticket", ["C2.2"]),
      ],
    };
    const changes = compareDossierVersions(before, after);
    expect(Object.fromEntries(changes.narratives)).toEqual({ "C1.1": ["actions", "results"], "C2.1": ["actions"] });
    expect(changes.added.map((e) => e.documentId)).toEqual(["f4"]);
    expect(changes.removed.map((e) => e.documentId)).toEqual(["f3"]);
    expect(changes.changed.map((c) => [c.after.documentId, c.caption, c.links])).toEqual([
      ["f1", true, false],
      ["f2", false, true],
    ]);
    expect([...changes.competencies].sort()).toEqual(["C1.1", "C1.2", "C1.3", "C2.1", "C2.2"]);
    expect(changes.unchanged).toBe(false);
  });
});
