// The evaluation sessions (jury interviews) of each candidacy: every date ever set stays, a moved session is
// superseded by the next one (its sequence is the .ics SEQUENCE of the convocation), and its attendance is recorded
// after it took place. The candidacy's snapshot holds the current session; this table is its history.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("evaluation_sessions")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("candidacy_id", "uuid", (c) => c.notNull().references("candidacies.id").onDelete("cascade"))
    // 0 for the first date set, then 1, 2… : the SEQUENCE of the calendar invitation (same UID per candidacy).
    .addColumn("sequence", "integer", (c) => c.notNull().check(sql`sequence >= 0`))
    .addColumn("starts_at", "timestamptz", (c) => c.notNull())
    .addColumn("mode", "text", (c) => c.notNull().check(sql`mode in ('in_person', 'video')`))
    .addColumn("location", "text", (c) => c.notNull())
    // Required by the service when the date falls after the end of the 3rd month after the filing.
    .addColumn("late_reason", "text")
    .addColumn("scheduled_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("scheduled_at", "timestamptz", (c) => c.notNull())
    .addColumn("attendance", "text", (c) => c.check(sql`attendance in ('attended', 'excused', 'absent')`))
    .addColumn("attendance_recorded_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("attendance_recorded_at", "timestamptz")
    .addColumn("superseded_at", "timestamptz")
    .addUniqueConstraint("evaluation_sessions_sequence_key", ["candidacy_id", "sequence"])
    .execute();
  await sql`alter table evaluation_sessions add constraint evaluation_sessions_attendance_recorded_check
    check ((attendance is null) = (attendance_recorded_at is null))`.execute(db);
  // At most one current session per candidacy.
  await sql`create unique index evaluation_sessions_current_idx on evaluation_sessions (candidacy_id)
    where superseded_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("evaluation_sessions").execute();
}
