// The two name searches learn the letters that carry no separable accent (ł, ø, đ, ħ, ı, œ, æ, ß): Łukasz is found
// as "lukasz", Lœuvre as "loeuvre". users.search_text (the queues' and registry's candidate search) is recomputed
// by the database with the new expression; certificates.holder_search (the certificate registry's search) is a
// copy kept with each certificate, re-spelled here for the certificates issued before.
import { type Kysely, sql } from "kysely";

// workflows/candidacy-queues.ts' SEARCH_FOLD_FROM / SEARCH_FOLD_TO / SEARCH_FOLD_SPELLED as they were when this
// migration was written.
const FOLD_FROM = "àáâãäåāçćčèéêëēėęìíîïīñńòóôõöøōùúûüūýÿžźżÀÁÂÃÄÅĀÇĆČÈÉÊËĒĖĘÌÍÎÏĪÑŃÒÓÔÕÖØŌÙÚÛÜŪÝŸŽŹŻłŁđĐħĦı";
const FOLD_TO = "aaaaaaaccceeeeeeeiiiiinnooooooouuuuuyyzzzaaaaaaaccceeeeeeeiiiiinnooooooouuuuuyyzzzllddhhi";
const SPELLED: ReadonlyArray<readonly [string, string]> = [
  ["œ", "oe"],
  ["Œ", "oe"],
  ["æ", "ae"],
  ["Æ", "ae"],
  ["ß", "ss"],
  ["ẞ", "ss"],
];
// The previous expression (migration 2026-11-30-0100), for the way down.
const OLD_FOLD_FROM = "àáâãäåāçćčèéêëēėęìíîïīñńòóôõöøōùúûüūýÿžźżÀÁÂÃÄÅĀÇĆČÈÉÊËĒĖĘÌÍÎÏĪÑŃÒÓÔÕÖØŌÙÚÛÜŪÝŸŽŹŻ";
const OLD_FOLD_TO = "aaaaaaaccceeeeeeeiiiiinnooooooouuuuuyyzzzaaaaaaaccceeeeeeeiiiiinnooooooouuuuuyyzzz";
// workflows/certificates.ts' SEARCH_LETTER_SPELLINGS (holder_search is already lower-cased, its accents removed).
const HOLDER_FROM = "łøđħı";
const HOLDER_TO = "lodhi";
const HOLDER_SPELLED: ReadonlyArray<readonly [string, string]> = [
  ["œ", "oe"],
  ["æ", "ae"],
  ["ß", "ss"],
];

function spelled(expression: ReturnType<typeof sql>, pairs: ReadonlyArray<readonly [string, string]>) {
  return pairs.reduce(
    (inner, [letter, spelling]) => sql`replace(${inner}, ${sql.lit(letter)}, ${sql.lit(spelling)})`,
    expression,
  );
}

export async function up(db: Kysely<any>): Promise<void> {
  const folded = spelled(
    sql`translate(full_name || ' ' || email, ${sql.lit(FOLD_FROM)}, ${sql.lit(FOLD_TO)})`,
    SPELLED,
  );
  await sql`alter table users drop column search_text`.execute(db);
  await sql`alter table users add column search_text text generated always as (lower(${folded})) stored`.execute(db);

  // What a certificate says stays final (its trigger); its search key is derived from its holder's name and is not
  // part of what it says, so this one re-derivation goes around the trigger, inside the migration's transaction.
  const holder = spelled(sql`translate(holder_search, ${sql.lit(HOLDER_FROM)}, ${sql.lit(HOLDER_TO)})`, HOLDER_SPELLED);
  await sql`alter table certificates disable trigger certificates_immutable`.execute(db);
  await sql`update certificates set holder_search = ${holder} where holder_search ~ ${sql.lit(`[${HOLDER_FROM}${HOLDER_SPELLED.map(([l]) => l).join("")}]`)}`.execute(
    db,
  );
  await sql`alter table certificates enable trigger certificates_immutable`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table users drop column search_text`.execute(db);
  await sql`alter table users add column search_text text generated always as
    (lower(translate(full_name || ' ' || email, ${sql.lit(OLD_FOLD_FROM)}, ${sql.lit(OLD_FOLD_TO)}))) stored`.execute(
    db,
  );
  // Re-spelled holder keys stay as they are: the previous code searched with the letters themselves, which a
  // re-spelled key no longer holds, and the names they came from are kept whole in holder_name.
}
