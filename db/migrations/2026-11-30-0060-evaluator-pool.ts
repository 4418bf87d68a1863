// The evaluator pool managed by certifier staff: one profile per evaluator account (civilité, employer, sectors,
// active or not), the certifications each is qualified for, and the periods in which they can sit on a jury.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("evaluator_profiles")
    .addColumn("user_id", "uuid", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
    // Optional: only used to warn when a pair is not mixed (the decree asks for a balanced representation).
    .addColumn("civility", "text", (c) => c.check(sql`civility in ('M.', 'Mme')`))
    .addColumn("employer_name", "text", (c) => c.notNull())
    // The conflict-of-interest rule compares this form (workflows/conflict-of-interest.ts), kept for queries.
    .addColumn("employer_name_normalized", "text", (c) => c.notNull())
    .addColumn("employer_siret", "text", (c) => c.check(sql`employer_siret ~ '^[0-9]{14}$'`))
    .addColumn("sectors", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("is_active", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("evaluator_qualifications")
    .addColumn("user_id", "uuid", (c) => c.notNull().references("evaluator_profiles.user_id").onDelete("cascade"))
    .addColumn("certification_id", "uuid", (c) => c.notNull().references("certifications.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("evaluator_qualifications_pkey", ["user_id", "certification_id"])
    .execute();
  await db.schema
    .createIndex("evaluator_qualifications_certification_idx")
    .on("evaluator_qualifications")
    .column("certification_id")
    .execute();

  await db.schema
    .createTable("evaluator_availabilities")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("evaluator_profiles.user_id").onDelete("cascade"))
    .addColumn("starts_on", "date", (c) => c.notNull())
    .addColumn("ends_on", "date", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .addCheckConstraint("evaluator_availabilities_order_check", sql`ends_on >= starts_on`)
    .execute();
  await db.schema
    .createIndex("evaluator_availabilities_user_idx")
    .on("evaluator_availabilities")
    .column("user_id")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("evaluator_availabilities").execute();
  await db.schema.dropTable("evaluator_qualifications").execute();
  await db.schema.dropTable("evaluator_profiles").execute();
}
