// The candidacy lifecycle as one pure XState v5 statechart: the single source of truth of what can happen to a
// candidacy, who may do it and when. No I/O, no clock, no invoked actors, no delayed transitions: the service
// steps it with `transition(machine, snapshot, event)`, saves the persisted snapshot, then runs the side effects.
//
// Time-based things (2 months of admissibility silence, validity end) arrive as events from the `system` actor;
// the service stores the timers and uses `admissibilitySilenceDeadline` / `isValidityExpired` from this module to
// schedule them, and the guards re-check the time so that a stale timer is refused.
//
// Every user-driven transition is guarded by one guard, `allowed`, which evaluates the rule of the event type
// (`candidacyRules`): role, ownership, role conflicts, required reasons and dates. `checkEvent` / `explainRefusal`
// evaluate the same rules to tell, in French, why an event is refused. One source of truth.
//
// Evaluation completion: the evaluation is a parallel state (evaluatorA ∥ evaluatorB). The SUBMIT_SCORES event
// that completes the pair (the other evaluator has already submitted) must carry `jointOutcome`, which the service
// computes with `jointScores(...).kind` from ./decision ("agreed" | "deliberation"). It is stored in the context,
// and the parallel state's `onDone` routes on it: "agreed" → decided, otherwise → deliberation.

import { and, assign, getNextTransitions, setup, type SnapshotFrom, type StateValue } from "xstate";
import type { JointScoresResult } from "./decision";

/** Stored beside each persisted snapshot; bump it when a change makes older snapshots unreadable. */
export const CANDIDACY_MACHINE_VERSION = 1;

// ---------------------------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------------------------

export type Role = "candidate" | "admissibility_officer" | "evaluator" | "certifier_staff" | "admin";

/** Who sends an event: a signed-in user acting in one of their roles, or the platform itself (timers). */
export type EventActor = { type: "user"; userId: string; role: Role } | { type: "system" };

/** The roles that can act on a candidacy (admin manages accounts and settings, never a candidacy). */
export type InvolvedRole = Exclude<Role, "admin">;

/** "agreed" when the two evaluators' scores agree (joint score = mean), "deliberation" otherwise. */
export type JointOutcome = JointScoresResult["kind"];

export interface EvaluatorPair {
  evaluatorAId: string;
  evaluatorBId: string;
  /** One of the two evaluators; has the casting vote in deliberation. */
  presidentId: string;
}

export interface CandidacyContext {
  candidacyId: string;
  candidateId: string;
  certificationCode: string;
  referentialVersionId: string;
  admissibility: {
    /** First submission of the request. */
    requestedAt?: string;
    /** When the request (last) became complete: starts the 2-month clock. Cleared while it is incomplete. */
    completedAt?: string;
    /** The officer who last acted on the request (opened, marked incomplete, decided). */
    officerId?: string;
    reviewOpenedAt?: string;
    /** Reason of the last "incomplete" outcome. */
    incompleteReason?: string;
    decidedAt?: string;
    decision?: "admissible" | "inadmissible";
    /** "officer": explicit decision; "silence": 2 months without answer (tacit acceptance). */
    decidedBy?: "officer" | "silence";
    /** Written reason of an inadmissibility decision. */
    reason?: string;
    /** ISO date (YYYY-MM-DD), inclusive: the candidacy lapses the day after. */
    validityEndsOn?: string;
  };
  dossier: {
    /** Last frozen (submitted) version; 0 before the first submission. The next submission is version + 1. */
    currentVersion: number;
    submittedVersions: number[];
    sentBackOnce: boolean;
    startedAt?: string;
    /** Time of the last submission. */
    submittedAt?: string;
    sentBack?: { by: string; at: string; reason: string; version: number };
  };
  evaluation: {
    pair?: EvaluatorPair;
    assignedBy?: string;
    assignedAt?: string;
    startedA?: boolean;
    startedB?: boolean;
    submittedA?: boolean;
    submittedB?: boolean;
    /** Set by the SUBMIT_SCORES that completes the pair. */
    jointOutcome?: JointOutcome;
    /** Time of the SUBMIT_SCORES that completed the pair. */
    completedAt?: string;
  };
  decision: {
    decidedAt?: string;
    /** How the decision was reached: the evaluators agreed, or after deliberation. */
    route?: "agreed" | "deliberation";
    deliberationRecordedBy?: string;
    validatedBy?: string;
    validatedAt?: string;
  };
  /** userId → the role that user holds on this candidacy. Nobody holds two roles on one candidacy. */
  involvement: Record<string, InvolvedRole>;
  withdrawnAt?: string;
  withdrawnReason?: string;
  lapsedAt?: string;
  closedAt?: string;
}

export interface CandidacyInput {
  candidacyId: string;
  candidateId: string;
  certificationCode: string;
  referentialVersionId: string;
}

type Base = {
  actor: EventActor;
  /** ISO 8601 timestamp of the event, recorded in the context (the machine never reads the clock). */
  at: string;
};

