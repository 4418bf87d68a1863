// What the certificate pages need around the certificate services: the issuing dependencies from the configuration
// (for a duplicate reissued from a page), the body of a stored PDF as a web response body, and the certificates of
// one candidacy for the staff's candidacy and validation pages.
import { Readable } from "node:stream";
import { createReadableStreamFromReadable } from "@remix-run/node";
import type { Kysely } from "kysely";
import { findCertificateOfCandidacy } from "../../db/queries/certificates";
import type { Database, Role } from "../../db/schema";
import { type Refusal, refuse } from "../../workflows/refusal";
import { getConfig } from "../utils/env.server";
import type { CertificateIssuingDeps } from "./certificate-issuing.server";
import { certificateLabel } from "./certificates.server";
import { loadIssuerKey } from "./credentials/signing-key.server";
import { getStorage } from "./storage";

/** The issuing dependencies of this process, as the worker builds them (server/index.ts). */
export function issuingDepsFromConfig(): CertificateIssuingDeps {
  const config = getConfig();
  return {
    storage: getStorage(),
    publicUrl: config.publicUrl,
    certifier: config.certifier,
    issuerKey: async () => loadIssuerKey(config),
  };
}

/** A stored document's body as a response body, whether storage hands back bytes or a Node stream. */
export function responseBodyOf(body: Uint8Array | NodeJS.ReadableStream | Readable): BodyInit {
  if (body instanceof Uint8Array) return body as Uint8Array<ArrayBuffer>;
  const readable = body instanceof Readable ? body : Readable.from(body as AsyncIterable<Uint8Array>);
  return createReadableStreamFromReadable(readable);
}

export interface CandidacyCertificate {
  id: string;
  number: string;
  label: string;
  issuedAt: string;
  revokedAt: string | null;
}

/** The certificate and attestation a candidacy's validation issued, for certifier staff. */
export async function listCertificatesOfCandidacy(
  db: Kysely<Database>,
  viewer: { userId: string; role: Role },
  candidacyId: string,
): Promise<{ ok: true; certificates: CandidacyCertificate[] } | Refusal> {
  if (viewer.role !== "certifier_staff") {
    return refuse("forbidden", "Cette page est réservée à l'organisme certificateur.", { status: 403 });
  }
  const found = await Promise.all([
    findCertificateOfCandidacy(db, candidacyId, "full"),
    findCertificateOfCandidacy(db, candidacyId, "blocs"),
  ]);
  return {
    ok: true,
    certificates: found
      .filter((c) => c !== undefined)
      .map((c) => ({
        id: c.id,
        number: c.number,
        label: certificateLabel(c.kind),
        issuedAt: new Date(c.issuedAt).toISOString(),
        revokedAt: c.revokedAt ? new Date(c.revokedAt).toISOString() : null,
      })),
  };
}
