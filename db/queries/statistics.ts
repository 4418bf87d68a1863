// The dashboard's figures: one aggregate statement per chart, computed by the database (PGlite and PostgreSQL 15
// alike), over the rows that triggers keep for it (migrations 2026-11-30-0110: milestones per candidacy, per-day
// counts; 0120: per-month and per-day histograms of stage durations), so that few rows are read whatever the
// number of candidacies. Definitions: ADR 030.
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database } from "../schema";
import { splitIntoMonths } from "../../workflows/statistics";

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
/** The period as calendar days in France, for the per-day rows. */
const inDays = (scope: StatisticsScope) => sql`k.day between ${scope.from}::date and ${scope.to}::date`;
const ofCertification = (scope: Pick<StatisticsScope, "certificationId">, table = "c") =>
  scope.certificationId ? sql`and ${sql.ref(`${table}.certification_id`)} = ${scope.certificationId}` : sql``;

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
      count(m.admitted_at)::int as admissible,
      count(m.filed_at)::int as filed,
      count(m.decided_at)::int as decided,
      count(m.validated_at)::int as validated
    from candidacy_milestones m
    where ${inPeriod(sql`m.requested_at`, scope)} ${ofCertification(scope, "m")}`.execute(db);
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

/** Each stage's start and end milestones. */
const STAGE_MILESTONES: Record<Stage, readonly [start: string, end: string]> = {
  admissibility: ["requested_at", "answered_at"],
  dossier: ["admitted_at", "filed_at"],
  evaluation: ["filed_at", "decided_at"],
  result: ["decided_at", "validated_at"],
};

/**
 * Median and 90th percentile of each stage's length in days, over the stages that ENDED in the period, each from
 * the first time its start and end milestones were reached: admissibility (request filed → admissible or
 * inadmissible), dossier (admissible → first filing), evaluation (first filing → decided), result (decided →
 * validated).
 *
 * Exact (percentile_cont's definition) without reading every duration of the period (migration 0120): the
 * histograms of whole days of duration (the period's whole months from the monthly rows, the days around them
 * from the daily rows) locate the two closest ranks of each percentile in their whole day of duration and their
 * place in it (`locateQuantile` in workflows/statistics.ts); only the durations of that whole day are then read,
 * through the stage's index on candidacy_milestones, sorted, and the one at that place taken.
 */
export async function measureStageDurations(db: Kysely<Database>, scope: StatisticsScope): Promise<StageDurations[]> {
  const { months, days } = splitIntoMonths(scope);
  const counted = [
    ...(months
      ? [
          sql`select k.stage, k.whole_days, k.durations
            from dashboard_stage_duration_months k
            where k.month between ${months.from}::date and ${months.to}::date ${ofCertification(scope, "k")}`,
        ]
      : []),
    ...days.map(
      (range) => sql`select k.stage, k.whole_days, k.durations
        from dashboard_stage_duration_days k
        where k.day between ${range.from}::date and ${range.to}::date ${ofCertification(scope, "k")}`,
    ),
  ];
  // The durations of one whole day of the period, sorted, from the place-th (from 0): `count` of them, in days. The
  // expression must stay the one the migration indexes. One branch per stage; only the row's stage runs.
  const durationsFrom = (at: { stage: string; days: string; place: string }, count: number) =>
    sql.join(
      STAGES.map((stage) => {
        const [start, end] = STAGE_MILESTONES[stage].map((column) => sql.ref(`m.${column}`)) as [
          RawBuilder<unknown>,
          RawBuilder<unknown>,
        ];
        return sql`(
          select extract(epoch from ${end} - ${start}) / 86400 as days
          from candidacy_milestones m
          where ${sql.ref(at.stage)} = ${sql.lit(stage)} and ${start} is not null and ${end} is not null
            and floor(extract(epoch from ${end} - ${start}) / 86400) = ${sql.ref(at.days)}
            and ${inPeriod(end, scope)} ${ofCertification(scope, "m")}
          order by 1
          offset ${sql.ref(at.place)} limit ${sql.lit(count)})`;
      }),
      sql` union all `,
    );
  const { rows } = await sql<{ stage: Stage; count: number; medianDays: string | null; p90Days: string | null }>`
    with counted as (${sql.join(counted, sql` union all `)}),
    buckets as (
      select c.stage, c.whole_days, sum(c.durations) as n
      from counted c
      group by c.stage, c.whole_days
      having sum(c.durations) > 0
    ),
    ranked as (
      -- Ranks from 0: the bucket holds the durations ranked [below, below + n).
      select b.stage, b.whole_days, b.n, sum(b.n) over (partition by b.stage order by b.whole_days) - b.n as below,
        sum(b.n) over (partition by b.stage) as total
      from buckets b
    ),
    wanted as (
      -- Each percentile's two closest ranks, located in their buckets: at most 8 rows (4 stages, 2 percentiles).
      -- The limit says so to the planner, whose estimate would otherwise price the lookups below as if hundreds,
      -- past jit_above_cost (JIT compilation then costs ~200 ms).
      select t.stage, t.total, q.p, (t.total - 1) * q.p as rank,
        lo.whole_days as low_days, (floor((t.total - 1) * q.p) - lo.below)::bigint as low_place,
        hi.whole_days as high_days, (ceil((t.total - 1) * q.p) - hi.below)::bigint as high_place
      from (select distinct r.stage, r.total from ranked r) t
      cross join (values (0.5), (0.9)) q(p)
      join ranked lo on lo.stage = t.stage
        and floor((t.total - 1) * q.p) >= lo.below and floor((t.total - 1) * q.p) < lo.below + lo.n
      join ranked hi on hi.stage = t.stage
        and ceil((t.total - 1) * q.p) >= hi.below and ceil((t.total - 1) * q.p) < hi.below + hi.n
      limit 8
    ),
    valued as (
      -- The lower rank's duration and the next one, read together; the higher rank is that next one unless it
      -- opens the following bucket (then read on its own).
      select w.stage, w.total, w.p, w.rank, low.days[1] as low,
        case when w.high_days = w.low_days then low.days[w.high_place - w.low_place + 1]
          else (select h.days from (${durationsFrom({ stage: "w.stage", days: "w.high_days", place: "w.high_place" }, 1)}) h)
        end as high
      from wanted w
      cross join lateral (
        select array_agg(d.days order by d.days) as days
        from (${durationsFrom({ stage: "w.stage", days: "w.low_days", place: "w.low_place" }, 2)}) d
      ) low
    )
    select v.stage, v.total::int as count,
      max(v.low + (v.high - v.low) * (v.rank - floor(v.rank))) filter (where v.p = 0.5) as "medianDays",
      max(v.low + (v.high - v.low) * (v.rank - floor(v.rank))) filter (where v.p = 0.9) as "p90Days"
    from valued v
    group by v.stage, v.total`.execute(db);
  return STAGES.map((stage) => {
    const row = rows.find((r) => r.stage === stage);
    return row && row.count > 0
      ? { stage, count: row.count, medianDays: toNumber(row.medianDays), p90Days: toNumber(row.p90Days) }
      : { stage, count: 0, medianDays: null, p90Days: null };
  });
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
    select to_char(k.day, 'YYYY-MM') as month, sum(k.on_time)::int as "onTime", sum(k.by_silence)::int as "bySilence"
    from dashboard_answer_days k
    where ${inDays(scope)} ${ofCertification(scope, "k")}
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
  // Summed over the per-day rows the decisions' trigger keeps (migration 0110), then named.
  const { rows } = await sql<BlocAwardRate>`
    with counted as (
      select k.certification_id, k.referential_version_id, k.bloc_code as code, sum(k.assessed) as assessed,
        sum(k.awarded) as awarded
      from dashboard_bloc_days k
      where ${inDays(scope)} ${ofCertification(scope, "k")}
      group by 1, 2, 3
    )
    select cert.code as "certificationCode", k.code as "blocCode", min(bl.title) as title,
      sum(k.assessed)::int as assessed, sum(k.awarded)::int as awarded
    from counted k
    join certifications cert on cert.id = k.certification_id
    left join blocs bl on bl.referential_version_id = k.referential_version_id and bl.code = k.code
    group by cert.code, k.code
    order by cert.code, k.code`.execute(db);
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
    with counted as (
      select k.certification_id, k.referential_version_id, k.competency_code as code, sum(k.assessed) as assessed,
        sum(k.under_floor) as under_floor
      from dashboard_competency_days k
      where ${inDays(scope)} ${ofCertification(scope, "k")}
      group by 1, 2, 3
    )
    select cert.code as "certificationCode", k.code as "competencyCode", min(co.statement) as statement,
      sum(k.assessed)::int as assessed, sum(k.under_floor)::int as "underFloor"
    from counted k
    join certifications cert on cert.id = k.certification_id
    left join competencies co on co.referential_version_id = k.referential_version_id and co.code = k.code
    group by cert.code, k.code
    order by sum(k.under_floor)::numeric / sum(k.assessed) desc, cert.code, k.code`.execute(db);
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
  // Summed over the per-day rows the triggers keep (migration 0110): gaps weighted by competencies, not by dossier.
  const { rows } = await sql<EvaluatorCalibration>`
    select u.id as "evaluatorId", u.full_name as "fullName",
      sum(k.dossiers)::int as dossiers,
      round(sum(k.gap_sum) / sum(k.competencies), 1)::text as "meanGap",
      sum(k.deliberations)::int as deliberations
    from dashboard_calibration_days k
    join users u on u.id = k.evaluator_id
    where ${inDays(scope)} ${ofCertification(scope, "k")}
    group by u.id, u.full_name
    order by sum(k.gap_sum) / sum(k.competencies) desc, u.full_name`.execute(db);
  return rows;
}

function toNumber(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}
