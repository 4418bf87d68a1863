// The minutes (procès-verbal) of an evaluation: the final scores and bloc decisions with their explanation, the
// pair's recommendations for every bloc not awarded (locked once anyone has signed), and the two signatures — an
// explicit step that re-asks the evaluator's password and records identity, time and IP. The second signature
// decides the candidacy; the PDF of the signed minutes is then rendered after commit (outbox topic
// MINUTES_PDF_TOPIC of candidacies.server.ts), stored, its SHA-256 recorded, and downloadable by the pair and certifier staff.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { Kysely } from "kysely";
import { getCandidacySummary, getDecision } from "../../db/queries/candidacies";
import {
  getMinutesDocument,
  insertMinutesDocument,
  insertMinutesSignature,
  listMinutesSignatures,
  listRecommendations,
  upsertRecommendations,
} from "../../db/queries/evaluations";
import type { Database, Role } from "../../db/schema";
import { clearThrottleHits, releaseThrottleHits, reserveThrottleHits } from "../../db/queries/sessions";
import { can } from "../../workflows/candidacy-access";
import { restoreSnapshot } from "../../workflows/candidacy-snapshot";
import { type Decision, type ExactScore, formatScore } from "../../workflows/decision";
import { explainBlocDecision } from "../../workflows/decision-explanation";
import { type Refusal, refuse } from "../../workflows/refusal";
import { MAX_RECOMMENDATION_LENGTH } from "../utils/evaluation-limits";
import { loggerFor } from "../utils/logger.server";
import { applyCandidacyEvent } from "./candidacies.server";
import { candidacyReference } from "./email-delivery.server";
import {
  type EventAccepted,
  NOT_FOUND,
  asRefusal,
  assessmentOf,
  evaluationHeader,
  lockForEvaluator,
  submittedScores,
  transact,
} from "./evaluation.server";
import { buildMinutesPdf } from "./minutes-pdf/minutes-pdf.server";
import type { MinutesModel } from "./minutes-pdf/model";
import { verifyAgainstDummy, verifyPassword } from "./passwords.server";
import type { ObjectStorage } from "./storage";

const log = loggerFor("minutes");

/** Wrong passwords accepted when signing minutes, per evaluator, before signing is refused for a while. */
export const SIGNATURE_THROTTLE = { windowMinutes: 15, perEvaluator: 5 } as const;

const RESULT_LABEL = { full: "CQP obtenu", partial: "Validation partielle", none: "Aucun bloc obtenu" } as const;
const MODE_LABEL = { in_person: "en présentiel", video: "en visioconférence" } as const;

function explanationOf(
  bloc: Decision["blocs"][number],
  thresholds: MinutesThresholds,
  joint: Record<string, ExactScore>,
): string[] {
  return [explainBlocDecision(bloc, thresholds, { scores: joint })];
}

interface MinutesThresholds {
  blocMeanPercent: string;
  competencyFloorPercent: string;
}

