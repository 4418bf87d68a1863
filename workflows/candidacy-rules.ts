// The rule of each candidacy event type: who may send it and with what payload, from the context and the event
// alone. Shared by the machine's one guard (`allowed`) and by checkEvent / explainRefusal, so that the machine and
// the French refusals can never disagree. Which states accept which events is the machine's part.
import {
  admissibilitySilenceDeadline,
  evaluationDeadline,
  isIsoDate,
  isIsoTimestamp,
  isValidityExpired,
  utcDateOf,
} from "./candidacy-dates";
import type {
  CandidacyContext,
  CandidacyEvent,
  CandidacyEventType,
  EvaluatorSlot,
  EventActor,
  InvolvedRole,
  RefusalCode,
  Role,
  RuleRefusal,
} from "./candidacy-types";

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

function refuse(code: RefusalCode, message: string): RuleRefusal {
  return { code, message };
}

export function hasText(value: unknown): boolean {
  return typeof value === "string" && value.trim().length > 0;
}

export function userOf(actor: EventActor | undefined): { userId: string; role: Role } | null {
  return actor?.type === "user" && typeof actor.userId === "string" && actor.userId.length > 0 ? actor : null;
}

/** The role this user already holds on the candidacy, if it differs from `role`. */
function conflictingRole(context: CandidacyContext, userId: string, role: InvolvedRole): InvolvedRole | null {
  if (role !== "candidate" && userId === context.candidateId) return "candidate";
  const held = Object.hasOwn(context.involvement, userId) ? context.involvement[userId] : undefined;
  return held !== undefined && held !== role ? held : null;
}

function actorConflict(held: InvolvedRole): RuleRefusal {
  return refuse(
    "role_conflict",
    `Vous intervenez déjà sur cette candidature ${asRole(held)} : une même personne ne peut pas ` +
      "y tenir deux rôles. Confiez cette action à une autre personne.",
  );
}

/** The candidate who owns this candidacy. */
function requireOwner(context: CandidacyContext, event: CandidacyEvent): RuleRefusal | null {
  const user = userOf(event.actor);
  if (user?.role !== "candidate") return refuse("wrong_role", ROLE_REQUIRED_MESSAGE.candidate);
  if (user.userId !== context.candidateId) {
    return refuse("not_owner", "Seul le candidat titulaire de cette candidature peut effectuer cette action.");
  }
  return null;
}

/** A user acting in `role`, who holds no other role on this candidacy. */
function requireRole(context: CandidacyContext, event: CandidacyEvent, role: InvolvedRole): RuleRefusal | null {
  const user = userOf(event.actor);
  if (!user || user.role !== role) return refuse("wrong_role", ROLE_REQUIRED_MESSAGE[role]);
  const held = conflictingRole(context, user.userId, role);
  return held ? actorConflict(held) : null;
}

/** One of the two evaluators assigned to this candidacy. */
function requireAssignedEvaluator(context: CandidacyContext, event: CandidacyEvent): RuleRefusal | null {
  const refusal = requireRole(context, event, "evaluator");
  if (refusal) return refusal;
  if (evaluatorSlot(context, event.actor) === null) {
    return refuse("not_assigned", "Vous n'êtes pas désigné comme évaluateur de cette candidature.");
  }
  return null;
}

function requireSystem(event: CandidacyEvent): RuleRefusal | null {
  if (event.actor?.type === "system") return null;
  return refuse(
    "system_only",
    "Cette étape est déclenchée automatiquement par la plateforme à l'échéance du délai ; elle ne peut pas être " +
      "faite à la main.",
  );
}

/** Which evaluator of the pair the actor is, if any (an evaluator who left on a conflict no longer is). */
function isDecisionResult(value: unknown): boolean {
  return value === "full" || value === "partial" || value === "none";
}

export function evaluatorSlot(context: CandidacyContext, actor: EventActor): EvaluatorSlot | null {
  const user = userOf(actor);
  const pair = context.evaluation.pair;
  if (user?.role !== "evaluator" || !pair) return null;
  if (user.userId === pair.evaluatorAId) return "A";
  if (user.userId === pair.evaluatorBId) return "B";
  return null;
}

/** Checks one evaluator proposed for a slot: never the candidate, the assigning staff, or anyone with another role. */
function checkEvaluator(
  context: CandidacyContext,
  actor: EventActor,
  evaluatorId: string,
  which: string,
): RuleRefusal | null {
  if (evaluatorId === context.candidateId) {
    return refuse(
      "role_conflict",
      `${which} est le candidat de cette candidature : un candidat ne peut pas évaluer son propre dossier. ` +
        "Choisissez un autre évaluateur.",
    );
  }
  const assigner = userOf(actor);
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
  if ((context.evaluation.conflicts ?? []).some((conflict) => conflict.evaluatorId === evaluatorId)) {
    return refuse(
      "role_conflict",
      `${which} a déclaré un conflit d'intérêts avec ce candidat : il ne peut pas évaluer ce dossier. ` +
        "Choisissez un autre évaluateur.",
    );
  }
  return null;
}

