// The bloc's mean as the evaluator types, with the exact rule of workflows/decision.ts (display only: the decision
// is computed on the server from the transmitted scores). Announced politely to screen readers.
import { decide } from "../../workflows/decision";

export function LiveBlocMean({
  blocCode,
  competencyCodes,
  scores,
  thresholds,
}: {
  blocCode: string;
  competencyCodes: string[];
  scores: Record<string, string>;
  thresholds: { blocMeanPercent: string; competencyFloorPercent: string };
}) {
  const typed = competencyCodes.filter((code) => (scores[code] ?? "").trim() !== "");
  let text: string;
  if (typed.length < competencyCodes.length) {
    text = `Moyenne du bloc selon vos notes : à compléter (${typed.length}/${competencyCodes.length} compétences notées).`;
  } else {
    try {
      const decision = decide({
        blocs: [{ code: blocCode, competencyCodes }],
        scores: Object.fromEntries(competencyCodes.map((code) => [code, scores[code]!.trim()])),
        thresholds,
        acquiredBlocCodes: [],
      });
      const bloc = decision.blocs[0]!;
      const under = bloc.competenciesUnderFloor;
      text =
        `Moyenne du bloc selon vos notes : ${bloc.mean?.display} % — ` +
        (bloc.status === "awarded"
          ? "bloc validé selon vos notes."
          : `bloc non validé selon vos notes${under.length > 0 ? ` (sous ${thresholds.competencyFloorPercent} % : ${under.join(", ")})` : ` (moyenne sous ${thresholds.blocMeanPercent} %)`}.`);
    } catch {
      text = "Moyenne du bloc selon vos notes : une note n'est pas valide (0 à 100, une décimale au plus).";
    }
  }
  return (
    <p className="bloc-mean" aria-live="polite" data-testid={`mean-${blocCode}`}>
      {text}
    </p>
  );
}
