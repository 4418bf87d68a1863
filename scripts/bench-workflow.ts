// `npm run bench:workflow -- [--candidacies 200] [--concurrency 8] [--pool 10] [--unnamed] [--cpu-profile FILE]`
//
// What it measures: how many candidacy events per second the candidacy service (`sendCandidacyEvent`) accepts on a
// PostgreSQL server. An event reads the candidacy row, checks the event against the statechart, then saves the next
// snapshot, appends a journal row and writes its outbox messages, timers and acquired blocs in one autocommit
// statement that checks the row version (docs/decisions/009-event-write-path.md); SUBMIT_REQUEST, and the events
// the evaluation service sends, run in a transaction under the row lock instead. The
// benchmark takes N candidacies (--candidacies) through the whole lifecycle, 16 accepted events each
// (SUBMIT_REQUEST … CLOSE, as in tests/integration/candidacy-workflow.test.ts; the two SUBMIT_SCORES go through
// the evaluation service's submitScores, as the portal sends them), with C workers (--concurrency): a worker takes
// whole candidacies, so the events of one candidacy are sequential and different candidacies run in parallel, on a
// pool of P connections (--pool, default DATABASE_POOL_SIZE or 10). It reports events/s and the p50/p95 latency of
// one event.
//
// The baseline (docs/decisions/033): the same events' rows written by the same SQL without the framework. One
// candidacy's lifecycle runs through the service first, on a Kysely instance whose logger records every statement
// the driver receives, with its parameters (BEGIN and COMMIT included). For another N candidacies, that recording is
// replayed over a bare pg pool of the same size: the candidacy's and candidate's ids swapped in the parameters
// beforehand, autocommit statements on any connection, a transaction's on one connection, the event's write named as
// the portal names it. No statechart, no query builder, no JSON built or parsed beyond what pg does with the rows.
// Same workers, same order, half before and half after the service's run (the machine may be busy with something
// else for a while), and a check that a replayed candidacy ends as the service's did (state, version, journal,
// outbox, timers, blocs, decision). The goal: events/s of the service ≥ 0.8 × the baseline's, i.e. the framework's
// own cost (statechart, Kysely, the services' JavaScript) under 20 %.
//
// To tell where the time goes, it also prints:
//   - the CPU spent per event by this Node.js process and, when the server runs on this (Linux) machine, by the
//     PostgreSQL backends serving the throwaway database (read from /proc), for the service and the baseline. When
//     Node and PostgreSQL share a few cores, the ratio follows the CPU spent per event by both together;
//   - the CPU per event of each type, Node.js and PostgreSQL backends apart: another N candidacies take the
//     lifecycle one step at a time, all of them together (same workers and pool), so that each step is measured alone;
//   - the SQL statements per event (BEGIN and COMMIT included), counted on one candidacy run alone, with the
//     client-observed time spent in them versus the whole event;
//   - the CPU cost per event of the statechart work the service does in JavaScript (restoreSnapshot, checkEvent,
//     nextSnapshot beside XState's transition(), stateKey, persistSnapshot + JSON.stringify, effectsOf), without a
//     database.
// --unnamed sends the event's write unnamed on both paths (DATABASE_PREPARED_STATEMENTS=false), to see what the named
// statement saves the server; --cpu-profile writes a V8 CPU profile of the service's measured run.
//
// It works on a throwaway database created on the server named by DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/postgres): created, migrated and seeded here, dropped at the end, also on
// error or Ctrl-C. Candidates are inserted directly with one precomputed password hash (argon2 per user would
// dominate the set-up), and so are the evaluators' scores (saving scores is not a statechart event); the officer,
// the certifier staff and the two evaluators go through the account service.
// It is a benchmark, not a test: it asserts nothing about the figures and exits non-zero only on an actual error.
// Its last line is one JSON object: events_per_s, baseline_per_s, ratio, the p95 of an event on each path, and
// cpu_ratio (CPU per event of the baseline ÷ the service's, Node.js + backends: steadier on a busy machine).
import "../server/load-env";
import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import inspector from "node:inspector";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { initialTransition, transition } from "xstate";
import { createCandidacy, sendCandidacyEvent } from "../app/services/candidacies.server";
import { submitScores } from "../app/services/evaluation.server";
import { hashPassword } from "../app/services/passwords.server";
import { type DatabaseHandle, openDatabase } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { preparedQueryConfig } from "../db/prepared-statements";
import type { Database } from "../db/schema";
import {
  CQP_CODE,
  attachRequestDocuments,
  createUser,
  seedCertifications,
} from "../tests/integration/support/fixtures";
import { effectsOf } from "../workflows/candidacy-effects";
import {
  type CandidacyEvent,
  type CandidacySnapshot,
  type EventActor,
  type Role,
  candidacyMachine,
  checkEvent,
  nextSnapshot,
  stateKey,
} from "../workflows/candidacy-machine";
import { persistSnapshot, restoreSnapshot } from "../workflows/candidacy-snapshot";

const DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres";
const usage = `Usage: npm run bench:workflow -- [--candidacies N] [--concurrency C] [--pool P]
  --candidacies  candidacies measured, 16 events each (default 200)
  --concurrency  workers, each taking whole candidacies (default 8)
  --pool         database connections (default DATABASE_POOL_SIZE or 10)
  --verbose      also print every SQL statement of one candidacy's lifecycle
  --unnamed      send the event's write unnamed on both paths (DATABASE_PREPARED_STATEMENTS=false), to compare
  --cpu-profile  FILE: write a CPU profile (.cpuprofile, for Chrome DevTools) of the service's measured run
Server: DATABASE_URL (default ${DEFAULT_URL}); a throwaway database is created on it and dropped afterwards.`;

// ---------------------------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------------------------

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer (got ${JSON.stringify(value)}).\n\n${usage}`);
    process.exit(2);
  }
  return n;
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      candidacies: { type: "string" },
      concurrency: { type: "string" },
      pool: { type: "string" },
      verbose: { type: "boolean" },
      "cpu-profile": { type: "string" },
      unnamed: { type: "boolean" },
      help: { type: "boolean" },
    },
  }));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const CANDIDACIES = positiveInteger("candidacies", values.candidacies, 200);
const CONCURRENCY = positiveInteger("concurrency", values.concurrency, 8);
const POOL_SIZE = positiveInteger("pool", values.pool ?? process.env.DATABASE_POOL_SIZE, 10);
/** Candidacies run through the lifecycle before measuring (JIT, connections, caches), not counted. */
const WARMUP_CANDIDACIES = Math.max(CONCURRENCY, 10);
/** Candidacies run one at a time, after the measurement, to count statements per event. */
const PROFILE_CANDIDACIES = 5;
/** Candidacies taken through the lifecycle one step at a time, after the measurement, for the CPU per event type. */
const STEPPED_CANDIDACIES = CANDIDACIES;
const SERVER_URL = process.env.DATABASE_URL || DEFAULT_URL;
const VERBOSE = values.verbose ?? false;
const CPU_PROFILE = values["cpu-profile"];
/** Both paths send every statement unnamed (DATABASE_PREPARED_STATEMENTS=false): what the named write saves. */
const UNNAMED = values.unnamed ?? false;

// ---------------------------------------------------------------------------------------------------------------
// The throwaway database (mirrors createServerDatabase of tests/integration/support/test-database.ts, which reads
// DATABASE_URL when imported and throws without it)
// ---------------------------------------------------------------------------------------------------------------

async function adminQuery(text: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await client.query(text, params);
  } finally {
    await client.end();
  }
}

async function createThrowawayDatabase(): Promise<{ name: string; url: string }> {
  const name = `vae_bench_${randomBytes(6).toString("hex")}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

