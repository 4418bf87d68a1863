// What must happen outside the database after an accepted candidacy event: notifications to send and durable
// timers to schedule or cancel. Pure: derived from the event and the states before and after, so that the service
// writes them to the outbox and the timers table in the same transaction as the new snapshot.
import {
  type CandidacyContext,
  type CandidacyEvent,
  type CandidacyStateKey,
  admissibilitySilenceDeadline,
  evaluationDeadline,
} from "./candidacy-machine";

export type TimerKind =
  /** 2 months of silence after a complete request: the system declares the candidacy admissible. */
  | "ADMISSIBILITY_SILENCE"
  /** Reminder to admissibility officers before silence counts as acceptance. */
  | "ADMISSIBILITY_REMINDER"
  /** The admissibility's validity end has passed with no dossier submitted: the candidacy lapses. */
  | "VALIDITY_EXPIRY"
  /** Reminder to the candidate before the admissibility's validity ends. */
  | "VALIDITY_REMINDER"
  /** Reminder to the evaluators and certifier staff before the evaluation deadline. */
  | "EVALUATION_REMINDER"
  /** The evaluation deadline has passed without a decision: escalation to certifier staff. */
  | "EVALUATION_OVERDUE"
  /** Reminder to certifier staff: the result must be notified within 15 days of the decision. */
  | "RESULT_REMINDER"
  /** The 15 days have passed without notification: escalation to certifier staff. */
  | "RESULT_OVERDUE";

/** Who a notification goes to; the service turns it into addresses. */
export type Recipient =
  | { kind: "candidate" }
  | { kind: "user"; userId: string }
  | { kind: "role"; role: "admissibility_officer" | "certifier_staff" }
  | { kind: "evaluators" };

export type CandidacyEmailKind =
  | "request_received"
  | "request_incomplete"
  | "admissible"
  | "admissible_by_silence"
  | "inadmissible"
  | "dossier_received"
  | "dossier_sent_back"
  | "evaluators_assigned"
  | "session_convocation"
  | "evaluator_conflict_declared"
  | "evaluator_replaced"
  | "result"
  | "admissibility_deadline_reminder"
  | "validity_expiry_reminder"
  | "evaluation_deadline_reminder"
  | "evaluation_overdue"
  | "result_notification_reminder";

export type CandidacyEffect =
  | { type: "notify"; email: CandidacyEmailKind; to: Recipient; facts: Record<string, string | number | undefined> }
  | { type: "schedule"; timer: TimerKind; dueAt: string; facts?: Record<string, string | number> }
  | { type: "cancel"; timers: TimerKind[] }
  /**
   * The admissibility decision is made (by an officer or by silence): the identity document has served its purpose
   * and is removed from storage; the database keeps that it existed and was checked.
   */
  | { type: "purge_identity_documents"; decidedBy: string | null }
  /** Both evaluators have signed the minutes: their PDF is rendered and stored after commit. */
  | { type: "render_minutes" }
  /** The decision is validated: its certificate or attestation of blocs is numbered, rendered and stored after commit. */
  | { type: "issue_certificates" };

const DAY = 24 * 3600_000;
const ADMISSIBILITY_REMINDER_DAYS = [15, 5];
const VALIDITY_REMINDER_DAYS = [30, 7];
const EVALUATION_REMINDER_DAYS = [14, 3];
/** The result must reach the candidate within 15 days of the decision (2023 reform); staff are reminded first. */
export const RESULT_NOTIFICATION_DAYS = 15;
const RESULT_REMINDER_AFTER_DAYS = 10;

const minusDays = (iso: string, days: number) => new Date(Date.parse(iso) - days * DAY).toISOString();
const plusDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();

export { evaluationDeadline } from "./candidacy-dates";

/** The admissibility lapses the day after its (inclusive) validity end date. */
export function validityExpiryInstant(validityEndsOn: string): string {
  return plusDays(`${validityEndsOn}T00:00:00.000Z`, 1);
}

/** Whether a timer still matters when it falls due: reminders for a step already passed are dropped. */
export function timerStillRelevant(timer: TimerKind, state: CandidacyStateKey): boolean {
  switch (timer) {
    case "ADMISSIBILITY_SILENCE":
    case "ADMISSIBILITY_REMINDER":
      return state === "admissibility.pending" || state === "admissibility.review";
    // The validity only bounds the time to file the dossier: once filed, it no longer matters.
    case "VALIDITY_EXPIRY":
    case "VALIDITY_REMINDER":
      return state === "admissible" || state === "dossier.inProgress";
    // The evaluation deadline runs from the first filing, through a send-back for clarification, to the decision.
    case "EVALUATION_REMINDER":
    case "EVALUATION_OVERDUE":
      return (
        state === "dossier.submitted" ||
        state === "evaluation" ||
        state === "deliberation" ||
        state === "dossier.inProgress"
      );
    case "RESULT_REMINDER":
    case "RESULT_OVERDUE":
      return state === "decided";
  }
}

