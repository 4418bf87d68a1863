// The candidacy statechart's types: who acts, what the context holds, which events exist and how a rule refuses.
import type { JointScoresResult } from "./decision";

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

export type EvaluatorSlot = "A" | "B";

/**
 * The evaluators of the candidacy. A slot is null while it is vacant: its evaluator declared a conflict of interest
 * and staff have not replaced them yet (the president too, when the president left).
 */
export interface EvaluatorPair {
  evaluatorAId: string | null;
  evaluatorBId: string | null;
  /** One of the two evaluators; has the casting vote in deliberation. */
  presidentId: string | null;
}

export type SessionMode = "in_person" | "video";
export type SessionAttendance = "attended" | "excused" | "absent";

/** The evaluation session the candidate is convened to (the current one; earlier dates are in the journal). */
export interface EvaluationSession {
  startsAt: string;
  mode: SessionMode;
  /** The address of the place, or the video link. */
  location: string;
  /** Why the session falls after the end of the 3rd month following the filing of the dossier. */
  lateReason?: string;
  scheduledAt: string;
  scheduledBy: string;
  attendance?: SessionAttendance;
  attendanceRecordedAt?: string;
}

/** CQP complete (every bloc held), some blocs awarded, or none. */
export type DecisionResult = "full" | "partial" | "none";

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
    /** Time of the first submission: the 3-month evaluation deadline runs from it. */
    firstSubmittedAt?: string;
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
    /** When each slot's evaluator declared they have no link with the candidate (START_SCORING). */
    declarations?: Partial<Record<EvaluatorSlot, string>>;
    /** Evaluators who declared a conflict of interest and left the candidacy. */
    conflicts?: Array<{ slot: EvaluatorSlot; evaluatorId: string; at: string; reason: string }>;
    /** Evaluators replaced by staff. */
    replacements?: Array<{
      slot: EvaluatorSlot;
      previousEvaluatorId: string | null;
      evaluatorId: string;
      at: string;
      by: string;
    }>;
    session?: EvaluationSession;
  };
  decision: {
    decidedAt?: string;
    /** How the decision was reached: the evaluators agreed, or after deliberation. */
    route?: "agreed" | "deliberation";
    deliberationRecordedBy?: string;
    validatedBy?: string;
    validatedAt?: string;
    /** What the decision awards; set when the joint scores are final (agreement or deliberation). */
    result?: DecisionResult;
    /** When each slot's evaluator signed the minutes; both signatures make the decision. */
    signatures?: Partial<Record<EvaluatorSlot, string>>;
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
  | (Base & { type: "REPLACE_EVALUATOR"; slot: EvaluatorSlot; evaluatorId: string; presidentId: string })
  /** The evaluator's explicit declaration that they have no link with the candidate; opens the dossier to them. */
  | (Base & { type: "START_SCORING"; noLink: true })
  | (Base & { type: "DECLARE_CONFLICT"; reason: string })
  | (Base & {
      type: "SCHEDULE_SESSION";
      startsAt: string;
      mode: SessionMode;
      location: string;
      lateReason?: string;
    })
  | (Base & { type: "RECORD_ATTENDANCE"; attendance: SessionAttendance })
  /** `result` is required on the submission that completes an agreed pair: the decision is then made. */
  | (Base & { type: "SUBMIT_SCORES"; jointOutcome?: JointOutcome; result?: DecisionResult })
  | (Base & { type: "RECORD_DELIBERATION"; result: DecisionResult })
  | (Base & { type: "SIGN_MINUTES" })
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
  | "joint_outcome_required"
  | "no_link_required"
  | "invalid_session"
  | "late_reason_required"
  | "session_held"
  | "no_session"
  | "session_not_started"
  | "attendance_recorded"
  | "session_not_attended"
  | "result_required"
  | "already_signed"
  | "slot_not_vacant";

/** Why a rule refuses an event: a code for the program and a French message shown to the user as is. */
export interface RuleRefusal {
  code: RefusalCode;
  message: string;
}
