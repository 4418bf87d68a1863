// The evaluation of a dossier by the evaluator pair, the evaluator's side: the declaration of no link with the
// candidate (or of a conflict), the scoring grid saved as a draft, and the transmission of the scores once the
// session has taken place. Blind: an evaluator reads only their own scores, and of the other only whether they have
// transmitted, until both have. Access goes through the capability table (workflows/candidacy-access.ts); every
// change of state through the statechart. Deliberation: evaluation-deliberation.server.ts; minutes: minutes.server.ts.
import type { Kysely, Transaction } from "kysely";
import { getCandidacySummary, lockCandidacy } from "../../db/queries/candidacies";
import { listDossierVersions, listEvidence, listNarratives } from "../../db/queries/dossiers";
import { type ScoreRow, listEvaluatorScores, upsertEvaluatorScores } from "../../db/queries/evaluations";
import type { Database } from "../../db/schema";
import { type AccessActor, type Capability, can, capabilitiesOf } from "../../workflows/candidacy-access";
import {
  type CandidacySnapshot,
  type EventActor,
  evaluationProgress,
  evaluatorSlot,
  stateLabel,
} from "../../workflows/candidacy-machine";
import { restoreSnapshot } from "../../workflows/candidacy-snapshot";
import { evaluationDeadline } from "../../workflows/candidacy-effects";
import {
  type Decision,
  DecisionInputError,
  type ExactScore,
  decide,
  jointScores,
  parseScore,
} from "../../workflows/decision";
import { type Refusal, isRefusal, refuse } from "../../workflows/refusal";
import { type CandidacyOutcome, applyCandidacyEvent, restoreCandidacySnapshot } from "./candidacies.server";

/** An accepted candidacy event, as the evaluation services answer it (refusals are `Refusal`s). */
export type EventAccepted = Extract<CandidacyOutcome, { ok: true }>;
import { type DossierScope, dossierScope } from "./dossiers.server";
import { MAX_SCORE_COMMENT_LENGTH } from "../utils/evaluation-limits";
import { candidacyReference } from "./email-delivery.server";

/** Types a browser shows itself (the file route serves them inline); others are downloaded. */
const INLINE_TYPES = new Set(["application/pdf", "image/jpeg", "image/png", "image/webp"]);

export const NOT_FOUND = () => refuse("not_found", "Candidature introuvable.", { status: 404 });

export interface Assessment {
  /** Every bloc of the referential (acquired ones included), for the decision rule. */
  blocs: { code: string; title: string; number: number; competencyCodes: string[] }[];
  /** The blocs and competencies assessed, with their texts. */
  scope: DossierScope;
  assessedCompetencies: string[];
  acquiredBlocCodes: string[];
  thresholds: { blocMeanPercent: string; competencyFloorPercent: string };
  tolerancePoints: string;
}

/** What the decision rule reads of a referential version: its blocs and their competencies in order, its thresholds. */
export interface ReferentialRule {
  blocs: Assessment["blocs"];
  thresholds: Assessment["thresholds"];
  tolerancePoints: string;
}

// A referential version never changes once loaded (db/seed/seed-referential.ts inserts a version with all its blocs
// and competencies in one transaction, and nothing updates them), so its rule is read once per process, as the
// dossier's scope is (dossiers.server.ts). Read through the caller's executor (inside a transaction, the
// transaction: docs/decisions/011); only completed reads are kept. Deeply frozen: every caller shares it. Bounded,
// in case versions multiply: a certification has a handful.
const referentialRules = new Map<string, ReferentialRule>();
const REFERENTIAL_RULES_KEPT = 200;

