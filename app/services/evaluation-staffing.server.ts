// Certifier staff's side of the evaluation: who evaluates a filed dossier (the pair, its president, a replacement
// when an evaluator leaves or is taken off), when the candidate meets the jury (the session, moved as often as
// needed, every date kept in evaluation_sessions), whether they came, and sending the dossier back for precisions.
//
// Each action runs in one transaction under the candidacy's row lock: the capability table is asked again, the
// chosen evaluators' eligibility (conflict of interest, qualification, availability) is checked again from the
// database, then the event goes through the candidacy service, whose statechart has the last word. A refusal
// changes nothing and says why in French; the e-mails (convocations with their calendar invitation, the alert to
// staff) leave through the outbox after commit.
import type { Kysely, Transaction } from "kysely";
import { getCandidacySummary, listCandidacyEvents, lockCandidacy } from "../../db/queries/candidacies";
import {
  insertEvaluationSession,
  listLateSessions,
  listSessionsToSchedule,
  listStaffingQueue,
  listEvaluationSessions,
  recordSessionAttendance,
} from "../../db/queries/evaluation-sessions";
import { type EvaluatorSuggestion, listEvaluatorSuggestions } from "../../db/queries/evaluator-pool";
import type { Database } from "../../db/schema";
import { type Capability, can, capabilitiesOf } from "../../workflows/candidacy-access";
import {
  type CandidacyEvent,
  type EvaluatorSlot,
  type SessionAttendance,
  type SessionMode,
  evaluationDeadline,
  evaluationProgress,
  stateLabel,
} from "../../workflows/candidacy-machine";
import { restoreSnapshot } from "../../workflows/candidacy-snapshot";
import { type Civility, pairCompositionWarnings } from "../../workflows/conflict-of-interest";
import { type Refusal, refuse, statusOfRuleCode } from "../../workflows/refusal";
import { applyCandidacyEvent } from "./candidacies.server";
import { candidacyReference } from "./email-delivery.server";

/** The member of certifier staff acting. */
export interface StaffActor {
  userId: string;
}

const NOT_FOUND = "Candidature introuvable.";

// ---------------------------------------------------------------------------------------------------------------
// Paris wall-clock time: staff type a date and a time as they read them in France.
// ---------------------------------------------------------------------------------------------------------------

export { parisDateAndTime, parisInstant } from "../../workflows/paris-time";

// ---------------------------------------------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------------------------------------------

export interface PairMember {
  slot: EvaluatorSlot;
  userId: string | null;
  fullName: string | null;
  civility: Civility | null;
  isPresident: boolean;
  progress: "pending" | "scoring" | "submitted" | "vacant" | null;
  /** When they declared no link with the candidate. */
  declaredAt: string | null;
}

