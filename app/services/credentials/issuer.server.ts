// What the portal publishes about itself as the issuer of verifiable credentials, at two well-known URLs: the
// public keys (JWKS) that verify them, and the issuer profile naming the portal and pointing at those keys.
import { getConfig } from "../../utils/env.server";
import { OB_CONTEXT_V3, VC_CONTEXT_V2 } from "./open-badges";
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
