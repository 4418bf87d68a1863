// The end of a candidacy: certifier staff read the signed minutes and validate the decision, the candidate reads
// their result (blocs awarded or not, and why, with the pair's recommendations) and may start a new candidacy for
// the blocs still missing. Only joint scores (the pair's final scores) ever leave this file: never an evaluator's own.
import type { Kysely } from "kysely";
import { findCandidacy, getCandidacySummary, getDecision, listCandidacyEvents } from "../../db/queries/candidacies";
import {
  listAcquiredBlocs,
  listUserIdentities,
  type MinutesSignature,
  listRequestsFiledInYear,
  listSiblingCandidacies,
  readReferentialForResult,
} from "../../db/queries/results";
import { getMinutesDocument, listMinutesSignatures, listRecommendations } from "../../db/queries/evaluations";
import type { Database, Role } from "../../db/schema";
import type { EmailData, PortalPath } from "../../templates/emails/index";
import { type Capability, can } from "../../workflows/candidacy-access";
import { type CandidacyContext, FINAL_STATE_KEYS, resultLabel, stateLabel } from "../../workflows/candidacy-machine";
import { restoreSnapshot } from "../../workflows/candidacy-snapshot";
import type { BlocDecision, Decision, ExactScore } from "../../workflows/decision";
import { explainBlocDecision } from "../../workflows/decision-explanation";
import { type Refusal, refuse } from "../../workflows/refusal";
import { candidateTimeline } from "../utils/candidacy-timeline";
import { MAX_REQUESTS_PER_YEAR, calendarYearInFrance, createCandidacy, sendCandidacyEvent } from "./candidacies.server";

const DAY = 24 * 3600_000;

/** Who reads or acts: checked against the capability table on the candidacy's snapshot. */
export interface Viewer {
  userId: string;
  role: Role;
}
/** The result is notified to the candidate within 15 days following the evaluation session (Code du travail). */
export const RESULT_DAYS_AFTER_SESSION = 15;

// ---------------------------------------------------------------------------------------------------------------
// Display helpers (pure)
// ---------------------------------------------------------------------------------------------------------------

/** An exact joint score in French, at least one decimal and exact up to two: { 1403, 2 } tenths → "70,15". */
export function exactScoreDisplay(score: ExactScore): string {
  const n = BigInt(score.tenthsNumerator);
  const d = BigInt(score.denominator);
  // Hundredths of a percent, rounded half up: n / d tenths = 10 n / d hundredths.
  const hundredths = (20n * n + d) / (2n * d);
  const whole = hundredths / 100n;
  const cents = hundredths % 100n;
  const fraction = cents % 10n === 0n ? `${cents / 10n}` : cents.toString().padStart(2, "0");
  return `${whole},${fraction}`;
}

/** A threshold kept as numeric text ("70.0") as people read it: "70 %". */
export function thresholdDisplay(numeric: string): string {
  const [whole, fraction = ""] = numeric.split(".");
  const kept = fraction.replace(/0+$/, "");
  return `${kept ? `${whole},${kept}` : whole} %`;
}

/** The last instant to notify the result: 15 days after the session (after the decision when no session is known). */
export function resultDueBy(sessionStartsAt: string | undefined, decidedAt: Date | string): string {
  const from = sessionStartsAt ?? new Date(decidedAt).toISOString();
  return new Date(Date.parse(from) + RESULT_DAYS_AFTER_SESSION * DAY).toISOString();
}

/**
 * From when a new admissibility request for this certification can be filed (R335-7: one per calendar year per
 * certification, at most 3 a calendar year across certifications), given the certifications of the requests the
 * candidate filed this calendar year. null: it can be filed now. Otherwise 1 January of next year, 00:00 in Paris.
 */
export function nextRequestFilingDate(
  filedThisYear: readonly string[],
  certificationId: string,
  now: Date,
): string | null {
  const year = calendarYearInFrance(now);
  if (!filedThisYear.includes(certificationId) && filedThisYear.length < MAX_REQUESTS_PER_YEAR) return null;
  // Paris is at UTC+1 on every 1 January (no summer time in winter).
  return new Date(Date.UTC(year + 1, 0, 1) - 3600_000).toISOString();
}

/** The capability table's answer for this person on this candidacy (404 when it does not exist). */
async function allowedOn(
  db: Kysely<Database>,
  viewer: Viewer,
  candidacyId: string,
  capability: Capability,
): Promise<{ ok: true } | Refusal> {
  const row = await findCandidacy(db, candidacyId);
  if (!row) return refuse("not_found", "Candidature introuvable.", { status: 404 });
  return can(restoreSnapshot(row.snapshot), viewer, capability);
}

