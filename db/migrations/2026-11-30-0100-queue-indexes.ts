// Indexes of the officer's queue and staff's registry (docs/decisions/029): each list reads its next page from an
// index in its own sort order, starting after the last row shown, so page 500 costs what page 1 does. And the
// searchable form of each account's name and e-mail, kept by the database itself.
import { type Kysely, sql } from "kysely";

// workflows/candidacy-queues.ts' SEARCH_FOLD_FROM / SEARCH_FOLD_TO as they were when this migration was written.
const FOLD_FROM = "àáâãäåāçćčèéêëēėęìíîïīñńòóôõöøōùúûüūýÿžźżÀÁÂÃÄÅĀÇĆČÈÉÊËĒĖĘÌÍÎÏĪÑŃÒÓÔÕÖØŌÙÚÛÜŪÝŸŽŹŻ";
const FOLD_TO = "aaaaaaaccceeeeeeeiiiiinnooooooouuuuuyyzzzaaaaaaaccceeeeeeeiiiiinnooooooouuuuuyyzzz";

export async function up(db: Kysely<any>): Promise<void> {
  // Name and e-mail, accents folded by translate and ASCII lower-cased: a search compares its folded term with LIKE.
  // Stored, because translate over UTF-8 costs ~4 µs a row (0.4 s a search at 100 000 accounts when computed).
  await sql`alter table users add column search_text text generated always as
    (lower(translate(full_name || ' ' || email, ${sql.lit(FOLD_FROM)}, ${sql.lit(FOLD_TO)}))) stored`.execute(db);
  // "Most recent activity first", every candidacy or one state (scanned backwards).
  await sql`create index candidacies_updated_idx on candidacies (updated_at, id)`.execute(db);
  await sql`create index candidacies_state_updated_idx on candidacies (state, updated_at, id)`.execute(db);
  // "Nearest deadline first": the legal deadlines' timers only (not the reminders), frozen here as data.
  await sql`create index timers_deadline_idx on timers (due_at, candidacy_id)
    where cancelled_at is null
      and kind in ('ADMISSIBILITY_SILENCE', 'VALIDITY_EXPIRY', 'EVALUATION_OVERDUE', 'RESULT_OVERDUE')`.execute(db);
  // The officer filter: the candidacies an officer examined or decided.
  await sql`create index candidacy_events_officer_idx on candidacy_events (actor_user_id, candidacy_id)
    where actor_role = 'admissibility_officer'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index candidacy_events_officer_idx`.execute(db);
  await sql`drop index timers_deadline_idx`.execute(db);
  await sql`drop index candidacies_state_updated_idx`.execute(db);
  await sql`drop index candidacies_updated_idx`.execute(db);
  await sql`alter table users drop column search_text`.execute(db);
}
