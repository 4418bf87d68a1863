// Queries of the demo-data generator (app/services/demo-data): what it reads to report and to check itself. It
// writes nothing here but the delivery of the demo's e-mails (see markEmailsSent).
import { type Kysely, type Transaction, sql } from "kysely";
import type { Database } from "../schema";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Records every pending e-mail as sent at `at`: the demo's people are fictitious, so their messages go nowhere,
 * as with a mail server that accepts and drops them; one statement instead of one delivery per message
 * (docs/decisions/031). The outbox's other topics (identity purge, minutes PDF) are delivered for real.
 */
export async function markEmailsSent(db: Db, at: Date): Promise<number> {
  const result = await db
    .updateTable("outbox")
    .set({ processed_at: at, locked_until: null, locked_by: null })
    .where("topic", "=", "email")
    .where("processed_at", "is", null)
    .where("dead_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Candidacies per state, for the summary. */
export async function countCandidaciesByState(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom("candidacies")
    .select(["state", (eb) => eb.fn.countAll<string>().as("count")])
    .groupBy("state")
    .orderBy("state")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.count)]));
}

/** Whether accounts of this e-mail domain part already exist (a second load with the same seed is refused). */
export async function countUsersWithEmailSuffix(db: Db, suffix: string): Promise<number> {
  const row = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<string>().as("count"))
    .where("email", "like", `%${suffix}`)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * What two loads with the same seed must agree on, candidacy by candidacy (ordered by the candidate's e-mail, since
 * ids are random): the state, the journal's events with their times, the scores and the decision's result.
 */
export async function demoDigestRows(db: Db, suffix: string) {
  const candidacies = await db
    .selectFrom("candidacies as c")
    .innerJoin("users as u", "u.id", "c.candidate_id")
    .select(["c.id", "u.email", "c.state", "c.created_at"])
    .where("u.email", "like", `%${suffix}`)
    .orderBy("u.email")
    .execute();
  const events = await db
    .selectFrom("candidacy_events as e")
    .innerJoin("candidacies as c", "c.id", "e.candidacy_id")
    .innerJoin("users as u", "u.id", "c.candidate_id")
    .select(["u.email", "e.row_version", "e.event_type", "e.to_state", "e.occurred_at"])
    .where("u.email", "like", `%${suffix}`)
    .orderBy("u.email")
    .orderBy("e.row_version")
    .execute();
  const scores = await db
    .selectFrom("evaluation_scores as s")
    .innerJoin("candidacies as c", "c.id", "s.candidacy_id")
    .innerJoin("users as u", "u.id", "c.candidate_id")
    .innerJoin("users as ev", "ev.id", "s.evaluator_id")
    .select(["u.email", "ev.email as evaluator", "s.competency_code", sql<string>`s.score::text`.as("score")])
    .where("u.email", "like", `%${suffix}`)
    .orderBy("u.email")
    .orderBy("ev.email")
    .orderBy("s.competency_code")
    .execute();
  const decisions = await db
    .selectFrom("candidacy_decisions as d")
    .innerJoin("candidacies as c", "c.id", "d.candidacy_id")
    .innerJoin("users as u", "u.id", "c.candidate_id")
    .select(["u.email", "d.route", "d.outcome", "d.joint_scores", "d.decided_at"])
    .where("u.email", "like", `%${suffix}`)
    .orderBy("u.email")
    .execute();
  return { candidacies, events, scores, decisions };
}

/**
 * Fresh planner statistics for the whole database (ANALYZE), as autovacuum gives a portal that has run a while. A
 * bulk load outruns autovacuum, or runs where it is off, and the planner then plans a large database with the
 * figures of its first minutes (docs/decisions/031).
 */
export async function refreshPlannerStatistics(db: Kysely<Database>): Promise<void> {
  await sql`analyze`.execute(db);
}
