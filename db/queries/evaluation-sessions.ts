// Queries of the evaluation sessions' history (table evaluation_sessions): every date ever set for a candidacy, the
// current one last set, and its attendance. The staffing service writes them in the transaction of the event.
import { type Kysely, type Transaction, sql } from "kysely";
import type { Database, SessionAttendance, SessionMode } from "../schema";

type Db = Kysely<Database> | Transaction<Database>;

export interface EvaluationSessionRow {
  id: string;
  sequence: number;
  startsAt: Date;
  mode: SessionMode;
  location: string;
  lateReason: string | null;
  scheduledAt: Date;
  scheduledByName: string | null;
  attendance: SessionAttendance | null;
  attendanceRecordedAt: Date | null;
  supersededAt: Date | null;
}

/** Every session of a candidacy, the first date set first. */
export async function listEvaluationSessions(db: Db, candidacyId: string): Promise<EvaluationSessionRow[]> {
  return db
    .selectFrom("evaluation_sessions as s")
    .leftJoin("users as u", "u.id", "s.scheduled_by")
    .select([
      "s.id",
      "s.sequence",
      "s.starts_at as startsAt",
      "s.mode",
      "s.location",
      "s.late_reason as lateReason",
      "s.scheduled_at as scheduledAt",
      "u.full_name as scheduledByName",
      "s.attendance",
      "s.attendance_recorded_at as attendanceRecordedAt",
      "s.superseded_at as supersededAt",
    ])
    .where("s.candidacy_id", "=", candidacyId)
    .orderBy("s.sequence")
    .execute();
}

/**
 * Records a new date: the current session (if any) is superseded and the new one takes the next sequence. Call it
 * under the candidacy's row lock (the SCHEDULE_SESSION event's transaction), which serialises the sequence.
 */