/** The rule of a referential version, read once per process (docs/decisions/033). */
export async function referentialRuleOf(
  db: Kysely<Database> | Transaction<Database>,
  referentialVersionId: string,
): Promise<ReferentialRule> {
  const cached = referentialRules.get(referentialVersionId);
  if (cached) return cached;
  const version = await db
    .selectFrom("referential_versions")
    .select(["bloc_mean_threshold_percent", "competency_floor_percent", "evaluator_tolerance_points"])
    .where("id", "=", referentialVersionId)
    .executeTakeFirstOrThrow();
  const blocs = await db
    .selectFrom("blocs")
    .select(["id", "code", "title", "number"])
    .where("referential_version_id", "=", referentialVersionId)
    .orderBy("number")
    .execute();
  const competencies = await db
    .selectFrom("competencies")
    .select(["bloc_id", "code"])
    .where("referential_version_id", "=", referentialVersionId)
    .orderBy("position")
    .execute();
  const rule: ReferentialRule = Object.freeze({
    blocs: Object.freeze(
      blocs.map((b) =>
        Object.freeze({
          code: b.code,
          title: b.title,
          number: b.number,
          competencyCodes: Object.freeze(competencies.filter((c) => c.bloc_id === b.id).map((c) => c.code)),
        }),
      ),
    ),
    thresholds: Object.freeze({
      blocMeanPercent: version.bloc_mean_threshold_percent,
      competencyFloorPercent: version.competency_floor_percent,
    }),
    tolerancePoints: version.evaluator_tolerance_points,
    // The frozen arrays are typed as the mutable ones Assessment has always exposed; writing to them throws.
  }) as ReferentialRule;
  if (referentialRules.size >= REFERENTIAL_RULES_KEPT) {
    const oldest = referentialRules.keys().next().value;
    if (oldest !== undefined) referentialRules.delete(oldest);
  }
  referentialRules.set(referentialVersionId, rule);
  return rule;
}

/** What this candidacy's evaluation is about: the referential's blocs, those aimed at, and the rule parameters. */
export async function assessmentOf(
  db: Kysely<Database> | Transaction<Database>,
  candidacy: { referential_version_id: string; target_bloc_codes: string[] },
): Promise<Assessment> {
  const { blocs, thresholds, tolerancePoints } = await referentialRuleOf(db, candidacy.referential_version_id);
  const targetCodes = candidacy.target_bloc_codes;
  return {
    blocs,
    scope: await dossierScope(db, candidacy.referential_version_id, targetCodes),
    assessedCompetencies: blocs.filter((b) => targetCodes.includes(b.code)).flatMap((b) => b.competencyCodes),
    // Blocs outside the candidacy's aim are the ones the candidate already held when it started.
    acquiredBlocCodes: blocs.filter((b) => !targetCodes.includes(b.code)).map((b) => b.code),
    thresholds,
    tolerancePoints,
  };
}

/** The decision rule's parameters, as workflows/decision.ts takes them. */
export function ruleOf(assessment: Assessment) {
  return {
    blocs: assessment.blocs,
    tolerancePoints: assessment.tolerancePoints,
    thresholds: assessment.thresholds,
    acquiredBlocCodes: assessment.acquiredBlocCodes,
  };
}

/** Submitted scores by competency ("72.5"), for the decision rule. */
export async function submittedScores(
  db: Kysely<Database> | Transaction<Database>,
  candidacyId: string,
  evaluatorId: string | null,
): Promise<Record<string, string>> {
  if (!evaluatorId) return {};
  return scoresByCode(await listEvaluatorScores(db, candidacyId, evaluatorId));
}

/** The scores of rows already read, by competency, drafts without a score left out. */
function scoresByCode(rows: ScoreRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter((r) => r.score !== null).map((r) => [r.competencyCode, r.score!]));
}

/** The result the statechart records: the CQP complete, some blocs, or none. */
export function resultOf(decision: Decision): "full" | "partial" | "none" {
  if (decision.certificationAwarded) return "full";
  return decision.awardedBlocCodes.length > 0 ? "partial" : "none";
}

