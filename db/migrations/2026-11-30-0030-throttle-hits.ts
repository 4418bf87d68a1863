// One table of recent attempts for every rate limit (login per e-mail and per IP, sign-up per IP), replacing
// login_failures: a limit reserves its slot in this table under a per-key lock before any password is checked, so
// parallel attempts cannot all pass a count taken before any of them was recorded (docs/decisions/014). The
// failures counted so far only throttle for minutes: they are not carried over.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("throttle_hits")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("bucket", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("throttle_hits_key_idx")
    .on("throttle_hits")
    .columns(["bucket", "key", "occurred_at"])
    .execute();
  await db.schema.createIndex("throttle_hits_occurred_at_idx").on("throttle_hits").column("occurred_at").execute();
  await db.schema.dropTable("login_failures").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("login_failures")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("ip", "text", (c) => c.notNull())
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("login_failures_email_idx")
    .on("login_failures")
    .columns(["email", "occurred_at"])
    .execute();
  await db.schema.createIndex("login_failures_ip_idx").on("login_failures").columns(["ip", "occurred_at"]).execute();
  await db.schema.dropTable("throttle_hits").execute();
}
