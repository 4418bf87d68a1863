// The issuer's Ed25519 key that signs the verifiable credentials. The private JWK comes from the configuration
// (CREDENTIAL_SIGNING_KEY, or the key generated into the data folder outside production: app/utils/env.server.ts);
// its public half is published at /.well-known/jwks.json under its RFC 7638 thumbprint as `kid`.
import { type JWK, calculateJwkThumbprint, importJWK } from "jose";
import type { PortalConfig } from "../../utils/env.server";

export interface IssuerPublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid: string;
  alg: "EdDSA";
  use: "sig";
}

export interface IssuerKey {
  /** The RFC 7638 thumbprint of the public key: stable for a key, different for another one (rotation). */
  kid: string;
  privateKey: CryptoKey;
  publicJwk: IssuerPublicJwk;
}

export interface JsonWebKeySet {
  keys: IssuerPublicJwk[];
}

// Per private JWK rather than one slot: tests and tools may hold several configurations in one process.
const loaded = new Map<string, Promise<IssuerKey>>();

/** The issuer key of this configuration, imported once per process. */
export function loadIssuerKey(config: Pick<PortalConfig, "credentialSigningKey">): Promise<IssuerKey> {
  const source = config.credentialSigningKey;
  let key = loaded.get(source);
  if (!key) {
    key = importIssuerKey(source);
    key.catch(() => loaded.delete(source));
    loaded.set(source, key);
  }
  return key;
}

async function importIssuerKey(source: string): Promise<IssuerKey> {
  const jwk = JSON.parse(source) as JWK;
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string" || typeof jwk.d !== "string") {
    throw new Error("The credential signing key is not an Ed25519 private JWK");
  }
  const kid = await calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x: jwk.x }, "sha256");
  const privateKey = await importJWK({ kty: "OKP", crv: "Ed25519", x: jwk.x, d: jwk.d }, "EdDSA");
  if (!(privateKey instanceof CryptoKey)) throw new Error("The credential signing key did not import as a CryptoKey");
  return { kid, privateKey, publicJwk: { kty: "OKP", crv: "Ed25519", x: jwk.x, kid, alg: "EdDSA", use: "sig" } };
}

/** What /.well-known/jwks.json publishes: the current key; older keys join this list when the key rotates. */
export function issuerJwks(...keys: IssuerKey[]): JsonWebKeySet {
  return { keys: keys.map((key) => key.publicJwk) };
}
