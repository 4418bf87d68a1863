// The candidate's files: the typed documents of the admissibility request, who may read any stored file, the
// removal of identity documents once admissibility is decided, and the sweeps of objects no row refers to and of
// the temporary files interrupted uploads left behind.
// A file's object is stored first (streamed), its row written after, in a transaction that re-checks the candidacy:
// a failed upload leaves no row, and an object left without a row (crash between the two) is swept later.
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { z } from "zod";
import {
  type NewDocument,
  deleteAdmissibilityDocument,
  findDocumentForAccess,
  findKnownStorageKeys,
  insertAdmissibilityDocument,
  insertDocument,
  listAdmissibilityDocuments,
  listIdentityDocumentsToPurge,
  markAdmissibilityDocumentsChecked,
  markDocumentsPurged,
} from "../../db/queries/documents";
import { getCandidacySummary, lockCandidacy } from "../../db/queries/candidacies";
import { can } from "../../workflows/candidacy-access";
import { type Refusal, type RefusalStatus, codeOfStatus, refuse, refuseFields } from "../../workflows/refusal";
import type { Database, DocumentPurpose, Role } from "../../db/schema";
import { declaredExperience } from "../../workflows/declared-experience";
import { restoreSnapshot } from "../../workflows/candidacy-snapshot";
import { admissibilityDocumentSchema } from "../utils/document-forms";
import { parseForm } from "../utils/forms";
import type { ObjectStorage } from "./storage";
import { loggerFor } from "../utils/logger.server";
import { defaultSpoolDirectory, removeSpoolLeftovers } from "./uploads/spool.server";
import {
  type ReceivedFile,
  type ReceivedUpload,
  UploadRefusedError,
  discardReceivedFiles,
  receiveUpload,
} from "./uploads/receive-upload.server";

/** Whether the candidate may put together (or complete) this request now: the capability table's `request.edit`. */
function mayEditRequest(candidacy: { snapshot: unknown }, candidate: { id: string }): boolean {
  return can(restoreSnapshot(candidacy.snapshot), { userId: candidate.id, role: "candidate" }, "request.edit").ok;
}
/** A request is a handful of documents; the bound keeps a runaway script from filling the store. */
export const MAX_ADMISSIBILITY_DOCUMENTS = 40;

export type DocumentRefusal = Refusal & {
  fieldErrors: Record<string, string>;
  /** The text fields as they were sent (several values of one field joined by ","), to fill the form in again. */
  values?: Record<string, string>;
};

/** A refusal of a document form: a message for the whole form (null when the fields say it all). */
export const documentRefusal = (
  status: RefusalStatus,
  formError: string | null,
  fieldErrors: Record<string, string> = {},
  values?: Record<string, string>,
): DocumentRefusal => ({
  ...(formError === null ? refuseFields(fieldErrors, status) : refuse(codeOfStatus(status), formError, { status })),
  fieldErrors,
  ...(values ? { values } : {}),
});
const refusal = documentRefusal;

/** A form's text fields as the page puts them back in its inputs. */
function textValues(fields: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of new Set(fields.keys())) {
    values[name] = fields
      .getAll(name)
      .filter((v): v is string => typeof v === "string")
      .join(",");
  }
  return values;
}

export const NOT_FOUND_MESSAGE = "Document introuvable.";

/** A storage key for a new file of a candidacy: generated, never derived from what the person named the file. */
export function newDocumentKey(candidacyId: string): string {
  return `candidacies/${candidacyId}/files/${randomBytes(16).toString("hex")}`;
}

/** The prefix under which every candidate file is stored (the orphan sweep lists it). */
export const DOCUMENTS_PREFIX = "candidacies/";

export interface UploadLimits {
  maxFileBytes: number;
}

/**
 * Streams the request's one file to storage and parses the text fields that came with it. On any refusal nothing
 * is left in storage. On success the caller records the file through `record`, which discards the stored object
 * when the recording refuses or fails: a file is kept only with its row.
 */
