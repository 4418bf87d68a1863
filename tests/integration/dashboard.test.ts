// The dashboard's figures against a small data set built through the services, with events at chosen dates so that
// every count, median, 90th percentile, rate and calibration gap below is computed by hand. Definitions: ADR 030.
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDown, migrateToLatest } from "../../db/migrate";
import type { Database } from "../../db/schema";
import { createCandidacy } from "../../app/services/candidacies.server";
import { closeDeliberation, proposeScores } from "../../app/services/evaluation-deliberation.server";
import { saveDraft, submitScores } from "../../app/services/evaluation.server";
import { type Dashboard, readDashboard } from "../../app/services/dashboard.server";
import { validateDecision } from "../../app/services/results.server";
import { percentile } from "../../workflows/statistics";
import { BLOC_1, BLOC_2, BLOC_3, Lifecycle, SCORES_A, SCORES_B } from "./support/decided-candidacy";
import { CQP_CODE, attachRequestDocuments, createUser, seedCertifications } from "./support/fixtures";
import { type TestDatabase, createTestDatabase } from "./support/test-database";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

let testDb: TestDatabase;
let db: Kysely<Database>;
let staff: string;
let officer: string;
let people: { a: string; b: string; c: string };

/**
 * One candidacy through the services, each milestone at a chosen time: the request at `requestAt`, admissibility
 * answered `answer.days` later (by the officer, or by silence), the dossier filed `filedAfter` days after that, the
 * minutes' last signature `decidedAfter` days after the filing, the result validated `validatedAfter` days later.
 */
async function journey(plan: {
  requestAt: string;
  answer?: { days: number; by: "admissible" | "inadmissible" | "silence" };
  filedAfter?: number;
  pair?: { a: string; b: string };
  scores?: { a: Record<string, string>; b: Record<string, string> };
  decidedAfter?: number;
  deliberated?: boolean;
  validatedAfter?: number;
}): Promise<string> {
  const candidate = await createUser(db, "candidate");
  const pair = plan.pair ?? { a: people.a, b: people.b };
  const life = new Lifecycle(db, { candidate, officer, staff, ...pair }, at(plan.requestAt) - HOUR);
  const created = await createCandidacy(db, candidate, CQP_CODE, new Date(life.clock));
  if (!created.ok) throw new Error(created.message);
  const id = created.candidacyId;
  await attachRequestDocuments(db, id);
  const asCandidate = life.as(candidate, "candidate");
  const asOfficer = life.as(officer, "admissibility_officer");
  const asStaff = life.as(staff, "certifier_staff");
  await life.send(id, { type: "SUBMIT_REQUEST", sworn: true, actor: asCandidate, at: life.tick() });
  const requested = life.clock;
  if (!plan.answer) return id;
  const answeredAt = new Date(requested + plan.answer.days * DAY).toISOString();
  if (plan.answer.by === "silence") {
    await life.send(id, { type: "ADMISSIBILITY_SILENCE_ELAPSED", actor: { type: "system" }, at: answeredAt });
  } else {
    await life.send(id, { type: "OPEN_REVIEW", actor: asOfficer, at: life.tick() });
    await life.send(id, {
      ...(plan.answer.by === "admissible"
        ? { type: "DECLARE_ADMISSIBLE" as const }
        : { type: "DECLARE_INADMISSIBLE" as const, reason: "Expérience sans rapport avec le CQP." }),
      actor: asOfficer,
      at: answeredAt,
    });
  }
  life.clock = Date.parse(answeredAt);
  if (plan.filedAfter === undefined) return id;
  await life.send(id, { type: "START_DOSSIER", actor: asCandidate, at: life.tick() });
  const filed = Date.parse(answeredAt) + plan.filedAfter * DAY;
  await life.send(id, { type: "SUBMIT_DOSSIER", version: 1, actor: asCandidate, at: new Date(filed).toISOString() });
  life.clock = filed;
  if (plan.decidedAfter === undefined) return id;
  await life.send(id, {
    type: "ASSIGN_PAIR",
    evaluatorAId: pair.a,
    evaluatorBId: pair.b,
    presidentId: pair.a,
    actor: asStaff,
    at: life.tick(),
  });
  const startsAt = filed + 7 * DAY;
  await life.send(id, {
    type: "SCHEDULE_SESSION",
    startsAt: new Date(startsAt).toISOString(),
    mode: "video",
    location: "https://visio.exemple.fr/jury",
    actor: asStaff,
    at: life.tick(),
  });
  await life.send(id, { type: "START_SCORING", noLink: true, actor: life.as(pair.a, "evaluator"), at: life.tick() });
  await life.send(id, { type: "START_SCORING", noLink: true, actor: life.as(pair.b, "evaluator"), at: life.tick() });
  life.clock = startsAt + 3 * HOUR;
  await life.send(id, { type: "RECORD_ATTENDANCE", attendance: "attended", actor: asStaff, at: life.tick() });
  await life.scored(
    id,
    plan.scores?.a ?? SCORES_A,
    plan.scores?.b ?? SCORES_B,
    plan.deliberated ? "deliberation" : "agreed",
  );
  await life.sign(id, "a");
  const decided = filed + plan.decidedAfter * DAY;
  life.clock = decided - HOUR;
  await life.sign(id, "b");
  if (plan.validatedAfter === undefined) return id;
  const validated = await validateDecision(
    db,
    { userId: staff, role: "certifier_staff" },
    id,
    new Date(decided + plan.validatedAfter * DAY),
  );
  if (!validated.ok) throw new Error(validated.message);
  return id;
}

