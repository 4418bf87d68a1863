// The decision explained in plain French, for candidates, evaluators and staff who are not computer experts: one
// sentence per bloc (mean against the threshold, competencies under the floor), one per reason for deliberation,
// and a one-line summary of the result. Used by the comparison, validation and result pages and the result e-mail,
// so that everyone reads the same words. Pure: numbers come from the decision itself, formatted with a French comma.

import {
  type BlocDecision,
  type Decision,
  type DecisionThresholds,
  type DeliberationReason,
  formatScore,
  type ScoreInput,
} from "./decision";

export interface ExplanationOptions {
  /**
   * The scores the decision was taken on (joint or settled scores), to give each competency under the floor its
   * score ("la compétence C2.3 est à 42,0 %"). Without them the sentence only says it is under the floor.
   */
  readonly scores?: Readonly<Record<string, ScoreInput | null | undefined>>;
  /** How to name a competency; defaults to its code ("C2.3"). */
  readonly competencyName?: (code: string) => string;
}

export interface BlocNaming {
  /** The bloc's number as people say it ("B2" → "2"); defaults to the code without its leading "B". */
  readonly blocNumber?: (code: string) => string;
}

/** "B2" → "2": the booklet says "bloc 2", the code says "B2". */
function defaultBlocNumber(code: string): string {
  const match = /^B(\d+)$/i.exec(code);
  return match?.[1] ?? code;
}

/** "bloc 2". */
export function blocLabel(code: string, naming: BlocNaming = {}): string {
  return `bloc ${(naming.blocNumber ?? defaultBlocNumber)(code)}`;
}

/** French list: "1", "1 et 3", "1, 2 et 3". */
export function frenchList(items: ReadonlyArray<string>): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} et ${items[items.length - 1]}`;
}

/** A threshold or tolerance as people write it: 70 → "70", "75.5" → "75,5" (no useless ",0"). */
export function formatThreshold(value: number | string): string {
  return formatScore(value).replace(/,0$/, "");
}

function competencyScore(code: string, options: ExplanationOptions): string | null {
  const score = options.scores?.[code];
  if (score === undefined || score === null) return null;
  return `${formatScore(score)} %`;
}

function underFloorClause(bloc: BlocDecision, floor: string, options: ExplanationOptions): string {
  const name = options.competencyName ?? ((code: string) => code);
  const rule = `(il faut au moins ${floor} % à chaque compétence)`;
  const codes = bloc.competenciesUnderFloor;
  if (codes.length === 1) {
    const code = codes[0] as string;
    const score = competencyScore(code, options);
    return score === null
      ? `la compétence ${name(code)} est sous ${floor} % ${rule}`
      : `la compétence ${name(code)} est à ${score} ${rule}`;
  }
  const items = codes.map((code) => {
    const score = competencyScore(code, options);
    return score === null ? name(code) : `${name(code)} (${score})`;
  });
  return `les compétences ${frenchList(items)} sont sous ${floor} % ${rule}`;
}

/**
 * One or two sentences saying why a bloc is awarded or not:
 * "Bloc obtenu : moyenne de 74,3 % (au moins 70 % requis) et toutes les compétences à 50 % ou plus."
 * "Bloc non obtenu : la moyenne est de 66,1 % alors qu'il faut au moins 70 %."
 * "Bloc non obtenu : la compétence C2.3 est à 42,0 % (il faut au moins 50 % à chaque compétence)."
 * The mean is the decision's own display, which never rounds a mean that misses the threshold up to it.
 */
export function explainBlocDecision(
  bloc: BlocDecision,
  thresholds: DecisionThresholds,
  options: ExplanationOptions = {},
): string {
  const threshold = formatThreshold(thresholds.blocMeanPercent);
  const floor = formatThreshold(thresholds.competencyFloorPercent);
  if (bloc.status === "acquired_before") {
    return "Bloc déjà obtenu lors d'une candidature précédente : il reste acquis et n'est pas évalué de nouveau.";
  }
  const mean = bloc.mean?.display ?? "";
  if (bloc.status === "awarded") {
    return `Bloc obtenu : moyenne de ${mean} % (au moins ${threshold} % requis) et toutes les compétences à ${floor} % ou plus.`;
  }
  const meanClause = `la moyenne est de ${mean} % alors qu'il faut au moins ${threshold} %`;
  if (bloc.competenciesUnderFloor.length === 0) return `Bloc non obtenu : ${meanClause}.`;
  const floorClause = underFloorClause(bloc, floor, options);
  if (bloc.meanReached) return `Bloc non obtenu : ${floorClause}.`;
  return `Bloc non obtenu : ${meanClause}, et ${floorClause}.`;
}

