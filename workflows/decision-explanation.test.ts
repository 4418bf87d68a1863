import { describe, expect, it } from "vitest";
import { type BlocInput, compareEvaluations, decide } from "./decision";
import {
  blocLabel,
  decisionResult,
  explainBlocDecision,
  explainDeliberationReason,
  formatThreshold,
  frenchList,
  resultSummary,
} from "./decision-explanation";

const THRESHOLDS = { blocMeanPercent: 70, competencyFloorPercent: 50 };
const BLOCS: BlocInput[] = [
  { code: "B1", competencyCodes: ["C1.1", "C1.2", "C1.3"] },
  { code: "B2", competencyCodes: ["C2.1", "C2.2", "C2.3"] },
  { code: "B3", competencyCodes: ["C3.1", "C3.2"] },
];

function decideWith(scores: Record<string, number | string>, acquiredBlocCodes: string[] = []) {
  return decide({ blocs: BLOCS, scores, thresholds: THRESHOLDS, acquiredBlocCodes });
}

describe("explainBlocDecision", () => {
  it("explains an awarded bloc with its mean and both thresholds", () => {
    const decision = decideWith({ "C1.1": 74.3, "C1.2": 74.3, "C1.3": 74.3, "C2.1": 0, "C2.2": 0, "C2.3": 0 }, ["B3"]);
    expect(explainBlocDecision(decision.blocs[0]!, THRESHOLDS)).toBe(
      "Bloc obtenu : moyenne de 74,3 % (au moins 70 % requis) et toutes les compétences à 50 % ou plus.",
    );
  });

  it("explains a mean that falls short", () => {
    const decision = decideWith({ "C1.1": 66.1, "C1.2": 66.1, "C1.3": 66.1, "C2.1": 0, "C2.2": 0, "C2.3": 0 }, ["B3"]);
    expect(explainBlocDecision(decision.blocs[0]!, THRESHOLDS)).toBe(
      "Bloc non obtenu : la moyenne est de 66,1 % alors qu'il faut au moins 70 %.",
    );
  });

  it("never shows a missed mean rounded up to the threshold (69,95 → 69,9)", () => {
    const decision = decide({
      blocs: [{ code: "B1", competencyCodes: ["C1", "C2"] }],
      scores: { C1: 69.9, C2: 70 },
      thresholds: THRESHOLDS,
      acquiredBlocCodes: [],
    });
    expect(explainBlocDecision(decision.blocs[0]!, THRESHOLDS)).toBe(
      "Bloc non obtenu : la moyenne est de 69,9 % alors qu'il faut au moins 70 %.",
    );
  });

  it("names the competency under the floor with its score when the scores are given", () => {
    const scores = { "C2.1": 90, "C2.2": 84, "C2.3": 42, "C1.1": 0, "C1.2": 0, "C1.3": 0 };
    const bloc = decideWith(scores, ["B3"]).blocs[1]!;
    expect(bloc.meanReached).toBe(true); // 72: the floor alone fails it
    expect(explainBlocDecision(bloc, THRESHOLDS, { scores })).toBe(
      "Bloc non obtenu : la compétence C2.3 est à 42,0 % (il faut au moins 50 % à chaque compétence).",
    );
    expect(explainBlocDecision(bloc, THRESHOLDS)).toBe(
      "Bloc non obtenu : la compétence C2.3 est sous 50 % (il faut au moins 50 % à chaque compétence).",
    );
    expect(explainBlocDecision(bloc, THRESHOLDS, { scores, competencyName: (code) => `${code} « Négocier »` })).toBe(
      "Bloc non obtenu : la compétence C2.3 « Négocier » est à 42,0 % (il faut au moins 50 % à chaque compétence).",
    );
  });

  it("names several competencies under the floor, and a short mean as well, with exact joint scores", () => {
    const scores = {
      "C2.1": { tenthsNumerator: 899, denominator: 2 }, // 44.95, a joint score
      "C2.2": 48.5,
      "C2.3": 90,
      "C1.1": 0,
      "C1.2": 0,
      "C1.3": 0,
    };
    const bloc = decide({ blocs: BLOCS, scores, thresholds: THRESHOLDS, acquiredBlocCodes: ["B3"] }).blocs[1]!;
    expect(explainBlocDecision(bloc, THRESHOLDS, { scores })).toBe(
      "Bloc non obtenu : la moyenne est de 61,2 % alors qu'il faut au moins 70 %, et les compétences C2.1 (44,95 %) et C2.2 (48,5 %) sont sous 50 % (il faut au moins 50 % à chaque compétence).",
    );
  });

  it("explains a bloc acquired before, and thresholds with a decimal", () => {
    const decision = decideWith({ "C1.1": 80, "C1.2": 80, "C1.3": 80 }, ["B2", "B3"]);
    expect(explainBlocDecision(decision.blocs[1]!, THRESHOLDS)).toBe(
      "Bloc déjà obtenu lors d'une candidature précédente : il reste acquis et n'est pas évalué de nouveau.",
    );
    expect(explainBlocDecision(decision.blocs[0]!, { blocMeanPercent: "75,5", competencyFloorPercent: "60" })).toBe(
      "Bloc obtenu : moyenne de 80,0 % (au moins 75,5 % requis) et toutes les compétences à 60 % ou plus.",
    );
  });
});

