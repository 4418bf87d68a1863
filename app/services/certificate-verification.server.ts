// TEMPORARY stub of cert-issuing's verification API (contract), removed when the cert-issuing branch is merged.
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";

export interface PublicVerification {
  status: "valid" | "revoked" | "unknown";
  code: string;
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
const todo = (): never => {
  throw new Error("cert-issuing API not merged yet");
};
export async function verifyByCode(_db: Kysely<Database>, _code: string): Promise<PublicVerification> {
  return todo();
}
export async function verifyPdfBytes(
  _db: Kysely<Database>,
  _code: string,
  _bytes: Uint8Array,
): Promise<{ identical: boolean; edition: number | null; duplicate: boolean }> {
  return todo();
}
export async function verifyCredentialText(
  _db: Kysely<Database>,
  _deps: unknown,
  _text: string,
): Promise<{ signature: "valid" | "invalid" | "malformed"; matches: boolean; verification: PublicVerification }> {
  return todo();
}