/** Everything the minutes say, from the database: the page and the PDF print the same. */
async function minutesModel(db: Kysely<Database>, candidacyId: string) {
  const candidacy = await getCandidacySummary(db, candidacyId);
  const decisionRow = await getDecision(db, candidacyId);
  if (!candidacy || !decisionRow) return null;
  const snapshot = restoreSnapshot(candidacy.snapshot);
  const evaluation = snapshot.context.evaluation;
  const pair = evaluation.pair!;
  const assessment = await assessmentOf(db, {
    referential_version_id: snapshot.context.referentialVersionId,
    target_bloc_codes: candidacy.targetBlocCodes,
  });
  const [scoresA, scoresB, recommendations, signatures, document] = await Promise.all([
    submittedScores(db, candidacyId, pair.evaluatorAId),
    submittedScores(db, candidacyId, pair.evaluatorBId),
    listRecommendations(db, candidacyId),
    listMinutesSignatures(db, candidacyId),
    getMinutesDocument(db, candidacyId),
  ]);
  const outcome = decisionRow.outcome as Decision;
  const joint = decisionRow.joint_scores as Record<string, ExactScore>;
  const statements = new Map(assessment.scope.competencies.map((c) => [c.code, c.statement]));
  const recommendationOf = new Map(recommendations.map((r) => [r.blocCode, r.text]));
  const result =
    snapshot.context.decision.result ??
    (outcome.certificationAwarded ? "full" : outcome.awardedBlocCodes.length > 0 ? "partial" : "none");
  const scoreText = (value: string | undefined) => (value === undefined ? "—" : formatScore(value));
  const model: MinutesModel = {
    candidacyReference: candidacyReference(candidacy.id, candidacy.requestedAt, candidacy.createdAt),
    candidate: { fullName: candidacy.candidateName },
    certification: { code: candidacy.certificationCode, title: candidacy.certificationTitle },
    referentialLabel: `Référentiel ${candidacy.referentialVersion}`,
    session: evaluation.session
      ? {
          startsAt: evaluation.session.startsAt,
          modeLabel: MODE_LABEL[evaluation.session.mode],
          location: evaluation.session.location,
        }
      : null,
    route: decisionRow.route,
    resultLabel: RESULT_LABEL[result],
    thresholds: { ...assessment.thresholds, tolerancePoints: assessment.tolerancePoints },
    blocs: outcome.blocs.map((bloc) => {
      const info = assessment.blocs.find((b) => b.code === bloc.code)!;
      return {
        code: bloc.code,
        number: info.number,
        title: info.title,
        status: bloc.status,
        meanDisplay: bloc.mean?.display ?? "",
        explanation: bloc.status === "acquired_before" ? [] : explanationOf(bloc, assessment.thresholds, joint),
        recommendation: bloc.status === "not_awarded" ? (recommendationOf.get(bloc.code) ?? null) : null,
        competencies:
          bloc.status === "acquired_before"
            ? []
            : info.competencyCodes.map((code) => ({
                code,
                statement: statements.get(code) ?? "",
                scoreA: scoreText(scoresA[code]),
                scoreB: scoreText(scoresB[code]),
                joint: joint[code] ? formatScore(joint[code], { maxDecimals: 2 }) : "—",
                origin: decisionRow.origin[code] ?? "mean",
              })),
      };
    }),
    signatures: signatures.map((s) => ({
      slot: s.slot,
      fullName: s.fullName,
      email: s.email,
      signedAt: s.signedAt.toISOString(),
      president: s.evaluatorId === pair.presidentId,
    })),
  };
  return { model, snapshot, signatures, document, outcome };
}

/**
 * The minutes page of an evaluator: the minutes as they stand, the recommendations to write, who has signed.
 * A refusal (404, 403, 409) when they may not see them.
 */
export async function minutesView(db: Kysely<Database>, evaluatorId: string, candidacyId: string) {
  const head = await evaluationHeader(db, evaluatorId, candidacyId);
  if (!head) return NOT_FOUND();
  const allowed = can(head.snapshot, { userId: evaluatorId, role: "evaluator" }, "minutes.view");
  if (!allowed.ok) return allowed;
  const minutes = await minutesModel(db, candidacyId);
  if (!minutes) return refuse("no_decision", "Le procès-verbal n'est pas encore ouvert.", { status: 409 });
  const { model, signatures, document } = minutes;
  const missingRecommendations = model.blocs
    .filter((b) => b.status === "not_awarded" && !b.recommendation?.trim())
    .map((b) => b.code);
  return {
    ok: true as const,
    header: head.header,
    minutes: model,
    signedByMe: signatures.some((s) => s.evaluatorId === evaluatorId),
    locked: signatures.length > 0,
    missingRecommendations,
    pdf: document ? { sha256: document.sha256, sizeBytes: document.sizeBytes } : null,
  };
}

