// The evaluators' drafts, the deliberation and the minutes (procès-verbal): a draft score may be empty (a comment
// first) and carries the criteria ticked; each deliberation proposal or casting vote is kept with its author; the
// recommendations per bloc not awarded, the two signatures and the stored PDF of the signed minutes. Once an
// evaluator has signed, the database itself refuses any change to what the minutes record.
import { type Kysely, sql } from "kysely";

const LOCKED_TABLES = ["evaluation_scores", "deliberation_entries", "bloc_recommendations", "candidacy_decisions"];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table evaluation_scores alter column score drop not null`.execute(db);
  await db.schema
    .alterTable("evaluation_scores")
    // 1-based positions of the competency's criteria the evaluator ticked as met.
    .addColumn("criteria_met", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();

  await db.schema
    .createTable("deliberation_entries")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("candidacy_id", "uuid", (c) => c.notNull().references("candidacies.id").onDelete("cascade"))
    .addColumn("competency_code", "text", (c) => c.notNull())
    .addColumn("author_id", "uuid", (c) => c.notNull().references("users.id").onDelete("restrict"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('proposal', 'casting_vote')`))
    .addColumn("score", "numeric(4, 1)", (c) => c.notNull().check(sql`score between 0 and 100`))
    .addColumn("comment", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("deliberation_entries_candidacy_idx")
    .on("deliberation_entries")
    .columns(["candidacy_id", "competency_code", "created_at"])
    .execute();

  await db.schema
    .createTable("bloc_recommendations")
    .addColumn("candidacy_id", "uuid", (c) => c.notNull().references("candidacies.id").onDelete("cascade"))
    .addColumn("bloc_code", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("updated_by", "uuid", (c) => c.notNull().references("users.id").onDelete("restrict"))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("bloc_recommendations_pkey", ["candidacy_id", "bloc_code"])
    .execute();

  await db.schema
    .createTable("minutes_signatures")
    .addColumn("candidacy_id", "uuid", (c) => c.notNull().references("candidacies.id").onDelete("cascade"))
    .addColumn("evaluator_id", "uuid", (c) => c.notNull().references("users.id").onDelete("restrict"))
    .addColumn("slot", "text", (c) => c.notNull().check(sql`slot in ('A', 'B')`))
    // Identity as it was when signing: a later change of name or address does not rewrite the minutes.
    .addColumn("full_name", "text", (c) => c.notNull())
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("signed_at", "timestamptz", (c) => c.notNull())
    .addColumn("ip", "text")
    .addPrimaryKeyConstraint("minutes_signatures_pkey", ["candidacy_id", "evaluator_id"])
    .addUniqueConstraint("minutes_signatures_slot_key", ["candidacy_id", "slot"])
    .execute();

  await db.schema
    .createTable("minutes_documents")
    .addColumn("candidacy_id", "uuid", (c) => c.primaryKey().references("candidacies.id").onDelete("cascade"))
    .addColumn("storage_key", "text", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("size_bytes", "integer", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Signed minutes are final. A row may still go when its candidacy is deleted (the cascade runs after the
  // candidacy row is gone), nothing else.
  await sql`
    create function forbid_signed_minutes_change() returns trigger language plpgsql as $$
    declare
      target uuid;
      signatures integer;
    begin
      target := case when tg_op = 'DELETE' then old.candidacy_id else new.candidacy_id end;
      if not exists (select 1 from candidacies k where k.id = target) then
        return case when tg_op = 'DELETE' then old else new end;
      end if;
      select count(*) into signatures from minutes_signatures s where s.candidacy_id = target;
      if tg_table_name = 'minutes_signatures' then
        if tg_op <> 'INSERT' or signatures >= 2 then
          raise exception 'the minutes of candidacy % are signed', target using errcode = 'P0001', hint = 'signed_minutes';
        end if;
      elsif tg_table_name = 'minutes_documents' then
        if tg_op <> 'INSERT' then
          raise exception 'the minutes of candidacy % are signed', target using errcode = 'P0001', hint = 'signed_minutes';
        end if;
      elsif tg_table_name = 'candidacy_decisions' then
        -- What the minutes record is final; columns other steps add later (validation) may still be set.
        if signatures > 0 and (tg_op <> 'UPDATE' or new.joint_scores is distinct from old.joint_scores
            or new.origin is distinct from old.origin or new.outcome is distinct from old.outcome
            or new.route is distinct from old.route) then
          raise exception 'the minutes of candidacy % are signed', target using errcode = 'P0001', hint = 'signed_minutes';
        end if;
      elsif signatures > 0 then
        raise exception 'the minutes of candidacy % are signed', target using errcode = 'P0001', hint = 'signed_minutes';
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$`.execute(db);
  for (const table of [...LOCKED_TABLES, "minutes_signatures", "minutes_documents"]) {
    await sql`create trigger ${sql.raw(`${table}_signed_minutes`)} before insert or update or delete on ${sql.table(table)}
      for each row execute function forbid_signed_minutes_change()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of LOCKED_TABLES) {
    await sql`drop trigger ${sql.raw(`${table}_signed_minutes`)} on ${sql.table(table)}`.execute(db);
  }
  for (const table of ["minutes_documents", "minutes_signatures", "bloc_recommendations", "deliberation_entries"]) {
    await db.schema.dropTable(table).execute();
  }
  await sql`drop function forbid_signed_minutes_change()`.execute(db);
  await db.schema.alterTable("evaluation_scores").dropColumn("criteria_met").execute();
  await sql`delete from evaluation_scores where score is null`.execute(db);
  await sql`alter table evaluation_scores alter column score set not null`.execute(db);
}
