// Public types of the award decision (see decision.ts for the rule and why the arithmetic is exact).
// Import them from "./decision", which re-exports everything here.

/** A score in integer tenths of a percent: 0 … 1000 (72.5 % → 725). */
export type ScoreTenths = number;

/**
 * An exact score that need not have a single decimal (joint score of two evaluators, weighted training-route
 * score): its value is `tenthsNumerator / denominator` tenths of a percent. 70.15 % is { 1403, 2 }.
 * Values produced by this module are reduced to lowest terms.
 */
export interface ExactScore {
  readonly tenthsNumerator: number;
  readonly denominator: number;
}

/** A score as accepted by the decision: typed-in (number or decimal string, "." or ",") or exact. */
export type ScoreInput = number | string | ExactScore;

export interface BlocInput {
  /** "B1" … */
  readonly code: string;
  /** The bloc's competency codes, "C1.1" … */
  readonly competencyCodes: ReadonlyArray<string>;
}

export interface DecisionThresholds {
  /** Inclusive lower bound of a bloc's mean, in percent (70). */
  readonly blocMeanPercent: number | string;
  /** Inclusive lower bound of every competency of a bloc, in percent (50). */
  readonly competencyFloorPercent: number | string;
}

export interface DecisionInput {
  /** The referential's blocs, in the referential's order. */
  readonly blocs: ReadonlyArray<BlocInput>;
  /** Score per competency code, for the competencies of the blocs being assessed only. */
  readonly scores: Readonly<Record<string, ScoreInput | null | undefined>>;
  readonly thresholds: DecisionThresholds;
  /** Blocs acquired earlier (previous session, partial validation): not assessed, but count toward the CQP. */
  readonly acquiredBlocCodes: ReadonlyArray<string>;
}

export type BlocStatus = "acquired_before" | "awarded" | "not_awarded";

export interface BlocMean {
  /**
   * Numerator of the mean, in tenths: the mean is `tenthsNumerator / denominator` tenths of a percent.
   * When every score has one decimal, this is simply the sum of the scores in tenths and `denominator === count`.
   */
  tenthsNumerator: number;
  denominator: number;
  /** Number of competencies averaged. */
  count: number;
  /**
   * French display, rounded half up to one decimal, e.g. "70,0"; a mean below the bloc threshold is truncated
   * instead when rounding would reach the threshold (69.95 → "69,9"), so the display never contradicts the
   * outcome. For display only: never compare it.
   */
  display: string;
}

export interface BlocDecision {
  code: string;
  status: BlocStatus;
  /** null for a bloc acquired before (it is not assessed). */
  mean: BlocMean | null;
  /** mean ≥ bloc threshold; false for a bloc acquired before (not assessed). */
  meanReached: boolean;
  /** Competencies scored below the floor, in the bloc's order. */
  competenciesUnderFloor: string[];
  /**
   * For a bloc not awarded: all its competency codes, since a bloc not awarded is re-assessed as a whole later
   * (competencies are not capitalised individually). Empty otherwise.
   */
  competenciesToAssess: string[];
}

export interface Decision {
  /** One entry per bloc, in the referential's order. */
  blocs: BlocDecision[];
  /** Blocs awarded by this decision, in the referential's order. */
  awardedBlocCodes: string[];
  /** Blocs acquired before or awarded now, in the referential's order. */
  heldBlocCodes: string[];
  certificationAwarded: boolean;
  /** Blocs still to obtain for the certification, in the referential's order. */
  missingBlocCodes: string[];
}

export interface EvaluationScore {
  /** "questionnaire", "tutor_observation", "jury"… */
  readonly kind: string;
  readonly scorePercent: ScoreInput;
}

export interface EvaluationWeight {
  readonly kind: string;
  /** Integer percent; the weights of a rule sum to 100. */
  readonly weightPercent: number;
}

export interface JointScoresInput {
  readonly blocs: ReadonlyArray<BlocInput>;
  /** First evaluator's scores, for the competencies of the blocs being assessed. */
  readonly scoresA: Readonly<Record<string, ScoreInput | null | undefined>>;
  /** Second evaluator's scores, same competencies. */
  readonly scoresB: Readonly<Record<string, ScoreInput | null | undefined>>;
  /** Maximum difference, in points, between the two scores of one competency before deliberation (15). */
  readonly tolerancePoints: number | string;
  readonly thresholds: DecisionThresholds;
  /** Blocs acquired earlier, not assessed; defaults to none. */
  readonly acquiredBlocCodes?: ReadonlyArray<string>;
}

