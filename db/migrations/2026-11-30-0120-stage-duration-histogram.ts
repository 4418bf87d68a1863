// The time-per-stage chart without reading every duration of the period. Two steps, both small:
// 1. histograms of stage durations in whole days, per stage, certification and month the stage ended (in France),
//    and per day for the months a period only partly covers: the cumulative counts of a few thousand rows say in
//    which whole day of duration the median's and the 90th percentile's ranks fall, and at which place;
// 2. an index per stage on candidacy_milestones, by whole days of duration then end date, reads the exact
//    durations of that one whole day of the period only (a few hundred at 100 000 candidacies) to pick the ranked
//    one. So the figures stay percentile_cont's, to the microsecond.
// The histograms are kept by a trigger on candidacy_milestones (the source the chart read before), whatever
// changes it: the journal's trigger of migration 0110 (first insert, then an earlier milestone replacing a later
// one), a correction, a deletion. Back-filled here. See docs/decisions/030 (addendum of 30 November 2026).
import { type Kysely, sql } from "kysely";

/** Each stage: its start and end milestones (ADR 030). */
const STAGES = [
  ["admissibility", "requested_at", "answered_at"],
  ["dossier", "admitted_at", "filed_at"],
  ["evaluation", "filed_at", "decided_at"],
  ["result", "decided_at", "validated_at"],
] as const;

const BUCKET_COLUMNS = sql`
  stage text not null check (stage in ('admissibility', 'dossier', 'evaluation', 'result')),
  certification_id uuid not null references certifications (id) on delete cascade,
  -- floor(duration in seconds / 86400): the bucket, as the stage indexes below compute it.
  whole_days integer not null,
  durations integer not null`;

