import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DecisionInputError,
  decide,
  formatScore,
  jointScores,
  parseScore,
  settleDeliberation,
  weightedCompetencyScore,
  type BlocInput,
  type DecisionErrorCode,
  type DecisionInput,
  type ExactScore,
} from "./decision";

// ---------------------------------------------------------------------------------------------------------------
// Fixtures and helpers
// ---------------------------------------------------------------------------------------------------------------

const THRESHOLDS = { blocMeanPercent: 70, competencyFloorPercent: 50 };
const WEIGHTS = [
  { kind: "questionnaire", weightPercent: 30 },
  { kind: "tutor_observation", weightPercent: 20 },
  { kind: "jury", weightPercent: 50 },
];

const BLOCS: BlocInput[] = [
  { code: "B1", competencyCodes: ["C1.1", "C1.2", "C1.3"] },
  { code: "B2", competencyCodes: ["C2.1", "C2.2"] },
  { code: "B3", competencyCodes: ["C3.1", "C3.2"] },
];

const ALL_PASS = { "C1.1": 80, "C1.2": 75, "C1.3": 70, "C2.1": 90, "C2.2": 60, "C3.1": 70, "C3.2": 70 };

function input(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return { blocs: BLOCS, scores: ALL_PASS, thresholds: THRESHOLDS, acquiredBlocCodes: [], ...overrides };
}

/** A single-bloc referential B1 = C1 … Cn with the given scores. */
function singleBloc(scores: Array<number | string | ExactScore>): DecisionInput {
  const codes = scores.map((_, index) => `C${index + 1}`);
  return {
    blocs: [{ code: "B1", competencyCodes: codes }],
    scores: Object.fromEntries(codes.map((code, index) => [code, scores[index]!])),
    thresholds: THRESHOLDS,
    acquiredBlocCodes: [],
  };
}

function expectFrench(message: string): void {
  expect(message).toMatch(/^(La|Le|Les|L'|L’) ?/);
  expect(message).toMatch(/[éèêàçô]| doit | est /);
  expect(message).not.toMatch(/\b(must|should|missing|invalid|unknown|score)\b/i);
}

function expectDecisionError(run: () => unknown, code: DecisionErrorCode): DecisionInputError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DecisionInputError);
  const error = caught as DecisionInputError;
  expect(error.code).toBe(code);
  expectFrench(error.message);
  return error;
}

function blocStatus(decisionInput: DecisionInput, code = "B1") {
  return decide(decisionInput).blocs.find((bloc) => bloc.code === code)!.status;
}

// ---------------------------------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------------------------------

describe("parseScore", () => {
  it("converts numbers and decimal strings to exact integer tenths", () => {
    expect(parseScore(70)).toBe(700);
    expect(parseScore(69.9)).toBe(699);
    expect(parseScore("70")).toBe(700);
    expect(parseScore("70.0")).toBe(700);
    expect(parseScore("69,9")).toBe(699);
    expect(parseScore(" 72,5 ")).toBe(725);
    expect(parseScore("70.00")).toBe(700);
    expect(parseScore(0)).toBe(0);
    expect(parseScore("100")).toBe(1000);
    expect(parseScore(0.1)).toBe(1);
  });

  it("rejects out of range values with a French message naming the competency", () => {
    const error = expectDecisionError(() => parseScore(101, "C1.2"), "out_of_range");
    expect(error.message).toBe("La note de C1.2 doit être comprise entre 0 et 100 %.");
    expect(error.field).toBe("C1.2");
    expectDecisionError(() => parseScore(-1, "C1.2"), "out_of_range");
    expectDecisionError(() => parseScore("100,1"), "out_of_range");
    expectDecisionError(() => parseScore(Infinity), "out_of_range");
  });

  it("rejects more than one decimal, including float artefacts", () => {
    const error = expectDecisionError(() => parseScore(70.25, "C1.2"), "too_many_decimals");
    expect(error.message).toBe("La note de C1.2 doit avoir au plus une décimale.");
    expectDecisionError(() => parseScore(69.95), "too_many_decimals");
    expectDecisionError(() => parseScore("69,95"), "too_many_decimals");
    expectDecisionError(() => parseScore(0.1 + 0.2), "too_many_decimals");
    expectDecisionError(() => parseScore(1e-7), "too_many_decimals");
  });

  it("rejects what is not a number", () => {
    expectDecisionError(() => parseScore("abc", "C1.2"), "not_a_number");
    expectDecisionError(() => parseScore(Number.NaN, "C1.2"), "not_a_number");
    expectDecisionError(() => parseScore(""), "not_a_number");
    expectDecisionError(() => parseScore("7e1"), "not_a_number");
    expectDecisionError(() => parseScore("70,"), "not_a_number");
    expectDecisionError(() => parseScore("1 000"), "not_a_number");
  });
});