/** Records the decision (joint scores, where each comes from, the rule's outcome) in the caller's transaction. */
export async function recordDecision(
  trx: Transaction<Database>,
  candidacyId: string,
  assessment: Assessment,
  joint: Record<string, ExactScore>,
  origin: Record<string, "mean" | "evaluators" | "president">,
  route: "agreed" | "deliberation",
  recordedBy: string | null,
  at: Date,
): Promise<Decision> {
  const outcome = decide({
    blocs: assessment.blocs,
    scores: joint,
    thresholds: assessment.thresholds,
    acquiredBlocCodes: assessment.acquiredBlocCodes,
  });
  await trx
    .insertInto("candidacy_decisions")
    .values({
      candidacy_id: candidacyId,
      route,
      joint_scores: JSON.stringify(joint),
      origin: JSON.stringify(origin),
      outcome: JSON.stringify(outcome),
      decided_at: at,
      recorded_by: recordedBy,
    })
    .execute();
  return outcome;
}

class RefusedInTransaction extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

/** A transaction whose refusal rolls back whatever it wrote before refusing (a decision, entries) and is returned. */
export async function transact<T>(
  db: Kysely<Database>,
  work: (trx: Transaction<Database>) => Promise<T | Refusal>,
): Promise<T | Refusal> {
  try {
    return await db.transaction().execute(async (trx) => {
      const result = await work(trx);
      if (isRefusal(result)) throw new RefusedInTransaction(result);
      return result as T;
    });
  } catch (error) {
    if (error instanceof RefusedInTransaction) return error.refusal;
    throw error;
  }
}

export const evaluatorActor = (userId: string): EventActor => ({ type: "user", userId, role: "evaluator" });
const accessActor = (userId: string): AccessActor => ({ userId, role: "evaluator" });

/** A service's answer to a refused event, in the one refusal shape. */
export function asRefusal(outcome: { ok: false; code: string; message: string; status?: number }): Refusal {
  if ("status" in outcome && outcome.status) return outcome as Refusal;
  return refuse(outcome.code, outcome.message, { status: outcome.code === "not_found" ? 404 : 409 });
}

/**
 * Locks the candidacy and checks the evaluator's capability on it: 404 when they are not (or no longer) on it,
 * 403/409 with the French reason otherwise.
 */
export async function lockForEvaluator(
  trx: Transaction<Database>,
  evaluatorId: string,
  candidacyId: string,
  capability: Capability,
) {
  const row = await lockCandidacy(trx, candidacyId);
  if (!row) return NOT_FOUND();
  const snapshot = restoreCandidacySnapshot(row);
  const allowed = can(snapshot, accessActor(evaluatorId), capability);
  if (!allowed.ok) return allowed;
  const actor = evaluatorActor(evaluatorId);
  const slot = evaluatorSlot(snapshot.context, actor);
  if (!slot) return NOT_FOUND();
  return { row, snapshot, slot, actor } as const;
}

async function sendEvent(
  db: Kysely<Database>,
  evaluatorId: string,
  candidacyId: string,
  capability: Capability,
  event: (actor: EventActor) => Parameters<typeof applyCandidacyEvent>[2],
): Promise<EventAccepted | Refusal> {
  return transact(db, async (trx) => {
    const ctx = await lockForEvaluator(trx, evaluatorId, candidacyId, capability);
    if ("ok" in ctx) return ctx;
    const outcome = await applyCandidacyEvent(trx, candidacyId, event(ctx.actor), ctx);
    return outcome.ok ? outcome : asRefusal(outcome);
  });
}

/** The evaluator declares, in one explicit step, that they have no link with the candidate: scoring opens. */
export async function declareNoLink(db: Kysely<Database>, evaluatorId: string, candidacyId: string, at = new Date()) {
  return sendEvent(db, evaluatorId, candidacyId, "evaluation.declare", (actor) => ({
    type: "START_SCORING",
    noLink: true,
    actor,
    at: at.toISOString(),
  }));
}

/** The evaluator declares a conflict of interest: they leave the dossier, staff must replace them. */
export async function declareConflict(
  db: Kysely<Database>,
  evaluatorId: string,
  candidacyId: string,
  reason: string,
  at = new Date(),
): Promise<EventAccepted | Refusal> {
  const text = reason.trim();
  if (text.length < 5) {
    const message = "Expliquez en quelques mots le lien que vous avez avec le candidat.";
    return refuse("reason_required", message, { fieldErrors: { reason: message } });
  }
  return sendEvent(db, evaluatorId, candidacyId, "evaluation.declare", (actor) => ({
    type: "DECLARE_CONFLICT",
    reason: text.slice(0, 2000),
    actor,
    at: at.toISOString(),
  }));
}

