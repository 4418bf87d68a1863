// The forms of the candidate's files: typed admissibility documents, dossier evidence and narratives. Shared by the
// routes (which show the fields) and the services (which parse the fields that arrive with a streamed upload).
import { z } from "zod";
import {
  ACTIVITY_PROOF_TYPES,
  ADMISSIBILITY_DOCUMENT_KINDS,
  type ActivityProofType,
  type AdmissibilityDocumentKind,
} from "../../db/schema";
import { NARRATIVE_PART_MAX_LENGTH } from "../../workflows/dossier-coverage";

export const ADMISSIBILITY_DOCUMENT_KIND_LABELS: Record<AdmissibilityDocumentKind, string> = {
  identity: "Pièce d'identité",
  activity_proof: "Justificatif d'activité",
  prior_certificate: "Certificat ou attestation de bloc déjà obtenu",
  sworn_statement: "Déclaration sur l'honneur signée",
  other: "Autre document",
};

export const ACTIVITY_PROOF_TYPE_LABELS: Record<ActivityProofType, string> = {
  employer_attestation: "Attestation d'employeur",
  payslips: "Bulletins de salaire",
  employment_contract: "Contrat de travail",
  other_proof: "Autre justificatif (attestation de bénévolat, Kbis…)",
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isCalendarDate = (value: string) =>
  DATE.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} ne peut pas dépasser ${max} caractères.`)
    .optional()
    .transform((v) => v ?? "");

const optionalDate = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : null))
  .refine((v) => v === null || isCalendarDate(v), "Indiquez une date valide (JJ/MM/AAAA).");

export const admissibilityDocumentSchema = z
  .object({
    kind: z.enum(ADMISSIBILITY_DOCUMENT_KINDS, { errorMap: () => ({ message: "Choisissez le type de document." }) }),
    proofType: z
      .string()
      .optional()
      .transform((v) => (v ? v : null))
      .refine(
        (v): v is ActivityProofType | null => v === null || (ACTIVITY_PROOF_TYPES as readonly string[]).includes(v),
        {
          message: "Choisissez la nature du justificatif.",
        },
      ),
    periodStart: optionalDate,
    periodEnd: optionalDate,
    employer: optionalText(200, "Le nom de l'employeur"),
    jobTitle: optionalText(200, "L'intitulé du poste"),
    relatedToCqp: z
      .string()
      .optional()
      .transform((v) => v !== "no"),
    priorBlocCodes: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((code) => code !== "")),
    description: optionalText(1000, "La description"),
  })
  .superRefine((value, ctx) => {
    if (value.kind !== "activity_proof") return;
    if (!value.proofType)
      ctx.addIssue({ code: "custom", path: ["proofType"], message: "Choisissez la nature du justificatif." });
    if (!value.periodStart) {
      ctx.addIssue({ code: "custom", path: ["periodStart"], message: "Indiquez le début de la période couverte." });
    }
    if (!value.periodEnd)
      ctx.addIssue({ code: "custom", path: ["periodEnd"], message: "Indiquez la fin de la période couverte." });
    if (value.periodStart && value.periodEnd && value.periodEnd < value.periodStart) {
      ctx.addIssue({ code: "custom", path: ["periodEnd"], message: "La fin de la période doit suivre son début." });
    }
    if (!value.employer) {
      ctx.addIssue({ code: "custom", path: ["employer"], message: "Indiquez l'employeur ou la structure concernée." });
    }
  })
  .transform((value) =>
    value.kind === "activity_proof"
      ? value
      : // Only a proof of activity carries a period: a stray one on another type must not count as experience.
        { ...value, proofType: null, periodStart: null, periodEnd: null, relatedToCqp: true },
  );

export type AdmissibilityDocumentForm = z.infer<typeof admissibilityDocumentSchema>;

const codes = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => [...new Set((v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((code) => code !== ""))]);

export const evidenceLinksSchema = z.object({
  caption: z
    .string({ required_error: "Décrivez la pièce en une phrase." })
    .trim()
    .min(3, "Décrivez la pièce en une phrase : ce qu'elle montre et pourquoi elle compte.")
    .max(500, "La légende ne peut pas dépasser 500 caractères."),
  competencyCodes: codes.refine((v) => v.length > 0, "Cochez au moins une compétence que cette pièce illustre."),
  criterionIds: codes,
});

export type EvidenceLinksForm = z.infer<typeof evidenceLinksSchema>;

const part = (label: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? "").replace(/\r\n/g, "\n"))
    .refine((v) => v.length <= NARRATIVE_PART_MAX_LENGTH, {
      message: `${label} ne peut pas dépasser ${NARRATIVE_PART_MAX_LENGTH.toLocaleString("fr-FR")} caractères.`,
    });

export const narrativeSchema = z.object({
  context: part("Le contexte"),
  actions: part("Ce que vous avez fait"),
  results: part("Les résultats"),
});