describe("decide: bloc rule", () => {
  it("awards a bloc whose mean is exactly the threshold (70.0) and not one at 69.9", () => {
    expect(blocStatus(singleBloc([70, 70]))).toBe("awarded");
    expect(blocStatus(singleBloc([70, 69.8]))).toBe("not_awarded"); // mean 69.9
    const decision = decide(singleBloc([70, 69.8]));
    expect(decision.blocs[0]!.meanReached).toBe(false);
    expect(decision.blocs[0]!.mean!.display).toBe("69,9");
    expect(blocStatus(singleBloc([69.9]))).toBe("not_awarded");
  });

  it("accepts a competency exactly at the floor (50) and rejects 49.9, whatever the mean", () => {
    expect(blocStatus(singleBloc([50, 90]))).toBe("awarded");
    const decision = decide(singleBloc([49.9, 100]));
    expect(decision.blocs[0]!.status).toBe("not_awarded");
    expect(decision.blocs[0]!.meanReached).toBe(true);
    expect(decision.blocs[0]!.competenciesUnderFloor).toEqual(["C1"]);
  });

  it("gets the mean of 85.2, 98, 64.2, 68.1, 64.2, 57.4, 52.9 exactly right: 70, awarded", () => {
    const scores = [85.2, 98, 64.2, 68.1, 64.2, 57.4, 52.9];
    // The trap: binary floats put this mean just below 70.
    expect(scores.reduce((a, b) => a + b, 0) / scores.length).toBeLessThan(70);
    const bloc = decide(singleBloc(scores)).blocs[0]!;
    expect(bloc.status).toBe("awarded");
    expect(bloc.meanReached).toBe(true);
    expect(bloc.mean).toEqual({ tenthsNumerator: 4900, denominator: 7, count: 7, display: "70,0" });
  });

  it("reads French-comma and dot strings alike", () => {
    const bloc = decide(singleBloc(["85,2", "98", "64.2", "68,1", "64,2", "57,4", "52.9"])).blocs[0]!;
    expect(bloc.status).toBe("awarded");
    expect(bloc.mean!.display).toBe("70,0");
  });

  it("rounds the mean display half up, for display only, never up to a threshold the mean misses", () => {
    expect(decide(singleBloc([70, 70.1])).blocs[0]!.mean!.display).toBe("70,1"); // 70.05
    expect(decide(singleBloc([60, 60.1])).blocs[0]!.mean!.display).toBe("60,1"); // 60.05, far from 70
    // 69.95 does not pass: "70,0" beside "non obtenu" would read as a mistake, so it shows "69,9".
    expect(decide(singleBloc([69.9, 70])).blocs[0]!.mean!.display).toBe("69,9");
    expect(decide(singleBloc([69.9, 70])).blocs[0]!.status).toBe("not_awarded");
    expect(decide(singleBloc([69.8, 70])).blocs[0]!.mean!.display).toBe("69,9"); // 69.9 exactly
    // 69.966… (three scores): truncated as well.
    expect(decide(singleBloc([69.9, 70, 70])).blocs[0]!.mean!.display).toBe("69,9");
  });

  it("takes thresholds as data, numbers or strings", () => {
    const strict = { blocMeanPercent: "75,5", competencyFloorPercent: "60" };
    expect(blocStatus({ ...singleBloc([75.5, 75.5]), thresholds: strict })).toBe("awarded");
    expect(blocStatus({ ...singleBloc([75.5, 75.4]), thresholds: strict })).toBe("not_awarded");
    expect(blocStatus({ ...singleBloc([59.9, 100]), thresholds: strict })).toBe("not_awarded");
    expectDecisionError(
      () => decide({ ...singleBloc([70]), thresholds: { blocMeanPercent: 170, competencyFloorPercent: 50 } }),
      "out_of_range",
    );
  });

  it("lists every competency of a failed bloc to re-assess, none for an awarded bloc", () => {
    const decision = decide(input({ scores: { ...ALL_PASS, "C2.2": 45 } }));
    const b2 = decision.blocs.find((bloc) => bloc.code === "B2")!;
    expect(b2.status).toBe("not_awarded");
    expect(b2.competenciesUnderFloor).toEqual(["C2.2"]);
    expect(b2.competenciesToAssess).toEqual(["C2.1", "C2.2"]);
    expect(decision.blocs.find((bloc) => bloc.code === "B1")!.competenciesToAssess).toEqual([]);
    expect(decision.awardedBlocCodes).toEqual(["B1", "B3"]);
    expect(decision.heldBlocCodes).toEqual(["B1", "B3"]);
    expect(decision.missingBlocCodes).toEqual(["B2"]);
    expect(decision.certificationAwarded).toBe(false);
  });

  it("counts blocs acquired before toward the full certification, without assessing them", () => {
    const decision = decide(
      input({
        acquiredBlocCodes: ["B2"],
        // B2's scores are not required; if given, even invalid, they are ignored.
        scores: { "C1.1": 80, "C1.2": 75, "C1.3": 70, "C2.1": 12, "C3.1": 70, "C3.2": 70 },
      }),
    );
    expect(decision.blocs.map((bloc) => bloc.status)).toEqual(["awarded", "acquired_before", "awarded"]);
    expect(decision.blocs[1]!.mean).toBeNull();
    expect(decision.awardedBlocCodes).toEqual(["B1", "B3"]);
    expect(decision.heldBlocCodes).toEqual(["B1", "B2", "B3"]);
    expect(decision.missingBlocCodes).toEqual([]);
    expect(decision.certificationAwarded).toBe(true);
  });

  it("awards the certification when every bloc is awarded now", () => {
    const decision = decide(input());
    expect(decision.awardedBlocCodes).toEqual(["B1", "B2", "B3"]);
    expect(decision.certificationAwarded).toBe(true);
  });

  it("accepts exact scores (joint, weighted) without rounding them", () => {
    // 69.95 as an exact joint score: the mean is 69.95 and fails; 70.0 passes.
    expect(blocStatus(singleBloc([{ tenthsNumerator: 1399, denominator: 2 }]))).toBe("not_awarded");
    expect(blocStatus(singleBloc([{ tenthsNumerator: 1400, denominator: 2 }]))).toBe("awarded");
    // 69.95 and 70.05 average to 70 exactly.
    const bloc = decide(
      singleBloc([
        { tenthsNumerator: 1399, denominator: 2 },
        { tenthsNumerator: 1401, denominator: 2 },
      ]),
    ).blocs[0]!;
    expect(bloc.status).toBe("awarded");
    expect(bloc.mean!.tenthsNumerator / bloc.mean!.denominator).toBe(700);
    expectDecisionError(() => decide(singleBloc([{ tenthsNumerator: 1, denominator: 0 }])), "invalid_exact_score");
    expectDecisionError(() => decide(singleBloc([{ tenthsNumerator: 2001, denominator: 2 }])), "out_of_range");
  });
});

