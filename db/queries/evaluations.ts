// Queries of the evaluators' side: the candidacies a person is assigned to, their draft scores, the deliberation
// entries, the recommendations per bloc, the signatures of the minutes and the stored minutes PDF.
import { type Kysely, type Transaction, sql } from "kysely";
import type { Database } from "../schema";

/**
 * Candidacies whose assigned pair includes this evaluator, most recently changed first. The pair lives in the
 * workflow snapshot (the statechart owns it), so it is read from there.
 */
export async function listAssignedCandidacies(db: Kysely<Database>, evaluatorId: string) {
  const pair = sql`k.snapshot -> 'context' -> 'evaluation' -> 'pair'`;
  return db
    .selectFrom("candidacies as k")
    .innerJoin("users as u", "u.id", "k.candidate_id")
    .innerJoin("certifications as c", "c.id", "k.certification_id")
    .select([
      "k.id",
      "k.state",
      "k.snapshot",
      "k.requested_at as requestedAt",
      "k.created_at as createdAt",
      "k.updated_at as updatedAt",
      "u.full_name as candidateName",
      "c.title as certificationTitle",
      // The deadline of the first filing, as the durable timer holds it (a resubmission does not move it).
      sql<Date | null>`(select t.due_at from timers t where t.candidacy_id = k.id and t.kind = 'EVALUATION_OVERDUE'
        and t.cancelled_at is null order by t.due_at limit 1)`.as("evaluationDueAt"),
      // What is left to score: the competencies of the blocs aimed at, and how many of them this evaluator scored.
      sql<string>`(select count(*) from competencies c join blocs b on b.id = c.bloc_id
        where b.referential_version_id = k.referential_version_id
        and exists (select 1 from jsonb_array_elements_text(k.target_bloc_codes) as t(code) where t.code = b.code))`.as(
        "competencyCount",
      ),
      sql<string>`(select count(*) from evaluation_scores s where s.candidacy_id = k.id
        and s.evaluator_id = ${evaluatorId} and s.score is not null)`.as("scoredCount"),
      sql<boolean>`exists (select 1 from minutes_signatures m where m.candidacy_id = k.id
        and m.evaluator_id = ${evaluatorId})`.as("signedByMe"),
    ])
    .where((eb) =>
      eb.or([
        eb(sql<string>`${pair} ->> 'evaluatorAId'`, "=", evaluatorId),
        eb(sql<string>`${pair} ->> 'evaluatorBId'`, "=", evaluatorId),
      ]),
    )
    .orderBy("k.updated_at", "desc")
    .execute();
}

type Db = Kysely<Database> | Transaction<Database>;

export interface ScoreRow {
  competencyCode: string;
  /** numeric as text ("72.5"), null in a draft without a score yet. */
  score: string | null;
  comment: string;
  criteriaMet: number[];
  updatedAt: Date;
}

/** One evaluator's scores (drafts included) on one candidacy. */
export async function listEvaluatorScores(db: Db, candidacyId: string, evaluatorId: string): Promise<ScoreRow[]> {
  const rows = await db
    .selectFrom("evaluation_scores")
    .select(["competency_code", "score", "comment", "criteria_met", "updated_at"])
    .where("candidacy_id", "=", candidacyId)
    .where("evaluator_id", "=", evaluatorId)
    .execute();
  return rows.map((r) => ({
    competencyCode: r.competency_code,
    score: r.score,
    comment: r.comment,
    criteriaMet: r.criteria_met,
    updatedAt: r.updated_at,
  }));
}

/** Creates or replaces draft scores (one row per competency); the caller holds the candidacy's row lock. */
export async function upsertEvaluatorScores(
  trx: Transaction<Database>,
  candidacyId: string,
  evaluatorId: string,
  rows: Array<{ competencyCode: string; score: string | null; comment: string; criteriaMet: number[] }>,
  at: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto("evaluation_scores")
    .values(
      rows.map((r) => ({
        candidacy_id: candidacyId,
        evaluator_id: evaluatorId,
        competency_code: r.competencyCode,
        score: r.score,
        comment: r.comment,
        criteria_met: JSON.stringify(r.criteriaMet),
        updated_at: at,
      })),
    )
    .onConflict((oc) =>
      oc.columns(["candidacy_id", "evaluator_id", "competency_code"]).doUpdateSet((eb) => ({
        score: eb.ref("excluded.score"),
        comment: eb.ref("excluded.comment"),
        criteria_met: eb.ref("excluded.criteria_met"),
        updated_at: eb.ref("excluded.updated_at"),
      })),
    )
    .execute();
}

