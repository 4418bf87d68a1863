// What the validation and result pages read: the recorded decision's referential (blocs, competencies, thresholds),
// the blocs a candidate holds, the minutes' signatures, document and the pair's recommendations, and the requests a
// candidate filed in a calendar year (R335-7).
import { type Kysely, type Transaction, sql } from "kysely";
import type { Database } from "../schema";

type Db = Kysely<Database> | Transaction<Database>;

/** The referential version's blocs, each with its competencies, in the referential's order, and its thresholds. */
export async function readReferentialForResult(db: Db, referentialVersionId: string) {
  const version = await db
    .selectFrom("referential_versions")
    .select(["bloc_mean_threshold_percent", "competency_floor_percent"])
    .where("id", "=", referentialVersionId)
    .executeTakeFirstOrThrow();
  const blocs = await db
    .selectFrom("blocs")
    .select(["id", "code", "title"])
    .where("referential_version_id", "=", referentialVersionId)
    .orderBy("number")
    .execute();
  const competencies = await db
    .selectFrom("competencies")
    .select(["bloc_id", "code", "statement as title"])
    .where("referential_version_id", "=", referentialVersionId)
    .orderBy("position")
    .execute();
  return {
    thresholds: {
      blocMeanPercent: version.bloc_mean_threshold_percent,
      competencyFloorPercent: version.competency_floor_percent,
    },
    blocs: blocs.map((b) => ({
      code: b.code,
      title: b.title,
      competencies: competencies.filter((c) => c.bloc_id === b.id).map((c) => ({ code: c.code, title: c.title })),
    })),
  };
}

/** The blocs a candidate holds for good for a certification: awarded by a validated decision or proved otherwise. */
export async function listAcquiredBlocs(db: Db, candidateId: string, certificationId: string) {
  return db
    .selectFrom("acquired_blocs")
    .select(["bloc_code as blocCode", "source", "candidacy_id as candidacyId", "acquired_at as acquiredAt"])
    .where("candidate_id", "=", candidateId)
    .where("certification_id", "=", certificationId)
    .orderBy("bloc_code")
    .execute();
}

/** Whether a table exists yet (tables of features that land separately are read only once they do). */
async function tableExists(db: Db, table: string): Promise<boolean> {
  const { rows } = await sql<{ found: string | null }>`select to_regclass(${`public.${table}`})::text as found`.execute(
    db,
  );
  return Boolean(rows[0]?.found);
}

/** The pair's recommendations to the candidate, per bloc not awarded. */
export async function listBlocRecommendations(db: Db, candidacyId: string): Promise<Record<string, string>> {
  if (!(await tableExists(db, "bloc_recommendations"))) return {};
  const { rows } = await sql<{ bloc_code: string; text: string }>`
    select bloc_code, text from bloc_recommendations where candidacy_id = ${candidacyId}::uuid`.execute(db);
  return Object.fromEntries(rows.filter((r) => r.text.trim() !== "").map((r) => [r.bloc_code, r.text.trim()]));
}

export interface MinutesSignature {
  slot: "A" | "B";
  fullName: string;
  email: string;
  signedAt: Date;
}

/** The evaluators' signatures of the minutes, with the identity and time each signed with. */
export async function listMinutesSignatures(db: Db, candidacyId: string): Promise<MinutesSignature[]> {
  if (!(await tableExists(db, "minutes_signatures"))) return [];
  const { rows } = await sql<{ slot: "A" | "B"; full_name: string; email: string; signed_at: Date | string }>`
    select slot, full_name, email, signed_at from minutes_signatures
    where candidacy_id = ${candidacyId}::uuid order by slot`.execute(db);
  return rows.map((r) => ({ slot: r.slot, fullName: r.full_name, email: r.email, signedAt: new Date(r.signed_at) }));
}

/** The stored PDF of the signed minutes, if it has been produced. */
export async function findMinutesDocument(db: Db, candidacyId: string) {
  if (!(await tableExists(db, "minutes_documents"))) return undefined;
  const { rows } = await sql<{ sha256: string; size_bytes: number | string; created_at: Date | string }>`
    select sha256, size_bytes, created_at from minutes_documents where candidacy_id = ${candidacyId}::uuid`.execute(db);
  const row = rows[0];
  return row
    ? { sha256: row.sha256, sizeBytes: Number(row.size_bytes), createdAt: new Date(row.created_at) }
    : undefined;
}

/** The certifications of the admissibility requests a candidate filed in a calendar year (France), one per request. */
export async function listRequestsFiledInYear(db: Db, candidateId: string, year: number) {
  const rows = await db
    .selectFrom("candidacies")
    .select("certification_id")
    .where("candidate_id", "=", candidateId)
    .where("request_year", "=", year)
    .execute();
  return rows.map((r) => r.certification_id);
}

/** The candidate's other candidacies for a certification, newest first (a new one for the missing blocs is here). */
export async function listSiblingCandidacies(db: Db, candidateId: string, certificationId: string, exceptId: string) {
  return db
    .selectFrom("candidacies")
    .select(["id", "state", "target_bloc_codes as targetBlocCodes", "created_at as createdAt"])
    .where("candidate_id", "=", candidateId)
    .where("certification_id", "=", certificationId)
    .where("id", "!=", exceptId)
    .orderBy("created_at", "desc")
    .execute();
}

/** The certifications of which a candidate holds every bloc of the active referential: nothing left to validate. */
export async function listCertificationsFullyHeld(db: Db, candidateId: string): Promise<string[]> {
  const { rows } = await sql<{ code: string }>`
    select c.code from certifications c
    join referential_versions rv on rv.certification_id = c.id and rv.status = 'active'
    where exists (select 1 from acquired_blocs a where a.candidate_id = ${candidateId}::uuid and a.certification_id = c.id)
      and not exists (
        select 1 from blocs b where b.referential_version_id = rv.id and not exists (
          select 1 from acquired_blocs a
          where a.candidate_id = ${candidateId}::uuid and a.certification_id = c.id and a.bloc_code = b.code))`.execute(
    db,
  );
  return rows.map((r) => r.code);
}

/** Names and e-mails of some users (the evaluators who signed, when the minutes' own rows are not there). */
export async function listUserIdentities(db: Db, userIds: string[]) {
  if (userIds.length === 0) return [];
  return db.selectFrom("users").select(["id", "full_name as fullName", "email"]).where("id", "in", userIds).execute();
}