/** The system event a timer sends when it falls due, if any (the others only notify). */
export function timerEvent(timer: TimerKind): "ADMISSIBILITY_SILENCE_ELAPSED" | "VALIDITY_EXPIRED" | null {
  if (timer === "ADMISSIBILITY_SILENCE") return "ADMISSIBILITY_SILENCE_ELAPSED";
  if (timer === "VALIDITY_EXPIRY") return "VALIDITY_EXPIRED";
  return null;
}

/** The notification a reminder timer sends when it falls due. */
export function timerNotification(timer: TimerKind): { email: CandidacyEmailKind; to: Recipient[] } | null {
  switch (timer) {
    case "ADMISSIBILITY_REMINDER":
      return { email: "admissibility_deadline_reminder", to: [{ kind: "role", role: "admissibility_officer" }] };
    case "VALIDITY_REMINDER":
      return { email: "validity_expiry_reminder", to: [{ kind: "candidate" }] };
    case "EVALUATION_REMINDER":
      return {
        email: "evaluation_deadline_reminder",
        to: [{ kind: "evaluators" }, { kind: "role", role: "certifier_staff" }],
      };
    case "EVALUATION_OVERDUE":
      return { email: "evaluation_overdue", to: [{ kind: "role", role: "certifier_staff" }] };
    case "RESULT_REMINDER":
    case "RESULT_OVERDUE":
      return { email: "result_notification_reminder", to: [{ kind: "role", role: "certifier_staff" }] };
    default:
      return null;
  }
}

const TIMER_GROUPS: TimerKind[][] = [
  ["ADMISSIBILITY_SILENCE", "ADMISSIBILITY_REMINDER"],
  ["VALIDITY_EXPIRY", "VALIDITY_REMINDER"],
  ["EVALUATION_REMINDER", "EVALUATION_OVERDUE"],
  ["RESULT_REMINDER", "RESULT_OVERDUE"],
];

function scheduleAdmissibilityClock(completedAt: string): CandidacyEffect[] {
  const deadline = admissibilitySilenceDeadline(completedAt);
  return [
    { type: "schedule", timer: "ADMISSIBILITY_SILENCE", dueAt: deadline },
    ...ADMISSIBILITY_REMINDER_DAYS.map(
      (days): CandidacyEffect => ({
        type: "schedule",
        timer: "ADMISSIBILITY_REMINDER",
        dueAt: minusDays(deadline, days),
        facts: { deadline },
      }),
    ),
  ];
}

function scheduleValidity(validityEndsOn: string | undefined): CandidacyEffect[] {
  if (!validityEndsOn) return [];
  const expiry = validityExpiryInstant(validityEndsOn);
  return [
    { type: "schedule", timer: "VALIDITY_EXPIRY", dueAt: expiry },
    ...VALIDITY_REMINDER_DAYS.map(
      (days): CandidacyEffect => ({
        type: "schedule",
        timer: "VALIDITY_REMINDER",
        dueAt: minusDays(expiry, days),
        facts: { validityEndsOn },
      }),
    ),
  ];
}