/** The pair's recommendations for the blocs not awarded; refused once anyone has signed. */
export async function saveRecommendations(
  db: Kysely<Database>,
  evaluatorId: string,
  candidacyId: string,
  texts: Record<string, string>,
  at = new Date(),
): Promise<{ ok: true } | Refusal> {
  return transact(db, async (trx) => {
    const ctx = await lockForEvaluator(trx, evaluatorId, candidacyId, "recommendations.edit");
    if ("ok" in ctx) return ctx;
    if ((await listMinutesSignatures(trx, candidacyId)).length > 0) {
      return refuse(
        "minutes_signed",
        "Le procès-verbal a déjà été signé : les recommandations ne peuvent plus être modifiées.",
        { status: 409 },
      );
    }
    const decision = await getDecision(trx, candidacyId);
    const notAwarded = new Set(
      ((decision?.outcome as Decision | undefined)?.blocs ?? [])
        .filter((b) => b.status === "not_awarded")
        .map((b) => b.code),
    );
    const fieldErrors: Record<string, string> = {};
    const kept: Record<string, string> = {};
    for (const [blocCode, text] of Object.entries(texts)) {
      if (!notAwarded.has(blocCode)) {
        return refuse("not_a_failed_bloc", `Le bloc ${blocCode} est validé : il n'appelle pas de recommandation.`);
      }
      const trimmed = text.trim();
      if (trimmed.length > MAX_RECOMMENDATION_LENGTH) {
        fieldErrors[`recommendation-${blocCode}`] =
          `Au plus ${MAX_RECOMMENDATION_LENGTH} caractères (${trimmed.length} saisis).`;
      }
      kept[blocCode] = trimmed;
    }
    if (Object.keys(fieldErrors).length > 0) {
      return refuse("recommendation_too_long", "Raccourcissez les recommandations signalées.", { fieldErrors });
    }
    await upsertRecommendations(trx, candidacyId, kept, evaluatorId, at);
    return { ok: true as const };
  });
}

/**
 * Signs the minutes: the evaluator confirms with their password; identity (name and e-mail as they are now), time
 * and IP are recorded with the SIGN_MINUTES event. A wrong password records nothing.
 */
export async function signMinutes(
  db: Kysely<Database>,
  evaluatorId: string,
  candidacyId: string,
  input: { password: string; ip: string | null },
  at = new Date(),
): Promise<EventAccepted | Refusal> {
  // Counted before the password is checked, as at login: a stolen session cannot try passwords here at argon2's pace.
  const reservation = await reserveThrottleHits(
    db,
    [
      {
        bucket: "minutes-signature",
        key: evaluatorId,
        limit: SIGNATURE_THROTTLE.perEvaluator,
        windowSeconds: SIGNATURE_THROTTLE.windowMinutes * 60,
      },
    ],
    at,
  );
  if (!reservation.ok) {
    return refuse(
      "throttled",
      `Trop de mots de passe incorrects : par sécurité, réessayez de signer dans ${SIGNATURE_THROTTLE.windowMinutes} minutes.`,
      { status: 429 },
    );
  }
  const user = await db
    .selectFrom("users")
    .select(["full_name", "email", "password_hash", "is_active"])
    .where("id", "=", evaluatorId)
    .executeTakeFirst();
  const passwordOk =
    user?.is_active && user.password_hash
      ? await verifyPassword(user.password_hash, input.password)
      : await verifyAgainstDummy(input.password);
  if (!user || !passwordOk) {
    const message = "Mot de passe incorrect : le procès-verbal n'est pas signé.";
    return refuse("wrong_password", message, { fieldErrors: { password: message } });
  }
  // The right password: the attempt does not count, and earlier failures are forgotten.
  await releaseThrottleHits(db, reservation.hitIds);
  await clearThrottleHits(db, "minutes-signature", evaluatorId);
  return transact(db, async (trx) => {
    const ctx = await lockForEvaluator(trx, evaluatorId, candidacyId, "minutes.sign");
    if ("ok" in ctx) return ctx;
    const decision = await getDecision(trx, candidacyId);
    if (!decision) return refuse("no_decision", "Le procès-verbal n'est pas encore ouvert.", { status: 409 });
    const recommendations = new Map(
      (await listRecommendations(trx, candidacyId)).map((r) => [r.blocCode, r.text.trim()]),
    );
    const missing = (decision.outcome as Decision).blocs
      .filter((b) => b.status === "not_awarded" && !recommendations.get(b.code))
      .map((b) => b.code);
    if (missing.length > 0) {
      return refuse(
        "recommendations_missing",
        `Rédigez les recommandations au candidat avant de signer : ${missing.map((c) => `bloc ${c}`).join(", ")}.`,
        { status: 409 },
      );
    }
    if ((await listMinutesSignatures(trx, candidacyId)).some((s) => s.evaluatorId === evaluatorId)) {
      return refuse("already_signed", "Vous avez déjà signé ce procès-verbal.", { status: 409 });
    }
    await insertMinutesSignature(trx, {
      candidacyId,
      evaluatorId,
      slot: ctx.slot,
      fullName: user.full_name,
      email: user.email,
      signedAt: at,
      ip: input.ip,
    });
    const outcome = await applyCandidacyEvent(
      trx,
      candidacyId,
      { type: "SIGN_MINUTES", actor: ctx.actor, at: at.toISOString() },
      ctx.row,
    );
    return outcome.ok ? outcome : asRefusal(outcome);
  });
}

