// Verifiable credentials as compact JWS (VC-JOSE-COSE "vc+jwt"): the payload is the credential itself, signed
// with the issuer's Ed25519 key (alg EdDSA, kid = the key's thumbprint), plus the registered claims iss, jti, nbf
// and iat taken from the credential so that JWT tools read the same facts. Ed25519 signatures are deterministic:
// the same credential and key give the same text, so a retried issue stores the same file.
import { CompactSign, type JWK, compactVerify, decodeProtectedHeader, importJWK } from "jose";
import type { OpenBadgeCredential } from "./open-badges";
import type { IssuerKey, JsonWebKeySet } from "./signing-key.server";

export const CREDENTIAL_JWT_TYPE = "vc+jwt";

export type CredentialVerification =
  | { ok: true; credential: OpenBadgeCredential; kid: string }
  | { ok: false; reason: "malformed" | "bad_signature" | "unknown_key" };

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Far above any credential the portal issues; refuses a pasted novel before any decoding. */
const MAX_JWT_LENGTH = 64 * 1024;

const seconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);

/** The credential signed as a compact JWT (the text of the downloadable `.jwt` file). */
export async function signCredential(key: IssuerKey, credential: OpenBadgeCredential): Promise<string> {
  const payload = {
    ...credential,
    iss: credential.issuer.id,
    jti: credential.id,
    nbf: seconds(credential.validFrom),
    iat: seconds(credential.validFrom),
  };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: "EdDSA", typ: CREDENTIAL_JWT_TYPE, kid: key.kid })
    .sign(key.privateKey);
}

/**
 * Checks a pasted or uploaded credential against the published keys. Never throws: anything that is not a
 * credential JWT of ours is "malformed", a key id we never published is "unknown_key", and a signature that does not
 * match the bytes (a field changed, another key under our kid) is "bad_signature". Revocation and the match with
 * the issued certificate are the caller's: it looks the credential's number and id up.
 */
export async function verifyCredentialJwt(jwt: unknown, jwks: JsonWebKeySet): Promise<CredentialVerification> {
  if (typeof jwt !== "string") return { ok: false, reason: "malformed" };
  const compact = jwt.trim();
  if (compact.length > MAX_JWT_LENGTH || !COMPACT_JWS.test(compact)) return { ok: false, reason: "malformed" };
  let kid: string;
  try {
    const header = decodeProtectedHeader(compact);
    if (header.alg !== "EdDSA" || header.typ !== CREDENTIAL_JWT_TYPE || typeof header.kid !== "string") {
      return { ok: false, reason: "malformed" };
    }
    kid = header.kid;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const credential = readCredential(compact.split(".")[1]!);
  if (!credential) return { ok: false, reason: "malformed" };
  const jwk = jwks.keys.find((candidate) => candidate.kid === kid);
  if (!jwk) return { ok: false, reason: "unknown_key" };
  try {
    const publicKey = await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x } as JWK, "EdDSA");
    await compactVerify(compact, publicKey, { algorithms: ["EdDSA"] });
  } catch {
    return { ok: false, reason: "bad_signature" };
  }
  return { ok: true, credential, kid };
}

/** The payload when it is a JSON credential of the shape we issue (checked loosely: the signature vouches for it). */
function readCredential(segment: string): OpenBadgeCredential | null {
  try {
    const payload = JSON.parse(Buffer.from(segment, "base64url").toString("utf8")) as Record<string, unknown>;
    if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return null;
    const types = payload.type;
    if (!Array.isArray(types) || !types.includes("VerifiableCredential") || !types.includes("OpenBadgeCredential")) {
      return null;
    }
    if (typeof payload.id !== "string" || typeof payload.certificateNumber !== "string") return null;
    const issuer = payload.issuer as { id?: unknown } | undefined;
    if (typeof issuer?.id !== "string" || (payload.iss !== undefined && payload.iss !== issuer.id)) return null;
    const { iss: _iss, jti: _jti, nbf: _nbf, iat: _iat, ...credential } = payload;
    return credential as unknown as OpenBadgeCredential;
  } catch {
    return null;
  }
}
