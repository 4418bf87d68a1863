// The typed shape of a certification referential as written in the repository (see
// cqp-commercial-sedentaire.ts). The seed loads such a definition into the database as one referential version.

export interface CriterionGroupDefinition {
  /** The group's heading in the booklet, e.g. "Qualité du sourcing". */
  heading: string;
  /** Each evaluation criterion of the group, in the booklet's order, without its leading dash or bullet. */
  criteria: string[];
}

export interface CompetencyDefinition {
  /** "C1.1" … "C3.6" */
  code: string;
  /** The competency's full statement, as in the booklet. */
  statement: string;
  /** "A1.1" … "A3.6": the activities group that goes with the competency. */
  activitiesCode: string;
  /** Each activity of the group, in the booklet's order, without its bullet. */
  activities: string[];
  criterionGroup: CriterionGroupDefinition;
}

export interface EvaluationModalityDefinition {
  /** 1-based rank within the bloc, as "Evaluation 1", "Evaluation 2"… in the booklet. */
  rank: number;
  title: string;
  description: string;
  duration: string;
  location: string;
  evaluators: string;
  /**
   * The kind of evaluation, used to attach the weight of the validation rule:
   * "questionnaire" (30 %), "tutor_observation" (20 %), "jury" (50 %).
   */
  kind: "questionnaire" | "tutor_observation" | "jury";
}

export interface BlocDefinition {
  /** "B1", "B2", "B3" */
  code: string;
  /** 1, 2, 3 */
  number: number;
  title: string;
  competencies: CompetencyDefinition[];
  modalities: EvaluationModalityDefinition[];
}

export interface EvaluationWeightDefinition {
  kind: EvaluationModalityDefinition["kind"];
  label: string;
  /** Percent, integer: 30, 20, 50. */
  weightPercent: number;
}

export interface ValidationRuleDefinition {
  /** Inclusive lower bound of a bloc's mean, in percent (70). */
  blocMeanThresholdPercent: number;
  /** Inclusive lower bound of each competency's score within a bloc, in percent (50). */
  competencyFloorPercent: number;
  /** Maximum difference, in points, between the two evaluators' scores of one competency before deliberation (15). */
  evaluatorTolerancePoints: number;
  weights: EvaluationWeightDefinition[];
  /** The booklet's own wording of the rule, shown to users. */
  text: string;
}

export interface VaeRouteDefinition {
  /** The three steps of the VAE route, as in the booklet. */
  steps: string[];
  /** The booklet's closing statements on how the CQP is awarded. */
  awardStatements: string[];
}

export interface CertificationDefinition {
  /** Stable code of the certification, e.g. "CQP-COMMERCIAL-SEDENTAIRE-ALIM". */
  code: string;
  title: string;
  sector: string;
  /** Finalité / fonction of the job. */
  purpose: string;
  hierarchicalPosition: string;
  referential: {
    /** Version label, e.g. "2024-1"; a certification may hold several. */
    version: string;
    blocs: BlocDefinition[];
    validationRule: ValidationRuleDefinition;
    vaeRoute: VaeRouteDefinition;
  };
}
