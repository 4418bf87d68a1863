// Issues the certificate of a validated decision exactly once, from the outbox (topic CERTIFICATES_ISSUE_TOPIC):
// 1. in one transaction, under the candidacy's row lock, find the certificate of the candidacy or allocate its
//    number and insert it (unique (candidacy_id, kind): a rollback gives the number back, so numbers have no gap);
// 2. render its PDF (deterministic bytes), store it at a deterministic key, sign its verifiable credential;
// 3. in one transaction, record the document (on conflict do nothing), the journal entry and the candidate's e-mail.
// A crash between 2 and 3 leaves the number allocated and the object stored: the outbox re-runs the message, step 1
// finds the number, step 2 re-renders the same bytes at the same key, step 3 records them (docs/decisions/026).
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { Kysely, Transaction } from "kysely";
import { appendAuditEvent } from "../../db/queries/audit";
import { enqueueOutbox } from "../../db/queries/candidacies";
import {
  type CertificateRow,
  allocateCertificateSequence,
  appendCertificateJournalEntry,
  findCertificate,
  findCertificateForUpdate,
  insertCertificate,
  insertCertificateDocument,
  lastEdition,
  readCandidacyForIssuing,
} from "../../db/queries/certificates";
import { readReferentialBlocs } from "../../db/queries/referential";
import { listAcquiredBlocs } from "../../db/queries/results";
import type { Database } from "../../db/schema";
import { certificateTemplateFor, renderCertificatePdf } from "../../templates/certificates/index";
import type { CertificateDocumentData } from "../../templates/certificates/types";
import { restoreSnapshot } from "../../workflows/candidacy-snapshot";
import {
  VERIFICATION_CODE_BYTES,
  certificateDocumentKey,
  certificateNumber,
  certificateToIssue,
  derivedCertificatePrefix,
  groupVerificationCode,
  verificationCodeFromBytes,
} from "../../workflows/certificates";
import { loggerFor } from "../utils/logger.server";
import { calendarYearInFrance } from "./candidacies.server";
import { signCredential } from "./credentials/credential-jwt.server";
import { buildAchievementCredential } from "./credentials/open-badges";
import type { loadIssuerKey } from "./credentials/signing-key.server";
import type { ObjectStorage } from "./storage";

const log = loggerFor("certificates");

export type IssuerKey = Awaited<ReturnType<typeof loadIssuerKey>>;

/** What issuing needs besides the database: where documents go, who issues them, the key that signs credentials. */
export interface CertificateIssuingDeps {
  storage: ObjectStorage;
  /** The portal's address: the verification URL printed on the document and the credential's issuer. */
  publicUrl: string;
  certifier: { name: string; place: string; signatoryName?: string | null; signatoryTitle?: string | null };
  issuerKey: () => Promise<IssuerKey>;
}

export interface IssuingOptions {
  /** The instant of issue (tests move it); now by default. */
  at?: Date;
  /** Test hooks that simulate a crash at a step. */
  faults?: { failBeforeRecord?: () => void };
}

export type IssuingOutcome =
  | { issued: false; reason: "not_found" | "not_validated" | "nothing_to_issue" }
  | { issued: true; certificateId: string; number: string; kind: "full" | "blocs"; recorded: boolean };

