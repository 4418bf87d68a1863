// Queries of candidacies, their event journal, timers and outbox.
import type { Kysely, Transaction } from "kysely";
import type { Database, Role } from "../schema";

type Db = Kysely<Database> | Transaction<Database>;

/** Reads a candidacy and locks its row until the transaction ends: events on one candidacy are serialised here. */
export async function lockCandidacy(trx: Transaction<Database>, candidacyId: string) {
  return trx.selectFrom("candidacies").selectAll().where("id", "=", candidacyId).forUpdate().executeTakeFirst();
}

export async function findCandidacy(db: Db, candidacyId: string) {
  return db.selectFrom("candidacies").selectAll().where("id", "=", candidacyId).executeTakeFirst();
}

/** Requests a candidate filed in a calendar year, per certification: the R335-7 quotas count these. */
export async function countRequestsInYear(trx: Db, candidateId: string, year: number, exceptCandidacyId: string) {
  return trx
    .selectFrom("candidacies")
    .select(["certification_id"])
    .where("candidate_id", "=", candidateId)
    .where("request_year", "=", year)
    .where("id", "!=", exceptCandidacyId)
    .execute();
}

export async function appendCandidacyEvent(
  trx: Db,
  values: {
    candidacyId: string;
    rowVersion: number;
    eventType: string;
    actorUserId: string | null;
    actorRole: Role | "system";
    payload: Record<string, unknown>;
    fromState: string | null;
    toState: string;
    occurredAt: string;
  },
) {
  await trx
    .insertInto("candidacy_events")
    .values({
      candidacy_id: values.candidacyId,
      row_version: values.rowVersion,
      event_type: values.eventType,
      actor_user_id: values.actorUserId,
      actor_role: values.actorRole,
      payload: JSON.stringify(values.payload),
      from_state: values.fromState,
      to_state: values.toState,
      occurred_at: values.occurredAt,
    })
    .execute();
}

export async function listCandidacyEvents(db: Db, candidacyId: string) {
  return db
    .selectFrom("candidacy_events as e")
    .leftJoin("users as u", "u.id", "e.actor_user_id")
    .select([
      "e.id",
      "e.row_version as rowVersion",
      "e.event_type as eventType",
      "e.actor_role as actorRole",
      "e.actor_user_id as actorUserId",
      "u.full_name as actorName",
      "e.payload",
      "e.from_state as fromState",
      "e.to_state as toState",
      "e.occurred_at as occurredAt",
      "e.recorded_at as recordedAt",
    ])
    .where("e.candidacy_id", "=", candidacyId)
    .orderBy("e.row_version")
    .execute();
}

export async function scheduleTimers(
  trx: Db,
  timers: { candidacyId: string; kind: string; dueAt: string; payload?: Record<string, unknown> }[],
) {
  await trx
    .insertInto("timers")
    .values(
      timers.map((t) => ({
        candidacy_id: t.candidacyId,
        kind: t.kind,
        due_at: t.dueAt,
        payload: JSON.stringify(t.payload ?? {}),
      })),
    )
    .onConflict((oc) => oc.columns(["candidacy_id", "kind", "due_at"]).doNothing())
    .execute();
}

export async function cancelTimers(trx: Db, candidacyId: string, kinds: string[], at: Date) {
  if (kinds.length === 0) return;
  await trx
    .updateTable("timers")
    .set({ cancelled_at: at })
    .where("candidacy_id", "=", candidacyId)
    .where("kind", "in", kinds)
    .where("fired_at", "is", null)
    .where("cancelled_at", "is", null)
    .execute();
}

/** The next due timer, without locking it: the caller locks its candidacy first, then the timer. */
export async function nextDueTimer(db: Db, now: Date) {
  return db
    .selectFrom("timers")
    .select(["id", "candidacy_id"])
    .where("due_at", "<=", now)
    .where("fired_at", "is", null)
    .where("cancelled_at", "is", null)
    .orderBy("due_at")
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
}

/**
 * Locks a timer if it is still due and pending. Always called with its candidacy already locked: events lock the
 * candidacy then its timers, so the worker takes the locks in the same order and never deadlocks with them.
 */
