// Foundation schema: accounts and roles, sessions, login throttling, certifications with versioned referentials,
// and the audit log. Frozen once released: later changes come as new migrations.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("email", "text", (c) => c.notNull().unique().check(sql`email = lower(btrim(email))`))
    .addColumn("full_name", "text", (c) => c.notNull())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("is_active", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("user_roles")
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("role", "text", (c) =>
      c.notNull().check(sql`role in ('candidate', 'admissibility_officer', 'evaluator', 'certifier_staff', 'admin')`),
    )
    .addColumn("granted_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("granted_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addPrimaryKeyConstraint("user_roles_pkey", ["user_id", "role"])
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .execute();
  await db.schema.createIndex("sessions_user_id_idx").on("sessions").column("user_id").execute();
  await db.schema.createIndex("sessions_expires_at_idx").on("sessions").column("expires_at").execute();

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

  await db.schema
    .createTable("certifications")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("sector", "text", (c) => c.notNull())
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("hierarchical_position", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("referential_versions")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("certification_id", "uuid", (c) => c.notNull().references("certifications.id").onDelete("restrict"))
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('active', 'retired')`))
    .addColumn("bloc_mean_threshold_percent", "numeric(4, 1)", (c) =>
      c.notNull().check(sql`bloc_mean_threshold_percent between 0 and 100`),
    )
    .addColumn("competency_floor_percent", "numeric(4, 1)", (c) =>
      c.notNull().check(sql`competency_floor_percent between 0 and 100`),
    )
    .addColumn("evaluator_tolerance_points", "numeric(4, 1)", (c) =>
      c.notNull().check(sql`evaluator_tolerance_points between 0 and 100`),
    )
    .addColumn("validation_rule_text", "text", (c) => c.notNull())
    .addColumn("vae_steps", "jsonb", (c) => c.notNull())
    .addColumn("award_statements", "jsonb", (c) => c.notNull())
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("referential_versions_certification_version_key", ["certification_id", "version"])
    .execute();
  // At most one version of a certification is offered to new candidacies at a time.
  await sql`create unique index referential_versions_one_active_idx on referential_versions (certification_id) where status = 'active'`.execute(
    db,
  );

  await db.schema
    .createTable("blocs")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("referential_version_id", "uuid", (c) =>
      c.notNull().references("referential_versions.id").onDelete("cascade"),
    )
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addUniqueConstraint("blocs_version_code_key", ["referential_version_id", "code"])
    .execute();

  await db.schema
    .createTable("competencies")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("referential_version_id", "uuid", (c) =>
      c.notNull().references("referential_versions.id").onDelete("cascade"),
    )
    .addColumn("bloc_id", "uuid", (c) => c.notNull().references("blocs.id").onDelete("cascade"))
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("statement", "text", (c) => c.notNull())
    .addColumn("activities_code", "text", (c) => c.notNull())
    .addColumn("criteria_heading", "text", (c) => c.notNull())
    .addUniqueConstraint("competencies_version_code_key", ["referential_version_id", "code"])
    .execute();
  await db.schema.createIndex("competencies_bloc_id_idx").on("competencies").column("bloc_id").execute();

  for (const table of ["activities", "criteria"] as const) {
    await db.schema
      .createTable(table)
      .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn("competency_id", "uuid", (c) => c.notNull().references("competencies.id").onDelete("cascade"))
      .addColumn("position", "integer", (c) => c.notNull())
      .addColumn("text", "text", (c) => c.notNull())
      .addUniqueConstraint(`${table}_competency_position_key`, ["competency_id", "position"])
      .execute();
  }

  await db.schema
    .createTable("evaluation_modalities")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("bloc_id", "uuid", (c) => c.notNull().references("blocs.id").onDelete("cascade"))
    .addColumn("rank", "integer", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('questionnaire', 'tutor_observation', 'jury')`))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("duration", "text", (c) => c.notNull())
    .addColumn("location", "text", (c) => c.notNull())
    .addColumn("evaluators", "text", (c) => c.notNull())
    .addUniqueConstraint("evaluation_modalities_bloc_rank_key", ["bloc_id", "rank"])
    .execute();

  await db.schema
    .createTable("evaluation_weights")
    .addColumn("referential_version_id", "uuid", (c) =>
      c.notNull().references("referential_versions.id").onDelete("cascade"),
    )
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('questionnaire', 'tutor_observation', 'jury')`))
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("weight_percent", "integer", (c) => c.notNull().check(sql`weight_percent between 0 and 100`))
    .addPrimaryKeyConstraint("evaluation_weights_pkey", ["referential_version_id", "kind"])
    .execute();

  await db.schema
    .createTable("audit_events")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("actor_user_id", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("actor_role", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("subject_type", "text", (c) => c.notNull())
    .addColumn("subject_id", "text")
    .addColumn("payload", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("ip", "text")
    .execute();
  await db.schema
    .createIndex("audit_events_subject_idx")
    .on("audit_events")
    .columns(["subject_type", "subject_id"])
    .execute();
  await db.schema.createIndex("audit_events_occurred_at_idx").on("audit_events").column("occurred_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "audit_events",
    "evaluation_weights",
    "evaluation_modalities",
    "criteria",
    "activities",
    "competencies",
    "blocs",
    "referential_versions",
    "certifications",
    "login_failures",
    "sessions",
    "user_roles",
    "users",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
