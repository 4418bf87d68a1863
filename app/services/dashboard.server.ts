// The certifier's dashboard: the period asked for, checked, and every chart's figures read in parallel, one
// aggregate statement each (db/queries/statistics.ts). Certifier staff only: it names evaluators.
import type { Kysely } from "kysely";
import {
  type AdmissibilityMonth,
  type BlocAwardRate,
  type CompetencyFailRate,
  type EvaluatorCalibration,
  type FunnelCounts,
  type StageDurations,
  countAdmissibilityAnswersByMonth,
  countBlocAwards,
  countCandidaciesByState,
  countCompetencyFailures,
  countFunnel,
  measureEvaluatorCalibration,
  measureStageDurations,
} from "../../db/queries/statistics";
import type { Database, Role } from "../../db/schema";
import { CANDIDACY_STATE_KEYS, type CandidacyStateKey, stateLabel } from "../../workflows/candidacy-machine";
import { type Refusal, refuse } from "../../workflows/refusal";
import { type Period, defaultPeriod, monthsOf } from "../../workflows/statistics";

export interface DashboardViewer {
  userId: string;
  role: Role;
}

/** What the period form sent, unchecked beyond being strings. */
export interface DashboardRequest {
  from?: string | undefined;
  to?: string | undefined;
  certificationId?: string | undefined;
}

export interface Dashboard {
  ok: true;
  period: Period;
  certificationId: string | null;
  /** The form's values refused, in French, by field; the dashboard then shows the default period. */
  fieldErrors: Record<string, string>;
  certifications: { id: string; code: string; title: string }[];
  states: { state: CandidacyStateKey; label: string; count: number }[];
  funnel: FunnelCounts;
  stages: StageDurations[];
  admissibility: AdmissibilityMonth[];
  blocs: BlocAwardRate[];
  competencies: CompetencyFailRate[];
  calibration: EvaluatorCalibration[];
}

/** Beyond this, a chart per month stops being readable and the aggregates stop being cheap. */
const LONGEST_PERIOD_DAYS = 5 * 366;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
}

/** The period and certification asked for, or the default with the French reason each field was refused. */
export function checkDashboardRequest(
  input: DashboardRequest,
  today: Date,
  certificationIds: readonly string[],
): { period: Period; certificationId: string | null; fieldErrors: Record<string, string> } {
  const fallback = defaultPeriod(today);
  const fieldErrors: Record<string, string> = {};
  const from = input.from?.trim() || fallback.from;
  const to = input.to?.trim() || fallback.to;
  if (!isCalendarDate(from)) fieldErrors.from = "Saisissez la date de début au format JJ/MM/AAAA.";
  if (!isCalendarDate(to)) fieldErrors.to = "Saisissez la date de fin au format JJ/MM/AAAA.";
  if (!fieldErrors.from && !fieldErrors.to) {
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (days < 0) fieldErrors.to = "La date de fin ne peut pas précéder la date de début.";
    else if (days > LONGEST_PERIOD_DAYS) fieldErrors.to = "Choisissez une période de cinq ans au plus.";
  }
  const wanted = input.certificationId?.trim() || null;
  let certificationId: string | null = null;
  if (wanted) {
    if (UUID.test(wanted) && certificationIds.includes(wanted)) certificationId = wanted;
    else fieldErrors.certificationId = "Cette certification n'existe pas : choisissez-en une dans la liste.";
  }
  const periodRefused = Boolean(fieldErrors.from || fieldErrors.to);
  return { period: periodRefused ? fallback : { from, to }, certificationId, fieldErrors };
}

export async function readDashboard(
  db: Kysely<Database>,
  viewer: DashboardViewer,
  input: DashboardRequest,
  today = new Date(),
): Promise<Dashboard | Refusal> {
  if (viewer.role !== "certifier_staff") {
    return refuse("wrong_role", "Seuls les certificateurs consultent le tableau de bord.", { status: 403 });
  }
  const certifications = await db
    .selectFrom("certifications")
    .select(["id", "code", "title"])
    .orderBy("code")
    .execute();
  const { period, certificationId, fieldErrors } = checkDashboardRequest(
    input,
    today,
    certifications.map((c) => c.id),
  );
  const scope = { ...period, certificationId };
  // Read-only statements with no need to agree to the millisecond: run side by side on the pool.
  const [stateCounts, funnel, stages, answers, blocs, competencies, calibration] = await Promise.all([
    countCandidaciesByState(db, scope),
    countFunnel(db, scope),
    measureStageDurations(db, scope),
    countAdmissibilityAnswersByMonth(db, scope),
    countBlocAwards(db, scope),
    countCompetencyFailures(db, scope),
    measureEvaluatorCalibration(db, scope),
  ]);
  const countOf = new Map(stateCounts.map((s) => [s.state, s.count]));
  const answersOf = new Map(answers.map((a) => [a.month, a]));
  return {
    ok: true,
    period,
    certificationId,
    fieldErrors,
    certifications,
    states: CANDIDACY_STATE_KEYS.map((state) => ({ state, label: stateLabel(state), count: countOf.get(state) ?? 0 })),
    funnel,
    stages,
    admissibility: monthsOf(period).map((month) => answersOf.get(month) ?? { month, onTime: 0, bySilence: 0 }),
    blocs,
    competencies,
    calibration,
  };
}
