// Public verification, without an account: a verification code answers what the document says and whether it is
// valid or revoked — nothing else about the holder (no e-mail, no account or candidacy id, no score). An unknown
// code answers the same shape with nulls, after the same queries, so that neither the answer nor its timing tells
// more than "unknown". The page also checks an uploaded PDF (byte-identical to an issued edition?) and a pasted
// verifiable credential (signature, not revoked, same certificate). Rate limiting is the route's (per IP).
import { createHash, timingSafeEqual } from "node:crypto";
import type { Kysely } from "kysely";
import { findCertificateByCode, listCertificateDocuments } from "../../db/queries/certificates";
import { readReferentialBlocs } from "../../db/queries/referential";
import type { Database } from "../../db/schema";
import {
  VERIFICATION_CODE_LENGTH,
  groupVerificationCode,
  normaliseVerificationCode,
} from "../../workflows/certificates";
import type { CertificateIssuingDeps } from "./certificate-issuing.server";
import { certificateLabel } from "./certificates.server";
import { verifyCredentialJwt } from "./credentials/credential-jwt.server";
import { type JsonWebKeySet, issuerJwks } from "./credentials/signing-key.server";

export type VerificationStatus = "valid" | "revoked" | "unknown";

/** Exactly what the public page may show. */
export interface PublicVerification {
  status: VerificationStatus;
  /** The code as printed (grouped), or null when it cannot be a code. */
  code: string | null;
  number: string | null;
  kind: "full" | "blocs" | null;
  label: string | null;
  holderName: string | null;
  certificationCode: string | null;
  certificationTitle: string | null;
  blocs: { code: string; title: string }[];
  issuedAt: string | null;
  revokedAt: string | null;
}

/** The documented fields of PublicVerification: the leak test compares the answer's keys to this list. */
export const PUBLIC_VERIFICATION_FIELDS = [
  "status",
  "code",
  "number",
  "kind",
  "label",
  "holderName",
  "certificationCode",
  "certificationTitle",
  "blocs",
  "issuedAt",
  "revokedAt",
] as const satisfies readonly (keyof PublicVerification)[];

// A code that cannot exist ("U" is outside Crockford's alphabet, and the column's check refuses it): looked up when
// the input is not a code, so that every request runs the same queries.
const IMPOSSIBLE_CODE = "U".repeat(VERIFICATION_CODE_LENGTH);
// A referential version id that cannot exist, for the same reason.
const NIL_UUID = "00000000-0000-0000-0000-000000000000";

/** Who holds what, for a code: status valid, revoked or unknown. */
export async function verifyByCode(db: Kysely<Database>, code: string): Promise<PublicVerification> {
  return (await lookUp(db, code)).verification;
}

async function lookUp(db: Kysely<Database>, input: string) {
  const normalised = normaliseVerificationCode(String(input ?? ""));
  const found = await findCertificateByCode(db, normalised ?? IMPOSSIBLE_CODE);
  // The lookup went through the unique index; the comparison in constant time guards against a collation surprise.
  const certificate = found && normalised && constantTimeEqual(found.verificationCode, normalised) ? found : undefined;
  const referential = await readReferentialBlocs(db, certificate?.referentialVersionId ?? NIL_UUID);
  const titles = new Map(referential.map((b) => [b.code, b.title]));
  const verification: PublicVerification = certificate
    ? {
        status: certificate.revokedAt ? "revoked" : "valid",
        code: groupVerificationCode(certificate.verificationCode),
        number: certificate.number,
        kind: certificate.kind,
        label: certificateLabel(certificate.kind),
        holderName: certificate.holderName,
        certificationCode: certificate.certificationCode,
        certificationTitle: certificate.certificationTitle,
        blocs: certificate.blocCodes.map((code) => ({ code, title: titles.get(code) ?? code })),
        issuedAt: new Date(certificate.issuedAt).toISOString(),
        revokedAt: certificate.revokedAt ? new Date(certificate.revokedAt).toISOString() : null,
      }
    : {
        status: "unknown",
        code: normalised ? groupVerificationCode(normalised) : null,
        number: null,
        kind: null,
        label: null,
        holderName: null,
        certificationCode: null,
        certificationTitle: null,
        blocs: [],
        issuedAt: null,
        revokedAt: null,
      };
  return { verification, certificate };
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a.padEnd(64, "\0").slice(0, 64));
  const right = Buffer.from(b.padEnd(64, "\0").slice(0, 64));
  return timingSafeEqual(left, right) && a.length === b.length;
}