export type CandidacyEvent =
  | (Base & { type: "SUBMIT_REQUEST"; sworn: true })
  | (Base & { type: "OPEN_REVIEW" })
  | (Base & { type: "MARK_INCOMPLETE"; reason: string })
  | (Base & { type: "COMPLETE_REQUEST" })
  /** priorBlocCodes: blocs the officer accepted as already held (prior bloc certificates); the service records them. */
  | (Base & { type: "DECLARE_ADMISSIBLE"; validityEndsOn?: string; priorBlocCodes?: string[] })
  | (Base & { type: "DECLARE_INADMISSIBLE"; reason: string })
  | (Base & { type: "ADMISSIBILITY_SILENCE_ELAPSED" })
  | (Base & { type: "START_DOSSIER" })
  | (Base & { type: "SUBMIT_DOSSIER"; version: number })
  | (Base & { type: "SEND_BACK_DOSSIER"; reason: string })
  | (Base & { type: "ASSIGN_PAIR"; evaluatorAId: string; evaluatorBId: string; presidentId: string })
  | (Base & { type: "START_SCORING" })
  | (Base & { type: "SUBMIT_SCORES"; jointOutcome?: JointOutcome })
  | (Base & { type: "RECORD_DELIBERATION" })
  | (Base & { type: "VALIDATE_DECISION" })
  | (Base & { type: "CLOSE" })
  | (Base & { type: "WITHDRAW"; reason?: string })
  | (Base & { type: "VALIDITY_EXPIRED" });

export type CandidacyEventType = CandidacyEvent["type"];

export type RefusalCode =
  | "wrong_state"
  | "invalid_time"
  | "wrong_role"
  | "not_owner"
  | "system_only"
  | "role_conflict"
  | "not_assigned"
  | "sworn_statement_required"
  | "reason_required"
  | "invalid_validity_date"
  | "silence_not_elapsed"
  | "validity_not_expired"
  | "invalid_version"
  | "send_back_used"
  | "scoring_started"
  | "invalid_pair"
  | "already_started"
  | "not_started"
  | "already_submitted"
  | "joint_outcome_required";

export interface Refusal {
  code: RefusalCode;
  /** French, shown to the user as is. */
  message: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Dates (pure: parsing only, never the clock)
// ---------------------------------------------------------------------------------------------------------------

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** An ISO 8601 timestamp with a time zone (Z or ±hh:mm), e.g. "2025-03-01T09:30:00Z". */
export function isIsoTimestamp(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const match = ISO_TIMESTAMP.exec(value);
  return match !== null && isIsoDate(match[1]) && Number.isFinite(Date.parse(value));
}

/** The UTC calendar date (YYYY-MM-DD) of a timestamp. */
function utcDateOf(timestamp: string): string {
  return new Date(timestamp).toISOString().slice(0, 10);
}

/**
 * When 2 months of silence after a complete admissibility request count as acceptance: the same time two calendar
 * months later (UTC), or the last day of that month when it has no such day (31 Dec → 28/29 Feb). The service
 * schedules the ADMISSIBILITY_SILENCE_ELAPSED timer at this time; the guard refuses the event before it.
 */
export function admissibilitySilenceDeadline(completedAt: string): string {
  const start = new Date(completedAt);
  const monthIndex = start.getUTCMonth() + 2;
  const year = start.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      year,
      month,
      Math.min(start.getUTCDate(), lastDay),
      start.getUTCHours(),
      start.getUTCMinutes(),
      start.getUTCSeconds(),
      start.getUTCMilliseconds(),
    ),
  ).toISOString();
}

/** The validity end date is inclusive: the admissibility has expired once the UTC date of `at` is after it. */
export function isValidityExpired(validityEndsOn: string, at: string): boolean {
  return utcDateOf(at) > validityEndsOn;
}

// ---------------------------------------------------------------------------------------------------------------
// Rules: one predicate per event type, shared by the machine's guard and by checkEvent / explainRefusal
// ---------------------------------------------------------------------------------------------------------------

export const WRONG_STATE_MESSAGE = "Cette action n'est pas possible à l'étape actuelle de la candidature.";

const ROLE_LABEL: Record<InvolvedRole, string> = {
  candidate: "candidat",
  admissibility_officer: "chargé de recevabilité",
  evaluator: "évaluateur",
  certifier_staff: "personnel du certificateur",
};

/** "en tant que candidat", "en tant qu'évaluateur". */
function asRole(role: InvolvedRole): string {
  const label = ROLE_LABEL[role];
  return /^[aeéèêiou]/i.test(label) ? `en tant qu'${label}` : `en tant que ${label}`;
}

const ROLE_REQUIRED_MESSAGE: Record<InvolvedRole, string> = {
  candidate: "Cette action est réservée au candidat.",
  admissibility_officer: "Cette action est réservée à un chargé de recevabilité de l'organisme évaluateur VAE.",
  evaluator: "Cette action est réservée aux évaluateurs désignés pour cette candidature.",
  certifier_staff: "Cette action est réservée au personnel du certificateur.",
};

function refuse(code: RefusalCode, message: string): Refusal {
  return { code, message };
}

function hasText(value: unknown): boolean {
  return typeof value === "string" && value.trim().length > 0;
}

function userOf(actor: EventActor | undefined): { userId: string; role: Role } | null {
  return actor?.type === "user" && typeof actor.userId === "string" && actor.userId.length > 0 ? actor : null;
}

