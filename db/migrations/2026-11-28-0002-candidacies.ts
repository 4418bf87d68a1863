// Candidacies driven by the workflow statechart: the persisted snapshot with a row version, the append-only
// journal of accepted events, the outbox of side effects run after commit, durable timers, and the blocs a
// candidate holds for good.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("candidacies")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("candidate_id", "uuid", (c) => c.notNull().references("users.id").onDelete("restrict"))
    .addColumn("certification_id", "uuid", (c) => c.notNull().references("certifications.id").onDelete("restrict"))
    .addColumn("referential_version_id", "uuid", (c) =>
      c.notNull().references("referential_versions.id").onDelete("restrict"),
    )
    .addColumn("target_bloc_codes", "jsonb", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("snapshot", "jsonb", (c) => c.notNull())
    .addColumn("machine_version", "integer", (c) => c.notNull())
    .addColumn("row_version", "integer", (c) => c.notNull().defaultTo(0))
    // The calendar year (Europe/Paris) of the admissibility request: R335-7 counts requests per calendar year.
    .addColumn("request_year", "integer")
    .addColumn("requested_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The database backs the R335-7 rule too: one request a year per certification, whatever the code does.
  await sql`create unique index candidacies_one_request_per_year_idx
    on candidacies (candidate_id, certification_id, request_year) where request_year is not null`.execute(db);
  await db.schema.createIndex("candidacies_candidate_idx").on("candidacies").column("candidate_id").execute();
  await db.schema.createIndex("candidacies_state_idx").on("candidacies").column("state").execute();

  await db.schema
    .createTable("candidacy_events")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("candidacy_id", "uuid", (c) => c.notNull().references("candidacies.id").onDelete("cascade"))
    .addColumn("row_version", "integer", (c) => c.notNull())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("actor_user_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("actor_role", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("from_state", "text")
    .addColumn("to_state", "text", (c) => c.notNull())
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull())
    .addColumn("recorded_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    // One accepted event per row version: two writers that both read version N cannot both append.
    .addUniqueConstraint("candidacy_events_version_key", ["candidacy_id", "row_version"])
    .execute();

  await db.schema
    .createTable("outbox")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("topic", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull())
    .addColumn("candidacy_id", "uuid", (c) => c.references("candidacies.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("available_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("locked_until", "timestamptz")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .addColumn("processed_at", "timestamptz")
    .execute();
  await sql`create index outbox_pending_idx on outbox (available_at) where processed_at is null`.execute(db);

  await db.schema
    .createTable("timers")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("candidacy_id", "uuid", (c) => c.notNull().references("candidacies.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("due_at", "timestamptz", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("fired_at", "timestamptz")
    .addColumn("cancelled_at", "timestamptz")
    .addUniqueConstraint("timers_candidacy_kind_due_key", ["candidacy_id", "kind", "due_at"])
    .execute();
  await sql`create index timers_due_idx on timers (due_at) where fired_at is null and cancelled_at is null`.execute(db);

  await db.schema
    .createTable("acquired_blocs")
    .addColumn("candidate_id", "uuid", (c) => c.notNull().references("users.id").onDelete("restrict"))
    .addColumn("certification_id", "uuid", (c) => c.notNull().references("certifications.id").onDelete("restrict"))
    .addColumn("bloc_code", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull().check(sql`source in ('evaluation', 'prior_certificate')`))
    .addColumn("candidacy_id", "uuid", (c) => c.references("candidacies.id").onDelete("set null"))
    .addColumn("acquired_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("acquired_blocs_pkey", ["candidate_id", "certification_id", "bloc_code"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["acquired_blocs", "timers", "outbox", "candidacy_events", "candidacies"]) {
    await db.schema.dropTable(table).execute();
  }
}
