// What the certifier's dashboard reads at 100 000 candidacies without scanning the journal: one row per candidacy
// with the first time it reached each milestone, per evaluator and dossier the gap to their pair, and per day the
// blocs and competencies the decisions assessed; kept by triggers (so every writer, service or script, keeps them
// right), back-filled here, and indexed on the dates the period filters on. See docs/decisions/030.
import { type Kysely, sql } from "kysely";

const MILESTONE_STATES = sql`('admissibility.pending', 'admissible', 'inadmissible', 'dossier.submitted', 'decided', 'certified')`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("candidacy_milestones")
    .addColumn("candidacy_id", "uuid", (c) => c.primaryKey().references("candidacies.id").onDelete("cascade"))
    .addColumn("certification_id", "uuid", (c) => c.notNull().references("certifications.id").onDelete("cascade"))
    .addColumn("requested_at", "timestamptz")
    // Admissible or inadmissible, whichever came first; `answered_by_silence` when it was two months of silence.
    .addColumn("answered_at", "timestamptz")
    .addColumn("answered_by_silence", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("admitted_at", "timestamptz")
    .addColumn("filed_at", "timestamptz")
    .addColumn("decided_at", "timestamptz")
    .addColumn("validated_at", "timestamptz")
    .execute();
  // The funnel counts the later milestones of a cohort of requests: an index-only scan with them included.
  await sql`create index candidacy_milestones_requested_at_idx on candidacy_milestones (requested_at)
    include (certification_id, admitted_at, filed_at, decided_at, validated_at) where requested_at is not null`.execute(
    db,
  );
  for (const column of ["answered_at", "filed_at", "decided_at", "validated_at"]) {
    await sql`create index ${sql.id(`candidacy_milestones_${column}_idx`)} on candidacy_milestones (${sql.id(column)})
      where ${sql.id(column)} is not null`.execute(db);
  }

  // Per day (France) and certification, the admissibility answers: by the officer, or by two months of silence.
  await sql`
    create table dashboard_answer_days (
      day date not null,
      certification_id uuid not null references certifications (id) on delete cascade,
      on_time integer not null,
      by_silence integer not null,
      primary key (day, certification_id)
    )`.execute(db);

  await db.schema
    .createTable("evaluator_pair_gaps")
    .addColumn("candidacy_id", "uuid", (c) => c.notNull().references("candidacies.id").onDelete("cascade"))
    .addColumn("evaluator_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // Σ |own score − pair's score| over the competencies both scored, and how many they were.
    .addColumn("gap_sum", "numeric", (c) => c.notNull())
    .addColumn("competencies", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("evaluator_pair_gaps_pkey", ["candidacy_id", "evaluator_id"])
    .execute();

  // Per day of decision (France), certification and evaluator: dossiers, deliberations and the summed gaps. A dossier
  // counts once both its decision and its pair's gaps exist: whichever of the two is written second adds it (the
  // agreed route records the decision before the completing SUBMIT_SCORES, deliberation after it).
  await sql`
    create table dashboard_calibration_days (
      day date not null,
      certification_id uuid not null references certifications (id) on delete cascade,
      evaluator_id uuid not null references users (id) on delete cascade,
      dossiers integer not null,
      deliberations integer not null,
      gap_sum numeric not null,
      competencies integer not null,
      primary key (day, certification_id, evaluator_id)
    )`.execute(db);
  await sql`
    create function add_calibration_days(candidacy uuid) returns void language sql as $$
      insert into dashboard_calibration_days as t (day, certification_id, evaluator_id, dossiers, deliberations,
          gap_sum, competencies)
        select (d.decided_at at time zone 'Europe/Paris')::date, c.certification_id, g.evaluator_id, 1,
          case when d.route = 'deliberation' then 1 else 0 end, g.gap_sum, g.competencies
        from candidacy_decisions d
        join candidacies c on c.id = d.candidacy_id
        join evaluator_pair_gaps g on g.candidacy_id = d.candidacy_id
        where d.candidacy_id = candidacy and g.competencies > 0
        on conflict (day, certification_id, evaluator_id) do update set
          dossiers = t.dossiers + 1,
          deliberations = t.deliberations + excluded.deliberations,
          gap_sum = t.gap_sum + excluded.gap_sum,
          competencies = t.competencies + excluded.competencies
    $$`.execute(db);

  // The earliest time wins: a re-filed request or dossier keeps its first date (stages are measured from it).
  await sql`
    create function record_candidacy_milestone() returns trigger language plpgsql as $$
    declare
      first_answer boolean;
    begin
      insert into candidacy_milestones (candidacy_id, certification_id)
        select c.id, c.certification_id from candidacies c where c.id = new.candidacy_id
        on conflict (candidacy_id) do nothing;
      update candidacy_milestones m set
        requested_at = case when new.to_state = 'admissibility.pending'
          then least(m.requested_at, new.occurred_at) else m.requested_at end,
        answered_by_silence = case when new.to_state in ('admissible', 'inadmissible')
            and (m.answered_at is null or new.occurred_at < m.answered_at)
          then new.event_type = 'ADMISSIBILITY_SILENCE_ELAPSED' else m.answered_by_silence end,
        answered_at = case when new.to_state in ('admissible', 'inadmissible')
          then least(m.answered_at, new.occurred_at) else m.answered_at end,
        admitted_at = case when new.to_state = 'admissible' then least(m.admitted_at, new.occurred_at) else m.admitted_at end,
        filed_at = case when new.to_state = 'dossier.submitted' then least(m.filed_at, new.occurred_at) else m.filed_at end,
        decided_at = case when new.to_state = 'decided' then least(m.decided_at, new.occurred_at) else m.decided_at end,
        validated_at = case when new.to_state = 'certified'
          then least(m.validated_at, new.occurred_at) else m.validated_at end
      where m.candidacy_id = new.candidacy_id
      returning m.answered_at = new.occurred_at and new.to_state in ('admissible', 'inadmissible') into first_answer;
      -- A candidacy is answered once (admissible and inadmissible are not left for another answer).
      if first_answer and not exists (
        select 1 from candidacy_events e
        where e.candidacy_id = new.candidacy_id and e.to_state in ('admissible', 'inadmissible') and e.id <> new.id
      ) then
        insert into dashboard_answer_days as t (day, certification_id, on_time, by_silence)
          select (new.occurred_at at time zone 'Europe/Paris')::date, m.certification_id,
            case when new.event_type = 'ADMISSIBILITY_SILENCE_ELAPSED' then 0 else 1 end,
            case when new.event_type = 'ADMISSIBILITY_SILENCE_ELAPSED' then 1 else 0 end
          from candidacy_milestones m where m.candidacy_id = new.candidacy_id
          on conflict (day, certification_id) do update set
            on_time = t.on_time + excluded.on_time, by_silence = t.by_silence + excluded.by_silence;
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger candidacy_milestones_from_journal after insert on candidacy_events
    for each row when (new.to_state in ${MILESTONE_STATES}) execute function record_candidacy_milestone()`.execute(db);

  // The SUBMIT_SCORES that completes the pair (to minutes or deliberation): both evaluators' own scores are final.
  // The pair is this submitter and the last other one (an evaluator replaced before submitting left no submission).
  await sql`
    create function record_evaluator_pair_gaps() returns trigger language plpgsql as $$
    declare
      pair_id uuid;
    begin
      select e.actor_user_id into pair_id from candidacy_events e
        where e.candidacy_id = new.candidacy_id and e.event_type = 'SUBMIT_SCORES'
          and e.actor_user_id is distinct from new.actor_user_id and e.actor_user_id is not null
        order by e.row_version desc limit 1;
      if pair_id is null or new.actor_user_id is null then
        return null;
      end if;
      delete from evaluator_pair_gaps where candidacy_id = new.candidacy_id;
      insert into evaluator_pair_gaps (candidacy_id, evaluator_id, gap_sum, competencies)
        select new.candidacy_id, who.id, sum(abs(own.score - other.score)), count(*)
        from (values (new.actor_user_id, pair_id), (pair_id, new.actor_user_id)) who(id, other_id)
        join evaluation_scores own on own.candidacy_id = new.candidacy_id and own.evaluator_id = who.id
        join evaluation_scores other on other.candidacy_id = new.candidacy_id and other.evaluator_id = who.other_id
          and other.competency_code = own.competency_code
        where own.score is not null and other.score is not null
        group by who.id;
      perform add_calibration_days(new.candidacy_id);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger evaluator_pair_gaps_from_journal after insert on candidacy_events
    for each row when (new.event_type = 'SUBMIT_SCORES' and new.to_state in ('minutes', 'deliberation'))
    execute function record_evaluator_pair_gaps()`.execute(db);

  // Back-fill what the journal already holds.
  await sql`
    insert into candidacy_milestones (candidacy_id, certification_id, requested_at, answered_at, answered_by_silence,
      admitted_at, filed_at, decided_at, validated_at)
    select c.id, c.certification_id,
      min(e.occurred_at) filter (where e.to_state = 'admissibility.pending'),
      min(e.occurred_at) filter (where e.to_state in ('admissible', 'inadmissible')),
      coalesce((array_agg(e.event_type = 'ADMISSIBILITY_SILENCE_ELAPSED' order by e.occurred_at)
        filter (where e.to_state in ('admissible', 'inadmissible')))[1], false),
      min(e.occurred_at) filter (where e.to_state = 'admissible'),
      min(e.occurred_at) filter (where e.to_state = 'dossier.submitted'),
      min(e.occurred_at) filter (where e.to_state = 'decided'),
      min(e.occurred_at) filter (where e.to_state = 'certified')
    from candidacies c
    join candidacy_events e on e.candidacy_id = c.id and e.to_state in ${MILESTONE_STATES}
    group by c.id, c.certification_id`.execute(db);
  await sql`
    insert into dashboard_answer_days (day, certification_id, on_time, by_silence)
    select (answered_at at time zone 'Europe/Paris')::date, certification_id,
      count(*) filter (where not answered_by_silence), count(*) filter (where answered_by_silence)
    from candidacy_milestones
    where answered_at is not null
    group by 1, 2`.execute(db);
  await sql`
    with pairs as (
      select distinct on (e.candidacy_id) e.candidacy_id, e.actor_user_id as a,
        (select p.actor_user_id from candidacy_events p
          where p.candidacy_id = e.candidacy_id and p.event_type = 'SUBMIT_SCORES'
            and p.actor_user_id is distinct from e.actor_user_id and p.actor_user_id is not null
          order by p.row_version desc limit 1) as b
      from candidacy_events e
      where e.event_type = 'SUBMIT_SCORES' and e.to_state in ('minutes', 'deliberation') and e.actor_user_id is not null
      order by e.candidacy_id, e.row_version desc
    )
    insert into evaluator_pair_gaps (candidacy_id, evaluator_id, gap_sum, competencies)
    select p.candidacy_id, who.id, sum(abs(own.score - other.score)), count(*)
    from pairs p
    cross join lateral (values (p.a, p.b), (p.b, p.a)) who(id, other_id)
    join evaluation_scores own on own.candidacy_id = p.candidacy_id and own.evaluator_id = who.id
    join evaluation_scores other on other.candidacy_id = p.candidacy_id and other.evaluator_id = who.other_id
      and other.competency_code = own.competency_code
    where p.b is not null and own.score is not null and other.score is not null
    group by p.candidacy_id, who.id`.execute(db);

  await sql`create index candidacy_decisions_decided_at_idx on candidacy_decisions (decided_at)`.execute(db);

  // Per day of decision (in France) and bloc or competency, what the decisions of that day assessed: the award and
  // failure rates of any period are sums over at most a few thousand rows, whatever the number of candidacies.
  // A decision is written once (app/services/evaluation.server.ts recordDecision), so an insert trigger suffices.
  await sql`
    create table dashboard_bloc_days (
      day date not null,
      certification_id uuid not null references certifications (id) on delete cascade,
      referential_version_id uuid not null references referential_versions (id) on delete cascade,
      bloc_code text not null,
      assessed integer not null,
      awarded integer not null,
      primary key (day, certification_id, referential_version_id, bloc_code)
    )`.execute(db);
  await sql`
    create table dashboard_competency_days (
      day date not null,
      certification_id uuid not null references certifications (id) on delete cascade,
      referential_version_id uuid not null references referential_versions (id) on delete cascade,
      competency_code text not null,
      assessed integer not null,
      under_floor integer not null,
      primary key (day, certification_id, referential_version_id, competency_code)
    )`.execute(db);
  await sql`
    create function record_decision_days() returns trigger language plpgsql as $$
    declare
      k record;
    begin
      select c.certification_id, c.referential_version_id, rv.competency_floor_percent as floor,
          (new.decided_at at time zone 'Europe/Paris')::date as day
        into k
        from candidacies c join referential_versions rv on rv.id = c.referential_version_id
        where c.id = new.candidacy_id;
      insert into dashboard_bloc_days as t (day, certification_id, referential_version_id, bloc_code, assessed, awarded)
        select k.day, k.certification_id, k.referential_version_id, b.value->>'code', 1,
          case when b.value->>'status' = 'awarded' then 1 else 0 end
        from jsonb_array_elements(new.outcome->'blocs') b(value)
        where b.value->>'status' in ('awarded', 'not_awarded')
        on conflict (day, certification_id, referential_version_id, bloc_code)
        do update set assessed = t.assessed + 1, awarded = t.awarded + excluded.awarded;
      insert into dashboard_competency_days as t (day, certification_id, referential_version_id, competency_code,
          assessed, under_floor)
        select k.day, k.certification_id, k.referential_version_id, s.key, 1,
          case when (s.value->>'tenthsNumerator')::numeric < k.floor * 10 * (s.value->>'denominator')::numeric
            then 1 else 0 end
        from jsonb_each(new.joint_scores) s
        on conflict (day, certification_id, referential_version_id, competency_code)
        do update set assessed = t.assessed + 1, under_floor = t.under_floor + excluded.under_floor;
      perform add_calibration_days(new.candidacy_id);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger dashboard_days_from_decisions after insert on candidacy_decisions
    for each row execute function record_decision_days()`.execute(db);
  await sql`
    insert into dashboard_bloc_days (day, certification_id, referential_version_id, bloc_code, assessed, awarded)
    select (d.decided_at at time zone 'Europe/Paris')::date, c.certification_id, c.referential_version_id,
      b.value->>'code', count(*), count(*) filter (where b.value->>'status' = 'awarded')
    from candidacy_decisions d
    join candidacies c on c.id = d.candidacy_id
    cross join lateral jsonb_array_elements(d.outcome->'blocs') b(value)
    where b.value->>'status' in ('awarded', 'not_awarded')
    group by 1, 2, 3, 4`.execute(db);
  await sql`
    insert into dashboard_competency_days (day, certification_id, referential_version_id, competency_code, assessed,
      under_floor)
    select (d.decided_at at time zone 'Europe/Paris')::date, c.certification_id, c.referential_version_id, s.key,
      count(*),
      count(*) filter (
        where (s.value->>'tenthsNumerator')::numeric < rv.competency_floor_percent * 10 * (s.value->>'denominator')::numeric
      )
    from candidacy_decisions d
    join candidacies c on c.id = d.candidacy_id
    join referential_versions rv on rv.id = c.referential_version_id
    cross join lateral jsonb_each(d.joint_scores) s
    group by 1, 2, 3, 4`.execute(db);
  await sql`
    insert into dashboard_calibration_days (day, certification_id, evaluator_id, dossiers, deliberations, gap_sum,
      competencies)
    select (d.decided_at at time zone 'Europe/Paris')::date, c.certification_id, g.evaluator_id, count(*),
      count(*) filter (where d.route = 'deliberation'), sum(g.gap_sum), sum(g.competencies)
    from candidacy_decisions d
    join candidacies c on c.id = d.candidacy_id
    join evaluator_pair_gaps g on g.candidacy_id = d.candidacy_id
    where g.competencies > 0
    group by 1, 2, 3`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists dashboard_days_from_decisions on candidacy_decisions`.execute(db);
  await sql`drop function if exists record_decision_days()`.execute(db);
  await sql`drop table if exists dashboard_competency_days`.execute(db);
  await sql`drop table if exists dashboard_bloc_days`.execute(db);
  await sql`drop index if exists candidacy_decisions_decided_at_idx`.execute(db);
  await sql`drop trigger if exists evaluator_pair_gaps_from_journal on candidacy_events`.execute(db);
  await sql`drop trigger if exists candidacy_milestones_from_journal on candidacy_events`.execute(db);
  await sql`drop function if exists record_evaluator_pair_gaps()`.execute(db);
  await sql`drop function if exists record_candidacy_milestone()`.execute(db);
  await sql`drop function if exists add_calibration_days(uuid)`.execute(db);
  await sql`drop table if exists dashboard_calibration_days`.execute(db);
  await sql`drop table if exists dashboard_answer_days`.execute(db);
  await db.schema.dropTable("evaluator_pair_gaps").ifExists().execute();
  await db.schema.dropTable("candidacy_milestones").ifExists().execute();
}
