// Once both evaluators have transmitted: the comparison of their scores (per competency A, B, difference, joint
// score; per bloc the three outcomes and why the pair must deliberate), and the deliberation itself. Each evaluator
// proposes a score per disputed competency (every proposal kept with its author); a competency is agreed when the
// latest proposals of both are equal; otherwise the president's casting vote settles it. Closing the deliberation
// computes the final joint scores (settleDeliberation), records the decision and opens the minutes.
import type { Kysely } from "kysely";
import { insertDeliberationEntries, listDeliberationEntries } from "../../db/queries/evaluations";
import type { Database } from "../../db/schema";
import { can } from "../../workflows/candidacy-access";
import {
  type DeliberationResolution,
  DecisionInputError,
  compareEvaluations,
  decide,
  formatScore,
  parseScore,
  settleDeliberation,
} from "../../workflows/decision";
import { explainBlocDecision, explainDeliberationReason } from "../../workflows/decision-explanation";
import { type Refusal, refuse } from "../../workflows/refusal";
import { applyCandidacyEvent } from "./candidacies.server";
import {
  type EventAccepted,
  NOT_FOUND,
  asRefusal,
  assessmentOf,
  evaluationHeader,
  lockForEvaluator,
  recordDecision,
  resultOf,
  ruleOf,
  submittedScores,
  transact,
} from "./evaluation.server";

const MAX_COMMENT_LENGTH = 2000;

type Entry = Awaited<ReturnType<typeof listDeliberationEntries>>[number];

/** Per disputed competency: each side's latest proposal, whether they agree, and the president's latest vote. */
function deliberationState(
  disputed: string[],
  entries: Entry[],
  pair: { evaluatorAId: string | null; evaluatorBId: string | null },
) {
  return Object.fromEntries(
    disputed.map((code) => {
      const of = (authorId: string | null, kind: Entry["kind"]) =>
        entries.filter((e) => e.competencyCode === code && e.authorId === authorId && e.kind === kind).at(-1) ?? null;
      const latestA = of(pair.evaluatorAId, "proposal");
      const latestB = of(pair.evaluatorBId, "proposal");
      const vote = entries.filter((e) => e.competencyCode === code && e.kind === "casting_vote").at(-1) ?? null;
      const agreed = latestA !== null && latestB !== null && Number(latestA.score) === Number(latestB.score);
      return [code, { latestA, latestB, agreed, vote }];
    }),
  );
}

/** The resolution of each disputed competency so far: agreement first, else the president's vote. */
function resolutionsOf(state: ReturnType<typeof deliberationState>) {
  const resolutions: Record<string, DeliberationResolution> = {};
  const unresolved: string[] = [];
  for (const [code, s] of Object.entries(state)) {
    if (s.agreed) resolutions[code] = { by: "evaluators", score: s.latestA!.score };
    else if (s.vote) resolutions[code] = { by: "president", score: s.vote.score };
    else unresolved.push(code);
  }
  return { resolutions, unresolved };
}

const display = (score: Parameters<typeof formatScore>[0]) => formatScore(score, { maxDecimals: 2 });

/**
 * The comparison page of one evaluator: both sets of scores, only once both are transmitted (the capability
 * `evaluation.compare`), with the deliberation's entries. Null → 404; a refusal (403/409) before that.
 */
