// Demo data through the services: candidacies started over two years, each taken as far as its plan and the end
// of the period allow, by the same service calls the pages make (documents, events, narratives, evidence,
// staffing, scores, deliberation, minutes, validation) and timers fired as the worker would. A simulated clock
// moves day by day: timers due at each day's start fire first, then every candidacy with something to do that day
// acts, several at a time (they never touch each other's rows), then the day's side effects are delivered.
// Deterministic for a seed and an end date (docs/decisions/031).
import type { Kysely } from "kysely";
import {
  countCandidaciesByState,
  countUsersWithEmailSuffix,
  markEmailsSent,
  refreshPlannerStatistics,
} from "../../../db/queries/demo-data";
import { getDecision, getCandidacySummary } from "../../../db/queries/candidacies";
import type { Database } from "../../../db/schema";
import { cqpCommercialSedentaire } from "../../../db/seed/cqp-commercial-sedentaire";
import { admissibilitySilenceDeadline } from "../../../workflows/candidacy-dates";
import type { CandidacyEvent, EventActor } from "../../../workflows/candidacy-machine";
import type { Decision } from "../../../workflows/decision";
import { type PasswordHasher, createStaffAccount, signUpCandidate } from "../accounts.server";
import { CERTIFICATES_ISSUE_TOPIC, createCandidacy, sendCandidacyEvent } from "../candidacies.server";
import { issueCertificatesForCandidacy } from "../certificate-issuing.server";
import { loadIssuerKey } from "../credentials/signing-key.server";
import { addAdmissibilityDocument } from "../documents.server";
import { addEvidence, saveNarrative, submitDossier } from "../dossiers.server";
import { comparisonView, castVote, closeDeliberation } from "../evaluation-deliberation.server";
import { declareNoLink, saveDraft, submitScores } from "../evaluation.server";
import { assignPair, recordAttendance, scheduleSession, sendBackDossier } from "../evaluation-staffing.server";
import { createEvaluatorProfile, createProfileSchema } from "../evaluator-pool.server";
import { recordMinutesSignature, saveRecommendations } from "../minutes.server";
import type { Mailer } from "../mailer.server";
import { outboxDeliverer } from "../outbox-delivery.server";
import { hashPassword } from "../passwords.server";
import { validateDecision } from "../results.server";
import type { ObjectStorage } from "../storage";
import { type DeliverOutboxMessage, deliverOutbox, fireDueTimers } from "../worker.server";
import { getConfig } from "../../utils/env.server";
import { tinyPdf, tinyPng, uploadRequest } from "./files";
import {
  CANDIDATE_EMPLOYERS,
  COVERAGE,
  type CandidacyPlan,
  EVALUATOR_EMPLOYERS,
  FIRST_NAMES,
  INADMISSIBLE_REASONS,
  INCOMPLETE_REASONS,
  JOB_TITLES,
  LAST_NAMES,
  RECOMMENDATION_TEXTS,
  type StopAt,
  WITHDRAW_REASONS,
  narrativeText,
  pairScores,
  planCandidacy,
} from "./plan";
import { type Random, seededRandom } from "./random";

const DAY = 86_400_000;
const DEMO_PUBLIC_URL = "http://demo.invalid";
const MINUTE = 60_000;

/** Every demo account's password (the demo's people are fictitious; the summary prints it). */
export const DEMO_DATA_PASSWORD = "Tartine-beurre-2026";

export interface DemoDataOptions {
  candidacies: number;
  seed: string;
  /** The end of the simulated period (its first instant is two years before); the clock stops there. */
  until: Date;
  /** Candidacies acting at the same time within a simulated day. */
  concurrency?: number;
  /** Evaluators in the pool. */
  evaluators?: number;
  /**
   * Leave the outbox's side effects other than e-mails (identity purge, minutes PDF) to the portal's worker:
   * rendering a minutes PDF costs more than the rest of a candidacy, which matters at 100 000.
   */
  deferSideEffects?: boolean;
  /** Called about once per simulated month, and at the end. */
  onProgress?: (progress: DemoProgress) => void;
  /** Candidacies are split in this many shards, each with its own lanes (index modulo the count). */
  shards?: number;
  /**
   * Opens the shards elsewhere (other processes, on a database server): given the setup every shard shares, returns
   * one DemoShard per shard index. Without it, the shards run in this process.
   */
  openShards?: (setup: Omit<DemoShardSetup, "shardIndex">) => Promise<DemoShard[]>;
}

