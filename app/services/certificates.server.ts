// TEMPORARY stub of cert-issuing's service API (contract), removed when the cert-issuing branch is merged.
import type { Kysely } from "kysely";
import type { Database, Role } from "../../db/schema";
import type { Refusal } from "../../workflows/refusal";
import type { ObjectStorage } from "./storage/types";

export interface Viewer {
  userId: string;
  role: Role;
}
type Kind = "full" | "blocs";
const todo = (): never => {
  throw new Error("cert-issuing API not merged yet");
};

export async function listCandidateCertificates(
  _db: Kysely<Database>,
  _viewer: Viewer,
): Promise<{
  blocsHeld: {
    certificationCode: string;
    certificationTitle: string;
    blocCode: string;
    blocTitle: string;
    acquiredAt: string;
    source: string;
    candidacyId: string | null;
    certificate: { id: string; number: string; kind: Kind } | null;
  }[];
  certificates: {
    id: string;
    number: string;
    kind: Kind;
    label: string;
    certificationTitle: string;
    issuedAt: string;
    revokedAt: string | null;
    revocationReason: string | null;
    editions: { edition: number; createdAt: string; duplicate: boolean }[];
  }[];
  pending: { candidacyId: string; certificationTitle: string }[];
}> {
  return todo();
}

export async function openCertificatePdf(
  _db: Kysely<Database>,
  _storage: ObjectStorage,
  _viewer: Viewer,
  _certificateId: string,
  _edition?: number,
): Promise<
  { ok: true; body: NodeJS.ReadableStream | Uint8Array; fileName: string; byteSize: number; sha256: string } | Refusal
> {
  return todo();
}

export async function readCertificateCredential(
  _db: Kysely<Database>,
  _viewer: Viewer,
  _certificateId: string,
): Promise<{ ok: true; jwt: string; fileName: string } | Refusal> {
  return todo();
}

export interface RegistryRow {
  id: string;
  number: string;
  kind: Kind;
  label: string;
  holderName: string;
  certificationTitle: string;
  issuedAt: string;
  revokedAt: string | null;
}

export async function listCertificateRegistry(
  _db: Kysely<Database>,
  _viewer: Viewer,
  _query: {
    search?: string;
    issuedFrom?: string;
    issuedTo?: string;
    status?: "valid" | "revoked";
    after?: string;
    limit: number;
  },
): Promise<{ ok: true; rows: RegistryRow[]; nextCursor: string | null } | Refusal> {
  return todo();
}

export async function readCertificateForStaff(
  _db: Kysely<Database>,
  _viewer: Viewer,
  _certificateId: string,
): Promise<
  | {
      ok: true;
      certificate: RegistryRow & {
        verificationCode: string;
        holderBirthDate: string | null;
        certificationCode: string;
        candidacyId: string;
        blocs: { code: string; title: string }[];
        revocationReason: string | null;
      };
      editions: { edition: number; createdAt: string; duplicate: boolean; reason: string | null; sha256: string }[];
      journal: { at: string; label: string; actorName: string | null }[];
    }
  | Refusal
> {
  return todo();
}

export async function revokeCertificate(
  _db: Kysely<Database>,
  _viewer: Viewer,
  _certificateId: string,
  _reason: string,
  _at?: Date,
): Promise<{ ok: true } | Refusal> {
  return todo();
}

export async function reissueDuplicate(
  _db: Kysely<Database>,
  _deps: unknown,
  _viewer: Viewer,
  _certificateId: string,
  _reason: string,
  _at?: Date,
): Promise<{ ok: true; edition: number } | Refusal> {
  return todo();
}