describe("decide: invalid input", () => {
  it("names a missing competency score", () => {
    const { "C1.2": _omitted, ...rest } = ALL_PASS;
    const error = expectDecisionError(() => decide(input({ scores: rest })), "missing_score");
    expect(error.message).toBe("La note de C1.2 est manquante.");
    expect(error.field).toBe("C1.2");
    expectDecisionError(() => decide(input({ scores: { ...ALL_PASS, "C1.2": null } })), "missing_score");
  });

  it("rejects a score for an unknown competency", () => {
    const error = expectDecisionError(
      () => decide(input({ scores: { ...ALL_PASS, "C9.9": 70 } })),
      "unknown_competency",
    );
    expect(error.message).toContain("C9.9");
  });

  it("rejects invalid scores with the competency in the message", () => {
    for (const [value, code] of [
      [101, "out_of_range"],
      [-1, "out_of_range"],
      [70.25, "too_many_decimals"],
      ["abc", "not_a_number"],
      [Number.NaN, "not_a_number"],
    ] as const) {
      const error = expectDecisionError(() => decide(input({ scores: { ...ALL_PASS, "C2.1": value } })), code);
      expect(error.message).toContain("C2.1");
    }
  });

  it("rejects an unknown acquired bloc and a malformed referential", () => {
    expectDecisionError(() => decide(input({ acquiredBlocCodes: ["B9"] })), "unknown_bloc");
    expectDecisionError(() => decide(input({ blocs: [] })), "invalid_referential");
    expectDecisionError(
      () => decide(input({ blocs: [...BLOCS, { code: "B4", competencyCodes: [] }] })),
      "invalid_referential",
    );
    expectDecisionError(
      () => decide(input({ blocs: [...BLOCS, { code: "B1", competencyCodes: ["C9.1"] }] })),
      "invalid_referential",
    );
    expectDecisionError(
      () => decide(input({ blocs: [...BLOCS, { code: "B4", competencyCodes: ["C1.1"] }] })),
      "invalid_referential",
    );
  });
});