export async function lockPendingTimer(trx: Transaction<Database>, timerId: string) {
  return trx
    .selectFrom("timers")
    .selectAll()
    .where("id", "=", timerId)
    .where("fired_at", "is", null)
    .where("cancelled_at", "is", null)
    .forUpdate()
    .executeTakeFirst();
}

export async function markTimerFired(trx: Db, timerId: string, at: Date) {
  await trx.updateTable("timers").set({ fired_at: at }).where("id", "=", timerId).execute();
}

export async function enqueueOutbox(
  trx: Db,
  messages: { topic: string; payload: Record<string, unknown>; candidacyId: string | null; availableAt: Date }[],
) {
  await trx
    .insertInto("outbox")
    .values(
      messages.map((m) => ({
        topic: m.topic,
        payload: JSON.stringify(m.payload),
        candidacy_id: m.candidacyId,
        created_at: m.availableAt,
        available_at: m.availableAt,
      })),
    )
    .execute();
}

/**
 * Claims the oldest pending outbox message for `leaseSeconds`: if the worker dies before marking it done, the lease
 * expires and another run takes it again (at-least-once).
 */
export async function claimOutboxMessage(db: Kysely<Database>, now: Date, leaseSeconds: number) {
  const leaseEnd = new Date(now.getTime() + leaseSeconds * 1000);
  return db
    .updateTable("outbox")
    .set((eb) => ({ locked_until: leaseEnd, attempts: eb("attempts", "+", 1) }))
    .where(
      "id",
      "=",
      (eb) =>
        eb
          .selectFrom("outbox")
          .select("id")
          .where("processed_at", "is", null)
          .where("available_at", "<=", now)
          .where((w) => w.or([w("locked_until", "is", null), w("locked_until", "<=", now)]))
          .orderBy("id")
          .limit(1)
          .forUpdate()
          .skipLocked() as never,
    )
    .returningAll()
    .executeTakeFirst();
}

export async function markOutboxDone(db: Db, id: string, at: Date) {
  await db.updateTable("outbox").set({ processed_at: at, locked_until: null, last_error: null }).where("id", "=", id).execute();
}

export async function markOutboxFailed(db: Db, id: string, error: string, retryAt: Date) {
  await db
    .updateTable("outbox")
    .set({ last_error: error.slice(0, 2000), available_at: retryAt, locked_until: null })
    .where("id", "=", id)
    .execute();
}

export async function listAcquiredBlocCodes(db: Db, candidateId: string, certificationId: string) {
  const rows = await db
    .selectFrom("acquired_blocs")
    .select("bloc_code")
    .where("candidate_id", "=", candidateId)
    .where("certification_id", "=", certificationId)
    .execute();
  return rows.map((r) => r.bloc_code);
}


/** A candidacy with the names people see: its candidate and certification. */
export async function getCandidacySummary(db: Db, candidacyId: string) {
  return db
    .selectFrom("candidacies as k")
    .innerJoin("users as u", "u.id", "k.candidate_id")
    .innerJoin("certifications as c", "c.id", "k.certification_id")
    .innerJoin("referential_versions as rv", "rv.id", "k.referential_version_id")
    .select([
      "k.id",
      "k.candidate_id as candidateId",
      "k.state",
      "k.snapshot",
      "k.row_version as rowVersion",
      "k.target_bloc_codes as targetBlocCodes",
      "k.requested_at as requestedAt",
      "k.created_at as createdAt",
      "k.updated_at as updatedAt",
      "u.full_name as candidateName",
      "u.email as candidateEmail",
      "c.code as certificationCode",
      "c.title as certificationTitle",
      "rv.version as referentialVersion",
    ])
    .where("k.id", "=", candidacyId)
    .executeTakeFirst();
}

export async function listCandidaciesOfCandidate(db: Db, candidateId: string) {
  return db
    .selectFrom("candidacies as k")
    .innerJoin("certifications as c", "c.id", "k.certification_id")
    .select(["k.id", "k.state", "k.created_at as createdAt", "k.updated_at as updatedAt", "k.requested_at as requestedAt", "c.code as certificationCode", "c.title as certificationTitle"])
    .where("k.candidate_id", "=", candidateId)
    .orderBy("k.created_at", "desc")
    .execute();
}