const every = (score: string) => Object.fromEntries([...BLOC_1, ...BLOC_2, ...BLOC_3].map((c) => [c, score]));

let dashboard: Dashboard;
const PERIOD = { from: "2026-01-01", to: "2026-06-30" };

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.handle.db;
  await seedCertifications(db, ["CQP-AUTRE-1"]);
  staff = await createUser(db, "certifier_staff", "Claire Certificatrice");
  officer = await createUser(db, "admissibility_officer");
  people = {
    a: await createUser(db, "evaluator", "Alice Alpha"),
    b: await createUser(db, "evaluator", "Bruno Bravo"),
    c: await createUser(db, "evaluator", "Chloé Charlie"),
  };
  // K1: every stage, validated. Scores of decided-candidacy.ts: B1 awarded, B2 not (C2.3 at 45), B3 not (mean 60);
  // A and B differ on C2.3 only, by 7.4 points.
  await journey({
    requestAt: "2026-01-05T09:00:00Z",
    answer: { days: 10, by: "admissible" },
    filedAfter: 20,
    decidedAfter: 30,
    validatedAfter: 5,
  });
  // K2: decided, not validated, every bloc awarded; pair A and C differ by 10 (C1.1) and 9 (C3.1); deliberated.
  await journey({
    requestAt: "2026-01-12T09:00:00Z",
    answer: { days: 20, by: "admissible" },
    filedAfter: 40,
    pair: { a: people.a, b: people.c },
    scores: { a: every("80"), b: { ...every("80"), "C1.1": "90", "C3.1": "71" } },
    decidedAfter: 20,
    deliberated: true,
  });
  // K3: admissible by two months of silence (2 February → 3 April: 60 days), dossier not filed.
  await journey({ requestAt: "2026-02-02T09:00:00Z", answer: { days: 60, by: "silence" }, filedAfter: undefined });
  // K4: inadmissible after 5 days. K5: still pending.
  await journey({ requestAt: "2026-03-02T09:00:00Z", answer: { days: 5, by: "inadmissible" } });
  await journey({ requestAt: "2026-03-10T09:00:00Z" });
  // K6: requested and admitted in November 2025 (before the period), dossier filed 50 days later, on 2 January 2026:
  // outside the cohort, but its dossier stage ended in the period.
  await journey({ requestAt: "2025-11-03T09:00:00Z", answer: { days: 10, by: "admissible" }, filedAfter: 50 });

  const read = await readDashboard(db, { userId: staff, role: "certifier_staff" }, PERIOD);
  if (!read.ok) throw new Error(read.message);
  dashboard = read;
}, 240_000);

afterAll(async () => {
  await testDb?.drop();
});

