// The verifiable credential issued beside a certificate's PDF: an Open Badges 3.0 OpenBadgeCredential, which is a
// W3C Verifiable Credential (Data Model 2.0). Pure: data in, JSON out; signing is credential-jwt.server.ts.
// See docs/decisions/025 for the format choices.

export const VC_CONTEXT_V2 = "https://www.w3.org/ns/credentials/v2";
export const OB_CONTEXT_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/**
 * The portal's own terms, defined inline so that a JSON-LD processor still expands them: the certificate's number
 * and kind, which Open Badges has no property for, let a verifier match the credential to the issued document.
 */
export const PORTAL_CONTEXT = {
  certificateNumber: "urn:vae-portal:terms:certificateNumber",
  certificateKind: "urn:vae-portal:terms:certificateKind",
} as const;

export type CredentialKind = "full" | "blocs";

export interface CredentialInput {
  /** The issued certificate's id in the portal (not published: the credential's id is its verification URL). */
  certificateId: string;
  number: string;
  verificationCode: string;
  kind: CredentialKind;
  /** ISO instant of the (original) issue. */
  issuedAt: string;
  /** The portal's public address (config.publicUrl), without a trailing slash. */
  publicUrl: string;
  certifierName: string;
  certification: { code: string; title: string };
  holderName: string;
  /** Every bloc the document attests (all of them for the full certificate). */
  blocs: { code: string; title: string }[];
}

export interface IssuerProfile {
  id: string;
  type: ["Profile"];
  name: string;
  url: string;
}

export interface BlocAlignment {
  type: ["Alignment"];
  targetCode: string;
  targetName: string;
  targetUrl: string;
  targetType: "CFItem";
}

export interface OpenBadgeCredential {
  "@context": [typeof VC_CONTEXT_V2, typeof OB_CONTEXT_V3, typeof PORTAL_CONTEXT];
  id: string;
  type: ["VerifiableCredential", "OpenBadgeCredential"];
  issuer: IssuerProfile;
  validFrom: string;
  awardedDate: string;
  name: string;
  description: string;
  certificateNumber: string;
  certificateKind: CredentialKind;
  credentialSubject: {
    type: ["AchievementSubject"];
    /** The holder by name only: no e-mail, birth date or account id leaves the portal. */
    identifier: [{ type: "IdentityObject"; identityType: "name"; hashed: false; identityHash: string }];
    achievement: {
      id: string;
      type: ["Achievement"];
      achievementType: "Certificate" | "Competency";
      name: string;
      description: string;
      humanCode: string;
      criteria: { narrative: string };
      alignment: BlocAlignment[];
    };
  };
}

const LABEL: Record<CredentialKind, string> = {
  full: "Certificat de Qualification Professionnelle",
  blocs: "Attestation de blocs de compétences",
};

/** The credential's id, which is also the page that verifies it. */
export function verificationUrlOf(publicUrl: string, verificationCode: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/verifier/${encodeURIComponent(verificationCode)}`;
}

/** The certificate's verifiable credential, unsigned. The same input gives the same JSON, key order included. */
export function buildAchievementCredential(input: CredentialInput): OpenBadgeCredential {
  const publicUrl = input.publicUrl.replace(/\/+$/, "");
  const certificationUrl = `${publicUrl}/certifications/${encodeURIComponent(input.certification.code)}`;
  const blocCodes = input.blocs.map((bloc) => bloc.code);
  const label = LABEL[input.kind];
  const achievementName =
    input.kind === "full"
      ? `CQP ${input.certification.title}`
      : `${input.certification.title} — blocs ${blocCodes.join(", ")}`;
  return {
    "@context": [VC_CONTEXT_V2, OB_CONTEXT_V3, PORTAL_CONTEXT],
    id: verificationUrlOf(publicUrl, input.verificationCode),
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    issuer: { id: publicUrl, type: ["Profile"], name: input.certifierName, url: publicUrl },
    validFrom: input.issuedAt,
    awardedDate: input.issuedAt,
    name: `${label} — ${input.certification.title}`,
    description: `${label} n° ${input.number} délivré(e) par ${input.certifierName} à la suite d'une validation des acquis de l'expérience.`,
    certificateNumber: input.number,
    certificateKind: input.kind,
    credentialSubject: {
      type: ["AchievementSubject"],
      identifier: [{ type: "IdentityObject", identityType: "name", hashed: false, identityHash: input.holderName }],
      achievement: {
        // One achievement per certification (full) or per set of blocs, so that two holders of the same blocs
        // hold the same achievement.
        id: input.kind === "full" ? certificationUrl : `${certificationUrl}#blocs-${blocCodes.join("-")}`,
        type: ["Achievement"],
        achievementType: input.kind === "full" ? "Certificate" : "Competency",
        name: achievementName,
        description:
          input.kind === "full"
            ? `Certificat de Qualification Professionnelle « ${input.certification.title} » (${input.certification.code}) : tous ses blocs de compétences sont validés.`
            : `Blocs de compétences du Certificat de Qualification Professionnelle « ${input.certification.title} » (${input.certification.code}) : ${input.blocs.map((bloc) => `${bloc.code} ${bloc.title}`).join(" ; ")}.`,
        humanCode: input.certification.code,
        criteria: {
          narrative:
            "Validation des acquis de l'expérience : le dossier du candidat est évalué par un binôme d'évaluateurs professionnels ; chaque bloc est validé selon la règle publiée dans le référentiel de la certification, et la décision validée par le certificateur.",
        },
        alignment: input.blocs.map((bloc) => ({
          type: ["Alignment"],
          targetCode: bloc.code,
          targetName: bloc.title,
          targetUrl: certificationUrl,
          targetType: "CFItem",
        })),
      },
    },
  };
}