/** Whether these bytes are exactly an edition issued under this code (SHA-256 against every edition's). */
export async function verifyPdfBytes(
  db: Kysely<Database>,
  code: string,
  bytes: Uint8Array,
): Promise<{ identical: boolean; edition: number | null; duplicate: boolean; verification: PublicVerification }> {
  const sha256 = createHash("sha256").update(bytes).digest();
  const { verification, certificate } = await lookUp(db, code);
  const documents = await listCertificateDocuments(db, [certificate?.id ?? NIL_UUID]);
  let edition: number | null = null;
  for (const document of documents) {
    if (timingSafeEqual(Buffer.from(document.sha256, "hex"), sha256)) edition = document.edition;
  }
  return { identical: edition !== null, edition, duplicate: edition !== null && edition > 1, verification };
}

export type CredentialSignature = "valid" | "invalid" | "malformed";

/**
 * A pasted or uploaded verifiable credential (the compact JWT the candidate downloads): its signature under the
 * issuer's published key, and whether it matches, field by field, a certificate issued and not revoked.
 */
export async function verifyCredentialText(
  db: Kysely<Database>,
  deps: Pick<CertificateIssuingDeps, "issuerKey"> & {
    /** Every key a credential may have been signed with (after a rotation); the issuer's current key otherwise. */
    publishedKeys?: () => Promise<JsonWebKeySet>;
  },
  text: string,
): Promise<{ signature: CredentialSignature; matches: boolean; verification: PublicVerification }> {
  const jwt = String(text ?? "")
    .slice(0, 100_000)
    .replace(/\s+/g, "");
  const keys = deps.publishedKeys ? await deps.publishedKeys() : issuerJwks(await deps.issuerKey());
  const checked = await verifyCredentialJwt(jwt, keys);
  const claims = checked.ok ? credentialClaims(checked.credential) : null;
  // Looked up whatever the signature says: the same queries for a forged, a garbled or a genuine credential.
  const { verification, certificate } = await lookUp(db, claims?.code ?? "");
  const signature: CredentialSignature = checked.ok
    ? "valid"
    : checked.reason === "malformed"
      ? "malformed"
      : "invalid";
  const matches =
    signature === "valid" &&
    claims !== null &&
    certificate !== undefined &&
    verification.status === "valid" &&
    claims.number === certificate.number &&
    claims.holderName === certificate.holderName &&
    sameSet(claims.blocCodes, certificate.blocCodes);
  return { signature, matches, verification };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join("\u0000") === [...b].sort().join("\u0000");
}

/**
 * What a signed credential claims, read defensively (a valid signature under an older key or format must not
 * crash the page): the code from its id (the verification URL), the number, the holder's name and the bloc codes.
 */
function credentialClaims(
  credential: unknown,
): { code: string; number: string; holderName: string; blocCodes: string[] } | null {
  const c = record(credential);
  const id = typeof c.id === "string" ? c.id : "";
  const marker = "/verifier/";
  const subject = record(c.credentialSubject);
  const identifier = record(Array.isArray(subject.identifier) ? subject.identifier[0] : undefined);
  const achievement = record(subject.achievement);
  const alignment = Array.isArray(achievement.alignment) ? achievement.alignment : [];
  if (!id.includes(marker) || typeof c.certificateNumber !== "string" || typeof identifier.identityHash !== "string")
    return null;
  let code: string;
  try {
    code = decodeURIComponent(id.slice(id.lastIndexOf(marker) + marker.length));
  } catch {
    return null;
  }
  return {
    code,
    number: c.certificateNumber,
    holderName: identifier.identityHash,
    blocCodes: alignment.map((a) => String(record(a).targetCode ?? "")),
  };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}
