// Certificates as people see them: the candidate's own blocs held, certificates and downloads; certifier staff's
// registry, detail, revocation and duplicates. Every function checks who asks: a candidate sees only their own
// (another's is a 404, as if it did not exist), certifier staff see all, any other role is refused.
import { nextDay, startOfParisDay } from "../../workflows/paris-time";
import type { Kysely } from "kysely";
import {
  type CertificateRow,
  appendCertificateJournalEntry,
  findCertificate,
  findCertificateForUpdate,
  listCandidaciesAwaitingCertificate,
  listCertificateDocuments,
  listCertificateJournal,
  listCertificatesOfCandidate,
  listRegistry,
  revokeCertificateRow,
} from "../../db/queries/certificates";
import { appendAuditEvent } from "../../db/queries/audit";
import type { Database, Role } from "../../db/schema";
import { certificateTemplateFor } from "../../templates/certificates/index";
import {
  checkReason,
  decodeRegistryCursor,
  encodeRegistryCursor,
  groupVerificationCode,
  searchableName,
} from "../../workflows/certificates";
import { type Refusal, refuse, refuseFields } from "../../workflows/refusal";
import { isUuid } from "../utils/http.server";
import { type CertificateIssuingDeps, issueDuplicateEdition, verificationUrl } from "./certificate-issuing.server";
import type { ObjectStorage } from "./storage";

/** Who asks. */
export interface CertificateViewer {
  userId: string;
  role: Role;
}

const NOT_FOUND = () => refuse("not_found", "Ce document n'existe pas.", { status: 404 });
const FORBIDDEN = () =>
  refuse("forbidden", "Cette page est réservée aux candidats et à l'organisme certificateur.", { status: 403 });
const STAFF_ONLY = () => refuse("forbidden", "Cette action est réservée à l'organisme certificateur.", { status: 403 });

/** The certificate, if this viewer may see it; a refusal otherwise (404 when it is not theirs). */
async function certificateFor(
  db: Kysely<Database>,
  viewer: CertificateViewer,
  certificateId: string,
): Promise<CertificateRow | Refusal> {
  if (viewer.role !== "candidate" && viewer.role !== "certifier_staff") return FORBIDDEN();
  if (!isUuid(certificateId)) return NOT_FOUND();
  const certificate = await findCertificate(db, certificateId);
  if (!certificate) return NOT_FOUND();
  if (viewer.role === "candidate" && certificate.candidateId !== viewer.userId) return NOT_FOUND();
  return certificate;
}

const isRefused = (value: unknown): value is Refusal => (value as { ok?: unknown }).ok === false;

/** The French name of a kind of document, as its template prints it. */
export function certificateLabel(kind: "full" | "blocs"): string {
  return certificateTemplateFor(kind).label;
}

