// Candidates' files and the declarative dossier: every stored object has one `documents` row (written only once the
// object is fully stored); admissibility documents are typed, with the period a proof of activity covers; the
// dossier lives in numbered versions whose narratives, evidence and links to competencies are frozen at submission.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("documents")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("candidacy_id", "uuid", (c) => c.notNull().references("candidacies.id").onDelete("cascade"))
    .addColumn("purpose", "text", (c) => c.notNull().check(sql`purpose in ('admissibility', 'evidence')`))
    .addColumn("storage_key", "text", (c) => c.notNull().unique())
    .addColumn("original_name", "text", (c) => c.notNull())
    .addColumn("media_type", "text", (c) => c.notNull())
    .addColumn("byte_size", "bigint", (c) => c.notNull().check(sql`byte_size > 0`))
    .addColumn("sha256", "text", (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn("uploaded_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("uploaded_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    // The object was removed from storage on purpose (the identity document after the admissibility decision);
    // the row stays as the record that the document existed.
    .addColumn("purged_at", "timestamptz")
    .execute();
  await db.schema.createIndex("documents_candidacy_idx").on("documents").column("candidacy_id").execute();

  await db.schema
    .createTable("admissibility_documents")
    .addColumn("document_id", "uuid", (c) => c.primaryKey().references("documents.id").onDelete("cascade"))
    .addColumn("candidacy_id", "uuid", (c) => c.notNull().references("candidacies.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) =>
      c.notNull().check(sql`kind in ('identity', 'activity_proof', 'prior_certificate', 'sworn_statement', 'other')`),
    )
    .addColumn("proof_type", "text", (c) =>
      c.check(sql`proof_type in ('employer_attestation', 'payslips', 'employment_contract', 'other_proof')`),
    )
    .addColumn("period_start", "date")
    .addColumn("period_end", "date")
    .addColumn("employer", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("job_title", "text", (c) => c.notNull().defaultTo(""))
    // Whether the activity proved is related to the CQP: only those count in the declared experience.
    .addColumn("related_to_cqp", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("prior_bloc_codes", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    // Set when the admissibility decision is made: whoever decided checked the documents it rests on.
    .addColumn("checked_at", "timestamptz")
    .addColumn("checked_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addCheckConstraint(
      "admissibility_documents_proof_period_check",
      sql`kind <> 'activity_proof' or (proof_type is not null and period_start is not null and period_end is not null)`,
    )
    .addCheckConstraint("admissibility_documents_period_order_check", sql`period_end >= period_start`)
    .execute();
  await db.schema
    .createIndex("admissibility_documents_candidacy_idx")
    .on("admissibility_documents")
    .column("candidacy_id")
    .execute();

  await db.schema
    .createTable("dossier_versions")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("candidacy_id", "uuid", (c) => c.notNull().references("candidacies.id").onDelete("cascade"))
    .addColumn("version", "integer", (c) => c.notNull().check(sql`version >= 1`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("frozen_at", "timestamptz")
    .addColumn("frozen_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addUniqueConstraint("dossier_versions_candidacy_version_key", ["candidacy_id", "version"])
    .execute();
  // At most one version being written at a time.
  await sql`create unique index dossier_versions_one_draft_idx on dossier_versions (candidacy_id) where frozen_at is null`.execute(
    db,
  );

  await db.schema
    .createTable("dossier_narratives")
    .addColumn("dossier_version_id", "uuid", (c) => c.notNull().references("dossier_versions.id").onDelete("cascade"))
    .addColumn("competency_code", "text", (c) => c.notNull())
    .addColumn("context", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("actions", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("results", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("dossier_narratives_pkey", ["dossier_version_id", "competency_code"])
    .execute();

  await db.schema
    .createTable("dossier_evidence")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("dossier_version_id", "uuid", (c) => c.notNull().references("dossier_versions.id").onDelete("cascade"))
    // restrict: a file a version refers to cannot disappear under it.
    .addColumn("document_id", "uuid", (c) => c.notNull().references("documents.id").onDelete("restrict"))
    .addColumn("caption", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("dossier_evidence_version_document_key", ["dossier_version_id", "document_id"])
    .execute();
  await db.schema.createIndex("dossier_evidence_document_idx").on("dossier_evidence").column("document_id").execute();

  await db.schema
    .createTable("dossier_evidence_competencies")
    .addColumn("evidence_id", "uuid", (c) => c.notNull().references("dossier_evidence.id").onDelete("cascade"))
    .addColumn("competency_code", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("dossier_evidence_competencies_pkey", ["evidence_id", "competency_code"])
    .execute();

  await db.schema
    .createTable("dossier_evidence_criteria")
    .addColumn("evidence_id", "uuid", (c) => c.notNull().references("dossier_evidence.id").onDelete("cascade"))
    .addColumn("criterion_id", "uuid", (c) => c.notNull().references("criteria.id").onDelete("restrict"))
    .addPrimaryKeyConstraint("dossier_evidence_criteria_pkey", ["evidence_id", "criterion_id"])
    .execute();

  // A frozen version is what the evaluators read: the database itself refuses to change it, whatever the code
  // does (docs/decisions/010).
  await sql`
    create function forbid_frozen_dossier_change() returns trigger language plpgsql as $$
    declare
      version_id uuid;
      frozen boolean;
    begin
      if tg_table_name = 'dossier_versions' then
        if old.frozen_at is not null then
          raise exception 'dossier version % is frozen', old.version using errcode = 'P0001', hint = 'frozen_dossier';
        end if;
        return new;
      end if;
      if tg_table_name in ('dossier_narratives', 'dossier_evidence') then
        version_id := case when tg_op = 'DELETE' then old.dossier_version_id else new.dossier_version_id end;
      else
        select e.dossier_version_id into version_id from dossier_evidence e
          where e.id = case when tg_op = 'DELETE' then old.evidence_id else new.evidence_id end;
      end if;
      select v.frozen_at is not null into frozen from dossier_versions v where v.id = version_id;
      if frozen then
        raise exception 'dossier version is frozen' using errcode = 'P0001', hint = 'frozen_dossier';
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$`.execute(db);
  await sql`create trigger dossier_versions_frozen before update on dossier_versions
    for each row execute function forbid_frozen_dossier_change()`.execute(db);
  for (const table of [
    "dossier_narratives",
    "dossier_evidence",
    "dossier_evidence_competencies",
    "dossier_evidence_criteria",
  ]) {
    await sql`create trigger ${sql.raw(`${table}_frozen`)} before insert or update or delete on ${sql.table(table)}
      for each row execute function forbid_frozen_dossier_change()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "dossier_evidence_criteria",
    "dossier_evidence_competencies",
    "dossier_evidence",
    "dossier_narratives",
    "dossier_versions",
    "admissibility_documents",
    "documents",
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop function forbid_frozen_dossier_change()`.execute(db);
}
