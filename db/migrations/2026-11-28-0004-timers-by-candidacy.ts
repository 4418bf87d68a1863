// Cancelling a candidacy's timers looks them up by candidacy: without this index, a planner working from stale
// statistics may scan every pending timer through the due-date index instead.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index timers_pending_by_candidacy_idx on timers (candidacy_id) where fired_at is null and cancelled_at is null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index timers_pending_by_candidacy_idx`.execute(db);
}
