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
// Rounding only happens when producing display strings.

// ---------------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------------

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
  /** French display, rounded half up to one decimal, e.g. "70,0". For display only: never compare it. */
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
      kind: "divergent_bloc_outcome";
      blocCode: string;
      statusA: "awarded" | "not_awarded";
      statusB: "awarded" | "not_awarded";
    };

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

// ---------------------------------------------------------------------------------------------------------------
// Exact rationals (tenths of a percent)
// ---------------------------------------------------------------------------------------------------------------

/** n / d tenths of a percent; d > 0; reduced. */
interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

const THOUSAND = 1000n; // 100 % in tenths

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}

function rational(n: bigint, d: bigint): Rational {
  // Reducing keeps denominators small (a weighted 70/70/70 is { 700, 1 }, not { 70000, 100 }) and canonical.
  const g = gcd(n, d);
  return g === 0n || g === 1n ? { n, d } : { n: n / g, d: d / g };
}

function compare(a: Rational, b: Rational): number {
  const left = a.n * b.d;
  const right = b.n * a.d;
  return left < right ? -1 : left > right ? 1 : 0;
}

function toSafeNumber(value: bigint): number {
  // Our denominators are products of small factors (1, 2, 100, 200…), so this never fails in practice; if it
  // ever did, silently losing precision would defeat the purpose of the module, hence the hard failure.
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`Exact score component too large to be represented as a number: ${value}`);
  }
  return Number(value);
}