/** The role this user already holds on the candidacy, if it differs from `role`. */
function conflictingRole(context: CandidacyContext, userId: string, role: InvolvedRole): InvolvedRole | null {
  if (role !== "candidate" && userId === context.candidateId) return "candidate";
  const held = Object.hasOwn(context.involvement, userId) ? context.involvement[userId] : undefined;
  return held !== undefined && held !== role ? held : null;
}

function actorConflict(held: InvolvedRole): Refusal {
  return refuse(
    "role_conflict",
    `Vous intervenez déjà sur cette candidature ${asRole(held)} : une même personne ne peut pas ` +
      "y tenir deux rôles. Confiez cette action à une autre personne.",
  );
}

/** The candidate who owns this candidacy. */
function requireOwner(context: CandidacyContext, event: CandidacyEvent): Refusal | null {
  const user = userOf(event.actor);
  if (user?.role !== "candidate") return refuse("wrong_role", ROLE_REQUIRED_MESSAGE.candidate);
  if (user.userId !== context.candidateId) {
    return refuse("not_owner", "Seul le candidat titulaire de cette candidature peut effectuer cette action.");
  }
  return null;
}

/** A user acting in `role`, who holds no other role on this candidacy. */
function requireRole(context: CandidacyContext, event: CandidacyEvent, role: InvolvedRole): Refusal | null {
  const user = userOf(event.actor);
  if (!user || user.role !== role) return refuse("wrong_role", ROLE_REQUIRED_MESSAGE[role]);
  const held = conflictingRole(context, user.userId, role);
  return held ? actorConflict(held) : null;
}

/** One of the two evaluators assigned to this candidacy. */
function requireAssignedEvaluator(context: CandidacyContext, event: CandidacyEvent): Refusal | null {
  const refusal = requireRole(context, event, "evaluator");
  if (refusal) return refusal;
  if (evaluatorSlot(context, event.actor) === null) {
    return refuse("not_assigned", "Vous n'êtes pas désigné comme évaluateur de cette candidature.");
  }
  return null;
}

function requireSystem(event: CandidacyEvent): Refusal | null {
  if (event.actor?.type === "system") return null;
  return refuse(
    "system_only",
    "Cette étape est déclenchée automatiquement par la plateforme à l'échéance du délai ; elle ne peut pas être " +
      "faite à la main.",
  );
}

/** Which evaluator of the pair the actor is, if any. */
export function evaluatorSlot(context: CandidacyContext, actor: EventActor): "A" | "B" | null {
  const user = userOf(actor);
  const pair = context.evaluation.pair;
  if (user?.role !== "evaluator" || !pair) return null;
  if (user.userId === pair.evaluatorAId) return "A";
  if (user.userId === pair.evaluatorBId) return "B";
  return null;
}

function checkPair(context: CandidacyContext, event: Extract<CandidacyEvent, { type: "ASSIGN_PAIR" }>): Refusal | null {
  const ids = [event.evaluatorAId, event.evaluatorBId, event.presidentId];
  if (!ids.every(hasText)) {
    return refuse("invalid_pair", "Désignez deux évaluateurs et, parmi eux, le président du jury.");
  }
  if (event.evaluatorAId === event.evaluatorBId) {
    return refuse("invalid_pair", "Le binôme doit réunir deux évaluateurs différents.");
  }
  if (event.presidentId !== event.evaluatorAId && event.presidentId !== event.evaluatorBId) {
    return refuse("invalid_pair", "Le président du jury doit être l'un des deux évaluateurs du binôme.");
  }
  const assigner = userOf(event.actor);
  const evaluators: Array<[string, string]> = [
    [event.evaluatorAId, "Le premier évaluateur"],
    [event.evaluatorBId, "Le second évaluateur"],
  ];
  for (const [evaluatorId, which] of evaluators) {
    if (evaluatorId === context.candidateId) {
      return refuse(
        "role_conflict",
        `${which} est le candidat de cette candidature : un candidat ne peut pas évaluer son propre dossier. ` +
          "Choisissez un autre évaluateur.",
      );
    }
    if (assigner && evaluatorId === assigner.userId) {
      return refuse(
        "role_conflict",
        "Vous ne pouvez pas vous désigner vous-même : vous intervenez sur cette candidature en tant que personnel " +
          "du certificateur. Choisissez un autre évaluateur.",
      );
    }
    const held = conflictingRole(context, evaluatorId, "evaluator");
    if (held) {
      const detail = held === "admissibility_officer" ? " (il a instruit la recevabilité de cette candidature)" : "";
      return refuse(
        "role_conflict",
        `${which} intervient déjà sur cette candidature ${asRole(held)}${detail} : une même ` +
          "personne ne peut pas y tenir deux rôles. Choisissez un autre évaluateur.",
      );
    }
  }
  return null;
}

type Rule<K extends CandidacyEventType> = (
  context: CandidacyContext,
  event: Extract<CandidacyEvent, { type: K }>,
) => Refusal | null;

/**
 * The rule of each event type, from the context and the event (actor, payload, time) alone. The state part
 * (which states accept which events) is the machine's; these say who may send the event and with what payload.
 */