export async function comparisonView(db: Kysely<Database>, evaluatorId: string, candidacyId: string) {
  const head = await evaluationHeader(db, evaluatorId, candidacyId);
  if (!head) return NOT_FOUND();
  const { snapshot, candidacy, header } = head;
  const allowed = can(snapshot, { userId: evaluatorId, role: "evaluator" }, "evaluation.compare");
  if (!allowed.ok) return allowed;
  const pair = snapshot.context.evaluation.pair!;
  const assessment = await assessmentOf(db, {
    referential_version_id: snapshot.context.referentialVersionId,
    target_bloc_codes: candidacy.targetBlocCodes,
  });
  const [scoresA, scoresB, entries] = await Promise.all([
    submittedScores(db, candidacyId, pair.evaluatorAId),
    submittedScores(db, candidacyId, pair.evaluatorBId),
    listDeliberationEntries(db, candidacyId),
  ]);
  const comparison = compareEvaluations({ ...ruleOf(assessment), scoresA, scoresB });
  const disputed = comparison.competencies.filter((c) => c.disputed).map((c) => c.code);
  const state = deliberationState(disputed, entries, pair);
  const { unresolved } = resolutionsOf(state);
  const statements = new Map(assessment.scope.competencies.map((c) => [c.code, c.statement]));
  const titles = new Map(assessment.blocs.map((b) => [b.code, b]));
  // What the joint scores (the two evaluators' means) would decide, explained bloc by bloc.
  const jointScores = Object.fromEntries(comparison.competencies.map((c) => [c.code, c.joint]));
  const jointDecision = decide({
    blocs: assessment.blocs,
    scores: jointScores,
    thresholds: assessment.thresholds,
    acquiredBlocCodes: assessment.acquiredBlocCodes,
  });
  return {
    ok: true as const,
    header,
    tolerancePoints: assessment.tolerancePoints,
    thresholds: assessment.thresholds,
    deliberationRequired: comparison.deliberationRequired,
    blocs: comparison.blocs.map((bloc) => ({
      code: bloc.code,
      number: titles.get(bloc.code)?.number ?? 0,
      title: titles.get(bloc.code)?.title ?? bloc.code,
      statusA: bloc.statusA,
      statusB: bloc.statusB,
      statusJoint: bloc.statusJoint,
      meanA: bloc.meanA.display,
      meanB: bloc.meanB.display,
      meanJoint: bloc.meanJoint.display,
      outcomesDiffer: !(bloc.statusA === bloc.statusB && bloc.statusB === bloc.statusJoint),
      jointExplanation: explainBlocDecision(
        jointDecision.blocs.find((b) => b.code === bloc.code)!,
        assessment.thresholds,
        { scores: jointScores },
      ),
      reasons: bloc.reasons.map((reason) =>
        explainDeliberationReason(reason, {
          tolerancePoints: assessment.tolerancePoints,
          competencyName: (code) => `${code} (${statements.get(code) ?? ""})`,
        }),
      ),
      competencies: comparison.competencies
        .filter((c) => c.blocCode === bloc.code)
        .map((c) => ({
          code: c.code,
          statement: statements.get(c.code) ?? "",
          a: display(c.a),
          b: display(c.b),
          difference: display(c.difference),
          joint: display(c.joint),
          overTolerance: c.overTolerance,
          disputed: c.disputed,
        })),
    })),
    deliberation: disputed.map((code) => {
      const s = state[code]!;
      const show = (e: Entry | null) =>
        e
          ? { score: formatScore(e.score), comment: e.comment, authorName: e.authorName, at: e.createdAt.toISOString() }
          : null;
      return {
        code,
        statement: statements.get(code) ?? "",
        latestA: show(s.latestA),
        latestB: show(s.latestB),
        agreed: s.agreed,
        vote: show(s.vote),
      };
    }),
    entries: entries.map((e) => ({
      id: e.id,
      competencyCode: e.competencyCode,
      authorName: e.authorName,
      kind: e.kind,
      score: formatScore(e.score),
      comment: e.comment,
      at: e.createdAt.toISOString(),
    })),
    unresolved,
  };
}

export interface ProposedScore {
  competencyCode: string;
  /** As typed; an empty score is skipped. */
  score: string;
  comment: string;
}