describe("explainDeliberationReason", () => {
  it("words each reason of a real comparison", () => {
    const comparison = compareEvaluations({
      blocs: BLOCS,
      tolerancePoints: 15,
      thresholds: THRESHOLDS,
      scoresA: { "C1.1": 45, "C1.2": 98, "C1.3": 70, "C2.1": 70, "C2.2": 70, "C2.3": 70, "C3.1": 92, "C3.2": 80 },
      scoresB: { "C1.1": 55, "C1.2": 84, "C1.3": 68, "C2.1": 70, "C2.2": 70, "C2.3": 69.9, "C3.1": 70, "C3.2": 80 },
    });
    const sentences = comparison.reasons.map((reason) => explainDeliberationReason(reason, { tolerancePoints: 15 }));
    expect(sentences).toEqual([
      "Écart de 22,0 points sur C3.1 (tolérance : 15 points).",
      "Chacun des évaluateurs refuse le bloc 1, mais la moyenne de leurs notes l'accorderait : la délibération doit trancher.",
      "Les deux évaluateurs concluent différemment pour le bloc 2 : l'évaluateur A l'accorde, l'évaluateur B ne l'accorde pas.",
    ]);
  });

  it("gives exact differences and custom names", () => {
    expect(
      explainDeliberationReason(
        { kind: "over_tolerance", competencyCode: "C1.2", difference: { tenthsNumerator: 155, denominator: 1 } },
        { tolerancePoints: "15,0", competencyName: (code) => `la compétence ${code}` },
      ),
    ).toBe("Écart de 15,5 points sur la compétence C1.2 (tolérance : 15 points).");
    expect(
      explainDeliberationReason(
        { kind: "divergent_bloc_outcome", blocCode: "BLOC-A", statusA: "not_awarded", statusB: "awarded" },
        { tolerancePoints: 15, blocNumber: () => "A" },
      ),
    ).toBe(
      "Les deux évaluateurs concluent différemment pour le bloc A : l'évaluateur A ne l'accorde pas, l'évaluateur B l'accorde.",
    );
  });
});

describe("resultSummary and decisionResult", () => {
  const pass = { "C1.1": 80, "C1.2": 80, "C1.3": 80, "C2.1": 80, "C2.2": 80, "C2.3": 80, "C3.1": 80, "C3.2": 80 };

  it("says CQP obtenu only when every bloc is held", () => {
    expect(resultSummary(decideWith(pass))).toBe("CQP obtenu");
    expect(decisionResult(decideWith(pass))).toBe("full");
    const withBefore = decideWith({ "C1.1": 80, "C1.2": 80, "C1.3": 80 }, ["B2", "B3"]);
    expect(resultSummary(withBefore)).toBe("CQP obtenu");
    expect(decisionResult(withBefore)).toBe("full");
  });

  it("names the blocs of a partial validation, never as a certification", () => {
    const partial = decideWith({ ...pass, "C2.3": 42 });
    expect(resultSummary(partial)).toBe("Validation partielle : blocs 1 et 3 obtenus");
    expect(decisionResult(partial)).toBe("partial");
    const one = decideWith({ ...pass, "C2.3": 42, "C3.1": 10 });
    expect(resultSummary(one)).toBe("Validation partielle : bloc 1 obtenu");
    const afterBefore = decideWith({ "C2.1": 80, "C2.2": 80, "C2.3": 80, "C3.1": 10, "C3.2": 80 }, ["B1"]);
    expect(resultSummary(afterBefore)).toBe("Validation partielle : bloc 2 obtenu (bloc 1 déjà acquis)");
    for (const decision of [partial, one, afterBefore]) expect(resultSummary(decision)).not.toMatch(/certifi/i);
  });

  it("says when no bloc is obtained", () => {
    const none = decideWith({ ...pass, "C1.1": 10, "C2.1": 10, "C3.1": 10 });
    expect(resultSummary(none)).toBe("Aucun bloc obtenu");
    expect(decisionResult(none)).toBe("none");
    const noneWithBefore = decideWith({ "C3.1": 10, "C3.2": 80 }, ["B1", "B2"]);
    expect(resultSummary(noneWithBefore)).toBe("Aucun bloc obtenu (blocs 1 et 2 déjà acquis)");
  });
});

describe("helpers", () => {
  it("formats lists, bloc labels and thresholds the French way", () => {
    expect(frenchList([])).toBe("");
    expect(frenchList(["1"])).toBe("1");
    expect(frenchList(["1", "3"])).toBe("1 et 3");
    expect(frenchList(["1", "2", "3"])).toBe("1, 2 et 3");
    expect(blocLabel("B2")).toBe("bloc 2");
    expect(blocLabel("X")).toBe("bloc X");
    expect(formatThreshold(70)).toBe("70");
    expect(formatThreshold("75.5")).toBe("75,5");
  });
});