export interface DraftEntry {
  competencyCode: string;
  /** As typed: "" (none yet), "72,5", "72.5". */
  score: string;
  comment: string;
  /** 1-based positions of the criteria ticked. */
  criteriaMet: number[];
}

/**
 * Saves the evaluator's grid as a draft (any time while scoring; a score may stay empty). Every entry is checked
 * first: one bad score refuses the whole save with a message per field, and nothing is written.
 */
export async function saveDraft(
  db: Kysely<Database>,
  evaluatorId: string,
  candidacyId: string,
  entries: DraftEntry[],
  at = new Date(),
): Promise<{ ok: true; saved: number } | Refusal> {
  return transact(db, async (trx) => {
    const ctx = await lockForEvaluator(trx, evaluatorId, candidacyId, "scores.edit");
    if ("ok" in ctx) return ctx;
    const assessment = await assessmentOf(trx, ctx.row);
    const criteriaCount = new Map(assessment.scope.competencies.map((c) => [c.code, c.criteria.length]));
    const fieldErrors: Record<string, string> = {};
    const rows = [];
    for (const entry of entries) {
      const count = criteriaCount.get(entry.competencyCode);
      if (count === undefined) {
        return refuse(
          "unknown_competency",
          `La compétence ${entry.competencyCode} n'est pas évaluée dans cette candidature.`,
        );
      }
      let score: string | null = null;
      const typed = entry.score.trim();
      if (typed !== "") {
        try {
          const tenths = parseScore(typed, entry.competencyCode);
          score = (tenths / 10).toFixed(1);
        } catch (error) {
          if (!(error instanceof DecisionInputError)) throw error;
          fieldErrors[`score-${entry.competencyCode}`] = error.message;
        }
      }
      const ticks = [...new Set(entry.criteriaMet)].filter((p) => Number.isInteger(p) && p >= 1 && p <= count);
      rows.push({
        competencyCode: entry.competencyCode,
        score,
        comment: entry.comment.trim().slice(0, MAX_SCORE_COMMENT_LENGTH),
        criteriaMet: ticks.sort((a, b) => a - b),
      });
    }
    if (Object.keys(fieldErrors).length > 0) {
      const codes = Object.keys(fieldErrors).map((k) => k.slice("score-".length));
      return refuse(
        "invalid_scores",
        `Corrigez ${codes.length > 1 ? "les notes de" : "la note de"} ${codes.join(", ")} : rien n'a été enregistré.`,
        { fieldErrors },
      );
    }
    await upsertEvaluatorScores(trx, candidacyId, evaluatorId, rows, at);
    return { ok: true as const, saved: rows.length };
  });
}

/** Scores without ticks (the services' former shape, used by workflow tests): a draft save. */
export async function saveScores(
  db: Kysely<Database>,
  evaluatorId: string,
  candidacyId: string,
  entries: Array<{ competencyCode: string; score: string; comment?: string }>,
): Promise<{ ok: true } | Refusal> {
  const saved = await saveDraft(
    db,
    evaluatorId,
    candidacyId,
    entries.map((e) => ({ ...e, comment: e.comment ?? "", criteriaMet: [] })),
  );
  return saved.ok ? { ok: true } : saved;
}

/** What still keeps an evaluator from transmitting: competencies without a score, a session not yet attended. */
export function missingBeforeSubmission(
  assessment: Pick<Assessment, "assessedCompetencies">,
  own: ScoreRow[],
  snapshot: CandidacySnapshot,
): { unscored: string[]; uncommented: string[]; sessionPending: boolean } {
  const byCode = new Map(own.map((r) => [r.competencyCode, r]));
  return {
    unscored: assessment.assessedCompetencies.filter((code) => byCode.get(code)?.score == null),
    uncommented: assessment.assessedCompetencies.filter((code) => !byCode.get(code)?.comment.trim()),
    sessionPending: snapshot.context.evaluation.session?.attendance !== "attended",
  };
}