export interface DeliberationEntry {
  id: string;
  competencyCode: string;
  authorId: string;
  authorName: string;
  kind: "proposal" | "casting_vote";
  score: string;
  comment: string;
  createdAt: Date;
}

/** Every proposal and casting vote of a candidacy's deliberation, oldest first. */
export async function listDeliberationEntries(db: Db, candidacyId: string): Promise<DeliberationEntry[]> {
  return db
    .selectFrom("deliberation_entries as d")
    .innerJoin("users as u", "u.id", "d.author_id")
    .select([
      "d.id",
      "d.competency_code as competencyCode",
      "d.author_id as authorId",
      "u.full_name as authorName",
      "d.kind",
      "d.score",
      "d.comment",
      "d.created_at as createdAt",
    ])
    .where("d.candidacy_id", "=", candidacyId)
    .orderBy("d.created_at")
    .orderBy("d.id")
    .execute();
}

export async function insertDeliberationEntries(
  trx: Transaction<Database>,
  entries: Array<{
    candidacyId: string;
    competencyCode: string;
    authorId: string;
    kind: "proposal" | "casting_vote";
    score: string;
    comment: string;
    createdAt: Date;
  }>,
): Promise<void> {
  if (entries.length === 0) return;
  await trx
    .insertInto("deliberation_entries")
    .values(
      entries.map((e) => ({
        candidacy_id: e.candidacyId,
        competency_code: e.competencyCode,
        author_id: e.authorId,
        kind: e.kind,
        score: e.score,
        comment: e.comment,
        created_at: e.createdAt,
      })),
    )
    .execute();
}

export async function listRecommendations(db: Db, candidacyId: string) {
  return db
    .selectFrom("bloc_recommendations as r")
    .innerJoin("users as u", "u.id", "r.updated_by")
    .select(["r.bloc_code as blocCode", "r.text", "u.full_name as updatedByName", "r.updated_at as updatedAt"])
    .where("r.candidacy_id", "=", candidacyId)
    .execute();
}

export async function upsertRecommendations(
  trx: Transaction<Database>,
  candidacyId: string,
  texts: Record<string, string>,
  by: string,
  at: Date,
): Promise<void> {
  const rows = Object.entries(texts).map(([blocCode, text]) => ({
    candidacy_id: candidacyId,
    bloc_code: blocCode,
    text,
    updated_by: by,
    updated_at: at,
  }));
  if (rows.length === 0) return;
  await trx
    .insertInto("bloc_recommendations")
    .values(rows)
    .onConflict((oc) =>
      oc.columns(["candidacy_id", "bloc_code"]).doUpdateSet((eb) => ({
        text: eb.ref("excluded.text"),
        updated_by: eb.ref("excluded.updated_by"),
        updated_at: eb.ref("excluded.updated_at"),
      })),
    )
    .execute();
}

export async function listMinutesSignatures(db: Db, candidacyId: string) {
  return db
    .selectFrom("minutes_signatures")
    .select(["evaluator_id as evaluatorId", "slot", "full_name as fullName", "email", "signed_at as signedAt", "ip"])
    .where("candidacy_id", "=", candidacyId)
    .orderBy("slot")
    .execute();
}

export async function insertMinutesSignature(
  trx: Transaction<Database>,
  row: {
    candidacyId: string;
    evaluatorId: string;
    slot: "A" | "B";
    fullName: string;
    email: string;
    signedAt: Date;
    ip: string | null;
  },
): Promise<void> {
  await trx
    .insertInto("minutes_signatures")
    .values({
      candidacy_id: row.candidacyId,
      evaluator_id: row.evaluatorId,
      slot: row.slot,
      full_name: row.fullName,
      email: row.email,
      signed_at: row.signedAt,
      ip: row.ip,
    })
    .execute();
}

export async function getMinutesDocument(db: Db, candidacyId: string) {
  return db
    .selectFrom("minutes_documents")
    .select(["storage_key as storageKey", "sha256", "size_bytes as sizeBytes", "created_at as createdAt"])
    .where("candidacy_id", "=", candidacyId)
    .executeTakeFirst();
}

/** Records the stored minutes PDF once; a second delivery of the same outbox message changes nothing. */
export async function insertMinutesDocument(
  db: Db,
  row: { candidacyId: string; storageKey: string; sha256: string; sizeBytes: number; createdAt: Date },
): Promise<void> {
  await db
    .insertInto("minutes_documents")
    .values({
      candidacy_id: row.candidacyId,
      storage_key: row.storageKey,
      sha256: row.sha256,
      size_bytes: row.sizeBytes,
      created_at: row.createdAt,
    })
    .onConflict((oc) => oc.column("candidacy_id").doNothing())
    .execute();
}
