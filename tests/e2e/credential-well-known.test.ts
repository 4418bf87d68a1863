// The issuer's public key and profile as a verifier elsewhere fetches them from the running portal, through the
// server's request guards: public JSON, cacheable, readable cross-origin, and the key that signs the credentials.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signCredential, verifyCredentialJwt } from "../../app/services/credentials/credential-jwt.server";
import { buildAchievementCredential } from "../../app/services/credentials/open-badges";
import { type JsonWebKeySet, loadIssuerKey } from "../../app/services/credentials/signing-key.server";
import { type RunningPortal, startPortal } from "./support/portal";

let portal: RunningPortal;
beforeAll(async () => {
  portal = await startPortal();
});
afterAll(async () => {
  await portal?.stop();
});

async function publicJson(pathname: string) {
  const response = await fetch(`${portal.url}${pathname}`, {
    // As a verifier's page on another site asks for it.
    headers: { Origin: "https://employeur.example", "Sec-Fetch-Site": "cross-site", Accept: "application/json" },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  expect(response.headers.get("cache-control")).toBe("public, max-age=3600");
  expect(response.headers.get("access-control-allow-origin")).toBe("*");
  return response.json() as Promise<Record<string, unknown>>;
}

describe("the issuer's well-known URLs", () => {
  it("publish the public half of the key that signs the credentials, and the issuer profile pointing at it", async () => {
    const jwks = (await publicJson("/.well-known/jwks.json")) as unknown as JsonWebKeySet;
    // The portal generated its key into its data folder (no CREDENTIAL_SIGNING_KEY outside production).
    const privateJwk = readFileSync(path.join(portal.dataDir, "credential-signing-key.json"), "utf8");
    const key = await loadIssuerKey({ credentialSigningKey: { kind: "configured", jwk: privateJwk } });
    expect(jwks).toEqual({ keys: [key.publicJwk] });
    expect(JSON.stringify(jwks)).not.toContain('"d"');

    const profile = await publicJson("/.well-known/openbadges-issuer.json");
    expect(profile).toMatchObject({ type: ["Profile"], name: "Portail VAE" });
    expect(profile.jwks_uri).toMatch(/\/\.well-known\/jwks\.json$/);
    expect(profile.verificationMethod).toEqual([
      expect.objectContaining({ type: "JsonWebKey", publicKeyJwk: key.publicJwk }),
    ]);

    // What a verifier does with them: a credential the portal's key signed checks out against the published keys.
    const credential = buildAchievementCredential({
      certificateId: "c1",
      number: "CSSA-2026-000001",
      verificationCode: "7KQ2-M9XD-4TPA-R3WB-HC",
      kind: "full",
      issuedAt: "2026-11-30T09:15:00.000Z",
      publicUrl: portal.url,
      certifierName: "CPNE des industries alimentaires",
      certification: { code: "CQP-CSSA", title: "Commercial sédentaire du secteur alimentaire" },
      holderName: "Nguyễn Thị Minh Khai",
      blocs: [{ code: "B1", title: "Relation client" }],
    });
    const verified = await verifyCredentialJwt(await signCredential(key, credential), jwks);
    expect(verified).toEqual({ ok: true, credential, kid: key.kid });
  });

  it("answer a HEAD and refuse a cross-origin POST like any other page", async () => {
    expect((await fetch(`${portal.url}/.well-known/jwks.json`, { method: "HEAD" })).status).toBe(200);
    const post = await fetch(`${portal.url}/.well-known/jwks.json`, {
      method: "POST",
      headers: { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
    });
    expect(post.status).toBe(403);
  });
});
