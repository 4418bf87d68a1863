// The evaluation of a dossier by the evaluator pair: each evaluator scores every competency of the blocs aimed at
// (blind: only their own scores until both have submitted), the joint scores follow the referential's tolerance
// rule, a deliberation settles disagreements (the president has the casting vote), and the decision rule of
// workflows/decision.ts turns the joint scores into blocs awarded. Every step goes through the statechart.
import type { Kysely, Transaction } from "kysely";
import { lockCandidacy } from "../../db/queries/candidacies";
import type { Database } from "../../db/schema";
import {
  type DeliberationResolution,
  DecisionInputError,
  type ExactScore,
  decide,
  jointScores,
  parseScore,
  settleDeliberation,
} from "../../workflows/decision";
import { type DecisionResult, evaluationProgress, evaluatorSlot } from "../../workflows/candidacy-machine";
import { restoreSnapshot } from "../../workflows/candidacy-snapshot";
import { type CandidacyOutcome, applyCandidacyEvent } from "./candidacies.server";

export type EvaluationRefusal = { ok: false; code: string; message: string };
const refuse = (code: string, message: string): EvaluationRefusal => ({ ok: false, code, message });

export interface ScoreEntry {
  competencyCode: string;
  /** Percent, 0–100, at most one decimal; "." or "," accepted. */
  score: string;
  comment?: string;
}

interface Assessment {
  blocs: { code: string; title: string; competencyCodes: string[] }[];
  targetCodes: string[];
  assessedCompetencies: string[];
  acquiredBlocCodes: string[];
  thresholds: { blocMeanPercent: string; competencyFloorPercent: string };
  tolerancePoints: string;
}

/** What this candidacy's evaluation is about: the referential's blocs, those aimed at, and the rule parameters. */
async function assessmentOf(
  trx: Transaction<Database>,
  candidacy: { referential_version_id: string; target_bloc_codes: string[] },
): Promise<Assessment> {
  const version = await trx
    .selectFrom("referential_versions")
    .select(["bloc_mean_threshold_percent", "competency_floor_percent", "evaluator_tolerance_points"])
    .where("id", "=", candidacy.referential_version_id)
    .executeTakeFirstOrThrow();
  const blocs = await trx
    .selectFrom("blocs")
    .select(["id", "code", "title"])
    .where("referential_version_id", "=", candidacy.referential_version_id)
    .orderBy("number")
    .execute();
  const competencies = await trx
    .selectFrom("competencies")
    .select(["bloc_id", "code"])
    .where("referential_version_id", "=", candidacy.referential_version_id)
    .orderBy("position")
    .execute();
  const shaped = blocs.map((b) => ({
    code: b.code,
    title: b.title,
    competencyCodes: competencies.filter((c) => c.bloc_id === b.id).map((c) => c.code),
  }));
  const targetCodes = candidacy.target_bloc_codes;
  return {
    blocs: shaped,
    targetCodes,
    assessedCompetencies: shaped.filter((b) => targetCodes.includes(b.code)).flatMap((b) => b.competencyCodes),
    // Blocs outside the candidacy's aim are the ones the candidate already held when it started.
    acquiredBlocCodes: shaped.filter((b) => !targetCodes.includes(b.code)).map((b) => b.code),
    thresholds: {
      blocMeanPercent: version.bloc_mean_threshold_percent,
      competencyFloorPercent: version.competency_floor_percent,
    },
    tolerancePoints: version.evaluator_tolerance_points,
  };
}

async function scoresOf(trx: Transaction<Database> | Kysely<Database>, candidacyId: string, evaluatorId: string) {
  const rows = await trx
    .selectFrom("evaluation_scores")
    .select(["competency_code", "score", "comment"])
    .where("candidacy_id", "=", candidacyId)
    .where("evaluator_id", "=", evaluatorId)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.competency_code, r.score]));
}

/** Locks the candidacy and checks that this evaluator is assigned and currently scoring. */
async function scoringContext(trx: Transaction<Database>, evaluatorId: string, candidacyId: string) {
  const row = await lockCandidacy(trx, candidacyId);
  if (!row) return { refusal: refuse("not_found", "Cette candidature n'existe pas.") } as const;
  const snapshot = restoreSnapshot(row.snapshot);
  const actor = { type: "user" as const, userId: evaluatorId, role: "evaluator" as const };
  const slot = evaluatorSlot(snapshot.context, actor);
  if (!slot)
    return {
      refusal: refuse("not_assigned", "Vous n'êtes pas désigné comme évaluateur de cette candidature."),
    } as const;
  const progress = evaluationProgress(snapshot);
  const mine = progress ? (slot === "A" ? progress.evaluatorA : progress.evaluatorB) : null;
  return { row, snapshot, slot, mine, actor } as const;
}

