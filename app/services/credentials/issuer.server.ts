// What the portal publishes about itself as the issuer of verifiable credentials, at two well-known URLs: the
// public keys (JWKS) that verify them, and the issuer profile naming the portal and pointing at those keys.
import { type PortalConfig, getConfig } from "../../utils/env.server";
import { type CredentialVerification, signCredential, verifyCredentialJwt } from "./credential-jwt.server";
import {
  type CredentialInput,
  OB_CONTEXT_V3,
  type OpenBadgeCredential,
  VC_CONTEXT_V2,
  buildAchievementCredential,
} from "./open-badges";
import {
  type IssuerPublicJwk,
  type JsonWebKeySet,
  issuerJwks,
  loadIssuerKey,
  retiredPublicJwk,
} from "./signing-key.server";

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

type IssuerConfig = Pick<PortalConfig, "credentialSigningKey" | "credentialRetiredPublicKeys">;

/** The keys a verifier needs: the configured key, and after a rotation the retired ones that signed before it. */
export async function publishedJwks(config: IssuerConfig = getConfig()): Promise<JsonWebKeySet> {
  const current = await loadIssuerKey(config);
  return issuerJwks(current, await Promise.all(config.credentialRetiredPublicKeys.map(retiredPublicJwk)));
}

export async function publishedIssuerProfile(
  config: IssuerConfig & Pick<PortalConfig, "publicUrl"> = getConfig(),
): Promise<PublishedIssuerProfile> {
  const { publicUrl } = config;
  const { keys } = await publishedJwks(config);
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
  config: IssuerConfig = getConfig(),
): Promise<{ credential: OpenBadgeCredential; jwt: string; kid: string }> {
  const key = await loadIssuerKey(config);
  const credential = buildAchievementCredential(input);
  return { credential, jwt: await signCredential(key, credential), kid: key.kid };
}

/** A pasted or uploaded credential checked against the keys this portal publishes (never throws). */
export async function verifyWithPublishedKeys(
  jwt: unknown,
  config: IssuerConfig = getConfig(),
): Promise<CredentialVerification> {
  return verifyCredentialJwt(jwt, await publishedJwks(config));
}