const noDecision = () =>
  refuse("no_decision", "Aucune décision n'est enregistrée pour cette candidature.", { status: 409 });

// ---------------------------------------------------------------------------------------------------------------
// Reading the decision
// ---------------------------------------------------------------------------------------------------------------

export interface CompetencyUnderFloor {
  code: string;
  title: string;
  /** The pair's final (joint) score, e.g. "45,0". */
  score: string;
}

export interface BlocResult {
  code: string;
  title: string;
  status: BlocDecision["status"];
  /** The mean of the bloc's final scores, e.g. "70,0"; null for a bloc acquired before this candidacy. */
  mean: string | null;
  meanReached: boolean;
  competenciesUnderFloor: CompetencyUnderFloor[];
  /** The rule's explanation in plain French (workflows/decision-explanation.ts), with the final scores. */
  explanation: string;
  /** The pair's recommendations to the candidate, for a bloc not awarded. */
  recommendation: string | null;
}

interface DecisionRead {
  candidacy: NonNullable<Awaited<ReturnType<typeof getCandidacySummary>>>;
  certificationId: string;
  referentialVersionId: string;
  decision: NonNullable<Awaited<ReturnType<typeof getDecision>>>;
  outcome: Decision;
  thresholds: { blocMeanPercent: string; competencyFloorPercent: string };
  referential: Awaited<ReturnType<typeof readReferentialForResult>>;
  blocs: BlocResult[];
}