/** Saves (creates or replaces) some of an evaluator's scores while they are scoring. */
export async function saveScores(
  db: Kysely<Database>,
  evaluatorId: string,
  candidacyId: string,
  entries: ScoreEntry[],
): Promise<{ ok: true } | EvaluationRefusal> {
  return db.transaction().execute(async (trx) => {
    const ctx = await scoringContext(trx, evaluatorId, candidacyId);
    if ("refusal" in ctx) return ctx.refusal!;
    if (ctx.mine !== "scoring") {
      return refuse(
        ctx.mine === "submitted" ? "already_submitted" : "not_scoring",
        ctx.mine === "submitted"
          ? "Vous avez déjà transmis vos notes : elles ne peuvent plus être modifiées."
          : "Commencez la notation avant d'enregistrer des notes.",
      );
    }
    const assessment = await assessmentOf(trx, ctx.row);
    const values = [];
    for (const entry of entries) {
      if (!assessment.assessedCompetencies.includes(entry.competencyCode)) {
        return refuse(
          "unknown_competency",
          `La compétence ${entry.competencyCode} n'est pas évaluée dans cette candidature.`,
        );
      }
      try {
        const tenths = parseScore(entry.score, entry.competencyCode);
        values.push({
          candidacy_id: candidacyId,
          evaluator_id: evaluatorId,
          competency_code: entry.competencyCode,
          score: (tenths / 10).toFixed(1),
          comment: (entry.comment ?? "").trim().slice(0, 4000),
          updated_at: new Date(),
        });
      } catch (error) {
        if (error instanceof DecisionInputError) return refuse(error.code, error.message);
        throw error;
      }
    }
    if (values.length > 0) {
      await trx
        .insertInto("evaluation_scores")
        .values(values)
        .onConflict((oc) =>
          oc.columns(["candidacy_id", "evaluator_id", "competency_code"]).doUpdateSet((eb) => ({
            score: eb.ref("excluded.score"),
            comment: eb.ref("excluded.comment"),
            updated_at: eb.ref("excluded.updated_at"),
          })),
        )
        .execute();
    }
    return { ok: true as const };
  });
}

/** An evaluator's own scores; the other evaluator's only once both have submitted (blind double scoring). */
export async function readScores(db: Kysely<Database>, evaluatorId: string, candidacyId: string) {
  const row = await db.selectFrom("candidacies").select("snapshot").where("id", "=", candidacyId).executeTakeFirst();
  if (!row) return null;
  const context = restoreSnapshot(row.snapshot).context;
  const pair = context.evaluation.pair;
  if (!pair || (pair.evaluatorAId !== evaluatorId && pair.evaluatorBId !== evaluatorId)) return null;
  const other = pair.evaluatorAId === evaluatorId ? pair.evaluatorBId : pair.evaluatorAId;
  const bothSubmitted = Boolean(context.evaluation.submittedA && context.evaluation.submittedB);
  return {
    own: await scoresOf(db, candidacyId, evaluatorId),
    other: bothSubmitted && other ? await scoresOf(db, candidacyId, other) : null,
  };
}

/**
 * Transmits an evaluator's scores. The second transmission compares the two sets: within tolerance and with the
 * same bloc outcomes, the joint scores are their exact means and the decision is recorded; otherwise the pair
 * deliberates.
 */
export async function submitScores(
  db: Kysely<Database>,
  evaluatorId: string,
  candidacyId: string,
  at: Date = new Date(),
): Promise<CandidacyOutcome | EvaluationRefusal> {
  return db.transaction().execute(async (trx) => {
    const ctx = await scoringContext(trx, evaluatorId, candidacyId);
    if ("refusal" in ctx) return ctx.refusal!;
    const assessment = await assessmentOf(trx, ctx.row);
    const own = await scoresOf(trx, candidacyId, evaluatorId);
    const missing = assessment.assessedCompetencies.filter((code) => own[code] === undefined);
    if (ctx.mine === "scoring" && missing.length > 0) {
      return refuse(
        "scores_missing",
        `Notez toutes les compétences avant de transmettre vos notes. Manquantes : ${missing.join(", ")}.`,
      );
    }
    const pair = ctx.snapshot.context.evaluation.pair!;
    const otherSubmitted =
      ctx.slot === "A" ? ctx.snapshot.context.evaluation.submittedB : ctx.snapshot.context.evaluation.submittedA;
    let jointOutcome: "agreed" | "deliberation" | undefined;
    let result: DecisionResult | undefined;
    if (otherSubmitted && ctx.mine === "scoring") {
      const other = await scoresOf(trx, candidacyId, (ctx.slot === "A" ? pair.evaluatorBId : pair.evaluatorAId)!);
      const [scoresA, scoresB] = ctx.slot === "A" ? [own, other] : [other, own];
      const joint = jointScores({ ...rule(assessment), scoresA, scoresB });
      jointOutcome = joint.kind;
      if (joint.kind === "agreed") {
        result = await recordDecision(
          trx,
          candidacyId,
          assessment,
          joint.joint,
          meanOrigins(joint.joint),
          "agreed",
          null,
          at,
        );
      }
    }
    return applyCandidacyEvent(
      trx,
      candidacyId,
      { type: "SUBMIT_SCORES", jointOutcome, result, actor: ctx.actor, at: at.toISOString() },
      ctx.row,
    );
  });
}