export type DeliberationReason =
  | {
      kind: "over_tolerance";
      competencyCode: string;
      /** |A − B|, exact, in tenths of a point (ExactScore semantics). */
      difference: ExactScore;
    }
  | {
      /** A's own scores and B's own scores give the bloc different outcomes. */
      kind: "divergent_bloc_outcome";
      blocCode: string;
      statusA: AssessedBlocStatus;
      statusB: AssessedBlocStatus;
    }
  | {
      /**
       * A and B conclude alike on their own, but the joint scores (exact means) conclude otherwise: the joint
       * scores stand only when they confirm what both evaluators concluded. In practice both fail the bloc and
       * the means award it (A 45 and 98, B 55 and 84 → 50 and 91); the converse cannot happen, since means of
       * scores that each pass the floor and the bloc mean pass them too.
       */
      kind: "joint_outcome_differs";
      blocCode: string;
      statusA: AssessedBlocStatus;
      statusB: AssessedBlocStatus;
      statusJoint: AssessedBlocStatus;
    };

/** The outcome of a bloc that is assessed (not acquired before). */
export type AssessedBlocStatus = "awarded" | "not_awarded";

/** One competency of the comparison screen: both evaluators' scores, their gap and their exact mean. */
export interface CompetencyComparison {
  code: string;
  blocCode: string;
  a: ExactScore;
  b: ExactScore;
  /** |A − B|, exact (ExactScore semantics: tenths of a point). */
  difference: ExactScore;
  /** (A + B) / 2, exact: the joint score if no deliberation is needed. */
  joint: ExactScore;
  /** difference > tolerance (strictly). */
  overTolerance: boolean;
  /** Part of the deliberation: over tolerance, or in a bloc whose outcomes differ. */
  disputed: boolean;
}

/** One assessed bloc of the comparison screen: its outcome from A's, B's and the joint scores, and why it is disputed. */
export interface BlocComparison {
  code: string;
  statusA: AssessedBlocStatus;
  statusB: AssessedBlocStatus;
  statusJoint: AssessedBlocStatus;
  meanA: BlocMean;
  meanB: BlocMean;
  meanJoint: BlocMean;
  competenciesUnderFloorA: string[];
  competenciesUnderFloorB: string[];
  competenciesUnderFloorJoint: string[];
  /** The reasons for deliberation that concern this bloc: its competencies over tolerance, then its outcome. */
  reasons: DeliberationReason[];
}

export interface EvaluationComparison {
  /** Assessed competencies, in the referential's order (blocs acquired before are left out). */
  competencies: CompetencyComparison[];
  /** Assessed blocs, in the referential's order. */
  blocs: BlocComparison[];
  /** Same answer as `jointScores(input).kind === "deliberation"`. */
  deliberationRequired: boolean;
  /** Every reason, in the order `jointScores` gives them. */
  reasons: DeliberationReason[];
}

export type JointScoresResult =
  | {
      kind: "agreed";
      /** Exact mean (A + B) / 2 per assessed competency, in the referential's order; feed it to `decide`. */
      joint: Record<string, ExactScore>;
    }
  | {
      kind: "deliberation";
      /** Competencies over tolerance, plus every competency of a bloc whose outcome differs; referential order. */
      disputedCompetencyCodes: string[];
      reasons: DeliberationReason[];
    };

/** How a disputed competency was settled. */
export type DeliberationResolution =
  /** The two evaluators agreed on a joint score after discussion. */
  | { readonly by: "evaluators"; readonly score: ScoreInput }
  /** They did not: the president of the jury has the casting vote and sets the score. */
  | { readonly by: "president"; readonly score: ScoreInput };

export interface SettleDeliberationInput extends JointScoresInput {
  /** One resolution per disputed competency, and none for the others. */
  readonly resolutions: Readonly<Record<string, DeliberationResolution | null | undefined>>;
}

export type JointScoreOrigin = "mean" | "evaluators" | "president";

export interface SettledScores {
  /** Final joint score per assessed competency, in the referential's order; feed it to `decide`. */
  joint: Record<string, ExactScore>;
  /** Where each joint score comes from: the evaluators' mean (not disputed), their agreement, or the president. */
  origin: Record<string, JointScoreOrigin>;
}

export type DecisionErrorCode =
  | "not_a_number"
  | "out_of_range"
  | "too_many_decimals"
  | "invalid_exact_score"
  | "missing_score"
  | "unknown_competency"
  | "unknown_bloc"
  | "invalid_referential"
  | "invalid_weights"
  | "missing_evaluation"
  | "duplicate_evaluation"
  | "unknown_evaluation_kind"
  | "missing_resolution"
  | "invalid_resolution"
  | "not_disputed";

/**
 * Invalid input to the decision. `message` is French and can be shown to the user as is; `code` is for the
 * program; `field` names the offending competency, bloc or setting when there is one.
 */
export class DecisionInputError extends Error {
  override readonly name = "DecisionInputError";
  readonly code: DecisionErrorCode;
  readonly field: string | undefined;

  constructor(code: DecisionErrorCode, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}