/** The verification page's address for a code, as printed and encoded in the QR code. */
export function verificationUrl(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/verifier/${groupVerificationCode(code)}`;
}

export async function issueCertificatesForCandidacy(
  db: Kysely<Database>,
  deps: CertificateIssuingDeps,
  candidacyId: string,
  options: IssuingOptions = {},
): Promise<IssuingOutcome> {
  const at = options.at ?? new Date();
  const allocated = await db.transaction().execute(async (trx) => {
    const found = await findOrAllocateCertificate(trx, candidacyId, at);
    if (!found.ok) return found;
    const certificate = (await findCertificate(trx, found.certificateId))!;
    return { ok: true as const, certificate, recorded: found.existing && (await lastEdition(trx, certificate.id)) > 0 };
  });
  if (!allocated.ok) return { issued: false, reason: allocated.reason };
  const { certificate } = allocated;
  if (allocated.recorded) {
    return {
      issued: true,
      certificateId: certificate.id,
      number: certificate.number,
      kind: certificate.kind,
      recorded: false,
    };
  }

  const rendered = await renderAndStore(db, deps, certificate, { edition: 1, reissuedAt: null });
  options.faults?.failBeforeRecord?.();

  const recorded = await db.transaction().execute(async (trx) => {
    // Racers that rendered the same edition queue on the certificate's row: the later one then finds the committed
    // edition and records nothing. Without the lock, ON CONFLICT guards only (certificate, edition), and the racing
    // insert can fail on the storage key's own unique index instead.
    await findCertificateForUpdate(trx, certificate.id);
    const inserted = await insertCertificateDocument(trx, {
      certificateId: certificate.id,
      edition: 1,
      storageKey: rendered.storageKey,
      sha256: rendered.sha256,
      byteSize: rendered.byteSize,
      credentialJwt: rendered.credentialJwt,
      reason: null,
      createdAt: certificate.issuedAt,
      createdBy: null,
    });
    if (!inserted) return false;
    await appendCertificateJournalEntry(trx, {
      candidacyId: certificate.candidacyId,
      eventType: "CERTIFICATE_ISSUED",
      actorUserId: null,
      actorRole: "system",
      payload: { certificateId: certificate.id, number: certificate.number, kind: certificate.kind, edition: 1 },
      occurredAt: at,
    });
    await enqueueOutbox(trx, [
      {
        topic: "email",
        candidacyId: certificate.candidacyId,
        availableAt: at,
        payload: {
          email: "certificate_issued",
          recipientId: certificate.candidateId,
          facts: { kind: certificate.kind, certificateId: certificate.id },
        },
      },
    ]);
    return true;
  });
  if (recorded) {
    log.info(
      { certificateId: certificate.id, number: certificate.number, kind: certificate.kind, bytes: rendered.byteSize },
      "Certificate issued",
    );
  }
  return { issued: true, certificateId: certificate.id, number: certificate.number, kind: certificate.kind, recorded };
}

/**
 * Step 1, under the candidacy's row lock: the certificate the candidacy already has (whatever its kind: the first
 * issued stands), or a new one with the next number. Callers that wait on the lock find the row once it commits.
 */
async function findOrAllocateCertificate(
  trx: Transaction<Database>,
  candidacyId: string,
  at: Date,
): Promise<
  | { ok: true; certificateId: string; existing: boolean }
  | { ok: false; reason: "not_found" | "not_validated" | "nothing_to_issue" }
> {
  const candidacy = await readCandidacyForIssuing(trx, candidacyId, true);
  if (!candidacy) return { ok: false, reason: "not_found" };
  const existing = await trx
    .selectFrom("certificates")
    .select("id")
    .where("candidacy_id", "=", candidacyId)
    .orderBy("issued_at")
    .executeTakeFirst();
  if (existing) return { ok: true, certificateId: existing.id, existing: true };
  const decision = restoreSnapshot(candidacy.snapshot).context.decision;
  if (!decision.validatedAt) return { ok: false, reason: "not_validated" };
  const held = await listAcquiredBlocs(trx, candidacy.candidateId, candidacy.certificationId);
  const referential = await referentialBlocs(trx, candidacy.referentialVersionId);
  const plan = certificateToIssue({
    result: decision.result,
    heldBlocCodes: held.map((b) => b.blocCode),
    referentialBlocCodes: referential.map((b) => b.code),
  });
  if (!plan) return { ok: false, reason: "nothing_to_issue" };
  const year = calendarYearInFrance(at);
  const sequence = await allocateCertificateSequence(trx, candidacy.certificationId, year);
  const prefix = candidacy.certificatePrefix ?? derivedCertificatePrefix(candidacy.certificationCode);
  const template = certificateTemplateFor(plan.kind);
  const id = await insertCertificate(trx, {
    number: certificateNumber(prefix, year, sequence),
    certificationId: candidacy.certificationId,
    year,
    sequence,
    kind: plan.kind,
    candidateId: candidacy.candidateId,
    candidacyId,
    blocCodes: plan.blocCodes,
    holderName: candidacy.candidateName,
    holderBirthDate: null,
    issuedAt: at,
    verificationCode: verificationCodeFromBytes(randomBytes(VERIFICATION_CODE_BYTES)),
    templateId: template.id,
    templateVersion: template.version,
  });
  // Unreachable under the row lock; if it ever happens, the rollback gives the number back.
  if (!id) throw new Error(`Certificate of candidacy ${candidacyId} inserted concurrently`);
  return { ok: true, certificateId: id, existing: false };
}

// A loaded referential version never changes (the seed refuses changed content under the same version): its blocs
// and competencies are read once per process.
const referentialCache = new Map<string, Awaited<ReturnType<typeof readReferentialBlocs>>>();
async function referentialBlocs(db: Kysely<Database> | Transaction<Database>, referentialVersionId: string) {
  const cached = referentialCache.get(referentialVersionId);
  if (cached) return cached;
  const blocs = await readReferentialBlocs(db, referentialVersionId);
  if (blocs.length > 0) referentialCache.set(referentialVersionId, blocs);
  return blocs;
}

/** What the document prints, from the certificate's frozen row and the (immutable) referential. */
export async function certificateDocumentData(
  db: Kysely<Database> | Transaction<Database>,
  deps: Pick<CertificateIssuingDeps, "publicUrl" | "certifier">,
  certificate: CertificateRow,
  duplicate: { edition: number; reissuedAt: Date } | null,
): Promise<CertificateDocumentData> {
  const referential = await referentialBlocs(db, certificate.referentialVersionId);
  const acquired = await listAcquiredBlocs(db, certificate.candidateId, certificate.certificationId);
  const held = new Set(certificate.blocCodes);
  const acquiredAt = new Map(acquired.map((a) => [a.blocCode, new Date(a.acquiredAt).toISOString()]));
  const issuedAt = new Date(certificate.issuedAt).toISOString();
  return {
    number: certificate.number,
    verificationCode: groupVerificationCode(certificate.verificationCode),
    verificationUrl: verificationUrl(deps.publicUrl, certificate.verificationCode),
    issuedAt,
    issuedIn: deps.certifier.place,
    certifier: {
      name: deps.certifier.name,
      signatoryName: deps.certifier.signatoryName ?? null,
      signatoryTitle: deps.certifier.signatoryTitle ?? null,
    },
    certification: { code: certificate.certificationCode, title: certificate.certificationTitle },
    holder: { fullName: certificate.holderName, birthDate: certificate.holderBirthDate ?? null },
    blocsHeld: referential
      .filter((b) => held.has(b.code))
      .map((b) => ({ ...b, acquiredAt: acquiredAt.get(b.code) ?? issuedAt })),
    blocsMissing: certificate.kind === "blocs" ? referential.filter((b) => !held.has(b.code)) : [],
    duplicate: duplicate ? { edition: duplicate.edition, reissuedAt: duplicate.reissuedAt.toISOString() } : null,
  };
}

/** Step 2: the edition's PDF rendered and stored at its deterministic key, and its signed credential. */
async function renderAndStore(
  db: Kysely<Database> | Transaction<Database>,
  deps: CertificateIssuingDeps,
  certificate: CertificateRow,
  edition: { edition: number; reissuedAt: Date | null },
) {
  const data = await certificateDocumentData(
    db,
    deps,
    certificate,
    edition.reissuedAt ? { edition: edition.edition, reissuedAt: edition.reissuedAt } : null,
  );
  const bytes = await renderCertificatePdf(certificate.kind, data);
  const storageKey = certificateDocumentKey(certificate.id, edition.edition);
  await deps.storage.put(storageKey, Readable.from([Buffer.from(bytes)]), {
    contentType: "application/pdf",
    contentLength: bytes.byteLength,
  });
  const credentialJwt = await signedCredential(deps, certificate, data);
  return {
    storageKey,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    byteSize: bytes.byteLength,
    credentialJwt,
  };
}

/** The certificate's verifiable credential (Open Badges 3.0), signed with the issuer's key. */
async function signedCredential(
  deps: CertificateIssuingDeps,
  certificate: CertificateRow,
  data: CertificateDocumentData,
): Promise<string> {
  const credential = buildAchievementCredential({
    certificateId: certificate.id,
    number: certificate.number,
    verificationCode: groupVerificationCode(certificate.verificationCode),
    kind: certificate.kind,
    issuedAt: new Date(certificate.issuedAt).toISOString(),
    publicUrl: deps.publicUrl,
    certifierName: deps.certifier.name,
    certification: { code: certificate.certificationCode, title: certificate.certificationTitle },
    holderName: certificate.holderName,
    blocs: data.blocsHeld.map((b) => ({ code: b.code, title: b.title })),
  });
  return signCredential(await deps.issuerKey(), credential);
}

/**
 * A duplicate of a lost or damaged document: the same number and code, a new edition marked "DUPLICATA" with its
 * date, recorded with its reason and the staff member in the journal. Runs in one transaction with the certificate
 * locked, so that two clicks make two editions one after the other, never two objects at one key.
 */
export async function issueDuplicateEdition(
  db: Kysely<Database>,
  deps: CertificateIssuingDeps,
  certificateId: string,
  by: { userId: string; reason: string; at: Date },
): Promise<{ ok: true; edition: number } | { ok: false; reason: "not_found" | "revoked" | "not_issued" }> {
  return db.transaction().execute(async (trx) => {
    const certificate = await findCertificateForUpdate(trx, certificateId);
    if (!certificate) return { ok: false as const, reason: "not_found" as const };
    if (certificate.revokedAt) return { ok: false as const, reason: "revoked" as const };
    const last = await lastEdition(trx, certificateId);
    if (last === 0) return { ok: false as const, reason: "not_issued" as const };
    const edition = last + 1;
    const rendered = await renderAndStore(trx, deps, certificate, { edition, reissuedAt: by.at });
    await insertCertificateDocument(trx, {
      certificateId,
      edition,
      storageKey: rendered.storageKey,
      sha256: rendered.sha256,
      byteSize: rendered.byteSize,
      credentialJwt: rendered.credentialJwt,
      reason: by.reason,
      createdAt: by.at,
      createdBy: by.userId,
    });
    await appendCertificateJournalEntry(trx, {
      candidacyId: certificate.candidacyId,
      eventType: "CERTIFICATE_DUPLICATE_ISSUED",
      actorUserId: by.userId,
      actorRole: "certifier_staff",
      payload: { certificateId, number: certificate.number, edition, reason: by.reason },
      occurredAt: by.at,
    });
    await appendAuditEvent(trx, {
      actor: { userId: by.userId, role: "certifier_staff" },
      action: "certificate.duplicate",
      subjectType: "certificate",
      subjectId: certificateId,
      payload: { number: certificate.number, edition, reason: by.reason },
    });
    log.info({ certificateId, number: certificate.number, edition }, "Certificate duplicate issued");
    return { ok: true as const, edition };
  });
}