describe("weightedCompetencyScore (training route)", () => {
  const evaluations = (questionnaire: number | string, tutor: number | string, jury: number | string) => [
    { kind: "questionnaire", scorePercent: questionnaire },
    { kind: "tutor_observation", scorePercent: tutor },
    { kind: "jury", scorePercent: jury },
  ];

  it("computes 30/20/50 exactly: 70, 70, 70 → 70, which passes", () => {
    const score = weightedCompetencyScore(evaluations(70, 70, 70), WEIGHTS);
    expect(score).toEqual({ tenthsNumerator: 700, denominator: 1 });
    expect(blocStatus(singleBloc([score, score]))).toBe("awarded");
  });

  it("keeps a weighted score exactly at the floor where float arithmetic falls below it", () => {
    // 0.3 × 53.8 + 0.2 × 47.3 + 0.5 × 48.8 = 16.14 + 9.46 + 24.4 = 50 exactly, but not in binary floats.
    expect(0.3 * 53.8 + 0.2 * 47.3 + 0.5 * 48.8).toBeLessThan(50);
    const atFloor = weightedCompetencyScore(evaluations(53.8, 47.3, 48.8), WEIGHTS, "C1");
    expect(atFloor).toEqual({ tenthsNumerator: 500, denominator: 1 });
    const decision = decide(singleBloc([atFloor, 90]));
    expect(decision.blocs[0]!.competenciesUnderFloor).toEqual([]);
    expect(decision.blocs[0]!.status).toBe("awarded");
  });

  it("returns a reduced exact rational when the result has more than one decimal", () => {
    // (30 × 70.1 + 20 × 70.2 + 50 × 70.3) / 100 = 70.22
    const score = weightedCompetencyScore(evaluations("70,1", "70.2", 70.3), WEIGHTS);
    expect(score).toEqual({ tenthsNumerator: 3511, denominator: 5 });
    expect(formatScore(score)).toBe("70,22");
  });

  it("rejects bad weights and incomplete or repeated evaluations", () => {
    expectDecisionError(
      () =>
        weightedCompetencyScore(evaluations(70, 70, 70), [...WEIGHTS.slice(0, 2), { kind: "jury", weightPercent: 40 }]),
      "invalid_weights",
    );
    expectDecisionError(
      () =>
        weightedCompetencyScore(evaluations(70, 70, 70), [
          { kind: "questionnaire", weightPercent: 30.5 },
          { kind: "tutor_observation", weightPercent: 19.5 },
          { kind: "jury", weightPercent: 50 },
        ]),
      "invalid_weights",
    );
    expectDecisionError(
      () => weightedCompetencyScore(evaluations(70, 70, 70), [...WEIGHTS, { kind: "jury", weightPercent: 0 }]),
      "invalid_weights",
    );
    expectDecisionError(
      () => weightedCompetencyScore(evaluations(70, 70, 70).slice(0, 2), WEIGHTS, "C1.1"),
      "missing_evaluation",
    );
    expectDecisionError(
      () => weightedCompetencyScore([...evaluations(70, 70, 70), { kind: "jury", scorePercent: 80 }], WEIGHTS),
      "duplicate_evaluation",
    );
    expectDecisionError(
      () => weightedCompetencyScore([...evaluations(70, 70, 70), { kind: "oral", scorePercent: 80 }], WEIGHTS),
      "unknown_evaluation_kind",
    );
    const error = expectDecisionError(
      () => weightedCompetencyScore(evaluations(70, 70, 70.25), WEIGHTS, "C1.1"),
      "too_many_decimals",
    );
    expect(error.message).toBe("La note de l'évaluation « jury » de C1.1 doit avoir au plus une décimale.");
  });
});