function fileNameOf(certificate: Pick<CertificateRow, "kind" | "number">, edition: number, extension: "pdf" | "jwt") {
  const base = certificate.kind === "full" ? "certificat" : "attestation-blocs";
  return `${base}-${certificate.number}${edition > 1 ? `-duplicata-${edition}` : ""}.${extension}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The candidate
// ---------------------------------------------------------------------------------------------------------------

/** The candidate's page: every bloc held across candidacies with its document, their certificates, those pending. */
export async function listCandidateCertificates(db: Kysely<Database>, viewer: CertificateViewer) {
  if (viewer.role !== "candidate")
    return refuse("forbidden", "Cette page est réservée aux candidats.", { status: 403 });
  const candidateId = viewer.userId;
  const [held, certificates, pending] = await Promise.all([
    db
      .selectFrom("acquired_blocs as a")
      .innerJoin("certifications as c", "c.id", "a.certification_id")
      .leftJoin("referential_versions as rv", (join) =>
        join.onRef("rv.certification_id", "=", "c.id").on("rv.status", "=", "active"),
      )
      .leftJoin("blocs as b", (join) =>
        join.onRef("b.referential_version_id", "=", "rv.id").onRef("b.code", "=", "a.bloc_code"),
      )
      .select([
        "c.id as certificationId",
        "c.code as certificationCode",
        "c.title as certificationTitle",
        "a.bloc_code as blocCode",
        "b.title as blocTitle",
        "b.number as blocNumber",
        "a.acquired_at as acquiredAt",
        "a.source",
        "a.candidacy_id as candidacyId",
      ])
      .where("a.candidate_id", "=", candidateId)
      .orderBy("c.title")
      .orderBy("a.bloc_code")
      .execute(),
    listCertificatesOfCandidate(db, candidateId),
    listCandidaciesAwaitingCertificate(db, candidateId),
  ]);
  const documents = await listCertificateDocuments(
    db,
    certificates.map((c) => c.id),
  );
  // A bloc's document: the valid certificate that lists it, the full CQP first, else the latest attestation.
  const documentOf = (certificationId: string, blocCode: string) => {
    const listing = certificates.filter(
      (c) => c.certificationId === certificationId && !c.revokedAt && c.blocCodes.includes(blocCode),
    );
    const chosen = listing.find((c) => c.kind === "full") ?? listing[0];
    return chosen ? { id: chosen.id, number: chosen.number, kind: chosen.kind } : null;
  };
  return {
    ok: true as const,
    blocsHeld: held.map((b) => ({
      certificationCode: b.certificationCode,
      certificationTitle: b.certificationTitle,
      blocCode: b.blocCode,
      blocTitle: b.blocTitle ?? b.blocCode,
      acquiredAt: new Date(b.acquiredAt).toISOString(),
      source: b.source,
      candidacyId: b.candidacyId,
      certificate: documentOf(b.certificationId, b.blocCode),
    })),
    certificates: certificates.map((c) => ({
      id: c.id,
      number: c.number,
      kind: c.kind,
      label: certificateLabel(c.kind),
      certificationTitle: c.certificationTitle,
      issuedAt: new Date(c.issuedAt).toISOString(),
      revokedAt: c.revokedAt ? new Date(c.revokedAt).toISOString() : null,
      revocationReason: c.revocationReason,
      editions: documents
        .filter((d) => d.certificateId === c.id)
        .map((d) => ({ edition: d.edition, createdAt: new Date(d.createdAt).toISOString(), duplicate: d.edition > 1 })),
    })),
    pending: pending.filter((p) => !certificates.some((c) => c.candidacyId === p.candidacyId)),
  };
}

export type CandidateCertificates = Exclude<Awaited<ReturnType<typeof listCandidateCertificates>>, Refusal>;

/** A stored edition's PDF (the latest by default) for its holder or certifier staff. */
export async function openCertificatePdf(
  db: Kysely<Database>,
  storage: ObjectStorage,
  viewer: CertificateViewer,
  certificateId: string,
  edition?: number,
) {
  const certificate = await certificateFor(db, viewer, certificateId);
  if (isRefused(certificate)) return certificate;
  const documents = await listCertificateDocuments(db, [certificate.id]);
  const document = edition === undefined ? documents.at(-1) : documents.find((d) => d.edition === edition);
  if (!document) return NOT_FOUND();
  const stored = await storage.get(document.storageKey);
  if (!stored)
    return refuse("unavailable", "Le document est momentanément indisponible. Réessayez plus tard.", { status: 503 });
  return {
    ok: true as const,
    body: stored.body,
    fileName: fileNameOf(certificate, document.edition, "pdf"),
    byteSize: document.byteSize,
    sha256: document.sha256,
    edition: document.edition,
  };
}

/** The certificate's verifiable credential (a compact JWT, the latest edition's) for its holder or certifier staff. */
export async function readCertificateCredential(
  db: Kysely<Database>,
  viewer: CertificateViewer,
  certificateId: string,
) {
  const certificate = await certificateFor(db, viewer, certificateId);
  if (isRefused(certificate)) return certificate;
  const document = (await listCertificateDocuments(db, [certificate.id])).at(-1);
  if (!document) return NOT_FOUND();
  return { ok: true as const, jwt: document.credentialJwt, fileName: fileNameOf(certificate, 1, "jwt") };
}

// ---------------------------------------------------------------------------------------------------------------
// Certifier staff
// ---------------------------------------------------------------------------------------------------------------

export const REGISTRY_PAGE_SIZE = 50;

export interface RegistryQuery {
  search?: string;
  /** YYYY-MM-DD, the first day included (France). */
  issuedFrom?: string;
  /** YYYY-MM-DD, the last day included (France). */
  issuedTo?: string;
  status?: "valid" | "revoked";
  /** The nextCursor of the previous page. */
  after?: string;
  limit?: number;
}

/** The registry of issued documents, newest first, by pages (keyset on issue time and id, never OFFSET). */
export async function listCertificateRegistry(db: Kysely<Database>, viewer: CertificateViewer, query: RegistryQuery) {
  if (viewer.role !== "certifier_staff") return STAFF_ONLY();
  const fieldErrors: Record<string, string> = {};
  const issuedFrom = query.issuedFrom ? startOfParisDay(query.issuedFrom) : undefined;
  if (issuedFrom === null) fieldErrors.issuedFrom = "Indiquez une date valide (jj/mm/aaaa).";
  const lastDay = query.issuedTo ? startOfParisDay(query.issuedTo) : undefined;
  if (lastDay === null) fieldErrors.issuedTo = "Indiquez une date valide (jj/mm/aaaa).";
  const after = query.after ? decodeRegistryCursor(query.after) : undefined;
  if (after === null) fieldErrors.after = "Cette page n'existe plus : revenez à la première page.";
  if (Object.keys(fieldErrors).length > 0) return refuseFields(fieldErrors);
  const issuedBefore = lastDay ? (startOfParisDay(nextDay(query.issuedTo!)) ?? undefined) : undefined;
  const limit = Math.min(Math.max(query.limit ?? REGISTRY_PAGE_SIZE, 1), 200);
  const search = query.search ? searchableName(query.search).slice(0, 100) : "";
  const rows = await listRegistry(db, {
    search: search || undefined,
    issuedFrom: issuedFrom ?? undefined,
    issuedBefore,
    status: query.status,
    after: after ?? undefined,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    ok: true as const,
    rows: page.map((r) => ({
      id: r.id,
      number: r.number,
      kind: r.kind,
      label: certificateLabel(r.kind),
      holderName: r.holderName,
      certificationCode: r.certificationCode,
      certificationTitle: r.certificationTitle,
      issuedAt: new Date(r.issuedAt).toISOString(),
      revokedAt: r.revokedAt ? new Date(r.revokedAt).toISOString() : null,
      candidacyId: r.candidacyId,
    })),
    nextCursor: rows.length > limit ? encodeRegistryCursor(page.at(-1)!) : null,
  };
}

/** A certificate as staff see it: what it says, its editions, its journal and the candidacy that issued it. */
export async function readCertificateForStaff(
  db: Kysely<Database>,
  viewer: CertificateViewer,
  certificateId: string,
  options: { publicUrl?: string } = {},
) {
  if (viewer.role !== "certifier_staff") return STAFF_ONLY();
  const certificate = await certificateFor(db, viewer, certificateId);
  if (isRefused(certificate)) return certificate;
  const [documents, journal, revokedBy] = await Promise.all([
    listCertificateDocuments(db, [certificate.id]),
    listCertificateJournal(db, certificate.candidacyId, certificate.id),
    certificate.revokedBy
      ? db.selectFrom("users").select("full_name").where("id", "=", certificate.revokedBy).executeTakeFirst()
      : undefined,
  ]);
  return {
    ok: true as const,
    id: certificate.id,
    number: certificate.number,
    kind: certificate.kind,
    label: certificateLabel(certificate.kind),
    holderName: certificate.holderName,
    candidateId: certificate.candidateId,
    candidacyId: certificate.candidacyId,
    certificationCode: certificate.certificationCode,
    certificationTitle: certificate.certificationTitle,
    blocCodes: certificate.blocCodes,
    issuedAt: new Date(certificate.issuedAt).toISOString(),
    verificationCode: groupVerificationCode(certificate.verificationCode),
    verificationUrl: options.publicUrl ? verificationUrl(options.publicUrl, certificate.verificationCode) : null,
    verificationPath: `/verifier/${groupVerificationCode(certificate.verificationCode)}`,
    revokedAt: certificate.revokedAt ? new Date(certificate.revokedAt).toISOString() : null,
    revokedByName: revokedBy?.full_name ?? null,
    revocationReason: certificate.revocationReason,
    editions: documents.map((d) => ({
      edition: d.edition,
      duplicate: d.edition > 1,
      createdAt: new Date(d.createdAt).toISOString(),
      createdByName: d.createdByName,
      reason: d.reason,
      sha256: d.sha256,
      byteSize: d.byteSize,
    })),
    journal: journal.map((e) => ({
      eventType: e.eventType,
      actorRole: e.actorRole,
      actorName: e.actorName,
      payload: e.payload as Record<string, unknown>,
      occurredAt: new Date(e.occurredAt).toISOString(),
    })),
  };
}

export type StaffCertificate = Exclude<Awaited<ReturnType<typeof readCertificateForStaff>>, Refusal>;

/** Staff revoke a certificate with a reason: verification then says "révoqué" with the date; a second time is a 409. */
export async function revokeCertificate(
  db: Kysely<Database>,
  viewer: CertificateViewer,
  certificateId: string,
  reason: string,
  at: Date = new Date(),
): Promise<{ ok: true } | Refusal> {
  if (viewer.role !== "certifier_staff") return STAFF_ONLY();
  const checked = checkReason(reason);
  if (!checked.ok) return refuseFields({ reason: checked.message });
  if (!isUuid(certificateId)) return NOT_FOUND();
  return db.transaction().execute(async (trx) => {
    const certificate = await findCertificateForUpdate(trx, certificateId);
    if (!certificate) return NOT_FOUND();
    if (certificate.revokedAt) return refuse("already_revoked", "Ce document est déjà révoqué.", { status: 409 });
    await revokeCertificateRow(trx, certificateId, { revokedAt: at, revokedBy: viewer.userId, reason: checked.reason });
    await appendCertificateJournalEntry(trx, {
      candidacyId: certificate.candidacyId,
      eventType: "CERTIFICATE_REVOKED",
      actorUserId: viewer.userId,
      actorRole: "certifier_staff",
      payload: { certificateId, number: certificate.number, reason: checked.reason },
      occurredAt: at,
    });
    await appendAuditEvent(trx, {
      actor: { userId: viewer.userId, role: "certifier_staff" },
      action: "certificate.revoke",
      subjectType: "certificate",
      subjectId: certificateId,
      payload: { number: certificate.number, reason: checked.reason },
    });
    return { ok: true as const };
  });
}

/** Staff reissue a lost or damaged document: same number and code, a new edition marked as a duplicate. */
export async function reissueDuplicate(
  db: Kysely<Database>,
  deps: CertificateIssuingDeps,
  viewer: CertificateViewer,
  certificateId: string,
  reason: string,
  at: Date = new Date(),
): Promise<{ ok: true; edition: number } | Refusal> {
  if (viewer.role !== "certifier_staff") return STAFF_ONLY();
  const checked = checkReason(reason);
  if (!checked.ok) return refuseFields({ reason: checked.message });
  if (!isUuid(certificateId)) return NOT_FOUND();
  const outcome = await issueDuplicateEdition(db, deps, certificateId, {
    userId: viewer.userId,
    reason: checked.reason,
    at,
  });
  if (outcome.ok) return outcome;
  switch (outcome.reason) {
    case "not_found":
      return NOT_FOUND();
    case "revoked":
      return refuse("revoked", "Ce document est révoqué : on ne peut pas en délivrer de duplicata.", { status: 409 });
    case "not_issued":
      return refuse("not_issued", "Le document original n'est pas encore délivré : réessayez dans un instant.", {
        status: 409,
      });
  }
}