export const candidacyRules: { [K in CandidacyEventType]: Rule<K> } = {
  SUBMIT_REQUEST: (context, event) =>
    requireOwner(context, event) ??
    (event.sworn === true
      ? null
      : refuse(
          "sworn_statement_required",
          "Signez l'engagement sur l'honneur (une seule demande par an pour cette certification, trois au plus " +
            "par an toutes certifications confondues) pour déposer votre demande de recevabilité.",
        )),

  OPEN_REVIEW: (context, event) => requireRole(context, event, "admissibility_officer"),

  MARK_INCOMPLETE: (context, event) =>
    requireRole(context, event, "admissibility_officer") ??
    (hasText(event.reason)
      ? null
      : refuse(
          "reason_required",
          "Indiquez par écrit ce qui manque à la demande de recevabilité : le motif est obligatoire.",
        )),

  COMPLETE_REQUEST: (context, event) => requireOwner(context, event),

  DECLARE_ADMISSIBLE: (context, event) => {
    const refusal = requireRole(context, event, "admissibility_officer");
    if (refusal || event.validityEndsOn === undefined) return refusal;
    if (!isIsoDate(event.validityEndsOn)) {
      return refuse(
        "invalid_validity_date",
        "La date de fin de validité de la recevabilité doit être une date valide (AAAA-MM-JJ).",
      );
    }
    if (event.validityEndsOn <= utcDateOf(event.at)) {
      return refuse(
        "invalid_validity_date",
        "La date de fin de validité de la recevabilité doit être postérieure à la date de la décision.",
      );
    }
    return null;
  },

  DECLARE_INADMISSIBLE: (context, event) =>
    requireRole(context, event, "admissibility_officer") ??
    (hasText(event.reason)
      ? null
      : refuse("reason_required", "Indiquez par écrit le motif de l'irrecevabilité : il est obligatoire.")),

  ADMISSIBILITY_SILENCE_ELAPSED: (context, event) => {
    const refusal = requireSystem(event);
    if (refusal) return refusal;
    const completedAt = context.admissibility.completedAt;
    if (completedAt === undefined || Date.parse(event.at) < Date.parse(admissibilitySilenceDeadline(completedAt))) {
      return refuse(
        "silence_not_elapsed",
        "Le délai de deux mois depuis la demande complète n'est pas écoulé : la recevabilité ne peut pas encore " +
          "être acquise en l'absence de réponse.",
      );
    }
    return null;
  },

  START_DOSSIER: (context, event) => requireOwner(context, event),

  SUBMIT_DOSSIER: (context, event) => {
    const refusal = requireOwner(context, event);
    if (refusal) return refusal;
    const expected = context.dossier.currentVersion + 1;
    if (event.version !== expected) {
      return refuse(
        "invalid_version",
        `La version déposée doit être la version ${expected} du dossier (la version ${event.version} n'est pas ` +
          "la suivante). Rechargez la page et déposez à nouveau.",
      );
    }
    return null;
  },

  SEND_BACK_DOSSIER: (context, event) => {
    const refusal = requireAssignedEvaluator(context, event);
    if (refusal) return refusal;
    if (context.dossier.sentBackOnce) {
      return refuse(
        "send_back_used",
        "Le dossier a déjà été renvoyé une fois au candidat : un second renvoi n'est pas possible. Évaluez le " +
          "dossier tel qu'il a été déposé.",
      );
    }
    if (context.evaluation.startedA || context.evaluation.startedB) {
      return refuse(
        "scoring_started",
        "La notation du dossier a commencé : il ne peut plus être renvoyé au candidat pour précisions.",
      );
    }
    if (!hasText(event.reason)) {
      return refuse(
        "reason_required",
        "Indiquez au candidat les précisions attendues : le motif du renvoi est obligatoire.",
      );
    }
    return null;
  },

  ASSIGN_PAIR: (context, event) => requireRole(context, event, "certifier_staff") ?? checkPair(context, event),

  START_SCORING: (context, event) => {
    const refusal = requireAssignedEvaluator(context, event);
    if (refusal) return refusal;
    const slot = evaluatorSlot(context, event.actor);
    if (slot === "A" ? context.evaluation.startedA : context.evaluation.startedB) {
      return refuse("already_started", "Vous avez déjà commencé la notation de ce dossier.");
    }
    return null;
  },

  SUBMIT_SCORES: (context, event) => {
    const refusal = requireAssignedEvaluator(context, event);
    if (refusal) return refusal;
    const slot = evaluatorSlot(context, event.actor);
    const evaluation = context.evaluation;
    const [started, submitted, otherSubmitted] =
      slot === "A"
        ? [evaluation.startedA, evaluation.submittedA, evaluation.submittedB]
        : [evaluation.startedB, evaluation.submittedB, evaluation.submittedA];
    if (submitted) return refuse("already_submitted", "Vous avez déjà soumis vos notes pour ce dossier.");
    if (!started) return refuse("not_started", "Commencez la notation du dossier avant de soumettre vos notes.");
    if (otherSubmitted && event.jointOutcome !== "agreed" && event.jointOutcome !== "deliberation") {
      return refuse(
        "joint_outcome_required",
        "Les notes du second évaluateur doivent être accompagnées de la comparaison des deux notations (accord " +
          "ou délibération).",
      );
    }
    return null;
  },

  RECORD_DELIBERATION: (context, event) => requireAssignedEvaluator(context, event),

  VALIDATE_DECISION: (context, event) => requireRole(context, event, "certifier_staff"),

  CLOSE: (context, event) => {
    if (event.actor?.type === "system") return null;
    const user = userOf(event.actor);
    if (user?.role !== "certifier_staff") {
      return refuse(
        "wrong_role",
        "La clôture est faite par le personnel du certificateur ou automatiquement par la plateforme.",
      );
    }
    return requireRole(context, event, "certifier_staff");
  },

  WITHDRAW: (context, event) =>
    requireOwner(context, event) ??
    (event.reason === undefined || typeof event.reason === "string"
      ? null
      : refuse("reason_required", "Le motif de l'abandon, s'il est donné, doit être un texte.")),

  VALIDITY_EXPIRED: (context, event) => {
    const refusal = requireSystem(event);
    if (refusal) return refusal;
    const endsOn = context.admissibility.validityEndsOn;
    if (endsOn === undefined) {
      return refuse(
        "validity_not_expired",
        "Cette recevabilité n'a pas de date de fin de validité : la candidature ne peut pas devenir caduque.",
      );
    }
    if (!isValidityExpired(endsOn, event.at)) {
      return refuse(
        "validity_not_expired",
        "La recevabilité est encore valide : la candidature ne peut pas devenir caduque avant la fin de sa validité.",
      );
    }
    return null;
  },
};

