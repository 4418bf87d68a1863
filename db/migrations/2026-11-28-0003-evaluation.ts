// The evaluators' scores per competency, and the decision of each candidacy (joint scores kept exact).
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("evaluation_scores")
    .addColumn("candidacy_id", "uuid", (c) => c.notNull().references("candidacies.id").onDelete("cascade"))
    .addColumn("evaluator_id", "uuid", (c) => c.notNull().references("users.id").onDelete("restrict"))
    .addColumn("competency_code", "text", (c) => c.notNull())
    .addColumn("score", "numeric(4, 1)", (c) => c.notNull().check(sql`score between 0 and 100`))
    .addColumn("comment", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("evaluation_scores_pkey", ["candidacy_id", "evaluator_id", "competency_code"])
    .execute();

  await db.schema
    .createTable("candidacy_decisions")
    .addColumn("candidacy_id", "uuid", (c) => c.primaryKey().references("candidacies.id").onDelete("cascade"))
    .addColumn("route", "text", (c) => c.notNull().check(sql`route in ('agreed', 'deliberation')`))
    // Exact joint scores: { "C1.1": { "tenthsNumerator": 1403, "denominator": 2 } } is 70.15 %.
    .addColumn("joint_scores", "jsonb", (c) => c.notNull())
    .addColumn("origin", "jsonb", (c) => c.notNull())
    .addColumn("outcome", "jsonb", (c) => c.notNull())
    .addColumn("decided_at", "timestamptz", (c) => c.notNull())
    .addColumn("recorded_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("candidacy_decisions").execute();
  await db.schema.dropTable("evaluation_scores").execute();
}