export async function receiveOneFile<S extends z.ZodTypeAny>(
  storage: ObjectStorage,
  candidacyId: string,
  request: Request,
  limits: UploadLimits,
  schema: S,
): Promise<
  | {
      ok: true;
      file: ReceivedFile;
      fields: z.infer<S>;
      /** The text fields as sent, for a refusal that comes later (see DocumentRefusal.values). */
      values: Record<string, string>;
      record: <T extends { ok: boolean }>(write: () => Promise<T>) => Promise<T>;
    }
  | DocumentRefusal
> {
  let upload: ReceivedUpload;
  try {
    upload = await receiveUpload(request, {
      storage,
      keyFor: () => newDocumentKey(candidacyId),
      maxFileBytes: limits.maxFileBytes,
      maxFiles: 1,
    });
  } catch (error) {
    if (error instanceof UploadRefusedError) return refusal(error.status, error.message, {}, textValues(error.fields));
    throw error;
  }
  // Objects a failed delete leaves behind are the orphan sweep's.
  const discard = async () => void (await discardReceivedFiles(storage, upload.files));
  const [file] = upload.files;
  const form = parseForm(schema, upload.fields);
  const values = textValues(upload.fields);
  if (!file || !form.ok) {
    await discard();
    return refusal(400, file ? null : "Choisissez le fichier à joindre.", form.ok ? {} : form.fieldErrors, values);
  }
  const record = async <T extends { ok: boolean }>(write: () => Promise<T>): Promise<T> => {
    try {
      const outcome = await write();
      if (!outcome.ok) await discard();
      return outcome;
    } catch (error) {
      await discard();
      throw error;
    }
  };
  return { ok: true, file, fields: form.data, values, record };
}

/** The row of a file received for a candidacy. */
export function documentOfUpload(
  file: ReceivedFile,
  candidacyId: string,
  purpose: DocumentPurpose,
  uploadedBy: string,
  uploadedAt: Date,
): NewDocument {
  const { key: storageKey, originalName, mediaType, byteSize, sha256 } = file;
  return { candidacyId, purpose, storageKey, originalName, mediaType, byteSize, sha256, uploadedBy, uploadedAt };
}

/**
 * Adds one typed document to the candidate's admissibility request: streamed to storage, checked, then recorded.
 * Refused before reading the body when the candidacy is not the candidate's or no longer accepts documents.
 */
export async function addAdmissibilityDocument(
  db: Kysely<Database>,
  storage: ObjectStorage,
  candidate: { id: string },
  candidacyId: string,
  request: Request,
  limits: UploadLimits,
  now: () => Date = () => new Date(),
): Promise<{ ok: true; documentId: string } | DocumentRefusal> {
  const candidacy = await getCandidacySummary(db, candidacyId);
  if (!candidacy || candidacy.candidateId !== candidate.id) return refusal(404, "Candidature introuvable.");
  if (!mayEditRequest(candidacy, candidate)) {
    return refusal(409, "Votre demande a été déposée : ses pièces ne peuvent plus être modifiées.");
  }

  const received = await receiveOneFile(storage, candidacyId, request, limits, admissibilityDocumentSchema);
  if (!received.ok) return received;
  const { file, fields: facts, values, record } = received;
  return record(() =>
    db.transaction().execute(async (trx) => {
      // The request may have been filed while the file was uploading: re-check under the candidacy's lock.
      const row = await lockCandidacy(trx, candidacyId);
      if (!row || !mayEditRequest(row, candidate)) {
        return refusal(409, "Votre demande a été déposée pendant l'envoi : ce document n'a pas été ajouté.");
      }
      const unknownBlocs = facts.priorBlocCodes.filter((code) => !row.target_bloc_codes.includes(code));
      if (facts.kind === "prior_certificate" && unknownBlocs.length > 0) {
        return refusal(
          400,
          null,
          { priorBlocCodes: `Bloc inconnu ou déjà acquis : ${unknownBlocs.join(", ")}.` },
          values,
        );
      }
      const { count } = await trx
        .selectFrom("admissibility_documents")
        .select((eb) => eb.fn.countAll<string>().as("count"))
        .where("candidacy_id", "=", candidacyId)
        .executeTakeFirstOrThrow();
      if (Number(count) >= MAX_ADMISSIBILITY_DOCUMENTS) {
        return refusal(
          409,
          `Une demande compte au plus ${MAX_ADMISSIBILITY_DOCUMENTS} documents : retirez-en un avant d'en ajouter.`,
        );
      }
      const documentId = await insertDocument(
        trx,
        documentOfUpload(file, candidacyId, "admissibility", candidate.id, now()),
      );
      await insertAdmissibilityDocument(trx, documentId, candidacyId, facts);
      return { ok: true as const, documentId };
    }),
  );
}