/** Effects of one accepted event, from the state keys before and after and the context after. */
export function effectsOf(
  event: CandidacyEvent,
  before: CandidacyStateKey,
  after: CandidacyStateKey,
  context: CandidacyContext,
): CandidacyEffect[] {
  const effects: CandidacyEffect[] = [];
  switch (event.type) {
    case "SUBMIT_REQUEST":
    case "COMPLETE_REQUEST":
      effects.push({
        type: "notify",
        email: "request_received",
        to: { kind: "candidate" },
        facts: { requestedAt: event.at },
      });
      if (context.admissibility.completedAt)
        effects.push(...scheduleAdmissibilityClock(context.admissibility.completedAt));
      break;
    case "MARK_INCOMPLETE":
      effects.push({
        type: "notify",
        email: "request_incomplete",
        to: { kind: "candidate" },
        facts: { reason: event.reason },
      });
      break;
    case "DECLARE_ADMISSIBLE":
      effects.push({
        type: "notify",
        email: "admissible",
        to: { kind: "candidate" },
        facts: { validityEndsOn: context.admissibility.validityEndsOn },
      });
      effects.push(...scheduleValidity(context.admissibility.validityEndsOn));
      effects.push({
        type: "purge_identity_documents",
        decidedBy: event.actor.type === "user" ? event.actor.userId : null,
      });
      break;
    case "ADMISSIBILITY_SILENCE_ELAPSED":
      effects.push({ type: "notify", email: "admissible_by_silence", to: { kind: "candidate" }, facts: {} });
      effects.push({ type: "purge_identity_documents", decidedBy: null });
      break;
    case "DECLARE_INADMISSIBLE":
      effects.push({
        type: "notify",
        email: "inadmissible",
        to: { kind: "candidate" },
        facts: { reason: event.reason },
      });
      effects.push({
        type: "purge_identity_documents",
        decidedBy: event.actor.type === "user" ? event.actor.userId : null,
      });
      break;
    case "SUBMIT_DOSSIER": {
      const deadline = evaluationDeadline(event.at);
      effects.push({
        type: "notify",
        email: "dossier_received",
        to: { kind: "candidate" },
        facts: { version: event.version, submittedAt: event.at, evaluationDeadline: deadline },
      });
      // A resubmission after a send-back keeps the deadline of the first filing.
      if (context.dossier.submittedVersions.length === 1) {
        effects.push(
          { type: "schedule", timer: "EVALUATION_OVERDUE", dueAt: deadline, facts: { deadline } },
          ...EVALUATION_REMINDER_DAYS.map(
            (days): CandidacyEffect => ({
              type: "schedule",
              timer: "EVALUATION_REMINDER",
              dueAt: minusDays(deadline, days),
              facts: { deadline },
            }),
          ),
        );
      }
      break;
    }
    case "SEND_BACK_DOSSIER":
      effects.push({
        type: "notify",
        email: "dossier_sent_back",
        to: { kind: "candidate" },
        facts: { reason: event.reason },
      });
      break;
    case "ASSIGN_PAIR":
      for (const userId of [event.evaluatorAId, event.evaluatorBId]) {
        effects.push({ type: "notify", email: "evaluators_assigned", to: { kind: "user", userId }, facts: {} });
      }
      break;
    case "SIGN_MINUTES":
      if (after === "decided") effects.push({ type: "render_minutes" });
      break;
    // Staffing the evaluation (certifier staff; docs/decisions/022). The convocation is rendered at delivery from
    // the session's history row found by `scheduledAt`, with its calendar invitation.
    case "SCHEDULE_SESSION":
      effects.push(
        { type: "notify", email: "session_convocation", to: { kind: "candidate" }, facts: { scheduledAt: event.at } },
        { type: "notify", email: "session_convocation", to: { kind: "evaluators" }, facts: { scheduledAt: event.at } },
      );
      break;
    case "DECLARE_CONFLICT": {
      // Staff must replace the evaluator; the reason stays in the portal, out of the e-mail.
      const conflict = context.evaluation.conflicts?.at(-1);
      effects.push({
        type: "notify",
        email: "evaluator_conflict_declared",
        to: { kind: "role", role: "certifier_staff" },
        facts: { slot: conflict?.slot },
      });
      // The evaluator leaves the pair at once: a session already set and not held comes off their calendar.
      const session = context.evaluation.session;
      if (conflict && session && !session.attendance) {
        effects.push({
          type: "notify",
          email: "evaluator_replaced",
          to: { kind: "user", userId: conflict.evaluatorId },
          facts: { scheduledAt: session.scheduledAt, conflictDeclared: 1 },
        });
      }
      break;
    }
    case "REPLACE_EVALUATOR": {
      effects.push({
        type: "notify",
        email: "evaluators_assigned",
        to: { kind: "user", userId: event.evaluatorId },
        facts: {},
      });
      const replacement = context.evaluation.replacements?.at(-1);
      // A session already set and not held: the newcomer is convened to it, the evaluator taken off gets its
      // cancellation for their calendar.
      const session = context.evaluation.session;
      const pending = session && !session.attendance ? session : undefined;
      if (replacement?.previousEvaluatorId) {
        effects.push({
          type: "notify",
          email: "evaluator_replaced",
          to: { kind: "user", userId: replacement.previousEvaluatorId },
          facts: pending ? { scheduledAt: pending.scheduledAt } : {},
        });
      }
      if (pending) {
        effects.push({
          type: "notify",
          email: "session_convocation",
          to: { kind: "user", userId: event.evaluatorId },
          facts: { scheduledAt: pending.scheduledAt, newcomer: 1 },
        });
      }
      break;
    }
    case "RECORD_ATTENDANCE":
      // Nothing to send: excused or absent, staff set a new date, which convenes everyone again.
      break;
    case "VALIDATE_DECISION":
      // The e-mail itself is built at delivery from the recorded decision (app/services/results.server.ts); the
      // facts say which result was validated and when, for the outbox's record.
      effects.push({
        type: "notify",
        email: "result",
        to: { kind: "candidate" },
        facts: { result: context.decision.result, validatedAt: event.at },
      });
      if (context.decision.result === "full" || context.decision.result === "partial")
        effects.push({ type: "issue_certificates" });
      break;
    default:
      break;
  }

  if (after === "decided" && before !== "decided") {
    const decidedAt = context.decision.decidedAt ?? event.at;
    // The result is due within 15 days of the jury session (Code du travail, 2023 reform); a candidacy decided
    // without a recorded session (written before sessions existed) counts from the decision.
    const from = context.evaluation.session?.startsAt ?? decidedAt;
    const due = plusDays(from, RESULT_NOTIFICATION_DAYS);
    effects.push(
      {
        type: "schedule",
        timer: "RESULT_REMINDER",
        dueAt: plusDays(from, RESULT_REMINDER_AFTER_DAYS),
        facts: { decidedAt, due },
      },
      { type: "schedule", timer: "RESULT_OVERDUE", dueAt: due, facts: { decidedAt, due } },
    );
  }

  // A group of timers is cancelled as soon as the candidacy leaves the states where it matters.
  const cancelled = TIMER_GROUPS.filter(
    (group) => timerStillRelevant(group[0]!, before) && !timerStillRelevant(group[0]!, after),
  ).flat();
  if (cancelled.length > 0) effects.unshift({ type: "cancel", timers: cancelled });
  return effects;
}
