// The data each notification e-mail needs, one interface per kind. Every kind names its recipient; staff e-mails
// name a candidacy by its reference, and the evaluators' e-mail carries nothing personal about the candidate.
import type { DateInput, PortalPath } from "./layout";

export const EMAIL_KINDS = [
  "request_received",
  "request_incomplete",
  "admissible",
  "inadmissible",
  "admissible_by_silence",
  "dossier_received",
  "dossier_sent_back",
  "evaluators_assigned",
  "result",
  "certificate_issued",
  "admissibility_deadline_reminder",
  "validity_expiry_reminder",
  "evaluation_deadline_reminder",
  "evaluation_overdue",
  "result_notification_reminder",
  "sign_up_welcome",
  "sign_up_existing_account",
  "session_convocation",
  "session_moved",
  "evaluator_conflict_declared",
  "evaluator_replaced",
] as const;

/** E-mails about an account rather than a candidacy: their outbox rows name no candidacy. */
export const ACCOUNT_EMAIL_KINDS = [
  "sign_up_welcome",
  "sign_up_existing_account",
] as const satisfies readonly EmailKind[];

export type EmailKind = (typeof EMAIL_KINDS)[number];

interface Recipient {
  /** How the e-mail greets its recipient: "Bonjour {recipientName},". */
  recipientName: string;
}

interface AboutCertification {
  /** e.g. "Commercial sédentaire du secteur alimentaire". */
  certificationTitle: string;
}

interface AboutCandidacy extends AboutCertification {
  /** The candidacy's reference as staff see it in the portal, e.g. "VAE-2026-0042". */
  candidacyReference: string;
}

/** To the candidate: the admissibility request has been filed. */
export interface RequestReceivedData extends Recipient, AboutCertification {
  requestedAt: DateInput;
}

/** To the candidate: the officer marked the request incomplete (reason required). */
export interface RequestIncompleteData extends Recipient, AboutCertification {
  reason: string;
}

/** To the candidate: the request is admissible; next step, the dossier. */
export interface AdmissibleData extends Recipient, AboutCertification {
  /** The end of the admissibility's validity, when the certifier set one. */
  validityEndsOn?: DateInput | null;
}

/** To the candidate: the request is not admissible (reason required). */
export interface InadmissibleData extends Recipient, AboutCertification {
  reason: string;
}

/** To the candidate: no answer within 2 months of the complete request, so the request is deemed admissible. */
export interface AdmissibleBySilenceData extends Recipient, AboutCertification {
  /** When the request was complete: the 2 months run from then. */
  completedAt: DateInput;
  /** When the 2 months ran out. */
  deemedAdmissibleOn: DateInput;
  validityEndsOn?: DateInput | null;
}

/** To the candidate: a dossier version was submitted (and frozen). */
export interface DossierReceivedData extends Recipient, AboutCertification {
  /** The frozen version number, 1 for the first submission. */
  version: number;
  submittedAt: DateInput;
  /** The evaluation takes place before the end of the 3rd month after the filing. */
  evaluationDeadline: DateInput;
}

/** To the candidate: the evaluators sent the dossier back once for clarification (reason required). */
export interface DossierSentBackData extends Recipient, AboutCertification {
  /** The version sent back; the candidate now edits version + 1. */
  version: number;
  reason: string;
}

/** To one evaluator: they are part of the pair assigned to a candidacy. No personal detail of the candidate. */
export interface EvaluatorsAssignedData extends Recipient, AboutCandidacy {
  evaluationDeadline: DateInput;
  /** The president of the pair has the casting vote. */
  isPresident: boolean;
}

export interface ResultBloc {
  /** e.g. "B1". */
  code: string;
  title: string;
  awarded: boolean;
  /** The bloc's mean as shown to people, e.g. "72,4 %". */
  meanDisplay: string;
  /** Whether the mean reached the bloc threshold (a bloc not awarded may have, when a competency fell under the floor). */
  meanReached: boolean;
  /**
   * For a bloc not awarded: only the competencies whose final score fell under the floor, each with its title and
   * score, e.g. "C2.3 Négocier … (45,0 %)". Empty when the bloc failed on its mean alone.
   */
  competenciesUnderFloor: string[];
  /** The evaluators' recommendations for a bloc not awarded (what to strengthen, how to come back), if written. */
  recommendation?: string;
}

/** To the candidate: the evaluation's result, bloc by bloc, once certifier staff have validated the decision. */
export interface ResultData extends Recipient, AboutCertification {
  /** The blocs this candidacy aimed at, in the referential's order. */
  blocs: ResultBloc[];
  /** Every bloc of the referential is held (this candidacy's and blocs acquired before). */
  certificationAwarded: boolean;
  /** The referential's thresholds as shown to people, e.g. "70 %" and "50 %". */
  blocMeanThreshold: string;
  competencyFloor: string;
  /** The candidate's result page, e.g. "/candidat/candidatures/…/resultat". */
  resultPath: PortalPath;
}

