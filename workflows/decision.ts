// The award decision of a CQP: which blocs of competencies a candidate holds and whether the certification is
// awarded. Pure functions only (no I/O, no clock, no database) so that the rule can be tested exhaustively and
// replayed identically on appeal.
//
// The rule (thresholds are data from the referential's validation rule, never constants here):
//   - a competency is scored in percent, 0–100, with at most one decimal;
//   - a bloc is awarded when the mean of its competencies' scores is ≥ the bloc threshold AND every competency of
//     the bloc is ≥ the competency floor (both bounds inclusive);
//   - the certification is awarded when every bloc of the referential is held: awarded now or acquired earlier.
//
// Exact arithmetic. A decision that hinges on 69.99999999999999 vs 70 cannot be left to binary floating point
// (the mean of 85.2, 98, 64.2, 68.1, 64.2, 57.4, 52.9 is exactly 70, but summing the doubles gives 69.999…).
// So every score is represented internally as an exact rational number of TENTHS of a percent, as a pair of
// bigints { n, d } (d > 0, reduced):
//   - a score entered by an evaluator (one decimal) is { tenths, 1 } — plain integer tenths;
//   - the joint score of two evaluators may have two decimals (70.1 and 70.2 → 70.15): { 1403, 2 };
//   - the training-route score is a weighted mean (30/20/50 %): { Σ weight × tenths, 100 }, reduced.
// Publicly, such a value is an `ExactScore` ({ tenthsNumerator, denominator } as plain numbers), which `decide`
// accepts wherever it accepts a typed-in score, so derived scores flow into the bloc rule without rounding.
// Every comparison is done by cross multiplication in bigints (a/b ≥ c/d ⇔ a·d ≥ c·b), never by division.
// Rounding only happens when producing display strings.//
// The module is split by concern; import everything from here:
//   - decision-types.ts: the public types and DecisionInputError;
//   - decision-exact.ts: exact rationals, parsing, the referential's checks and the bloc rule (internal);
//   - decision-joint.ts: two evaluators (joint scores, the deliberation rule, the comparison, settled scores);
//   - this file: decide, the training-route weighted score, and the re-exports.

import {
  type Rational,
  acquiredSet,
  collectScores,
  decideParsed,
  indexReferential,
  lcm,
  parseScoreInput,
  parseThresholds,
  rational,
  toExactScore,
} from "./decision-exact";
import {
  type Decision,
  type DecisionInput,
  DecisionInputError,
  type EvaluationScore,
  type EvaluationWeight,
  type ExactScore,
} from "./decision-types";

export { formatScore, parseScore } from "./decision-exact";
export { compareEvaluations, jointScores, settleDeliberation } from "./decision-joint";
export * from "./decision-types";

// ---------------------------------------------------------------------------------------------------------------
// The decision
// ---------------------------------------------------------------------------------------------------------------

/**
 * The award decision: per bloc, awarded or not (or acquired before), and whether the certification is awarded.
 * Throws DecisionInputError on any invalid input (bad score, missing or unknown competency, unknown bloc, bad
 * threshold, malformed referential): a decision is never taken on partial or dubious data.
 */
export function decide(input: DecisionInput): Decision {
  const referential = indexReferential(input.blocs);
  const acquired = acquiredSet(referential, input.acquiredBlocCodes);
  const thresholds = parseThresholds(input.thresholds);
  const scores = collectScores(referential, acquired, input.scores);
  return decideParsed(referential, acquired, scores, thresholds);
}

// ---------------------------------------------------------------------------------------------------------------
// Training route: weighted score of a competency
// ---------------------------------------------------------------------------------------------------------------

/**
 * The training-route score of one competency: the weighted mean of its evaluations (questionnaire 30 %, tutor
 * observation 20 %, jury 50 %…), exact. Returned as an ExactScore (reduced), which `decide` accepts as is —
 * rounding it to one decimal first could flip a bloc at the boundary.
 * Weights must be integer percents, one per kind, summing to 100; each weighted kind must be evaluated exactly
 * once and no other kind may appear.
 */
export function weightedCompetencyScore(
  evaluations: ReadonlyArray<EvaluationScore>,
  weights: ReadonlyArray<EvaluationWeight>,
  competencyCode?: string,
): ExactScore {
  const weightByKind = new Map<string, bigint>();
  let total = 0;
  for (const weight of weights) {
    if (!Number.isInteger(weight.weightPercent) || weight.weightPercent < 0 || weight.weightPercent > 100) {
      throw new DecisionInputError(
        "invalid_weights",
        `La pondération de l'évaluation « ${weight.kind} » doit être un pourcentage entier entre 0 et 100.`,
        weight.kind,
      );
    }
    if (weightByKind.has(weight.kind)) {
      throw new DecisionInputError(
        "invalid_weights",
        `L'évaluation « ${weight.kind} » a plusieurs pondérations.`,
        weight.kind,
      );
    }
    weightByKind.set(weight.kind, BigInt(weight.weightPercent));
    total += weight.weightPercent;
  }
  if (total !== 100) {
    throw new DecisionInputError(
      "invalid_weights",
      `La somme des pondérations doit faire 100 % (elle fait ${total} %).`,
    );
  }

  const of = competencyCode === undefined ? "" : ` de ${competencyCode}`;
  const scoreByKind = new Map<string, Rational>();
  for (const evaluation of evaluations) {
    if (!weightByKind.has(evaluation.kind)) {
      throw new DecisionInputError(
        "unknown_evaluation_kind",
        `L'évaluation « ${evaluation.kind} »${of} n'a pas de pondération dans la règle de validation.`,
        evaluation.kind,
      );
    }
    if (scoreByKind.has(evaluation.kind)) {
      throw new DecisionInputError(
        "duplicate_evaluation",
        `L'évaluation « ${evaluation.kind} »${of} est saisie plusieurs fois.`,
        evaluation.kind,
      );
    }
    scoreByKind.set(
      evaluation.kind,
      parseScoreInput(evaluation.scorePercent, {
        label: `La note de l'évaluation « ${evaluation.kind} »${of}`,
        feminine: true,
        unit: "%",
        field: competencyCode ?? evaluation.kind,
      }),
    );
  }
  for (const kind of weightByKind.keys()) {
    if (!scoreByKind.has(kind)) {
      throw new DecisionInputError("missing_evaluation", `L'évaluation « ${kind} »${of} est manquante.`, kind);
    }
  }

  // Σ w_k · (n_k / d_k) / 100 over a common denominator, then reduced: 70/70/70 gives { 700, 1 }.
  const scores = [...scoreByKind.entries()];
  const commonDenominator = scores.reduce((acc, [, score]) => lcm(acc, score.d), 1n);
  const numerator = scores.reduce(
    (acc, [kind, score]) => acc + (weightByKind.get(kind) as bigint) * score.n * (commonDenominator / score.d),
    0n,
  );
  return toExactScore(rational(numerator, 100n * commonDenominator));
}
