// Internals of the award decision: exact rationals in tenths of a percent, parsing of typed-in scores and
// thresholds, the referential's checks, and the bloc rule on parsed scores. Not part of the public API: the
// exported names serve decision.ts and decision-joint.ts only (parseScore and formatScore are re-exported there).

import {
  type BlocDecision,
  type BlocInput,
  type Decision,
  type DecisionThresholds,
  DecisionInputError,
  type ExactScore,
  type ScoreInput,
  type ScoreTenths,
} from "./decision-types";

// ---------------------------------------------------------------------------------------------------------------
// Exact rationals (tenths of a percent)
// ---------------------------------------------------------------------------------------------------------------

/** n / d tenths of a percent; d > 0; reduced. */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

const THOUSAND = 1000n; // 100 % in tenths

export function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}

export function rational(n: bigint, d: bigint): Rational {
  // Reducing keeps denominators small (a weighted 70/70/70 is { 700, 1 }, not { 70000, 100 }) and canonical.
  const g = gcd(n, d);
  return g === 0n || g === 1n ? { n, d } : { n: n / g, d: d / g };
}

export function compare(a: Rational, b: Rational): number {
  const left = a.n * b.d;
  const right = b.n * a.d;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function toSafeNumber(value: bigint): number {
  // Our denominators are products of small factors (1, 2, 100, 200…), so this never fails in practice; if it
  // ever did, silently losing precision would defeat the purpose of the module, hence the hard failure.
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`Exact score component too large to be represented as a number: ${value}`);
  }
  return Number(value);
}

export function toExactScore(value: Rational): ExactScore {
  return { tenthsNumerator: toSafeNumber(value.n), denominator: toSafeNumber(value.d) };
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------------------------

/** What a parsed value is, for French error messages ("La note de C1.2", feminine, in %). */
export interface Subject {
  label: string;
  feminine: boolean;
  unit: "%" | "points";
  field?: string;
}

export function scoreSubject(competencyCode?: string, evaluator?: string): Subject {
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

export function parseOneDecimalTenths(value: unknown, subject: Subject): bigint {
  if (typeof value === "number") return parseNumberTenths(value, subject);
  if (typeof value === "string") return parseDecimalTenths(value, subject);
  throw notANumber(subject);
}

function isExactScoreLike(value: unknown): value is ExactScore {
  return typeof value === "object" && value !== null && "tenthsNumerator" in value && "denominator" in value;
}

/** Any accepted score → exact rational, validated within 0 … 100 %. */
export function parseScoreInput(value: unknown, subject: Subject): Rational {
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

export interface ParsedThresholds {
  blocMeanTenths: bigint;
  competencyFloorTenths: bigint;
}

export function parseThresholds(thresholds: DecisionThresholds): ParsedThresholds {
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

export interface Referential {
  blocs: ReadonlyArray<BlocInput>;
  competencyCodes: Set<string>;
}

export function indexReferential(blocs: ReadonlyArray<BlocInput>): Referential {
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

export function acquiredSet(referential: Referential, acquiredBlocCodes: ReadonlyArray<string>): Set<string> {
  const known = new Set(referential.blocs.map((bloc) => bloc.code));
  for (const code of acquiredBlocCodes) {
    if (!known.has(code)) {
      throw new DecisionInputError("unknown_bloc", `Le bloc « ${code} » n'existe pas dans le référentiel.`, code);
    }
  }
  return new Set(acquiredBlocCodes);
}

export function assessedCompetencyCodes(referential: Referential, acquired: Set<string>): string[] {
  return referential.blocs.filter((bloc) => !acquired.has(bloc.code)).flatMap((bloc) => [...bloc.competencyCodes]);
}

export function assertKnownCompetencies(referential: Referential, codes: Iterable<string>): void {
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
export function collectScores(
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

/**
 * n / d tenths → French one-decimal display, rounded half up ("70,0"), except that a value below `belowTenths`
 * is truncated when rounding would carry it up to that bound: a mean of 69.95 shows "69,9", never "70,0" beside
 * "non obtenu" (a person reading "70,0 % alors qu'il faut au moins 70 %" would rightly think it a mistake).
 * Values are non-negative.
 */
export function displayOneDecimal(n: bigint, d: bigint, belowTenths?: bigint): string {
  let roundedTenths = (2n * n + d) / (2n * d);
  if (belowTenths !== undefined && n < belowTenths * d && roundedTenths >= belowTenths) roundedTenths = n / d;
  return `${roundedTenths / 10n},${roundedTenths % 10n}`;
}

export function decideParsed(
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
        display: displayOneDecimal(sum, denominator, thresholds.blocMeanTenths),
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