/** What a shard needs to play its candidacies: plain data, so that it can cross to another process. */
export interface DemoShardSetup {
  candidacies: number;
  seed: string;
  /** The end of the period, ISO. */
  until: string;
  concurrency: number;
  shardIndex: number;
  shardCount: number;
  cast: Cast;
}

export interface DemoShardProgress {
  started: number;
  serviceCalls: number;
}

/** The candidacies of one shard, played one simulated day at a time by the runner's clock. */
export interface DemoShard {
  /** Plays every candidacy of the shard due on that day (days since the epoch); resolves once all are done. */
  runDay(day: number): Promise<DemoShardProgress>;
  close(): Promise<void>;
}

export interface DemoProgress {
  day: string;
  started: number;
  total: number;
  serviceCalls: number;
  elapsedMs: number;
}

export interface DemoDataSummary {
  candidacies: number;
  byState: Record<string, number>;
  serviceCalls: number;
  timersFired: number;
  sideEffectsDelivered: number;
  emailsSent: number;
  /** How many times the planner statistics were refreshed during the load (ANALYZE). */
  statisticsRefreshed: number;
  durationMs: number;
  emailSuffix: string;
  password: string;
}

/** The e-mail domain part of one load's accounts: a seed's accounts are recognisable (and loaded once). */
export function demoEmailSuffix(seed: string): string {
  return `@s${seed.replace(/[^a-z0-9]/gi, "").toLowerCase() || "0"}.demo-data.example.org`;
}

export interface Cast {
  officers: string[];
  staff: string[];
  evaluators: Array<{ id: string; fullName: string; email: string }>;
}

interface World {
  db: Kysely<Database>;
  storage: ObjectStorage;
  cast: Cast;
  suffix: string;
  hash: PasswordHasher;
  calls: { count: number };
  competencyCodes: string[];
  files: { pdf: Uint8Array; png: Uint8Array };
}

