// Certificates, their numbering and their documents. Numbers are allocated in the caller's transaction, which also
// inserts the certificate: a rollback gives the number back, so numbers have no gaps.
import { type Kysely, type Transaction, sql } from "kysely";
import { searchableName } from "../../workflows/certificates";
import type { CertificateKindColumn, Database } from "../schema";

type Db = Kysely<Database> | Transaction<Database>;

/** The next number of a certification's sequence for a year; the sequence row stays locked until the caller commits. */
export async function allocateCertificateSequence(
  trx: Transaction<Database>,
  certificationId: string,
  year: number,
): Promise<number> {
  const row = await trx
    .insertInto("certificate_sequences")
    .values({ certification_id: certificationId, year, last_number: 1 })
    .onConflict((oc) =>
      oc
        .columns(["certification_id", "year"])
        .doUpdateSet({ last_number: sql<number>`certificate_sequences.last_number + 1` }),
    )
    .returning("last_number")
    .executeTakeFirstOrThrow();
  return row.last_number;
}

/** What issuing reads about a candidacy: its candidate, certification and state. Locks the row when asked. */
export async function readCandidacyForIssuing(trx: Db, candidacyId: string, lock: boolean) {
  let query = trx
    .selectFrom("candidacies as k")
    .innerJoin("users as u", "u.id", "k.candidate_id")
    .innerJoin("certifications as c", "c.id", "k.certification_id")
    .select([
      "k.id",
      "k.candidate_id as candidateId",
      "k.certification_id as certificationId",
      "k.referential_version_id as referentialVersionId",
      "k.state",
      "k.snapshot",
      "u.full_name as candidateName",
      "c.code as certificationCode",
      "c.title as certificationTitle",
      "c.certificate_prefix as certificatePrefix",
    ])
    .where("k.id", "=", candidacyId);
  if (lock) query = query.forUpdate("k");
  return query.executeTakeFirst();
}

const CERTIFICATE_COLUMNS = [
  "t.id",
  "t.number",
  "t.certification_id as certificationId",
  "t.year",
  "t.sequence",
  "t.kind",
  "t.candidate_id as candidateId",
  "t.candidacy_id as candidacyId",
  "t.bloc_codes as blocCodes",
  "t.holder_name as holderName",
  "t.holder_birth_date as holderBirthDate",
  "t.issued_at as issuedAt",
  "t.verification_code as verificationCode",
  "t.template_id as templateId",
  "t.template_version as templateVersion",
  "t.revoked_at as revokedAt",
  "t.revoked_by as revokedBy",
  "t.revocation_reason as revocationReason",
  "c.code as certificationCode",
  "c.title as certificationTitle",
  "k.referential_version_id as referentialVersionId",
] as const;

function certificatesQuery(db: Db) {
  return db
    .selectFrom("certificates as t")
    .innerJoin("certifications as c", "c.id", "t.certification_id")
    .innerJoin("candidacies as k", "k.id", "t.candidacy_id")
    .select(CERTIFICATE_COLUMNS);
}

export type CertificateRow = NonNullable<Awaited<ReturnType<typeof findCertificate>>>;

export async function findCertificate(db: Db, certificateId: string) {
  return certificatesQuery(db).where("t.id", "=", certificateId).executeTakeFirst();
}

export async function findCertificateForUpdate(trx: Transaction<Database>, certificateId: string) {
  return certificatesQuery(trx).where("t.id", "=", certificateId).forUpdate("t").executeTakeFirst();
}

export async function findCertificateOfCandidacy(db: Db, candidacyId: string, kind: CertificateKindColumn) {
  return certificatesQuery(db).where("t.candidacy_id", "=", candidacyId).where("t.kind", "=", kind).executeTakeFirst();
}

export async function findCertificateByCode(db: Db, verificationCode: string) {
  return certificatesQuery(db).where("t.verification_code", "=", verificationCode).executeTakeFirst();
}

export async function listCertificatesOfCandidate(db: Db, candidateId: string) {
  return certificatesQuery(db).where("t.candidate_id", "=", candidateId).orderBy("t.issued_at", "desc").execute();
}

