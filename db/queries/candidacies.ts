// Queries of candidacies, their event journal, timers and outbox.
import {
  type CompiledQuery,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type RawBuilder,
  type Selectable,
  type Transaction,
  sql,
} from "kysely";
import { DEADLINE_TIMERS } from "../../workflows/candidacy-queues";
import { PREPARED_STATEMENT } from "../prepared-statements";
import type { CandidaciesTable, Database, Role } from "../schema";

type Db = Kysely<Database> | Transaction<Database>;

// The read every event starts with, compiled once (docs/decisions/033): Kysely builds and compiles a query's
// operation tree on every call, for a text that never changes. Compiled from the same builder calls by a Kysely that
// never connects (its DummyDriver), so the text is Kysely's own.
const compileOnly = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
const candidacyById = (id: string) => compileOnly.selectFrom("candidacies").selectAll().where("id", "=", id);
/** The compiled reads of a candidacy by id; `parameters` holds a placeholder id. Exported for their tests. */
export const CANDIDACY_BY_ID = {
  find: candidacyById("").compile(),
  lock: candidacyById("").forUpdate().compile(),
} as const;

type CandidacyRow = Selectable<CandidaciesTable>;

/**
 * Runs one of CANDIDACY_BY_ID with the candidacy's id. An instance with plugins (tests use them to watch or alter
 * reads) goes through the builder instead: a plugin transforms the query as it is compiled, which a precompiled
 * query skips.
 */
async function candidacyRow(db: Db, candidacyId: string, query: CompiledQuery): Promise<CandidacyRow | undefined> {
  if (db.getExecutor().plugins.length > 0) {
    const builder = db.selectFrom("candidacies").selectAll().where("id", "=", candidacyId);
    return (query === CANDIDACY_BY_ID.lock ? builder.forUpdate() : builder).executeTakeFirst();
  }
  const { rows } = await db.executeQuery<CandidacyRow>({ ...query, parameters: [candidacyId] });
  return rows[0];
}

/** Reads a candidacy and locks its row until the transaction ends: events on one candidacy are serialised here. */
export async function lockCandidacy(trx: Transaction<Database>, candidacyId: string) {
  return candidacyRow(trx, candidacyId, CANDIDACY_BY_ID.lock);
}