/** The competencies the pair must settle in deliberation, and why. */
export async function disputedCompetencies(db: Kysely<Database>, candidacyId: string) {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("candidacies").selectAll().where("id", "=", candidacyId).executeTakeFirst();
    if (!row) return null;
    const pair = restoreSnapshot(row.snapshot).context.evaluation.pair;
    if (!pair) return null;
    const assessment = await assessmentOf(trx, row);
    const result = jointScores({
      ...rule(assessment),
      scoresA: await scoresOf(trx, candidacyId, pair.evaluatorAId!),
      scoresB: await scoresOf(trx, candidacyId, pair.evaluatorBId!),
    });
    return result.kind === "deliberation" ? result : null;
  });
}

/**
 * Records the deliberation: for each disputed competency, the score the pair agreed, or the president's. Only the
 * president may use the casting vote.
 */
export async function recordDeliberation(
  db: Kysely<Database>,
  evaluatorId: string,
  candidacyId: string,
  resolutions: Record<string, DeliberationResolution>,
  at: Date = new Date(),
): Promise<CandidacyOutcome | EvaluationRefusal> {
  return db.transaction().execute(async (trx) => {
    const row = await lockCandidacy(trx, candidacyId);
    if (!row) return refuse("not_found", "Cette candidature n'existe pas.");
    const snapshot = restoreSnapshot(row.snapshot);
    const actor = { type: "user" as const, userId: evaluatorId, role: "evaluator" as const };
    const pair = snapshot.context.evaluation.pair;
    if (!pair || !evaluatorSlot(snapshot.context, actor)) {
      return refuse("not_assigned", "Vous n'êtes pas désigné comme évaluateur de cette candidature.");
    }
    if (Object.values(resolutions).some((r) => r.by === "president") && pair.presidentId !== evaluatorId) {
      return refuse("not_president", "Seul le président du binôme peut trancher une note par sa voix prépondérante.");
    }
    if (snapshot.value !== "deliberation") {
      return refuse("wrong_state", "Cette action n'est pas possible à l'étape actuelle de la candidature.");
    }
    const assessment = await assessmentOf(trx, row);
    let result: DecisionResult;
    try {
      const settled = settleDeliberation({
        ...rule(assessment),
        scoresA: await scoresOf(trx, candidacyId, pair.evaluatorAId!),
        scoresB: await scoresOf(trx, candidacyId, pair.evaluatorBId!),
        resolutions,
      });
      result = await recordDecision(
        trx,
        candidacyId,
        assessment,
        settled.joint,
        settled.origin,
        "deliberation",
        evaluatorId,
        at,
      );
    } catch (error) {
      if (error instanceof DecisionInputError) return refuse(error.code, error.message);
      throw error;
    }
    return applyCandidacyEvent(
      trx,
      candidacyId,
      { type: "RECORD_DELIBERATION", result, actor, at: at.toISOString() },
      row,
    );
  });
}

function rule(assessment: Assessment) {
  return {
    blocs: assessment.blocs,
    tolerancePoints: assessment.tolerancePoints,
    thresholds: assessment.thresholds,
    acquiredBlocCodes: assessment.acquiredBlocCodes,
  };
}

function meanOrigins(joint: Record<string, ExactScore>) {
  return Object.fromEntries(Object.keys(joint).map((code) => [code, "mean" as const]));
}

async function recordDecision(
  trx: Transaction<Database>,
  candidacyId: string,
  assessment: Assessment,
  joint: Record<string, ExactScore>,
  origin: Record<string, "mean" | "evaluators" | "president">,
  route: "agreed" | "deliberation",
  recordedBy: string | null,
  at: Date,
): Promise<DecisionResult> {
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
  return outcome.certificationAwarded ? "full" : outcome.awardedBlocCodes.length > 0 ? "partial" : "none";
}