/**
 * Why the rules refuse this event (null when they allow it), from the context and the event alone. Does not look
 * at the state: see `checkEvent` for the full answer.
 */
export function ruleRefusal(context: CandidacyContext, event: CandidacyEvent): Refusal | null {
  if (!isIsoTimestamp(event?.at)) {
    return refuse("invalid_time", "L'horodatage de l'action est invalide : une date et heure ISO 8601 est attendue.");
  }
  const rule = Object.hasOwn(candidacyRules, event.type)
    ? (candidacyRules[event.type] as Rule<CandidacyEventType>)
    : undefined;
  if (!rule) return refuse("wrong_state", WRONG_STATE_MESSAGE);
  return rule(context, event as never);
}

// ---------------------------------------------------------------------------------------------------------------
// The machine
// ---------------------------------------------------------------------------------------------------------------

function initialContext(input: CandidacyInput): CandidacyContext {
  return {
    candidacyId: input.candidacyId,
    candidateId: input.candidateId,
    certificationCode: input.certificationCode,
    referentialVersionId: input.referentialVersionId,
    admissibility: {},
    dossier: { currentVersion: 0, submittedVersions: [], sentBackOnce: false },
    evaluation: {},
    decision: {},
    involvement: { [input.candidateId]: "candidate" },
  };
}

const withdraw = {
  guard: "allowed",
  target: "#candidacy.withdrawn",
  actions: ["recordActor", "recordWithdrawal"],
} as const;
const lapse = { guard: "allowed", target: "#candidacy.lapsed", actions: ["recordLapse"] } as const;
const silenceAccepted = {
  guard: "allowed",
  target: "#candidacy.admissible",
  actions: ["recordTacitAdmissibility"],
} as const;