function toExactScore(value: Rational): ExactScore {
  return { tenthsNumerator: toSafeNumber(value.n), denominator: toSafeNumber(value.d) };
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------------------------

/** What a parsed value is, for French error messages ("La note de C1.2", feminine, in %). */
interface Subject {
  label: string;
  feminine: boolean;
  unit: "%" | "points";
  field?: string;
}

function scoreSubject(competencyCode?: string, evaluator?: string): Subject {
  const of = competencyCode === undefined ? "" : ` de ${competencyCode}`;
  const by = evaluator === undefined ? "" : ` (évaluateur ${evaluator})`;
  return { label: `La note${of}${by}`, feminine: true, unit: "%", field: competencyCode };
}

function outOfRange(subject: Subject): DecisionInputError {
  const agreed = subject.feminine ? "comprise" : "compris";
  const unit = subject.unit === "%" ? "%" : "points";
  return new DecisionInputError(
    "out_of_range",
    `${subject.label} doit être ${agreed} entre 0 et 100 ${unit}.`,
    subject.field,
  );
}

function tooManyDecimals(subject: Subject): DecisionInputError {
  return new DecisionInputError(
    "too_many_decimals",
    `${subject.label} doit avoir au plus une décimale.`,
    subject.field,
  );
}

function notANumber(subject: Subject): DecisionInputError {
  return new DecisionInputError(
    "not_a_number",
    `${subject.label} doit être un nombre, par exemple 72,5.`,
    subject.field,
  );
}

// Digits, optionally one separator ("." or the French ",") followed by digits. No exponent, no thousands
// separator: a score is typed by a person, and anything fancier is more likely a typo than intended.
const DECIMAL = /^([+-]?)(\d+)(?:[.,](\d+))?$/;

/** Parses a decimal string by hand, exactly (no float on the way), into integer tenths within 0 … 100. */
function parseDecimalTenths(text: string, subject: Subject): bigint {
  const match = DECIMAL.exec(text.trim());
  if (match === null) throw notANumber(subject);
  const sign = match[1] === "-" ? -1n : 1n;
  const integerDigits = match[2] ?? "0";
  // Trailing zeros carry no value: "70.00" is 70.0, which has one decimal.
  const fractionDigits = (match[3] ?? "").replace(/0+$/, "");
  // value = sign × integerDigits.fractionDigits = n / 10^k, i.e. n × 10 / 10^k tenths.
  const n = sign * BigInt(integerDigits + fractionDigits);
  const d = 10n ** BigInt(fractionDigits.length);
  const tenthsNumerator = n * 10n;
  // Range before decimals: "100.05" is primarily out of range.
  if (tenthsNumerator < 0n || tenthsNumerator > THOUSAND * d) throw outOfRange(subject);
  if (tenthsNumerator % d !== 0n) throw tooManyDecimals(subject);
  return tenthsNumerator / d;
}

function parseNumberTenths(value: number, subject: Subject): bigint {
  if (Number.isNaN(value)) throw notANumber(subject);
  if (!Number.isFinite(value) || value < 0 || value > 100) throw outOfRange(subject);
  // Why toString: it yields the shortest decimal that round-trips to this double, so a double written as 69.9
  // reads back "69.9" and parses to exactly 699 tenths, while 0.1 + 0.2 reads "0.30000000000000004" and is
  // rejected. No Math.round(v * 10) heuristic, whose tolerance would accept values that are not one-decimal.
  const text = value.toString();
  // Within [0, 100], exponent notation only appears for tiny non-zero values (< 1e-6): more than one decimal.
  if (text.includes("e")) throw tooManyDecimals(subject);
  return parseDecimalTenths(text, subject);
}

function parseOneDecimalTenths(value: unknown, subject: Subject): bigint {
  if (typeof value === "number") return parseNumberTenths(value, subject);
  if (typeof value === "string") return parseDecimalTenths(value, subject);
  throw notANumber(subject);
}

function isExactScoreLike(value: unknown): value is ExactScore {
  return typeof value === "object" && value !== null && "tenthsNumerator" in value && "denominator" in value;
}

/** Any accepted score → exact rational, validated within 0 … 100 %. */
function parseScoreInput(value: unknown, subject: Subject): Rational {
  if (isExactScoreLike(value)) {
    const { tenthsNumerator, denominator } = value;
    if (!Number.isSafeInteger(tenthsNumerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
      throw new DecisionInputError(
        "invalid_exact_score",
        `${subject.label} n'est pas une note exacte valide (numérateur et dénominateur entiers, dénominateur positif).`,
        subject.field,
      );
    }
    const result = rational(BigInt(tenthsNumerator), BigInt(denominator));
    if (result.n < 0n || result.n > THOUSAND * result.d) throw outOfRange(subject);
    return result;
  }
  return { n: parseOneDecimalTenths(value, subject), d: 1n };
}

/**
 * A typed-in score (number, or decimal string with "." or ",") → integer tenths, exactly.
 * Throws DecisionInputError when not a number, outside 0 … 100, or with more than one decimal.
 * `competencyCode` only serves the error message ("La note de C1.2 doit …").
 */
export function parseScore(value: number | string, competencyCode?: string): ScoreTenths {
  return Number(parseOneDecimalTenths(value, scoreSubject(competencyCode)));
}

interface ParsedThresholds {
  blocMeanTenths: bigint;
  competencyFloorTenths: bigint;
}

function parseThresholds(thresholds: DecisionThresholds): ParsedThresholds {
  return {
    blocMeanTenths: parseOneDecimalTenths(thresholds.blocMeanPercent, {
      label: "Le seuil de moyenne du bloc",
      feminine: false,
      unit: "%",
      field: "blocMeanPercent",
    }),
    competencyFloorTenths: parseOneDecimalTenths(thresholds.competencyFloorPercent, {
      label: "Le seuil minimal par compétence",
      feminine: false,
      unit: "%",
      field: "competencyFloorPercent",
    }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Referential and scores
// ---------------------------------------------------------------------------------------------------------------

interface Referential {
  blocs: ReadonlyArray<BlocInput>;
  competencyCodes: Set<string>;
}

function indexReferential(blocs: ReadonlyArray<BlocInput>): Referential {
  // A malformed referential would make "every bloc held" or "every competency scored" vacuously true; reject it
  // rather than award anything on it.
  if (blocs.length === 0) {
    throw new DecisionInputError("invalid_referential", "Le référentiel ne contient aucun bloc.");
  }
  const blocCodes = new Set<string>();
  const competencyCodes = new Set<string>();
  for (const bloc of blocs) {
    if (blocCodes.has(bloc.code)) {
      throw new DecisionInputError(
        "invalid_referential",
        `Le bloc « ${bloc.code} » apparaît plusieurs fois dans le référentiel.`,
        bloc.code,
      );
    }
    blocCodes.add(bloc.code);
    if (bloc.competencyCodes.length === 0) {
      throw new DecisionInputError(
        "invalid_referential",
        `Le bloc « ${bloc.code} » ne contient aucune compétence.`,
        bloc.code,
      );
    }
    for (const code of bloc.competencyCodes) {
      if (competencyCodes.has(code)) {
        throw new DecisionInputError(
          "invalid_referential",
          `La compétence « ${code} » apparaît plusieurs fois dans le référentiel.`,
          code,
        );
      }
      competencyCodes.add(code);
    }
  }
  return { blocs, competencyCodes };
}

function acquiredSet(referential: Referential, acquiredBlocCodes: ReadonlyArray<string>): Set<string> {
  const known = new Set(referential.blocs.map((bloc) => bloc.code));
  for (const code of acquiredBlocCodes) {
    if (!known.has(code)) {
      throw new DecisionInputError("unknown_bloc", `Le bloc « ${code} » n'existe pas dans le référentiel.`, code);
    }
  }
  return new Set(acquiredBlocCodes);
}

function assessedCompetencyCodes(referential: Referential, acquired: Set<string>): string[] {
  return referential.blocs.filter((bloc) => !acquired.has(bloc.code)).flatMap((bloc) => [...bloc.competencyCodes]);
}

function assertKnownCompetencies(referential: Referential, codes: Iterable<string>): void {
  for (const code of codes) {
    if (!referential.competencyCodes.has(code)) {
      throw new DecisionInputError(
        "unknown_competency",
        `La compétence « ${code} » n'existe pas dans le référentiel.`,
        code,
      );
    }
  }
}

/**
 * Scores of the assessed competencies, parsed. Unknown codes are rejected (a typo must not silently drop a
 * score); scores of acquired blocs are ignored, not validated, since those blocs are not assessed.
 */
function collectScores(
  referential: Referential,
  acquired: Set<string>,
  scores: Readonly<Record<string, unknown>>,
  evaluator?: string,
): Map<string, Rational> {
  assertKnownCompetencies(referential, Object.keys(scores));
  const parsed = new Map<string, Rational>();
  for (const code of assessedCompetencyCodes(referential, acquired)) {
    const subject = scoreSubject(code, evaluator);
    const value = Object.hasOwn(scores, code) ? scores[code] : undefined;
    if (value === undefined || value === null) {
      throw new DecisionInputError("missing_score", `${subject.label} est manquante.`, code);
    }
    parsed.set(code, parseScoreInput(value, subject));
  }
  return parsed;
}

// ---------------------------------------------------------------------------------------------------------------
// The decision
// ---------------------------------------------------------------------------------------------------------------

/** n / d tenths → French one-decimal display, rounded half up ("70,0"). Values are non-negative. */
function displayOneDecimal(n: bigint, d: bigint): string {
  const roundedTenths = (2n * n + d) / (2n * d);
  return `${roundedTenths / 10n},${roundedTenths % 10n}`;
}

function decideParsed(
  referential: Referential,
  acquired: Set<string>,
  scores: Map<string, Rational>,
  thresholds: ParsedThresholds,
): Decision {
  const blocs: BlocDecision[] = referential.blocs.map((bloc) => {
    if (acquired.has(bloc.code)) {
      return {
        code: bloc.code,
        status: "acquired_before",
        mean: null,
        meanReached: false,
        competenciesUnderFloor: [],
        competenciesToAssess: [],
      };
    }
    const values = bloc.competencyCodes.map((code) => scores.get(code) as Rational);
    // Mean = Σ (n_i / d_i) / count = Σ n_i·(L / d_i) / (L·count) with L the lcm of the d_i. For one-decimal
    // scores L = 1 and this is literally sumTenths / count, compared as sumTenths ≥ thresholdTenths × count.
    const commonDenominator = values.reduce((acc, value) => lcm(acc, value.d), 1n);
    const sum = values.reduce((acc, value) => acc + value.n * (commonDenominator / value.d), 0n);
    const count = BigInt(values.length);
    const denominator = commonDenominator * count;
    const meanReached = sum >= thresholds.blocMeanTenths * denominator;
    const competenciesUnderFloor = bloc.competencyCodes.filter((_code, index) => {
      const value = values[index] as Rational;
      return value.n < thresholds.competencyFloorTenths * value.d;
    });
    const awarded = meanReached && competenciesUnderFloor.length === 0;
    return {
      code: bloc.code,
      status: awarded ? "awarded" : "not_awarded",
      mean: {
        tenthsNumerator: toSafeNumber(sum),
        denominator: toSafeNumber(denominator),
        count: values.length,
        display: displayOneDecimal(sum, denominator),
      },
      meanReached,
      competenciesUnderFloor,
      competenciesToAssess: awarded ? [] : [...bloc.competencyCodes],
    };
  });
  const awardedBlocCodes = blocs.filter((bloc) => bloc.status === "awarded").map((bloc) => bloc.code);
  const heldBlocCodes = blocs.filter((bloc) => bloc.status !== "not_awarded").map((bloc) => bloc.code);
  const missingBlocCodes = blocs.filter((bloc) => bloc.status === "not_awarded").map((bloc) => bloc.code);
  return {
    blocs,
    awardedBlocCodes,
    heldBlocCodes,
    certificationAwarded: missingBlocCodes.length === 0,
    missingBlocCodes,
  };
}

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

// ---------------------------------------------------------------------------------------------------------------
// Two evaluators: joint scores and deliberation
// ---------------------------------------------------------------------------------------------------------------

interface JointAnalysis {
  referential: Referential;
  acquired: Set<string>;
  scoresA: Map<string, Rational>;
  scoresB: Map<string, Rational>;
  disputedCompetencyCodes: string[];
  reasons: DeliberationReason[];
}

function mean2(a: Rational, b: Rational): Rational {
  return rational(a.n * b.d + b.n * a.d, 2n * a.d * b.d);
}

function analyseJoint(input: JointScoresInput): JointAnalysis {
  const referential = indexReferential(input.blocs);
  const acquired = acquiredSet(referential, input.acquiredBlocCodes ?? []);
  const thresholds = parseThresholds(input.thresholds);
  const toleranceTenths = parseOneDecimalTenths(input.tolerancePoints, {
    label: "La tolérance entre évaluateurs",
    feminine: true,
    unit: "points",
    field: "tolerancePoints",
  });
  const scoresA = collectScores(referential, acquired, input.scoresA, "A");
  const scoresB = collectScores(referential, acquired, input.scoresB, "B");

  const reasons: DeliberationReason[] = [];
  const disputed = new Set<string>();
  const tolerance: Rational = { n: toleranceTenths, d: 1n };
  for (const code of assessedCompetencyCodes(referential, acquired)) {
    const a = scoresA.get(code) as Rational;
    const b = scoresB.get(code) as Rational;
    const difference =
      compare(a, b) >= 0 ? rational(a.n * b.d - b.n * a.d, a.d * b.d) : rational(b.n * a.d - a.n * b.d, a.d * b.d);
    if (compare(difference, tolerance) > 0) {
      disputed.add(code);
      reasons.push({ kind: "over_tolerance", competencyCode: code, difference: toExactScore(difference) });
    }
  }

  // Two scores within tolerance can still straddle a threshold; then the evaluators disagree on the outcome
  // itself, which only deliberation can settle, for the whole bloc (its mean involves every competency).
  const decisionA = decideParsed(referential, acquired, scoresA, thresholds);
  const decisionB = decideParsed(referential, acquired, scoresB, thresholds);
  referential.blocs.forEach((bloc, index) => {
    const statusA = decisionA.blocs[index]?.status;
    const statusB = decisionB.blocs[index]?.status;
    if (statusA === statusB || statusA === undefined || statusB === undefined) return;
    reasons.push({
      kind: "divergent_bloc_outcome",
      blocCode: bloc.code,
      statusA: statusA as "awarded" | "not_awarded",
      statusB: statusB as "awarded" | "not_awarded",
    });
    for (const code of bloc.competencyCodes) disputed.add(code);
  });

  const disputedCompetencyCodes = assessedCompetencyCodes(referential, acquired).filter((code) => disputed.has(code));
  return { referential, acquired, scoresA, scoresB, disputedCompetencyCodes, reasons };
}

/**
 * Compares the two evaluators' scores. Agreed when every competency is within tolerance and each bloc gets the
 * same outcome from either evaluator's scores alone: the joint score is then the exact mean (A + B) / 2 (which
 * may have two decimals, hence ExactScore). Otherwise deliberation is required on the disputed competencies.
 */
export function jointScores(input: JointScoresInput): JointScoresResult {
  const analysis = analyseJoint(input);
  if (analysis.disputedCompetencyCodes.length > 0) {
    return {
      kind: "deliberation",
      disputedCompetencyCodes: analysis.disputedCompetencyCodes,
      reasons: analysis.reasons,
    };
  }
  const joint = Object.fromEntries(
    assessedCompetencyCodes(analysis.referential, analysis.acquired).map((code) => [
      code,
      toExactScore(mean2(analysis.scoresA.get(code) as Rational, analysis.scoresB.get(code) as Rational)),
    ]),
  );
  return { kind: "agreed", joint };
}

/**
 * The final joint scores after deliberation. The disputed competencies are recomputed from the evaluators'
 * scores (not taken from the caller) so that a resolution can be neither forgotten nor given for a competency
 * that was not in dispute. Each disputed competency takes the score the evaluators agreed on, or else the
 * president's (casting vote); the others keep the evaluators' exact mean.
 */
export function settleDeliberation(input: SettleDeliberationInput): SettledScores {
  const analysis = analyseJoint(input);
  const disputed = new Set(analysis.disputedCompetencyCodes);
  assertKnownCompetencies(analysis.referential, Object.keys(input.resolutions));
  for (const code of Object.keys(input.resolutions)) {
    const resolution = input.resolutions[code];
    if (resolution !== undefined && resolution !== null && !disputed.has(code)) {
      throw new DecisionInputError(
        "not_disputed",
        `La compétence ${code} n'est pas en délibération : sa note commune est la moyenne des deux évaluateurs.`,
        code,
      );
    }
  }

  const joint: Array<[string, ExactScore]> = [];
  const origin: Array<[string, JointScoreOrigin]> = [];
  for (const code of assessedCompetencyCodes(analysis.referential, analysis.acquired)) {
    if (!disputed.has(code)) {
      joint.push([
        code,
        toExactScore(mean2(analysis.scoresA.get(code) as Rational, analysis.scoresB.get(code) as Rational)),
      ]);
      origin.push([code, "mean"]);
      continue;
    }
    const resolution = Object.hasOwn(input.resolutions, code) ? input.resolutions[code] : undefined;
    if (resolution === undefined || resolution === null) {
      throw new DecisionInputError(
        "missing_resolution",
        `La compétence ${code} est en délibération : indiquez la note retenue d'un commun accord par les évaluateurs ou, à défaut, celle du président du jury.`,
        code,
      );
    }
    if (resolution.by !== "evaluators" && resolution.by !== "president") {
      throw new DecisionInputError(
        "invalid_resolution",
        `La délibération sur ${code} doit être tranchée par les évaluateurs ou par le président du jury.`,
        code,
      );
    }
    const label =
      resolution.by === "president"
        ? `La note du président du jury pour ${code}`
        : `La note retenue par les évaluateurs pour ${code}`;
    joint.push([
      code,
      toExactScore(parseScoreInput(resolution.score, { label, feminine: true, unit: "%", field: code })),
    ]);
    origin.push([code, resolution.by]);
  }
  return { joint: Object.fromEntries(joint), origin: Object.fromEntries(origin) };
}

// ---------------------------------------------------------------------------------------------------------------
// Display
// ---------------------------------------------------------------------------------------------------------------

/**
 * An exact score as a decimal string in percent, French comma by default: { 1403, 2 } → "70,15", { 700, 1 } →
 * "70,0". Exact when the value has at most `maxDecimals` decimals (always the case for scores produced here with
 * the default 4), otherwise rounded half up at `maxDecimals`. For display and storage only; compare with decide.
 */
export function formatScore(score: ScoreInput, options: { separator?: "," | "."; maxDecimals?: number } = {}): string {
  const separator = options.separator ?? ",";
  const maxDecimals = Math.max(1, Math.trunc(options.maxDecimals ?? 4));
  const value = parseScoreInput(score, scoreSubject());
  // Percent = n / (10·d). Find the fewest decimals k ≥ 1 that represent it exactly.
  const percentDenominator = 10n * value.d;
  let decimals = 1;
  while (decimals < maxDecimals && (value.n * 10n ** BigInt(decimals)) % percentDenominator !== 0n) decimals++;
  const scale = 10n ** BigInt(decimals);
  const scaled = (2n * value.n * scale + percentDenominator) / (2n * percentDenominator);
  const fraction = (scaled % scale).toString().padStart(decimals, "0");
  return `${scaled / scale}${separator}${fraction}`;
}
