// Certificates and block attestations: a gapless number per certification and year, allocated in the transaction
// that inserts the certificate (a rollback gives the number back), one certificate per (candidacy, kind) — the
// exactly-once key — and its documents (edition 1 the original, 2… duplicates). What identifies a certificate
// (number, verification code, holder, blocs, issue date) cannot change once written: the database refuses it.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // An explicit prefix for a certification's numbers; unset, it is derived from the certification's code.
  await db.schema
    .alterTable("certifications")
    .addColumn("certificate_prefix", "text", (c) => c.check(sql`certificate_prefix ~ '^[A-Z0-9]{2,10}$'`))
    .execute();

  await db.schema
    .createTable("certificate_sequences")
    .addColumn("certification_id", "uuid", (c) => c.notNull().references("certifications.id").onDelete("restrict"))
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("last_number", "integer", (c) => c.notNull().check(sql`last_number >= 1`))
    .addPrimaryKeyConstraint("certificate_sequences_pkey", ["certification_id", "year"])
    .execute();

  await db.schema
    .createTable("certificates")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("number", "text", (c) => c.notNull().unique())
    .addColumn("certification_id", "uuid", (c) => c.notNull().references("certifications.id").onDelete("restrict"))
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("sequence", "integer", (c) => c.notNull().check(sql`sequence >= 1`))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('full', 'blocs')`))
    .addColumn("candidate_id", "uuid", (c) => c.notNull().references("users.id").onDelete("restrict"))
    .addColumn("candidacy_id", "uuid", (c) => c.notNull().references("candidacies.id").onDelete("restrict"))
    .addColumn("bloc_codes", "jsonb", (c) => c.notNull())
    .addColumn("holder_name", "text", (c) => c.notNull())
    // The name lower-cased and without accents ("Hélène" → "helene"), written by the portal: what the registry
    // search matches, accents and case aside (neither unaccent nor pg_trgm exists on PGlite).
    .addColumn("holder_search", "text", (c) => c.notNull())
    .addColumn("holder_birth_date", "date")
    .addColumn("issued_at", "timestamptz", (c) => c.notNull())
    // Canonical form: upper-case Crockford base32, no separators (printed grouped by 4).
    .addColumn("verification_code", "text", (c) =>
      c.notNull().unique().check(sql`verification_code ~ '^[0-9A-HJKMNP-TV-Z]{16,32}$'`),
    )
    .addColumn("template_id", "text", (c) => c.notNull())
    .addColumn("template_version", "integer", (c) => c.notNull())
    .addColumn("revoked_at", "timestamptz")
    .addColumn("revoked_by", "uuid", (c) => c.references("users.id").onDelete("restrict"))
    .addColumn("revocation_reason", "text")
    .addUniqueConstraint("certificates_candidacy_kind_key", ["candidacy_id", "kind"])
    .addUniqueConstraint("certificates_sequence_key", ["certification_id", "year", "sequence"])
    .addCheckConstraint(
      "certificates_revocation_complete",
      sql`(revoked_at is null and revoked_by is null and revocation_reason is null)
        or (revoked_at is not null and revocation_reason is not null)`,
    )
    .execute();
  // The staff registry pages by (issued_at desc, id) without OFFSET; the name search matches a prefix of the
  // lower-cased name (pg_trgm is not available on PGlite), or of any word of it, through this expression index.
  await sql`create index certificates_registry_idx on certificates (issued_at desc, id desc)`.execute(db);
  await sql`create index certificates_holder_name_idx on certificates (lower(holder_name) text_pattern_ops)`.execute(
    db,
  );
  await db.schema.createIndex("certificates_candidate_idx").on("certificates").column("candidate_id").execute();

  await db.schema
    .createTable("certificate_documents")
    .addColumn("certificate_id", "uuid", (c) => c.notNull().references("certificates.id").onDelete("restrict"))
    .addColumn("edition", "integer", (c) => c.notNull().check(sql`edition >= 1`))
    .addColumn("storage_key", "text", (c) => c.notNull().unique())
    .addColumn("sha256", "text", (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn("byte_size", "integer", (c) => c.notNull())
    .addColumn("credential_jwt", "text", (c) => c.notNull())
    // Why a duplicate was issued (lost, damaged…); null for the original.
    .addColumn("reason", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("created_by", "uuid", (c) => c.references("users.id").onDelete("restrict"))
    .addPrimaryKeyConstraint("certificate_documents_pkey", ["certificate_id", "edition"])
    .addCheckConstraint("certificate_documents_duplicate_reason", sql`edition = 1 or reason is not null`)
    .execute();
  await db.schema
    .createIndex("certificate_documents_sha256_idx")
    .on("certificate_documents")
    .column("sha256")
    .execute();

  // What a certificate says is final: only its revocation may be written later. Documents are never rewritten.
  await sql`
    create function forbid_certificate_change() returns trigger language plpgsql as $$
    begin
      if tg_table_name = 'certificate_documents' or tg_op = 'DELETE' then
        raise exception 'issued certificates are immutable' using errcode = 'P0001', hint = 'certificate_immutable';
      end if;
      if new.id is distinct from old.id or new.number is distinct from old.number
          or new.certification_id is distinct from old.certification_id or new.year is distinct from old.year
          or new.sequence is distinct from old.sequence or new.kind is distinct from old.kind
          or new.candidate_id is distinct from old.candidate_id or new.candidacy_id is distinct from old.candidacy_id
          or new.bloc_codes is distinct from old.bloc_codes or new.holder_name is distinct from old.holder_name
          or new.holder_search is distinct from old.holder_search
          or new.holder_birth_date is distinct from old.holder_birth_date or new.issued_at is distinct from old.issued_at
          or new.verification_code is distinct from old.verification_code
          or new.template_id is distinct from old.template_id
          or new.template_version is distinct from old.template_version
          or (old.revoked_at is not null and (new.revoked_at is distinct from old.revoked_at
            or new.revoked_by is distinct from old.revoked_by
            or new.revocation_reason is distinct from old.revocation_reason)) then
        raise exception 'issued certificates are immutable' using errcode = 'P0001', hint = 'certificate_immutable';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger certificates_immutable before update or delete on certificates
    for each row execute function forbid_certificate_change()`.execute(db);
  await sql`create trigger certificate_documents_immutable before update or delete on certificate_documents
    for each row execute function forbid_certificate_change()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("certificate_documents").execute();
  await db.schema.dropTable("certificates").execute();
  await db.schema.dropTable("certificate_sequences").execute();
  await sql`drop function forbid_certificate_change()`.execute(db);
  await db.schema.alterTable("certifications").dropColumn("certificate_prefix").execute();
}