/** To the candidate: a certificate (full CQP) or an attestation of blocs is available. */
export interface CertificateIssuedData extends Recipient, AboutCertification {
  kind: "full" | "blocs";
  /** The portal page where it can be downloaded, e.g. "/candidat". */
  link: PortalPath;
}

/** To admissibility officers: a request will be deemed admissible if nobody decides before the deadline. */
export interface AdmissibilityDeadlineReminderData extends Recipient, AboutCandidacy {
  candidateName: string;
  deadline: DateInput;
  daysLeft: number;
}

/** To the candidate: the admissibility's validity ends soon. */
export interface ValidityExpiryReminderData extends Recipient, AboutCertification {
  validityEndsOn: DateInput;
  daysLeft: number;
}

/** To the evaluators of a pair, or to certifier staff: the evaluation deadline approaches. */
export interface EvaluationDeadlineReminderData extends Recipient, AboutCandidacy {
  audience: "evaluator" | "certifier_staff";
  deadline: DateInput;
  daysLeft: number;
}

/** To certifier staff: the evaluation deadline has passed without a decision. */
export interface EvaluationOverdueData extends Recipient, AboutCandidacy {
  deadline: DateInput;
  daysOverdue: number;
  /** The evaluators who have not submitted their scores yet, when known. */
  pendingEvaluators?: string[];
}

/** To certifier staff: a decision must be notified to the candidate within 15 days. */
export interface ResultNotificationReminderData extends Recipient, AboutCandidacy {
  decidedAt: DateInput;
  notifyBy: DateInput;
  daysLeft: number;
}

/** To a new candidate: the account created at sign-up. */
export interface SignUpWelcomeData extends Recipient {}

/** To an account's owner: someone tried to sign up with their address (nothing was created or changed). */
export interface SignUpExistingAccountData extends Recipient {
  attemptedAt: DateInput;
}

/** To the candidate or an evaluator: the evaluation session (jury interview), with a calendar invitation. */
export interface SessionConvocationData extends Recipient, AboutCandidacy {
  audience: "candidate" | "evaluator";
  startsAt: DateInput;
  durationMinutes: number;
  mode: "in_person" | "video";
  /** The address (in person) or the video link. */
  location: string;
  /** For an evaluator: the president of the jury has the casting vote. */
  isPresident?: boolean;
}

/** The same, when the session moves: this convocation replaces the previous one. */
export interface SessionMovedData extends SessionConvocationData {
  previousStartsAt: DateInput | null;
}

/** To certifier staff: an evaluator declared a link with the candidate and left the pair; a replacement is needed. */
export interface EvaluatorConflictDeclaredData extends Recipient, AboutCandidacy {
  candidacyId: string;
  slot: "A" | "B";
  evaluationDeadline: DateInput;
}

/** To an evaluator taken off a pair by certifier staff. */
export interface EvaluatorReplacedData extends Recipient, AboutCandidacy {
  /** A session was set: its cancellation for their calendar is attached. */
  sessionCancelled?: boolean;
  /** They left by declaring a link with the candidate, rather than being replaced by the certifier. */
  conflictDeclared?: boolean;
}

export interface EmailData {
  request_received: RequestReceivedData;
  request_incomplete: RequestIncompleteData;
  admissible: AdmissibleData;
  inadmissible: InadmissibleData;
  admissible_by_silence: AdmissibleBySilenceData;
  dossier_received: DossierReceivedData;
  dossier_sent_back: DossierSentBackData;
  evaluators_assigned: EvaluatorsAssignedData;
  result: ResultData;
  certificate_issued: CertificateIssuedData;
  admissibility_deadline_reminder: AdmissibilityDeadlineReminderData;
  validity_expiry_reminder: ValidityExpiryReminderData;
  evaluation_deadline_reminder: EvaluationDeadlineReminderData;
  evaluation_overdue: EvaluationOverdueData;
  result_notification_reminder: ResultNotificationReminderData;
  sign_up_welcome: SignUpWelcomeData;
  sign_up_existing_account: SignUpExistingAccountData;
  session_convocation: SessionConvocationData;
  session_moved: SessionMovedData;
  evaluator_conflict_declared: EvaluatorConflictDeclaredData;
  evaluator_replaced: EvaluatorReplacedData;
}

// EMAIL_KINDS and EmailData list the same kinds (a compile-time check).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const sameKinds: Same<EmailKind, keyof EmailData> = true;
void sameKinds;
