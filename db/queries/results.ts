// What the validation and result pages read besides the minutes (db/queries/evaluations.ts): the recorded decision's
// referential (blocs, competencies, thresholds), the blocs a candidate holds, and the requests a candidate filed in a
// calendar year (R335-7).
import { type Kysely, type Transaction, sql } from "kysely";
import type { Database } from "../schema";
import { readReferentialBlocs } from "./referential";

type Db = Kysely<Database> | Transaction<Database>;

/** The referential version's blocs, each with its competencies, in the referential's order, and its thresholds. */
export async function readReferentialForResult(db: Db, referentialVersionId: string) {
  const version = await db
    .selectFrom("referential_versions")
    .select(["bloc_mean_threshold_percent", "competency_floor_percent"])
    .where("id", "=", referentialVersionId)
    .executeTakeFirstOrThrow();
  return {
    thresholds: {
      blocMeanPercent: version.bloc_mean_threshold_percent,
      competencyFloorPercent: version.competency_floor_percent,
    },
    blocs: await readReferentialBlocs(db, referentialVersionId),
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

export interface MinutesSignature {
  slot: "A" | "B";
  fullName: string;
  email: string;
  signedAt: Date;
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
