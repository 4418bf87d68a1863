// The dashboard's figures: one aggregate statement per chart, computed by the database (PGlite and PostgreSQL 15
// alike) so that nothing proportional to the number of candidacies crosses the wire. Definitions: ADR 030.
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database } from "../schema";

/** Calendar dates in France (YYYY-MM-DD), both days included; a certification or all of them. */
export interface StatisticsScope {
  from: string;
  to: string;
  certificationId: string | null;
}

// The period's bounds as instants: midnight in France at the start of `from` and of the day after `to`.
const periodStart = (scope: StatisticsScope) => sql`((${scope.from}::date)::timestamp at time zone 'Europe/Paris')`;
const periodEnd = (scope: StatisticsScope) => sql`((${scope.to}::date + 1)::timestamp at time zone 'Europe/Paris')`;
const inPeriod = (column: RawBuilder<unknown>, scope: StatisticsScope) =>
  sql`${column} >= ${periodStart(scope)} and ${column} < ${periodEnd(scope)}`;
const ofCertification = (scope: Pick<StatisticsScope, "certificationId">) =>
  scope.certificationId ? sql`and c.certification_id = ${scope.certificationId}` : sql``;

/** The states a candidacy passes through that mark the end of a stage (candidacy_events.to_state). */
const MILESTONE_STATES = [
  "admissibility.pending",
  "admissible",
  "inadmissible",
  "dossier.submitted",
  "decided",
  "certified",
] as const;
const milestoneList = sql.join(MILESTONE_STATES.map((s) => sql.lit(s)));

// ---------------------------------------------------------------------------------------------------------------
// 1. Candidacies per state, now
// ---------------------------------------------------------------------------------------------------------------