/** Withdraws a document from a request still being put together; the object goes after commit. */
export async function removeAdmissibilityDocument(
  db: Kysely<Database>,
  storage: ObjectStorage,
  candidate: { id: string },
  candidacyId: string,
  documentId: string,
): Promise<{ ok: true } | DocumentRefusal> {
  const removed = await db.transaction().execute(async (trx) => {
    const row = await lockCandidacy(trx, candidacyId);
    if (!row || row.candidate_id !== candidate.id) return refusal(404, "Candidature introuvable.");
    if (!mayEditRequest(row, candidate)) {
      return refusal(409, "Votre demande a été déposée : ses pièces ne peuvent plus être modifiées.");
    }
    const deleted = await deleteAdmissibilityDocument(trx, candidacyId, documentId);
    if (!deleted) return refusal(404, NOT_FOUND_MESSAGE);
    return { ok: true as const, storageKey: deleted.storageKey };
  });
  if (!removed.ok) return removed;
  // A failure here leaves an object without a row: the orphan sweep removes it.
  await storage.delete(removed.storageKey).catch(() => undefined);
  return { ok: true };
}

/** The documents of a request, and the experience they declare (overlapping periods counted once). */
export async function readAdmissibilityDocuments(db: Kysely<Database>, candidacyId: string) {
  const documents = await listAdmissibilityDocuments(db, candidacyId);
  const periods = documents.flatMap((d) =>
    d.kind === "activity_proof" && d.periodStart && d.periodEnd
      ? [{ start: d.periodStart, end: d.periodEnd, relatedToCqp: d.relatedToCqp }]
      : [],
  );
  return {
    documents: documents.map((d) => ({
      ...d,
      byteSize: Number(d.byteSize),
      uploadedAt: d.uploadedAt.toISOString(),
      purgedAt: d.purgedAt?.toISOString() ?? null,
      checkedAt: d.checkedAt?.toISOString() ?? null,
    })),
    experience: declaredExperience(periods),
    hasIdentity: documents.some((d) => d.kind === "identity"),
    hasActivityProof: documents.some((d) => d.kind === "activity_proof"),
  };
}

export type ReadableDocument = NonNullable<Awaited<ReturnType<typeof findDocumentForAccess>>>;

/**
 * Whether this person may read this file, under any of their roles, by the capability table: the documents of a
 * request to whoever may see the request's documents (the candidate, officers once it is filed, staff), the files
 * of a dossier to whoever may see the dossier (the candidate, staff, and the two assigned evaluators once they have
 * declared no link with the candidate, for the frozen versions only). Anyone else is told the file does not exist.
 */