/** Candidacies in given states, oldest request first, with the next pending timer of a kind (a deadline). */
export async function listCandidaciesInStates(db: Db, states: string[], deadlineKind?: string) {
  if (states.length === 0) return [];
  return db
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
    .select((eb) =>
      eb
        .selectFrom("timers as t")
        .select((t) => t.fn.min("t.due_at").as("due"))
        .whereRef("t.candidacy_id", "=", "k.id")
        .where("t.kind", "=", deadlineKind ?? "")
        .where("t.cancelled_at", "is", null)
        .as("deadline"),
    )
    .where("k.state", "in", states)
    .orderBy("k.requested_at", "asc")
    .orderBy("k.created_at", "asc")
    .limit(500)
    .execute();
}

/** Every candidacy, newest activity first (certifier staff's list). */
export async function listAllCandidacies(db: Db, filter: { state?: string } = {}) {
  let query = db
    .selectFrom("candidacies as k")
    .innerJoin("users as u", "u.id", "k.candidate_id")
    .innerJoin("certifications as c", "c.id", "k.certification_id")
    .select(["k.id", "k.state", "k.requested_at as requestedAt", "k.updated_at as updatedAt", "u.full_name as candidateName", "c.title as certificationTitle"])
    .orderBy("k.updated_at", "desc")
    .limit(500);
  if (filter.state) query = query.where("k.state", "=", filter.state);
  return query.execute();
}

/** Deadlines passed and not cleared: evaluations overdue, results not notified within 15 days. */
export async function listEscalations(db: Db, now: Date) {
  return db
    .selectFrom("timers as t")
    .innerJoin("candidacies as k", "k.id", "t.candidacy_id")
    .innerJoin("users as u", "u.id", "k.candidate_id")
    .select(["t.kind", "t.due_at as dueAt", "k.id as candidacyId", "k.state", "u.full_name as candidateName"])
    .where("t.kind", "in", ["EVALUATION_OVERDUE", "RESULT_OVERDUE"])
    .where("t.cancelled_at", "is", null)
    .where("t.due_at", "<=", now)
    .orderBy("t.due_at")
    .execute();
}

/** Records blocs as the candidate's for good; a bloc already held keeps its first record. */
export async function acquireBlocs(
  trx: Db,
  values: {
    candidateId: string;
    certificationId: string;
    candidacyId: string;
    blocCodes: string[];
    source: "evaluation" | "prior_certificate";
    at: Date;
  },
) {
  if (values.blocCodes.length === 0) return;
  await trx
    .insertInto("acquired_blocs")
    .values(
      values.blocCodes.map((code) => ({
        candidate_id: values.candidateId,
        certification_id: values.certificationId,
        bloc_code: code,
        source: values.source,
        candidacy_id: values.candidacyId,
        acquired_at: values.at,
      })),
    )
    .onConflict((oc) => oc.columns(["candidate_id", "certification_id", "bloc_code"]).doNothing())
    .execute();
}

/** Blocs awarded by a validated decision become the candidate's for good. */
export async function acquireAwardedBlocs(trx: Db, candidacyId: string, at: Date) {
  const row = await trx
    .selectFrom("candidacy_decisions as d")
    .innerJoin("candidacies as k", "k.id", "d.candidacy_id")
    .select(["d.outcome", "k.candidate_id", "k.certification_id"])
    .where("d.candidacy_id", "=", candidacyId)
    .executeTakeFirst();
  if (!row) return;
  await acquireBlocs(trx, {
    candidateId: row.candidate_id,
    certificationId: row.certification_id,
    candidacyId,
    blocCodes: (row.outcome as { awardedBlocCodes: string[] }).awardedBlocCodes,
    source: "evaluation",
    at,
  });
}

export async function getDecision(db: Db, candidacyId: string) {
  return db.selectFrom("candidacy_decisions").selectAll().where("candidacy_id", "=", candidacyId).executeTakeFirst();
}