async function recordEntries(
  db: Kysely<Database>,
  evaluatorId: string,
  candidacyId: string,
  kind: "proposal" | "casting_vote",
  proposals: ProposedScore[],
  at: Date,
): Promise<{ ok: true; recorded: number } | Refusal> {
  return transact(db, async (trx) => {
    const ctx = await lockForEvaluator(trx, evaluatorId, candidacyId, "deliberation.propose");
    if ("ok" in ctx) return ctx;
    if (kind === "casting_vote") {
      // In deliberation, only the president may vote: anyone else is refused as not theirs to do (403).
      const vote = can(ctx.snapshot, { userId: evaluatorId, role: "evaluator" }, "deliberation.castingVote");
      if (!vote.ok) return refuse("not_president", vote.message, { status: 403 });
    }
    const pair = ctx.snapshot.context.evaluation.pair!;
    const assessment = await assessmentOf(trx, ctx.row);
    const comparison = compareEvaluations({
      ...ruleOf(assessment),
      scoresA: await submittedScores(trx, candidacyId, pair.evaluatorAId),
      scoresB: await submittedScores(trx, candidacyId, pair.evaluatorBId),
    });
    const disputed = new Set(comparison.competencies.filter((c) => c.disputed).map((c) => c.code));
    const fieldErrors: Record<string, string> = {};
    const rows = [];
    for (const p of proposals) {
      if (p.score.trim() === "") continue;
      if (!disputed.has(p.competencyCode)) {
        return refuse("not_disputed", `La compétence ${p.competencyCode} n'est pas en délibération.`);
      }
      try {
        const tenths = parseScore(p.score.trim(), p.competencyCode);
        rows.push({
          candidacyId,
          competencyCode: p.competencyCode,
          authorId: evaluatorId,
          kind,
          score: (tenths / 10).toFixed(1),
          comment: p.comment.trim().slice(0, MAX_COMMENT_LENGTH),
          createdAt: at,
        });
      } catch (error) {
        if (!(error instanceof DecisionInputError)) throw error;
        fieldErrors[`score-${p.competencyCode}`] = error.message;
      }
    }
    if (Object.keys(fieldErrors).length > 0) {
      return refuse("invalid_scores", "Corrigez les notes signalées : rien n'a été enregistré.", { fieldErrors });
    }
    if (rows.length === 0) {
      return refuse("nothing_proposed", "Indiquez une note pour au moins une compétence en délibération.");
    }
    await insertDeliberationEntries(trx, rows);
    return { ok: true as const, recorded: rows.length };
  });
}

/** An evaluator's proposals of joint scores for disputed competencies (each kept, with its author and time). */
export function proposeScores(
  db: Kysely<Database>,
  evaluatorId: string,
  candidacyId: string,
  proposals: ProposedScore[],
  at = new Date(),
) {
  return recordEntries(db, evaluatorId, candidacyId, "proposal", proposals, at);
}

/** The president's casting vote on competencies the pair does not agree on. */
export function castVote(
  db: Kysely<Database>,
  evaluatorId: string,
  candidacyId: string,
  votes: ProposedScore[],
  at = new Date(),
) {
  return recordEntries(db, evaluatorId, candidacyId, "casting_vote", votes, at);
}

/**
 * Closes the deliberation: every disputed competency must be agreed or settled by the president; the final joint
 * scores and the decision are recorded, and the candidacy moves to the minutes.
 */
export async function closeDeliberation(
  db: Kysely<Database>,
  evaluatorId: string,
  candidacyId: string,
  at = new Date(),
): Promise<EventAccepted | Refusal> {
  return transact(db, async (trx) => {
    const ctx = await lockForEvaluator(trx, evaluatorId, candidacyId, "deliberation.close");
    if ("ok" in ctx) return ctx;
    const pair = ctx.snapshot.context.evaluation.pair!;
    const assessment = await assessmentOf(trx, ctx.row);
    const scoresA = await submittedScores(trx, candidacyId, pair.evaluatorAId);
    const scoresB = await submittedScores(trx, candidacyId, pair.evaluatorBId);
    const comparison = compareEvaluations({ ...ruleOf(assessment), scoresA, scoresB });
    const disputed = comparison.competencies.filter((c) => c.disputed).map((c) => c.code);
    const state = deliberationState(disputed, await listDeliberationEntries(trx, candidacyId), pair);
    const { resolutions, unresolved } = resolutionsOf(state);
    if (unresolved.length > 0) {
      return refuse(
        "deliberation_unresolved",
        `Mettez-vous d'accord sur une note (même note proposée par chacun) ou laissez le président trancher pour : ${unresolved.join(", ")}.`,
        { status: 409 },
      );
    }
    try {
      const settled = settleDeliberation({ ...ruleOf(assessment), scoresA, scoresB, resolutions });
      const decision = await recordDecision(
        trx,
        candidacyId,
        assessment,
        settled.joint,
        settled.origin,
        "deliberation",
        evaluatorId,
        at,
      );
      const outcome = await applyCandidacyEvent(
        trx,
        candidacyId,
        { type: "RECORD_DELIBERATION", result: resultOf(decision), actor: ctx.actor, at: at.toISOString() },
        ctx.row,
      );
      return outcome.ok ? outcome : asRefusal(outcome);
    } catch (error) {
      if (error instanceof DecisionInputError) return refuse(error.code, error.message);
      throw error;
    }
  });
}