export function mayReadDocument(user: { id: string; roles: readonly Role[] }, document: ReadableDocument): boolean {
  const snapshot = restoreSnapshot(document.snapshot);
  const capability = document.purpose === "admissibility" ? "request.documents.view" : "dossier.view";
  return user.roles.some((role) => {
    if (role === "evaluator" && !document.inFrozenVersion) return false;
    return can(snapshot, { userId: user.id, role }, capability).ok;
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The file if this person may read it; null (→ 404) otherwise, whether or not it exists. An identity document counts
 * as removed (purgedAt set, → 410) from the moment the admissibility decision is committed: its object leaves storage
 * a moment later (an outbox effect), and nobody may read it meanwhile. The decision comes from the candidacy's
 * snapshot read by the same query as the document.
 */
export async function findReadableDocument(
  db: Kysely<Database>,
  user: { id: string; roles: readonly Role[] },
  documentId: string,
): Promise<ReadableDocument | null> {
  if (!UUID.test(documentId)) return null;
  const document = await findDocumentForAccess(db, documentId);
  if (!document || !mayReadDocument(user, document)) return null;
  if (document.admissibilityKind === "identity" && !document.purgedAt) {
    const decidedAt = restoreSnapshot(document.snapshot).context.admissibility.decidedAt;
    if (decidedAt) return { ...document, purgedAt: new Date(decidedAt) };
  }
  return document;
}

/**
 * Outbox effect of the admissibility decision: identity documents leave storage (the row remains, marked purged),
 * and every document of the request is recorded as checked by whoever decided. Idempotent: a second run finds
 * nothing left to remove.
 */
export async function purgeIdentityDocuments(
  db: Kysely<Database>,
  storage: ObjectStorage,
  payload: { candidacyId: string; decidedBy: string | null; decidedAt: string },
  now: Date = new Date(),
): Promise<{ purged: number }> {
  await markAdmissibilityDocumentsChecked(db, payload.candidacyId, payload.decidedBy, new Date(payload.decidedAt));
  const documents = await listIdentityDocumentsToPurge(db, payload.candidacyId);
  for (const document of documents) await storage.delete(document.storageKey);
  await markDocumentsPurged(
    db,
    documents.map((d) => d.id),
    now,
  );
  return { purged: documents.length };
}

/** How long an object may exist without its row before the sweep takes it for debris: longer than any upload. */
export const ORPHAN_GRACE_MS = 6 * 3600_000;
/**
 * How old a temporary file of an upload (the local folder's, or a spool file) must be before the sweep removes it.
 * Both are written as the bytes arrive and removed as soon as the upload ends; a request gets 5 minutes to arrive
 * (Node's requestTimeout), so an hour without a write means the process that wrote it is gone.
 */
export const UPLOAD_LEFTOVER_GRACE_MS = 3600_000;

const sweepLog = () => loggerFor("storage-sweep");

/**
 * Removes the temporary files of uploads that a killed process (kill -9, power loss) never cleaned up: the local
 * folder's half-written puts and the spool files, older than the grace period. Run at start and hourly.
 */
export async function sweepUploadLeftovers(
  storage: ObjectStorage,
  options: { now?: Date; graceMs?: number; spoolDirectory?: string } = {},
): Promise<{ storageFiles: string[]; spoolFiles: string[] }> {
  const olderThan = new Date((options.now ?? new Date()).getTime() - (options.graceMs ?? UPLOAD_LEFTOVER_GRACE_MS));
  const storageFiles = (await storage.removeLeftovers?.(olderThan)) ?? [];
  const spoolFiles = await removeSpoolLeftovers(options.spoolDirectory ?? defaultSpoolDirectory(), olderThan);
  if (storageFiles.length + spoolFiles.length > 0) {
    sweepLog().info({ storageFiles, spoolFiles }, "Removed the temporary files of interrupted uploads");
  }
  return { storageFiles, spoolFiles };
}

/**
 * Removes stored objects that no documents row refers to and that are older than the grace period: what an upload
 * interrupted between storage and database (a crash, a lost connection) or a failed delete left behind; then the
 * temporary files of interrupted uploads (sweepUploadLeftovers).
 */
export async function sweepOrphanObjects(
  db: Kysely<Database>,
  storage: ObjectStorage,
  now: Date = new Date(),
  graceMs: number = ORPHAN_GRACE_MS,
  leftovers: { graceMs?: number; spoolDirectory?: string } = {},
): Promise<{ examined: number; removed: string[]; leftovers: { storageFiles: string[]; spoolFiles: string[] } }> {
  const removed: string[] = [];
  let examined = 0;
  let batch: string[] = [];
  const flush = async () => {
    const known = await findKnownStorageKeys(db, batch);
    for (const key of batch) {
      if (known.has(key)) continue;
      await storage.delete(key);
      removed.push(key);
    }
    batch = [];
  };
  for await (const object of storage.list(DOCUMENTS_PREFIX)) {
    examined += 1;
    if (now.getTime() - object.lastModified.getTime() < graceMs) continue;
    batch.push(object.key);
    if (batch.length >= 500) await flush();
  }
  if (batch.length > 0) await flush();
  if (removed.length > 0) sweepLog().info({ removed }, "Removed stored objects no document refers to");
  return { examined, removed, leftovers: await sweepUploadLeftovers(storage, { now, ...leftovers }) };
}
