// Turns a submitted form into a candidacy event for the person acting, and tells pages which actions the statechart
// would accept now, so that a page only offers what the workflow allows.
import { z } from "zod";
import type { Role } from "../../db/schema";
import { type CandidacyEvent, type CandidacySnapshot, checkEvent } from "../../workflows/candidacy-machine";
import { restoreSnapshot } from "../../workflows/candidacy-snapshot";

const reason = z
  .string({ required_error: "Indiquez le motif." })
  .trim()
  .min(3, "Indiquez le motif : il sera communiqué au candidat.")
  .max(2000, "Le motif ne peut pas dépasser 2 000 caractères.");

export const candidacyIntentSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("SUBMIT_REQUEST"),
    sworn: z.literal("on", {
      errorMap: () => ({ message: "Cochez l'engagement sur l'honneur pour déposer votre demande." }),
    }),
  }),
  z.object({ intent: z.literal("COMPLETE_REQUEST") }),
  z.object({ intent: z.literal("START_DOSSIER") }),
  z.object({
    intent: z.literal("WITHDRAW"),
    reason: z.string().trim().max(2000).optional(),
    confirm: z.literal("on", { errorMap: () => ({ message: "Cochez la case pour confirmer l'abandon." }) }),
  }),
  z.object({ intent: z.literal("OPEN_REVIEW") }),
  z.object({ intent: z.literal("MARK_INCOMPLETE"), reason }),
  z.object({
    intent: z.literal("DECLARE_ADMISSIBLE"),
    validityEndsOn: z
      .string()
      .trim()
      .regex(/^(\d{4}-\d{2}-\d{2})?$/, "Indiquez une date au format JJ/MM/AAAA.")
      .optional()
      .transform((v) => (v ? v : undefined)),
    // Blocs the candidate already holds, proved by certificates the officer accepts: they count as acquired.
    priorBlocCodes: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => [
        ...new Set((v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((code) => code !== "")),
      ]),
  }),
  z.object({ intent: z.literal("DECLARE_INADMISSIBLE"), reason }),
]);

export type CandidacyIntent = z.infer<typeof candidacyIntentSchema>;
export type IntentName = CandidacyIntent["intent"];

export function eventFromIntent(
  intent: CandidacyIntent,
  actor: { userId: string; role: Role },
  at: Date,
): CandidacyEvent {
  const base = { actor: { type: "user" as const, userId: actor.userId, role: actor.role }, at: at.toISOString() };
  switch (intent.intent) {
    case "SUBMIT_REQUEST":
      return { ...base, type: "SUBMIT_REQUEST", sworn: true };
    case "WITHDRAW":
      return { ...base, type: "WITHDRAW", reason: intent.reason || undefined };
    case "MARK_INCOMPLETE":
    case "DECLARE_INADMISSIBLE":
      return { ...base, type: intent.intent, reason: intent.reason };
    case "DECLARE_ADMISSIBLE":
      return {
        ...base,
        type: "DECLARE_ADMISSIBLE",
        validityEndsOn: intent.validityEndsOn,
        ...(intent.priorBlocCodes.length > 0 ? { priorBlocCodes: intent.priorBlocCodes } : {}),
      };
    default:
      return { ...base, type: intent.intent };
  }
}

/** Which of these intents the statechart accepts from this person now (with plausible payloads). */
export function allowedIntents(
  persisted: unknown,
  actor: { userId: string; role: Role },
  intents: IntentName[],
  now: Date = new Date(),
): IntentName[] {
  const snapshot: CandidacySnapshot = restoreSnapshot(persisted);
  const samples: Record<IntentName, CandidacyIntent> = {
    SUBMIT_REQUEST: { intent: "SUBMIT_REQUEST", sworn: "on" },
    COMPLETE_REQUEST: { intent: "COMPLETE_REQUEST" },
    START_DOSSIER: { intent: "START_DOSSIER" },
    WITHDRAW: { intent: "WITHDRAW", confirm: "on" },
    OPEN_REVIEW: { intent: "OPEN_REVIEW" },
    MARK_INCOMPLETE: { intent: "MARK_INCOMPLETE", reason: "motif" },
    DECLARE_ADMISSIBLE: { intent: "DECLARE_ADMISSIBLE", validityEndsOn: undefined, priorBlocCodes: [] },
    DECLARE_INADMISSIBLE: { intent: "DECLARE_INADMISSIBLE", reason: "motif" },
  };
  return intents.filter((name) => checkEvent(snapshot, eventFromIntent(samples[name], actor, now)).allowed);
}
