// Queries of stored files (`documents`) and of the typed documents of an admissibility request.
import { type Kysely, type Transaction, sql } from "kysely";
import type { ActivityProofType, AdmissibilityDocumentKind, Database, DocumentPurpose } from "../schema";

type Db = Kysely<Database> | Transaction<Database>;

export interface NewDocument {
  candidacyId: string;
  purpose: DocumentPurpose;
  storageKey: string;
  originalName: string;
  mediaType: string;
  byteSize: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: Date;
}

export async function insertDocument(trx: Db, document: NewDocument): Promise<string> {
  const row = await trx
    .insertInto("documents")
    .values({
      candidacy_id: document.candidacyId,
      purpose: document.purpose,
      storage_key: document.storageKey,
      original_name: document.originalName,
      media_type: document.mediaType,
      byte_size: document.byteSize,
      sha256: document.sha256,
      uploaded_by: document.uploadedBy,
      uploaded_at: document.uploadedAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface AdmissibilityDocumentFacts {
  kind: AdmissibilityDocumentKind;
  proofType: ActivityProofType | null;
  periodStart: string | null;
  periodEnd: string | null;
  employer: string;
  jobTitle: string;
  relatedToCqp: boolean;
  priorBlocCodes: string[];
  description: string;
}

export async function insertAdmissibilityDocument(
  trx: Db,
  documentId: string,
  candidacyId: string,
  facts: AdmissibilityDocumentFacts,
): Promise<void> {
  await trx
    .insertInto("admissibility_documents")
    .values({
      document_id: documentId,
      candidacy_id: candidacyId,
      kind: facts.kind,
      proof_type: facts.proofType,
      period_start: facts.periodStart,
      period_end: facts.periodEnd,
      employer: facts.employer,
      job_title: facts.jobTitle,
      related_to_cqp: facts.relatedToCqp,
      prior_bloc_codes: JSON.stringify(facts.priorBlocCodes),
      description: facts.description,
    })
    .execute();
}

/** The kinds of the documents of a request, one per document (what filing the request checks). */
export async function listAdmissibilityDocumentKinds(db: Db, candidacyId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("admissibility_documents")
    .select("kind")
    .where("candidacy_id", "=", candidacyId)
    .execute();
  return rows.map((r) => r.kind);
}

export async function listAdmissibilityDocuments(db: Db, candidacyId: string) {
  return db
    .selectFrom("admissibility_documents as a")
    .innerJoin("documents as d", "d.id", "a.document_id")
    .select([
      "d.id",
      "d.original_name as originalName",
      "d.media_type as mediaType",
      "d.byte_size as byteSize",
      "d.sha256",
      "d.uploaded_at as uploadedAt",
      "d.purged_at as purgedAt",
      "a.kind",
      "a.proof_type as proofType",
      "a.period_start as periodStart",
      "a.period_end as periodEnd",
      "a.employer",
      "a.job_title as jobTitle",
      "a.related_to_cqp as relatedToCqp",
      "a.prior_bloc_codes as priorBlocCodes",
      "a.description",
      "a.checked_at as checkedAt",
    ])
    .where("a.candidacy_id", "=", candidacyId)
    .orderBy("d.uploaded_at")
    .orderBy("d.id")
    .execute();
}

/** A stored file with what decides who may read it: its candidacy, its admissibility kind, its dossier versions. */
export async function findDocumentForAccess(db: Db, documentId: string) {
  return db
    .selectFrom("documents as d")
    .innerJoin("candidacies as k", "k.id", "d.candidacy_id")
    .leftJoin("admissibility_documents as a", "a.document_id", "d.id")
    .select([
      "d.id",
      "d.candidacy_id as candidacyId",
      "d.purpose",
      "d.storage_key as storageKey",
      "d.original_name as originalName",
      "d.media_type as mediaType",
      "d.byte_size as byteSize",
      "d.sha256",
      "d.purged_at as purgedAt",
      "k.candidate_id as candidateId",
      "k.state",
      "k.snapshot",
      "a.kind as admissibilityKind",
      sql<boolean>`exists (select 1 from dossier_evidence e join dossier_versions v on v.id = e.dossier_version_id
        where e.document_id = d.id and v.frozen_at is not null)`.as("inFrozenVersion"),
    ])
    .where("d.id", "=", documentId)
    .executeTakeFirst();
}

export async function deleteAdmissibilityDocument(trx: Db, candidacyId: string, documentId: string) {
  await trx
    .deleteFrom("admissibility_documents")
    .where("document_id", "=", documentId)
    .where("candidacy_id", "=", candidacyId)
    .execute();
  return trx
    .deleteFrom("documents")
    .where("id", "=", documentId)
    .where("candidacy_id", "=", candidacyId)
    .returning("storage_key as storageKey")
    .executeTakeFirst();
}

/** Identity documents of a candidacy whose object is still stored. */
export async function listIdentityDocumentsToPurge(db: Db, candidacyId: string) {
  return db
    .selectFrom("admissibility_documents as a")
    .innerJoin("documents as d", "d.id", "a.document_id")
    .select(["d.id", "d.storage_key as storageKey"])
    .where("a.candidacy_id", "=", candidacyId)
    .where("a.kind", "=", "identity")
    .where("d.purged_at", "is", null)
    .execute();
}

export async function markDocumentsPurged(db: Db, documentIds: string[], at: Date) {
  if (documentIds.length === 0) return;
  await db
    .updateTable("documents")
    .set({ purged_at: at })
    .where("id", "in", documentIds)
    .where("purged_at", "is", null)
    .execute();
}

/** Records that the admissibility decision checked the request's documents. */
export async function markAdmissibilityDocumentsChecked(
  db: Db,
  candidacyId: string,
  checkedBy: string | null,
  at: Date,
) {
  await db
    .updateTable("admissibility_documents")
    .set({ checked_at: at, checked_by: checkedBy })
    .where("candidacy_id", "=", candidacyId)
    .where("checked_at", "is", null)
    .execute();
}

/** Of these storage keys, those a documents row refers to. */
export async function findKnownStorageKeys(db: Db, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.selectFrom("documents").select("storage_key").where("storage_key", "in", keys).execute();
  return new Set(rows.map((r) => r.storage_key));
}