export const candidacyMachine = setup({
  types: {
    context: {} as CandidacyContext,
    events: {} as CandidacyEvent,
    input: {} as CandidacyInput,
  },
  guards: {
    /** The rule of the event type allows it (role, ownership, conflicts, reasons, dates). */
    allowed: ({ context, event }) => ruleRefusal(context, event) === null,
    actorIsEvaluatorA: ({ context, event }) => evaluatorSlot(context, event.actor) === "A",
    actorIsEvaluatorB: ({ context, event }) => evaluatorSlot(context, event.actor) === "B",
    /** The dossier was sent back by an already assigned pair: its resubmission returns to them. */
    pairAlreadyAssigned: ({ context }) => context.evaluation.pair !== undefined,
    /**
     * Both evaluators have submitted. Guards the `onDone` routes so that a forged
     * `xstate.done.state.candidacy.evaluation` event sent from outside cannot end the evaluation early.
     */
    bothSubmitted: ({ context }) => context.evaluation.submittedA === true && context.evaluation.submittedB === true,
    evaluationAgreed: ({ context }) => context.evaluation.jointOutcome === "agreed",
  },
  actions: {
    /** Records which role the acting user holds on this candidacy. */
    recordActor: assign(({ context, event }) => {
      const user = userOf(event.actor);
      if (!user || user.role === "admin" || context.involvement[user.userId] === user.role) return {};
      return { involvement: { ...context.involvement, [user.userId]: user.role } };
    }),
    recordRequest: assign(({ context, event }) => ({
      admissibility: {
        ...context.admissibility,
        requestedAt: context.admissibility.requestedAt ?? event.at,
        completedAt: event.at,
      },
    })),
    recordReviewOpened: assign(({ context, event }) => ({
      admissibility: { ...context.admissibility, officerId: userOf(event.actor)?.userId, reviewOpenedAt: event.at },
    })),
    recordIncomplete: assign(({ context, event }) => ({
      admissibility: {
        ...context.admissibility,
        officerId: userOf(event.actor)?.userId,
        completedAt: undefined,
        incompleteReason: event.type === "MARK_INCOMPLETE" ? event.reason.trim() : undefined,
      },
    })),
    recordCompletion: assign(({ context, event }) => ({
      admissibility: { ...context.admissibility, completedAt: event.at },
    })),
    recordAdmissible: assign(({ context, event }) => ({
      admissibility: {
        ...context.admissibility,
        officerId: userOf(event.actor)?.userId,
        decidedAt: event.at,
        decision: "admissible" as const,
        decidedBy: "officer" as const,
        validityEndsOn: event.type === "DECLARE_ADMISSIBLE" ? event.validityEndsOn : undefined,
      },
    })),
    recordInadmissible: assign(({ context, event }) => ({
      admissibility: {
        ...context.admissibility,
        officerId: userOf(event.actor)?.userId,
        decidedAt: event.at,
        decision: "inadmissible" as const,
        decidedBy: "officer" as const,
        reason: event.type === "DECLARE_INADMISSIBLE" ? event.reason.trim() : undefined,
      },
    })),
    recordTacitAdmissibility: assign(({ context, event }) => ({
      admissibility: {
        ...context.admissibility,
        decidedAt: event.at,
        decision: "admissible" as const,
        decidedBy: "silence" as const,
      },
    })),
    recordDossierStarted: assign(({ context, event }) => ({
      dossier: { ...context.dossier, startedAt: event.at },
    })),
    recordDossierSubmission: assign(({ context, event }) => {
      const version = event.type === "SUBMIT_DOSSIER" ? event.version : context.dossier.currentVersion + 1;
      return {
        dossier: {
          ...context.dossier,
          currentVersion: version,
          submittedVersions: [...context.dossier.submittedVersions, version],
          submittedAt: event.at,
        },
      };
    }),
    recordSendBack: assign(({ context, event }) => ({
      dossier: {
        ...context.dossier,
        sentBackOnce: true,
        sentBack: {
          by: userOf(event.actor)?.userId ?? "",
          at: event.at,
          reason: event.type === "SEND_BACK_DOSSIER" ? event.reason.trim() : "",
          version: context.dossier.currentVersion,
        },
      },
    })),
    recordPair: assign(({ context, event }) => {
      if (event.type !== "ASSIGN_PAIR") return {};
      return {
        evaluation: {
          ...context.evaluation,
          pair: { evaluatorAId: event.evaluatorAId, evaluatorBId: event.evaluatorBId, presidentId: event.presidentId },
          assignedBy: userOf(event.actor)?.userId,
          assignedAt: event.at,
        },
        involvement: {
          ...context.involvement,
          [event.evaluatorAId]: "evaluator" as const,
          [event.evaluatorBId]: "evaluator" as const,
        },
      };
    }),
    /** Entering the evaluation (first time, or after a send-back): both evaluators start from scratch. */
    resetScoringProgress: assign(({ context }) => ({
      evaluation: {
        ...context.evaluation,
        startedA: false,
        startedB: false,
        submittedA: false,
        submittedB: false,
        jointOutcome: undefined,
        completedAt: undefined,
      },
    })),
    recordScoringStarted: assign(({ context, event }) => {
      const slot = evaluatorSlot(context, event.actor);
      return { evaluation: { ...context.evaluation, ...(slot === "A" ? { startedA: true } : { startedB: true }) } };
    }),
    recordScoresSubmitted: assign(({ context, event }) => {
      const slot = evaluatorSlot(context, event.actor);
      const evaluation = { ...context.evaluation, ...(slot === "A" ? { submittedA: true } : { submittedB: true }) };
      if (evaluation.submittedA && evaluation.submittedB && event.type === "SUBMIT_SCORES") {
        evaluation.jointOutcome = event.jointOutcome;
        evaluation.completedAt = event.at;
      }
      return { evaluation };
    }),
    recordAgreedDecision: assign(({ context }) => ({
      decision: { ...context.decision, decidedAt: context.evaluation.completedAt, route: "agreed" as const },
    })),
    recordDeliberation: assign(({ context, event }) => ({
      decision: {
        ...context.decision,
        decidedAt: event.at,
        route: "deliberation" as const,
        deliberationRecordedBy: userOf(event.actor)?.userId,
      },
    })),
    recordValidation: assign(({ context, event }) => ({
      decision: { ...context.decision, validatedBy: userOf(event.actor)?.userId, validatedAt: event.at },
    })),
    recordClosure: assign(({ event }) => ({ closedAt: event.at })),
    recordWithdrawal: assign(({ event }) => ({
      withdrawnAt: event.at,
      withdrawnReason: event.type === "WITHDRAW" && hasText(event.reason) ? event.reason?.trim() : undefined,
    })),
    recordLapse: assign(({ event }) => ({ lapsedAt: event.at })),
  },
}).createMachine({
  id: "candidacy",
  context: ({ input }) => initialContext(input),
  initial: "draft",
  states: {
    draft: {
      on: {
        SUBMIT_REQUEST: {
          guard: "allowed",
          target: "admissibility",
          actions: ["recordActor", "recordRequest"],
        },
        WITHDRAW: withdraw,
      },
    },
    admissibility: {
      initial: "pending",
      on: { WITHDRAW: withdraw },
      states: {
        pending: {
          on: {
            OPEN_REVIEW: { guard: "allowed", target: "review", actions: ["recordActor", "recordReviewOpened"] },
            ADMISSIBILITY_SILENCE_ELAPSED: silenceAccepted,
          },
        },
        review: {
          on: {
            MARK_INCOMPLETE: {
              guard: "allowed",
              target: "incomplete",
              actions: ["recordActor", "recordIncomplete"],
            },
            DECLARE_ADMISSIBLE: {
              guard: "allowed",
              target: "#candidacy.admissible",
              actions: ["recordActor", "recordAdmissible"],
            },
            DECLARE_INADMISSIBLE: {
              guard: "allowed",
              target: "#candidacy.inadmissible",
              actions: ["recordActor", "recordInadmissible"],
            },
            ADMISSIBILITY_SILENCE_ELAPSED: silenceAccepted,
          },
        },
        incomplete: {
          on: {
            COMPLETE_REQUEST: { guard: "allowed", target: "pending", actions: ["recordActor", "recordCompletion"] },
          },
        },
      },
    },
    admissible: {
      on: {
        START_DOSSIER: {
          guard: "allowed",
          target: "dossier",
          actions: ["recordActor", "recordDossierStarted"],
        },
        WITHDRAW: withdraw,
        VALIDITY_EXPIRED: lapse,
      },
    },
    inadmissible: { type: "final" },
    dossier: {
      initial: "inProgress",
      on: { WITHDRAW: withdraw, VALIDITY_EXPIRED: lapse },
      states: {
        inProgress: {
          on: {
            SUBMIT_DOSSIER: [
              {
                guard: and(["allowed", "pairAlreadyAssigned"]),
                target: "#candidacy.evaluation",
                actions: ["recordActor", "recordDossierSubmission"],
              },
              { guard: "allowed", target: "submitted", actions: ["recordActor", "recordDossierSubmission"] },
            ],
          },
        },
        submitted: {
          on: {
            ASSIGN_PAIR: {
              guard: "allowed",
              target: "#candidacy.evaluation",
              actions: ["recordActor", "recordPair"],
            },
          },
        },
      },
    },
    evaluation: {
      type: "parallel",
      entry: "resetScoringProgress",
      on: {
        SEND_BACK_DOSSIER: {
          guard: "allowed",
          target: "#candidacy.dossier.inProgress",
          actions: ["recordActor", "recordSendBack"],
        },
        WITHDRAW: withdraw,
      },
      states: {
        evaluatorA: {
          initial: "pending",
          states: {
            pending: {
              on: {
                START_SCORING: {
                  guard: and(["allowed", "actorIsEvaluatorA"]),
                  target: "scoring",
                  actions: ["recordActor", "recordScoringStarted"],
                },
              },
            },
            scoring: {
              on: {
                SUBMIT_SCORES: {
                  guard: and(["allowed", "actorIsEvaluatorA"]),
                  target: "submitted",
                  actions: ["recordActor", "recordScoresSubmitted"],
                },
              },
            },
            submitted: { type: "final" },
          },
        },
        evaluatorB: {
          initial: "pending",
          states: {
            pending: {
              on: {
                START_SCORING: {
                  guard: and(["allowed", "actorIsEvaluatorB"]),
                  target: "scoring",
                  actions: ["recordActor", "recordScoringStarted"],
                },
              },
            },
            scoring: {
              on: {
                SUBMIT_SCORES: {
                  guard: and(["allowed", "actorIsEvaluatorB"]),
                  target: "submitted",
                  actions: ["recordActor", "recordScoresSubmitted"],
                },
              },
            },
            submitted: { type: "final" },
          },
        },
      },
      // Both regions final (the two evaluators have submitted): route on the outcome carried by the last
      // SUBMIT_SCORES. Anything but an explicit agreement goes to deliberation.
      onDone: [
        {
          guard: and(["bothSubmitted", "evaluationAgreed"]),
          target: "decided",
          actions: "recordAgreedDecision",
        },
        { guard: "bothSubmitted", target: "deliberation" },
      ],
    },
    deliberation: {
      on: {
        RECORD_DELIBERATION: {
          guard: "allowed",
          target: "decided",
          actions: ["recordActor", "recordDeliberation"],
        },
        WITHDRAW: withdraw,
      },
    },
    decided: {
      on: {
        VALIDATE_DECISION: {
          guard: "allowed",
          target: "certified",
          actions: ["recordActor", "recordValidation"],
        },
      },
    },
    certified: {
      on: {
        CLOSE: { guard: "allowed", target: "closed", actions: ["recordActor", "recordClosure"] },
      },
    },
    closed: { type: "final" },
    withdrawn: { type: "final" },
    lapsed: { type: "final" },
  },
});