async function readDecision(db: Kysely<Database>, candidacyId: string): Promise<DecisionRead | null> {
  const [candidacy, row, decision] = await Promise.all([
    getCandidacySummary(db, candidacyId),
    findCandidacy(db, candidacyId),
    getDecision(db, candidacyId),
  ]);
  if (!candidacy || !row || !decision) return null;
  const outcome = decision.outcome as Decision;
  const referential = await readReferentialForResult(db, row.referential_version_id);
  const recommendations = Object.fromEntries(
    (await listRecommendations(db, candidacyId))
      .filter((r) => r.text.trim() !== "")
      .map((r) => [r.blocCode, r.text.trim()]),
  );
  const joint = decision.joint_scores as Record<string, ExactScore>;
  const titles = new Map(referential.blocs.flatMap((b) => b.competencies.map((c) => [c.code, c.title] as const)));
  const blocTitles = new Map(referential.blocs.map((b) => [b.code, b.title]));
  const blocs: BlocResult[] = outcome.blocs.map((bloc) => ({
    code: bloc.code,
    title: blocTitles.get(bloc.code) ?? bloc.code,
    status: bloc.status,
    mean: bloc.mean?.display ?? null,
    meanReached: bloc.meanReached,
    competenciesUnderFloor: bloc.competenciesUnderFloor.map((code) => ({
      code,
      title: titles.get(code) ?? code,
      score: joint[code] ? exactScoreDisplay(joint[code]) : "",
    })),
    explanation: explainBlocDecision(bloc, referential.thresholds, { scores: joint }),
    recommendation: bloc.status === "not_awarded" ? (recommendations[bloc.code] ?? null) : null,
  }));
  return {
    candidacy,
    certificationId: row.certification_id,
    referentialVersionId: row.referential_version_id,
    decision,
    outcome,
    thresholds: referential.thresholds,
    referential,
    blocs,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Certifier staff: the minutes, and validating the decision
// ---------------------------------------------------------------------------------------------------------------

const ORIGIN_LABELS = {
  mean: "Moyenne des deux évaluateurs",
  evaluators: "Fixée d'un commun accord en délibération",
  president: "Fixée par le président (voix prépondérante)",
} as const;

/** What staff read before validating: the minutes as signed, the rule's explanation, the 15-day deadline. */
export async function readMinutesForValidation(
  db: Kysely<Database>,
  viewer: Viewer,
  candidacyId: string,
  now: Date = new Date(),
) {
  const allowed = await allowedOn(db, viewer, candidacyId, "minutes.view");
  if (!allowed.ok) return allowed;
  const read = await readDecision(db, candidacyId);
  if (!read) return noDecision();
  const { candidacy, decision, referential } = read;
  const context = restoreSnapshot(candidacy.snapshot).context;
  const joint = decision.joint_scores as Record<string, ExactScore>;
  const origin = decision.origin as Record<string, keyof typeof ORIGIN_LABELS>;
  const [recorded, document] = await Promise.all([
    listMinutesSignatures(db, candidacyId),
    getMinutesDocument(db, candidacyId),
  ]);
  // Minutes signed before the signatures' own rows existed carry only the statechart's times.
  const signatures: MinutesSignature[] =
    recorded.length > 0
      ? recorded.map((r) => ({ slot: r.slot, fullName: r.fullName, email: r.email, signedAt: new Date(r.signedAt) }))
      : await signaturesFromSnapshot(db, context);
  const sessionStartsAt = context.evaluation.session?.startsAt;
  const dueBy = resultDueBy(sessionStartsAt, decision.decided_at);
  const validated = context.decision.validatedAt ?? null;
  return {
    ok: true as const,
    state: candidacy.state,
    stateLabel: stateLabel(candidacy.state),
    result: context.decision.result ?? null,
    resultLabel: resultLabel(context.decision.result),
    route: decision.route,
    decidedAt: new Date(decision.decided_at).toISOString(),
    certificationAwarded: read.outcome.certificationAwarded,
    thresholds: {
      blocMean: thresholdDisplay(read.thresholds.blocMeanPercent),
      competencyFloor: thresholdDisplay(read.thresholds.competencyFloorPercent),
    },
    blocs: read.blocs.map((bloc) => ({
      ...bloc,
      competencies:
        bloc.status === "acquired_before"
          ? []
          : (referential.blocs.find((b) => b.code === bloc.code)?.competencies ?? []).map((c) => ({
              code: c.code,
              title: c.title,
              score: joint[c.code] ? exactScoreDisplay(joint[c.code]!) : "",
              origin: ORIGIN_LABELS[origin[c.code] ?? "mean"] ?? ORIGIN_LABELS.mean,
              underFloor: bloc.competenciesUnderFloor.some((u) => u.code === c.code),
            })),
    })),
    signatures: signatures.map((s) => ({ ...s, signedAt: s.signedAt.toISOString() })),
    minutesDocument: document
      ? { sizeBytes: Number(document.sizeBytes), createdAt: new Date(document.createdAt).toISOString() }
      : null,
    deadline: {
      sessionStartsAt: sessionStartsAt ?? null,
      dueBy,
      // Overdue only while the result is still to notify.
      overdue: !validated && now.getTime() > Date.parse(dueBy),
      validatedAt: validated,
    },
  };
}

/** The signatures as the statechart recorded them (time per slot), with the pair's identities. */
async function signaturesFromSnapshot(db: Kysely<Database>, context: CandidacyContext): Promise<MinutesSignature[]> {
  const signed = context.decision.signatures ?? {};
  const pair = context.evaluation.pair;
  const slots = (["A", "B"] as const).flatMap((slot) => {
    const at = signed[slot];
    const userId = slot === "A" ? pair?.evaluatorAId : pair?.evaluatorBId;
    return at && userId ? [{ slot, at, userId }] : [];
  });
  const people = await listUserIdentities(
    db,
    slots.map((s) => s.userId),
  );
  return slots.map((s) => {
    const person = people.find((p) => p.id === s.userId);
    return {
      slot: s.slot,
      fullName: person?.fullName ?? "Compte supprimé",
      email: person?.email ?? "",
      signedAt: new Date(s.at),
    };
  });
}

export type ValidationView = Exclude<Awaited<ReturnType<typeof readMinutesForValidation>>, Refusal>;

/** Certifier staff validate the signed decision: the candidate is notified and the blocs awarded become theirs. */
export async function validateDecision(
  db: Kysely<Database>,
  actor: Viewer,
  candidacyId: string,
  at: Date = new Date(),
): Promise<{ ok: true } | Refusal> {
  const allowed = await allowedOn(db, actor, candidacyId, "decision.validate");
  if (!allowed.ok) return allowed;
  if (!(await getDecision(db, candidacyId))) return noDecision();
  const outcome = await sendCandidacyEvent(db, candidacyId, {
    type: "VALIDATE_DECISION",
    actor: { type: "user", userId: actor.userId, role: actor.role },
    at: at.toISOString(),
  });
  if (!outcome.ok) return outcome;
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------------------------
// The candidate: the result, and a new candidacy for the missing blocs
// ---------------------------------------------------------------------------------------------------------------

/** The candidate's result page: blocs of this candidacy, blocs held across candidacies, and what comes next. */
export async function readResult(db: Kysely<Database>, viewer: Viewer, candidacyId: string, now: Date = new Date()) {
  const allowed = await allowedOn(db, viewer, candidacyId, "result.view");
  if (!allowed.ok) return allowed;
  const read = await readDecision(db, candidacyId);
  if (!read) return noDecision();
  const { candidacy, referential } = read;
  const context = restoreSnapshot(candidacy.snapshot).context;
  const candidateId = candidacy.candidateId;
  const [acquired, siblings, filedThisYear, journal] = await Promise.all([
    listAcquiredBlocs(db, candidateId, read.certificationId),
    listSiblingCandidacies(db, candidateId, read.certificationId, candidacyId),
    listRequestsFiledInYear(db, candidateId, calendarYearInFrance(now)),
    listCandidacyEvents(db, candidacyId),
  ]);
  const held = new Set(acquired.map((a) => a.blocCode));
  const missing = referential.blocs.filter((b) => !held.has(b.code)).map((b) => ({ code: b.code, title: b.title }));
  // A later candidacy of the same certification that is still going (or already decided): the one to follow.
  const next = siblings.find(
    (s) => !(FINAL_STATE_KEYS as readonly string[]).includes(s.state) && s.createdAt > candidacy.createdAt,
  );
  return {
    ok: true as const,
    certificationTitle: candidacy.certificationTitle,
    result: context.decision.result ?? null,
    resultLabel: resultLabel(context.decision.result),
    validatedAt: context.decision.validatedAt ?? null,
    certificationAwarded: read.outcome.certificationAwarded,
    thresholds: {
      blocMean: thresholdDisplay(read.thresholds.blocMeanPercent),
      competencyFloor: thresholdDisplay(read.thresholds.competencyFloorPercent),
    },
    // This candidacy's blocs only; a bloc held before shows in `held`.
    blocs: read.blocs.filter((b) => b.status !== "acquired_before"),
    held: referential.blocs
      .filter((b) => held.has(b.code))
      .map((b) => {
        const row = acquired.find((a) => a.blocCode === b.code)!;
        return {
          code: b.code,
          title: b.title,
          source: row.source,
          acquiredAt: new Date(row.acquiredAt).toISOString(),
          thisCandidacy: row.candidacyId === candidacyId,
        };
      }),
    missing,
    nextCandidacy: next
      ? { id: next.id, stateLabel: stateLabel(next.state), targetBlocCodes: next.targetBlocCodes }
      : null,
    requestFilingFrom: nextRequestFilingDate(filedThisYear, read.certificationId, now),
    // Worded on the server: the journal's payloads (outcome, reasons) never reach the candidate's browser.
    timeline: candidateTimeline(
      journal.map((e) => ({ ...e, actorName: null, payload: e.payload as Record<string, unknown> })),
    ),
  };
}

export type ResultView = Exclude<Awaited<ReturnType<typeof readResult>>, Refusal>;

/**
 * Starts, from a validated partial result, a new candidacy aimed only at the blocs still missing. The candidacy
 * service computes the aim from the blocs held and refuses when one is already in progress.
 */
export async function startCandidacyForMissingBlocs(
  db: Kysely<Database>,
  candidateId: string,
  fromCandidacyId: string,
  now: Date = new Date(),
): Promise<{ ok: true; candidacyId: string } | Refusal> {
  const allowed = await allowedOn(db, { userId: candidateId, role: "candidate" }, fromCandidacyId, "result.view");
  if (!allowed.ok) return allowed;
  const summary = await getCandidacySummary(db, fromCandidacyId);
  if (!summary) return refuse("not_found", "Candidature introuvable.", { status: 404 });
  const created = await createCandidacy(db, candidateId, summary.certificationCode, now);
  if (!created.ok) return created;
  return { ok: true, candidacyId: created.candidacyId };
}

/** The result e-mail's data, read at delivery time from the recorded decision (app/services/email-delivery.server.ts). */
export async function resultEmailData(
  db: Kysely<Database>,
  candidacyId: string,
  recipientName: string,
): Promise<EmailData["result"] | null> {
  const read = await readDecision(db, candidacyId);
  if (!read) return null;
  return {
    recipientName,
    certificationTitle: read.candidacy.certificationTitle,
    certificationAwarded: read.outcome.certificationAwarded,
    blocMeanThreshold: thresholdDisplay(read.thresholds.blocMeanPercent),
    competencyFloor: thresholdDisplay(read.thresholds.competencyFloorPercent),
    resultPath: `/candidat/candidatures/${candidacyId}/resultat` as PortalPath,
    blocs: read.blocs
      .filter((b) => b.status !== "acquired_before")
      .map((b) => ({
        code: b.code,
        title: b.title,
        awarded: b.status === "awarded",
        meanDisplay: b.mean ? `${b.mean} %` : "",
        meanReached: b.meanReached,
        // Only the competencies under the floor: the others of a bloc not awarded were not the reason.
        competenciesUnderFloor: b.competenciesUnderFloor.map((c) => `${c.code} ${c.title} (${c.score} %)`),
        recommendation: b.recommendation ?? undefined,
      })),
  };
}