/** Everything staff's candidacy page shows about the pair, the session and the dossier's send-back. */
export async function loadStaffingView(db: Kysely<Database>, candidacyId: string, actor: StaffActor) {
  const candidacy = await getCandidacySummary(db, candidacyId);
  if (!candidacy) return refuse("not_found", NOT_FOUND, { status: 404 });
  const snapshot = restoreSnapshot(candidacy.snapshot);
  const access = { userId: actor.userId, role: "certifier_staff" as const };
  const visible = can(snapshot, access, "candidacy.view");
  if (!visible.ok) return visible;
  const capabilities = capabilitiesOf(snapshot, access);
  const context = snapshot.context;
  const evaluation = context.evaluation;
  const pair = evaluation.pair;
  const progress = evaluationProgress(snapshot);
  const filedAt = context.dossier.firstSubmittedAt ?? context.dossier.submittedAt ?? null;
  const deadline = filedAt ? evaluationDeadline(filedAt) : null;

  const choosing = capabilities["pair.assign"] || capabilities["evaluator.replace"];
  const suggestions = choosing ? await listEvaluatorSuggestions(db, candidacyId) : [];
  const people = await namesOf(db, [
    pair?.evaluatorAId ?? null,
    pair?.evaluatorBId ?? null,
    ...(evaluation.conflicts ?? []).map((c) => c.evaluatorId),
    ...(evaluation.replacements ?? []).flatMap((r) => [r.evaluatorId, r.previousEvaluatorId]),
  ]);
  const member = (slot: EvaluatorSlot): PairMember | null => {
    if (!pair) return null;
    const userId = slot === "A" ? pair.evaluatorAId : pair.evaluatorBId;
    const person = userId ? people.get(userId) : undefined;
    return {
      slot,
      userId,
      fullName: person?.fullName ?? null,
      civility: person?.civility ?? null,
      isPresident: userId !== null && pair.presidentId === userId,
      progress: progress ? (slot === "A" ? progress.evaluatorA : progress.evaluatorB) : null,
      declaredAt: evaluation.declarations?.[slot] ?? null,
    };
  };
  const members = [member("A"), member("B")].filter((m): m is PairMember => m !== null);
  const session = evaluation.session ?? null;
  return {
    ok: true as const,
    candidacy: {
      id: candidacy.id,
      reference: candidacyReference(candidacy.id, candidacy.requestedAt, candidacy.createdAt),
      candidateName: candidacy.candidateName,
      certificationTitle: candidacy.certificationTitle,
      referentialVersion: candidacy.referentialVersion,
      state: candidacy.state,
      stateLabel: stateLabel(snapshot),
      targetBlocCodes: candidacy.targetBlocCodes,
      filedVersions: context.dossier.submittedVersions.length,
    },
    capabilities,
    suggestions,
    pair: members,
    pairWarnings:
      members.length === 2 && members.every((m) => m.userId)
        ? pairCompositionWarnings(members.map((m) => m.civility))
        : [],
    vacantSlots: members.filter((m) => m.userId === null).map((m) => m.slot),
    conflicts: (evaluation.conflicts ?? []).map((c) => ({
      ...c,
      evaluatorName: people.get(c.evaluatorId)?.fullName ?? "Évaluateur",
    })),
    replacements: (evaluation.replacements ?? []).map((r) => ({
      ...r,
      evaluatorName: people.get(r.evaluatorId)?.fullName ?? "Évaluateur",
      previousName: r.previousEvaluatorId ? (people.get(r.previousEvaluatorId)?.fullName ?? "Évaluateur") : null,
    })),
    filedAt,
    deadline,
    session,
    /** The session falls after the end of the 3rd month following the filing (a written reason was given). */
    sessionLate: session !== null && deadline !== null && Date.parse(session.startsAt) >= Date.parse(deadline),
    sessions: await listEvaluationSessions(db, candidacyId),
    sentBack: context.dossier.sentBack ?? null,
    journal: (await listCandidacyEvents(db, candidacyId)).map((e) => ({
      ...e,
      payload: e.payload as Record<string, unknown>,
    })),
  };
}

async function namesOf(db: Kysely<Database>, ids: Array<string | null>) {
  const wanted = [...new Set(ids.filter((id): id is string => typeof id === "string"))];
  const map = new Map<string, { fullName: string; civility: Civility | null }>();
  if (wanted.length === 0) return map;
  const rows = await db
    .selectFrom("users as u")
    .leftJoin("evaluator_profiles as p", "p.user_id", "u.id")
    .select(["u.id", "u.full_name as fullName", "p.civility"])
    .where("u.id", "in", wanted)
    .execute();
  for (const row of rows) map.set(row.id, { fullName: row.fullName, civility: (row.civility as Civility) ?? null });
  return map;
}

// ---------------------------------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------------------------------

type Outcome<T = object> = ({ ok: true } & T) | Refusal;

/**
 * Runs one staff action under the candidacy's row lock: the capability is asked of the locked snapshot, `check`
 * may refuse (eligibility read in the same transaction), then the event goes through the candidacy service and
 * `after` records what the event's statement does not (the sessions' history).
 */
async function staffAction<T extends object>(
  db: Kysely<Database>,
  candidacyId: string,
  actor: StaffActor,
  capability: Capability,
  build: {
    check?: (trx: Transaction<Database>) => Promise<Refusal | null>;
    event: CandidacyEvent;
    fieldOf?: (code: string) => string | undefined;
    after?: (trx: Transaction<Database>) => Promise<T>;
  },
): Promise<Outcome<T>> {
  return db.transaction().execute(async (trx): Promise<Outcome<T>> => {
    const row = await lockCandidacy(trx, candidacyId);
    if (!row) return refuse("not_found", NOT_FOUND, { status: 404 });
    const snapshot = restoreSnapshot(row.snapshot);
    const permission = can(snapshot, { userId: actor.userId, role: "certifier_staff" }, capability);
    if (!permission.ok) return permission;
    const refused = build.check ? await build.check(trx) : null;
    if (refused) return refused;
    const outcome = await applyCandidacyEvent(trx, candidacyId, build.event, row);
    if (!outcome.ok) {
      const field = build.fieldOf?.(outcome.code);
      const status = outcome.status ?? statusOfRuleCode(outcome.code);
      return refuse(outcome.code, outcome.message, {
        status,
        ...(field ? { fieldErrors: { [field]: outcome.message } } : {}),
      });
    }
    const extra = build.after ? await build.after(trx) : ({} as T);
    return { ok: true as const, ...extra };
  });
}

