// The view of a filed version's body, built once per version (docs/decisions/035): what a reader sees after a
// send-back (the changes, the previous text of the changed parts only), the pieces per competency, and a key that
// changes with anything the body shows.
import { describe, expect, it } from "vitest";
import type { EvidenceRow } from "../../db/queries/dossiers";
import { compareDossierVersions } from "../../workflows/dossier-compare";
import { type NarrativeParts, dossierCoverage } from "../../workflows/dossier-coverage";
import type { DossierScope, VersionContent } from "./dossiers.server";
import { filedDossierBodyView, filedVersionKey } from "./filed-dossier-view.server";

const competency = (code: string, statement: string) => ({
  code,
  statement,
  blocCode: "B1",
  activities: [],
  criteria: [],
});
const competencies = [competency("C1.1", "Exécuter la stratégie"), competency("C1.2", "Sourcer des clients")];
const scope: DossierScope = {
  referentialVersion: "2024",
  blocs: [{ code: "B1", number: 1, title: "Développer l'activité", competencies }],
  competencies,
};

const piece = (n: number, codes: string[], caption = `Pièce ${n}`): EvidenceRow => ({
  id: `e${n}`,
  caption,
  position: n,
  createdAt: new Date("2026-11-01T09:00:00Z"),
  documentId: `d${n}`,
  storageKey: `k${n}`,
  originalName: `piece-${n}.pdf`,
  mediaType: "application/pdf",
  byteSize: 12_700,
  sha256: String(n).repeat(64).slice(0, 64),
  competencyCodes: codes,
  criterionIds: [],
});

function version(id: string, number: number, narratives: Record<string, NarrativeParts>, evidence: EvidenceRow[]) {
  const map = new Map(Object.entries(narratives));
  const at = new Date("2026-11-02T10:00:00Z");
  return {
    version: { id, version: number, createdAt: at, updatedAt: at, frozenAt: at, frozenBy: "u" },
    narratives: map,
    evidence,
    coverage: dossierCoverage(
      competencies.map((c) => ({ code: c.code, title: c.statement, blocCode: c.blocCode })),
      map,
      evidence,
    ),
  } satisfies VersionContent;
}

const first = version("v1", 1, { "C1.1": { context: "Au rayon.", actions: "J'ai vendu.", results: "" } }, [
  piece(1, ["C1.1"]),
  piece(2, ["C1.1", "C1.2"]),
]);
const second = version("v2", 2, { "C1.1": { context: "Au rayon fromagerie.", actions: "J'ai vendu.", results: "" } }, [
  piece(2, ["C1.1", "C1.2"], "Légende revue"),
  piece(3, ["C1.2"]),
]);

describe("filedDossierBodyView", () => {
  it("shows a send-back's changes, and the previous text of the changed parts only", () => {
    const changes = compareDossierVersions(first, second);
    const view = filedDossierBodyView({ scope, content: second, previous: first, changes });
    expect(view.previousVersion).toBe(1);
    expect(view.changes!.map((c) => c.text)).toEqual([
      "Récit de C1.1 modifié : Contexte",
      "Pièce ajoutée : piece-3.pdf",
      "Pièce retirée : piece-1.pdf",
      "Légende ou compétences modifiées : piece-2.pdf",
    ]);
    const [c11, c12] = view.blocs[0]!.competencies;
    expect(c11!.modified).toBe(true);
    expect(c11!.narrative).toEqual([
      { part: "context", text: "Au rayon fromagerie.", previousText: "Au rayon." },
      { part: "actions", text: "J'ai vendu." },
      { part: "results", text: "" },
    ]);
    expect(c12!.narrative).toBeNull();
    expect(c11!.pieces).toEqual([1]);
    expect(c12!.pieces).toEqual([1, 2]);
    expect(view.evidence.map((e) => [e.originalName, e.size, e.competencies])).toEqual([
      ["piece-2.pdf", "12,4 Ko", "C1.1, C1.2"],
      ["piece-3.pdf", "12,4 Ko", "C1.2"],
    ]);
  });

  it("keys a first version's body by the version, its predecessor and the blocs", () => {
    const filed = { scope, content: first, previous: null, changes: null };
    expect(filedDossierBodyView(filed).changes).toBeNull();
    const keys = new Set([
      filedVersionKey(filed),
      filedVersionKey({ ...filed, content: second }),
      filedVersionKey({ ...filed, content: second, previous: first }),
      filedVersionKey({ ...filed, scope: { ...scope, blocs: [] } }),
    ]);
    expect(keys.size).toBe(4);
  });
});