describe("jointScores and settleDeliberation (two evaluators)", () => {
  const blocs: BlocInput[] = [
    { code: "B1", competencyCodes: ["C1.1", "C1.2"] },
    { code: "B2", competencyCodes: ["C2.1", "C2.2"] },
  ];
  const base = { blocs, tolerancePoints: 15, thresholds: THRESHOLDS };

  it("agrees when within tolerance with the same outcomes; the joint score is the exact mean", () => {
    const result = jointScores({
      ...base,
      scoresA: { "C1.1": 70.1, "C1.2": "80", "C2.1": 40, "C2.2": 90 },
      scoresB: { "C1.1": "70,2", "C1.2": 95, "C2.1": 45, "C2.2": 90 }, // 80 vs 95: exactly the tolerance
    });
    expect(result.kind).toBe("agreed");
    if (result.kind !== "agreed") return;
    expect(result.joint["C1.1"]).toEqual({ tenthsNumerator: 1403, denominator: 2 });
    expect(formatScore(result.joint["C1.1"]!)).toBe("70,15");
    expect(formatScore(result.joint["C1.2"]!, { separator: "." })).toBe("87.5");
    expect(Object.keys(result.joint)).toEqual(["C1.1", "C1.2", "C2.1", "C2.2"]);
    const decision = decide({ blocs, scores: result.joint, thresholds: THRESHOLDS, acquiredBlocCodes: [] });
    expect(decision.awardedBlocCodes).toEqual(["B1"]);
  });

  it("asks for deliberation on a competency over tolerance", () => {
    const result = jointScores({
      ...base,
      scoresA: { "C1.1": 80, "C1.2": 80, "C2.1": 90, "C2.2": 90 },
      scoresB: { "C1.1": 80, "C1.2": 80, "C2.1": 74, "C2.2": 90 }, // 16 points apart
    });
    expect(result).toEqual({
      kind: "deliberation",
      disputedCompetencyCodes: ["C2.1"],
      reasons: [
        { kind: "over_tolerance", competencyCode: "C2.1", difference: { tenthsNumerator: 160, denominator: 1 } },
      ],
    });
  });

  it("asks for deliberation on a whole bloc whose outcome differs, even within tolerance", () => {
    const result = jointScores({
      ...base,
      scoresA: { "C1.1": 70, "C1.2": 70, "C2.1": 90, "C2.2": 90 },
      scoresB: { "C1.1": 69.9, "C1.2": 70, "C2.1": 90, "C2.2": 90 },
    });
    expect(result).toEqual({
      kind: "deliberation",
      disputedCompetencyCodes: ["C1.1", "C1.2"],
      reasons: [{ kind: "divergent_bloc_outcome", blocCode: "B1", statusA: "awarded", statusB: "not_awarded" }],
    });
  });

  it("ignores acquired blocs and validates each evaluator's scores", () => {
    const result = jointScores({
      ...base,
      acquiredBlocCodes: ["B2"],
      scoresA: { "C1.1": 70, "C1.2": 70 },
      scoresB: { "C1.1": 72, "C1.2": 70 },
    });
    expect(result).toEqual({
      kind: "agreed",
      joint: { "C1.1": { tenthsNumerator: 710, denominator: 1 }, "C1.2": { tenthsNumerator: 700, denominator: 1 } },
    });
    const error = expectDecisionError(
      () =>
        jointScores({
          ...base,
          acquiredBlocCodes: ["B2"],
          scoresA: { "C1.1": 70, "C1.2": 70 },
          scoresB: { "C1.1": 70 },
        }),
      "missing_score",
    );
    expect(error.message).toBe("La note de C1.2 (évaluateur B) est manquante.");
    expectDecisionError(
      () => jointScores({ ...base, tolerancePoints: "quinze", scoresA: {}, scoresB: {} }),
      "not_a_number",
    );
  });

  const disputed = {
    ...base,
    scoresA: { "C1.1": 70, "C1.2": 70, "C2.1": 90, "C2.2": 90 },
    scoresB: { "C1.1": 70, "C1.2": 69.9, "C2.1": 60, "C2.2": 91 }, // B1 outcome differs; C2.1 over tolerance
  };

  it("settles a deliberation: agreed score, president's casting vote, means elsewhere", () => {
    const first = jointScores(disputed);
    expect(first.kind === "deliberation" && first.disputedCompetencyCodes).toEqual(["C1.1", "C1.2", "C2.1"]);
    const settled = settleDeliberation({
      ...disputed,
      resolutions: {
        "C1.1": { by: "evaluators", score: 70 },
        "C1.2": { by: "evaluators", score: "69,9" },
        "C2.1": { by: "president", score: 75 },
      },
    });
    expect(settled.joint).toEqual({
      "C1.1": { tenthsNumerator: 700, denominator: 1 },
      "C1.2": { tenthsNumerator: 699, denominator: 1 },
      "C2.1": { tenthsNumerator: 750, denominator: 1 },
      "C2.2": { tenthsNumerator: 905, denominator: 1 }, // (90 + 91) / 2 = 90.5, reduced
    });
    expect(settled.origin).toEqual({ "C1.1": "evaluators", "C1.2": "evaluators", "C2.1": "president", "C2.2": "mean" });
    const decision = decide({ blocs, scores: settled.joint, thresholds: THRESHOLDS, acquiredBlocCodes: [] });
    expect(decision.awardedBlocCodes).toEqual(["B2"]); // B1's mean is 69.95
    expect(decision.blocs[0]!.mean!.display).toBe("69,9"); // never "70,0" for a mean that misses 70
  });

  it("requires a resolution for every disputed competency, and only for those", () => {
    const missing = expectDecisionError(
      () =>
        settleDeliberation({
          ...disputed,
          resolutions: { "C1.1": { by: "evaluators", score: 80 }, "C1.2": { by: "president", score: 70 } },
        }),
      "missing_resolution",
    );
    expect(missing.field).toBe("C2.1");
    expectDecisionError(
      () =>
        settleDeliberation({
          ...disputed,
          resolutions: {
            "C1.1": { by: "evaluators", score: 80 },
            "C1.2": { by: "president", score: 70 },
            "C2.1": { by: "president", score: 75 },
            "C2.2": { by: "president", score: 75 },
          },
        }),
      "not_disputed",
    );
    expectDecisionError(
      () =>
        settleDeliberation({
          ...disputed,
          resolutions: {
            "C1.1": { by: "evaluators", score: 80 },
            "C1.2": { by: "president", score: 70 },
            "C2.1": { by: "president", score: 75.55 },
          },
        }),
      "too_many_decimals",
    );
  });

  it("settles an agreed pair with no resolutions to their means", () => {
    const settled = settleDeliberation({
      ...base,
      scoresA: { "C1.1": 70.1, "C1.2": 80, "C2.1": 90, "C2.2": 90 },
      scoresB: { "C1.1": 70.2, "C1.2": 80, "C2.1": 90, "C2.2": 90 },
      resolutions: {},
    });
    expect(settled.joint["C1.1"]).toEqual({ tenthsNumerator: 1403, denominator: 2 });
    expect(Object.values(settled.origin)).toEqual(["mean", "mean", "mean", "mean"]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------------------

/** Tenths t written as an evaluator might: number, "72.5", "72,5" (integers also as "72"). */
function represent(tenths: number, style: number): number | string {
  const integer = Math.trunc(tenths / 10);
  const decimal = tenths % 10;
  switch (style) {
    case 0:
      return tenths / 10;
    case 1:
      return decimal === 0 ? `${integer}` : `${integer}.${decimal}`;
    default:
      return `${integer},${decimal}`;
  }
}

const tenthsArb = fc.integer({ min: 0, max: 1000 });
const styleArb = fc.integer({ min: 0, max: 2 });
const thresholdArb = fc.oneof(fc.constant(700), fc.constant(500), tenthsArb);

/** A referential of 1–4 blocs of 1–6 competencies, each with a score in tenths and a representation style. */
const referentialArb = fc.array(fc.array(fc.tuple(tenthsArb, styleArb), { minLength: 1, maxLength: 6 }), {
  minLength: 1,
  maxLength: 4,
});

function buildInput(
  blocs: Array<Array<[number, number]>>,
  acquired: boolean[],
  meanTenths: number,
  floorTenths: number,
): DecisionInput {
  const scores: Record<string, number | string> = {};
  const blocInputs = blocs.map((competencies, b) => {
    const codes = competencies.map((_, c) => `C${b + 1}.${c + 1}`);
    if (!acquired[b]) {
      for (const [c, [tenths, style]] of competencies.entries()) scores[codes[c]!] = represent(tenths, style);
    }
    return { code: `B${b + 1}`, competencyCodes: codes };
  });
  return {
    blocs: blocInputs,
    scores,
    thresholds: { blocMeanPercent: represent(meanTenths, 0), competencyFloorPercent: represent(floorTenths, 2) },
    acquiredBlocCodes: blocInputs.filter((_, b) => acquired[b]).map((bloc) => bloc.code),
  };
}

/** The rule in plain integers, independently of the module. */
function reference(blocs: number[][], acquired: boolean[], meanTenths: number, floorTenths: number) {
  const statuses = blocs.map((tenths, b) => {
    if (acquired[b]) return "acquired_before";
    const sum = tenths.reduce((a, t) => a + t, 0);
    return sum >= meanTenths * tenths.length && tenths.every((t) => t >= floorTenths) ? "awarded" : "not_awarded";
  });
  return { statuses, certificationAwarded: statuses.every((status) => status !== "not_awarded") };
}

describe("properties", () => {
  it("parses every one-decimal score exactly, in every representation", () => {
    fc.assert(
      fc.property(tenthsArb, styleArb, (tenths, style) => {
        expect(parseScore(represent(tenths, style))).toBe(tenths);
      }),
    );
  });

  it("agrees with a plain-integer reference implementation", () => {
    fc.assert(
      fc.property(
        referentialArb,
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        thresholdArb,
        thresholdArb,
        (blocs, acquired, meanTenths, floorTenths) => {
          const decision = decide(buildInput(blocs, acquired, meanTenths, floorTenths));
          const expected = reference(
            blocs.map((competencies) => competencies.map(([tenths]) => tenths)),
            acquired,
            meanTenths,
            floorTenths,
          );
          expect(decision.blocs.map((bloc) => bloc.status)).toEqual(expected.statuses);
          expect(decision.certificationAwarded).toBe(expected.certificationAwarded);
          decision.blocs.forEach((bloc, b) => {
            if (bloc.status === "acquired_before") return;
            const tenths = blocs[b]!.map(([t]) => t);
            expect(bloc.mean!.tenthsNumerator).toBe(tenths.reduce((a, t) => a + t, 0));
            expect(bloc.mean!.denominator).toBe(tenths.length);
            expect(bloc.competenciesUnderFloor).toEqual(
              tenths.flatMap((t, c) => (t < floorTenths ? [`C${b + 1}.${c + 1}`] : [])),
            );
          });
          expect(decision.heldBlocCodes.length + decision.missingBlocCodes.length).toBe(blocs.length);
        },
      ),
    );
  });

  it("does not depend on the order of the competencies in a bloc", () => {
    fc.assert(
      fc.property(
        fc.array(tenthsArb, { minLength: 1, maxLength: 8 }).chain((scores) =>
          fc.tuple(
            fc.constant(scores),
            fc.shuffledSubarray(
              scores.map((_, index) => index),
              { minLength: scores.length, maxLength: scores.length },
            ),
          ),
        ),
        thresholdArb,
        thresholdArb,
        ([scores, permutation], meanTenths, floorTenths) => {
          const thresholds = { blocMeanPercent: meanTenths / 10, competencyFloorPercent: floorTenths / 10 };
          const codes = scores.map((_, index) => `C${index}`);
          const values = Object.fromEntries(codes.map((code, index) => [code, scores[index]! / 10]));
          const original = decide({
            blocs: [{ code: "B1", competencyCodes: codes }],
            scores: values,
            thresholds,
            acquiredBlocCodes: [],
          });
          const shuffled = decide({
            blocs: [{ code: "B1", competencyCodes: permutation.map((index) => codes[index]!) }],
            scores: values,
            thresholds,
            acquiredBlocCodes: [],
          });
          const [a, b] = [original.blocs[0]!, shuffled.blocs[0]!];
          expect(b.status).toBe(a.status);
          expect(b.meanReached).toBe(a.meanReached);
          expect(b.mean).toEqual(a.mean);
          expect([...b.competenciesUnderFloor].sort()).toEqual([...a.competenciesUnderFloor].sort());
          expect(shuffled.certificationAwarded).toBe(original.certificationAwarded);
        },
      ),
    );
  });

  it("is monotonic: raising a score never withdraws a bloc or the certification", () => {
    fc.assert(
      fc.property(
        referentialArb,
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        thresholdArb,
        thresholdArb,
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 1000 }),
        (blocs, acquired, meanTenths, floorTenths, blocPick, competencyPick, raise) => {
          const b = blocPick % blocs.length;
          const c = competencyPick % blocs[b]!.length;
          const raised = blocs.map((competencies, i) =>
            competencies.map(([tenths, style], j): [number, number] =>
              i === b && j === c ? [Math.min(1000, tenths + raise), style] : [tenths, style],
            ),
          );
          const before = decide(buildInput(blocs, acquired, meanTenths, floorTenths));
          const after = decide(buildInput(raised, acquired, meanTenths, floorTenths));
          before.blocs.forEach((bloc, i) => {
            if (bloc.status === "awarded") expect(after.blocs[i]!.status).toBe("awarded");
          });
          if (before.certificationAwarded) expect(after.certificationAwarded).toBe(true);
        },
      ),
    );
  });

  it("awards a bloc whose scores all equal the threshold, and not one tenth below", () => {
    fc.assert(
      fc.property(
        tenthsArb,
        fc.integer({ min: 1, max: 8 }),
        styleArb,
        fc.nat(),
        (threshold, count, style, floorPick) => {
          const floor = floorPick % (threshold + 1); // floor ≤ threshold, as in any sensible rule
          const thresholds = {
            blocMeanPercent: represent(threshold, style),
            competencyFloorPercent: represent(floor, style),
          };
          const at = { ...singleBloc(Array.from({ length: count }, () => represent(threshold, style))), thresholds };
          expect(decide(at).blocs[0]!.status).toBe("awarded");
          if (threshold > 0) {
            const below = {
              ...singleBloc(Array.from({ length: count }, () => represent(threshold - 1, style))),
              thresholds,
            };
            expect(decide(below).blocs[0]!.meanReached).toBe(false);
            expect(decide(below).blocs[0]!.status).toBe("not_awarded");
          }
        },
      ),
    );
  });

  it("computes weighted scores exactly (checked by cross multiplication)", () => {
    fc.assert(
      fc.property(tenthsArb, tenthsArb, tenthsArb, (q, t, j) => {
        const score = weightedCompetencyScore(
          [
            { kind: "jury", scorePercent: represent(j, 2) },
            { kind: "questionnaire", scorePercent: q / 10 },
            { kind: "tutor_observation", scorePercent: represent(t, 1) },
          ],
          WEIGHTS,
        );
        // score = (30q + 20t + 50j) / 100 tenths
        expect(score.tenthsNumerator * 100).toBe((30 * q + 20 * t + 50 * j) * score.denominator);
      }),
    );
  });

  it("treats both evaluators symmetrically, and identical scores as agreed with themselves as joint", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(tenthsArb, tenthsArb), { minLength: 1, maxLength: 6 }),
        tenthsArb,
        (pairs, tolerance) => {
          const codes = pairs.map((_, index) => `C${index}`);
          const blocs = [{ code: "B1", competencyCodes: codes }];
          const scoresA = Object.fromEntries(codes.map((code, i) => [code, pairs[i]![0] / 10]));
          const scoresB = Object.fromEntries(codes.map((code, i) => [code, represent(pairs[i]![1], 2)]));
          const common = { blocs, tolerancePoints: tolerance / 10, thresholds: THRESHOLDS };
          const ab = jointScores({ ...common, scoresA, scoresB });
          const ba = jointScores({ ...common, scoresA: scoresB, scoresB: scoresA });
          expect(ba.kind).toBe(ab.kind);
          if (ab.kind === "agreed" && ba.kind === "agreed") expect(ba.joint).toEqual(ab.joint);
          if (ab.kind === "deliberation" && ba.kind === "deliberation") {
            expect(ba.disputedCompetencyCodes).toEqual(ab.disputedCompetencyCodes);
          }
          const same = jointScores({ ...common, scoresA, scoresB: scoresA });
          expect(same).toEqual({
            kind: "agreed",
            joint: Object.fromEntries(
              codes.map((code, i) => [code, { tenthsNumerator: pairs[i]![0], denominator: 1 }]),
            ),
          });
        },
      ),
    );
  });
});