export interface ReasonOptions extends BlocNaming {
  /** The referential's tolerance between the two evaluators, in points (15). */
  readonly tolerancePoints: number | string;
  /** How to name a competency; defaults to its code ("C1.2"). */
  readonly competencyName?: (code: string) => string;
}

/**
 * Why the pair must deliberate, in one sentence:
 * "Écart de 22,0 points sur C1.2 (tolérance : 15 points)."
 * "Les deux évaluateurs concluent différemment pour le bloc 2 : l'évaluateur A l'accorde, l'évaluateur B ne l'accorde pas."
 * "Chacun des évaluateurs refuse le bloc 1, mais la moyenne de leurs notes l'accorderait : la délibération doit trancher."
 */
export function explainDeliberationReason(reason: DeliberationReason, options: ReasonOptions): string {
  switch (reason.kind) {
    case "over_tolerance": {
      const name = options.competencyName ?? ((code: string) => code);
      return `Écart de ${formatScore(reason.difference)} points sur ${name(reason.competencyCode)} (tolérance : ${formatThreshold(options.tolerancePoints)} points).`;
    }
    case "divergent_bloc_outcome": {
      const verdict = (status: "awarded" | "not_awarded") => (status === "awarded" ? "l'accorde" : "ne l'accorde pas");
      return `Les deux évaluateurs concluent différemment pour le ${blocLabel(reason.blocCode, options)} : l'évaluateur A ${verdict(reason.statusA)}, l'évaluateur B ${verdict(reason.statusB)}.`;
    }
    case "joint_outcome_differs": {
      const bloc = blocLabel(reason.blocCode, options);
      // Both failing while the means award is the only case that occurs (see DeliberationReason); the converse is
      // worded too so that the function is total.
      return reason.statusJoint === "awarded"
        ? `Chacun des évaluateurs refuse le ${bloc}, mais la moyenne de leurs notes l'accorderait : la délibération doit trancher.`
        : `Chacun des évaluateurs accorde le ${bloc}, mais la moyenne de leurs notes ne l'accorderait pas : la délibération doit trancher.`;
    }
  }
}

/** The kind of result, as the candidacy records it: the whole CQP, some blocs, or none. */
export function decisionResult(decision: Decision): "full" | "partial" | "none" {
  if (decision.certificationAwarded) return "full";
  return decision.awardedBlocCodes.length > 0 ? "partial" : "none";
}

/**
 * The result in a few words, for headings, lists and e-mail subjects: "CQP obtenu", "Validation partielle :
 * blocs 1 et 3 obtenus", "Aucun bloc obtenu". A partial result never reads as a certification.
 */
export function resultSummary(decision: Decision, naming: BlocNaming = {}): string {
  const numbers = (codes: ReadonlyArray<string>) => codes.map((code) => (naming.blocNumber ?? defaultBlocNumber)(code));
  if (decision.certificationAwarded) return "CQP obtenu";
  const acquiredBefore = decision.blocs.filter((bloc) => bloc.status === "acquired_before").map((bloc) => bloc.code);
  const before =
    acquiredBefore.length === 0
      ? ""
      : ` (${acquiredBefore.length === 1 ? "bloc" : "blocs"} ${frenchList(numbers(acquiredBefore))} déjà acquis)`;
  const awarded = decision.awardedBlocCodes;
  if (awarded.length === 0) return `Aucun bloc obtenu${before}`;
  const plural = awarded.length > 1;
  return `Validation partielle : ${plural ? "blocs" : "bloc"} ${frenchList(numbers(awarded))} ${plural ? "obtenus" : "obtenu"}${before}`;
}