/**
 * Transmits the evaluator's scores, once, after the session took place. The second transmission compares the two
 * sets: when the joint scores confirm both evaluators, the decision is recorded and the minutes open; otherwise
 * the pair deliberates.
 */
export async function submitScores(
  db: Kysely<Database>,
  evaluatorId: string,
  candidacyId: string,
  at = new Date(),
): Promise<EventAccepted | Refusal> {
  return transact(db, async (trx) => {
    const ctx = await lockForEvaluator(trx, evaluatorId, candidacyId, "scores.submit");
    if ("ok" in ctx) return ctx;
    const assessment = await assessmentOf(trx, ctx.row);
    const ownRows = await listEvaluatorScores(trx, candidacyId, evaluatorId);
    const missing = missingBeforeSubmission(assessment, ownRows, ctx.snapshot);
    if (missing.sessionPending) {
      return refuse(
        "session_not_attended",
        "Vous pourrez transmettre vos notes une fois la session d'évaluation tenue avec le candidat (présence enregistrée par le certificateur).",
        { status: 409 },
      );
    }
    if (missing.unscored.length > 0) {
      return refuse(
        "scores_missing",
        `Notez toutes les compétences avant de transmettre vos notes. Manquantes : ${missing.unscored.join(", ")}.`,
      );
    }
    const evaluation = ctx.snapshot.context.evaluation;
    const pair = evaluation.pair!;
    const otherSubmitted = ctx.slot === "A" ? evaluation.submittedB : evaluation.submittedA;
    let jointOutcome: "agreed" | "deliberation" | undefined;
    let result: "full" | "partial" | "none" | undefined;
    if (otherSubmitted) {
      const own = scoresByCode(ownRows);
      const other = await submittedScores(trx, candidacyId, ctx.slot === "A" ? pair.evaluatorBId : pair.evaluatorAId);
      const [scoresA, scoresB] = ctx.slot === "A" ? [own, other] : [other, own];
      const joint = jointScores({ ...ruleOf(assessment), scoresA, scoresB });
      jointOutcome = joint.kind;
      if (joint.kind === "agreed") {
        const origin = Object.fromEntries(Object.keys(joint.joint).map((code) => [code, "mean" as const]));
        const decision = await recordDecision(trx, candidacyId, assessment, joint.joint, origin, "agreed", null, at);
        result = resultOf(decision);
      }
    }
    const outcome = await applyCandidacyEvent(
      trx,
      candidacyId,
      { type: "SUBMIT_SCORES", jointOutcome, result, actor: ctx.actor, at: at.toISOString() },
      ctx,
    );
    return outcome.ok ? outcome : asRefusal(outcome);
  });
}

/** An evaluator's own scores; the other evaluator's only once both have submitted (blind double scoring). */
export async function readScores(db: Kysely<Database>, evaluatorId: string, candidacyId: string) {
  const row = await db.selectFrom("candidacies").select("snapshot").where("id", "=", candidacyId).executeTakeFirst();
  if (!row) return null;
  const snapshot = restoreSnapshot(row.snapshot);
  const slot = evaluatorSlot(snapshot.context, evaluatorActor(evaluatorId));
  if (!slot) return null;
  const pair = snapshot.context.evaluation.pair!;
  const compare = can(snapshot, accessActor(evaluatorId), "evaluation.compare").ok;
  return {
    own: await submittedScores(db, candidacyId, evaluatorId),
    other: compare
      ? await submittedScores(db, candidacyId, slot === "A" ? pair.evaluatorBId : pair.evaluatorAId)
      : null,
  };
}

