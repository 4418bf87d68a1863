// The issuer's Ed25519 key that signs the verifiable credentials. The private JWK comes from the configuration
// (CREDENTIAL_SIGNING_KEY), or outside production from DATA_DIR/credential-signing-key.json, generated on first
// use like the session secret; its public half is published at /.well-known/jwks.json under its RFC 7638
// thumbprint as `kid`. See docs/decisions/025.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type JWK, calculateJwkThumbprint, importJWK } from "jose";
import { ConfigError, type PortalConfig, isEd25519PrivateJwk } from "../../utils/env.server";

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

// Per key source rather than one slot: tests and tools may hold several configurations in one process.
const loaded = new Map<string, Promise<IssuerKey>>();

/** The issuer key of this configuration, read (or generated, outside production) and imported once per process. */
export function loadIssuerKey(config: Pick<PortalConfig, "credentialSigningKey">): Promise<IssuerKey> {
  const source = config.credentialSigningKey;
  const identity = source.kind === "configured" ? `jwk:${source.jwk}` : `file:${source.file}`;
  let key = loaded.get(identity);
  if (!key) {
    key = (async () => importIssuerKey(source.kind === "configured" ? source.jwk : localSigningKey(source.file)))();
    key.catch(() => loaded.delete(identity));
    loaded.set(identity, key);
  }
  return key;
}

/**
 * The key kept in the data folder, generated the first time (readable by its owner only), so that credentials
 * issued before a restart still verify after it. A damaged file stops rather than being replaced: a new key would
 * silently orphan every credential signed with the old one.
 */
export function localSigningKey(file: string): string {
  if (existsSync(file)) {
    const kept = readFileSync(file, "utf8").trim();
    if (!isEd25519PrivateJwk(kept)) {
      throw new ConfigError(
        `${file} does not hold an Ed25519 private JWK: restore it from a backup, or delete it to generate a new key (credentials signed with the old one will then no longer verify).`,
      );
    }
    return kept;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const jwk = JSON.stringify(generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" }));
  // Written aside then linked into place: two processes generating at once keep one key (link fails when the name
  // exists), and no process ever reads a half-written file.
  const pending = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(pending, `${jwk}\n`, { mode: 0o600 });
  try {
    linkSync(pending, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return localSigningKey(file);
  } finally {
    unlinkSync(pending);
  }
  return jwk;
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

/** A retired key's public half as published, under its RFC 7638 thumbprint like the current key. */
export async function retiredPublicJwk(x: string): Promise<IssuerPublicJwk> {
  const kid = await calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x }, "sha256");
  return { kty: "OKP", crv: "Ed25519", x, kid, alg: "EdDSA", use: "sig" };
}

/**
 * What /.well-known/jwks.json publishes: the current key first, then the retired keys (CREDENTIAL_RETIRED_PUBLIC_KEYS)
 * that signed earlier credentials, each once (a retired key listed twice, or the current key listed as retired, is
 * published once).
 */
export function issuerJwks(current: IssuerKey, retired: readonly IssuerPublicJwk[] = []): JsonWebKeySet {
  const keys = [current.publicJwk];
  for (const key of retired) if (!keys.some((known) => known.kid === key.kid)) keys.push(key);
  return { keys };
}
