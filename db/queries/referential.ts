// Read queries of certifications and their referential versions, assembled into the nested shape pages use.
import type { Kysely, Transaction } from "kysely";
import type { Database, EvaluationKind, ReferentialStatus } from "../schema";

type Db = Kysely<Database> | Transaction<Database>;

export interface ReferentialView {
  id: string;
  version: string;
  status: ReferentialStatus;
  /** ISO 8601, so that the view survives JSON serialisation unchanged. */
  createdAt: string;
  certification: {
    id: string;
    code: string;
    title: string;
    sector: string;
    purpose: string;
    hierarchicalPosition: string;
  };
  rule: {
    blocMeanThresholdPercent: string;
    competencyFloorPercent: string;
    evaluatorTolerancePoints: string;
    text: string;
    weights: { kind: EvaluationKind; label: string; weightPercent: number }[];
  };
  vaeSteps: string[];
  awardStatements: string[];
  blocs: {
    id: string;
    code: string;
    number: number;
    title: string;
    competencies: {
      id: string;
      code: string;
      statement: string;
      activitiesCode: string;
      criteriaHeading: string;
      activities: string[];
      criteria: { id: string; text: string }[];
    }[];
    modalities: {
      rank: number;
      kind: EvaluationKind;
      title: string;
      description: string;
      duration: string;
      location: string;
      evaluators: string;
    }[];
  }[];
}

export interface CertificationSummary {
  code: string;
  title: string;
  sector: string;
  activeVersion: string | null;
}

export async function listCertifications(db: Kysely<Database>): Promise<CertificationSummary[]> {
  const rows = await db
    .selectFrom("certifications as c")
    .leftJoin("referential_versions as rv", (join) =>
      join.onRef("rv.certification_id", "=", "c.id").on("rv.status", "=", "active"),
    )
    .select(["c.code", "c.title", "c.sector", "rv.version as activeVersion"])
    .orderBy("c.title")
    .execute();
  return rows;
}

export async function listReferentialVersions(db: Kysely<Database>) {
  return db
    .selectFrom("referential_versions as rv")
    .innerJoin("certifications as c", "c.id", "rv.certification_id")
    .select([
      "rv.id",
      "rv.version",
      "rv.status",
      "rv.created_at as createdAt",
      "c.code as certificationCode",
      "c.title as certificationTitle",
    ])
    .select((eb) =>
      eb
        .selectFrom("competencies")
        .whereRef("competencies.referential_version_id", "=", "rv.id")
        .select((e) => e.fn.countAll<string>().as("n"))
        .as("competencyCount"),
    )
    .orderBy("c.title")
    .orderBy("rv.created_at", "desc")
    .execute();
}

export async function findActiveReferentialId(db: Kysely<Database>, certificationCode: string): Promise<string | null> {
  const row = await db
    .selectFrom("referential_versions as rv")
    .innerJoin("certifications as c", "c.id", "rv.certification_id")
    .select("rv.id")
    .where("c.code", "=", certificationCode)
    .where("rv.status", "=", "active")
    .executeTakeFirst();
  return row?.id ?? null;
}

/** The whole referential version, or null when the id is unknown (or not a UUID). */
export async function getReferentialVersion(db: Kysely<Database>, id: string): Promise<ReferentialView | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
  const version = await db
    .selectFrom("referential_versions as rv")
    .innerJoin("certifications as c", "c.id", "rv.certification_id")
    .selectAll("rv")
    .select([
      "c.id as c_id",
      "c.code as c_code",
      "c.title as c_title",
      "c.sector as c_sector",
      "c.purpose as c_purpose",
      "c.hierarchical_position as c_hierarchical_position",
    ])
    .where("rv.id", "=", id)
    .executeTakeFirst();
  if (!version) return null;

  const [weights, blocs, competencies, activities, criteria, modalities] = await Promise.all([
    db.selectFrom("evaluation_weights").selectAll().where("referential_version_id", "=", id).execute(),
    db.selectFrom("blocs").selectAll().where("referential_version_id", "=", id).orderBy("number").execute(),
    db.selectFrom("competencies").selectAll().where("referential_version_id", "=", id).orderBy("position").execute(),
    db
      .selectFrom("activities as a")
      .innerJoin("competencies as co", "co.id", "a.competency_id")
      .select(["a.competency_id", "a.text", "a.position"])
      .where("co.referential_version_id", "=", id)
      .orderBy("a.position")
      .execute(),
    db
      .selectFrom("criteria as cr")
      .innerJoin("competencies as co", "co.id", "cr.competency_id")
      .select(["cr.id", "cr.competency_id", "cr.text", "cr.position"])
      .where("co.referential_version_id", "=", id)
      .orderBy("cr.position")
      .execute(),
    db
      .selectFrom("evaluation_modalities as m")
      .innerJoin("blocs as b", "b.id", "m.bloc_id")
      .selectAll("m")
      .where("b.referential_version_id", "=", id)
      .orderBy("m.rank")
      .execute(),
  ]);

  const weightOrder: EvaluationKind[] = ["questionnaire", "tutor_observation", "jury"];
  return {
    id: version.id,
    version: version.version,
    status: version.status,
    createdAt: version.created_at.toISOString(),
    certification: {
      id: version.c_id,
      code: version.c_code,
      title: version.c_title,
      sector: version.c_sector,
      purpose: version.c_purpose,
      hierarchicalPosition: version.c_hierarchical_position,
    },
    rule: {
      blocMeanThresholdPercent: version.bloc_mean_threshold_percent,
      competencyFloorPercent: version.competency_floor_percent,
      evaluatorTolerancePoints: version.evaluator_tolerance_points,
      text: version.validation_rule_text,
      weights: weights
        .sort((a, b) => weightOrder.indexOf(a.kind) - weightOrder.indexOf(b.kind))
        .map((w) => ({ kind: w.kind, label: w.label, weightPercent: w.weight_percent })),
    },
    vaeSteps: version.vae_steps,
    awardStatements: version.award_statements,
    blocs: blocs.map((bloc) => ({
      id: bloc.id,
      code: bloc.code,
      number: bloc.number,
      title: bloc.title,
      competencies: competencies
        .filter((c) => c.bloc_id === bloc.id)
        .map((c) => ({
          id: c.id,
          code: c.code,
          statement: c.statement,
          activitiesCode: c.activities_code,
          criteriaHeading: c.criteria_heading,
          activities: activities.filter((a) => a.competency_id === c.id).map((a) => a.text),
          criteria: criteria.filter((cr) => cr.competency_id === c.id).map((cr) => ({ id: cr.id, text: cr.text })),
        })),
      modalities: modalities
        .filter((m) => m.bloc_id === bloc.id)
        .map((m) => ({
          rank: m.rank,
          kind: m.kind,
          title: m.title,
          description: m.description,
          duration: m.duration,
          location: m.location,
          evaluators: m.evaluators,
        })),
    })),
  };
}

/** Bloc titles and competencies of a referential version, in its order. */
export async function readReferentialBlocs(db: Db, referentialVersionId: string) {
  const blocs = await db
    .selectFrom("blocs")
    .select(["id", "code", "title"])
    .where("referential_version_id", "=", referentialVersionId)
    .orderBy("number")
    .execute();
  const competencies = await db
    .selectFrom("competencies")
    .select(["bloc_id", "code", "statement"])
    .where("referential_version_id", "=", referentialVersionId)
    .orderBy("position")
    .execute();
  return blocs.map((b) => ({
    code: b.code,
    title: b.title,
    competencies: competencies.filter((c) => c.bloc_id === b.id).map((c) => ({ code: c.code, title: c.statement })),
  }));
}