/** The common head of every evaluator page: the candidacy, the session, the deadlines, each side's progress. */
export async function evaluationHeader(db: Kysely<Database>, evaluatorId: string, candidacyId: string) {
  const candidacy = await getCandidacySummary(db, candidacyId);
  if (!candidacy) return null;
  const snapshot = restoreSnapshot(candidacy.snapshot);
  const slot = evaluatorSlot(snapshot.context, evaluatorActor(evaluatorId));
  if (!slot) return null;
  const evaluation = snapshot.context.evaluation;
  const progress = evaluationProgress(snapshot);
  const firstFiled = snapshot.context.dossier.firstSubmittedAt;
  return {
    snapshot,
    candidacy,
    header: {
      id: candidacy.id,
      reference: candidacyReference(candidacy.id, candidacy.requestedAt, candidacy.createdAt),
      candidateName: candidacy.candidateName,
      certificationTitle: candidacy.certificationTitle,
      state: candidacy.state,
      stateLabel: stateLabel(candidacy.state),
      slot,
      isPresident: evaluation.pair?.presidentId === evaluatorId,
      declaredAt: evaluation.declarations?.[slot] ?? null,
      mine: progress ? (slot === "A" ? progress.evaluatorA : progress.evaluatorB) : null,
      // Of the other evaluator, only whether they have transmitted: never their scores or drafts (blind).
      otherSubmitted: Boolean(slot === "A" ? evaluation.submittedB : evaluation.submittedA),
      session: evaluation.session
        ? {
            startsAt: evaluation.session.startsAt,
            mode: evaluation.session.mode,
            location: evaluation.session.location,
            attendance: evaluation.session.attendance ?? null,
          }
        : null,
      evaluationDueBy: firstFiled ? evaluationDeadline(firstFiled) : null,
      can: capabilitiesOf(snapshot, accessActor(evaluatorId)),
    },
  };
}

/**
 * The evaluator's page on one dossier: the header and, once they have declared no link, the grid — per bloc and
 * competency the statement, the criteria, the candidate's narrative and evidence from the frozen filed version,
 * beside their own draft. Null (→ 404) when they are not on this candidacy.
 */
export async function evaluatorWorkspace(db: Kysely<Database>, evaluatorId: string, candidacyId: string) {
  const head = await evaluationHeader(db, evaluatorId, candidacyId);
  if (!head) return null;
  const { snapshot, candidacy, header } = head;
  if (!header.can["dossier.view"]) return { header, grid: null };
  const assessment = await assessmentOf(db, {
    referential_version_id: snapshot.context.referentialVersionId,
    target_bloc_codes: candidacy.targetBlocCodes,
  });
  const filed = (await listDossierVersions(db, candidacyId)).filter((v) => v.frozenAt).at(-1);
  const [narratives, evidence, own] = await Promise.all([
    filed ? listNarratives(db, filed.id) : Promise.resolve([]),
    filed ? listEvidence(db, filed.id) : Promise.resolve([]),
    listEvaluatorScores(db, candidacyId, evaluatorId),
  ]);
  const ownByCode = new Map(own.map((r) => [r.competencyCode, r]));
  const missing = missingBeforeSubmission(assessment, own, snapshot);
  return {
    header,
    grid: {
      version: filed ? { number: filed.version, frozenAt: filed.frozenAt!.toISOString() } : null,
      thresholds: assessment.thresholds,
      tolerancePoints: assessment.tolerancePoints,
      missing,
      blocs: assessment.scope.blocs.map((bloc) => ({
        code: bloc.code,
        number: bloc.number,
        title: bloc.title,
        competencies: bloc.competencies.map((c) => {
          const narrative = narratives.find((n) => n.competencyCode === c.code);
          const mine = ownByCode.get(c.code);
          return {
            code: c.code,
            statement: c.statement,
            criteria: c.criteria.map((cr, i) => ({ position: i + 1, text: cr.text })),
            narrative: narrative
              ? { context: narrative.context, actions: narrative.actions, results: narrative.results }
              : null,
            evidence: evidence
              .filter((e) => e.competencyCodes.includes(c.code))
              .map((e) => ({
                documentId: e.documentId,
                originalName: e.originalName,
                mediaType: e.mediaType,
                caption: e.caption,
                inline: INLINE_TYPES.has(e.mediaType),
              })),
            draft: {
              score: mine?.score ?? null,
              comment: mine?.comment ?? "",
              criteriaMet: mine?.criteriaMet ?? [],
            },
          };
        }),
      })),
    },
  };
}