export async function generateDemoData(
  db: Kysely<Database>,
  storage: ObjectStorage,
  options: DemoDataOptions,
): Promise<DemoDataSummary> {
  const started = Date.now();
  const suffix = demoEmailSuffix(options.seed);
  if ((await countUsersWithEmailSuffix(db, suffix)) > 0) {
    throw new Error(`This database already holds the demo data of seed "${options.seed}" (accounts *${suffix}).`);
  }
  const random = seededRandom(options.seed);
  const hash = memoisedHasher();
  const end = startOfUtcDay(options.until);
  const firstDay = end.getTime() - 730 * DAY;
  const cast = await createCast(db, random.fork("cast"), suffix, hash, options.evaluators ?? 60);

  const base: Omit<DemoShardSetup, "shardIndex"> = {
    candidacies: options.candidacies,
    seed: options.seed,
    until: end.toISOString(),
    concurrency: Math.max(1, options.concurrency ?? 4),
    shardCount: Math.max(1, options.shards ?? 1),
    cast,
  };
  const shards = options.openShards
    ? await options.openShards(base)
    : Array.from({ length: base.shardCount }, (_, shardIndex) =>
        openDemoShard(db, storage, { ...base, shardIndex }, hash),
      );

  // E-mails never reach the portal's deliverer (see deliver below), so this mailer is never called.
  const portal = outboxDeliverer(db, unreachableMailer, storage, DEMO_PUBLIC_URL);
  let dayEnd = new Date(0);
  // Certificates are dated at their issue: on the simulated clock, not the machine's, so that a load repeats.
  const deliver: DeliverOutboxMessage = async (message) => {
    // An e-mail queued by a side effect itself (a certificate issued) goes nowhere either, like markEmailsSent's.
    if (message.topic === "email") return;
    if (message.topic !== CERTIFICATES_ISSUE_TOPIC) return portal(message);
    const config = getConfig();
    await issueCertificatesForCandidacy(
      db,
      { storage, publicUrl: DEMO_PUBLIC_URL, certifier: config.certifier, issuerKey: () => loadIssuerKey(config) },
      (message.payload as { candidacyId: string }).candidacyId,
      { at: dayEnd },
    );
  };
  let timersFired = 0;
  let sideEffectsDelivered = 0;
  let emailsSent = 0;
  let progress: DemoShardProgress = { started: 0, serviceCalls: 0 };
  let lastMonth = "";
  // Statistics refreshed each time the load has doubled: a handful of ANALYZE for 100 000 candidacies. Without them,
  // on a server whose autovacuum is off or behind, a 30 000 load slowed from 495 to 250 calls/s (the staffing
  // suggestions' employer lookup went from 0.2 ms to 966 ms, planned for the nearly empty tables of the start).
  let statisticsRefreshed = 0;
  let refreshStatisticsAt = 500;
  const report = (day: Date) =>
    options.onProgress?.({
      day: isoDay(day),
      started: progress.started,
      total: options.candidacies,
      serviceCalls: progress.serviceCalls,
      elapsedMs: Date.now() - started,
    });
  for (let day = dayOf(firstDay); day < dayOf(end.getTime()); day++) {
    const dayStart = new Date(day * DAY);
    // The worker's timers first, at the day's first instant: silence, lapses, reminders.
    for (;;) {
      const runs = await fireDueTimers(db, dayStart, { limit: 500 });
      timersFired += runs.length;
      if (runs.length < 500) break;
    }
    // Every shard acts for the day before the next day's timers fire: the clock is the same for all.
    const days = await Promise.all(shards.map((shard) => shard.runDay(day)));
    progress = days.reduce((sum, p) => ({
      started: sum.started + p.started,
      serviceCalls: sum.serviceCalls + p.serviceCalls,
    }));
    // The day's side effects: e-mails recorded as sent, identity documents purged, minutes rendered and stored.
    dayEnd = new Date(dayStart.getTime() + DAY - 1);
    emailsSent += await markEmailsSent(db, dayEnd);
    while (!options.deferSideEffects) {
      const { delivered, failed } = await deliverOutbox(db, deliver, dayEnd, { limit: 200, owner: "demo-data" });
      if (failed > 0) throw new Error(`demo data: ${failed} side effect(s) failed on ${isoDay(dayStart)}`);
      sideEffectsDelivered += delivered;
      if (delivered < 200) break;
    }
    if (progress.serviceCalls >= refreshStatisticsAt) {
      await refreshPlannerStatistics(db);
      statisticsRefreshed++;
      refreshStatisticsAt = progress.serviceCalls * 2;
    }
    const month = isoDay(dayStart).slice(0, 7);
    if (month !== lastMonth) {
      lastMonth = month;
      report(dayStart);
    }
  }
  report(end);
  await Promise.all(shards.map((shard) => shard.close()));
  return {
    candidacies: options.candidacies,
    byState: await countCandidaciesByState(db),
    serviceCalls: progress.serviceCalls,
    timersFired,
    sideEffectsDelivered,
    emailsSent,
    statisticsRefreshed,
    durationMs: Date.now() - started,
    emailSuffix: suffix,
    password: DEMO_DATA_PASSWORD,
  };
}

/** argon2 once for the one password every demo account shares (see PasswordHasher). */
function memoisedHasher(): PasswordHasher {
  const hashes = new Map<string, Promise<string>>();
  return (password) => {
    const known = hashes.get(password);
    if (known) return known;
    const hashed = hashPassword(password);
    hashes.set(password, hashed);
    return hashed;
  };
}

const dayOf = (time: number) => Math.floor(time / DAY);

/**
 * One shard's candidacies (those whose index modulo the shard count is the shard's), played in this process. Each
 * candidacy's start and life draw from its own generator, so the split changes no candidacy's plan or dates.
 */
