// Two evaluators: joint scores, the deliberation rule, the comparison screen and the settled scores.
// The rule (domain owner's, see ../shared/design/domain.md "The two evaluators"): the joint scores (exact means of
// A and B) stand only when they confirm what both evaluators concluded. Deliberation is required when any
// competency's two scores differ by more than the tolerance, OR when, for any bloc, the outcomes of A's own
// scores, of B's own scores and of the joint scores are not all the same.

import {
  type ParsedThresholds,
  type Rational,
  type Referential,
  acquiredSet,
  assertKnownCompetencies,
  assessedCompetencyCodes,
  collectScores,
  compare,
  decideParsed,
  indexReferential,
  parseOneDecimalTenths,
  parseScoreInput,
  parseThresholds,
  rational,
  toExactScore,
} from "./decision-exact";
import {
  type AssessedBlocStatus,
  type BlocComparison,
  type BlocDecision,
  type CompetencyComparison,
  type Decision,
  DecisionInputError,
  type DeliberationReason,
  type EvaluationComparison,
  type ExactScore,
  type JointScoreOrigin,
  type JointScoresInput,
  type JointScoresResult,
  type SettleDeliberationInput,
  type SettledScores,
} from "./decision-types";

interface CompetencyGap {
  code: string;
  blocCode: string;
  a: Rational;
  b: Rational;
  difference: Rational;
  joint: Rational;
  overTolerance: boolean;
}

interface BlocOutcomes {
  code: string;
  /** Index in the referential's blocs (and in each Decision's blocs). */
  index: number;
  statusA: AssessedBlocStatus;
  statusB: AssessedBlocStatus;
  statusJoint: AssessedBlocStatus;
  /** The bloc-level reason, when its three outcomes are not all the same. */
  reason: DeliberationReason | null;
}

interface JointAnalysis {
  referential: Referential;
  acquired: Set<string>;
  scoresA: Map<string, Rational>;
  scoresB: Map<string, Rational>;
  joint: Map<string, Rational>;
  gaps: CompetencyGap[];
  decisionA: Decision;
  decisionB: Decision;
  decisionJoint: Decision;
  blocs: BlocOutcomes[];
  disputedCompetencyCodes: string[];
  reasons: DeliberationReason[];
}

function mean2(a: Rational, b: Rational): Rational {
  return rational(a.n * b.d + b.n * a.d, 2n * a.d * b.d);
}

function absoluteDifference(a: Rational, b: Rational): Rational {
  return compare(a, b) >= 0 ? rational(a.n * b.d - b.n * a.d, a.d * b.d) : rational(b.n * a.d - a.n * b.d, a.d * b.d);
}

function assessedStatus(bloc: BlocDecision | undefined): AssessedBlocStatus {
  // Only called for assessed blocs, whose status is never "acquired_before".
  return bloc?.status === "awarded" ? "awarded" : "not_awarded";
}

function analyseJoint(input: JointScoresInput): JointAnalysis {
  const referential = indexReferential(input.blocs);
  const acquired = acquiredSet(referential, input.acquiredBlocCodes ?? []);
  const thresholds: ParsedThresholds = parseThresholds(input.thresholds);
  const toleranceTenths = parseOneDecimalTenths(input.tolerancePoints, {
    label: "La tolérance entre évaluateurs",
    feminine: true,
    unit: "points",
    field: "tolerancePoints",
  });
  const scoresA = collectScores(referential, acquired, input.scoresA, "A");
  const scoresB = collectScores(referential, acquired, input.scoresB, "B");
  const assessed = assessedCompetencyCodes(referential, acquired);

  const reasons: DeliberationReason[] = [];
  const disputed = new Set<string>();
  const tolerance: Rational = { n: toleranceTenths, d: 1n };
  const joint = new Map<string, Rational>();
  const gaps: CompetencyGap[] = [];
  for (const bloc of referential.blocs) {
    if (acquired.has(bloc.code)) continue;
    for (const code of bloc.competencyCodes) {
      const a = scoresA.get(code) as Rational;
      const b = scoresB.get(code) as Rational;
      const difference = absoluteDifference(a, b);
      const overTolerance = compare(difference, tolerance) > 0;
      const mean = mean2(a, b);
      joint.set(code, mean);
      gaps.push({ code, blocCode: bloc.code, a, b, difference, joint: mean, overTolerance });
      if (overTolerance) {
        disputed.add(code);
        reasons.push({ kind: "over_tolerance", competencyCode: code, difference: toExactScore(difference) });
      }
    }
  }

  // Scores within tolerance can still lead to different outcomes: A and B straddle a threshold (they disagree on
  // the outcome itself), or both fail on their own while their means award (the means would decide something
  // neither evaluator concluded). Only deliberation settles either, for the whole bloc: its mean involves every
  // competency.
  const decisionA = decideParsed(referential, acquired, scoresA, thresholds);
  const decisionB = decideParsed(referential, acquired, scoresB, thresholds);
  const decisionJoint = decideParsed(referential, acquired, joint, thresholds);
  const blocs: BlocOutcomes[] = [];
  referential.blocs.forEach((bloc, index) => {
    if (acquired.has(bloc.code)) return;
    const statusA = assessedStatus(decisionA.blocs[index]);
    const statusB = assessedStatus(decisionB.blocs[index]);
    const statusJoint = assessedStatus(decisionJoint.blocs[index]);
    let reason: DeliberationReason | null = null;
    if (statusA !== statusB) {
      reason = { kind: "divergent_bloc_outcome", blocCode: bloc.code, statusA, statusB };
    } else if (statusJoint !== statusA) {
      reason = { kind: "joint_outcome_differs", blocCode: bloc.code, statusA, statusB, statusJoint };
    }
    if (reason !== null) {
      reasons.push(reason);
      for (const code of bloc.competencyCodes) disputed.add(code);
    }
    blocs.push({ code: bloc.code, index, statusA, statusB, statusJoint, reason });
  });

  const disputedCompetencyCodes = assessed.filter((code) => disputed.has(code));
  return {
    referential,
    acquired,
    scoresA,
    scoresB,
    joint,
    gaps,
    decisionA,
    decisionB,
    decisionJoint,
    blocs,
    disputedCompetencyCodes,
    reasons,
  };
}

