// The typed shape of the database, one interface per table. Migrations in db/migrations are the source of truth;
// this file mirrors them for Kysely's type checking.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";
import type { CandidacyStateKey } from "../workflows/candidacy-machine";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp with a database default (now()): optional on insert. */
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** PostgreSQL numeric comes back as a string: kept as a string so that no binary float ever touches a threshold. */
type Numeric = ColumnType<string, string | number, string | number>;
type Json<T> = ColumnType<T, string, string>;

export const ROLES = ["candidate", "admissibility_officer", "evaluator", "certifier_staff", "admin"] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES = [
  "admissibility_officer",
  "evaluator",
  "certifier_staff",
  "admin",
] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface UsersTable {
  id: Generated<string>;
  /** Always stored lower-cased and trimmed: the unique index relies on it. */
  email: string;
  full_name: string;
  password_hash: string;
  is_active: Generated<boolean>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface UserRolesTable {
  user_id: string;
  role: Role;
  granted_at: GeneratedTimestamp;
  granted_by: string | null;
}

export interface SessionsTable {
  /** SHA-256 of the token held in the cookie: a copy of this table does not let anyone log in. */
  token_hash: string;
  user_id: string;
  created_at: GeneratedTimestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

/** Recent attempts counted by a rate limit: `bucket` names the limit ("login-email"), `key` what it counts by. */
export interface ThrottleHitsTable {
  id: Generated<string>;
  bucket: string;
  key: string;
  occurred_at: GeneratedTimestamp;
}

export interface CertificationsTable {
  id: Generated<string>;
  code: string;
  title: string;
  sector: string;
  purpose: string;
  hierarchical_position: string;
  created_at: GeneratedTimestamp;
}

export type ReferentialStatus = "active" | "retired";

export interface ReferentialVersionsTable {
  id: Generated<string>;
  certification_id: string;
  version: string;
  status: ReferentialStatus;
  bloc_mean_threshold_percent: Numeric;
  competency_floor_percent: Numeric;
  evaluator_tolerance_points: Numeric;
  validation_rule_text: string;
  vae_steps: Json<string[]>;
  award_statements: Json<string[]>;
  /** SHA-256 of the definition it was loaded from: the seed refuses to load changed content under the same version. */
  content_hash: string;
  created_at: GeneratedTimestamp;
}

export interface BlocsTable {
  id: Generated<string>;
  referential_version_id: string;
  code: string;
  number: number;
  title: string;
}

export interface CompetenciesTable {
  id: Generated<string>;
  referential_version_id: string;
  bloc_id: string;
  code: string;
  position: number;
  statement: string;
  activities_code: string;
  criteria_heading: string;
}

export interface ActivitiesTable {
  id: Generated<string>;
  competency_id: string;
  position: number;
  text: string;
}

export interface CriteriaTable {
  id: Generated<string>;
  competency_id: string;
  position: number;
  text: string;
}

export type EvaluationKind = "questionnaire" | "tutor_observation" | "jury";

export interface EvaluationModalitiesTable {
  id: Generated<string>;
  bloc_id: string;
  rank: number;
  kind: EvaluationKind;
  title: string;
  description: string;
  duration: string;
  location: string;
  evaluators: string;
}

export interface EvaluationWeightsTable {
  referential_version_id: string;
  kind: EvaluationKind;
  label: string;
  weight_percent: number;
}

export interface AuditEventsTable {
  id: Generated<string>;
  occurred_at: GeneratedTimestamp;
  /** null for the system (seed, timers, CLI without an account). */
  actor_user_id: string | null;
  actor_role: Role | "system";
  action: string;
  subject_type: string;
  subject_id: string | null;
  payload: Json<Record<string, unknown>>;
  ip: string | null;
}

export interface CandidaciesTable {
  id: Generated<string>;
  candidate_id: string;
  certification_id: string;
  referential_version_id: string;
  /** The blocs this candidacy aims at: the referential's blocs less those the candidate already holds. */
  target_bloc_codes: Json<string[]>;
  /** The statechart's flat state key ("admissibility.pending", "evaluation", …), kept for queries. */
  state: CandidacyStateKey;
  /** XState's persisted snapshot. */
  snapshot: Json<unknown>;
  machine_version: number;
  /** Incremented by every accepted event: the optimistic-concurrency check and the journal's sequence. */
  row_version: Generated<number>;
  request_year: number | null;
  requested_at: Timestamp | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface CandidacyEventsTable {
  id: Generated<string>;
  candidacy_id: string;
  row_version: number;
  event_type: string;
  actor_user_id: string | null;
  actor_role: Role | "system";
  payload: Json<Record<string, unknown>>;
  from_state: string | null;
  to_state: string;
  occurred_at: Timestamp;
  recorded_at: GeneratedTimestamp;
}

export interface OutboxTable {
  id: Generated<string>;
  topic: string;
  payload: Json<Record<string, unknown>>;
  candidacy_id: string | null;
  created_at: GeneratedTimestamp;
  available_at: GeneratedTimestamp;
  locked_until: Timestamp | null;
  /** The worker holding the lease (see app/services/worker.server.ts). */
  locked_by: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  processed_at: Timestamp | null;
  /** Set when delivery was given up (attempt limit, or undeliverable): a dead letter, until an admin retries it. */
  dead_at: Timestamp | null;
}

export interface TimersTable {
  id: Generated<string>;
  candidacy_id: string;
  kind: string;
  due_at: Timestamp;
  payload: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: GeneratedTimestamp;
  fired_at: Timestamp | null;
  cancelled_at: Timestamp | null;
}

export interface AcquiredBlocsTable {
  candidate_id: string;
  certification_id: string;
  bloc_code: string;
  source: "evaluation" | "prior_certificate";
  candidacy_id: string | null;
  acquired_at: Timestamp;
}

export interface EvaluationScoresTable {
  candidacy_id: string;
  evaluator_id: string;
  competency_code: string;
  /** null in a draft that has only a comment or ticks so far; every score is set before submission. */
  score: Numeric | null;
  comment: Generated<string>;
  /** 1-based positions of the competency's criteria ticked as met. */
  criteria_met: ColumnType<number[], string | undefined, string>;
  updated_at: GeneratedTimestamp;
}

export interface CandidacyDecisionsTable {
  candidacy_id: string;
  route: "agreed" | "deliberation";
  joint_scores: Json<Record<string, { tenthsNumerator: number; denominator: number }>>;
  origin: Json<Record<string, "mean" | "evaluators" | "president">>;
  /** The decision rule's output (workflows/decision.ts `Decision`). */
  outcome: Json<unknown>;
  decided_at: Timestamp;
  recorded_by: string | null;
}

export type DocumentPurpose = "admissibility" | "evidence";

export interface DocumentsTable {
  id: Generated<string>;
  candidacy_id: string;
  purpose: DocumentPurpose;
  storage_key: string;
  /** The name the candidate gave the file, cleaned of path parts and control characters: display only. */
  original_name: string;
  /** Detected from the content, never taken from the browser. */
  media_type: string;
  byte_size: ColumnType<string, number | string, number | string>;
  sha256: string;
  uploaded_by: string | null;
  uploaded_at: GeneratedTimestamp;
  purged_at: Timestamp | null;
}

export const ADMISSIBILITY_DOCUMENT_KINDS = [
  "identity",
  "activity_proof",
  "prior_certificate",
  "sworn_statement",
  "other",
] as const;
export type AdmissibilityDocumentKind = (typeof ADMISSIBILITY_DOCUMENT_KINDS)[number];
export const ACTIVITY_PROOF_TYPES = ["employer_attestation", "payslips", "employment_contract", "other_proof"] as const;
export type ActivityProofType = (typeof ACTIVITY_PROOF_TYPES)[number];

export interface AdmissibilityDocumentsTable {
  document_id: string;
  candidacy_id: string;
  kind: AdmissibilityDocumentKind;
  proof_type: ActivityProofType | null;
  /** Dates (YYYY-MM-DD) of the period a proof of activity covers, both inclusive. */
  period_start: ColumnType<string | null, string | null | undefined, string | null>;
  period_end: ColumnType<string | null, string | null | undefined, string | null>;
  employer: Generated<string>;
  job_title: Generated<string>;
  related_to_cqp: Generated<boolean>;
  prior_bloc_codes: ColumnType<string[], string | undefined, string>;
  description: Generated<string>;
  checked_at: Timestamp | null;
  checked_by: string | null;
}

export interface DossierVersionsTable {
  id: Generated<string>;
  candidacy_id: string;
  version: number;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  frozen_at: Timestamp | null;
  frozen_by: string | null;
}

export interface DossierNarrativesTable {
  dossier_version_id: string;
  competency_code: string;
  context: Generated<string>;
  actions: Generated<string>;
  results: Generated<string>;
  updated_at: GeneratedTimestamp;
}

export interface DossierEvidenceTable {
  id: Generated<string>;
  dossier_version_id: string;
  document_id: string;
  caption: Generated<string>;
  position: number;
  created_at: GeneratedTimestamp;
}

export interface DossierEvidenceCompetenciesTable {
  evidence_id: string;
  competency_code: string;
}

export interface DossierEvidenceCriteriaTable {
  evidence_id: string;
  criterion_id: string;
}

// Evaluation sessions (migration 2026-11-30-0070-evaluation-sessions).

export type SessionMode = "in_person" | "video";
export type SessionAttendance = "attended" | "excused" | "absent";

/** Every date set for a candidacy's evaluation session; the current one has no `superseded_at`. */
export interface EvaluationSessionsTable {
  id: Generated<string>;
  candidacy_id: string;
  /** 0, 1, 2… per candidacy: the SEQUENCE of the calendar invitation. */
  sequence: number;
  starts_at: Timestamp;
  mode: SessionMode;
  /** The address (in person) or the video link. */
  location: string;
  late_reason: string | null;
  scheduled_by: string | null;
  scheduled_at: Timestamp;
  attendance: SessionAttendance | null;
  attendance_recorded_by: string | null;
  attendance_recorded_at: Timestamp | null;
  superseded_at: Timestamp | null;
}

export interface Database {
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  throttle_hits: ThrottleHitsTable;
  certifications: CertificationsTable;
  referential_versions: ReferentialVersionsTable;
  blocs: BlocsTable;
  competencies: CompetenciesTable;
  activities: ActivitiesTable;
  criteria: CriteriaTable;
  evaluation_modalities: EvaluationModalitiesTable;
  evaluation_weights: EvaluationWeightsTable;
  audit_events: AuditEventsTable;
  candidacies: CandidaciesTable;
  candidacy_events: CandidacyEventsTable;
  outbox: OutboxTable;
  timers: TimersTable;
  acquired_blocs: AcquiredBlocsTable;
  evaluation_scores: EvaluationScoresTable;
  candidacy_decisions: CandidacyDecisionsTable;
  documents: DocumentsTable;
  admissibility_documents: AdmissibilityDocumentsTable;
  dossier_versions: DossierVersionsTable;
  dossier_narratives: DossierNarrativesTable;
  dossier_evidence: DossierEvidenceTable;
  dossier_evidence_competencies: DossierEvidenceCompetenciesTable;
  dossier_evidence_criteria: DossierEvidenceCriteriaTable;
  evaluation_sessions: EvaluationSessionsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Session = Selectable<SessionsTable>;
export type AuditEvent = Selectable<AuditEventsTable>;
export type NewAuditEvent = Insertable<AuditEventsTable>;

// ── Evaluator pool (migration 2026-11-30-0060-evaluator-pool) ──────────────────────────────────────────────────

export interface EvaluatorProfilesTable {
  user_id: string;
  civility: "M." | "Mme" | null;
  employer_name: string;
  /** workflows/conflict-of-interest.ts `normalizeEmployerName(employer_name)`. */
  employer_name_normalized: string;
  /** 14 digits, key checked by the service. */
  employer_siret: string | null;
  sectors: ColumnType<string[], string | undefined, string>;
  is_active: Generated<boolean>;
  created_by: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface EvaluatorQualificationsTable {
  user_id: string;
  certification_id: string;
}

export interface EvaluatorAvailabilitiesTable {
  id: Generated<string>;
  user_id: string;
  /** Calendar dates (YYYY-MM-DD), both inclusive. */
  starts_on: ColumnType<string, string, string>;
  ends_on: ColumnType<string, string, string>;
  note: Generated<string>;
}

// Declaration merging: the pool's tables join the Database interface without editing the shared list above.
export interface Database {
  evaluator_profiles: EvaluatorProfilesTable;
  evaluator_qualifications: EvaluatorQualificationsTable;
  evaluator_availabilities: EvaluatorAvailabilitiesTable;
}

// ---------------------------------------------------------------------------------------------------------------
// Deliberation and minutes (migration 2026-11-30-0080): declared by interface merging so that sections added by
// other migrations do not touch the same lines.
// ---------------------------------------------------------------------------------------------------------------

export interface DeliberationEntriesTable {
  id: Generated<string>;
  candidacy_id: string;
  competency_code: string;
  author_id: string;
  /** A proposal of either evaluator, or the president's casting vote. */
  kind: "proposal" | "casting_vote";
  score: Numeric;
  comment: Generated<string>;
  created_at: GeneratedTimestamp;
}

export interface BlocRecommendationsTable {
  candidacy_id: string;
  bloc_code: string;
  text: string;
  updated_by: string;
  updated_at: GeneratedTimestamp;
}

export interface MinutesSignaturesTable {
  candidacy_id: string;
  evaluator_id: string;
  slot: "A" | "B";
  full_name: string;
  email: string;
  signed_at: Timestamp;
  ip: string | null;
}

export interface MinutesDocumentsTable {
  candidacy_id: string;
  storage_key: string;
  sha256: string;
  size_bytes: number;
  created_at: GeneratedTimestamp;
}

export interface Database {
  deliberation_entries: DeliberationEntriesTable;
  bloc_recommendations: BlocRecommendationsTable;
  minutes_signatures: MinutesSignaturesTable;
  minutes_documents: MinutesDocumentsTable;
}

/** Name and e-mail folded for search (accents, ASCII case), computed by the database: never written. */
export interface UsersTable {
  search_text: ColumnType<string, never, never>;
}

// The dashboard's derived rows (migration 2026-11-30-0110-dashboard-indexes), kept by triggers on candidacy_events.

/** The first time a candidacy reached each milestone of its lifecycle. */
export interface CandidacyMilestonesTable {
  candidacy_id: string;
  certification_id: string;
  requested_at: Timestamp | null;
  answered_at: Timestamp | null;
  answered_by_silence: Generated<boolean>;
  admitted_at: Timestamp | null;
  filed_at: Timestamp | null;
  decided_at: Timestamp | null;
  validated_at: Timestamp | null;
}

/** Per dossier and evaluator, the summed absolute gap to their pair's scores and over how many competencies. */
export interface EvaluatorPairGapsTable {
  candidacy_id: string;
  evaluator_id: string;
  gap_sum: Numeric;
  competencies: number;
}

export interface Database {
  candidacy_milestones: CandidacyMilestonesTable;
  evaluator_pair_gaps: EvaluatorPairGapsTable;
}

/** Per day of decision (in France): how many decisions assessed the bloc, and awarded it. */
export interface DashboardBlocDaysTable {
  day: ColumnType<string, string, string>;
  certification_id: string;
  referential_version_id: string;
  bloc_code: string;
  assessed: number;
  awarded: number;
}

/** Per day of decision (in France): how many joint scores the competency got, and how many under the floor. */
export interface DashboardCompetencyDaysTable {
  day: ColumnType<string, string, string>;
  certification_id: string;
  referential_version_id: string;
  competency_code: string;
  assessed: number;
  under_floor: number;
}

export interface Database {
  dashboard_bloc_days: DashboardBlocDaysTable;
  dashboard_competency_days: DashboardCompetencyDaysTable;
}

/** Per day of decision (in France) and evaluator: dossiers, deliberations and the gaps to their pairs, summed. */
export interface DashboardCalibrationDaysTable {
  day: ColumnType<string, string, string>;
  certification_id: string;
  evaluator_id: string;
  dossiers: number;
  deliberations: number;
  gap_sum: Numeric;
  competencies: number;
}

export interface Database {
  dashboard_calibration_days: DashboardCalibrationDaysTable;
}

/** Per day (in France): admissibility answers by the officer and by two months of silence. */
export interface DashboardAnswerDaysTable {
  day: ColumnType<string, string, string>;
  certification_id: string;
  on_time: number;
  by_silence: number;
}

export interface Database {
  dashboard_answer_days: DashboardAnswerDaysTable;
}

/**
 * Histograms of stage durations in whole days (migration 2026-11-30-0120-stage-duration-histogram, kept by a trigger
 * on candidacy_milestones), per stage, certification and day or month (in France) the stage ended: how many stages
 * lasted that many whole days.
 */
interface StageDurationBuckets {
  stage: "admissibility" | "dossier" | "evaluation" | "result";
  certification_id: string;
  /** floor(duration in seconds / 86400). */
  whole_days: number;
  durations: number;
}

export interface DashboardStageDurationDaysTable extends StageDurationBuckets {
  day: ColumnType<string, string, string>;
}

export interface DashboardStageDurationMonthsTable extends StageDurationBuckets {
  /** The month's first day. */
  month: ColumnType<string, string, string>;
}

export interface Database {
  dashboard_stage_duration_days: DashboardStageDurationDaysTable;
  dashboard_stage_duration_months: DashboardStageDurationMonthsTable;
}

// ---------------------------------------------------------------------------------------------------------------
// Certificates (migration 2026-11-30-0090): numbering, issued certificates and their documents (editions).
// ---------------------------------------------------------------------------------------------------------------

export interface CertificationCertificatePrefix {
  /** Explicit prefix of the certification's certificate numbers; null: derived from its code. */
  certificate_prefix: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CertificateSequencesTable {
  certification_id: string;
  year: number;
  last_number: number;
}

export type CertificateKindColumn = "full" | "blocs";

export interface CertificatesTable {
  id: Generated<string>;
  /** `<PREFIX>-<YEAR>-<6-digit sequence>`, e.g. "CSA-2026-000042". */
  number: string;
  certification_id: string;
  year: number;
  sequence: number;
  kind: CertificateKindColumn;
  candidate_id: string;
  /** The validated candidacy that issued it. */
  candidacy_id: string;
  bloc_codes: Json<string[]>;
  /** The holder's name as it was at issue: a later change of account name does not rewrite the certificate. */
  holder_name: string;
  /** holder_name lower-cased without accents: what the registry search matches. */
  holder_search: string;
  holder_birth_date: ColumnType<string | null, string | null | undefined, string | null>;
  issued_at: Timestamp;
  /** Canonical (upper-case Crockford base32, no separators). */
  verification_code: string;
  template_id: string;
  template_version: number;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
  revocation_reason: string | null;
}

export interface CertificateDocumentsTable {
  certificate_id: string;
  /** 1 = the original, 2… = duplicates. */
  edition: number;
  storage_key: string;
  sha256: string;
  byte_size: number;
  credential_jwt: string;
  reason: string | null;
  created_at: GeneratedTimestamp;
  created_by: string | null;
}

export interface CertificationsTable extends CertificationCertificatePrefix {}

export interface Database {
  certificate_sequences: CertificateSequencesTable;
  certificates: CertificatesTable;
  certificate_documents: CertificateDocumentsTable;
}
