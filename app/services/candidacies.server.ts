// The candidacy service: the only way a candidacy changes. Each event runs in one transaction that locks the
// candidacy row, asks the statechart whether the event is allowed, applies the legal rules that need the database
// (R335-7 quotas), saves the next snapshot with a new row version, appends the event to the journal, and writes the
// event's effects (notifications to the outbox, timers) — all or nothing. Effects run after commit (worker).
import type { Kysely, Transaction } from "kysely";
import { initialTransition, transition } from "xstate";
import {
  acquireAwardedBlocs,
  acquireBlocs,
  appendCandidacyEvent,
  cancelTimers,
  countRequestsInYear,
  enqueueOutbox,
  listAcquiredBlocCodes,
  lockCandidacy,
  scheduleTimers,
} from "../../db/queries/candidacies";
import type { Database } from "../../db/schema";
import {
  CANDIDACY_MACHINE_VERSION,
  type CandidacyEvent,
  type CandidacyStateKey,
  FINAL_STATE_KEYS,
  type RefusalCode,
  candidacyMachine,
  checkEvent,
  persistSnapshot,
  restoreSnapshot,
  stateKey,
} from "../../workflows/candidacy-machine";
import { type CandidacyEffect, type Recipient, effectsOf } from "../../workflows/candidacy-effects";

export type CandidacyOutcome =
  | { ok: true; candidacyId: string; state: CandidacyStateKey; rowVersion: number }
  | { ok: false; code: RefusalCode | CandidacyServiceRefusal; message: string };