export type CandidacyMachine = typeof candidacyMachine;
export type CandidacySnapshot = SnapshotFrom<typeof candidacyMachine>;

// ---------------------------------------------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------------------------------------------

export type CheckResult = { allowed: true } | { allowed: false; code: RefusalCode; message: string };

/**
 * Whether the candidacy in `snapshot` accepts `event`, and if not why, in French. Wrong state first (no transition
 * for this event type in the current state), then the event type's rule, then `snapshot.can(event)` as the final
 * word (so this can never say "allowed" for an event the machine would ignore).
 */
export function checkEvent(snapshot: CandidacySnapshot, event: CandidacyEvent): CheckResult {
  const wrongState: CheckResult = { allowed: false, code: "wrong_state", message: WRONG_STATE_MESSAGE };
  if (snapshot.status !== "active") return wrongState;
  const handled = getNextTransitions(snapshot).some((transition) => transition.eventType === event?.type);
  if (!handled) return wrongState;
  const refusal = ruleRefusal(snapshot.context, event);
  if (refusal) return { allowed: false, ...refusal };
  return snapshot.can(event) ? { allowed: true } : wrongState;
}

/** Why the event is refused, in French; null when it is allowed. */
export function explainRefusal(snapshot: CandidacySnapshot, event: CandidacyEvent): string | null {
  const result = checkEvent(snapshot, event);
  return result.allowed ? null : result.message;
}

