// What changed between two versions of a dossier: after a send-back for clarification, evaluators read version N+1
// knowing exactly what the candidate amended. Evidence is matched by its file (a file is never altered, so the
// same file in both versions is the same piece). Pure.
import { NARRATIVE_PARTS, type NarrativePart, type NarrativeParts } from "./dossier-coverage";

export interface ComparableEvidence {
  documentId: string;
  originalName: string;
  caption: string;
  competencyCodes: readonly string[];
  criterionIds: readonly string[];
}

export interface ComparableVersion {
  narratives: ReadonlyMap<string, NarrativeParts>;
  evidence: readonly ComparableEvidence[];
}

export interface DossierChanges {
  /** Per competency code, the narrative parts whose text differs. */
  narratives: Map<string, NarrativePart[]>;
  added: ComparableEvidence[];
  removed: ComparableEvidence[];
  /** Same file, different caption or links. */
  changed: Array<{ before: ComparableEvidence; after: ComparableEvidence; caption: boolean; links: boolean }>;
  /** Competencies touched by any change (narrative or evidence), for the reader's overview. */
  competencies: Set<string>;
  unchanged: boolean;
}

const EMPTY: NarrativeParts = { context: "", actions: "", results: "" };
const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && new Set([...a, ...b]).size === a.length;

export function compareDossierVersions(before: ComparableVersion, after: ComparableVersion): DossierChanges {
  const narratives = new Map<string, NarrativePart[]>();
  const competencies = new Set<string>();
  for (const code of new Set([...before.narratives.keys(), ...after.narratives.keys()])) {
    const a = before.narratives.get(code) ?? EMPTY;
    const b = after.narratives.get(code) ?? EMPTY;
    const parts = NARRATIVE_PARTS.filter((part) => a[part].trim() !== b[part].trim());
    if (parts.length > 0) {
      narratives.set(code, parts);
      competencies.add(code);
    }
  }

  const beforeByFile = new Map(before.evidence.map((e) => [e.documentId, e]));
  const afterByFile = new Map(after.evidence.map((e) => [e.documentId, e]));
  const added = after.evidence.filter((e) => !beforeByFile.has(e.documentId));
  const removed = before.evidence.filter((e) => !afterByFile.has(e.documentId));
  const changed: DossierChanges["changed"] = [];
  for (const b of after.evidence) {
    const a = beforeByFile.get(b.documentId);
    if (!a) continue;
    const caption = a.caption.trim() !== b.caption.trim();
    const links = !sameSet(a.competencyCodes, b.competencyCodes) || !sameSet(a.criterionIds, b.criterionIds);
    if (caption || links) {
      changed.push({ before: a, after: b, caption, links });
      for (const code of [...a.competencyCodes, ...b.competencyCodes]) competencies.add(code);
    }
  }
  for (const e of [...added, ...removed]) for (const code of e.competencyCodes) competencies.add(code);

  return {
    narratives,
    added,
    removed,
    changed,
    competencies,
    unchanged: narratives.size === 0 && added.length === 0 && removed.length === 0 && changed.length === 0,
  };
}
