// The well-known routes' loaders as the portal runs them in the integration environment (DATA_DIR .cache/test-data,
// no CREDENTIAL_SIGNING_KEY): the key is generated there on first use and published with the public headers. The
// routes themselves, behind the server's request guards, are fetched in tests/e2e/credential-well-known.test.ts.
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loader as issuerProfileLoader } from "../../app/routes/[.well-known].openbadges-issuer[.]json";
import { loader as jwksLoader } from "../../app/routes/[.well-known].jwks[.]json";
import { signCredential, verifyCredentialJwt } from "../../app/services/credentials/credential-jwt.server";
import {
  issueCredentialJwt,
  publishedIssuerProfile,
  publishedJwks,
  verifyWithPublishedKeys,
} from "../../app/services/credentials/issuer.server";
import { buildAchievementCredential } from "../../app/services/credentials/open-badges";
import { type JsonWebKeySet, loadIssuerKey } from "../../app/services/credentials/signing-key.server";
import { getConfig, parseConfig } from "../../app/utils/env.server";

describe("the issuer's public key and profile", () => {
  it("publish the key generated in the data folder, cacheable and readable from other sites", async () => {
    const config = getConfig();
    expect(config.credentialSigningKey.kind).toBe("generated");
    const response = await jwksLoader();
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=3600");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const jwks = (await response.json()) as JsonWebKeySet;
    const key = await loadIssuerKey(config);
    expect(jwks).toEqual({ keys: [key.publicJwk] });

    const profile = await (await issuerProfileLoader()).json();
    expect(profile).toMatchObject({
      id: config.publicUrl,
      type: ["Profile"],
      jwks_uri: `${config.publicUrl}/.well-known/jwks.json`,
      verificationMethod: [{ type: "JsonWebKey", controller: config.publicUrl, publicKeyJwk: key.publicJwk }],
    });

    const credential = buildAchievementCredential({
      certificateId: "c1",
      number: "CSSA-2026-000007",
      verificationCode: "M3PA-9XKD-T4QB-R7WC-H2",
      kind: "blocs",
      issuedAt: "2026-11-30T09:15:00.000Z",
      publicUrl: config.publicUrl,
      certifierName: "CPNE des industries alimentaires",
      certification: { code: "CQP-CSSA", title: "Commercial sédentaire du secteur alimentaire" },
      holderName: "Ἀλέξανδρος Παπαδόπουλος",
      blocs: [{ code: "B2", title: "Développer l'activité commerciale" }],
    });
    expect(await verifyCredentialJwt(await signCredential(key, credential), jwks)).toMatchObject({ ok: true });
  });

  it("issue and check a credential with the portal's own key, in one call each", async () => {
    const input = {
      certificateId: "c2",
      number: "CSSA-2026-000008",
      verificationCode: "H2QB-R7WC-M3PA-9XKD-T4",
      kind: "full" as const,
      issuedAt: "2026-11-30T10:00:00.000Z",
      publicUrl: getConfig().publicUrl,
      certifierName: "CPNE des industries alimentaires",
      certification: { code: "CQP-CSSA", title: "Commercial sédentaire du secteur alimentaire" },
      holderName: "Łukasz Żółć",
      blocs: [{ code: "B1", title: "Gérer la relation client" }],
    };
    const issued = await issueCredentialJwt(input);
    expect(await issueCredentialJwt(structuredClone(input))).toEqual(issued);
    expect(await verifyWithPublishedKeys(issued.jwt)).toEqual({
      ok: true,
      credential: issued.credential,
      kid: issued.kid,
    });
    expect(await verifyWithPublishedKeys("pas un justificatif")).toEqual({ ok: false, reason: "malformed" });
  });

  it("keep verifying what the previous key signed once the key has rotated and the old one is listed as retired", async () => {
    const privateJwk = () => JSON.stringify(generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" }));
    const publicHalf = (jwk: string) => {
      const { d: _private, ...rest } = JSON.parse(jwk) as Record<string, string>;
      return rest;
    };
    const oldKey = privateJwk();
    const newKey = privateJwk();
    const configWith = (signing: string, retired: string[] = []) =>
      parseConfig({
        DATA_DIR: mkdtempSync(path.join(tmpdir(), "vae-rotation-")),
        PUBLIC_URL: "https://vae.example.org",
        CREDENTIAL_SIGNING_KEY: signing,
        CREDENTIAL_RETIRED_PUBLIC_KEYS: JSON.stringify(retired.map(publicHalf)),
      });
    const before = configWith(oldKey);
    const input = {
      certificateId: "c3",
      number: "CSSA-2025-000042",
      verificationCode: "T4QB-H2QB-R7WC-M3PA-9X",
      kind: "full" as const,
      issuedAt: "2025-06-30T10:00:00.000Z",
      publicUrl: before.publicUrl,
      certifierName: "CPNE des industries alimentaires",
      certification: { code: "CQP-CSSA", title: "Commercial sédentaire du secteur alimentaire" },
      holderName: "Søren Lœuvre",
      blocs: [{ code: "B1", title: "Gérer la relation client" }],
    };
    const signedBefore = await issueCredentialJwt(input, before);

    // Rotated without listing the old key: what it signed is no longer recognised.
    expect(await verifyWithPublishedKeys(signedBefore.jwt, configWith(newKey))).toEqual({
      ok: false,
      reason: "unknown_key",
    });

    // Rotated with the old key retired (listed twice, and the current key too: each is published once).
    const after = configWith(newKey, [oldKey, oldKey, newKey]);
    const current = await loadIssuerKey(after);
    const jwks = await publishedJwks(after);
    expect(jwks.keys.map((key) => key.kid)).toEqual([current.kid, signedBefore.kid]);
    expect(jwks.keys[1]).toEqual((await loadIssuerKey(before)).publicJwk);
    expect(await verifyWithPublishedKeys(signedBefore.jwt, after)).toEqual({
      ok: true,
      credential: signedBefore.credential,
      kid: signedBefore.kid,
    });
    const signedAfter = await issueCredentialJwt({ ...input, certificateId: "c4" }, after);
    expect(signedAfter.kid).toBe(current.kid);
    expect(await verifyWithPublishedKeys(signedAfter.jwt, after)).toMatchObject({ ok: true, kid: current.kid });
    // The issuer profile names both keys as verification methods; no private half is ever published.
    const profile = await publishedIssuerProfile(after);
    expect(profile.verificationMethod.map((method) => method.publicKeyJwk.kid)).toEqual([
      current.kid,
      signedBefore.kid,
    ]);
    expect(JSON.stringify([jwks, profile])).not.toMatch(/"d"/);
  });
});
