// The time-per-stage chart without reading every duration of the period: histograms of stage durations in whole
// days, per stage, certification and month the stage ended (in France), and per day for the months a period only
// partly covers. Each bucket keeps its count, and the sum and sum of squares of its durations in seconds, so the
// median and 90th percentile of any period come from the cumulative counts of a few thousand rows, each bucket's
// durations placed evenly around their mean with their spread (workflows/statistics.ts `histogramPercentile`).
// Kept by a trigger on candidacy_milestones, the source the chart read before, whatever changes it: the journal's
// trigger of migration 0110 (first insert, then an earlier milestone replacing a later one), a correction, a
// deletion. Back-filled here. See docs/decisions/030 (addendum of 30 November 2026).
import { type Kysely, sql } from "kysely";

const BUCKET_COLUMNS = sql`
  stage text not null check (stage in ('admissibility', 'dossier', 'evaluation', 'result')),
  certification_id uuid not null references certifications (id) on delete cascade,
  -- floor(duration / 1 day): the bucket.
  whole_days integer not null,
  durations integer not null,
  -- Sum and sum of squares of the durations in seconds: numeric, so that a duration taken out by a correction
  -- leaves no rounding behind.
  seconds numeric not null,
  squares numeric not null`;

export async function up(db: Kysely<any>): Promise<void> {
  // A period is a range of days: whole months read the monthly rows, the days around them the daily ones. The
  // counts ride in the primary key's index so that either is an index-only scan.
  await sql`
    create table dashboard_stage_duration_months (
      month date not null check (extract(day from month) = 1),
      ${BUCKET_COLUMNS},
      primary key (month, stage, certification_id, whole_days) include (durations, seconds, squares)
    )`.execute(db);
  await sql`
    create table dashboard_stage_duration_days (
      day date not null,
      ${BUCKET_COLUMNS},
      primary key (day, stage, certification_id, whole_days) include (durations, seconds, squares)
    )`.execute(db);

  // One duration in or out (sign 1 or -1) of its daily and monthly buckets; nothing when either end is missing. A
  // bucket emptied by corrections is deleted, so the tables hold only what the chart reads.
  await sql`
    create function count_stage_duration(stage_name text, certification uuid, started timestamptz,
        ended timestamptz, sign integer) returns void language plpgsql as $$
    declare
      elapsed numeric;
      paris_day date;
      bucket integer;
    begin
      if started is null or ended is null or certification is null then
        return;
      end if;
      elapsed := extract(epoch from ended - started);
      paris_day := (ended at time zone 'Europe/Paris')::date;
      bucket := floor(elapsed / 86400)::integer;
      if sign > 0 then
        insert into dashboard_stage_duration_days as t (day, stage, certification_id, whole_days, durations, seconds,
            squares)
          values (paris_day, stage_name, certification, bucket, 1, elapsed, elapsed * elapsed)
          on conflict (day, stage, certification_id, whole_days) do update set
            durations = t.durations + 1, seconds = t.seconds + excluded.seconds, squares = t.squares + excluded.squares;
        insert into dashboard_stage_duration_months as t (month, stage, certification_id, whole_days, durations,
            seconds, squares)
          values (date_trunc('month', paris_day)::date, stage_name, certification, bucket, 1, elapsed,
            elapsed * elapsed)
          on conflict (month, stage, certification_id, whole_days) do update set
            durations = t.durations + 1, seconds = t.seconds + excluded.seconds, squares = t.squares + excluded.squares;
      else
        update dashboard_stage_duration_days t
          set durations = t.durations - 1, seconds = t.seconds - elapsed, squares = t.squares - elapsed * elapsed
          where t.day = paris_day and t.stage = stage_name and t.certification_id = certification
            and t.whole_days = bucket;
        delete from dashboard_stage_duration_days t
          where t.day = paris_day and t.stage = stage_name and t.certification_id = certification
            and t.whole_days = bucket and t.durations <= 0;
        update dashboard_stage_duration_months t
          set durations = t.durations - 1, seconds = t.seconds - elapsed, squares = t.squares - elapsed * elapsed
          where t.month = date_trunc('month', paris_day)::date and t.stage = stage_name
            and t.certification_id = certification and t.whole_days = bucket;
        delete from dashboard_stage_duration_months t
          where t.month = date_trunc('month', paris_day)::date and t.stage = stage_name
            and t.certification_id = certification and t.whole_days = bucket and t.durations <= 0;
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
    create temporary table stage_durations_backfill as
    select v.stage, m.certification_id, (v.ended at time zone 'Europe/Paris')::date as day,
      extract(epoch from v.ended - v.started) as elapsed
    from candidacy_milestones m
    cross join lateral (values
      ('admissibility', m.requested_at, m.answered_at),
      ('dossier', m.admitted_at, m.filed_at),
      ('evaluation', m.filed_at, m.decided_at),
      ('result', m.decided_at, m.validated_at)
    ) v(stage, started, ended)
    where v.started is not null and v.ended is not null`.execute(db);
  await sql`
    insert into dashboard_stage_duration_days (day, stage, certification_id, whole_days, durations, seconds, squares)
    select day, stage, certification_id, floor(elapsed / 86400)::integer, count(*), sum(elapsed),
      sum(elapsed * elapsed)
    from stage_durations_backfill
    group by 1, 2, 3, 4`.execute(db);
  await sql`
    insert into dashboard_stage_duration_months (month, stage, certification_id, whole_days, durations, seconds,
      squares)
    select date_trunc('month', day)::date, stage, certification_id, floor(elapsed / 86400)::integer, count(*),
      sum(elapsed), sum(elapsed * elapsed)
    from stage_durations_backfill
    group by 1, 2, 3, 4`.execute(db);
  await sql`drop table stage_durations_backfill`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists stage_durations_from_milestones on candidacy_milestones`.execute(db);
  await sql`drop function if exists record_stage_durations()`.execute(db);
  await sql`drop function if exists count_stage_duration(text, uuid, timestamptz, timestamptz, integer)`.execute(db);
  await sql`drop table if exists dashboard_stage_duration_days`.execute(db);
  await sql`drop table if exists dashboard_stage_duration_months`.execute(db);
}