const actorOf = (actor: StaffActor) => ({
  type: "user" as const,
  userId: actor.userId,
  role: "certifier_staff" as const,
});

/**
 * Whether each chosen evaluator may evaluate this candidacy, read from the database in the transaction: qualified
 * for the certification, active, available, with no link to the candidate (employer, another role). The first
 * refusal found, with its field.
 */
async function checkEligibility(
  trx: Transaction<Database>,
  candidacyId: string,
  chosen: Array<{ field: string; userId: string; which: string }>,
): Promise<Refusal | null> {
  const suggestions = await listEvaluatorSuggestions(trx, candidacyId);
  const byId = new Map<string, EvaluatorSuggestion>(suggestions.map((s) => [s.userId, s]));
  for (const { field, userId, which } of chosen) {
    const suggestion = byId.get(userId);
    if (!suggestion) {
      const message = `${which} n'est pas un évaluateur habilité pour ce CQP : choisissez-le dans la liste proposée.`;
      return refuse("not_qualified", message, { status: 400, fieldErrors: { [field]: message } });
    }
    if (!suggestion.eligible) {
      const message = `${suggestion.fullName} ne peut pas évaluer ce dossier : ${suggestion.reasons.join(" ")}`;
      return refuse("conflict_of_interest", message, { status: 400, fieldErrors: { [field]: message } });
    }
  }
  return null;
}

export interface PairChoice {
  evaluatorAId: string;
  evaluatorBId: string;
  presidentId: string;
}

/** Designates the pair of a filed dossier and its president. The answer carries the pair's composition warnings. */
export async function assignPair(
  db: Kysely<Database>,
  candidacyId: string,
  actor: StaffActor,
  choice: PairChoice,
  now: Date = new Date(),
): Promise<Outcome<{ warnings: string[] }>> {
  return staffAction(db, candidacyId, actor, "pair.assign", {
    check: (trx) =>
      checkEligibility(trx, candidacyId, [
        { field: "evaluatorAId", userId: choice.evaluatorAId, which: "Le premier évaluateur" },
        { field: "evaluatorBId", userId: choice.evaluatorBId, which: "Le second évaluateur" },
      ]),
    event: { type: "ASSIGN_PAIR", ...choice, actor: actorOf(actor), at: now.toISOString() },
    fieldOf: (code) =>
      code === "invalid_pair" ? "presidentId" : code === "role_conflict" ? "evaluatorAId" : undefined,
    after: (trx) => pairWarnings(trx, [choice.evaluatorAId, choice.evaluatorBId]),
  });
}

export interface Replacement {
  slot: EvaluatorSlot;
  evaluatorId: string;
  presidentId: string;
}

/** Puts a new evaluator in a slot (vacant after a conflict, or an evaluator who has not submitted yet). */
export async function replaceEvaluator(
  db: Kysely<Database>,
  candidacyId: string,
  actor: StaffActor,
  replacement: Replacement,
  now: Date = new Date(),
): Promise<Outcome<{ warnings: string[] }>> {
  return staffAction(db, candidacyId, actor, "evaluator.replace", {
    check: (trx) =>
      checkEligibility(trx, candidacyId, [
        { field: "evaluatorId", userId: replacement.evaluatorId, which: "Le nouvel évaluateur" },
      ]),
    event: { type: "REPLACE_EVALUATOR", ...replacement, actor: actorOf(actor), at: now.toISOString() },
    fieldOf: (code) =>
      code === "invalid_pair" && replacement.presidentId !== replacement.evaluatorId
        ? "presidentId"
        : code === "invalid_pair" || code === "role_conflict"
          ? "evaluatorId"
          : undefined,
    after: async (trx) => {
      const row = await trx
        .selectFrom("candidacies")
        .select("snapshot")
        .where("id", "=", candidacyId)
        .executeTakeFirstOrThrow();
      const pair = restoreSnapshot(row.snapshot).context.evaluation.pair;
      return pairWarnings(trx, [pair?.evaluatorAId ?? null, pair?.evaluatorBId ?? null]);
    },
  });
}

