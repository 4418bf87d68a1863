// What the portal publishes about itself as the issuer of verifiable credentials, at two well-known URLs: the
// public keys (JWKS) that verify them, and the issuer profile naming the portal and pointing at those keys.
import { getConfig } from "../../utils/env.server";
import { type CredentialVerification, signCredential, verifyCredentialJwt } from "./credential-jwt.server";
import {
  type CredentialInput,
  OB_CONTEXT_V3,
  type OpenBadgeCredential,
  VC_CONTEXT_V2,
  buildAchievementCredential,
} from "./open-badges";
import { type IssuerPublicJwk, type JsonWebKeySet, issuerJwks, loadIssuerKey } from "./signing-key.server";

export const JWKS_PATH = "/.well-known/jwks.json";
export const ISSUER_PROFILE_PATH = "/.well-known/openbadges-issuer.json";

export interface PublishedIssuerProfile {
  "@context": [typeof VC_CONTEXT_V2, typeof OB_CONTEXT_V3];
  id: string;
  type: ["Profile"];
  name: string;
  url: string;
  description: string;
  jwks_uri: string;
  verificationMethod: { id: string; type: "JsonWebKey"; controller: string; publicKeyJwk: IssuerPublicJwk }[];
}

/** The keys a verifier needs: today the one configured key; after a rotation, older ones are listed too. */
export async function publishedJwks(): Promise<JsonWebKeySet> {
  return issuerJwks(await loadIssuerKey(getConfig()));
}

export async function publishedIssuerProfile(): Promise<PublishedIssuerProfile> {
  const { publicUrl } = getConfig();
  const { keys } = await publishedJwks();
  return {
    "@context": [VC_CONTEXT_V2, OB_CONTEXT_V3],
    id: publicUrl,
    type: ["Profile"],
    name: "Portail VAE",
    url: publicUrl,
    description:
      "Portail de validation des acquis de l'expérience : il délivre, au nom des certificateurs, les certificats et attestations de blocs de compétences et leurs justificatifs numériques vérifiables.",
    jwks_uri: `${publicUrl}${JWKS_PATH}`,
    verificationMethod: keys.map((publicKeyJwk) => ({
      id: `${publicUrl}${JWKS_PATH}#${publicKeyJwk.kid}`,
      type: "JsonWebKey",
      controller: publicUrl,
      publicKeyJwk,
    })),
  };
}

/**
 * The credential of an issued certificate and its signed `.jwt` text, with this portal's key. For the issuer:
 * the same input gives the same text, so a retried issue stores the same file.
 */
export async function issueCredentialJwt(
  input: CredentialInput,
): Promise<{ credential: OpenBadgeCredential; jwt: string; kid: string }> {
  const key = await loadIssuerKey(getConfig());
  const credential = buildAchievementCredential(input);
  return { credential, jwt: await signCredential(key, credential), kid: key.kid };
}

/** A pasted or uploaded credential checked against the keys this portal publishes (never throws). */
export async function verifyWithPublishedKeys(jwt: unknown): Promise<CredentialVerification> {
  return verifyCredentialJwt(jwt, await publishedJwks());
}
