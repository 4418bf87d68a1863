// What the minutes PDF prints: plain data, filled by the minutes service from the database once both evaluators
// have signed, so that the renderer is tested with plain objects.

export interface MinutesCompetency {
  code: string;
  statement: string;
  /** Scores in percent as French display strings ("72,5"). */
  scoreA: string;
  scoreB: string;
  joint: string;
  /** "mean" (the two evaluators' mean), "evaluators" (agreed in deliberation) or "president" (casting vote). */
  origin: "mean" | "evaluators" | "president";
}

export interface MinutesBloc {
  code: string;
  number: number;
  title: string;
  status: "awarded" | "not_awarded" | "acquired_before";
  /** "70,0"; empty for a bloc acquired before. */
  meanDisplay: string;
  /** French sentences explaining the decision (mean vs threshold, competencies under the floor). */
  explanation: string[];
  /** The pair's recommendations to the candidate; only for a bloc not awarded. */
  recommendation: string | null;
  competencies: MinutesCompetency[];
}

export interface MinutesSignature {
  slot: "A" | "B";
  fullName: string;
  email: string;
  /** ISO instant. */
  signedAt: string;
  president: boolean;
}

export interface MinutesModel {
  candidacyReference: string;
  candidate: { fullName: string };
  certification: { code: string; title: string };
  referentialLabel: string;
  session: { startsAt: string; modeLabel: string; location: string } | null;
  /** "agreed": the joint scores stood; "deliberation": the pair deliberated. */
  route: "agreed" | "deliberation";
  /** French: "CQP obtenu", "Validation partielle", "Aucun bloc obtenu". */
  resultLabel: string;
  thresholds: { blocMeanPercent: string; competencyFloorPercent: string; tolerancePoints: string };
  blocs: MinutesBloc[];
  signatures: MinutesSignature[];
}