export function openDemoShard(
  db: Kysely<Database>,
  storage: ObjectStorage,
  setup: DemoShardSetup,
  hash: PasswordHasher = memoisedHasher(),
): DemoShard {
  const end = Date.parse(setup.until);
  const firstDay = end - 730 * DAY;
  const world: World = {
    db,
    storage,
    suffix: demoEmailSuffix(setup.seed),
    hash,
    calls: { count: 0 },
    cast: setup.cast,
    competencyCodes: cqpCommercialSedentaire.referential.blocs.flatMap((b) => b.competencies.map((c) => c.code)),
    files: { pdf: tinyPdf("demo"), png: tinyPng() },
  };
  const random = seededRandom(setup.seed);

  type Pending = { index: number; wake: number; flow?: AsyncGenerator<Date, void> };
  const buckets = new Map<number, Pending[]>();
  const enqueue = (item: Pending) => {
    const day = dayOf(item.wake);
    const list = buckets.get(day);
    if (list) list.push(item);
    else buckets.set(day, [item]);
  };
  for (let index = setup.shardIndex; index < setup.candidacies; index += setup.shardCount) {
    const draw = random.fork(`start/${index}`);
    const coverage = COVERAGE[index];
    const at = coverage
      ? end - draw.int(...coverage.daysBeforeEnd) * DAY + draw.int(7 * 60, 17 * 60) * MINUTE
      : firstDay + Math.floor(draw.next() * (729 * DAY));
    enqueue({ index, wake: at });
  }

  let started = 0;
  return {
    async runDay(day) {
      const due = (buckets.get(day) ?? []).sort((x, y) => x.wake - y.wake || x.index - y.index);
      buckets.delete(day);
      let next = 0;
      const lane = async () => {
        while (next < due.length) {
          const item = due[next++]!;
          if (!item.flow) {
            started++;
            item.flow = candidacyFlow(
              world,
              item.index,
              seededRandom(setup.seed).fork(`candidacy/${item.index}`),
              item.wake,
            );
          }
          for (;;) {
            const step = await item.flow.next();
            if (step.done) break;
            const wake = step.value.getTime();
            if (dayOf(wake) <= day) continue;
            // Past the end of the period: the candidacy stays where it is, as live data.
            if (wake < end) enqueue({ ...item, wake });
            break;
          }
        }
      };
      await Promise.all(Array.from({ length: setup.concurrency }, lane));
      return { started, serviceCalls: world.calls.count };
    },
    close: async () => undefined,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The staff: officers, certifier staff, and the evaluator pool (accounts through the accounts service, profiles
// through the pool's service, as certifier staff create them)
// ---------------------------------------------------------------------------------------------------------------

async function createCast(
  db: Kysely<Database>,
  random: Random,
  suffix: string,
  hash: PasswordHasher,
  evaluatorCount: number,
): Promise<Cast> {
  const account = async (
    local: string,
    fullName: string,
    role: "admissibility_officer" | "certifier_staff" | "evaluator",
  ) => {
    const email = `${local}${suffix}`;
    const outcome = await createStaffAccount(
      db,
      "system",
      { email, fullName, password: DEMO_DATA_PASSWORD, roles: [role] },
      { ip: null, hashPassword: hash },
    );
    if (!outcome.ok) throw new Error(`demo account ${email}: ${JSON.stringify(outcome.fieldErrors)}`);
    return { id: outcome.value.userId, email, fullName };
  };
  const name = () => `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`;
  const officers = [];
  for (let i = 1; i <= 6; i++) officers.push((await account(`recevabilite.${i}`, name(), "admissibility_officer")).id);
  const staff = [];
  for (let i = 1; i <= 3; i++) staff.push((await account(`certificateur.${i}`, name(), "certifier_staff")).id);
  const { id: certificationId } = await db
    .selectFrom("certifications")
    .select("id")
    .where("code", "=", cqpCommercialSedentaire.code)
    .executeTakeFirstOrThrow();
  const evaluators = [];
  for (let i = 1; i <= evaluatorCount; i++) {
    const civility = random.chance(0.5) ? "Mme" : "M.";
    const person = await account(`evaluateur.${String(i).padStart(3, "0")}`, name(), "evaluator");
    const input = createProfileSchema.parse({
      account: "existing",
      email: person.email,
      civility,
      employerName: random.pick(EVALUATOR_EMPLOYERS),
      employerSiret: "",
      sectors: "Commerce alimentaire, Distribution",
      certificationIds: [certificationId],
      isActive: "on",
    });
    const profile = await createEvaluatorProfile(db, { userId: staff[0]!, role: "certifier_staff" }, input);
    if (!profile.ok) throw new Error(`demo evaluator ${person.email}: ${profile.message}`);
    evaluators.push(person);
  }
  return { officers, staff, evaluators };
}

// ---------------------------------------------------------------------------------------------------------------
// One candidacy's life: an async generator that yields the instant it next acts at; the runner resumes it on
// that simulated day. Every call goes through a service, and any refusal stops the load (a bug of the plan).
// ---------------------------------------------------------------------------------------------------------------

async function* candidacyFlow(
  world: World,
  index: number,
  random: Random,
  startTime: number,
): AsyncGenerator<Date, void> {
  const { db, storage, cast, calls } = world;
  const plan = planCandidacy(random, index);
  const stalls = (state: StopAt) => plan.stopAt === state;
  let now = startTime;
  const at = () => new Date(now);
  const iso = () => new Date(now).toISOString();
  const minutes = (min: number, max: number) => {
    now += random.int(min, max) * MINUTE;
  };
  /** Moves to a later day, during office hours (07:00–17:00 UTC). */
  const days = (min: number, max: number) => {
    const day = Math.floor(now / DAY) + random.int(min, max);
    now = Math.max(now + MINUTE, day * DAY + random.int(7 * 60, 17 * 60) * MINUTE);
    return new Date(now);
  };
  const check = <T extends { ok: boolean }>(what: string, outcome: T): T & { ok: true } => {
    calls.count++;
    if (!outcome.ok) {
      throw new Error(`demo candidacy #${index} (${plan.fate}): ${what} refused: ${JSON.stringify(outcome)}`);
    }
    return outcome as T & { ok: true };
  };

  const number = String(index + 1).padStart(6, "0");
  const fullName = `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`;
  const signedUp = await signUpCandidate(
    db,
    { email: `candidat.${number}${world.suffix}`, fullName, password: DEMO_DATA_PASSWORD },
    { ip: null, hashPassword: world.hash },
  );
  calls.count++;
  if (!signedUp.ok) throw new Error(`demo candidate #${index}: ${JSON.stringify(signedUp.fieldErrors)}`);
  const candidate = { id: signedUp.value.userId };
  const asCandidate: EventActor = { type: "user", userId: candidate.id, role: "candidate" };
  const officer: EventActor = { type: "user", userId: random.pick(cast.officers), role: "admissibility_officer" };
  const staffId = random.pick(cast.staff);
  const asStaff: EventActor = { type: "user", userId: staffId, role: "certifier_staff" };
  const send = async (event: CandidacyEvent) => check(event.type, await sendCandidacyEvent(db, candidacyId, event));

  const created = check("createCandidacy", await createCandidacy(db, candidate.id, cqpCommercialSedentaire.code, at()));
  const candidacyId = created.candidacyId;
  const limits = { maxFileBytes: 1024 * 1024 };
  const upload = (fields: Record<string, string | string[]>, name: string) => {
    minutes(2, 15);
    const png = name.endsWith(".png");
    return uploadRequest(fields, {
      name,
      bytes: png ? world.files.png : world.files.pdf,
      type: png ? "image/png" : "application/pdf",
    });
  };

  // The request's documents, as the candidate adds them from the documents page.
  const employer = random.pick(CANDIDATE_EMPLOYERS);
  const periodEnd = new Date(now - random.int(0, 180) * DAY);
  const periodStart = new Date(periodEnd.getTime() - random.int(400, 3000) * DAY);
  const documents: Array<[Record<string, string>, string]> = [
    [{ kind: "identity" }, "carte-identite.png"],
    [
      {
        kind: "activity_proof",
        proofType: random.pick(["employer_attestation", "payslips", "employment_contract"]),
        periodStart: isoDay(periodStart),
        periodEnd: isoDay(periodEnd),
        employer,
        jobTitle: random.pick(JOB_TITLES),
        relatedToCqp: "yes",
      },
      "attestation-employeur.pdf",
    ],
    [{ kind: "sworn_statement" }, "declaration-sur-l-honneur.pdf"],
  ];
  const kept = plan.fate === "abandoned_draft" ? random.int(0, 2) : documents.length;
  for (const [fields, name] of documents.slice(0, kept)) {
    const request = upload(fields, name);
    check(
      `document ${fields.kind}`,
      await addAdmissibilityDocument(db, storage, candidate, candidacyId, request, limits, at),
    );
  }
  if (plan.fate === "abandoned_draft") return;

  yield days(0, 10);
  await send({ type: "SUBMIT_REQUEST", sworn: true, actor: asCandidate, at: iso() });
  const completedAt = iso();
  if (stalls("admissibility.pending")) return;

  if (plan.fate === "withdrawn_request") {
    yield days(3, 30);
    await send({ type: "WITHDRAW", reason: random.pick(WITHDRAW_REASONS) || undefined, actor: asCandidate, at: iso() });
    return;
  }

  if (plan.silence) {
    // Nobody answers: the worker's timer makes the request admissible two months after it was complete.
    now = Date.parse(admissibilitySilenceDeadline(completedAt));
    yield days(1, 2);
    const summary = await getCandidacySummary(db, candidacyId);
    calls.count++;
    if (summary?.state !== "admissible") {
      throw new Error(`demo candidacy #${index}: expected admissible by silence, found ${summary?.state}`);
    }
  } else {
    yield days(1, 20);
    await send({ type: "OPEN_REVIEW", actor: officer, at: iso() });
    if (stalls("admissibility.review")) return;
    if (plan.incomplete) {
      yield days(0, 5);
      await send({ type: "MARK_INCOMPLETE", reason: random.pick(INCOMPLETE_REASONS), actor: officer, at: iso() });
      if (stalls("admissibility.incomplete")) return;
      yield days(2, 25);
      await send({ type: "COMPLETE_REQUEST", actor: asCandidate, at: iso() });
      yield days(1, 10);
      await send({ type: "OPEN_REVIEW", actor: officer, at: iso() });
    }
    yield days(0, 12);
    if (plan.fate === "inadmissible") {
      await send({
        type: "DECLARE_INADMISSIBLE",
        reason: random.pick(INADMISSIBLE_REASONS),
        actor: officer,
        at: iso(),
      });
      return;
    }
    const validityEndsOn = plan.validityMonths ? isoDay(new Date(now + plan.validityMonths * 30 * DAY)) : undefined;
    await send({
      type: "DECLARE_ADMISSIBLE",
      ...(validityEndsOn ? { validityEndsOn } : {}),
      actor: officer,
      at: iso(),
    });
  }
  if (stalls("admissible")) return;

  // The dossier: the narratives over a few sittings, evidence files tied to competencies, then the filing.
  yield days(1, 30);
  await send({ type: "START_DOSSIER", actor: asCandidate, at: iso() });
  const codes = world.competencyCodes;
  const writeUntil =
    plan.fate === "lapsed" || plan.fate === "withdrawn_dossier" || stalls("dossier.inProgress")
      ? random.int(0, codes.length - 1)
      : codes.length;
  for (let i = 0; i < writeUntil; i++) {
    if (i > 0 && random.chance(0.2)) yield days(1, 8);
    minutes(5, 40);
    check(
      `narrative ${codes[i]}`,
      await saveNarrative(db, candidate, candidacyId, codes[i]!, narrativeText(random, codes[i]!), at()),
    );
  }
  if (plan.fate === "lapsed" || stalls("dossier.inProgress")) return;
  if (plan.fate === "withdrawn_dossier") {
    yield days(2, 40);
    await send({ type: "WITHDRAW", reason: random.pick(WITHDRAW_REASONS) || undefined, actor: asCandidate, at: iso() });
    return;
  }
  for (let i = 0; i < plan.evidenceCount; i++) {
    const linked = [...new Set([random.pick(codes), random.pick(codes)])];
    const png = random.chance(0.3);
    const request = upload(
      { caption: `Pièce ${i + 1} : exemple tiré de mon activité chez ${employer}.`, competencyCodes: linked },
      png ? `photo-vitrine-${i + 1}.png` : `piece-${i + 1}.pdf`,
    );
    check("evidence", await addEvidence(db, storage, candidate, candidacyId, request, limits, at));
  }
  yield days(1, 15);
  check("submitDossier", await submitDossier(db, candidate, candidacyId, { confirmWithoutEvidence: true }, at()));
  if (stalls("dossier.submitted")) return;

  // Staffing: a pair from the pool, then (after a send-back, once amended) the session.
  yield days(1, 12);
  const pair = pickPair(random, cast.evaluators);
  check(
    "assignPair",
    await assignPair(
      db,
      candidacyId,
      { userId: staffId },
      { evaluatorAId: pair[0].id, evaluatorBId: pair[1].id, presidentId: pair[0].id },
      at(),
    ),
  );
  if (plan.sendBack) {
    yield days(1, 6);
    check(
      "sendBack",
      await sendBackDossier(
        db,
        candidacyId,
        { userId: staffId },
        "Les pièces ne couvrent pas le bloc 2 : complétez-le.",
        at(),
      ),
    );
    yield days(3, 20);
    minutes(5, 30);
    const code = random.pick(codes);
    check("amend", await saveNarrative(db, candidate, candidacyId, code, narrativeText(random, code), at()));
    minutes(5, 30);
    check("resubmit", await submitDossier(db, candidate, candidacyId, { confirmWithoutEvidence: true }, at()));
    yield days(1, 5);
  }
  const session = () => {
    const day = Math.floor(now / DAY) + random.int(14, 45);
    return new Date(day * DAY + random.pick([8, 13]) * 3600_000).toISOString();
  };
  let startsAt = session();
  minutes(10, 60);
  const place = random.chance(0.7)
    ? { mode: "in_person" as const, location: "Maison de l'alimentation, 12 rue du Pain, Lyon" }
    : { mode: "video" as const, location: "https://visio.demo.invalid/session" };
  const schedule = async (what: string) => {
    const first = await scheduleSession(db, candidacyId, { userId: staffId }, { startsAt, ...place }, at());
    if (first.ok || first.code !== "late_reason_required") return check(what, first);
    // Past the end of the third month after the filing (a session missed, a late staffing): the page asks staff
    // for the reason in writing, and so it is given.
    calls.count++;
    const lateReason = "Date fixée au plus tôt selon les disponibilités du candidat et du binôme d’évaluateurs.";
    return check(
      what,
      await scheduleSession(db, candidacyId, { userId: staffId }, { startsAt, ...place, lateReason }, at()),
    );
  };
  await schedule("scheduleSession");
  yield days(0, 4);
  check("declareNoLink A", await declareNoLink(db, pair[0].id, candidacyId, at()));
  yield days(0, 4);
  check("declareNoLink B", await declareNoLink(db, pair[1].id, candidacyId, at()));
  if (plan.missesSession) {
    now = Date.parse(startsAt) + 4 * 3600_000;
    yield at();
    check("absence", await recordAttendance(db, candidacyId, { userId: staffId }, "absent", at()));
    yield days(1, 5);
    startsAt = session();
    await schedule("reschedule");
  }
  now = Date.parse(startsAt) + random.int(3 * 60, 6 * 60) * MINUTE;
  yield at();
  check("attendance", await recordAttendance(db, candidacyId, { userId: staffId }, "attended", at()));
  if (stalls("evaluation")) return;

  // Blind double scoring, each evaluator on their own schedule.
  const scores = pairScores(plan, random, codes);
  const order = random.chance(0.5) ? [0, 1] : [1, 0];
  for (const slot of order) {
    const evaluator = pair[slot]!;
    const own = slot === 0 ? scores.a : scores.b;
    minutes(20, 120);
    const entries = codes.map((code) => ({
      competencyCode: code,
      score: own[code]!,
      comment: `Entretien et pièces examinés pour ${code}.`,
      criteriaMet: [1],
    }));
    check("saveDraft", await saveDraft(db, evaluator.id, candidacyId, entries, at()));
    yield days(0, 3);
    check("submitScores", await submitScores(db, evaluator.id, candidacyId, at()));
  }

  let summary = await getCandidacySummary(db, candidacyId);
  calls.count++;
  if (summary?.state === "deliberation" && stalls("deliberation")) return;
  if (summary?.state === "deliberation") {
    // The president settles each disputed competency with a casting vote, then closes the deliberation.
    yield days(1, 5);
    const view = await comparisonView(db, pair[0].id, candidacyId);
    calls.count++;
    if (!view.ok) throw new Error(`demo candidacy #${index}: comparison refused`);
    const disputed = view.blocs.flatMap((b) => b.competencies.filter((c) => c.disputed).map((c) => c.code));
    const votes = disputed.map((code) => ({
      competencyCode: code,
      score: ((Number(scores.a[code]) + Number(scores.b[code])) / 2).toFixed(1),
      comment: "Note arrêtée après échange avec l'autre évaluateur.",
    }));
    check("castVote", await castVote(db, pair[0].id, candidacyId, votes, at()));
    minutes(10, 60);
    check("closeDeliberation", await closeDeliberation(db, pair[0].id, candidacyId, at()));
    summary = await getCandidacySummary(db, candidacyId);
  }
  if (summary?.state !== "minutes")
    throw new Error(`demo candidacy #${index}: expected minutes, found ${summary?.state}`);
  if (stalls("minutes")) return;

  // The minutes: recommendations for each bloc not awarded, then both signatures.
  const decision = await getDecision(db, candidacyId);
  calls.count++;
  const notAwarded = ((decision?.outcome as Decision | undefined)?.blocs ?? []).filter(
    (b) => b.status === "not_awarded",
  );
  yield days(0, 3);
  if (notAwarded.length > 0) {
    const texts = Object.fromEntries(notAwarded.map((b) => [b.code, random.pick(RECOMMENDATION_TEXTS)]));
    check("saveRecommendations", await saveRecommendations(db, pair[0].id, candidacyId, texts, at()));
    minutes(5, 30);
  }
  for (const evaluator of [pair[0], pair[1]]) {
    check("sign", await recordMinutesSignature(db, evaluator, candidacyId, null, at()));
    yield days(0, 3);
  }
  if (stalls("decided")) return;

  // Certifier staff validate within the 15 days; some candidacies are closed later.
  yield days(1, 10);
  check(
    "validateDecision",
    await validateDecision(db, { userId: staffId, role: "certifier_staff" }, candidacyId, at()),
  );
  if (plan.closes) {
    yield days(30, 120);
    await send({ type: "CLOSE", actor: asStaff, at: iso() });
  }
}

const unreachableMailer: Mailer = {
  mode: "files",
  from: "Portail VAE <ne-pas-repondre@demo.invalid>",
  send: () => Promise.reject(new Error("demo data sends no e-mail")),
  close: () => undefined,
};

function pickPair(random: Random, pool: Cast["evaluators"]) {
  const first = random.int(0, pool.length - 1);
  const second = (first + random.int(1, pool.length - 1)) % pool.length;
  return [pool[first]!, pool[second]!] as const;
}

function startOfUtcDay(date: Date): Date {
  return new Date(Math.floor(date.getTime() / DAY) * DAY);
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export type { CandidacyPlan };
