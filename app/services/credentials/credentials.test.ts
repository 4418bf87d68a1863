import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CompactSign, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../utils/env.server";
import { signCredential, verifyCredentialJwt } from "./credential-jwt.server";
import { type CredentialInput, buildAchievementCredential } from "./open-badges";
import { issuerJwks, loadIssuerKey, localSigningKey } from "./signing-key.server";

const configured = (jwk: string) => ({ credentialSigningKey: { kind: "configured" as const, jwk } });
const newKey = () => JSON.stringify(generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" }));
const dataDir = () => mkdtempSync(path.join(tmpdir(), "vae-credentials-"));

const input: CredentialInput = {
  certificateId: "0b0f8a4e-3c55-4c2a-9d61-4f6f3f1c2a10",
  number: "CSSA-2026-000042",
  verificationCode: "7KQ2-M9XD-4TPA-R3WB-HC",
  kind: "blocs",
  issuedAt: "2026-11-30T09:15:00.000Z",
  publicUrl: "https://vae.example.fr/",
  certifierName: "CPNE des industries alimentaires",
  certification: { code: "CQP-CSSA", title: "Commercial sédentaire du secteur alimentaire" },
  holderName: "Marie-Thérèse de La Tour d’Auvergne",
  blocs: [
    { code: "B1", title: "Gérer la relation client" },
    { code: "B2", title: "Développer l'activité commerciale" },
  ],
};

/** The JWT with its payload replaced by `change(payload)`, header and signature kept. */
function tamper(jwt: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jwt.split(".") as [string, string, string];
  const decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  change(decoded);
  return [header, Buffer.from(JSON.stringify(decoded)).toString("base64url"), signature].join(".");
}

describe("buildAchievementCredential", () => {
  it("builds an Open Badges 3.0 credential naming the holder, the certification, its blocs and the number", () => {
    const credential = buildAchievementCredential(input);
    expect(credential["@context"].slice(0, 2)).toEqual([
      "https://www.w3.org/ns/credentials/v2",
      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]);
    expect(credential).toMatchObject({
      id: "https://vae.example.fr/verifier/7KQ2-M9XD-4TPA-R3WB-HC",
      type: ["VerifiableCredential", "OpenBadgeCredential"],
      issuer: { id: "https://vae.example.fr", type: ["Profile"], name: "CPNE des industries alimentaires" },
      validFrom: "2026-11-30T09:15:00.000Z",
      certificateNumber: "CSSA-2026-000042",
      certificateKind: "blocs",
    });
    const { credentialSubject } = credential;
    expect(credentialSubject.type).toEqual(["AchievementSubject"]);
    expect(credentialSubject.identifier).toEqual([
      { type: "IdentityObject", identityType: "name", hashed: false, identityHash: input.holderName },
    ]);
    expect(credentialSubject.achievement).toMatchObject({
      id: "https://vae.example.fr/certifications/CQP-CSSA#blocs-B1-B2",
      type: ["Achievement"],
      achievementType: "Competency",
      humanCode: "CQP-CSSA",
    });
    expect(credentialSubject.achievement.criteria.narrative).toContain("Validation des acquis");
    expect(credentialSubject.achievement.alignment.map((a) => a.targetCode)).toEqual(["B1", "B2"]);
    // Nothing about the holder beyond the name: the input's internal id does not leave the portal either.
    expect(JSON.stringify(credential)).not.toContain(input.certificateId);

    const full = buildAchievementCredential({ ...input, kind: "full" });
    expect(full.credentialSubject.achievement).toMatchObject({
      id: "https://vae.example.fr/certifications/CQP-CSSA",
      achievementType: "Certificate",
    });
    expect(JSON.stringify(buildAchievementCredential(structuredClone(input)))).toBe(JSON.stringify(credential));
  });
});

describe("credential JWT", () => {
  it("signs with EdDSA under the key's thumbprint, deterministically, and verifies", async () => {
    const key = await loadIssuerKey(configured(newKey()));
    const credential = buildAchievementCredential(input);
    const jwt = await signCredential(key, credential);
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: "EdDSA", typ: "vc+jwt", kid: key.kid });
    const payload = JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8"));
    expect(payload).toMatchObject({
      iss: "https://vae.example.fr",
      jti: credential.id,
      nbf: Date.parse(input.issuedAt) / 1000,
      iat: Date.parse(input.issuedAt) / 1000,
    });
    expect(await signCredential(key, credential)).toBe(jwt);

    const verified = await verifyCredentialJwt(`  ${jwt}\n`, issuerJwks(key));
    expect(verified).toEqual({ ok: true, credential, kid: key.kid });
  });

  it("reports a changed field as a bad signature", async () => {
    const key = await loadIssuerKey(configured(newKey()));
    const jwt = await signCredential(key, buildAchievementCredential(input));
    const jwks = issuerJwks(key);
    const renamed = tamper(jwt, (payload) => {
      (payload.credentialSubject as { identifier: { identityHash: string }[] }).identifier[0]!.identityHash =
        "Jean Dupont";
    });
    expect(await verifyCredentialJwt(renamed, jwks)).toEqual({ ok: false, reason: "bad_signature" });
    const renumbered = tamper(jwt, (payload) => {
      payload.certificateNumber = "CSSA-2026-000043";
    });
    expect(await verifyCredentialJwt(renumbered, jwks)).toEqual({ ok: false, reason: "bad_signature" });
    const signatureStart = jwt.lastIndexOf(".") + 1;
    const flippedChar = jwt[signatureStart + 10] === "A" ? "B" : "A";
    const flipped = `${jwt.slice(0, signatureStart + 10)}${flippedChar}${jwt.slice(signatureStart + 11)}`;
    expect(await verifyCredentialJwt(flipped, jwks)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses a credential signed by another key: unknown under its own kid, bad signature under ours", async () => {
    const ours = await loadIssuerKey(configured(newKey()));
    const theirs = await loadIssuerKey(configured(newKey()));
    expect(theirs.kid).not.toBe(ours.kid);
    const credential = buildAchievementCredential(input);
    const forged = await signCredential(theirs, credential);
    expect(await verifyCredentialJwt(forged, issuerJwks(ours))).toEqual({ ok: false, reason: "unknown_key" });
    const impersonating = await new CompactSign(new TextEncoder().encode(JSON.stringify(credential)))
      .setProtectedHeader({ alg: "EdDSA", typ: "vc+jwt", kid: ours.kid })
      .sign(theirs.privateKey);
    expect(await verifyCredentialJwt(impersonating, issuerJwks(ours))).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    // After a rotation the old key stays published: both generations verify.
    expect((await verifyCredentialJwt(forged, issuerJwks(ours, [theirs.publicJwk]))).ok).toBe(true);
  });

  it("calls anything that is not one of our credential JWTs malformed, without throwing", async () => {
    const key = await loadIssuerKey(configured(newKey()));
    const jwks = issuerJwks(key);
    const notACredential = await new CompactSign(new TextEncoder().encode(JSON.stringify({ hello: "world" })))
      .setProtectedHeader({ alg: "EdDSA", typ: "vc+jwt", kid: key.kid })
      .sign(key.privateKey);
    const wrongType = await new CompactSign(new TextEncoder().encode(JSON.stringify(buildAchievementCredential(input))))
      .setProtectedHeader({ alg: "EdDSA", typ: "JWT", kid: key.kid })
      .sign(key.privateKey);
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "vc+jwt", kid: key.kid })).toString("base64url");
    const unsigned = `${header}.${Buffer.from(JSON.stringify(buildAchievementCredential(input))).toString("base64url")}.x`;
    for (const garbage of [
      undefined,
      null,
      42,
      { jwt: "a.b.c" },
      "",
      "not a jwt",
      "a.b.c",
      "a.b",
      "a..c",
      "é.è.à",
      `${"a".repeat(70_000)}.b.c`,
      "eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2ln",
      notACredential,
      wrongType,
      unsigned,
    ]) {
      expect(await verifyCredentialJwt(garbage, jwks)).toEqual({ ok: false, reason: "malformed" });
    }
  });
});