export async function findCandidacy(db: Db, candidacyId: string) {
  return candidacyRow(db, candidacyId, CANDIDACY_BY_ID.find);
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

/**
 * Everything one accepted event writes. `fromRowVersion` is the version the event was computed from: the snapshot
 * is saved with `fromRowVersion + 1` only if the row is still at `fromRowVersion`, and every other row is written
 * from that update's result, so a version conflict writes nothing at all.
 */
export interface CandidacyEventWrite {
  candidacyId: string;
  fromRowVersion: number;
  snapshot: string;
  state: string;
  machineVersion: number;
  updatedAt: Date;
  /** The admissibility request: its instant and its calendar year in France (R335-7). */
  request?: { at: string; year: number };
  /** The blocs still aimed at, when the event changes them (prior blocs proved at admissibility). */
  targetBlocCodes?: string[];
  journal: {
    eventType: string;
    actorUserId: string | null;
    actorRole: Role | "system";
    payload: Record<string, unknown>;
    fromState: string;
    toState: string;
    occurredAt: string;
  };
  /** The instant the effects take: timers cancelled, outbox messages available, blocs acquired. */
  effectsAt: Date;
  cancelledTimers: string[];
  timers: { kind: string; dueAt: string; payload?: Record<string, unknown> }[];
  /** Outbox rows, in order; one with `recipientRole` becomes one row per active holder of the role, its id in `recipientId`. */
  messages: { topic: string; payload: Record<string, unknown>; recipientRole?: Role }[];
  /** Blocs proved otherwise (prior certificate), the candidate's for good from now on. */
  priorBlocCodes?: string[];
  /** The blocs awarded by the candidacy's recorded decision become the candidate's for good. */
  acquireAwardedBlocs?: boolean;
}

/**
 * Writes an accepted event in ONE statement: data-modifying CTEs, each reading the snapshot update's RETURNING.
 * Run alone (autocommit), the statement is atomic by itself, and its update waits for any transaction holding the
 * row then re-checks the version on the committed row: the candidacy row is locked before any of its timers, as
 * on the locked path. Returns false, having written nothing, when the row is no longer at `fromRowVersion` (or no
 * longer exists). Inside a transaction that holds the row lock it is simply the event's writes in one round trip.
 */
export async function writeCandidacyEvent(db: Db, w: CandidacyEventWrite): Promise<boolean> {
  const rowVersion = w.fromRowVersion + 1;
  const parts: RawBuilder<unknown>[] = [
    sql`k as (
      update candidacies set snapshot = ${w.snapshot}::jsonb, state = ${w.state}::text, row_version = ${rowVersion},
        machine_version = ${w.machineVersion}, updated_at = ${w.updatedAt}::timestamptz${
          w.request ? sql`, request_year = ${w.request.year}::int, requested_at = ${w.request.at}::timestamptz` : sql``
        }${w.targetBlocCodes ? sql`, target_bloc_codes = ${JSON.stringify(w.targetBlocCodes)}::jsonb` : sql``}
      where id = ${w.candidacyId}::uuid and row_version = ${w.fromRowVersion}::int
      returning id, candidate_id, certification_id)`,
    sql`journal as (
      insert into candidacy_events (candidacy_id, row_version, event_type, actor_user_id, actor_role, payload, from_state, to_state, occurred_at)
      select k.id, ${rowVersion}::int, ${w.journal.eventType}::text, ${w.journal.actorUserId}::uuid, ${w.journal.actorRole}::text,
        ${JSON.stringify(w.journal.payload)}::jsonb, ${w.journal.fromState}::text, ${w.journal.toState}::text, ${w.journal.occurredAt}::timestamptz
      from k)`,
  ];
  if (w.cancelledTimers.length > 0) {
    // `= (select id from k)`, not a join with k: the planner then looks the timers up by candidacy (a join scanned
    // every pending timer), and the update still waits for the snapshot update's row lock and version check.
    parts.push(sql`cancelled_timers as (
      update timers t set cancelled_at = ${w.effectsAt}::timestamptz
      where t.candidacy_id = (select id from k) and t.kind = any(${w.cancelledTimers}::text[]) and t.fired_at is null and t.cancelled_at is null)`);
  }
  if (w.timers.length > 0) {
    const timers = w.timers.map((t) => ({ kind: t.kind, due_at: t.dueAt, payload: t.payload ?? {} }));
    parts.push(sql`scheduled_timers as (
      insert into timers (candidacy_id, kind, due_at, payload)
      select k.id, t.kind, t.due_at, t.payload
      from k cross join jsonb_to_recordset(${JSON.stringify(timers)}::jsonb) as t(kind text, due_at timestamptz, payload jsonb)
      on conflict (candidacy_id, kind, due_at) do nothing)`);
  }
  if (w.messages.length > 0) {
    const messages = w.messages.map((m, n) => ({
      n,
      topic: m.topic,
      payload: m.payload,
      role: m.recipientRole ?? null,
    }));
    const anyRole = w.messages.some((m) => m.recipientRole);
    // One insert, ordered: outbox ids follow the order of the effects. The sub-statements of one statement run in
    // no set order, so two inserts into the outbox would not keep it. The role holders are joined only when a
    // message goes to a role: joining every event to them would cost each a scan of the roles.
    parts.push(sql`messages as (
      insert into outbox (topic, payload, candidacy_id, created_at, available_at)
      select m.topic, ${anyRole ? sql`case when m.role is null then m.payload else m.payload || jsonb_build_object('recipientId', r.id) end` : sql`m.payload`},
        k.id, ${w.effectsAt}::timestamptz, ${w.effectsAt}::timestamptz
      from k cross join jsonb_to_recordset(${JSON.stringify(messages)}::jsonb) as m(n int, topic text, payload jsonb, role text)
      ${
        anyRole
          ? sql`left join lateral (
        select u.id from user_roles ur join users u on u.id = ur.user_id where ur.role = m.role and u.is_active
      ) r on m.role is not null
      where m.role is null or r.id is not null
      order by m.n, r.id`
          : sql`order by m.n`
      })`);
  }
  if (w.priorBlocCodes && w.priorBlocCodes.length > 0) {
    parts.push(sql`prior_blocs as (
      insert into acquired_blocs (candidate_id, certification_id, bloc_code, source, candidacy_id, acquired_at)
      select k.candidate_id, k.certification_id, b.code, 'prior_certificate', k.id, ${w.effectsAt}::timestamptz
      from k cross join unnest(${w.priorBlocCodes}::text[]) as b(code)
      on conflict (candidate_id, certification_id, bloc_code) do nothing)`);
  }
  if (w.acquireAwardedBlocs) {
    // The decision was recorded with the event that led to "decided", which bumped the row version: a write that
    // passes the version check reads the decision the event was checked against.
    parts.push(sql`awarded_blocs as (
      insert into acquired_blocs (candidate_id, certification_id, bloc_code, source, candidacy_id, acquired_at)
      select k.candidate_id, k.certification_id, b.code, 'evaluation', k.id, ${w.effectsAt}::timestamptz
      from k join candidacy_decisions d on d.candidacy_id = ${w.candidacyId}::uuid
      cross join jsonb_array_elements_text(d.outcome -> 'awardedBlocCodes') as b(code)
      on conflict (candidate_id, certification_id, bloc_code) do nothing)`);
  }
  // Named on a PostgreSQL server (db/prepared-statements.ts): the statement's texts are a handful of shapes, one per
  // combination of the parts above, and parsing and planning them was most of the server's work per event.
  const { rows } = await sql<{
    id: string;
  }>`${sql.raw(PREPARED_STATEMENT)}with ${sql.join(parts)} select id from k`.execute(db);
  return rows.length === 1;
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

export interface OutboxClaim {
  /** Only messages available by then are claimed (the pass's time: tests move it). */
  availableBy: Date;
  /** How long the lease lasts from the database's clock at the claim; the worker extends it while it works. */
  leaseSeconds: number;
  /** Who holds the lease: only its holder extends it, records a failure or gives it back. */
  owner: string;
  /** Messages claimed this many times are no longer claimed (see buryExhaustedOutboxMessages). */
  maxAttempts: number;
}

// Leases are read and written against the database's clock, at each statement: every worker, in every process and
// on every host, then agrees on whether a lease has expired, however long its pass has run (a pass that computed
// leases from the time it started handed out leases that had already expired: duplicates under a slow SMTP server).
const dbClock = sql<Date>`clock_timestamp()`;
const leaseEnd = (seconds: number) =>
  sql<Date>`clock_timestamp() + make_interval(secs => ${seconds}::double precision)`;

/**
 * Claims the oldest pending outbox message for a lease: if the worker dies before marking it done, the lease
 * expires and another worker takes it again (at-least-once).
 */
export async function claimOutboxMessage(db: Kysely<Database>, claim: OutboxClaim) {
  return db
    .updateTable("outbox")
    .set((eb) => ({
      locked_until: leaseEnd(claim.leaseSeconds),
      locked_by: claim.owner,
      attempts: eb("attempts", "+", 1),
    }))
    .where(
      "id",
      "=",
      (eb) =>
        eb
          .selectFrom("outbox")
          .select("id")
          .where("processed_at", "is", null)
          .where("dead_at", "is", null)
          .where("attempts", "<", claim.maxAttempts)
          .where("available_at", "<=", claim.availableBy)
          .where((w) => w.or([w("locked_until", "is", null), w("locked_until", "<=", dbClock)]))
          .orderBy("id")
          .limit(1)
          .forUpdate()
          .skipLocked() as never,
    )
    .returningAll()
    .executeTakeFirst();
}

/** Extends a lease its holder still has; false when it lost it (expired and taken, done or dead). */
export async function extendOutboxLease(db: Db, id: string, owner: string, leaseSeconds: number): Promise<boolean> {
  const result = await db
    .updateTable("outbox")
    .set({ locked_until: leaseEnd(leaseSeconds) })
    .where("id", "=", id)
    .where("locked_by", "=", owner)
    .where("processed_at", "is", null)
    .where("dead_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markOutboxDone(db: Db, id: string, at: Date) {
  await db
    .updateTable("outbox")
    .set({ processed_at: at, locked_until: null, locked_by: null, last_error: null })
    .where("id", "=", id)
    .where("dead_at", "is", null)
    .execute();
}

/**
 * Records a failed delivery by the lease's holder: retried `backoffSeconds` after the database's clock (and never
 * before `notBefore`, the pass's time, so that a pass does not retry what it has just failed), or given up as a
 * dead letter. Returns false when the lease was no longer the holder's (another worker has the message).
 */
export async function markOutboxFailed(
  db: Db,
  failure: { id: string; owner: string; error: string; dead: boolean; backoffSeconds: number; notBefore: Date },
): Promise<boolean> {
  const result = await db
    .updateTable("outbox")
    .set({
      last_error: failure.error.slice(0, 2000),
      locked_until: null,
      locked_by: null,
      available_at: sql<Date>`greatest(clock_timestamp(), ${failure.notBefore}::timestamptz) + make_interval(secs => ${failure.backoffSeconds}::double precision)`,
      dead_at: failure.dead ? dbClock : null,
    })
    .where("id", "=", failure.id)
    .where("locked_by", "=", failure.owner)
    .where("processed_at", "is", null)
    .where("dead_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Gives back the leases a stopping worker holds: its messages are pending again at once, for another worker, and
 * the interrupted claim does not count as an attempt.
 */
export async function releaseOutboxLeases(db: Db, owner: string): Promise<string[]> {
  const rows = await db
    .updateTable("outbox")
    .set((eb) => ({
      locked_until: null,
      locked_by: null,
      attempts: sql<number>`greatest(${eb.ref("attempts")} - 1, 0)`,
    }))
    .where("locked_by", "=", owner)
    .where("processed_at", "is", null)
    .where("dead_at", "is", null)
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Messages claimed `maxAttempts` times whose last lease ran out without a result (the worker crashed or was killed
 * each time) become dead letters: otherwise they would stay pending for ever, claimed by no one.
 */
export async function buryExhaustedOutboxMessages(db: Db, maxAttempts: number) {
  return db
    .updateTable("outbox")
    .set({
      dead_at: dbClock,
      locked_until: null,
      locked_by: null,
      last_error: sql<string>`coalesce(last_error, 'Every attempt was interrupted before it finished (worker stopped or crashed)')`,
    })
    .where("processed_at", "is", null)
    .where("dead_at", "is", null)
    .where("attempts", ">=", maxAttempts)
    .where((w) => w.or([w("locked_until", "is", null), w("locked_until", "<=", dbClock)]))
    .returning(["id", "topic", "attempts"])
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
    .select([
      "k.id",
      "k.state",
      "k.created_at as createdAt",
      "k.updated_at as updatedAt",
      "k.requested_at as requestedAt",
      "c.code as certificationCode",
      "c.title as certificationTitle",
    ])
    .where("k.candidate_id", "=", candidateId)
    .orderBy("k.created_at", "desc")
    .execute();
}

/** Deadlines passed and not cleared: evaluations overdue, results not notified within 15 days. */
/**
 * Legal deadlines passed (the session by the end of the 3rd month, the result within 15 days) on candidacies still
 * at the step the deadline guards: once the step is over the passed deadline is history (the journal keeps it), and
 * the list stays as long as the work still late, not as long as the portal's past.
 */
export async function listEscalations(db: Db, now: Date) {
  const kinds = ["EVALUATION_OVERDUE", "RESULT_OVERDUE"] as const;
  return db
    .selectFrom("timers as t")
    .innerJoin("candidacies as k", "k.id", "t.candidacy_id")
    .innerJoin("users as u", "u.id", "k.candidate_id")
    .select(["t.kind", "t.due_at as dueAt", "k.id as candidacyId", "k.state", "u.full_name as candidateName"])
    .where((eb) =>
      eb.or(kinds.map((kind) => eb.and([eb("t.kind", "=", kind), eb("k.state", "in", [...DEADLINE_TIMERS[kind]])]))),
    )
    .where("t.cancelled_at", "is", null)
    .where("t.due_at", "<=", now)
    .orderBy("t.due_at")
    .execute();
}

export async function getDecision(db: Db, candidacyId: string) {
  return db.selectFrom("candidacy_decisions").selectAll().where("candidacy_id", "=", candidacyId).executeTakeFirst();
}
