// The domain owner's rule for two evaluators (the joint scores stand only when they confirm what both evaluators
// concluded) and the comparison screen built on it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BlocInput,
  compareEvaluations,
  DecisionInputError,
  decide,
  formatScore,
  jointScores,
  settleDeliberation,
} from "./decision";

const THRESHOLDS = { blocMeanPercent: 70, competencyFloorPercent: 50 };
const exact = (tenthsNumerator: number, denominator = 1) => ({ tenthsNumerator, denominator });

describe("jointScores: the joint scores stand only when they confirm both evaluators", () => {
  const blocs: BlocInput[] = [
    { code: "B1", competencyCodes: ["C1.1", "C1.2"] },
    { code: "B2", competencyCodes: ["C2.1", "C2.2"] },
  ];
  const base = { blocs, tolerancePoints: 15, thresholds: THRESHOLDS };

  it("deliberates when both fail a bloc on their own and the joint scores would award it (A 45/98, B 55/84)", () => {
    const input = {
      ...base,
      scoresA: { "C1.1": 45, "C1.2": 98, "C2.1": 80, "C2.2": 80 },
      scoresB: { "C1.1": 55, "C1.2": 84, "C2.1": 80, "C2.2": 80 },
    };
    // Each difference is within the tolerance (10 and 14 points): only the outcomes tell the problem.
    expect(
      decide({ blocs, scores: input.scoresA, thresholds: THRESHOLDS, acquiredBlocCodes: [] }).blocs[0]!.status,
    ).toBe(
      "not_awarded", // C1.1 at 45 is under the floor
    );
    expect(
      decide({ blocs, scores: input.scoresB, thresholds: THRESHOLDS, acquiredBlocCodes: [] }).blocs[0]!.status,
    ).toBe(
      "not_awarded", // mean 69.5
    );
    const means = { "C1.1": 50, "C1.2": 91, "C2.1": 80, "C2.2": 80 };
    expect(decide({ blocs, scores: means, thresholds: THRESHOLDS, acquiredBlocCodes: [] }).blocs[0]!.status).toBe(
      "awarded", // what the means alone would have decided: neither evaluator's conclusion
    );

    expect(jointScores(input)).toEqual({
      kind: "deliberation",
      disputedCompetencyCodes: ["C1.1", "C1.2"],
      reasons: [
        {
          kind: "joint_outcome_differs",
          blocCode: "B1",
          statusA: "not_awarded",
          statusB: "not_awarded",
          statusJoint: "awarded",
        },
      ],
    });
  });

  it("keeps divergent_bloc_outcome when A and B conclude differently, with no second reason for the bloc", () => {
    const result = jointScores({
      ...base,
      scoresA: { "C1.1": 70, "C1.2": 70, "C2.1": 80, "C2.2": 80 },
      scoresB: { "C1.1": 69.9, "C1.2": 70, "C2.1": 80, "C2.2": 80 },
    });
    expect(result).toEqual({
      kind: "deliberation",
      disputedCompetencyCodes: ["C1.1", "C1.2"],
      reasons: [{ kind: "divergent_bloc_outcome", blocCode: "B1", statusA: "awarded", statusB: "not_awarded" }],
    });
  });

  it("holds exactly at both bounds: joint means of exactly 50 and 70 award, a twentieth below does not", () => {
    // A: 50.1 and 89.8 (mean 69.95, fails); B: 49.9 and 90.2 (C1.1 under the floor, fails).
    // Joint: 50.0 and 90.0 — floor and mean exactly reached, with no float rounding on the way.
    const atBounds = jointScores({
      ...base,
      scoresA: { "C1.1": 50.1, "C1.2": "89,8", "C2.1": 80, "C2.2": 80 },
      scoresB: { "C1.1": "49.9", "C1.2": 90.2, "C2.1": 80, "C2.2": 80 },
    });
    expect(atBounds.kind === "deliberation" && atBounds.reasons).toEqual([
      {
        kind: "joint_outcome_differs",
        blocCode: "B1",
        statusA: "not_awarded",
        statusB: "not_awarded",
        statusJoint: "awarded",
      },
    ]);
    // Same, but A's C1.2 one tenth lower: the joint mean is 69.975, which fails like A and B: agreed.
    const justBelow = jointScores({
      ...base,
      scoresA: { "C1.1": 50.1, "C1.2": 89.7, "C2.1": 80, "C2.2": 80 },
      scoresB: { "C1.1": 49.9, "C1.2": 90.2, "C2.1": 80, "C2.2": 80 },
    });
    expect(justBelow.kind).toBe("agreed");
    if (justBelow.kind !== "agreed") return;
    expect(justBelow.joint["C1.2"]).toEqual(exact(1799, 2)); // 89.95
    const decision = decide({ blocs, scores: justBelow.joint, thresholds: THRESHOLDS, acquiredBlocCodes: [] });
    expect(decision.blocs[0]!.status).toBe("not_awarded");
    expect(decision.blocs[0]!.mean!.display).toBe("69,9"); // 69.975, never shown as 70,0
  });

  it("agrees when A, B and the joint scores all fail a bloc, or all award it", () => {
    const result = jointScores({
      ...base,
      scoresA: { "C1.1": 40, "C1.2": 60, "C2.1": 75, "C2.2": 72 },
      scoresB: { "C1.1": 45, "C1.2": 62, "C2.1": 80, "C2.2": 70 },
    });
    expect(result.kind).toBe("agreed");
  });

  it("makes every competency of the bloc a deliberation point, and settling requires them all", () => {
    const input = {
      ...base,
      scoresA: { "C1.1": 45, "C1.2": 98, "C2.1": 80, "C2.2": 80 },
      scoresB: { "C1.1": 55, "C1.2": 84, "C2.1": 80, "C2.2": 80 },
    };
    let caught: unknown;
    try {
      settleDeliberation({ ...input, resolutions: { "C1.1": { by: "evaluators", score: 48 } } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DecisionInputError);
    expect((caught as DecisionInputError).code).toBe("missing_resolution");
    expect((caught as DecisionInputError).field).toBe("C1.2");

    const settled = settleDeliberation({
      ...input,
      resolutions: { "C1.1": { by: "evaluators", score: 48 }, "C1.2": { by: "president", score: "90" } },
    });
    expect(settled.origin).toEqual({ "C1.1": "evaluators", "C1.2": "president", "C2.1": "mean", "C2.2": "mean" });
    expect(
      decide({ blocs, scores: settled.joint, thresholds: THRESHOLDS, acquiredBlocCodes: [] }).awardedBlocCodes,
    ).toEqual(["B2"]);
  });
});

describe("the rule against a plain-integer reference", () => {
  /** Outcome of one bloc from integer sums: scores in units of 1/scale tenth. */
  function outcome(values: number[], scale: number): "awarded" | "not_awarded" {
    const sum = values.reduce((acc, value) => acc + value, 0);
    return sum >= 700 * scale * values.length && values.every((value) => value >= 500 * scale)
      ? "awarded"
      : "not_awarded";
  }

  const pairArb = fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }));
  const blocsArb = fc.array(fc.array(pairArb, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 3 });

  it("deliberates exactly when a gap exceeds the tolerance or a bloc's three outcomes are not all the same", () => {
    fc.assert(
      fc.property(blocsArb, fc.integer({ min: 0, max: 300 }), (pairsPerBloc, toleranceTenths) => {
        const blocs = pairsPerBloc.map((pairs, b) => ({
          code: `B${b + 1}`,
          competencyCodes: pairs.map((_, c) => `C${b + 1}.${c + 1}`),
        }));
        const scoresA: Record<string, number> = {};
        const scoresB: Record<string, number> = {};
        pairsPerBloc.forEach((pairs, b) => {
          pairs.forEach(([a, bScore], c) => {
            scoresA[`C${b + 1}.${c + 1}`] = a / 10;
            scoresB[`C${b + 1}.${c + 1}`] = bScore / 10;
          });
        });
        const input = { blocs, scoresA, scoresB, tolerancePoints: toleranceTenths / 10, thresholds: THRESHOLDS };

        let expectedDisputes = 0;
        for (const pairs of pairsPerBloc) {
          const statusA = outcome(
            pairs.map(([a]) => a),
            1,
          );
          const statusB = outcome(
            pairs.map(([, b]) => b),
            1,
          );
          // Joint = (a + b) / 2 tenths: compare a + b in units of half a tenth.
          const statusJoint = outcome(
            pairs.map(([a, b]) => a + b),
            2,
          );
          // Means of passing scores pass: the joint scores can only differ when both fail.
          if (statusA === "awarded" && statusB === "awarded") expect(statusJoint).toBe("awarded");
          if (statusA !== statusB || statusJoint !== statusA) expectedDisputes++;
          expectedDisputes += pairs.filter(([a, b]) => Math.abs(a - b) > toleranceTenths).length;
        }

        const result = jointScores(input);
        expect(result.kind).toBe(expectedDisputes > 0 ? "deliberation" : "agreed");
        const comparison = compareEvaluations(input);
        expect(comparison.deliberationRequired).toBe(result.kind === "deliberation");
        if (result.kind === "deliberation") {
          expect(comparison.reasons).toEqual(result.reasons);
          expect(comparison.competencies.filter((c) => c.disputed).map((c) => c.code)).toEqual(
            result.disputedCompetencyCodes,
          );
        } else {
          // Agreed: deciding on the joint scores confirms what each evaluator concluded, bloc by bloc.
          const decision = decide({ blocs, scores: result.joint, thresholds: THRESHOLDS, acquiredBlocCodes: [] });
          const decisionA = decide({ blocs, scores: scoresA, thresholds: THRESHOLDS, acquiredBlocCodes: [] });
          const decisionB = decide({ blocs, scores: scoresB, thresholds: THRESHOLDS, acquiredBlocCodes: [] });
          expect(decision.blocs.map((bloc) => bloc.status)).toEqual(decisionA.blocs.map((bloc) => bloc.status));
          expect(decision.blocs.map((bloc) => bloc.status)).toEqual(decisionB.blocs.map((bloc) => bloc.status));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("compareEvaluations (the comparison screen)", () => {
  const blocs: BlocInput[] = [
    { code: "B1", competencyCodes: ["C1.1", "C1.2"] },
    { code: "B2", competencyCodes: ["C2.1", "C2.2", "C2.3"] },
    { code: "B3", competencyCodes: ["C3.1"] },
  ];

  it("lists A, B, difference and joint per competency, and outcomes, means and reasons per bloc", () => {
    const comparison = compareEvaluations({
      blocs,
      tolerancePoints: "15",
      thresholds: THRESHOLDS,
      scoresA: { "C1.1": 45, "C1.2": 98, "C2.1": 92, "C2.2": 70.1, "C2.3": 42 },
      scoresB: { "C1.1": 55, "C1.2": 84, "C2.1": 70, "C2.2": "70,2", "C2.3": 48 },
      acquiredBlocCodes: ["B3"],
    });
    expect(comparison.deliberationRequired).toBe(true);
    expect(comparison.competencies.map((c) => c.code)).toEqual(["C1.1", "C1.2", "C2.1", "C2.2", "C2.3"]);
    expect(comparison.competencies[0]).toEqual({
      code: "C1.1",
      blocCode: "B1",
      a: exact(450),
      b: exact(550),
      difference: exact(100),
      joint: exact(500),
      overTolerance: false,
      disputed: true,
    });
    const c22 = comparison.competencies[3]!;
    expect([formatScore(c22.a), formatScore(c22.b), formatScore(c22.difference), formatScore(c22.joint)]).toEqual([
      "70,1",
      "70,2",
      "0,1",
      "70,15",
    ]);
    expect(comparison.competencies[2]).toMatchObject({ code: "C2.1", overTolerance: true, disputed: true });
    expect(comparison.competencies[4]).toMatchObject({ code: "C2.3", overTolerance: false, disputed: false });

    expect(comparison.blocs.map((bloc) => bloc.code)).toEqual(["B1", "B2"]); // B3 acquired before: not compared
    const [b1, b2] = comparison.blocs;
    expect(b1).toMatchObject({
      statusA: "not_awarded",
      statusB: "not_awarded",
      statusJoint: "awarded",
      competenciesUnderFloorA: ["C1.1"],
      competenciesUnderFloorB: [],
      competenciesUnderFloorJoint: [],
      reasons: [
        {
          kind: "joint_outcome_differs",
          blocCode: "B1",
          statusA: "not_awarded",
          statusB: "not_awarded",
          statusJoint: "awarded",
        },
      ],
    });
    expect([b1!.meanA.display, b1!.meanB.display, b1!.meanJoint.display]).toEqual(["71,5", "69,5", "70,5"]);
    // B2: C2.1 over tolerance (22 points); every view fails C2.3, so the bloc's outcomes agree.
    expect(b2).toMatchObject({
      statusA: "not_awarded",
      statusB: "not_awarded",
      statusJoint: "not_awarded",
      competenciesUnderFloorA: ["C2.3"],
      competenciesUnderFloorB: ["C2.3"],
      competenciesUnderFloorJoint: ["C2.3"],
      reasons: [{ kind: "over_tolerance", competencyCode: "C2.1", difference: exact(220) }],
    });
    expect(comparison.reasons).toEqual([...b2!.reasons, ...b1!.reasons]); // tolerance first, then outcomes
  });

  it("says no deliberation when the scores agree, and validates like jointScores", () => {
    const input = {
      blocs,
      tolerancePoints: 15,
      thresholds: THRESHOLDS,
      scoresA: { "C1.1": 80, "C1.2": 80, "C2.1": 70, "C2.2": 70, "C2.3": 70, "C3.1": 60 },
      scoresB: { "C1.1": 82, "C1.2": 78, "C2.1": 71, "C2.2": 70, "C2.3": 70, "C3.1": 62 },
    };
    const comparison = compareEvaluations(input);
    expect(comparison.deliberationRequired).toBe(false);
    expect(comparison.reasons).toEqual([]);
    expect(comparison.blocs.every((bloc) => bloc.reasons.length === 0)).toBe(true);
    expect(comparison.blocs.map((bloc) => bloc.statusJoint)).toEqual(["awarded", "awarded", "not_awarded"]);
    expect(() => compareEvaluations({ ...input, scoresB: { ...input.scoresB, "C3.1": 101 } })).toThrow(
      "La note de C3.1 (évaluateur B) doit être comprise entre 0 et 100 %.",
    );
  });
});