// ---------------------------------------------------------------------------------------------------------------
// State keys and labels
// ---------------------------------------------------------------------------------------------------------------

/** Every state a candidacy can be in, as stored in the database (`stateKey`). */
export const CANDIDACY_STATE_KEYS = [
  "draft",
  "admissibility.pending",
  "admissibility.review",
  "admissibility.incomplete",
  "admissible",
  "inadmissible",
  "dossier.inProgress",
  "dossier.submitted",
  "evaluation",
  "deliberation",
  "decided",
  "certified",
  "closed",
  "withdrawn",
  "lapsed",
] as const;

export type CandidacyStateKey = (typeof CANDIDACY_STATE_KEYS)[number];

export const FINAL_STATE_KEYS: ReadonlyArray<CandidacyStateKey> = ["inadmissible", "closed", "withdrawn", "lapsed"];

const STATE_LABELS: Record<CandidacyStateKey, string> = {
  draft: "Brouillon",
  "admissibility.pending": "Recevabilité — en attente",
  "admissibility.review": "Recevabilité — en cours d'examen",
  "admissibility.incomplete": "Recevabilité — demande incomplète",
  admissible: "Recevable",
  inadmissible: "Irrecevable",
  "dossier.inProgress": "Dossier en cours de rédaction",
  "dossier.submitted": "Dossier déposé",
  evaluation: "En évaluation",
  deliberation: "En délibération",
  decided: "Décision rendue",
  certified: "Certifié",
  closed: "Clôturé",
  withdrawn: "Abandonnée",
  lapsed: "Caduque",
};

/**
 * The flat key of a state: "admissibility.pending", "dossier.submitted"; a parallel state is not descended into
 * ("evaluation", whatever its regions).
 */
export function stateKey(snapshotOrValue: CandidacySnapshot | StateValue): CandidacyStateKey {
  const value: StateValue =
    typeof snapshotOrValue === "object" &&
    snapshotOrValue !== null &&
    "value" in snapshotOrValue &&
    "context" in snapshotOrValue
      ? (snapshotOrValue.value as StateValue)
      : (snapshotOrValue as StateValue);
  const path: string[] = [];
  let node = candidacyMachine.root;
  let current: StateValue = value;
  while (true) {
    const key: string | undefined = typeof current === "string" ? current : Object.keys(current)[0];
    const child = key === undefined ? undefined : node.states[key];
    if (key === undefined || !child) throw new Error(`Unknown candidacy state: ${JSON.stringify(value)}`);
    path.push(key);
    if (typeof current === "string" || child.type !== "compound") break;
    current = (current as Record<string, StateValue>)[key] as StateValue;
    node = child;
  }
  const flat = path.join(".");
  if (!(CANDIDACY_STATE_KEYS as ReadonlyArray<string>).includes(flat)) {
    throw new Error(`Unknown candidacy state: ${JSON.stringify(value)}`);
  }
  return flat as CandidacyStateKey;
}

/** The French label of a state, for the UI: from a state key ("dossier.submitted"), a state value or a snapshot. */
export function stateLabel(state: CandidacyStateKey | StateValue | CandidacySnapshot): string {
  const key =
    typeof state === "string" && Object.hasOwn(STATE_LABELS, state)
      ? (state as CandidacyStateKey)
      : stateKey(state as CandidacySnapshot | StateValue);
  return STATE_LABELS[key];
}

/** Where each evaluator of the pair is, while the candidacy is in evaluation (null otherwise). */
export function evaluationProgress(
  snapshot: CandidacySnapshot,
): { evaluatorA: "pending" | "scoring" | "submitted"; evaluatorB: "pending" | "scoring" | "submitted" } | null {
  const value = snapshot.value as StateValue;
  if (typeof value !== "object" || !("evaluation" in value)) return null;
  const regions = value.evaluation as Record<string, "pending" | "scoring" | "submitted">;
  return { evaluatorA: regions.evaluatorA ?? "pending", evaluatorB: regions.evaluatorB ?? "pending" };
}

// ---------------------------------------------------------------------------------------------------------------
// Persistence
// ---------------------------------------------------------------------------------------------------------------

/** The JSON-safe form of a snapshot, to store (with CANDIDACY_MACHINE_VERSION) in the database. */
export function persistSnapshot(snapshot: CandidacySnapshot): unknown {
  return candidacyMachine.getPersistedSnapshot(snapshot);
}

/** A snapshot back from its stored JSON form, ready for `transition(candidacyMachine, snapshot, event)`. */
export function restoreSnapshot(persisted: unknown): CandidacySnapshot {
  const stored = persisted as { value: StateValue; context: CandidacyContext };
  return candidacyMachine.resolveState({ value: stored.value, context: stored.context });
}