/**
 * Compares the two evaluators' scores. Agreed when every competency is within tolerance and each bloc gets the
 * same outcome from A's scores alone, from B's scores alone and from the joint scores: the joint score is then
 * the exact mean (A + B) / 2 (which may have two decimals, hence ExactScore). Otherwise deliberation is required
 * on the disputed competencies: those over tolerance, and every competency of a bloc whose outcomes differ.
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
  const joint = Object.fromEntries(analysis.gaps.map((gap) => [gap.code, toExactScore(gap.joint)]));
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
      joint.push([code, toExactScore(analysis.joint.get(code) as Rational)]);
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
/**
 * The comparison screen, once both evaluators have submitted: per assessed competency A, B, their difference and
 * their exact mean (flagged when over tolerance or disputed); per assessed bloc its outcome from A's, B's and the
 * joint scores, the three means, the competencies under the floor in each, and the reasons for deliberation that
 * concern it. Validates its input exactly as `jointScores` does and always agrees with it.
 */
export function compareEvaluations(input: JointScoresInput): EvaluationComparison {
  const analysis = analyseJoint(input);
  const disputed = new Set(analysis.disputedCompetencyCodes);
  const competencies: CompetencyComparison[] = analysis.gaps.map((gap) => ({
    code: gap.code,
    blocCode: gap.blocCode,
    a: toExactScore(gap.a),
    b: toExactScore(gap.b),
    difference: toExactScore(gap.difference),
    joint: toExactScore(gap.joint),
    overTolerance: gap.overTolerance,
    disputed: disputed.has(gap.code),
  }));
  const blocs: BlocComparison[] = analysis.blocs.map((outcomes) => {
    const a = analysis.decisionA.blocs[outcomes.index] as BlocDecision;
    const b = analysis.decisionB.blocs[outcomes.index] as BlocDecision;
    const joint = analysis.decisionJoint.blocs[outcomes.index] as BlocDecision;
    const competencyCodes = new Set(
      analysis.gaps.filter((gap) => gap.blocCode === outcomes.code).map((gap) => gap.code),
    );
    const reasons: DeliberationReason[] = analysis.reasons.filter(
      (reason) => reason.kind === "over_tolerance" && competencyCodes.has(reason.competencyCode),
    );
    if (outcomes.reason !== null) reasons.push(outcomes.reason);
    return {
      code: outcomes.code,
      statusA: outcomes.statusA,
      statusB: outcomes.statusB,
      statusJoint: outcomes.statusJoint,
      // Assessed blocs always have a mean.
      meanA: a.mean as NonNullable<BlocDecision["mean"]>,
      meanB: b.mean as NonNullable<BlocDecision["mean"]>,
      meanJoint: joint.mean as NonNullable<BlocDecision["mean"]>,
      competenciesUnderFloorA: a.competenciesUnderFloor,
      competenciesUnderFloorB: b.competenciesUnderFloor,
      competenciesUnderFloorJoint: joint.competenciesUnderFloor,
      reasons,
    };
  });
  return {
    competencies,
    blocs,
    deliberationRequired: analysis.disputedCompetencyCodes.length > 0,
    reasons: analysis.reasons,
  };
}