export async function up(db: Kysely<any>): Promise<void> {
  // A period is a range of days: whole months read the monthly rows, the days around them the daily ones. The
  // counts ride in the primary key's index so that either is an index-only scan.
  await sql`
    create table dashboard_stage_duration_months (
      month date not null check (extract(day from month) = 1),
      ${BUCKET_COLUMNS},
      primary key (month, stage, certification_id, whole_days) include (durations)
    )`.execute(db);
  await sql`
    create table dashboard_stage_duration_days (
      day date not null,
      ${BUCKET_COLUMNS},
      primary key (day, stage, certification_id, whole_days) include (durations)
    )`.execute(db);

  // Step 2's indexes: the expression must stay identical to the one in db/queries/statistics.ts.
  for (const [stage, start, end] of STAGES) {
    await sql`
      create index ${sql.id(`candidacy_milestones_${stage}_days_idx`)} on candidacy_milestones
        ((floor(extract(epoch from ${sql.id(end)} - ${sql.id(start)}) / 86400)), ${sql.id(end)})
        include (${sql.id(start)}, certification_id)
        where ${sql.id(start)} is not null and ${sql.id(end)} is not null`.execute(db);
  }

  // One duration in or out (sign 1 or -1) of its daily and monthly buckets; nothing when either end is missing. A
  // bucket emptied by corrections is deleted, so the tables hold only what the chart reads.
  await sql`
    create function count_stage_duration(stage_name text, certification uuid, started timestamptz,
        ended timestamptz, sign integer) returns void language plpgsql as $$
    declare
      paris_day date;
      bucket integer;
      remaining integer;
    begin
      if started is null or ended is null or certification is null then
        return;
      end if;
      paris_day := (ended at time zone 'Europe/Paris')::date;
      bucket := floor(extract(epoch from ended - started) / 86400)::integer;
      if sign > 0 then
        insert into dashboard_stage_duration_days as t (day, stage, certification_id, whole_days, durations)
          values (paris_day, stage_name, certification, bucket, 1)
          on conflict (day, stage, certification_id, whole_days) do update set durations = t.durations + 1;
        insert into dashboard_stage_duration_months as t (month, stage, certification_id, whole_days, durations)
          values (date_trunc('month', paris_day)::date, stage_name, certification, bucket, 1)
          on conflict (month, stage, certification_id, whole_days) do update set durations = t.durations + 1;
      else
        update dashboard_stage_duration_days t set durations = t.durations - 1
          where t.day = paris_day and t.stage = stage_name and t.certification_id = certification
            and t.whole_days = bucket
          returning t.durations into remaining;
        if remaining <= 0 then
          delete from dashboard_stage_duration_days t
            where t.day = paris_day and t.stage = stage_name and t.certification_id = certification
              and t.whole_days = bucket;
        end if;
        update dashboard_stage_duration_months t set durations = t.durations - 1
          where t.month = date_trunc('month', paris_day)::date and t.stage = stage_name
            and t.certification_id = certification and t.whole_days = bucket
          returning t.durations into remaining;
        if remaining <= 0 then
          delete from dashboard_stage_duration_months t
            where t.month = date_trunc('month', paris_day)::date and t.stage = stage_name
              and t.certification_id = certification and t.whole_days = bucket;
        end if;
      end if;
    end $$`.execute(db);

  // A stage is measured between the first times of its two milestones (ADR 030): when either changes (an earlier
  // event replaces the first time, a correction, a deletion), its old duration leaves its buckets and the new one
  // enters. Unchanged stages are skipped: the journal's trigger rewrites every column on each milestone event.
  await sql`
    create function record_stage_durations() returns trigger language plpgsql as $$
    declare
      o candidacy_milestones;
      n candidacy_milestones;
      s record;
    begin
      if tg_op <> 'INSERT' then o := old; end if;
      if tg_op <> 'DELETE' then n := new; end if;
      for s in
        select * from (values
          ('admissibility', o.requested_at, o.answered_at, n.requested_at, n.answered_at),
          ('dossier', o.admitted_at, o.filed_at, n.admitted_at, n.filed_at),
          ('evaluation', o.filed_at, o.decided_at, n.filed_at, n.decided_at),
          ('result', o.decided_at, o.validated_at, n.decided_at, n.validated_at)
        ) v(stage, old_start, old_end, new_start, new_end)
      loop
        if (o.certification_id, s.old_start, s.old_end) is distinct from (n.certification_id, s.new_start, s.new_end)
        then
          perform count_stage_duration(s.stage, o.certification_id, s.old_start, s.old_end, -1);
          perform count_stage_duration(s.stage, n.certification_id, s.new_start, s.new_end, 1);
        end if;
      end loop;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger stage_durations_from_milestones
    after insert or delete or update of certification_id, requested_at, answered_at, admitted_at, filed_at,
      decided_at, validated_at on candidacy_milestones
    for each row execute function record_stage_durations()`.execute(db);

  // Back-fill from the milestones (themselves back-filled from the journal by migration 0110).
  await sql`
    insert into dashboard_stage_duration_days (day, stage, certification_id, whole_days, durations)
    select (v.ended at time zone 'Europe/Paris')::date, v.stage, m.certification_id,
      floor(extract(epoch from v.ended - v.started) / 86400)::integer, count(*)
    from candidacy_milestones m
    cross join lateral (values
      ('admissibility', m.requested_at, m.answered_at),
      ('dossier', m.admitted_at, m.filed_at),
      ('evaluation', m.filed_at, m.decided_at),
      ('result', m.decided_at, m.validated_at)
    ) v(stage, started, ended)
    where v.started is not null and v.ended is not null
    group by 1, 2, 3, 4`.execute(db);
  await sql`
    insert into dashboard_stage_duration_months (month, stage, certification_id, whole_days, durations)
    select date_trunc('month', day)::date, stage, certification_id, whole_days, sum(durations)
    from dashboard_stage_duration_days
    group by 1, 2, 3, 4`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists stage_durations_from_milestones on candidacy_milestones`.execute(db);
  await sql`drop function if exists record_stage_durations()`.execute(db);
  await sql`drop function if exists count_stage_duration(text, uuid, timestamptz, timestamptz, integer)`.execute(db);
  for (const [stage] of STAGES) {
    await sql`drop index if exists ${sql.id(`candidacy_milestones_${stage}_days_idx`)}`.execute(db);
  }
  await sql`drop table if exists dashboard_stage_duration_days`.execute(db);
  await sql`drop table if exists dashboard_stage_duration_months`.execute(db);
}
