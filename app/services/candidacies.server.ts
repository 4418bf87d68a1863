// The candidacy service: the only way a candidacy changes. An event is checked against the statechart on the
// candidacy's row, then the legal rules that need the database (R335-7 quotas) are applied, and the next snapshot
// with a new row version, the event's journal row and its effects (notifications to the outbox, timers, blocs
// acquired) are written in one statement — all or nothing. Effects run after commit (worker).
//
// Two paths write events (docs/decisions/009-event-write-path.md). `sendCandidacyEvent` reads the row without a
// lock and writes with a version check (optimistic: a conflict writes nothing, and the event is checked again on
// the new state); `applyCandidacyEvent` works inside a caller's transaction under the row lock, and is the path of
// the events whose rules read other rows under a lock (filing a request: its documents, and R335-7's quotas).
import type { Kysely, Transaction } from "kysely";
import { initialTransition } from "xstate";
import {
  type CandidacyEventWrite,
  appendCandidacyEvent,
  cancelTimers,
  countRequestsInYear,
  enqueueOutbox,
  findCandidacy,
  listAcquiredBlocCodes,
  lockCandidacy,
  scheduleTimers,
  writeCandidacyEvent,
} from "../../db/queries/candidacies";
import { listAdmissibilityDocumentKinds } from "../../db/queries/documents";
import type { Database } from "../../db/schema";
import {
  CANDIDACY_MACHINE_VERSION,
  type CandidacyContext,
  type CandidacyEvent,
  type CandidacySnapshot,
  type CandidacyStateKey,
  FINAL_STATE_KEYS,
  type RefusalCode,
  candidacyMachine,
  stateKey,
  stepEvent,
} from "../../workflows/candidacy-machine";
import { persistSnapshot, rememberValidSnapshot, restoreSnapshot } from "../../workflows/candidacy-snapshot";
import { type CandidacyEffect, type Recipient, type TimerKind, effectsOf } from "../../workflows/candidacy-effects";
import { type Refusal, statusOfRuleCode } from "../../workflows/refusal";
import { checkRequestDocuments } from "../../workflows/request-documents";

export type CandidacyOutcome =
  | { ok: true; candidacyId: string; state: CandidacyStateKey; rowVersion: number }
  | (Refusal & { code: RefusalCode | CandidacyServiceRefusal });

export type CandidacyServiceRefusal =
  | "not_found"
  | "quota_same_certification"
  | "quota_per_year"
  | "unknown_certification"
  | "candidacy_in_progress"
  | "nothing_left_to_assess"
  | "invalid_prior_blocs"
  | "missing_documents";

/** At most this many admissibility requests a calendar year across certifications (Code de l'éducation R335-7). */
export const MAX_REQUESTS_PER_YEAR = 3;

const parisYear = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric" });
/** The calendar year of an instant as it is in France: 31 December 23:30 UTC is already next year in Paris. */
export function calendarYearInFrance(at: string | Date): number {
  return Number(parisYear.format(typeof at === "string" ? new Date(at) : at));
}