/** Inserts a certificate unless its (candidacy, kind) already has one: true when this call inserted it. */
export async function insertCertificate(
  trx: Transaction<Database>,
  values: {
    number: string;
    certificationId: string;
    year: number;
    sequence: number;
    kind: CertificateKindColumn;
    candidateId: string;
    candidacyId: string;
    blocCodes: string[];
    holderName: string;
    holderBirthDate: string | null;
    issuedAt: Date;
    verificationCode: string;
    templateId: string;
    templateVersion: number;
  },
): Promise<string | null> {
  const row = await trx
    .insertInto("certificates")
    .values({
      number: values.number,
      certification_id: values.certificationId,
      year: values.year,
      sequence: values.sequence,
      kind: values.kind,
      candidate_id: values.candidateId,
      candidacy_id: values.candidacyId,
      bloc_codes: JSON.stringify(values.blocCodes),
      holder_name: values.holderName,
      holder_search: searchableName(values.holderName),
      holder_birth_date: values.holderBirthDate,
      issued_at: values.issuedAt,
      verification_code: values.verificationCode,
      template_id: values.templateId,
      template_version: values.templateVersion,
    })
    .onConflict((oc) => oc.columns(["candidacy_id", "kind"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function listCertificateDocuments(db: Db, certificateIds: string[]) {
  if (certificateIds.length === 0) return [];
  return db
    .selectFrom("certificate_documents as d")
    .leftJoin("users as u", "u.id", "d.created_by")
    .select([
      "d.certificate_id as certificateId",
      "d.edition",
      "d.storage_key as storageKey",
      "d.sha256",
      "d.byte_size as byteSize",
      "d.credential_jwt as credentialJwt",
      "d.reason",
      "d.created_at as createdAt",
      "u.full_name as createdByName",
    ])
    .where("d.certificate_id", "in", certificateIds)
    .orderBy("d.certificate_id")
    .orderBy("d.edition")
    .execute();
}

export async function lastEdition(db: Db, certificateId: string): Promise<number> {
  const row = await db
    .selectFrom("certificate_documents")
    .select((eb) => eb.fn.max("edition").as("edition"))
    .where("certificate_id", "=", certificateId)
    .executeTakeFirst();
  return Number(row?.edition ?? 0);
}

/** Records a rendered edition unless it is already recorded: true when this call recorded it. */
export async function insertCertificateDocument(
  trx: Transaction<Database>,
  values: {
    certificateId: string;
    edition: number;
    storageKey: string;
    sha256: string;
    byteSize: number;
    credentialJwt: string;
    reason: string | null;
    createdAt: Date;
    createdBy: string | null;
  },
): Promise<boolean> {
  const row = await trx
    .insertInto("certificate_documents")
    .values({
      certificate_id: values.certificateId,
      edition: values.edition,
      storage_key: values.storageKey,
      sha256: values.sha256,
      byte_size: values.byteSize,
      credential_jwt: values.credentialJwt,
      reason: values.reason,
      created_at: values.createdAt,
      created_by: values.createdBy,
    })
    .onConflict((oc) => oc.columns(["certificate_id", "edition"]).doNothing())
    .returning("edition")
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether some edition of a certificate has these bytes' SHA-256. */
export async function findEditionBySha256(db: Db, certificateId: string, sha256: string) {
  return db
    .selectFrom("certificate_documents")
    .select(["edition"])
    .where("certificate_id", "=", certificateId)
    .where("sha256", "=", sha256)
    .executeTakeFirst();
}

export async function revokeCertificateRow(
  trx: Transaction<Database>,
  certificateId: string,
  values: { revokedAt: Date; revokedBy: string; reason: string },
): Promise<boolean> {
  const result = await trx
    .updateTable("certificates")
    .set({ revoked_at: values.revokedAt, revoked_by: values.revokedBy, revocation_reason: values.reason })
    .where("id", "=", certificateId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * A journal entry on the candidacy (its timeline, for staff and the candidate): the candidacy's row version moves on
 * with it, as for any event, so that the journal keeps one entry per version. Locks the candidacy row.
 */
export async function appendCertificateJournalEntry(
  trx: Transaction<Database>,
  entry: {
    candidacyId: string;
    eventType: "CERTIFICATE_ISSUED" | "CERTIFICATE_REVOKED" | "CERTIFICATE_DUPLICATE_ISSUED";
    actorUserId: string | null;
    actorRole: "certifier_staff" | "system";
    payload: Record<string, unknown>;
    occurredAt: Date;
  },
): Promise<void> {
  const row = await trx
    .updateTable("candidacies")
    .set((eb) => ({ row_version: eb("row_version", "+", 1) }))
    .where("id", "=", entry.candidacyId)
    .returning(["row_version", "state"])
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("candidacy_events")
    .values({
      candidacy_id: entry.candidacyId,
      row_version: row.row_version,
      event_type: entry.eventType,
      actor_user_id: entry.actorUserId,
      actor_role: entry.actorRole,
      payload: JSON.stringify(entry.payload),
      from_state: row.state,
      to_state: row.state,
      occurred_at: entry.occurredAt,
    })
    .execute();
}

/** The journal entries about one certificate (issue, duplicates, revocation), oldest first. */
export async function listCertificateJournal(db: Db, candidacyId: string, certificateId: string) {
  return db
    .selectFrom("candidacy_events as e")
    .leftJoin("users as u", "u.id", "e.actor_user_id")
    .select([
      "e.event_type as eventType",
      "e.actor_role as actorRole",
      "u.full_name as actorName",
      "e.payload",
      "e.occurred_at as occurredAt",
    ])
    .where("e.candidacy_id", "=", candidacyId)
    .where(sql<boolean>`e.payload->>'certificateId' = ${certificateId}`)
    .orderBy("e.row_version")
    .execute();
}

/** Candidacies validated with a result that issues something, and no certificate yet: "being issued". */
export async function listCandidaciesAwaitingCertificate(db: Db, candidateId: string) {
  return db
    .selectFrom("candidacies as k")
    .innerJoin("certifications as c", "c.id", "k.certification_id")
    .select(["k.id as candidacyId", "c.title as certificationTitle"])
    .where("k.candidate_id", "=", candidateId)
    .where("k.state", "in", ["certified", "closed"])
    .where(sql<boolean>`k.snapshot->'context'->'decision'->>'result' in ('full', 'partial')`)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom("certificates as t").select("t.id").whereRef("t.candidacy_id", "=", "k.id"))),
    )
    .orderBy("k.created_at")
    .execute();
}

export interface RegistryFilter {
  /** As searchableName gives it: a prefix of the name or of one of its words, or of the number. */
  search?: string;
  issuedFrom?: Date;
  /** Exclusive. */
  issuedBefore?: Date;
  status?: "valid" | "revoked";
  after?: { issuedAt: Date; id: string };
  limit: number;
}

/** The staff registry: newest first, keyset pagination on (issued_at, id). */
export async function listRegistry(db: Db, filter: RegistryFilter) {
  let query = db
    .selectFrom("certificates as t")
    .innerJoin("certifications as c", "c.id", "t.certification_id")
    .select([
      "t.id",
      "t.number",
      "t.kind",
      "t.holder_name as holderName",
      "t.issued_at as issuedAt",
      "t.revoked_at as revokedAt",
      "t.candidacy_id as candidacyId",
      "c.code as certificationCode",
      "c.title as certificationTitle",
    ])
    .orderBy("t.issued_at", "desc")
    .orderBy("t.id", "desc")
    .limit(filter.limit);
  if (filter.search) {
    const text = filter.search.replace(/[\\%_]/g, (c) => `\\${c}`);
    query = query.where((eb) =>
      eb.or([
        eb("t.holder_search", "like", `${text}%`),
        eb("t.holder_search", "like", `% ${text}%`),
        eb("t.holder_search", "like", `%-${text}%`),
        eb(sql`lower(t.number)`, "like", `${text}%`),
      ]),
    );
  }
  if (filter.issuedFrom) query = query.where("t.issued_at", ">=", filter.issuedFrom);
  if (filter.issuedBefore) query = query.where("t.issued_at", "<", filter.issuedBefore);
  if (filter.status === "valid") query = query.where("t.revoked_at", "is", null);
  if (filter.status === "revoked") query = query.where("t.revoked_at", "is not", null);
  if (filter.after) {
    const { issuedAt, id } = filter.after;
    query = query.where((eb) =>
      eb.or([eb("t.issued_at", "<", issuedAt), eb.and([eb("t.issued_at", "=", issuedAt), eb("t.id", "<", id)])]),
    );
  }
  return query.execute();
}