function checkPair(
  context: CandidacyContext,
  event: Extract<CandidacyEvent, { type: "ASSIGN_PAIR" }>,
): RuleRefusal | null {
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
  return (
    checkEvaluator(context, event.actor, event.evaluatorAId, "Le premier évaluateur") ??
    checkEvaluator(context, event.actor, event.evaluatorBId, "Le second évaluateur")
  );
}

type Rule<K extends CandidacyEventType> = (
  context: CandidacyContext,
  event: Extract<CandidacyEvent, { type: K }>,
) => RuleRefusal | null;

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
    const user = userOf(event.actor);
    const refusal =
      user?.role === "certifier_staff"
        ? requireRole(context, event, "certifier_staff")
        : user?.role === "evaluator"
          ? requireAssignedEvaluator(context, event)
          : refuse(
              "wrong_role",
              "Le renvoi du dossier au candidat est fait par le personnel du certificateur ou par les évaluateurs désignés.",
            );
    if (refusal) return refusal;
    if (context.dossier.sentBackOnce) {
      return refuse(
        "send_back_used",
        "Le dossier a déjà été renvoyé une fois au candidat : un second renvoi n'est pas possible. Évaluez le " +
          "dossier tel qu'il a été déposé.",
      );
    }
    if (context.evaluation.submittedA || context.evaluation.submittedB) {
      return refuse(
        "scoring_started",
        "Un évaluateur a déjà transmis ses notes : le dossier ne peut plus être renvoyé au candidat pour précisions.",
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

  REPLACE_EVALUATOR: (context, event) => {
    const refusal = requireRole(context, event, "certifier_staff");
    if (refusal) return refusal;
    if (event.slot !== "A" && event.slot !== "B") {
      return refuse("invalid_pair", "Indiquez quel évaluateur du binôme est remplacé.");
    }
    if (!hasText(event.evaluatorId) || !hasText(event.presidentId)) {
      return refuse("invalid_pair", "Désignez le nouvel évaluateur et le président du jury.");
    }
    const pair = context.evaluation.pair;
    const other = event.slot === "A" ? pair?.evaluatorBId : pair?.evaluatorAId;
    const current = event.slot === "A" ? pair?.evaluatorAId : pair?.evaluatorBId;
    if ((event.slot === "A" ? context.evaluation.submittedA : context.evaluation.submittedB) === true) {
      return refuse("already_submitted", "Cet évaluateur a déjà transmis ses notes : il ne peut plus être remplacé.");
    }
    if (event.evaluatorId === current) {
      return refuse("invalid_pair", "Choisissez un évaluateur différent de celui qui est remplacé.");
    }
    if (event.evaluatorId === other) {
      return refuse("invalid_pair", "Le binôme doit réunir deux évaluateurs différents.");
    }
    if (event.presidentId !== event.evaluatorId && (other === null || event.presidentId !== other)) {
      return refuse("invalid_pair", "Le président du jury doit être l'un des deux évaluateurs du binôme.");
    }
    return checkEvaluator(context, event.actor, event.evaluatorId, "Le nouvel évaluateur");
  },

  START_SCORING: (context, event) => {
    const refusal = requireAssignedEvaluator(context, event);
    if (refusal) return refusal;
    const slot = evaluatorSlot(context, event.actor);
    if (slot === "A" ? context.evaluation.startedA : context.evaluation.startedB) {
      return refuse("already_started", "Vous avez déjà déclaré n'avoir aucun lien avec le candidat.");
    }
    if (event.noLink !== true) {
      return refuse(
        "no_link_required",
        "Déclarez n'avoir aucun lien professionnel ou personnel avec le candidat avant d'ouvrir son dossier, ou " +
          "signalez un conflit d'intérêts.",
      );
    }
    return null;
  },

  DECLARE_CONFLICT: (context, event) =>
    requireAssignedEvaluator(context, event) ??
    (hasText(event.reason)
      ? null
      : refuse(
          "reason_required",
          "Décrivez en quelques mots le lien qui vous unit au candidat : le personnel du certificateur en a besoin " +
            "pour désigner un autre évaluateur.",
        )),

  SCHEDULE_SESSION: (context, event) => {
    const refusal = requireRole(context, event, "certifier_staff");
    if (refusal) return refusal;
    if (context.evaluation.session?.attendance === "attended") {
      return refuse(
        "session_held",
        "La séance d'évaluation a eu lieu et le candidat y était présent : elle ne peut plus être déplacée.",
      );
    }
    if (!isIsoTimestamp(event.startsAt)) {
      return refuse("invalid_session", "Indiquez une date et une heure valides pour la séance d'évaluation.");
    }
    if (event.mode !== "in_person" && event.mode !== "video") {
      return refuse("invalid_session", "Indiquez si la séance a lieu sur place ou en visioconférence.");
    }
    if (!hasText(event.location)) {
      return refuse(
        "invalid_session",
        event.mode === "video" ? "Indiquez le lien de la visioconférence." : "Indiquez l'adresse du lieu de la séance.",
      );
    }
    const filedAt = context.dossier.firstSubmittedAt ?? context.dossier.submittedAt;
    if (filedAt && Date.parse(event.startsAt) < Date.parse(filedAt)) {
      return refuse("invalid_session", "La séance d'évaluation ne peut pas avoir lieu avant le dépôt du dossier.");
    }
    if (
      filedAt &&
      Date.parse(event.startsAt) >= Date.parse(evaluationDeadline(filedAt)) &&
      !hasText(event.lateReason)
    ) {
      return refuse(
        "late_reason_required",
        "Cette date dépasse la fin du troisième mois qui suit le dépôt du dossier : indiquez par écrit la raison " +
          "de ce report.",
      );
    }
    return null;
  },

  RECORD_ATTENDANCE: (context, event) => {
    const refusal = requireRole(context, event, "certifier_staff");
    if (refusal) return refusal;
    const session = context.evaluation.session;
    if (!session) {
      return refuse("no_session", "Aucune séance d'évaluation n'est fixée : fixez d'abord la date de la séance.");
    }
    if (session.attendance) {
      return refuse(
        "attendance_recorded",
        "La présence du candidat à cette séance est déjà enregistrée : fixez une nouvelle séance si nécessaire.",
      );
    }
    if (Date.parse(session.startsAt) > Date.parse(event.at)) {
      return refuse(
        "session_not_started",
        "La séance d'évaluation n'a pas encore eu lieu : la présence du candidat s'enregistre après la séance.",
      );
    }
    if (event.attendance !== "attended" && event.attendance !== "excused" && event.attendance !== "absent") {
      return refuse("invalid_session", "Indiquez si le candidat était présent, excusé ou absent.");
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
    if (evaluation.session?.attendance !== "attended") {
      return refuse(
        "session_not_attended",
        "Les notes se transmettent après la séance d'évaluation, une fois la présence du candidat enregistrée : " +
          "le binôme décide après avoir rencontré le candidat. Enregistrez vos notes en brouillon d'ici là.",
      );
    }
    if (otherSubmitted && event.jointOutcome !== "agreed" && event.jointOutcome !== "deliberation") {
      return refuse(
        "joint_outcome_required",
        "Les notes du second évaluateur doivent être accompagnées de la comparaison des deux notations (accord " +
          "ou délibération).",
      );
    }
    if (otherSubmitted && event.jointOutcome === "agreed" && !isDecisionResult(event.result)) {
      return refuse("result_required", "La décision issue des notes communes doit accompagner leur transmission.");
    }
    return null;
  },

  RECORD_DELIBERATION: (context, event) =>
    requireAssignedEvaluator(context, event) ??
    (isDecisionResult(event.result)
      ? null
      : refuse("result_required", "La décision issue de la délibération doit accompagner sa clôture.")),

  SIGN_MINUTES: (context, event) => {
    const refusal = requireAssignedEvaluator(context, event);
    if (refusal) return refusal;
    const slot = evaluatorSlot(context, event.actor) as EvaluatorSlot;
    if (context.decision.signatures?.[slot]) {
      return refuse("already_signed", "Vous avez déjà signé ce procès-verbal.");
    }
    return null;
  },

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
export function ruleRefusal(context: CandidacyContext, event: CandidacyEvent): RuleRefusal | null {
  if (!isIsoTimestamp(event?.at)) {
    return refuse("invalid_time", "L'horodatage de l'action est invalide : une date et heure ISO 8601 est attendue.");
  }
  const rule = Object.hasOwn(candidacyRules, event.type)
    ? (candidacyRules[event.type] as Rule<CandidacyEventType>)
    : undefined;
  if (!rule) return refuse("wrong_state", WRONG_STATE_MESSAGE);
  return rule(context, event as never);
}