const minutesKey = (candidacyId: string) => `candidacies/${candidacyId}/minutes/proces-verbal.pdf`;

/**
 * Outbox handler: renders the signed minutes once both signatures are in, stores the PDF and records its SHA-256.
 * Idempotent: a second delivery finds the document recorded and does nothing.
 */
export async function renderAndStoreMinutes(
  db: Kysely<Database>,
  storage: ObjectStorage,
  payload: { candidacyId: string },
): Promise<void> {
  if (await getMinutesDocument(db, payload.candidacyId)) return;
  const minutes = await minutesModel(db, payload.candidacyId);
  if (!minutes || minutes.signatures.length < 2) {
    log.warn({ candidacyId: payload.candidacyId }, "Minutes PDF requested before both signatures: nothing rendered");
    return;
  }
  const bytes = await buildMinutesPdf(minutes.model);
  const key = minutesKey(payload.candidacyId);
  await storage.put(key, Readable.from([Buffer.from(bytes)]), {
    contentType: "application/pdf",
    contentLength: bytes.byteLength,
  });
  await insertMinutesDocument(db, {
    candidacyId: payload.candidacyId,
    storageKey: key,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    sizeBytes: bytes.byteLength,
    createdAt: new Date(),
  });
  log.info({ candidacyId: payload.candidacyId, bytes: bytes.byteLength }, "Signed minutes stored");
}

/**
 * The stored minutes PDF for whoever may read the minutes (an assigned evaluator, certifier staff); null (→ 404)
 * otherwise or before it is stored.
 */
export async function findMinutesPdf(
  db: Kysely<Database>,
  user: { id: string; roles: readonly Role[] },
  candidacyId: string,
) {
  const candidacy = await getCandidacySummary(db, candidacyId);
  if (!candidacy) return null;
  const snapshot = restoreSnapshot(candidacy.snapshot);
  const mayRead = (["evaluator", "certifier_staff"] as const).some(
    (role) => user.roles.includes(role) && can(snapshot, { userId: user.id, role }, "minutes.view").ok,
  );
  if (!mayRead) return null;
  const document = await getMinutesDocument(db, candidacyId);
  if (!document) return null;
  const reference = candidacyReference(candidacy.id, candidacy.requestedAt, candidacy.createdAt);
  return { ...document, fileName: `proces-verbal-${reference}.pdf` };
}