describe(`the dashboard's figures (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("counts candidacies per state now, whatever the period", () => {
    const nonZero = Object.fromEntries(dashboard.states.filter((s) => s.count > 0).map((s) => [s.state, s.count]));
    expect(nonZero).toEqual({
      certified: 1,
      decided: 1,
      admissible: 1,
      inadmissible: 1,
      "admissibility.pending": 1,
      "dossier.submitted": 1,
    });
    expect(dashboard.states.find((s) => s.state === "decided")?.label).toBe("Décision rendue");
  });

  it("follows the cohort of requests filed in the period to its furthest milestone", () => {
    expect(dashboard.funnel).toEqual({ requested: 5, admissible: 3, filed: 2, decided: 2, validated: 1 });
  });

  it("measures each stage that ended in the period: exact medians and 90th percentiles (percentile_cont)", () => {
    // Located through the whole-day histograms, then read exactly (ADR 030, addendum): percentile_cont's figures.
    const byStage = Object.fromEntries(dashboard.stages.map((s) => [s.stage, s]));
    // Admissibility: K1 10, K2 20, K3 60 (silence), K4 5 → sorted 5 10 20 60: median 15, p90 20 + 0.7 × 40 = 48.
    expect(byStage.admissibility).toMatchObject({ count: 4 });
    expect(byStage.admissibility!.medianDays).toBeCloseTo(15, 6);
    expect(byStage.admissibility!.p90Days).toBeCloseTo(48, 6);
    expect(percentile([10, 20, 60, 5], 0.9)).toBeCloseTo(48, 6);
    // Dossier: K1 20, K2 40, K6 50 (admitted before the period) → median 40, p90 40 + 0.8 × 10 = 48.
    expect(byStage.dossier).toMatchObject({ count: 3 });
    expect(byStage.dossier!.medianDays).toBeCloseTo(40, 6);
    expect(byStage.dossier!.p90Days).toBeCloseTo(48, 6);
    // Evaluation: K1 30, K2 20 → median 25, p90 29. Result: K1 5.
    expect(byStage.evaluation!.medianDays).toBeCloseTo(25, 6);
    expect(byStage.evaluation!.p90Days).toBeCloseTo(29, 6);
    expect(byStage.result).toMatchObject({ count: 1 });
    expect(byStage.result!.medianDays).toBeCloseTo(5, 6);
    expect(byStage.result!.p90Days).toBeCloseTo(5, 6);
  });

  it("splits admissibility answers per month: decided by the officer or acquired by silence", () => {
    expect(dashboard.admissibility).toEqual([
      { month: "2026-01", onTime: 1, bySilence: 0 },
      { month: "2026-02", onTime: 1, bySilence: 0 },
      { month: "2026-03", onTime: 1, bySilence: 0 },
      { month: "2026-04", onTime: 0, bySilence: 1 },
      { month: "2026-05", onTime: 0, bySilence: 0 },
      { month: "2026-06", onTime: 0, bySilence: 0 },
    ]);
  });

  it("gives each bloc's award rate and the competencies most often under the floor, from the joint scores", () => {
    expect(dashboard.blocs.map((b) => [b.blocCode, b.assessed, b.awarded])).toEqual([
      ["B1", 2, 2],
      ["B2", 2, 1],
      ["B3", 2, 1],
    ]);
    expect(dashboard.blocs[0]!.title).toMatch(/\w/);
    expect(dashboard.competencies).toHaveLength(19);
    expect(dashboard.competencies[0]).toMatchObject({ competencyCode: "C2.3", assessed: 2, underFloor: 1 });
    expect(dashboard.competencies[0]!.statement).toMatch(/\w/);
    expect(dashboard.competencies.slice(1).every((c) => c.underFloor === 0 && c.assessed === 2)).toBe(true);
  });

  it("calibrates each evaluator against their pair: mean gap, dossiers, deliberations", () => {
    // Chloé: 19 points over 19 competencies (K2) = 1.0. Alice: (7.4 + 19) / 38 = 0.69 → 0.7. Bruno: 7.4 / 19 → 0.4.
    expect(dashboard.calibration.map((e) => [e.fullName, e.meanGap, e.dossiers, e.deliberations])).toEqual([
      ["Chloé Charlie", "1.0", 1, 1],
      ["Alice Alpha", "0.7", 2, 1],
      ["Bruno Bravo", "0.4", 1, 0],
    ]);
  });

  it("narrows every figure to a certification, and to another period", async () => {
    const other = await db
      .selectFrom("certifications")
      .select("id")
      .where("code", "=", "CQP-AUTRE-1")
      .executeTakeFirstOrThrow();
    const none = await readDashboard(
      db,
      { userId: staff, role: "certifier_staff" },
      { ...PERIOD, certificationId: other.id },
    );
    if (!none.ok) throw new Error(none.message);
    expect(none.certificationId).toBe(other.id);
    expect(none.states.every((s) => s.count === 0)).toBe(true);
    expect(none.funnel.requested).toBe(0);
    expect(none.blocs).toEqual([]);
    expect(none.calibration).toEqual([]);

    const autumn = await readDashboard(
      db,
      { userId: staff, role: "certifier_staff" },
      {
        from: "2025-11-01",
        to: "2025-11-30",
      },
    );
    if (!autumn.ok) throw new Error(autumn.message);
    expect(autumn.funnel).toEqual({ requested: 1, admissible: 1, filed: 1, decided: 0, validated: 0 });
    expect(autumn.stages.find((s) => s.stage === "admissibility")).toMatchObject({ count: 1, medianDays: 10 });
    expect(autumn.admissibility).toEqual([{ month: "2025-11", onTime: 1, bySilence: 0 }]);
  });

  it("falls back to the last twelve months with a French message for a period it cannot read", async () => {
    const today = new Date("2026-11-30T10:00:00Z");
    const viewer = { userId: staff, role: "certifier_staff" as const };
    const backwards = await readDashboard(db, viewer, { from: "2026-06-30", to: "2026-01-01" }, today);
    if (!backwards.ok) throw new Error(backwards.message);
    expect(backwards.fieldErrors).toEqual({ to: "La date de fin ne peut pas précéder la date de début." });
    expect(backwards.period).toEqual({ from: "2025-12-01", to: "2026-11-30" });
    const garbled = await readDashboard(db, viewer, { from: "2026-02-30", to: "demain", certificationId: "x" }, today);
    if (!garbled.ok) throw new Error(garbled.message);
    expect(Object.keys(garbled.fieldErrors).sort()).toEqual(["certificationId", "from", "to"]);
    expect(garbled.certificationId).toBeNull();
    const tooLong = await readDashboard(db, viewer, { from: "2010-01-01", to: "2026-01-01" }, today);
    expect(tooLong.ok && tooLong.fieldErrors.to).toBe("Choisissez une période de cinq ans au plus.");
  });

  it("refuses every role but certifier staff", async () => {
    for (const role of ["candidate", "admissibility_officer", "evaluator", "admin"] as const) {
      expect(await readDashboard(db, { userId: staff, role }, PERIOD)).toMatchObject({ ok: false, status: 403 });
    }
  });

  it("counts a deliberated dossier once its decision is recorded after the completing submission", async () => {
    // Through the evaluation services: the decision comes after the SUBMIT_SCORES that sent the pair to deliberate.
    const candidate = await createUser(db, "candidate");
    const life = new Lifecycle(db, { candidate, officer, staff, a: people.a, b: people.b }, at("2026-09-01T09:00:00Z"));
    const id = await life.inEvaluation(CQP_CODE);
    const next = () => new Date(life.tick());
    const draft = (scores: Record<string, string>) =>
      Object.entries(scores).map(([competencyCode, score]) => ({
        competencyCode,
        score,
        comment: "",
        criteriaMet: [],
      }));
    const ok = <T extends { ok: boolean }>(outcome: T) => {
      if (!outcome.ok) throw new Error(JSON.stringify(outcome));
      return outcome;
    };
    // C2.1: 50 against 80, 30 points apart; everything else 75.
    ok(await saveDraft(db, people.a, id, draft({ ...every("75"), "C2.1": "50" }), next()));
    ok(await submitScores(db, people.a, id, next()));
    ok(await saveDraft(db, people.b, id, draft({ ...every("75"), "C2.1": "80" }), next()));
    expect(ok(await submitScores(db, people.b, id, next()))).toMatchObject({ state: "deliberation" });
    const viewer = { userId: staff, role: "certifier_staff" as const };
    const autumn = { from: "2026-09-01", to: "2026-10-31" };
    const pending = await readDashboard(db, viewer, autumn);
    expect(pending.ok && pending.calibration).toEqual([]);

    for (const who of [people.a, people.b]) {
      ok(await proposeScores(db, who, id, [{ competencyCode: "C2.1", score: "70", comment: "" }], next()));
    }
    ok(await closeDeliberation(db, people.b, id, next()));
    const read = await readDashboard(db, viewer, autumn);
    if (!read.ok) throw new Error(read.message);
    // 30 points over 19 competencies: 1.58 → 1.6, for both; one dossier, deliberated.
    expect(read.calibration.map((e) => [e.fullName, e.meanGap, e.dossiers, e.deliberations])).toEqual([
      ["Alice Alpha", "1.6", 1, 1],
      ["Bruno Bravo", "1.6", 1, 1],
    ]);
    expect(read.blocs.map((b) => [b.blocCode, b.assessed, b.awarded])).toEqual([
      ["B1", 1, 1],
      ["B2", 1, 1],
      ["B3", 1, 1],
    ]);
  });

  it("keeps the stage histograms in step with every later write: new milestones, a correction, a deletion", async () => {
    const viewer = { userId: staff, role: "certifier_staff" as const };
    const stagesIn = async (period: { from: string; to: string }) => {
      const read = await readDashboard(db, viewer, period);
      if (!read.ok) throw new Error(read.message);
      return Object.fromEntries(read.stages.map((s) => [s.stage, [s.count, s.medianDays, s.p90Days]]));
    };
    // Whole months (the monthly rows), and the same stages through the daily rows.
    const summer = { from: "2026-07-01", to: "2026-08-31" };
    const summerDays = { from: "2026-07-02", to: "2026-08-30" };
    // The histograms, rebuilt from the milestones they follow: no row differs, none is missing or left over.
    const differences = async () => {
      const { rows } = await sql<{ differing: number }>`
        with durations as (
          select v.stage, m.certification_id, (v.ended at time zone 'Europe/Paris')::date as day,
            floor(extract(epoch from v.ended - v.started) / 86400)::integer as whole_days
          from candidacy_milestones m
          cross join lateral (values ('admissibility', m.requested_at, m.answered_at),
            ('dossier', m.admitted_at, m.filed_at), ('evaluation', m.filed_at, m.decided_at),
            ('result', m.decided_at, m.validated_at)) v(stage, started, ended)
          where v.started is not null and v.ended is not null
        ),
        days as (
          select day, stage, certification_id, whole_days, count(*)::int as durations from durations group by 1, 2, 3, 4
        ),
        months as (
          select date_trunc('month', day)::date as month, stage, certification_id, whole_days,
            sum(durations)::int as durations
          from days group by 1, 2, 3, 4
        )
        select (select count(*) from days r
            full join dashboard_stage_duration_days k using (day, stage, certification_id, whole_days)
            where r.durations is distinct from k.durations)
          + (select count(*) from months r
            full join dashboard_stage_duration_months k using (month, stage, certification_id, whole_days)
            where r.durations is distinct from k.durations)
          as differing`.execute(db);
      return Number(rows[0]!.differing);
    };
    expect(await differences()).toBe(0);
    expect((await stagesIn(summer)).admissibility).toEqual([0, null, null]);

    // Answered 3 and 3.5 days after the request: one whole-day bucket holding two durations, read exactly.
    const first = await journey({
      requestAt: "2026-07-01T09:00:00Z",
      answer: { days: 3, by: "admissible" },
      filedAfter: 12,
    });
    const second = await journey({ requestAt: "2026-07-06T09:00:00Z", answer: { days: 3.5, by: "inadmissible" } });
    let stages = await stagesIn(summer);
    expect(stages.admissibility![0]).toBe(2);
    expect(stages.admissibility![1]).toBeCloseTo(3.25, 9);
    expect(stages.admissibility![2]).toBeCloseTo(3 + 0.9 * 0.5, 9);
    expect(stages.dossier![0]).toBe(1);
    expect(stages.dossier![1]).toBeCloseTo(12, 9);
    expect(await stagesIn(summerDays)).toEqual(stages);
    expect(await differences()).toBe(0);

    // A correction of the source (the request a day earlier): the old duration leaves its bucket, 4 days enters.
    await sql`update candidacy_milestones set requested_at = requested_at - interval '1 day'
      where candidacy_id = ${first}`.execute(db);
    stages = await stagesIn(summer);
    expect(stages.admissibility![0]).toBe(2);
    expect(stages.admissibility![1]).toBeCloseTo(3.75, 9);
    expect(stages.admissibility![2]).toBeCloseTo(3.5 + 0.9 * 0.5, 9);
    expect(await differences()).toBe(0);
    await sql`update candidacy_milestones set requested_at = requested_at + interval '1 day'
      where candidacy_id = ${first}`.execute(db);

    // A candidacy deleted (its milestones go with it): its duration leaves the histograms, emptied buckets too.
    await sql`delete from candidacies where id = ${second}`.execute(db);
    stages = await stagesIn(summer);
    expect(stages.admissibility![0]).toBe(1);
    expect(stages.admissibility![1]).toBeCloseTo(3, 9);
    expect(await differences()).toBe(0);
    const { rows: empty } = await sql<{ n: number }>`
      select count(*)::int as n from dashboard_stage_duration_days where durations <= 0`.execute(db);
    expect(empty[0]!.n).toBe(0);
  });

  // Last: it rolls the schema back and forth.
  it("back-fills the milestones and the pair gaps from the journal when the migration is applied to existing data", async () => {
    const viewer = { userId: staff, role: "certifier_staff" as const };
    const before = await readDashboard(db, viewer, PERIOD);
    const rolledBack: string[] = [];
    while (!rolledBack.includes("2026-11-30-0110-dashboard-indexes")) {
      const step = await migrateDown(db);
      if (step.length === 0) throw new Error("the dashboard's migration was never rolled back");
      rolledBack.push(...step);
    }
    expect(await migrateToLatest(db)).toEqual([...rolledBack].reverse());
    expect(await readDashboard(db, viewer, PERIOD)).toEqual(before);
  });
});