export type CandidacyServiceRefusal =
  | "not_found"
  | "quota_same_certification"
  | "quota_per_year"
  | "unknown_certification"
  | "candidacy_in_progress"
  | "nothing_left_to_assess"
  | "invalid_prior_blocs";

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
      .innerJoin("referential_versions as rv", (j) => j.onRef("rv.certification_id", "=", "c.id").on("rv.status", "=", "active"))
      .select(["c.id as certificationId", "rv.id as referentialVersionId"])
      .where("c.code", "=", certificationCode)
      .executeTakeFirst();
    if (!certification) {
      return { ok: false as const, code: "unknown_certification" as const, message: "Cette certification n'est pas proposée." };
    }
    // One candidacy in progress per certification: it serialises the candidate's requests.
    await trx.selectFrom("users").select("id").where("id", "=", candidateId).forUpdate().executeTakeFirst();
    const open = await trx
      .selectFrom("candidacies")
      .select("id")
      .where("candidate_id", "=", candidateId)
      .where("certification_id", "=", certification.certificationId)
      .where("state", "not in", [...FINAL_STATE_KEYS])
      .executeTakeFirst();
    if (open) {
      return {
        ok: false as const,
        code: "candidacy_in_progress" as const,
        message: "Vous avez déjà une candidature en cours pour ce CQP : poursuivez-la plutôt que d'en ouvrir une autre.",
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
        code: "nothing_left_to_assess" as const,
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

/** Events that carry scores: they go through the evaluation service, which records the scores and the decision. */
const EVALUATION_SERVICE_EVENTS: ReadonlySet<string> = new Set(["SUBMIT_SCORES", "RECORD_DELIBERATION"]);

/** Sends one event to a candidacy, in its own transaction. */
export async function sendCandidacyEvent(
  db: Kysely<Database>,
  candidacyId: string,
  event: CandidacyEvent,
): Promise<CandidacyOutcome> {
  if (EVALUATION_SERVICE_EVENTS.has(event.type)) {
    throw new Error(`${event.type} is sent by the evaluation service (app/services/evaluation.server.ts)`);
  }
  return db.transaction().execute((trx) => applyCandidacyEvent(trx, candidacyId, event));
}

/**
 * Applies an event inside the caller's transaction (the worker fires timers this way). The row lock makes
 * concurrent events on one candidacy run one after the other: the second sees the first's result.
 */
export async function applyCandidacyEvent(
  trx: Transaction<Database>,
  candidacyId: string,
  event: CandidacyEvent,
  /** The row, when the caller already holds its lock in this transaction (saves a round trip). */
  lockedRow?: Awaited<ReturnType<typeof lockCandidacy>>,
): Promise<CandidacyOutcome> {
  const row = lockedRow ?? (await lockCandidacy(trx, candidacyId));
  if (!row) return { ok: false, code: "not_found", message: "Cette candidature n'existe pas." };
  const snapshot = restoreSnapshot(row.snapshot);
  const check = checkEvent(snapshot, event);
  if (!check.allowed) return { ok: false, code: check.code, message: check.message };

  let targetBlocCodes = row.target_bloc_codes;
  if (event.type === "DECLARE_ADMISSIBLE" && event.priorBlocCodes?.length) {
    const unknown = event.priorBlocCodes.filter((code) => !targetBlocCodes.includes(code));
    if (unknown.length > 0) {
      return { ok: false, code: "invalid_prior_blocs", message: `Bloc inconnu ou déjà acquis : ${unknown.join(", ")}.` };
    }
    targetBlocCodes = targetBlocCodes.filter((code) => !event.priorBlocCodes!.includes(code));
    if (targetBlocCodes.length === 0) {
      return {
        ok: false,
        code: "nothing_left_to_assess",
        message: "Tous les blocs seraient déjà acquis : il n'y a plus rien à évaluer. Déclarez la demande sans objet plutôt que recevable.",
      };
    }
  }

  let requestYear: number | null = row.request_year;
  if (event.type === "SUBMIT_REQUEST") {
    const quota = await checkRequestQuotas(trx, row.candidate_id, row.certification_id, row.id, event.at);
    if (!quota.ok) return quota;
    requestYear = quota.year;
  }

  const [next] = transition(candidacyMachine, snapshot, event);
  const before = stateKey(snapshot);
  const after = stateKey(next);
  const rowVersion = row.row_version + 1;
  const updated = await trx
    .updateTable("candidacies")
    .set({
      snapshot: JSON.stringify(persistSnapshot(next)),
      state: after,
      row_version: rowVersion,
      machine_version: CANDIDACY_MACHINE_VERSION,
      request_year: requestYear,
      target_bloc_codes: JSON.stringify(targetBlocCodes),
      requested_at: event.type === "SUBMIT_REQUEST" ? event.at : row.requested_at,
      updated_at: new Date(),
    })
    .where("id", "=", row.id)
    .where("row_version", "=", row.row_version)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new Error(`Candidacy ${row.id} changed under its row lock`);

  const { actor, type, at, ...payload } = event;
  await appendCandidacyEvent(trx, {
    candidacyId: row.id,
    rowVersion,
    eventType: type,
    actorUserId: actor.type === "user" ? actor.userId : null,
    actorRole: actor.type === "user" ? actor.role : "system",
    payload,
    fromState: before,
    toState: after,
    occurredAt: at,
  });
  if (event.type === "DECLARE_ADMISSIBLE" && event.priorBlocCodes?.length) {
    await acquireBlocs(trx, {
      candidateId: row.candidate_id,
      certificationId: row.certification_id,
      candidacyId: row.id,
      blocCodes: event.priorBlocCodes,
      source: "prior_certificate",
      at: new Date(at),
    });
  }
  // Validation by the certifier makes the awarded blocs the candidate's for good.
  if (event.type === "VALIDATE_DECISION") await acquireAwardedBlocs(trx, row.id, new Date(at));
  await writeEffects(trx, { id: row.id, candidateId: row.candidate_id }, effectsOf(event, before, after, next.context), new Date(at));
  return { ok: true, candidacyId: row.id, state: after, rowVersion };
}

async function checkRequestQuotas(
  trx: Transaction<Database>,
  candidateId: string,
  certificationId: string,
  candidacyId: string,
  at: string,
): Promise<{ ok: true; year: number } | { ok: false; code: CandidacyServiceRefusal; message: string }> {
  const year = calendarYearInFrance(at);
  // Lock the candidate: two requests filed at once on two candidacies are counted one after the other.
  await trx.selectFrom("users").select("id").where("id", "=", candidateId).forUpdate().executeTakeFirst();
  const requests = await countRequestsInYear(trx, candidateId, year, candidacyId);
  if (requests.some((r) => r.certification_id === certificationId)) {
    return {
      ok: false,
      code: "quota_same_certification",
      message:
        `Vous avez déjà déposé une demande de recevabilité pour ce CQP en ${year}. Le Code de l'éducation ` +
        `(article R335-7) n'autorise qu'une demande par année civile pour une même certification : vous pourrez en ` +
        `déposer une nouvelle à partir du 1er janvier ${year + 1}.`,
    };
  }
  if (requests.length >= MAX_REQUESTS_PER_YEAR) {
    return {
      ok: false,
      code: "quota_per_year",
      message:
        `Vous avez déjà déposé ${requests.length} demandes de recevabilité en ${year}, pour des certifications ` +
        `différentes. Le Code de l'éducation (article R335-7) en limite le nombre à ${MAX_REQUESTS_PER_YEAR} par année ` +
        `civile : vous pourrez déposer celle-ci à partir du 1er janvier ${year + 1}.`,
    };
  }
  return { ok: true, year };
}

/**
 * Writes effects in the event's transaction: notifications to the outbox, timers scheduled or cancelled. Rows are
 * written in one statement per table: every statement of an event is a round trip under the row lock.
 */
export async function writeEffects(
  trx: Transaction<Database>,
  candidacy: { id: string; candidateId: string },
  effects: CandidacyEffect[],
  at: Date,
): Promise<void> {
  const cancelled = effects.flatMap((e) => (e.type === "cancel" ? e.timers : []));
  if (cancelled.length > 0) await cancelTimers(trx, candidacy.id, cancelled, at);
  const timers = effects.flatMap((e) =>
    e.type === "schedule" ? [{ candidacyId: candidacy.id, kind: e.timer, dueAt: e.dueAt, payload: e.facts }] : [],
  );
  if (timers.length > 0) await scheduleTimers(trx, timers);
  const messages = [];
  for (const effect of effects) {
    if (effect.type !== "notify") continue;
    for (const userId of await recipientIds(trx, candidacy, effect.to)) {
      messages.push({
        topic: "email",
        candidacyId: candidacy.id,
        availableAt: at,
        payload: { email: effect.email, recipientId: userId, facts: effect.facts },
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
      const row = await trx.selectFrom("candidacies").select("snapshot").where("id", "=", candidacy.id).executeTakeFirstOrThrow();
      const pair = restoreSnapshot(row.snapshot).context.evaluation.pair;
      return pair ? [pair.evaluatorAId, pair.evaluatorBId] : [];
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
