// Outbox dead letters and lease owners: a message that cannot be delivered stops being retried (dead_at, with its
// last error) until an admin retries it, and each lease names the worker holding it, so a stopping worker gives
// back exactly its own messages.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("outbox").addColumn("dead_at", "timestamptz").addColumn("locked_by", "text").execute();
  await sql`alter table outbox add constraint outbox_done_or_dead_check check (processed_at is null or dead_at is null)`.execute(
    db,
  );
  // Pending means neither delivered nor dead: dead letters leave the index the worker scans.
  await sql`drop index outbox_pending_idx`.execute(db);
  await sql`create index outbox_pending_idx on outbox (available_at) where processed_at is null and dead_at is null`.execute(
    db,
  );
  await sql`create index outbox_dead_idx on outbox (dead_at) where dead_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index outbox_dead_idx`.execute(db);
  await sql`drop index outbox_pending_idx`.execute(db);
  await sql`create index outbox_pending_idx on outbox (available_at) where processed_at is null`.execute(db);
  await sql`alter table outbox drop constraint outbox_done_or_dead_check`.execute(db);
  await db.schema.alterTable("outbox").dropColumn("locked_by").dropColumn("dead_at").execute();
}
