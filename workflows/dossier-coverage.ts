// How far a declarative dossier covers the competencies it must prove: per competency, whether the candidate has
// written its narrative (context, what they did, results) and how many pieces of evidence support it. The same
// function feeds the coverage matrix on the dossier page and the checks before submission. Pure.

export interface NarrativeParts {
  context: string;
  actions: string;
  results: string;
}

export const NARRATIVE_PARTS = ["context", "actions", "results"] as const satisfies readonly (keyof NarrativeParts)[];
export type NarrativePart = (typeof NARRATIVE_PARTS)[number];

export const NARRATIVE_PART_LABELS: Record<NarrativePart, string> = {
  context: "Contexte",
  actions: "Ce que j'ai fait",
  results: "Résultats",
};

/** Each part is bounded so that a dossier stays readable (and a form cannot fill the database). */
export const NARRATIVE_PART_MAX_LENGTH = 10_000;

/**
 * The length indicator shown beside a narrative. The thresholds are guidance, not rules: an evaluator needs enough
 * to see the competency in action; one or two lines rarely do, a few paragraphs usually do.
 */
export type NarrativeLengthLevel = "empty" | "short" | "developing" | "substantial";
export const NARRATIVE_LENGTH_THRESHOLDS = { short: 1, developing: 400, substantial: 1200 } as const;

export function narrativeLengthLevel(characters: number): NarrativeLengthLevel {
  if (characters >= NARRATIVE_LENGTH_THRESHOLDS.substantial) return "substantial";
  if (characters >= NARRATIVE_LENGTH_THRESHOLDS.developing) return "developing";
  if (characters >= NARRATIVE_LENGTH_THRESHOLDS.short) return "short";
  return "empty";
}

export const NARRATIVE_LENGTH_LABELS: Record<NarrativeLengthLevel, string> = {
  empty: "Non rédigé",
  short: "Court",
  developing: "En cours de développement",
  substantial: "Développé",
};

export interface CoverageCompetency {
  code: string;
  title: string;
  blocCode: string;
}

export interface CompetencyCoverage extends CoverageCompetency {
  /** Characters written across the three parts (trimmed). */
  narrativeLength: number;
  lengthLevel: NarrativeLengthLevel;
  /** Parts left empty; all three when nothing is written. */
  emptyParts: NarrativePart[];
  hasNarrative: boolean;
  evidenceCount: number;
}

export interface DossierCoverage {
  competencies: CompetencyCoverage[];
  /** No narrative at all: the dossier cannot be submitted like this. */
  withoutNarrative: CompetencyCoverage[];
  /** A narrative with a part left empty: shown, not blocking. */
  incompleteNarrative: CompetencyCoverage[];
  /** No evidence: submission asks the candidate to confirm. */
  withoutEvidence: CompetencyCoverage[];
  canSubmit: boolean;
  needsConfirmation: boolean;
}

export function dossierCoverage(
  competencies: CoverageCompetency[],
  narratives: ReadonlyMap<string, NarrativeParts>,
  evidence: ReadonlyArray<{ competencyCodes: readonly string[] }>,
): DossierCoverage {
  const evidenceCount = new Map<string, number>();
  for (const piece of evidence) {
    for (const code of new Set(piece.competencyCodes)) evidenceCount.set(code, (evidenceCount.get(code) ?? 0) + 1);
  }
  const rows = competencies.map((competency): CompetencyCoverage => {
    const narrative = narratives.get(competency.code);
    const emptyParts = NARRATIVE_PARTS.filter((part) => !narrative || narrative[part].trim() === "");
    const narrativeLength = narrative
      ? NARRATIVE_PARTS.reduce((sum, part) => sum + narrative[part].trim().length, 0)
      : 0;
    return {
      ...competency,
      narrativeLength,
      lengthLevel: narrativeLengthLevel(narrativeLength),
      emptyParts,
      hasNarrative: emptyParts.length < NARRATIVE_PARTS.length,
      evidenceCount: evidenceCount.get(competency.code) ?? 0,
    };
  });
  const withoutNarrative = rows.filter((r) => !r.hasNarrative);
  const withoutEvidence = rows.filter((r) => r.evidenceCount === 0);
  return {
    competencies: rows,
    withoutNarrative,
    incompleteNarrative: rows.filter((r) => r.hasNarrative && r.emptyParts.length > 0),
    withoutEvidence,
    canSubmit: rows.length > 0 && withoutNarrative.length === 0,
    needsConfirmation: withoutEvidence.length > 0,
  };
}
