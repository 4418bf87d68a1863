import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it, expect } from "vitest";
import { cqpCommercialSedentaire } from "./cqp-commercial-sedentaire";

const referential = cqpCommercialSedentaire.referential;
const blocs = referential.blocs;
const competencies = blocs.flatMap((bloc) => bloc.competencies);

const rawBooklet = readFileSync(
  fileURLToPath(new URL("./booklet/cqp-commercial-sedentaire.txt", import.meta.url)),
  "utf8",
);

/** Strips HTML tags (each replaced by a space) and collapses runs of whitespace to one space. */
function normalise(text: string): string {
  return text
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

const booklet = normalise(rawBooklet);

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** The booklet's table row (one line of the file) of an activities group, split into its three columns. */
function bookletRow(activitiesCode: string): { activities: string; competency: string; evaluation: string } {
  const line = rawBooklet.split("\n").find((l) => new RegExp(`^<b>Activités ${activitiesCode}\\b`).test(l));
  if (!line) throw new Error(`no row for ${activitiesCode} in the booklet`);
  const [activities, competency, evaluation] = line.split("\t");
  if (activities === undefined || competency === undefined || evaluation === undefined) {
    throw new Error(`row ${activitiesCode} does not have three columns`);
  }
  return { activities, competency, evaluation };
}

function countListItems(html: string): number {
  return html.match(/<li>/g)?.length ?? 0;
}

/** The items of a booklet list, normalised and without their leading "•" or "- " bullet. */
function listItems(html: string): string[] {
  return [...html.matchAll(/<li>(.*?)<\/li>/g)].map((m) => normalise(m[1] ?? "").replace(/^(•|-)\s+/, ""));
}

describe("cqpCommercialSedentaire: structure", () => {
  it("has the certification's identity", () => {
    expect(cqpCommercialSedentaire.code).toBe("CQP-COMMERCIAL-SEDENTAIRE-ALIM");
    expect(cqpCommercialSedentaire.title).toBe("Commercial sédentaire du secteur alimentaire");
    expect(cqpCommercialSedentaire.sector).toBe("Filière Alimentaire");
    expect(cqpCommercialSedentaire.hierarchicalPosition).toBe("Sous la responsabilité du directeur commercial");
    expect(referential.version).toBe("2024-1");
  });

  it("has 3 blocs of 7, 6 and 6 competencies, in order", () => {
    expect(blocs.map((b) => b.code)).toEqual(["B1", "B2", "B3"]);
    expect(blocs.map((b) => b.number)).toEqual([1, 2, 3]);
    expect(blocs.map((b) => b.title)).toEqual([
      "Développer l'activité commerciale de l'entreprise",
      "Suivre et développer la relation client",
      "Gérer les commandes clients et la livraison des produits",
    ]);
    expect(blocs.map((b) => b.competencies.length)).toEqual([7, 6, 6]);
    const expectedCodes = [
      ...[1, 2, 3, 4, 5, 6, 7].map((i) => `1.${i}`),
      ...[1, 2, 3, 4, 5, 6].map((i) => `2.${i}`),
      ...[1, 2, 3, 4, 5, 6].map((i) => `3.${i}`),
    ];
    expect(competencies.map((c) => c.code)).toEqual(expectedCodes.map((n) => `C${n}`));
    expect(competencies.map((c) => c.activitiesCode)).toEqual(expectedCodes.map((n) => `A${n}`));
    for (const bloc of blocs) {
      for (const competency of bloc.competencies) {
        expect(competency.code.startsWith(`C${bloc.number}.`)).toBe(true);
      }
    }
  });

  it("gives every competency a statement, ≥ 2 activities, a heading and ≥ 2 criteria, all trimmed and without bullets", () => {
    for (const c of competencies) {
      expect(c.statement.length, c.code).toBeGreaterThan(0);
      expect(c.activities.length, c.code).toBeGreaterThanOrEqual(2);
      expect(c.criterionGroup.heading.length, c.code).toBeGreaterThan(0);
      expect(c.criterionGroup.criteria.length, c.code).toBeGreaterThanOrEqual(2);
      for (const text of [c.statement, ...c.activities, c.criterionGroup.heading, ...c.criterionGroup.criteria]) {
        expect(text, c.code).toBe(text.trim());
        expect(text, c.code).not.toMatch(/^(•|-|\*|C\d\.\d|A\d\.\d)/);
        expect(text, c.code).not.toMatch(/[<>]/);
      }
    }
  });

  it("has 4, 3 and 3 evaluation modalities, ranked and of the right kinds", () => {
    expect(blocs.map((b) => b.modalities.length)).toEqual([4, 3, 3]);
    expect(blocs.map((b) => b.modalities.map((m) => m.rank))).toEqual([
      [1, 2, 3, 4],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(blocs.map((b) => b.modalities.map((m) => m.kind))).toEqual([
      ["questionnaire", "tutor_observation", "jury", "jury"],
      ["questionnaire", "tutor_observation", "jury"],
      ["questionnaire", "tutor_observation", "jury"],
    ]);
    for (const bloc of blocs) {
      const [questionnaire, tutor, ...juries] = bloc.modalities;
      expect(questionnaire?.title).toBe("Questionnaire à visée professionnelle");
      expect(questionnaire?.duration).toBe("10 à 15 minutes");
      expect(questionnaire?.evaluators).toBe("correction automatique par la plateforme Ev'Alim");
      expect(tutor?.duration).toBe("tout au long de la démarche CQP du candidat");
      expect(tutor?.location).toBe("en entreprise");
      expect(tutor?.evaluators).toBe("tuteur");
      for (const jury of juries) {
        expect(jury.evaluators).toBe(
          "2 professionnels métiers extérieurs à l'entreprise, ne connaissant pas le candidat",
        );
      }
    }
  });

  it("has the validation rule's thresholds and weights summing to 100", () => {
    const rule = referential.validationRule;
    expect(rule.blocMeanThresholdPercent).toBe(70);
    expect(rule.competencyFloorPercent).toBe(50);
    expect(rule.evaluatorTolerancePoints).toBe(15);
    expect(rule.weights).toEqual([
      { kind: "questionnaire", label: "Questionnaire à visée professionnelle", weightPercent: 30 },
      { kind: "tutor_observation", label: "Observation au poste par le tuteur", weightPercent: 20 },
      { kind: "jury", label: "Entretien avec le jury d'évaluation", weightPercent: 50 },
    ]);
    expect(rule.weights.reduce((sum, w) => sum + w.weightPercent, 0)).toBe(100);
  });

  it("has the three VAE steps and the two award statements", () => {
    expect(referential.vaeRoute.steps).toHaveLength(3);
    expect(referential.vaeRoute.awardStatements).toHaveLength(2);
  });
});

describe("cqpCommercialSedentaire: sample texts", () => {
  const byCode = new Map(competencies.map((c) => [c.code, c]));

  it("has C1.2's full statement and its heading", () => {
    expect(byCode.get("C1.2")?.statement).toBe(
      "Sourcer de nouveaux clients en définissant la clientèle cible et en analysant le marché (positionnement de la concurrence, politique de prix...) et en utilisant les outils de prospection à disposition afin d'enrichir sa base de données de contacts qualifiés.",
    );
    expect(byCode.get("C1.2")?.criterionGroup.heading).toBe("Qualité du sourcing");
    expect(byCode.get("C1.1")?.criterionGroup.heading).toBe("L'exécution de la stratégie commerciale est efficiente");
  });

  it("has C3.6's statement", () => {
    expect(byCode.get("C3.6")?.statement).toBe(
      "Gérer les problématiques survenues lors des commandes et livraisons client en faisant preuve de réactivité afin de pérenniser la relation client.",
    );
  });

  it("has one activity and one criterion of each bloc", () => {
    // Bloc 1 (activities bulleted "•", criteria dashed).
    expect(byCode.get("C1.1")?.activities[1]).toBe("Echange avec son n+1 à l'occasion d'un accompagnement spécifique");
    expect(byCode.get("C1.4")?.criterionGroup.criteria[0]).toBe(
      "Des outils d'analyse sont utilisés par le candidat (SONCASE...)",
    );
    // Bloc 2 (C2.1–C2.3 have no bullets at all in the booklet).
    expect(byCode.get("C2.5")?.activities[3]).toBe(
      "Mobilisation des services concernés le cas échéant : achat - production - livraison ...",
    );
    expect(byCode.get("C2.1")?.criterionGroup.criteria[2]).toBe("Un suivi régulier est réalisé par le candidat");
    // Bloc 3 (activities dashed "- ").
    expect(byCode.get("C3.6")?.activities[2]).toBe("Analyse des problématiques survenues : cause, impact ..");
    expect(byCode.get("C3.2")?.criterionGroup.criteria[2]).toBe(
      "Une réponse est apportée au client, par téléphone ou par email.",
    );
  });

  it("has the closing statements verbatim", () => {
    expect(referential.vaeRoute.awardStatements).toEqual([
      "L'attribution du CQP suppose que pour chaque bloc de compétences, le candidat ait atteint au minimum un seuil d'évaluation de 70%.",
      "Le CQP est validé sur le candidat obtient tous les blocs de compétences",
    ]);
  });
});

describe("cqpCommercialSedentaire: every text is the booklet's", () => {
  it("has the booklet copied in the repository", () => {
    expect(rawBooklet).toContain("# COMMERCIAL SEDENTAIRE du secteur alimentaire");
    // The OCR typo fixed in bloc 3's title is indeed the booklet's: the title is kept as on the other pages.
    expect(rawBooklet).toContain("BLOC n°3 – G2rer les commandes clients et la livraison des produits");
  });

  it("has the purpose, the hierarchical position and the bloc titles", () => {
    expect(booklet).toContain(`### Finalité / Fonction ${cqpCommercialSedentaire.purpose}`);
    expect(booklet).toContain(`#### Situation hiérarchique ${cqpCommercialSedentaire.hierarchicalPosition}`);
    for (const bloc of blocs) {
      expect(booklet).toContain(`#### Bloc de compétences ${bloc.number} ${bloc.title}`);
      expect(booklet).toMatch(new RegExp(`BLOC n°${bloc.number} [-–] ${bloc.title}`));
    }
  });

  it("finds every statement, activity, heading and criterion in the booklet", () => {
    const missing: string[] = [];
    for (const c of competencies) {
      for (const text of [c.statement, ...c.activities, c.criterionGroup.heading, ...c.criterionGroup.criteria]) {
        if (!booklet.includes(normalise(text))) missing.push(`${c.code}: ${text}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("finds each competency's texts in its own row of the booklet, complete and in order", () => {
    const rows = rawBooklet.split("\n").filter((l) => /^<b>Activités A\d\.\d/.test(l));
    expect(rows).toHaveLength(competencies.length);
    for (const c of competencies) {
      const row = bookletRow(c.activitiesCode);
      // Statement, prefixed by its code ("<b>C1.1 :</b> …" or "<b>C1.3</b> : …").
      expect(normalise(row.competency), c.code).toBe(`${c.code} : ${c.statement}`);
      // Activities: one per list item, nothing left out, in order.
      expect(countListItems(row.activities), c.code).toBe(c.activities.length);
      expect(listItems(row.activities), c.code).toEqual(c.activities);
      // Heading (the bold text) then criteria, one per list item, in order.
      expect(row.evaluation.match(/<b>(.*?)<\/b>/)?.[1]?.trim(), c.code).toBe(c.criterionGroup.heading);
      expect(countListItems(row.evaluation), c.code).toBe(c.criterionGroup.criteria.length);
      expect(listItems(row.evaluation), c.code).toEqual(c.criterionGroup.criteria);
    }
  });

  it("finds every evaluation modality's texts in the booklet", () => {
    const missing: string[] = [];
    for (const bloc of blocs) {
      for (const m of bloc.modalities) {
        // Exception: titles are capitalised; the booklet sometimes starts them in lower case.
        const titleFound = [m.title, lowerFirst(m.title)].some((t) => booklet.includes(`Evaluation ${m.rank} : ${t}`));
        if (!titleFound) missing.push(`B${bloc.number} evaluation ${m.rank} title: ${m.title}`);
        const texts = [
          `Evaluation ${m.rank} : ${lowerFirst(m.title)} ${m.description}`,
          `: ${m.duration} Lieu de l'évaluation : ${m.location} Evaluateur : ${m.evaluators}`,
        ];
        for (const text of texts) {
          const found = booklet.includes(text) || booklet.includes(text.replace(lowerFirst(m.title), m.title));
          if (!found) missing.push(`B${bloc.number} evaluation ${m.rank}: ${text}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("has the validation rule's wording, its two bullet points joined into one sentence", () => {
    // Exception: the booklet sets the two conditions as bullet points; the data joins them after the colon, so the
    // second piece starts in lower case ("une moyenne pondérée …"). Each piece is checked on its own.
    const pieces = [
      "Pour obtenir un CQP ou un bloc de compétences le composant, le candidat doit obtenir :",
      "Une moyenne pondérée supérieure ou égale à 70% de maîtrise des compétences pour la délivrance d'un bloc de compétences ou pour chacun des blocs composant le CQP pour la délivrance de ce dernier",
      "et 50 % de maîtrise de chacune des compétences prises isolément au sein d'un bloc.",
    ];
    for (const piece of pieces) expect(booklet).toContain(piece);
    expect(referential.validationRule.text).toBe(`${pieces[0]} ${lowerFirst(pieces[1] ?? "")} ${pieces[2]}`);
    expect(booklet).toContain("30% pour le questionnaire à visée professionnelle");
    expect(booklet).toContain("20% pour l'observation au poste par le tuteur");
    expect(booklet).toContain("50% pour l'entretien avec le jury d'évaluation");
  });

  it("has the VAE steps and the award statements", () => {
    // Exception: the steps are stored without the list punctuation that ends them in the booklet (" ;", ".").
    expect(booklet).toContain(
      `La délivrance des CQP du secteur alimentaire par la voie de la VAE s'opère en 3 étapes : - ${referential.vaeRoute.steps.join(
        " ; - ",
      )}.`,
    );
    for (const statement of referential.vaeRoute.awardStatements) {
      expect(booklet).toContain(normalise(statement));
    }
  });
});