/** Starts a candidacy (draft) of a candidate for the active referential of a certification. */
export async function createCandidacy(
  db: Kysely<Database>,
  candidateId: string,
  certificationCode: string,
  now: Date = new Date(),
): Promise<CandidacyOutcome> {
  return db.transaction().execute(async (trx) => {
    const certification = await trx
      .selectFrom("certifications as c")
      .innerJoin("referential_versions as rv", (j) =>
        j.onRef("rv.certification_id", "=", "c.id").on("rv.status", "=", "active"),
      )
      .select(["c.id as certificationId", "rv.id as referentialVersionId"])
      .where("c.code", "=", certificationCode)
      .executeTakeFirst();
    if (!certification) {
      return {
        ok: false as const,
        code: "unknown_certification",
        status: statusOfRuleCode("unknown_certification"),
        message: "Cette certification n'est pas proposée.",
      };
    }
    // One candidacy in progress per certification: it serialises the candidate's requests. A candidacy whose
    // decision staff have validated ("certified") is over for the candidate: its blocs awarded are acquired, and a
    // new candidacy may aim at the blocs still missing (docs/decisions/024).
    await trx.selectFrom("users").select("id").where("id", "=", candidateId).forUpdate().executeTakeFirst();
    const open = await trx
      .selectFrom("candidacies")
      .select("id")
      .where("candidate_id", "=", candidateId)
      .where("certification_id", "=", certification.certificationId)
      .where("state", "not in", [...FINAL_STATE_KEYS, "certified"])
      .executeTakeFirst();
    if (open) {
      return {
        ok: false as const,
        code: "candidacy_in_progress",
        status: statusOfRuleCode("candidacy_in_progress"),
        message:
          "Vous avez déjà une candidature en cours pour ce CQP : poursuivez-la plutôt que d'en ouvrir une autre.",
      };
    }
    const blocs = await trx
      .selectFrom("blocs")
      .select("code")
      .where("referential_version_id", "=", certification.referentialVersionId)
      .orderBy("number")
      .execute();
    const acquired = new Set(await listAcquiredBlocCodes(trx, candidateId, certification.certificationId));
    const target = blocs.map((b) => b.code).filter((code) => !acquired.has(code));
    if (target.length === 0) {
      return {
        ok: false as const,
        code: "nothing_left_to_assess",
        status: statusOfRuleCode("nothing_left_to_assess"),
        message: "Vous détenez déjà tous les blocs de ce CQP : il n'y a plus rien à faire valider.",
      };
    }
    const row = await trx
      .insertInto("candidacies")
      .values({
        candidate_id: candidateId,
        certification_id: certification.certificationId,
        referential_version_id: certification.referentialVersionId,
        target_bloc_codes: JSON.stringify(target),
        state: "draft",
        snapshot: JSON.stringify({}),
        machine_version: CANDIDACY_MACHINE_VERSION,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const [snapshot] = initialTransition(candidacyMachine, {
      candidacyId: row.id,
      candidateId,
      certificationCode,
      referentialVersionId: certification.referentialVersionId,
    });
    await trx
      .updateTable("candidacies")
      .set({ snapshot: JSON.stringify(persistSnapshot(snapshot)), state: stateKey(snapshot) })
      .where("id", "=", row.id)
      .execute();
    await appendCandidacyEvent(trx, {
      candidacyId: row.id,
      rowVersion: 0,
      eventType: "CANDIDACY_CREATED",
      actorUserId: candidateId,
      actorRole: "candidate",
      payload: { targetBlocCodes: target },
      fromState: null,
      toState: "draft",
      occurredAt: now.toISOString(),
    });
    return { ok: true as const, candidacyId: row.id, state: "draft" as const, rowVersion: 0 };
  });
}

/** Outbox topic of the removal of identity documents once admissibility is decided (app/services/documents.server.ts). */
export const PURGE_IDENTITY_DOCUMENTS_TOPIC = "documents.purge_identity";
/** Renders and stores the PDF of the signed minutes (app/services/minutes.server.ts). */
export const MINUTES_PDF_TOPIC = "minutes.render_pdf";
/** Numbers, renders and stores the certificate of a validated decision (app/services/certificate-issuing.server.ts). */
export const CERTIFICATES_ISSUE_TOPIC = "certificates.issue";

/** Events that carry scores: they go through the evaluation service, which records the scores and the decision. */
const EVALUATION_SERVICE_EVENTS: ReadonlySet<string> = new Set(["SUBMIT_SCORES", "RECORD_DELIBERATION"]);

/**
 * Events whose rules read other rows and need them locked: filing a request (first or after "incomplete") checks its
 * documents, which are added and removed under the candidacy's lock; R335-7 counts the candidate's requests with the
 * candidate's row locked. They always take the locked path.
 */
const LOCKED_PATH_EVENTS: ReadonlySet<string> = new Set(["SUBMIT_REQUEST", "COMPLETE_REQUEST"]);

/**
 * Optimistic tries before `sendCandidacyEvent` takes the row lock instead. A try fails only when another event was
 * accepted in between; after a few, waiting for the lock guarantees progress under any contention.
 */
const OPTIMISTIC_TRIES = 3;

type CandidacyRow = NonNullable<Awaited<ReturnType<typeof lockCandidacy>>>;

/** A candidacy row read under its lock in the caller's transaction, and the snapshot restored from that very row. */
export interface LockedCandidacy {
  row: CandidacyRow;
  snapshot: CandidacySnapshot;
}

/**
 * Sends one event to a candidacy. The row is read without a lock and the event written in one autocommit
 * statement that checks the row version; on a conflict (another event accepted meanwhile) nothing is written and
 * the event is checked again on the new state, so a loser gets the statechart's refusal or goes through after the
 * winner — never a lost update.
 */
export async function sendCandidacyEvent(
  db: Kysely<Database>,
  candidacyId: string,
  event: CandidacyEvent,
): Promise<CandidacyOutcome> {
  if (EVALUATION_SERVICE_EVENTS.has(event.type)) {
    throw new Error(`${event.type} is sent by the evaluation service (app/services/evaluation.server.ts)`);
  }
  if (!LOCKED_PATH_EVENTS.has(event.type)) {
    for (let attempt = 0; attempt < OPTIMISTIC_TRIES; attempt++) {
      const checked = checkCandidacyEvent(await findCandidacy(db, candidacyId), event);
      if (!checked.ok) return checked;
      const { write, outcome } = eventWrite(checked, event);
      if (await writeOptimistically(db, write)) return written(write, outcome);
    }
  }
  return db.transaction().execute((trx) => applyCandidacyEvent(trx, candidacyId, event));
}

/**
 * The optimistic write. Under READ COMMITTED (the default) a conflicting write matches no row; under a stricter
 * isolation level it fails with a serialization failure instead, and, in the rare case, a deadlock between its row
 * locks and another statement's aborts it: either way the statement wrote nothing, so it counts as a conflict.
 */
async function writeOptimistically(db: Kysely<Database>, write: CandidacyEventWrite): Promise<boolean> {
  try {
    return await writeCandidacyEvent(db, write);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "40001" || code === "40P01") return false;
    throw error;
  }
}

/**
 * Applies an event inside the caller's transaction (the worker fires timers this way, the evaluation service sends
 * scores this way). The row lock makes concurrent events on one candidacy run one after the other: the second sees
 * the first's result.
 */
export async function applyCandidacyEvent(
  trx: Transaction<Database>,
  candidacyId: string,
  event: CandidacyEvent,
  /**
   * The row, when the caller already holds its lock in this transaction (saves a round trip), with its snapshot when
   * the caller has already restored it from that row (saves restoring it twice).
   */
  locked?: CandidacyRow | LockedCandidacy,
): Promise<CandidacyOutcome> {
  const checked =
    locked && "row" in locked
      ? checkCandidacyEvent(locked.row, event, locked.snapshot)
      : checkCandidacyEvent(locked ?? (await lockCandidacy(trx, candidacyId)), event);
  if (!checked.ok) return checked;
  if (event.type === "SUBMIT_REQUEST" || event.type === "COMPLETE_REQUEST") {
    const documents = checkRequestDocuments(await listAdmissibilityDocumentKinds(trx, checked.row.id));
    if (!documents.complete)
      return {
        ok: false as const,
        code: "missing_documents",
        status: statusOfRuleCode("missing_documents"),
        message: documents.message,
      };
  }
  let request: CandidacyEventWrite["request"];
  if (event.type === "SUBMIT_REQUEST") {
    const { row } = checked;
    const quota = await checkRequestQuotas(trx, row.candidate_id, row.certification_id, row.id, event.at);
    if (!quota.ok) return quota;
    request = { at: event.at, year: quota.year };
  }
  const { write, outcome } = eventWrite(checked, event, request);
  if (!(await writeCandidacyEvent(trx, write)))
    throw new Error(`Candidacy ${write.candidacyId} changed under its row lock`);
  return written(write, outcome);
}

/**
 * A candidacy row's snapshot, restored for the service: given the row's identity, a content this process has already
 * validated or written is not validated again (docs/decisions/033).
 */
export function restoreCandidacySnapshot(row: {
  id: string;
  snapshot: unknown;
  row_version: number;
  updated_at: Date;
}): CandidacySnapshot {
  return restoreSnapshot(row.snapshot, undefined, {
    candidacyId: row.id,
    rowVersion: row.row_version,
    updatedAt: row.updated_at,
  });
}

/** The snapshot just written came from a validated one through the statechart: its next read need not check it. */
function written(write: CandidacyEventWrite, outcome: CandidacyOutcome): CandidacyOutcome {
  rememberValidSnapshot({
    candidacyId: write.candidacyId,
    rowVersion: write.fromRowVersion + 1,
    updatedAt: write.updatedAt,
  });
  return outcome;
}

type CheckedEvent =
  | { ok: true; row: CandidacyRow; snapshot: CandidacySnapshot; next: CandidacySnapshot; targetBlocCodes: string[] }
  | (Refusal & { code: RefusalCode | CandidacyServiceRefusal });

/**
 * Whether the candidacy, as read, accepts the event: the statechart's rules, then the prior blocs declared.
 * `restored`: the row's snapshot, when the caller has already restored it from this row.
 */
function checkCandidacyEvent(
  row: CandidacyRow | undefined,
  event: CandidacyEvent,
  restored?: CandidacySnapshot,
): CheckedEvent {
  if (!row)
    return {
      ok: false as const,
      code: "not_found",
      status: statusOfRuleCode("not_found"),
      message: "Cette candidature n'existe pas.",
    };
  const snapshot = restored ?? restoreCandidacySnapshot(row);
  const step = stepEvent(snapshot, event);
  if (!step.allowed)
    return { ok: false as const, code: step.code, status: statusOfRuleCode(step.code), message: step.message };

  let targetBlocCodes = row.target_bloc_codes;
  if (event.type === "DECLARE_ADMISSIBLE" && event.priorBlocCodes?.length) {
    const unknown = event.priorBlocCodes.filter((code) => !targetBlocCodes.includes(code));
    if (unknown.length > 0) {
      return {
        ok: false as const,
        code: "invalid_prior_blocs",
        status: statusOfRuleCode("invalid_prior_blocs"),
        message: `Bloc inconnu ou déjà acquis : ${unknown.join(", ")}.`,
      };
    }
    targetBlocCodes = targetBlocCodes.filter((code) => !event.priorBlocCodes!.includes(code));
    if (targetBlocCodes.length === 0) {
      return {
        ok: false as const,
        code: "nothing_left_to_assess",
        status: statusOfRuleCode("nothing_left_to_assess"),
        message:
          "Tous les blocs seraient déjà acquis : il n'y a plus rien à évaluer. Déclarez la demande sans objet plutôt que recevable.",
      };
    }
  }
  return { ok: true, row, snapshot, next: step.next, targetBlocCodes };
}

/** Everything the accepted event writes with its next snapshot (XState's pure transition, taken by the check). */
function eventWrite(
  checked: Extract<CheckedEvent, { ok: true }>,
  event: CandidacyEvent,
  request?: CandidacyEventWrite["request"],
): { write: CandidacyEventWrite; outcome: CandidacyOutcome } {
  const { row, snapshot, next } = checked;
  const before = stateKey(snapshot);
  const after = stateKey(next);
  const { actor, type, at, ...payload } = event;
  const effectsAt = new Date(at);
  const rows = effectRows({ id: row.id }, effectsOf(event, before, after, next.context), effectsAt);
  const priorBlocCodes = event.type === "DECLARE_ADMISSIBLE" ? event.priorBlocCodes : undefined;
  const write: CandidacyEventWrite = {
    candidacyId: row.id,
    fromRowVersion: row.row_version,
    snapshot: JSON.stringify(persistSnapshot(next)),
    state: after,
    machineVersion: CANDIDACY_MACHINE_VERSION,
    updatedAt: new Date(),
    request,
    targetBlocCodes: priorBlocCodes?.length ? checked.targetBlocCodes : undefined,
    journal: {
      eventType: type,
      actorUserId: actor.type === "user" ? actor.userId : null,
      actorRole: actor.type === "user" ? actor.role : "system",
      payload,
      fromState: before,
      toState: after,
      occurredAt: at,
    },
    effectsAt,
    cancelledTimers: rows.cancelledTimers,
    timers: rows.timers,
    messages: rows.messages.flatMap((message) => addressInStatement(message, row.candidate_id, next.context)),
    priorBlocCodes,
    // Validation by the certifier makes the awarded blocs the candidate's for good.
    acquireAwardedBlocs: event.type === "VALIDATE_DECISION",
  };
  return { write, outcome: { ok: true, candidacyId: row.id, state: after, rowVersion: row.row_version + 1 } };
}

/**
 * A message's recipients as the event's statement writes them: known ids now (the evaluators from the snapshot
 * being saved, as writeEffects reads them from the saved row), the holders of a role by the statement itself.
 */
function addressInStatement(message: EffectRows["messages"][number], candidateId: string, context: CandidacyContext) {
  const { to, topic, payload } = message;
  const toUser = (recipientId: string) => ({ topic, payload: { ...payload, recipientId } });
  if (!to) return [{ topic, payload }];
  switch (to.kind) {
    case "candidate":
      return [toUser(candidateId)];
    case "user":
      return [toUser(to.userId)];
    case "evaluators": {
      const pair = context.evaluation.pair;
      return pair ? presentEvaluators(pair).map(toUser) : [];
    }
    case "role":
      return [{ topic, payload, recipientRole: to.role }];
  }
}

/** The evaluators of the pair, without a slot left vacant by a conflict of interest. */
function presentEvaluators(pair: { evaluatorAId: string | null; evaluatorBId: string | null }): string[] {
  return [pair.evaluatorAId, pair.evaluatorBId].filter((id): id is string => id !== null);
}

async function checkRequestQuotas(
  trx: Transaction<Database>,
  candidateId: string,
  certificationId: string,
  candidacyId: string,
  at: string,
): Promise<{ ok: true; year: number } | (Refusal & { code: CandidacyServiceRefusal })> {
  const year = calendarYearInFrance(at);
  // Lock the candidate: two requests filed at once on two candidacies are counted one after the other.
  await trx.selectFrom("users").select("id").where("id", "=", candidateId).forUpdate().executeTakeFirst();
  const requests = await countRequestsInYear(trx, candidateId, year, candidacyId);
  if (requests.some((r) => r.certification_id === certificationId)) {
    return {
      ok: false as const,
      code: "quota_same_certification",
      status: statusOfRuleCode("quota_same_certification"),
      message:
        `Vous avez déjà déposé une demande de recevabilité pour ce CQP en ${year}. Le Code de l'éducation ` +
        `(article R335-7) n'autorise qu'une demande par année civile pour une même certification : vous pourrez en ` +
        `déposer une nouvelle à partir du 1er janvier ${year + 1}.`,
    };
  }
  if (requests.length >= MAX_REQUESTS_PER_YEAR) {
    return {
      ok: false as const,
      code: "quota_per_year",
      status: statusOfRuleCode("quota_per_year"),
      message:
        `Vous avez déjà déposé ${requests.length} demandes de recevabilité en ${year}, pour des certifications ` +
        `différentes. Le Code de l'éducation (article R335-7) en limite le nombre à ${MAX_REQUESTS_PER_YEAR} par année ` +
        `civile : vous pourrez déposer celle-ci à partir du 1er janvier ${year + 1}.`,
    };
  }
  return { ok: true, year };
}

/** The rows effects write: timers cancelled and scheduled, outbox messages (`to`: recipients still to resolve). */
interface EffectRows {
  cancelledTimers: TimerKind[];
  timers: { kind: TimerKind; dueAt: string; payload?: Record<string, unknown> }[];
  messages: { topic: string; payload: Record<string, unknown>; to?: Recipient }[];
}

/**
 * What effects write, as rows, for both writers: writeEffects (one statement per table) and the event's single
 * statement (writeCandidacyEvent). A new kind of effect goes here, once: the switch will not compile without it.
 */
function effectRows(candidacy: { id: string }, effects: CandidacyEffect[], at: Date): EffectRows {
  const rows: EffectRows = { cancelledTimers: [], timers: [], messages: [] };
  for (const effect of effects) {
    switch (effect.type) {
      case "cancel":
        rows.cancelledTimers.push(...effect.timers);
        break;
      case "schedule":
        rows.timers.push({ kind: effect.timer, dueAt: effect.dueAt, payload: effect.facts });
        break;
      case "notify":
        rows.messages.push({ topic: "email", payload: { email: effect.email, facts: effect.facts }, to: effect.to });
        break;
      case "render_minutes":
        rows.messages.push({ topic: MINUTES_PDF_TOPIC, payload: { candidacyId: candidacy.id } });
        break;
      case "issue_certificates":
        rows.messages.push({ topic: CERTIFICATES_ISSUE_TOPIC, payload: { candidacyId: candidacy.id } });
        break;
      case "purge_identity_documents":
        rows.messages.push({
          topic: PURGE_IDENTITY_DOCUMENTS_TOPIC,
          payload: { candidacyId: candidacy.id, decidedBy: effect.decidedBy, decidedAt: at.toISOString() },
        });
        break;
      default: {
        const unknown: never = effect;
        throw new Error(`Unknown candidacy effect: ${JSON.stringify(unknown)}`);
      }
    }
  }
  return rows;
}

/**
 * Writes effects in the caller's transaction, one statement per table: notifications to the outbox, timers
 * scheduled or cancelled (the worker's reminders). An event's own effects go in its single statement instead.
 */
export async function writeEffects(
  trx: Transaction<Database>,
  candidacy: { id: string; candidateId: string },
  effects: CandidacyEffect[],
  at: Date,
): Promise<void> {
  const rows = effectRows(candidacy, effects, at);
  if (rows.cancelledTimers.length > 0) await cancelTimers(trx, candidacy.id, rows.cancelledTimers, at);
  const timers = rows.timers.map((t) => ({ candidacyId: candidacy.id, ...t }));
  if (timers.length > 0) await scheduleTimers(trx, timers);
  const messages = [];
  for (const { topic, payload, to } of rows.messages) {
    const recipients = to ? await recipientIds(trx, candidacy, to) : [undefined];
    for (const recipientId of recipients) {
      messages.push({
        topic,
        candidacyId: candidacy.id,
        availableAt: at,
        payload: recipientId ? { ...payload, recipientId } : payload,
      });
    }
  }
  if (messages.length > 0) await enqueueOutbox(trx, messages);
}

async function recipientIds(
  trx: Transaction<Database>,
  candidacy: { id: string; candidateId: string },
  recipient: Recipient,
): Promise<string[]> {
  switch (recipient.kind) {
    case "candidate":
      return [candidacy.candidateId];
    case "user":
      return [recipient.userId];
    case "evaluators": {
      const row = await trx
        .selectFrom("candidacies")
        .select("snapshot")
        .where("id", "=", candidacy.id)
        .executeTakeFirstOrThrow();
      const pair = restoreSnapshot(row.snapshot).context.evaluation.pair;
      return pair ? presentEvaluators(pair) : [];
    }
    case "role": {
      const rows = await trx
        .selectFrom("user_roles as r")
        .innerJoin("users as u", "u.id", "r.user_id")
        .select("u.id")
        .where("r.role", "=", recipient.role)
        .where("u.is_active", "=", true)
        .execute();
      return rows.map((r) => r.id);
    }
  }
}