async function pairWarnings(trx: Transaction<Database>, ids: Array<string | null>): Promise<{ warnings: string[] }> {
  if (ids.some((id) => id === null)) return { warnings: [] };
  const names = await namesOf(trx, ids);
  return { warnings: pairCompositionWarnings(ids.map((id) => names.get(id!)?.civility ?? null)) };
}

export interface SessionInput {
  startsAt: string;
  mode: SessionMode;
  location: string;
  lateReason?: string;
}

/**
 * Sets (or moves) the evaluation session; the convocations with their calendar invitation go to the candidate and
 * both evaluators. Refused after the end of the 3rd month following the filing unless a written reason is given.
 */
export async function scheduleSession(
  db: Kysely<Database>,
  candidacyId: string,
  actor: StaffActor,
  input: SessionInput,
  now: Date = new Date(),
): Promise<Outcome<{ sequence: number }>> {
  const at = now.toISOString();
  const lateReason = input.lateReason?.trim() ? input.lateReason.trim() : undefined;
  return staffAction(db, candidacyId, actor, "session.schedule", {
    event: {
      type: "SCHEDULE_SESSION",
      startsAt: input.startsAt,
      mode: input.mode,
      location: input.location.trim(),
      ...(lateReason ? { lateReason } : {}),
      actor: actorOf(actor),
      at,
    },
    fieldOf: (code) =>
      code === "late_reason_required" ? "lateReason" : code === "invalid_session" ? sessionField(input) : undefined,
    after: async (trx) => {
      const { sequence } = await insertEvaluationSession(trx, {
        candidacyId,
        startsAt: input.startsAt,
        mode: input.mode,
        location: input.location.trim(),
        lateReason: lateReason ?? null,
        scheduledBy: actor.userId,
        scheduledAt: at,
      });
      return { sequence };
    },
  });
}

/** Which field of the session form a statechart's `invalid_session` refusal is about. */
function sessionField(input: SessionInput): string {
  return input.location.trim() === "" ? "location" : "date";
}

/** Records whether the candidate came to the session (after it). Excused or absent: staff set a new date. */
export async function recordAttendance(
  db: Kysely<Database>,
  candidacyId: string,
  actor: StaffActor,
  attendance: SessionAttendance,
  now: Date = new Date(),
): Promise<Outcome> {
  const at = now.toISOString();
  return staffAction(db, candidacyId, actor, "session.attendance", {
    event: { type: "RECORD_ATTENDANCE", attendance, actor: actorOf(actor), at },
    fieldOf: () => "attendance",
    after: async (trx) => {
      await recordSessionAttendance(trx, { candidacyId, attendance, recordedBy: actor.userId, recordedAt: at });
      return {};
    },
  });
}

/** Sends the dossier back to the candidate for precisions (once per candidacy, before any scores are submitted). */
export async function sendBackDossier(
  db: Kysely<Database>,
  candidacyId: string,
  actor: StaffActor,
  reason: string,
  now: Date = new Date(),
): Promise<Outcome> {
  return staffAction(db, candidacyId, actor, "dossier.sendBack", {
    event: { type: "SEND_BACK_DOSSIER", reason: reason.trim(), actor: actorOf(actor), at: now.toISOString() },
    fieldOf: (code) => (code === "reason_required" ? "reason" : undefined),
  });
}

/** Staff's queue of candidacies waiting for evaluators: a pair to designate, or a vacant evaluator to replace. */
export async function staffingQueue(db: Kysely<Database>) {
  return listStaffingQueue(db);
}

/** Evaluations whose session is still to set (none yet, or the candidate was excused or absent). */
export async function sessionsToSchedule(db: Kysely<Database>) {
  return listSessionsToSchedule(db);
}

/** Staff's home: the queue's size and the sessions set after the legal deadline (deadlines at risk). */
export async function staffingOverview(db: Kysely<Database>) {
  const [queue, lateSessions] = await Promise.all([listStaffingQueue(db), listLateSessions(db)]);
  return { awaitingEvaluators: queue.length, lateSessions };
}