export async function insertEvaluationSession(
  trx: Transaction<Database>,
  values: {
    candidacyId: string;
    startsAt: string;
    mode: SessionMode;
    location: string;
    lateReason: string | null;
    scheduledBy: string;
    scheduledAt: string;
  },
): Promise<{ id: string; sequence: number }> {
  const last = await trx
    .selectFrom("evaluation_sessions")
    .select((eb) => eb.fn.max("sequence").as("sequence"))
    .where("candidacy_id", "=", values.candidacyId)
    .executeTakeFirst();
  const sequence = last?.sequence === null || last?.sequence === undefined ? 0 : Number(last.sequence) + 1;
  await trx
    .updateTable("evaluation_sessions")
    .set({ superseded_at: values.scheduledAt })
    .where("candidacy_id", "=", values.candidacyId)
    .where("superseded_at", "is", null)
    .execute();
  const row = await trx
    .insertInto("evaluation_sessions")
    .values({
      candidacy_id: values.candidacyId,
      sequence,
      starts_at: values.startsAt,
      mode: values.mode,
      location: values.location,
      late_reason: values.lateReason,
      scheduled_by: values.scheduledBy,
      scheduled_at: values.scheduledAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, sequence };
}

/** Records the attendance of the current session; false when there is no current session without one. */
export async function recordSessionAttendance(
  trx: Transaction<Database>,
  values: { candidacyId: string; attendance: SessionAttendance; recordedBy: string; recordedAt: string },
): Promise<boolean> {
  const result = await trx
    .updateTable("evaluation_sessions")
    .set({
      attendance: values.attendance,
      attendance_recorded_by: values.recordedBy,
      attendance_recorded_at: values.recordedAt,
    })
    .where("candidacy_id", "=", values.candidacyId)
    .where("superseded_at", "is", null)
    .where("attendance", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The session a convocation is about, found by the instant it was set (the SCHEDULE_SESSION event's `at`), with the
 * date it replaced: the e-mail is rendered when the outbox delivers it, possibly after another move.
 */
export async function findSessionScheduledAt(db: Db, candidacyId: string, scheduledAt: string) {
  const session = await db
    .selectFrom("evaluation_sessions")
    .select(["sequence", "starts_at as startsAt", "mode", "location", "superseded_at as supersededAt"])
    .where("candidacy_id", "=", candidacyId)
    .where("scheduled_at", "=", new Date(scheduledAt))
    .orderBy("sequence", "desc")
    .executeTakeFirst();
  if (!session) return undefined;
  const previous =
    session.sequence > 0
      ? await db
          .selectFrom("evaluation_sessions")
          .select(["starts_at as startsAt"])
          .where("candidacy_id", "=", candidacyId)
          .where("sequence", "=", session.sequence - 1)
          .executeTakeFirst()
      : undefined;
  return { ...session, previousStartsAt: previous?.startsAt ?? null };
}

/** The current session of a candidacy, if any. */
export async function findCurrentSession(db: Db, candidacyId: string) {
  return db
    .selectFrom("evaluation_sessions")
    .select(["sequence", "starts_at as startsAt", "mode", "location", "attendance"])
    .where("candidacy_id", "=", candidacyId)
    .where("superseded_at", "is", null)
    .executeTakeFirst();
}

/**
 * Staff's "à pourvoir" queue: filed dossiers waiting for their pair, and candidacies in evaluation with a vacant
 * evaluator (one declared a conflict), the evaluation deadline (EVALUATION_OVERDUE timer) first.
 */
export async function listStaffingQueue(db: Db) {
  const rows = await db
    .selectFrom("candidacies as k")
    .innerJoin("users as u", "u.id", "k.candidate_id")
    .innerJoin("certifications as c", "c.id", "k.certification_id")
    .select([
      "k.id",
      "k.state",
      "k.requested_at as requestedAt",
      "k.updated_at as updatedAt",
      "u.full_name as candidateName",
      "c.title as certificationTitle",
    ])
    .select((eb) => [
      sql<string | null>`k.snapshot #>> '{context,evaluation,pair,evaluatorAId}'`.as("evaluatorAId"),
      sql<string | null>`k.snapshot #>> '{context,evaluation,pair,evaluatorBId}'`.as("evaluatorBId"),
      eb
        .selectFrom("timers as t")
        .select((t) => t.fn.min("t.due_at").as("due"))
        .whereRef("t.candidacy_id", "=", "k.id")
        .where("t.kind", "=", "EVALUATION_OVERDUE")
        .where("t.cancelled_at", "is", null)
        .as("deadline"),
    ])
    .where((eb) =>
      eb.or([
        eb("k.state", "=", "dossier.submitted"),
        eb.and([
          eb("k.state", "=", "evaluation"),
          eb.or([
            eb(sql`k.snapshot #>> '{context,evaluation,pair,evaluatorAId}'`, "is", null),
            eb(sql`k.snapshot #>> '{context,evaluation,pair,evaluatorBId}'`, "is", null),
          ]),
        ]),
      ]),
    )
    .orderBy(sql`deadline asc nulls last`)
    .orderBy("k.updated_at", "asc")
    .limit(500)
    .execute();
  return rows.map((r) => ({
    ...r,
    vacancy:
      r.state === "dossier.submitted"
        ? ("pair" as const)
        : r.evaluatorAId === null && r.evaluatorBId === null
          ? ("pair" as const)
          : r.evaluatorAId === null
            ? ("A" as const)
            : ("B" as const),
  }));
}

/**
 * Deadlines at risk: candidacies in evaluation whose current session falls after the end of the 3rd month following
 * the filing (set with a written reason), the soonest session first.
 */
export async function listLateSessions(db: Db) {
  return db
    .selectFrom("evaluation_sessions as s")
    .innerJoin("candidacies as k", "k.id", "s.candidacy_id")
    .innerJoin("users as u", "u.id", "k.candidate_id")
    .select([
      "k.id as candidacyId",
      "u.full_name as candidateName",
      "s.starts_at as startsAt",
      "s.late_reason as lateReason",
    ])
    .where("s.superseded_at", "is", null)
    .where("s.late_reason", "is not", null)
    .where("k.state", "=", "evaluation")
    .orderBy("s.starts_at")
    .limit(200)
    .execute();
}

/**
 * Evaluations whose jury session is still to set: no session yet, or the candidate was excused or absent at the
 * last one. The evaluation deadline (EVALUATION_OVERDUE timer) first.
 */
export async function listSessionsToSchedule(db: Db) {
  return db
    .selectFrom("candidacies as k")
    .innerJoin("users as u", "u.id", "k.candidate_id")
    .innerJoin("certifications as c", "c.id", "k.certification_id")
    .select(["k.id", "u.full_name as candidateName", "c.title as certificationTitle"])
    .select((eb) => [
      sql<string | null>`k.snapshot #>> '{context,evaluation,session,attendance}'`.as("attendance"),
      eb
        .selectFrom("timers as t")
        .select((t) => t.fn.min("t.due_at").as("due"))
        .whereRef("t.candidacy_id", "=", "k.id")
        .where("t.kind", "=", "EVALUATION_OVERDUE")
        .where("t.cancelled_at", "is", null)
        .as("deadline"),
    ])
    .where("k.state", "=", "evaluation")
    .where((eb) =>
      eb.or([
        eb(sql`k.snapshot #> '{context,evaluation,session}'`, "is", null),
        eb(sql`k.snapshot #>> '{context,evaluation,session,attendance}'`, "in", ["excused", "absent"]),
      ]),
    )
    .orderBy(sql`deadline asc nulls last`)
    .orderBy("k.updated_at", "asc")
    .limit(500)
    .execute();
}