export async function countCandidaciesByState(
  db: Kysely<Database>,
  scope: Pick<StatisticsScope, "certificationId">,
): Promise<{ state: string; count: number }[]> {
  const { rows } = await sql<{ state: string; count: number }>`
    select c.state, count(*)::int as count
    from candidacies c
    where true ${ofCertification(scope)}
    group by c.state`.execute(db);
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// 2. The funnel of the period's cohort
// ---------------------------------------------------------------------------------------------------------------

export interface FunnelCounts {
  requested: number;
  admissible: number;
  filed: number;
  decided: number;
  validated: number;
}

/**
 * The candidacies whose admissibility request was filed in the period (`requested_at`), and how many of them have
 * reached, by now, each later milestone: admissible (by decision or silence), dossier filed, decided (minutes
 * signed), result validated. A cohort, so each step is a subset of the previous one.
 */
export async function countFunnel(db: Kysely<Database>, scope: StatisticsScope): Promise<FunnelCounts> {
  const { rows } = await sql<FunnelCounts>`
    select count(*)::int as requested,
      count(*) filter (where m.admitted)::int as admissible,
      count(*) filter (where m.filed)::int as filed,
      count(*) filter (where m.decided)::int as decided,
      count(*) filter (where m.validated)::int as validated
    from candidacies c
    cross join lateral (
      select bool_or(e.to_state = 'admissible') as admitted,
        bool_or(e.to_state = 'dossier.submitted') as filed,
        bool_or(e.to_state = 'decided') as decided,
        bool_or(e.to_state = 'certified') as validated
      from candidacy_events e
      where e.candidacy_id = c.id and e.to_state in ('admissible', 'dossier.submitted', 'decided', 'certified')
    ) m
    where ${inPeriod(sql`c.requested_at`, scope)} ${ofCertification(scope)}`.execute(db);
  return rows[0] ?? { requested: 0, admissible: 0, filed: 0, decided: 0, validated: 0 };
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Time spent in each stage
// ---------------------------------------------------------------------------------------------------------------

export const STAGES = ["admissibility", "dossier", "evaluation", "result"] as const;
export type Stage = (typeof STAGES)[number];

export interface StageDurations {
  stage: Stage;
  /** Stages that ended in the period. */
  count: number;
  /** Days, percentile_cont (linear interpolation); null when no stage ended in the period. */
  medianDays: number | null;
  p90Days: number | null;
}

/**
 * Median and 90th percentile of each stage's length in days, over the stages that ENDED in the period, each from
 * the first time its start and end milestones were reached: admissibility (request filed → admissible or
 * inadmissible), dossier (admissible → first filing), evaluation (first filing → decided), result (decided →
 * validated).
 */
export async function measureStageDurations(db: Kysely<Database>, scope: StatisticsScope): Promise<StageDurations[]> {
  const { rows } = await sql<{ stage: Stage; count: number; medianDays: number | null; p90Days: number | null }>`
    with m as (
      select ms.*
      from candidacies c
      cross join lateral (
        select min(e.occurred_at) filter (where e.to_state = 'admissibility.pending') as requested,
          min(e.occurred_at) filter (where e.to_state in ('admissible', 'inadmissible')) as answered,
          min(e.occurred_at) filter (where e.to_state = 'admissible') as admitted,
          min(e.occurred_at) filter (where e.to_state = 'dossier.submitted') as filed,
          min(e.occurred_at) filter (where e.to_state = 'decided') as decided,
          min(e.occurred_at) filter (where e.to_state = 'certified') as validated
        from candidacy_events e
        where e.candidacy_id = c.id and e.to_state in (${milestoneList})
      ) ms
      where c.requested_at < ${periodEnd(scope)} ${ofCertification(scope)}
    ), d as (
      select 'admissibility' as stage, answered - requested as spent from m where ${inPeriod(sql`answered`, scope)}
      union all
      select 'dossier', filed - admitted from m where ${inPeriod(sql`filed`, scope)}
      union all
      select 'evaluation', decided - filed from m where ${inPeriod(sql`decided`, scope)}
      union all
      select 'result', validated - decided from m where ${inPeriod(sql`validated`, scope)}
    )
    select stage, count(*)::int as count,
      percentile_cont(0.5) within group (order by extract(epoch from spent) / 86400) as "medianDays",
      percentile_cont(0.9) within group (order by extract(epoch from spent) / 86400) as "p90Days"
    from d
    where spent is not null
    group by stage`.execute(db);
  return STAGES.map(
    (stage) =>
      rows
        .map((r) => ({ ...r, medianDays: toNumber(r.medianDays), p90Days: toNumber(r.p90Days) }))
        .find((r) => r.stage === stage) ?? { stage, count: 0, medianDays: null, p90Days: null },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Admissibility answered on time vs by silence
// ---------------------------------------------------------------------------------------------------------------

export interface AdmissibilityMonth {
  /** YYYY-MM, in France. */
  month: string;
  /** Admissible or inadmissible by the officer's decision. */
  onTime: number;
  /** Admissible by two months of silence (ADMISSIBILITY_SILENCE_ELAPSED). */
  bySilence: number;
}

export async function countAdmissibilityAnswersByMonth(
  db: Kysely<Database>,
  scope: StatisticsScope,
): Promise<AdmissibilityMonth[]> {
  const { rows } = await sql<AdmissibilityMonth>`
    select to_char(e.occurred_at at time zone 'Europe/Paris', 'YYYY-MM') as month,
      count(*) filter (where e.event_type <> 'ADMISSIBILITY_SILENCE_ELAPSED')::int as "onTime",
      count(*) filter (where e.event_type = 'ADMISSIBILITY_SILENCE_ELAPSED')::int as "bySilence"
    from candidacy_events e
    join candidacies c on c.id = e.candidacy_id
    where e.event_type in ('DECLARE_ADMISSIBLE', 'DECLARE_INADMISSIBLE', 'ADMISSIBILITY_SILENCE_ELAPSED')
      and ${inPeriod(sql`e.occurred_at`, scope)} ${ofCertification(scope)}
    group by 1
    order by 1`.execute(db);
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// 5. Success per bloc and per competency, from the decisions' joint scores
// ---------------------------------------------------------------------------------------------------------------

export interface BlocAwardRate {
  certificationCode: string;
  blocCode: string;
  title: string;
  /** Decisions of the period that assessed the bloc (blocs held before are not assessed). */
  assessed: number;
  awarded: number;
}

export async function countBlocAwards(db: Kysely<Database>, scope: StatisticsScope): Promise<BlocAwardRate[]> {
  const { rows } = await sql<BlocAwardRate>`
    select cert.code as "certificationCode", b.value->>'code' as "blocCode", min(bl.title) as title,
      count(*)::int as assessed,
      count(*) filter (where b.value->>'status' = 'awarded')::int as awarded
    from candidacy_decisions d
    join candidacies c on c.id = d.candidacy_id
    join certifications cert on cert.id = c.certification_id
    cross join lateral jsonb_array_elements(d.outcome->'blocs') b(value)
    left join blocs bl on bl.referential_version_id = c.referential_version_id and bl.code = b.value->>'code'
    where ${inPeriod(sql`d.decided_at`, scope)} ${ofCertification(scope)}
      and b.value->>'status' in ('awarded', 'not_awarded')
    group by cert.code, b.value->>'code'
    order by cert.code, b.value->>'code'`.execute(db);
  return rows;
}

export interface CompetencyFailRate {
  certificationCode: string;
  competencyCode: string;
  statement: string;
  assessed: number;
  /** Joint scores under the referential's competency floor (50 %). */
  underFloor: number;
}

/**
 * Per competency, how many joint scores of the period's decisions fell under the floor, most failed first.
 * Compared exactly: tenthsNumerator / denominator / 10 < floor ⇔ tenthsNumerator < floor × 10 × denominator.
 */
export async function countCompetencyFailures(
  db: Kysely<Database>,
  scope: StatisticsScope,
): Promise<CompetencyFailRate[]> {
  const { rows } = await sql<CompetencyFailRate>`
    select cert.code as "certificationCode", s.key as "competencyCode", min(co.statement) as statement,
      count(*)::int as assessed,
      count(*) filter (
        where (s.value->>'tenthsNumerator')::numeric
          < rv.competency_floor_percent * 10 * (s.value->>'denominator')::numeric
      )::int as "underFloor"
    from candidacy_decisions d
    join candidacies c on c.id = d.candidacy_id
    join certifications cert on cert.id = c.certification_id
    join referential_versions rv on rv.id = c.referential_version_id
    cross join lateral jsonb_each(d.joint_scores) s
    left join competencies co on co.referential_version_id = c.referential_version_id and co.code = s.key
    where ${inPeriod(sql`d.decided_at`, scope)} ${ofCertification(scope)}
    group by cert.code, s.key
    order by count(*) filter (
        where (s.value->>'tenthsNumerator')::numeric
          < rv.competency_floor_percent * 10 * (s.value->>'denominator')::numeric
      )::numeric / count(*) desc, cert.code, s.key`.execute(db);
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// 6. Evaluator calibration
// ---------------------------------------------------------------------------------------------------------------

export interface EvaluatorCalibration {
  evaluatorId: string;
  fullName: string;
  /** Dossiers of the period's decisions they scored. */
  dossiers: number;
  /** Mean of |their score − their pair's| over the competencies both scored, in points, one decimal (numeric). */
  meanGap: string;
  /** Of those dossiers, how many the pair had to deliberate. */
  deliberations: number;
}

/**
 * Per evaluator, over the decisions of the period: the mean absolute gap between their score and their pair's on
 * the same competency, their dossiers and how many went to deliberation. Only the two evaluators who submitted
 * (SUBMIT_SCORES) count: an evaluator replaced before submitting may have left a draft behind.
 */
export async function measureEvaluatorCalibration(
  db: Kysely<Database>,
  scope: StatisticsScope,
): Promise<EvaluatorCalibration[]> {
  const { rows } = await sql<EvaluatorCalibration>`
    with submitted as (
      select distinct e.candidacy_id, e.actor_user_id as evaluator_id, d.route
      from candidacy_decisions d
      join candidacies c on c.id = d.candidacy_id
      join candidacy_events e on e.candidacy_id = d.candidacy_id and e.event_type = 'SUBMIT_SCORES'
      where ${inPeriod(sql`d.decided_at`, scope)} ${ofCertification(scope)} and e.actor_user_id is not null
    )
    select u.id as "evaluatorId", u.full_name as "fullName",
      count(distinct own.candidacy_id)::int as dossiers,
      round(avg(abs(own.score - pair.score)), 1)::text as "meanGap",
      count(distinct own.candidacy_id) filter (where me.route = 'deliberation')::int as deliberations
    from submitted me
    join submitted other on other.candidacy_id = me.candidacy_id and other.evaluator_id <> me.evaluator_id
    join evaluation_scores own on own.candidacy_id = me.candidacy_id and own.evaluator_id = me.evaluator_id
    join evaluation_scores pair on pair.candidacy_id = me.candidacy_id and pair.evaluator_id = other.evaluator_id
      and pair.competency_code = own.competency_code
    join users u on u.id = me.evaluator_id
    where own.score is not null and pair.score is not null
    group by u.id, u.full_name
    order by avg(abs(own.score - pair.score)) desc, u.full_name`.execute(db);
  return rows;
}

function toNumber(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}