async function dropThrowawayDatabase(name: string): Promise<void> {
  // A closed pool's connections finish ending asynchronously: wait for them before forcing the drop.
  for (let i = 0; i < 50; i++) {
    const { rows } = await adminQuery("select count(*)::int as n from pg_stat_activity where datname = $1", [name]);
    if (rows[0].n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await adminQuery(`drop database if exists ${name} with (force)`);
}

// ---------------------------------------------------------------------------------------------------------------
// People and the lifecycle
// ---------------------------------------------------------------------------------------------------------------

interface Staff {
  officerId: string;
  staffId: string;
  evaluatorA: string;
  evaluatorB: string;
}

const as = (userId: string, role: Role): EventActor => ({ type: "user", userId, role });

/**
 * The 16 accepted events that take a fresh draft to "closed" (agreed scores, no send-back). The jointOutcome of
 * the second SUBMIT_SCORES is what the evaluation service computes from the scores (used as is by profileCpu).
 */
function lifecycle(candidateId: string, s: Staff): CandidacyEvent[] {
  const candidate = as(candidateId, "candidate");
  const officer = as(s.officerId, "admissibility_officer");
  const staff = as(s.staffId, "certifier_staff");
  return [
    { type: "SUBMIT_REQUEST", sworn: true, actor: candidate, at: "2026-03-02T09:00:00.000Z" },
    { type: "OPEN_REVIEW", actor: officer, at: "2026-03-05T09:00:00.000Z" },
    { type: "DECLARE_ADMISSIBLE", validityEndsOn: "2027-03-05", actor: officer, at: "2026-03-06T09:00:00.000Z" },
    { type: "START_DOSSIER", actor: candidate, at: "2026-04-01T09:00:00.000Z" },
    { type: "SUBMIT_DOSSIER", version: 1, actor: candidate, at: "2026-05-10T09:00:00.000Z" },
    {
      type: "ASSIGN_PAIR",
      evaluatorAId: s.evaluatorA,
      evaluatorBId: s.evaluatorB,
      presidentId: s.evaluatorA,
      actor: staff,
      at: "2026-05-12T09:00:00.000Z",
    },
    { type: "START_SCORING", noLink: true, actor: as(s.evaluatorA, "evaluator"), at: "2026-05-20T09:00:00.000Z" },
    { type: "START_SCORING", noLink: true, actor: as(s.evaluatorB, "evaluator"), at: "2026-05-21T09:00:00.000Z" },
    {
      type: "SCHEDULE_SESSION",
      startsAt: "2026-05-28T09:00:00.000Z",
      mode: "in_person",
      location: "CFA de Rungis",
      actor: staff,
      at: "2026-05-21T10:00:00.000Z",
    },
    { type: "RECORD_ATTENDANCE", attendance: "attended", actor: staff, at: "2026-05-28T12:00:00.000Z" },
    { type: "SUBMIT_SCORES", actor: as(s.evaluatorA, "evaluator"), at: "2026-06-01T09:00:00.000Z" },
    {
      type: "SUBMIT_SCORES",
      jointOutcome: "agreed",
      result: "partial",
      actor: as(s.evaluatorB, "evaluator"),
      at: "2026-06-02T09:00:00.000Z",
    },
    { type: "SIGN_MINUTES", actor: as(s.evaluatorA, "evaluator"), at: "2026-06-03T09:00:00.000Z" },
    { type: "SIGN_MINUTES", actor: as(s.evaluatorB, "evaluator"), at: "2026-06-03T10:00:00.000Z" },
    { type: "VALIDATE_DECISION", actor: staff, at: "2026-06-05T09:00:00.000Z" },
    { type: "CLOSE", actor: { type: "system" }, at: "2026-06-06T09:00:00.000Z" },
  ];
}
const EVENTS_PER_CANDIDACY = 16;

interface Draft {
  candidacyId: string;
  candidateId: string;
}

/** Inserts candidates directly (users + user_roles), all with one password hash computed once. */
async function insertCandidates(db: Kysely<Database>, count: number): Promise<string[]> {
  const passwordHash = await hashPassword("Bench-password-2026");
  const ids: string[] = [];
  for (let start = 0; start < count; start += 500) {
    const batch = Array.from({ length: Math.min(500, count - start) }, (_, i) => ({
      email: `candidat.${start + i}@bench.exemple.fr`,
      full_name: `Candidat ${start + i}`,
      password_hash: passwordHash,
    }));
    const rows = await db.insertInto("users").values(batch).returning("id").execute();
    await db
      .insertInto("user_roles")
      .values(rows.map((r) => ({ user_id: r.id, role: "candidate" as const, granted_by: null })))
      .execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

function expectAccepted(outcome: { ok: true } | { ok: false; code: string; message: string }, what: string): void {
  if (!outcome.ok) throw new Error(`${what} refused: ${outcome.code} ${outcome.message}`);
}

/**
 * Sends one lifecycle event the way the portal does: score-carrying events through the evaluation service (which
 * compares the two evaluators' scores, records the decision and then applies SUBMIT_SCORES in the same
 * transaction), every other one through `sendCandidacyEvent`.
 */
async function sendEvent(db: Kysely<Database>, candidacyId: string, event: CandidacyEvent): Promise<void> {
  if (event.type === "SUBMIT_SCORES" && event.actor.type === "user") {
    expectAccepted(await submitScores(db, event.actor.userId, candidacyId, new Date(event.at)), event.type);
  } else {
    expectAccepted(await sendCandidacyEvent(db, candidacyId, event), event.type);
  }
}

/**
 * Both evaluators' scores for every competency, inserted directly beforehand: saving scores from the scoring form
 * is not a statechart event, and agreeing scores (72 and 74.5, within tolerance) lead straight to a decision.
 */
async function insertScores(db: Kysely<Database>, drafts: Draft[], staff: Staff): Promise<void> {
  const competencies = await db.selectFrom("competencies").select("code").distinct().execute();
  const rows = drafts.flatMap(({ candidacyId }) =>
    competencies.flatMap(({ code }) => [
      { candidacy_id: candidacyId, evaluator_id: staff.evaluatorA, competency_code: code, score: "72.0" },
      { candidacy_id: candidacyId, evaluator_id: staff.evaluatorB, competency_code: code, score: "74.5" },
    ]),
  );
  for (let start = 0; start < rows.length; start += 1000) {
    await db
      .insertInto("evaluation_scores")
      .values(rows.slice(start, start + 1000))
      .execute();
  }
}

/** Runs `task` over `items` with `workers` concurrent workers pulling from one queue. */
async function runWorkers<T>(
  items: T[],
  workers: number,
  task: (item: T, worker: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(workers, items.length) }, async (_, worker) => {
      while (next < items.length) {
        const item = items[next++]!;
        await task(item, worker);
      }
    }),
  );
}

async function createDrafts(db: Kysely<Database>, candidateIds: string[]): Promise<Draft[]> {
  const drafts: Draft[] = [];
  await runWorkers(candidateIds, CONCURRENCY, async (candidateId) => {
    const outcome = await createCandidacy(db, candidateId, CQP_CODE);
    expectAccepted(outcome, "createCandidacy");
    if (!outcome.ok) return;
    // A request is filed with its documents (not timed: the candidate uploads them beforehand).
    await attachRequestDocuments(db, outcome.candidacyId);
    drafts.push({ candidacyId: outcome.candidacyId, candidateId });
  });
  return drafts;
}

/** Takes the drafts through the lifecycle; returns the latency of each event in milliseconds. */
async function runLifecycles(db: Kysely<Database>, drafts: Draft[], staff: Staff): Promise<number[]> {
  const latencies: number[] = [];
  await runWorkers(drafts, CONCURRENCY, async ({ candidacyId, candidateId }) => {
    for (const event of lifecycle(candidateId, staff)) {
      const started = performance.now();
      await sendEvent(db, candidacyId, event);
      latencies.push(performance.now() - started);
    }
  });
  return latencies;
}

// ---------------------------------------------------------------------------------------------------------------
// Baseline: the same events' statements replayed over a bare pg pool
// ---------------------------------------------------------------------------------------------------------------

/** One statement as the driver received it: its text and its parameters, untouched. */
interface CapturedStatement {
  text: string;
  values: readonly unknown[];
}

/** The statements one accepted event sent, in order (BEGIN and COMMIT included), and its type. */
interface CapturedEvent {
  type: string;
  statements: CapturedStatement[];
}

/**
 * What one event's replay sends: autocommit statements each on whichever connection the pool gives (as Kysely
 * does outside a transaction), and a transaction's statements on one connection held from BEGIN to COMMIT.
 */
type ReplayStep =
  | { transaction: false; statement: CapturedStatement }
  | { transaction: true; statements: CapturedStatement[] };

/**
 * The captured lifecycle made into another candidacy's: the captured candidacy's id and its candidate's id are
 * replaced, in every string parameter (snapshots and payloads included), by the target's. Every other parameter
 * (row versions, instants, the evaluators' ids) is the same for every candidacy of the benchmark. Done before the
 * measurement: a hand-written program would have its parameters at hand.
 */
function replayPlan(captured: CapturedEvent[], from: Draft, to: Draft): ReplayStep[][] {
  const swap = (value: unknown): unknown => {
    if (typeof value === "string") {
      return value.replaceAll(from.candidacyId, to.candidacyId).replaceAll(from.candidateId, to.candidateId);
    }
    return Array.isArray(value) ? value.map(swap) : value;
  };
  return captured.map(({ statements }) => {
    const steps: ReplayStep[] = [];
    let transaction: CapturedStatement[] | null = null;
    for (const { text, values } of statements) {
      const statement = { text, values: values.map(swap) };
      const keyword = text.trim().toLowerCase();
      if (keyword === "begin" || keyword.startsWith("start transaction")) transaction = [statement];
      else if (transaction) {
        transaction.push(statement);
        if (keyword === "commit" || keyword === "rollback") {
          steps.push({ transaction: true, statements: transaction });
          transaction = null;
        }
      } else steps.push({ transaction: false, statement });
    }
    if (transaction) throw new Error("A captured event left its transaction open.");
    return steps;
  });
}

/**
 * Replays the plans (one per candidacy, whole candidacies per worker as the service's run) on `pool`, through
 * pg's own query path: statements sent as the portal sends them, the marked hot statement named
 * (db/prepared-statements.ts), nothing else. Returns the latency of each event in milliseconds.
 */
async function runReplays(pool: pg.Pool, plans: ReplayStep[][][]): Promise<number[]> {
  const latencies: number[] = [];
  const send = (client: pg.Pool | pg.PoolClient, { text, values }: CapturedStatement) =>
    client.query(
      (UNNAMED ? undefined : preparedQueryConfig(text, values as unknown[])) ?? { text, values: values as unknown[] },
    );
  await runWorkers(plans, CONCURRENCY, async (plan) => {
    for (const event of plan) {
      const started = performance.now();
      for (const step of event) {
        if (!step.transaction) {
          await send(pool, step.statement);
          continue;
        }
        const client = await pool.connect();
        try {
          for (const statement of step.statements) await send(client, statement);
        } finally {
          client.release();
        }
      }
      latencies.push(performance.now() - started);
    }
  });
  return latencies;
}

/**
 * The baseline must write what the service writes: a candidacy taken through the lifecycle by the service and one
 * taken by the replay end alike (state, row version, and as many journal, outbox, timer and acquired-bloc rows).
 */
async function checkReplayedLikeService(db: Kysely<Database>, byService: Draft, byReplay: Draft): Promise<void> {
  const footprint = async ({ candidacyId, candidateId }: Draft) => {
    const { rows } = await sql<Record<string, unknown>>`select c.state, c.row_version,
        (select count(*) from candidacy_events where candidacy_id = c.id)::int as journal,
        (select count(*) from outbox where candidacy_id = c.id)::int as outbox,
        (select count(*) from timers where candidacy_id = c.id)::int as timers,
        (select count(*) from timers where candidacy_id = c.id and cancelled_at is not null)::int as cancelled,
        (select count(*) from acquired_blocs where candidate_id = ${candidateId}::uuid)::int as blocs,
        (select count(*) from candidacy_decisions where candidacy_id = c.id)::int as decisions
      from candidacies c where c.id = ${candidacyId}::uuid`.execute(db);
    return rows[0];
  };
  const [service, replay] = [await footprint(byService), await footprint(byReplay)];
  if (JSON.stringify(service) !== JSON.stringify(replay)) {
    throw new Error(`The baseline did not write what the service wrote: ${JSON.stringify({ service, replay })}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Where the time goes
// ---------------------------------------------------------------------------------------------------------------

interface QueryProfile {
  /** Per event of the lifecycle, in order; `sql`: the statements of the last run (caches warm), with their durations. */
  events: { type: string; statements: number; sqlMs: number; totalMs: number; sql: string[] }[];
  /** The last candidacy's statements (caches warm) with their parameters, per event: what the baseline replays. */
  captured: CapturedEvent[];
  /** The candidacy they were captured on. */
  capturedOn: Draft;
}

/**
 * Candidacies through the lifecycle one at a time, on a Kysely instance whose logger sees every statement the
 * driver sends (BEGIN and COMMIT included) with its client-observed duration (round trip + server time). Times are
 * the medians over the candidacies.
 */
async function profileQueries(url: string, drafts: Draft[], staff: Staff): Promise<QueryProfile> {
  let statements = 0;
  let sqlMs = 0;
  let sqlTexts: string[] = [];
  let capturing: CapturedStatement[] = [];
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log(event) {
      statements++;
      sqlMs += event.queryDurationMillis;
      capturing.push({ text: event.query.sql, values: event.query.parameters });
      sqlTexts.push(
        `${f2(event.queryDurationMillis).padStart(6)} ms  ${event.query.sql.replace(/\s+/g, " ").slice(0, 140)}`,
      );
    },
  });
  const samples: (QueryProfile["events"][number] & { captured: CapturedStatement[] })[][] = [];
  try {
    for (const { candidacyId, candidateId } of drafts) {
      const run = [];
      for (const event of lifecycle(candidateId, staff)) {
        statements = 0;
        sqlMs = 0;
        sqlTexts = [];
        capturing = [];
        const started = performance.now();
        await sendEvent(db, candidacyId, event);
        run.push({
          type: event.type,
          statements,
          sqlMs,
          totalMs: performance.now() - started,
          sql: sqlTexts,
          captured: capturing,
        });
      }
      samples.push(run);
    }
  } finally {
    await db.destroy();
  }
  const median = (xs: number[]) => percentile(xs, 50);
  // The last candidacy's statements are the steady state's: the first one's also fill the process's caches (the
  // referential, read once per version), reads a replay of it would repeat for every candidacy.
  const steady = samples.at(-1)!;
  return {
    events: steady.map((last, i) => ({
      type: last.type,
      statements: last.statements,
      sqlMs: median(samples.map((s) => s[i]!.sqlMs)),
      totalMs: median(samples.map((s) => s[i]!.totalMs)),
      sql: last.sql,
    })),
    captured: steady.map(({ type, captured }) => ({ type, statements: captured })),
    capturedOn: drafts.at(-1)!,
  };
}

interface StepProfile {
  type: string;
  /** CPU per event, ms: this Node.js process, and the PostgreSQL backends (null: not readable here). */
  nodeMs: number;
  serverMs: number | null;
  perSecond: number;
}

/**
 * Every candidacy of `drafts` takes the lifecycle's first step, then all take the second, and so on, with the
 * measurement's workers: the CPU each step costs, under the same concurrency, without the other steps mixed in.
 */
async function profileSteps(
  db: Kysely<Database>,
  drafts: Draft[],
  staff: Staff,
  databaseName: string,
): Promise<StepProfile[]> {
  const steps: StepProfile[] = [];
  for (let step = 0; step < EVENTS_PER_CANDIDACY; step++) {
    const serverBefore = readBackends(databaseName);
    const cpu = process.cpuUsage();
    const started = performance.now();
    await runWorkers(drafts, CONCURRENCY, async ({ candidacyId, candidateId }) => {
      await sendEvent(db, candidacyId, lifecycle(candidateId, staff)[step]!);
    });
    const ms = performance.now() - started;
    const nodeMs = cpuMs(process.cpuUsage(cpu)) / drafts.length;
    const serverMs = backendCpuSince(databaseName, serverBefore);
    steps.push({
      type: lifecycle(drafts[0]!.candidateId, staff)[step]!.type,
      nodeMs,
      serverMs: serverMs === null ? null : serverMs / drafts.length,
      perSecond: rate(drafts.length, ms),
    });
  }
  return steps;
}

interface CpuProfile {
  restore: number;
  check: number;
  transition: number;
  /** XState's own `transition()`, which the service used before nextSnapshot (not in the total). */
  xstateTransition: number;
  stateKeys: number;
  persist: number;
  effects: number;
  total: number;
}

/**
 * The JavaScript the service runs per event around its SQL, without a database: restoreSnapshot of the stored
 * JSON (as pg parses jsonb; the first read of a row, which validates it), checkEvent, nextSnapshot (and XState's
 * transition() beside it, which the service used before), the two stateKey, JSON.stringify(persistSnapshot(next))
 * and effectsOf. Each step is timed in bulk over the events of `rounds` lifecycles, in CPU time (user + system) rather
 * than wall time: on a busy machine the process is descheduled in the middle of a step. Microseconds per event.
 */
function profileCpu(staff: Staff, rounds: number): CpuProfile {
  const steps: { stored: unknown; snapshot: CandidacySnapshot; event: CandidacyEvent; next: CandidacySnapshot }[] = [];
  for (let round = 0; round < rounds; round++) {
    const candidateId = `00000000-0000-4000-8000-${String(round).padStart(12, "0")}`;
    const [initial] = initialTransition(candidacyMachine, {
      candidacyId: `10000000-0000-4000-8000-${String(round).padStart(12, "0")}`,
      candidateId,
      certificationCode: CQP_CODE,
      referentialVersionId: "20000000-0000-4000-8000-000000000000",
    });
    let snapshot = initial;
    for (const event of lifecycle(candidateId, staff)) {
      const check = checkEvent(snapshot, event);
      if (!check.allowed) throw new Error(`${event.type} refused in the CPU profile: ${check.code}`);
      const next = nextSnapshot(snapshot, event);
      // What pg hands the service for the jsonb column (not timed: driver work).
      steps.push({ stored: JSON.parse(JSON.stringify(persistSnapshot(snapshot))), snapshot, event, next });
      snapshot = next;
    }
  }
  const micros = (work: (step: (typeof steps)[number]) => void) => {
    for (const step of steps.slice(0, 1000)) work(step); // warm-up: optimised code
    const cpu = process.cpuUsage();
    for (const step of steps) work(step);
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / steps.length;
  };
  const profile = {
    restore: micros(({ stored }) => restoreSnapshot(stored)),
    check: micros(({ snapshot, event }) => checkEvent(snapshot, event)),
    transition: micros(({ snapshot, event }) => nextSnapshot(snapshot, event)),
    xstateTransition: micros(({ snapshot, event }) => transition(candidacyMachine, snapshot, event)),
    stateKeys: micros(({ snapshot, next }) => stateKey(snapshot) + stateKey(next)),
    persist: micros(({ next }) => JSON.stringify(persistSnapshot(next))),
    effects: micros(({ snapshot, event, next }) => effectsOf(event, stateKey(snapshot), stateKey(next), next.context)),
    total: 0,
  };
  profile.total =
    profile.restore + profile.check + profile.transition + profile.stateKeys + profile.persist + profile.effects;
  return profile;
}

// ---------------------------------------------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------------------------------------------

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** CPU ms per event: this process, plus the backends when their reading is available. */
const perEventCpu = (nodeMs: number, serverMs: number | null, events: number) => (nodeMs + (serverMs ?? 0)) / events;
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);
const rate = (count: number, ms: number) => Math.round(count / (ms / 1000));
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

/** Starts V8's sampling profiler in this process; `stop` writes the profile to a file. */
async function startCpuProfile(): Promise<{ stop(file: string): Promise<void> }> {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post("Profiler.enable");
  await post("Profiler.start");
  return {
    async stop(file) {
      const { profile } = (await post("Profiler.stop")) as { profile: unknown };
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      console.log(`CPU profile of the service's run written to ${file}.`);
    },
  };
}

/** CPU clock ticks used so far by each PostgreSQL backend serving a database, by pid; null: none readable here. */
type BackendReading = Map<string, number> | null;

/**
 * Reads /proc for the backends serving `databaseName`: null when there are none to read (server on another machine,
 * not Linux).
 */
function readBackends(databaseName: string): BackendReading {
  const reading = new Map<string, number>();
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return null;
  }
  for (const pid of pids) {
    try {
      // Backends retitle themselves "postgres: [cluster: ]user database client state".
      const title = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      if (!title.startsWith("postgres: ") || !title.split(" ").includes(databaseName)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      reading.set(pid, Number(fields[11]) + Number(fields[12])); // utime, stime
    } catch {
      // The process ended meanwhile, or is not ours to read.
    }
  }
  return reading.size > 0 ? reading : null;
}

/**
 * CPU time (ms, user + system) the backends serving `databaseName` spent since `before`, backend by backend: a pool
 * closes connections idle for a while, and a backend gone meanwhile must not take away what it had spent before
 * (a difference of sums did, when the service's pool sat idle through a baseline half). A backend that ends in the
 * interval loses what it spent in it; pools keep theirs while they are busy.
 */
function backendCpuSince(databaseName: string, before: BackendReading): number | null {
  const after = readBackends(databaseName);
  if (before === null || after === null) return null;
  let ticks = 0;
  for (const [pid, now] of after) ticks += now - (before.get(pid) ?? 0);
  return ticks * 10; // clock ticks of 10 ms (USER_HZ = 100)
}

// ---------------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------------

let database: { name: string; url: string } | undefined;
let handle: DatabaseHandle | undefined;
let replayPool: pg.Pool | undefined;
let cleaningUp: Promise<void> | undefined;

function cleanUp(): Promise<void> {
  cleaningUp ??= (async () => {
    await replayPool?.end();
    await handle?.close();
    if (database) await dropThrowawayDatabase(database.name);
  })();
  return cleaningUp;
}

let interrupted = false;
process.once("SIGINT", () => {
  interrupted = true;
  console.error("\nInterrupted: dropping the throwaway database…");
  cleanUp().finally(() => process.exit(130));
});

let exitCode = 0;
try {
  console.log(
    `Workflow benchmark on ${new URL(SERVER_URL).host}: ` +
      `${CANDIDACIES} candidacies × ${EVENTS_PER_CANDIDACY} events, ${CONCURRENCY} workers, pool of ${POOL_SIZE}` +
      `${UNNAMED ? ", every statement unnamed" : ", the event's write named"}.`,
  );

  // Set-up (not measured).
  let t = performance.now();
  database = await createThrowawayDatabase();
  handle = await openDatabase({
    kind: "server",
    url: database.url,
    maxConnections: POOL_SIZE,
    preparedStatements: !UNNAMED,
  });
  const db = handle.db;
  await migrateToLatest(db);
  await seedCertifications(db);
  const staff: Staff = {
    officerId: await createUser(db, "admissibility_officer"),
    staffId: await createUser(db, "certifier_staff"),
    evaluatorA: await createUser(db, "evaluator"),
    evaluatorB: await createUser(db, "evaluator"),
  };
  // Drafts, in this order: the service's warm-up, the baseline's warm-up, the service's measured run, the
  // baseline's (the same number), the statements' profile (whose last candidacy the baseline replays), the steps.
  const sizes = [
    WARMUP_CANDIDACIES,
    WARMUP_CANDIDACIES,
    CANDIDACIES,
    CANDIDACIES,
    PROFILE_CANDIDACIES,
    STEPPED_CANDIDACIES,
  ];
  const candidateIds = await insertCandidates(
    db,
    sizes.reduce((sum, n) => sum + n, 0),
  );
  const drafts = await createDrafts(db, candidateIds);
  await insertScores(db, drafts, staff);
  const [warmup, baselineWarmup, measured, baselineDrafts, profiled, stepped] = sizes.map((n, i) => {
    const from = sizes.slice(0, i).reduce((sum, m) => sum + m, 0);
    return drafts.slice(from, from + n);
  }) as [Draft[], Draft[], Draft[], Draft[], Draft[], Draft[]];
  console.log(
    `Set-up: database ${database.name}, ${drafts.length} draft candidacies, in ${f1((performance.now() - t) / 1000)} s.`,
  );

  // The statements the service sends, one candidacy alone on one connection: counted, timed, and captured with
  // their parameters for the baseline, which replays them on other candidacies.
  const queries = await profileQueries(database.url, profiled, staff);
  const replays = (targets: Draft[]) => targets.map((to) => replayPlan(queries.captured, queries.capturedOn, to));
  // The replay pool: pg alone, as many connections as the service's, and the same global type parsers
  // (db/connection.ts sets them when imported).
  replayPool = new pg.Pool({ connectionString: database.url, max: POOL_SIZE, idleTimeoutMillis: 0 });

  // Warm-up (not measured): both code paths, all pool connections.
  await runLifecycles(db, warmup, staff);
  await runReplays(replayPool, replays(baselineWarmup));
  await sql`vacuum analyze`.execute(db);

  // Measured: the same number of events each. The baseline runs half before and half after the service, so that a
  // machine busy with something else for a while weighs on both figures alike.
  const databaseName = database.name;
  const half = Math.ceil(baselineDrafts.length / 2);
  const baselinePlans = [replays(baselineDrafts.slice(0, half)), replays(baselineDrafts.slice(half))];
  const baselineLatencies: number[] = [];
  let baselineMs = 0;
  let baselineCpuMs = 0;
  let baselineServerCpuMs: number | null = 0;
  const baselineHalf = async (plans: ReplayStep[][][]) => {
    const serverCpu = readBackends(databaseName);
    const cpu = process.cpuUsage();
    const started = performance.now();
    baselineLatencies.push(...(await runReplays(replayPool!, plans)));
    baselineMs += performance.now() - started;
    baselineCpuMs += cpuMs(process.cpuUsage(cpu));
    const spent = backendCpuSince(databaseName, serverCpu);
    baselineServerCpuMs = baselineServerCpuMs === null || spent === null ? null : baselineServerCpuMs + spent;
  };

  await baselineHalf(baselinePlans[0]!);
  const serverCpu = readBackends(databaseName);
  const cpu = process.cpuUsage();
  const profiler = CPU_PROFILE ? await startCpuProfile() : undefined;
  t = performance.now();
  const eventLatencies = await runLifecycles(db, measured, staff);
  const workflowMs = performance.now() - t;
  if (profiler && CPU_PROFILE) await profiler.stop(CPU_PROFILE);
  const workflowCpuMs = cpuMs(process.cpuUsage(cpu));
  const workflowServerCpuMs = backendCpuSince(databaseName, serverCpu);
  await baselineHalf(baselinePlans[1]!);
  await checkReplayedLikeService(db, measured[0]!, baselineDrafts[0]!);

  const eventsPerSecond = rate(eventLatencies.length, workflowMs);
  const baselinePerSecond = rate(baselineLatencies.length, baselineMs);
  const ratio = eventsPerSecond / baselinePerSecond;
  console.log("");
  console.log(
    `Events through the service:           ${eventLatencies.length} events in ${f1(workflowMs / 1000)} s → ` +
      `${eventsPerSecond} events/s (p50 ${f1(percentile(eventLatencies, 50))} ms, p95 ${f1(percentile(eventLatencies, 95))} ms)`,
  );
  console.log(
    `Baseline, the same statements over pg: ${baselineLatencies.length} events in ${f1(baselineMs / 1000)} s → ` +
      `${baselinePerSecond} events/s (p50 ${f1(percentile(baselineLatencies, 50))} ms, p95 ${f1(percentile(baselineLatencies, 95))} ms)`,
  );
  console.log(`Ratio: ${f2(ratio)} of baseline (goal ≥ 0.8)${ratio >= 0.8 ? "" : " — below the goal"}`);
  console.log(
    `Node.js CPU (this process, user+system): ${f2(workflowCpuMs / eventLatencies.length)} ms per event ` +
      `(${Math.round((100 * workflowCpuMs) / workflowMs)} % of a core), ${f2(baselineCpuMs / baselineLatencies.length)} ms per replayed event ` +
      `(${Math.round((100 * baselineCpuMs) / baselineMs)} % of a core); ${os.availableParallelism()} CPUs on this machine.`,
  );
  if (workflowServerCpuMs !== null && baselineServerCpuMs !== null) {
    console.log(
      `PostgreSQL backends CPU (server on this machine): ${f2(workflowServerCpuMs / eventLatencies.length)} ms per event, ` +
        `${f2(baselineServerCpuMs / baselineLatencies.length)} ms per replayed event.`,
    );
  }

  // Where the time goes.
  const steps = await profileSteps(db, stepped, staff, databaseName);
  const cpuOf = (node: number, server: number | null) =>
    server === null ? `${f2(node)} ms in Node.js` : `${f2(node)} + ${f2(server)} = ${f2(node + server)} ms`;
  console.log("");
  console.log(
    `CPU per event by type (Node.js + PostgreSQL backends), ${stepped.length} candidacies taking each step together ` +
      `(PostgreSQL's CPU is read in 10 ms ticks: ±${f2(10 / stepped.length)} ms):`,
  );
  for (const step of steps) {
    console.log(
      `  ${step.type.padEnd(19)} ${cpuOf(step.nodeMs, step.serverMs).padEnd(24)} ${String(step.perSecond).padStart(6)} events/s`,
    );
  }
  console.log(
    `  ${"baseline (mean)".padEnd(19)} ${cpuOf(baselineCpuMs / baselineLatencies.length, baselineServerCpuMs === null ? null : baselineServerCpuMs / baselineLatencies.length)}`,
  );

  const totalStatements = queries.events.reduce((sum, e) => sum + e.statements, 0);
  const sqlMs = queries.events.reduce((sum, e) => sum + e.sqlMs, 0);
  const eventMs = queries.events.reduce((sum, e) => sum + e.totalMs, 0);
  console.log("");
  console.log(
    `SQL statements per event (BEGIN/COMMIT included), one candidacy alone on one connection, median of ${profiled.length} runs:`,
  );
  for (const e of queries.events) {
    console.log(
      `  ${e.type.padEnd(19)} ${String(e.statements).padStart(2)} statements  ${f2(e.sqlMs).padStart(6)} ms in SQL of ${f2(e.totalMs).padStart(6)} ms`,
    );
    if (VERBOSE) for (const line of e.sql) console.log(`      ${line}`);
  }
  console.log(
    `  mean: ${f1(totalStatements / queries.events.length)} statements/event, ` +
      `${f2(sqlMs / queries.events.length)} ms in SQL of ${f2(eventMs / queries.events.length)} ms per event ` +
      `(${Math.round((100 * sqlMs) / eventMs)} % waiting on round trips and the server)`,
  );

  const statechart = profileCpu(staff, 500);
  console.log("");
  console.log("Statechart CPU per event, no database (µs of CPU time, mean over the events of 500 lifecycles):");
  console.log(
    `  restoreSnapshot ${f1(statechart.restore)}, checkEvent ${f1(statechart.check)}, nextSnapshot ${f1(statechart.transition)} ` +
      `(XState's transition() ${f1(statechart.xstateTransition)}), ` +
      `stateKey ×2 ${f1(statechart.stateKeys)}, persistSnapshot+stringify ${f1(statechart.persist)}, effectsOf ${f1(statechart.effects)} ` +
      `→ ${f1(statechart.total)} µs (at most ${Math.round(1e6 / statechart.total)} events/s on one core for this part alone)`,
  );
  console.log("");
  console.log(
    JSON.stringify({
      events_per_s: eventsPerSecond,
      baseline_per_s: baselinePerSecond,
      ratio: Number(ratio.toFixed(3)),
      event_p95_ms: Number(percentile(eventLatencies, 95).toFixed(2)),
      baseline_p95_ms: Number(percentile(baselineLatencies, 95).toFixed(2)),
      // CPU per event of the baseline ÷ the service's (Node.js + the backends when readable): on a machine busy with
      // other work, the steadier figure; it is what the ratio tends to when both are CPU-bound on the same cores.
      cpu_ratio: Number(
        (
          perEventCpu(baselineCpuMs, baselineServerCpuMs, baselineLatencies.length) /
          perEventCpu(workflowCpuMs, workflowServerCpuMs, eventLatencies.length)
        ).toFixed(3),
      ),
    }),
  );
} catch (error) {
  exitCode = 1;
  // Once interrupted, the pool is closed under the running workers: their errors are expected.
  if (!interrupted) console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  try {
    await cleanUp();
  } catch (error) {
    exitCode = 1;
    console.error(`Could not drop the throwaway database ${database?.name}:`, error);
  }
}
process.exit(exitCode);