describe("the issuer key", () => {
  it("is generated on first use into the data folder, owner-only, and the same key is read back later", async () => {
    const dir = dataDir();
    const file = path.join(dir, "credential-signing-key.json");
    const config = parseConfig({ DATA_DIR: dir });
    expect(existsSync(file)).toBe(false);
    const first = await loadIssuerKey(config);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((name) => name.includes("credential"))).toEqual(["credential-signing-key.json"]);
    expect(first.publicJwk).toEqual({
      kty: "OKP",
      crv: "Ed25519",
      x: expect.any(String),
      kid: first.kid,
      alg: "EdDSA",
      use: "sig",
    });
    expect(JSON.stringify(first.publicJwk)).not.toContain('"d"');
    // Another process (here: the file read again, not the cache) gets the same key, and verifies what this one signed.
    const kept = localSigningKey(file);
    const again = await loadIssuerKey(configured(kept));
    expect(again.kid).toBe(first.kid);
    const jwt = await signCredential(first, buildAchievementCredential(input));
    expect((await verifyCredentialJwt(jwt, issuerJwks(again))).ok).toBe(true);
    expect((await loadIssuerKey(parseConfig({ DATA_DIR: dataDir() }))).kid).not.toBe(first.kid);
  });

  it("refuses a damaged key file rather than replacing it", async () => {
    const file = path.join(dataDir(), "credential-signing-key.json");
    writeFileSync(file, '{"kty":"OKP","crv":"Ed25519","x":"abc"}\n');
    expect(() => localSigningKey(file)).toThrow(/does not hold an Ed25519 private JWK/);
    await expect(loadIssuerKey({ credentialSigningKey: { kind: "generated", file } })).rejects.toThrow(/restore it/);
    expect(readFileSync(file, "utf8")).toContain('"x":"abc"');
  });

  it("comes from CREDENTIAL_SIGNING_KEY when set, and is required in production", async () => {
    const dir = dataDir();
    const jwk = newKey();
    const key = await loadIssuerKey(parseConfig({ DATA_DIR: dir, CREDENTIAL_SIGNING_KEY: jwk }));
    expect(key.publicJwk.x).toBe(JSON.parse(jwk).x);
    expect(existsSync(path.join(dir, "credential-signing-key.json"))).toBe(false);
    expect(() => parseConfig({ DATA_DIR: dataDir(), APP_ENV: "production", SESSION_SECRET: "s".repeat(40) })).toThrow(
      /CREDENTIAL_SIGNING_KEY is required in production/,
    );
    await expect(loadIssuerKey(configured('{"kty":"RSA"}'))).rejects.toThrow(/not an Ed25519/);
  });
});
