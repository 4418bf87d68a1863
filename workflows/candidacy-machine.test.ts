// Tests of the candidacy statechart through XState's pure `transition()`: paths, refusals and their French
// explanations, persistence round trips, and model-based reachability / dead-end checks with xstate/graph.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createActor, getNextTransitions, initialTransition, transition } from "xstate";
import { createTestModel, getAdjacencyMap, getShortestPaths, serializeSnapshot } from "xstate/graph";
import { jointScores } from "./decision";
import {
  CANDIDACY_MACHINE_VERSION,
  CANDIDACY_STATE_KEYS,
  FINAL_STATE_KEYS,
  WRONG_STATE_MESSAGE,
  admissibilitySilenceDeadline,
  candidacyMachine,
  candidacyRules,
  checkEvent,
  evaluationProgress,
  explainRefusal,
  isIsoDate,
  isIsoTimestamp,
  isValidityExpired,
  nextSnapshot,
  stepEvent,
  resultLabel,
  stateKey,
  stateLabel,
  type CandidacyEvent,
  type CandidacyInput,
  type CandidacySnapshot,
  type CandidacyStateKey,
  type EventActor,
  type RefusalCode,
  type Role,
} from "./candidacy-machine";
import { persistSnapshot, restoreSnapshot } from "./candidacy-snapshot";

// ---------------------------------------------------------------------------------------------------------------
// Fixtures and helpers
// ---------------------------------------------------------------------------------------------------------------

const CANDIDATE_ID = "user-candidate";
const OTHER_CANDIDATE_ID = "user-other-candidate";
const OFFICER_ID = "user-officer";
const STAFF_ID = "user-staff";
const EVALUATOR_A_ID = "user-evaluator-a";
const EVALUATOR_B_ID = "user-evaluator-b";
const EVALUATOR_C_ID = "user-evaluator-c";

const INPUT: CandidacyInput = {
  candidacyId: "candidacy-1",
  candidateId: CANDIDATE_ID,
  certificationCode: "CQP-COMMERCIAL-SEDENTAIRE",
  referentialVersionId: "referential-v1",
};

function user(userId: string, role: Role): EventActor {
  return { type: "user", userId, role };
}
const candidate = user(CANDIDATE_ID, "candidate");
const otherCandidate = user(OTHER_CANDIDATE_ID, "candidate");
const officer = user(OFFICER_ID, "admissibility_officer");
const staff = user(STAFF_ID, "certifier_staff");
const evaluatorA = user(EVALUATOR_A_ID, "evaluator");
const evaluatorB = user(EVALUATOR_B_ID, "evaluator");
const evaluatorC = user(EVALUATOR_C_ID, "evaluator");
const admin = user("user-admin", "admin");
const system: EventActor = { type: "system" };

// A timeline: every step one day after 2025-01-06.
const day = (n: number): string => new Date(Date.UTC(2025, 0, 6 + n, 9, 0, 0)).toISOString();

const PAIR = { evaluatorAId: EVALUATOR_A_ID, evaluatorBId: EVALUATOR_B_ID, presidentId: EVALUATOR_A_ID };

function start(): CandidacySnapshot {
  return initialTransition(candidacyMachine, INPUT)[0];
}

function send(snapshot: CandidacySnapshot, event: CandidacyEvent): CandidacySnapshot {
  return transition(candidacyMachine, snapshot, event)[0];
}

/** Sends an event that must be accepted: checkEvent agrees, and the snapshot changes. */
function accept(snapshot: CandidacySnapshot, event: CandidacyEvent): CandidacySnapshot {
  expect(checkEvent(snapshot, event)).toEqual({ allowed: true });
  expect(explainRefusal(snapshot, event)).toBeNull();
  const next = send(snapshot, event);
  expect(next).not.toBe(snapshot);
  return next;
}

/** Sends an event that must be refused: same snapshot back, and the expected refusal (code, French message). */
function expectRefused(
  snapshot: CandidacySnapshot,
  event: CandidacyEvent,
  code: RefusalCode,
  message?: string | RegExp,
): string {
  const result = checkEvent(snapshot, event);
  expect(result).toMatchObject({ allowed: false, code });
  const explanation = explainRefusal(snapshot, event);
  expect(explanation).not.toBeNull();
  if (typeof message === "string") expect(explanation).toBe(message);
  else if (message) expect(explanation).toMatch(message);
  expectFrench(explanation as string);
  expect(snapshot.can(event)).toBe(false);
  const before = JSON.stringify(persistSnapshot(snapshot));
  const next = send(snapshot, event);
  expect(next).toBe(snapshot);
  expect(JSON.stringify(persistSnapshot(next))).toBe(before);
  return explanation as string;
}

function expectFrench(message: string): void {
  expect(message).toMatch(/[éèêàçôù]|\b(la|le|les|de|du|une?)\b/i);
  expect(message).not.toMatch(/\b(must|should|missing|invalid|not allowed|forbidden|state)\b/i);
}

// Builders for each stage of the happy path.
function inPending(): CandidacySnapshot {
  return send(start(), { type: "SUBMIT_REQUEST", sworn: true, actor: candidate, at: day(0) });
}
function inReview(): CandidacySnapshot {
  return send(inPending(), { type: "OPEN_REVIEW", actor: officer, at: day(1) });
}
function inAdmissible(): CandidacySnapshot {
  return send(inReview(), { type: "DECLARE_ADMISSIBLE", validityEndsOn: "2026-12-31", actor: officer, at: day(2) });
}
function inAdmissibleWithoutValidity(): CandidacySnapshot {
  return send(inReview(), { type: "DECLARE_ADMISSIBLE", actor: officer, at: day(2) });
}
function inDossierInProgress(): CandidacySnapshot {
  return send(inAdmissible(), { type: "START_DOSSIER", actor: candidate, at: day(3) });
}
function inDossierSubmitted(): CandidacySnapshot {
  return send(inDossierInProgress(), { type: "SUBMIT_DOSSIER", version: 1, actor: candidate, at: day(10) });
}
function inEvaluation(): CandidacySnapshot {
  return send(inDossierSubmitted(), { type: "ASSIGN_PAIR", ...PAIR, actor: staff, at: day(11) });
}
const SESSION = { startsAt: day(12), mode: "in_person" as const, location: "CFA de Rungis, salle 4" };
function bothScoring(): CandidacySnapshot {
  let snapshot = send(inEvaluation(), { type: "START_SCORING", noLink: true, actor: evaluatorA, at: day(11) });
  snapshot = send(snapshot, { type: "START_SCORING", noLink: true, actor: evaluatorB, at: day(11) });
  snapshot = send(snapshot, { type: "SCHEDULE_SESSION", ...SESSION, actor: staff, at: day(11) });
  snapshot = send(snapshot, { type: "RECORD_ATTENDANCE", attendance: "attended", actor: staff, at: day(12) });
  return snapshot;
}
function aSubmitted(): CandidacySnapshot {
  return send(bothScoring(), { type: "SUBMIT_SCORES", actor: evaluatorA, at: day(13) });
}
function inDeliberation(): CandidacySnapshot {
  return send(aSubmitted(), { type: "SUBMIT_SCORES", jointOutcome: "deliberation", actor: evaluatorB, at: day(14) });
}
function inMinutes(): CandidacySnapshot {
  return send(aSubmitted(), {
    type: "SUBMIT_SCORES",
    jointOutcome: "agreed",
    result: "partial",
    actor: evaluatorB,
    at: day(14),
  });
}
function inDecided(): CandidacySnapshot {
  const signedByA = send(inMinutes(), { type: "SIGN_MINUTES", actor: evaluatorA, at: day(15) });
  return send(signedByA, { type: "SIGN_MINUTES", actor: evaluatorB, at: day(15) });
}
function inCertified(): CandidacySnapshot {
  return send(inDecided(), { type: "VALIDATE_DECISION", actor: staff, at: day(20) });
}
function inClosed(): CandidacySnapshot {
  return send(inCertified(), { type: "CLOSE", actor: system, at: day(21) });
}
function inIncomplete(): CandidacySnapshot {
  return send(inReview(), {
    type: "MARK_INCOMPLETE",
    reason: "Attestation employeur manquante",
    actor: officer,
    at: day(2),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------------------------

describe("candidacy lifecycle: paths", () => {
  it("starts in draft with the candidate as the only person involved", () => {
    const snapshot = start();
    expect(stateKey(snapshot)).toBe("draft");
    expect(snapshot.context).toMatchObject({
      candidacyId: "candidacy-1",
      candidateId: CANDIDATE_ID,
      dossier: { currentVersion: 0, submittedVersions: [], sentBackOnce: false },
      involvement: { [CANDIDATE_ID]: "candidate" },
    });
    expect(CANDIDACY_MACHINE_VERSION).toBe(2);
  });

  it("runs the happy path to closed, recording who did what and when", () => {
    let s = start();
    s = accept(s, { type: "SUBMIT_REQUEST", sworn: true, actor: candidate, at: day(0) });
    expect(stateKey(s)).toBe("admissibility.pending");
    s = accept(s, { type: "OPEN_REVIEW", actor: officer, at: day(1) });
    expect(stateKey(s)).toBe("admissibility.review");
    s = accept(s, { type: "DECLARE_ADMISSIBLE", validityEndsOn: "2026-12-31", actor: officer, at: day(2) });
    expect(stateKey(s)).toBe("admissible");
    s = accept(s, { type: "START_DOSSIER", actor: candidate, at: day(3) });
    expect(stateKey(s)).toBe("dossier.inProgress");
    s = accept(s, { type: "SUBMIT_DOSSIER", version: 1, actor: candidate, at: day(10) });
    expect(stateKey(s)).toBe("dossier.submitted");
    s = accept(s, { type: "ASSIGN_PAIR", ...PAIR, actor: staff, at: day(11) });
    expect(stateKey(s)).toBe("evaluation");
    expect(evaluationProgress(s)).toEqual({ evaluatorA: "pending", evaluatorB: "pending" });
    s = accept(s, { type: "START_SCORING", noLink: true, actor: evaluatorB, at: day(12) });
    expect(evaluationProgress(s)).toEqual({ evaluatorA: "pending", evaluatorB: "scoring" });
    s = accept(s, { type: "START_SCORING", noLink: true, actor: evaluatorA, at: day(12) });
    s = accept(s, { type: "SCHEDULE_SESSION", ...SESSION, actor: staff, at: day(12) });
    expectRefused(s, { type: "SUBMIT_SCORES", actor: evaluatorB, at: day(12) }, "session_not_attended");
    s = accept(s, { type: "RECORD_ATTENDANCE", attendance: "attended", actor: staff, at: day(13) });
    s = accept(s, { type: "SUBMIT_SCORES", actor: evaluatorB, at: day(13) });
    expect(evaluationProgress(s)).toEqual({ evaluatorA: "scoring", evaluatorB: "submitted" });
    expect(stateKey(s)).toBe("evaluation");

    // The service compares the two score sheets with the decision module and sends the outcome along.
    const blocs = [{ code: "B1", competencyCodes: ["C1.1", "C1.2"] }];
    const outcome = jointScores({
      blocs,
      scoresA: { "C1.1": 80, "C1.2": 72 },
      scoresB: { "C1.1": 75, "C1.2": 70 },
      tolerancePoints: 15,
      thresholds: { blocMeanPercent: 70, competencyFloorPercent: 50 },
    }).kind;
    expect(outcome).toBe("agreed");
    expectRefused(
      s,
      { type: "SUBMIT_SCORES", jointOutcome: outcome, actor: evaluatorA, at: day(14) },
      "result_required",
    );
    s = accept(s, { type: "SUBMIT_SCORES", jointOutcome: outcome, result: "partial", actor: evaluatorA, at: day(14) });
    expect(stateKey(s)).toBe("minutes");
    s = accept(s, { type: "SIGN_MINUTES", actor: evaluatorB, at: day(15) });
    expect(stateKey(s)).toBe("minutes");
    expectRefused(s, { type: "SIGN_MINUTES", actor: evaluatorB, at: day(15) }, "already_signed");
    expectRefused(s, { type: "VALIDATE_DECISION", actor: staff, at: day(15) }, "wrong_state");
    s = accept(s, { type: "SIGN_MINUTES", actor: evaluatorA, at: day(16) });
    expect(stateKey(s)).toBe("decided");
    s = accept(s, { type: "VALIDATE_DECISION", actor: staff, at: day(20) });
    expect(stateKey(s)).toBe("certified");
    s = accept(s, { type: "CLOSE", actor: staff, at: day(21) });
    expect(stateKey(s)).toBe("closed");
    expect(s.status).toBe("done");

    expect(s.context).toMatchObject({
      admissibility: {
        requestedAt: day(0),
        completedAt: day(0),
        officerId: OFFICER_ID,
        reviewOpenedAt: day(1),
        decidedAt: day(2),
        decision: "admissible",
        decidedBy: "officer",
        validityEndsOn: "2026-12-31",
      },
      dossier: {
        currentVersion: 1,
        submittedVersions: [1],
        sentBackOnce: false,
        startedAt: day(3),
        submittedAt: day(10),
      },
      evaluation: {
        pair: PAIR,
        assignedBy: STAFF_ID,
        assignedAt: day(11),
        startedA: true,
        startedB: true,
        submittedA: true,
        submittedB: true,
        jointOutcome: "agreed",
        completedAt: day(14),
        declarations: { A: day(12), B: day(12) },
        session: { ...SESSION, startsAt: SESSION.startsAt, attendance: "attended", attendanceRecordedAt: day(13) },
      },
      decision: {
        decidedAt: day(14),
        route: "agreed",
        result: "partial",
        signatures: { A: day(16), B: day(15) },
        validatedBy: STAFF_ID,
        validatedAt: day(20),
      },
      closedAt: day(21),
      involvement: {
        [CANDIDATE_ID]: "candidate",
        [OFFICER_ID]: "admissibility_officer",
        [STAFF_ID]: "certifier_staff",
        [EVALUATOR_A_ID]: "evaluator",
        [EVALUATOR_B_ID]: "evaluator",
      },
    });
  });

  it("routes a disagreeing pair to deliberation, then the president records the decision", () => {
    let s = aSubmitted();
    s = accept(s, { type: "SUBMIT_SCORES", jointOutcome: "deliberation", actor: evaluatorB, at: day(14) });
    expect(stateKey(s)).toBe("deliberation");
    expect(s.context.decision.decidedAt).toBeUndefined();
    expectRefused(
      s,
      { type: "RECORD_DELIBERATION", result: "partial", actor: evaluatorC, at: day(15) },
      "not_assigned",
    );
    expectRefused(s, { type: "VALIDATE_DECISION", actor: staff, at: day(15) }, "wrong_state", WRONG_STATE_MESSAGE);
    expectRefused(s, { type: "RECORD_DELIBERATION", actor: evaluatorA, at: day(16) } as never, "result_required");
    s = accept(s, { type: "RECORD_DELIBERATION", result: "partial", actor: evaluatorA, at: day(16) });
    expect(stateKey(s)).toBe("minutes");
    expect(s.context.decision).toMatchObject({
      decidedAt: day(16),
      route: "deliberation",
      deliberationRecordedBy: EVALUATOR_A_ID,
      result: "partial",
    });
    s = accept(s, { type: "SIGN_MINUTES", actor: evaluatorA, at: day(17) });
    s = accept(s, { type: "SIGN_MINUTES", actor: evaluatorB, at: day(17) });
    expect(stateKey(s)).toBe("decided");
    s = accept(s, { type: "VALIDATE_DECISION", actor: staff, at: day(20) });
    s = accept(s, { type: "CLOSE", actor: system, at: day(21) });
    expect(s.status).toBe("done");
  });

  it("lets the second evaluator be either one (B submits after A)", () => {
    const s = accept(aSubmitted(), {
      type: "SUBMIT_SCORES",
      jointOutcome: "agreed",
      result: "partial",
      actor: evaluatorB,
      at: day(14),
    });
    expect(stateKey(s)).toBe("minutes");
    expect(s.context.decision.decidedAt).toBe(day(14));
  });

  it("the jointScores of decision.ts sends a pair over tolerance to deliberation", () => {
    const kind = jointScores({
      blocs: [{ code: "B1", competencyCodes: ["C1.1", "C1.2"] }],
      scoresA: { "C1.1": 90, "C1.2": 72 },
      scoresB: { "C1.1": 60, "C1.2": 72 },
      tolerancePoints: 15,
      thresholds: { blocMeanPercent: 70, competencyFloorPercent: 50 },
    }).kind;
    const s = send(aSubmitted(), { type: "SUBMIT_SCORES", jointOutcome: kind, actor: evaluatorB, at: day(14) });
    expect(stateKey(s)).toBe("deliberation");
  });

  it("loops through incomplete: the reason is kept, the 2-month clock restarts on completion", () => {
    let s = inReview();
    expect(s.context.admissibility.completedAt).toBe(day(0));
    s = accept(s, {
      type: "MARK_INCOMPLETE",
      reason: "  Attestation employeur manquante ",
      actor: officer,
      at: day(2),
    });
    expect(stateKey(s)).toBe("admissibility.incomplete");
    expect(s.context.admissibility.incompleteReason).toBe("Attestation employeur manquante");
    expect(s.context.admissibility.completedAt).toBeUndefined();
    // While incomplete, the clock does not run: the silence event is not even possible here.
    expectRefused(
      s,
      { type: "ADMISSIBILITY_SILENCE_ELAPSED", actor: system, at: "2026-01-01T00:00:00Z" },
      "wrong_state",
      WRONG_STATE_MESSAGE,
    );
    expectRefused(s, { type: "COMPLETE_REQUEST", actor: otherCandidate, at: day(5) }, "not_owner");
    s = accept(s, { type: "COMPLETE_REQUEST", actor: candidate, at: day(30) });
    expect(stateKey(s)).toBe("admissibility.pending");
    expect(s.context.admissibility).toMatchObject({ requestedAt: day(0), completedAt: day(30) });
    // A timer scheduled from the first completion is stale: refused.
    expectRefused(
      s,
      { type: "ADMISSIBILITY_SILENCE_ELAPSED", actor: system, at: admissibilitySilenceDeadline(day(0)) },
      "silence_not_elapsed",
    );
    s = accept(s, { type: "OPEN_REVIEW", actor: officer, at: day(31) });
    s = accept(s, { type: "MARK_INCOMPLETE", reason: "Bulletins de salaire illisibles", actor: officer, at: day(32) });
    s = accept(s, { type: "COMPLETE_REQUEST", actor: candidate, at: day(33) });
    s = accept(s, { type: "OPEN_REVIEW", actor: officer, at: day(34) });
    s = accept(s, { type: "DECLARE_ADMISSIBLE", actor: officer, at: day(35) });
    expect(stateKey(s)).toBe("admissible");
    expect(s.context.admissibility.validityEndsOn).toBeUndefined();
  });

  it("declares a request inadmissible with its reason (final)", () => {
    const s = accept(inReview(), {
      type: "DECLARE_INADMISSIBLE",
      reason: "Expérience sans rapport avec la certification",
      actor: officer,
      at: day(2),
    });
    expect(stateKey(s)).toBe("inadmissible");
    expect(s.status).toBe("done");
    expect(s.context.admissibility).toMatchObject({
      decision: "inadmissible",
      reason: "Expérience sans rapport avec la certification",
      decidedAt: day(2),
    });
    expectRefused(s, { type: "WITHDRAW", actor: candidate, at: day(3) }, "wrong_state", WRONG_STATE_MESSAGE);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Time as system events
// ---------------------------------------------------------------------------------------------------------------

describe("candidacy lifecycle: 2 months of silence", () => {
  it("computes the deadline in calendar months, clamped to the end of month", () => {
    expect(admissibilitySilenceDeadline("2025-01-15T08:30:00Z")).toBe("2025-03-15T08:30:00.000Z");
    expect(admissibilitySilenceDeadline("2024-12-31T10:00:00Z")).toBe("2025-02-28T10:00:00.000Z");
    expect(admissibilitySilenceDeadline("2023-12-31T10:00:00Z")).toBe("2024-02-29T10:00:00.000Z");
    expect(admissibilitySilenceDeadline("2025-11-30T00:00:00Z")).toBe("2026-01-30T00:00:00.000Z");
  });

  it("makes a pending request admissible when the system reports 2 months of silence", () => {
    const deadline = admissibilitySilenceDeadline(day(0));
    const s = accept(inPending(), { type: "ADMISSIBILITY_SILENCE_ELAPSED", actor: system, at: deadline });
    expect(stateKey(s)).toBe("admissible");
    expect(s.context.admissibility).toMatchObject({
      decision: "admissible",
      decidedBy: "silence",
      decidedAt: deadline,
    });
    expect(s.context.admissibility.officerId).toBeUndefined();
  });

  it("also applies while the request is under review without a decision", () => {
    const s = accept(inReview(), {
      type: "ADMISSIBILITY_SILENCE_ELAPSED",
      actor: system,
      at: admissibilitySilenceDeadline(day(0)),
    });
    expect(stateKey(s)).toBe("admissible");
  });

  it("is refused before the deadline", () => {
    expectRefused(
      inPending(),
      { type: "ADMISSIBILITY_SILENCE_ELAPSED", actor: system, at: "2025-03-06T08:59:59Z" },
      "silence_not_elapsed",
      /deux mois/,
    );
  });

  it("is refused from any user, officer or staff: only the system sends it", () => {
    const at = admissibilitySilenceDeadline(day(0));
    for (const actor of [candidate, officer, staff, admin]) {
      expectRefused(
        inPending(),
        { type: "ADMISSIBILITY_SILENCE_ELAPSED", actor, at },
        "system_only",
        /automatiquement/,
      );
    }
  });
});

describe("candidacy lifecycle: validity expired", () => {
  const after = "2027-01-01T00:00:00Z";

  it("lapses an admissible candidacy, or one whose dossier is in progress or submitted", () => {
    for (const build of [inAdmissible, inDossierInProgress, inDossierSubmitted]) {
      const s = accept(build(), { type: "VALIDITY_EXPIRED", actor: system, at: after });
      expect(stateKey(s)).toBe("lapsed");
      expect(s.status).toBe("done");
      expect(s.context.lapsedAt).toBe(after);
    }
  });

  it("is inclusive of the end date: refused on that day, accepted the day after", () => {
    expect(isValidityExpired("2026-12-31", "2026-12-31T23:59:59Z")).toBe(false);
    expect(isValidityExpired("2026-12-31", "2027-01-01T00:00:00Z")).toBe(true);
    expectRefused(
      inAdmissible(),
      { type: "VALIDITY_EXPIRED", actor: system, at: "2026-12-31T12:00:00Z" },
      "validity_not_expired",
      /encore valide/,
    );
  });

  it("is refused without a validity end date (tacit or open-ended admissibility)", () => {
    expectRefused(
      inAdmissibleWithoutValidity(),
      { type: "VALIDITY_EXPIRED", actor: system, at: after },
      "validity_not_expired",
      /n'a pas de date de fin de validité/,
    );
  });

  it("is refused in every other state", () => {
    const others: Array<() => CandidacySnapshot> = [
      start,
      inPending,
      inReview,
      inIncomplete,
      inEvaluation,
      bothScoring,
      inDeliberation,
      inDecided,
      inCertified,
      inClosed,
    ];
    for (const build of others) {
      expectRefused(
        build(),
        { type: "VALIDITY_EXPIRED", actor: system, at: after },
        "wrong_state",
        WRONG_STATE_MESSAGE,
      );
    }
  });

  it("is refused from a user", () => {
    expectRefused(inAdmissible(), { type: "VALIDITY_EXPIRED", actor: staff, at: after }, "system_only");
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Send back, withdraw
// ---------------------------------------------------------------------------------------------------------------

describe("candidacy lifecycle: conflicts of interest, replacements, the session and the minutes", () => {
  it("requires the explicit no-link declaration to open the dossier, and records its time", () => {
    expectRefused(
      inEvaluation(),
      { type: "START_SCORING", actor: evaluatorA, at: day(12) } as never,
      "no_link_required",
      /aucun lien professionnel ou personnel/,
    );
    const s = accept(inEvaluation(), { type: "START_SCORING", noLink: true, actor: evaluatorA, at: day(12) });
    expect(s.context.evaluation.declarations).toEqual({ A: day(12) });
  });

  it("takes an evaluator who declares a conflict off the pair, until staff replace them", () => {
    expectRefused(
      inEvaluation(),
      { type: "DECLARE_CONFLICT", reason: " ", actor: evaluatorA, at: day(12) },
      "reason_required",
    );
    let s = accept(inEvaluation(), {
      type: "DECLARE_CONFLICT",
      reason: "J'ai été son tuteur en 2021",
      actor: evaluatorA,
      at: day(12),
    });
    expect(evaluationProgress(s)).toEqual({ evaluatorA: "vacant", evaluatorB: "pending" });
    expect(s.context.evaluation.pair).toEqual({ evaluatorAId: null, evaluatorBId: EVALUATOR_B_ID, presidentId: null });
    expect(s.context.evaluation.conflicts).toEqual([
      { slot: "A", evaluatorId: EVALUATOR_A_ID, at: day(12), reason: "J'ai été son tuteur en 2021" },
    ]);
    // Gone from the candidacy: nothing more to do there.
    expectRefused(s, { type: "START_SCORING", noLink: true, actor: evaluatorA, at: day(12) }, "not_assigned");
    // Staff may not bring them back, nor pick the remaining evaluator twice.
    expectRefused(
      s,
      {
        type: "REPLACE_EVALUATOR",
        slot: "A",
        evaluatorId: EVALUATOR_A_ID,
        presidentId: EVALUATOR_B_ID,
        actor: staff,
        at: day(13),
      },
      "role_conflict",
      /conflit d'intérêts/,
    );
    expectRefused(
      s,
      {
        type: "REPLACE_EVALUATOR",
        slot: "A",
        evaluatorId: EVALUATOR_B_ID,
        presidentId: EVALUATOR_B_ID,
        actor: staff,
        at: day(13),
      },
      "invalid_pair",
    );
    expectRefused(
      s,
      {
        type: "REPLACE_EVALUATOR",
        slot: "A",
        evaluatorId: EVALUATOR_C_ID,
        presidentId: EVALUATOR_C_ID,
        actor: evaluatorB,
        at: day(13),
      },
      "wrong_role",
    );
    s = accept(s, {
      type: "REPLACE_EVALUATOR",
      slot: "A",
      evaluatorId: EVALUATOR_C_ID,
      presidentId: EVALUATOR_B_ID,
      actor: staff,
      at: day(13),
    });
    expect(evaluationProgress(s)).toEqual({ evaluatorA: "pending", evaluatorB: "pending" });
    expect(s.context.evaluation.pair).toEqual({
      evaluatorAId: EVALUATOR_C_ID,
      evaluatorBId: EVALUATOR_B_ID,
      presidentId: EVALUATOR_B_ID,
    });
    expect(s.context.involvement[EVALUATOR_C_ID]).toBe("evaluator");
    s = accept(s, { type: "START_SCORING", noLink: true, actor: evaluatorC, at: day(14) });
    expect(evaluationProgress(s)?.evaluatorA).toBe("scoring");
  });

  it("replaces an evaluator who has not submitted, resetting only their own progress", () => {
    let s = send(bothScoring(), { type: "SUBMIT_SCORES", actor: evaluatorB, at: day(13) });
    expectRefused(
      s,
      {
        type: "REPLACE_EVALUATOR",
        slot: "B",
        evaluatorId: EVALUATOR_C_ID,
        presidentId: EVALUATOR_A_ID,
        actor: staff,
        at: day(13),
      },
      "already_submitted",
    );
    s = accept(s, {
      type: "REPLACE_EVALUATOR",
      slot: "A",
      evaluatorId: EVALUATOR_C_ID,
      presidentId: EVALUATOR_C_ID,
      actor: staff,
      at: day(13),
    });
    expect(evaluationProgress(s)).toEqual({ evaluatorA: "pending", evaluatorB: "submitted" });
    expect(s.context.evaluation.replacements).toEqual([
      { slot: "A", previousEvaluatorId: EVALUATOR_A_ID, evaluatorId: EVALUATOR_C_ID, at: day(13), by: STAFF_ID },
    ]);
    expectRefused(s, { type: "START_SCORING", noLink: true, actor: evaluatorA, at: day(13) }, "not_assigned");
  });

  it("schedules the session within the legal delay, or with a written reason, and moves it", () => {
    const s = inEvaluation();
    // Filed on day 10 (16 January 2025): the session must take place before 1 May 2025.
    const late = "2025-05-02T09:00:00.000Z";
    expectRefused(
      s,
      { type: "SCHEDULE_SESSION", ...SESSION, startsAt: late, actor: staff, at: day(12) },
      "late_reason_required",
      /troisième mois/,
    );
    expectRefused(
      s,
      { type: "SCHEDULE_SESSION", ...SESSION, startsAt: day(5), actor: staff, at: day(12) },
      "invalid_session",
      /avant le dépôt du dossier/,
    );
    expectRefused(
      s,
      { type: "SCHEDULE_SESSION", ...SESSION, location: "", actor: staff, at: day(12) },
      "invalid_session",
    );
    expectRefused(
      s,
      { type: "SCHEDULE_SESSION", ...SESSION, startsAt: "demain", actor: staff, at: day(12) },
      "invalid_session",
    );
    expectRefused(s, { type: "SCHEDULE_SESSION", ...SESSION, actor: evaluatorA, at: day(12) }, "wrong_role");
    let next = accept(s, {
      type: "SCHEDULE_SESSION",
      ...SESSION,
      startsAt: late,
      lateReason: "Le candidat est hospitalisé jusqu'en mai",
      actor: staff,
      at: day(12),
    });
    expect(next.context.evaluation.session).toMatchObject({
      startsAt: late,
      lateReason: "Le candidat est hospitalisé jusqu'en mai",
      scheduledBy: STAFF_ID,
    });
    next = accept(next, { type: "SCHEDULE_SESSION", ...SESSION, startsAt: day(20), actor: staff, at: day(13) });
    expect(next.context.evaluation.session?.startsAt).toBe(day(20));
    expect(next.context.evaluation.session?.lateReason).toBeUndefined();
  });

  it("records attendance after the session only, once; an excused candidate gets a new session", () => {
    let s = inEvaluation();
    expectRefused(s, { type: "RECORD_ATTENDANCE", attendance: "attended", actor: staff, at: day(12) }, "no_session");
    s = accept(s, { type: "SCHEDULE_SESSION", ...SESSION, startsAt: day(15), actor: staff, at: day(12) });
    expectRefused(
      s,
      { type: "RECORD_ATTENDANCE", attendance: "attended", actor: staff, at: day(14) },
      "session_not_started",
    );
    s = accept(s, { type: "RECORD_ATTENDANCE", attendance: "excused", actor: staff, at: day(15) });
    expectRefused(
      s,
      { type: "RECORD_ATTENDANCE", attendance: "attended", actor: staff, at: day(15) },
      "attendance_recorded",
    );
    s = accept(s, { type: "SCHEDULE_SESSION", ...SESSION, startsAt: day(18), actor: staff, at: day(16) });
    expect(s.context.evaluation.session?.attendance).toBeUndefined();
    s = accept(s, { type: "RECORD_ATTENDANCE", attendance: "attended", actor: staff, at: day(18) });
    expectRefused(
      s,
      { type: "SCHEDULE_SESSION", ...SESSION, startsAt: day(19), actor: staff, at: day(18) },
      "session_held",
    );
  });

  it("makes the decision only when both evaluators have signed the minutes", () => {
    let s = inMinutes();
    expectRefused(s, { type: "SIGN_MINUTES", actor: evaluatorC, at: day(15) }, "not_assigned");
    expectRefused(s, { type: "SIGN_MINUTES", actor: staff, at: day(15) }, "wrong_role");
    s = accept(s, { type: "SIGN_MINUTES", actor: evaluatorA, at: day(15) });
    expect(stateKey(s)).toBe("minutes");
    s = accept(s, { type: "WITHDRAW", actor: candidate, at: day(15) });
    expect(stateKey(s)).toBe("withdrawn");
    expect(stateKey(inDecided())).toBe("decided");
    expect(inDecided().context.decision.signatures).toEqual({ A: day(15), B: day(15) });
  });

  it('never labels a validated decision "Certifié"; the result says what was awarded', () => {
    expect(stateLabel("certified")).toBe("Décision validée");
    expect(resultLabel("full")).toBe("CQP obtenu");
    expect(resultLabel("partial")).toBe("Validation partielle");
    expect(resultLabel(undefined)).toBeNull();
  });
});

describe("candidacy lifecycle: sending the dossier back", () => {
  it("lets an assigned evaluator send it back once, before scoring; the resubmission returns to the same pair", () => {
    let s = accept(inEvaluation(), {
      type: "SEND_BACK_DOSSIER",
      reason: "Précisez vos missions en C2.3",
      actor: evaluatorB,
      at: day(12),
    });
    expect(stateKey(s)).toBe("dossier.inProgress");
    expect(s.context.dossier).toMatchObject({
      sentBackOnce: true,
      currentVersion: 1,
      sentBack: { by: EVALUATOR_B_ID, at: day(12), reason: "Précisez vos missions en C2.3", version: 1 },
    });
    // The frozen version 1 cannot be submitted again: the new one is version 2.
    expectRefused(
      s,
      { type: "SUBMIT_DOSSIER", version: 1, actor: candidate, at: day(13) },
      "invalid_version",
      /version 2/,
    );
    s = accept(s, { type: "SUBMIT_DOSSIER", version: 2, actor: candidate, at: day(14) });
    expect(stateKey(s)).toBe("evaluation");
    expect(evaluationProgress(s)).toEqual({ evaluatorA: "pending", evaluatorB: "pending" });
    expect(s.context.dossier).toMatchObject({ currentVersion: 2, submittedVersions: [1, 2], submittedAt: day(14) });
    expect(s.context.evaluation.pair).toEqual(PAIR);

    expectRefused(
      s,
      { type: "SEND_BACK_DOSSIER", reason: "Encore une précision", actor: evaluatorA, at: day(15) },
      "send_back_used",
      "Le dossier a déjà été renvoyé une fois au candidat : un second renvoi n'est pas possible. Évaluez le " +
        "dossier tel qu'il a été déposé.",
    );
    // The evaluation goes on normally on version 2.
    s = accept(s, { type: "START_SCORING", noLink: true, actor: evaluatorA, at: day(15) });
    s = accept(s, { type: "START_SCORING", noLink: true, actor: evaluatorB, at: day(15) });
    s = accept(s, { type: "SCHEDULE_SESSION", ...SESSION, startsAt: day(15), actor: staff, at: day(15) });
    s = accept(s, { type: "RECORD_ATTENDANCE", attendance: "attended", actor: staff, at: day(16) });
    s = accept(s, { type: "SUBMIT_SCORES", actor: evaluatorA, at: day(16) });
    s = accept(s, { type: "SUBMIT_SCORES", jointOutcome: "agreed", result: "partial", actor: evaluatorB, at: day(17) });
    expect(stateKey(s)).toBe("minutes");
  });

  it("brings back to scoring an evaluator who had declared no link, after the resubmission", () => {
    let s = send(inEvaluation(), { type: "START_SCORING", noLink: true, actor: evaluatorA, at: day(12) });
    s = accept(s, { type: "SEND_BACK_DOSSIER", reason: "Précisez C2.3", actor: evaluatorA, at: day(12) });
    s = accept(s, { type: "SUBMIT_DOSSIER", version: 2, actor: candidate, at: day(14) });
    expect(evaluationProgress(s)).toEqual({ evaluatorA: "scoring", evaluatorB: "pending" });
    expect(s.context.evaluation).toMatchObject({ startedA: true, startedB: false, declarations: { A: day(12) } });
  });

  it("lets staff send it back from the filed dossier, before any pair is assigned", () => {
    const s = accept(inDossierSubmitted(), {
      type: "SEND_BACK_DOSSIER",
      reason: "Le récit de C1.2 est vide",
      actor: staff,
      at: day(11),
    });
    expect(stateKey(s)).toBe("dossier.inProgress");
    expect(s.context.dossier.sentBack).toMatchObject({ by: STAFF_ID, reason: "Le récit de C1.2 est vide" });
  });

  it("is refused once either evaluator has submitted scores", () => {
    const s = send(bothScoring(), { type: "SUBMIT_SCORES", actor: evaluatorA, at: day(13) });
    expectRefused(
      s,
      { type: "SEND_BACK_DOSSIER", reason: "Précisez", actor: evaluatorB, at: day(13) },
      "scoring_started",
      /a déjà transmis ses notes/,
    );
    expectRefused(s, { type: "SEND_BACK_DOSSIER", reason: "Précisez", actor: staff, at: day(13) }, "scoring_started");
  });

  it("requires a reason, an assigned evaluator, and the evaluation stage", () => {
    expectRefused(
      inEvaluation(),
      { type: "SEND_BACK_DOSSIER", reason: "  ", actor: evaluatorA, at: day(12) },
      "reason_required",
    );
    expectRefused(
      inEvaluation(),
      { type: "SEND_BACK_DOSSIER", reason: "Précisez", actor: evaluatorC, at: day(12) },
      "not_assigned",
    );
    expectRefused(
      inEvaluation(),
      { type: "SEND_BACK_DOSSIER", reason: "Précisez", actor: candidate, at: day(12) },
      "wrong_role",
    );
    expectRefused(
      inDossierSubmitted(),
      { type: "SEND_BACK_DOSSIER", reason: "Précisez", actor: evaluatorA, at: day(12) },
      "not_assigned",
    );
    expectRefused(
      inDossierInProgress(),
      { type: "SEND_BACK_DOSSIER", reason: "Précisez", actor: staff, at: day(12) },
      "wrong_state",
      WRONG_STATE_MESSAGE,
    );
  });
});

describe("candidacy lifecycle: withdrawal", () => {
  const beforeDecided: Array<[CandidacyStateKey, () => CandidacySnapshot]> = [
    ["draft", start],
    ["admissibility.pending", inPending],
    ["admissibility.review", inReview],
    ["admissibility.incomplete", inIncomplete],
    ["admissible", inAdmissible],
    ["dossier.inProgress", inDossierInProgress],
    ["dossier.submitted", inDossierSubmitted],
    ["evaluation", bothScoring],
    ["deliberation", inDeliberation],
  ];

  it.each(beforeDecided)("lets the candidate withdraw from %s", (key, build) => {
    const before = build();
    expect(stateKey(before)).toBe(key);
    const s = accept(before, { type: "WITHDRAW", reason: " Changement de projet ", actor: candidate, at: day(40) });
    expect(stateKey(s)).toBe("withdrawn");
    expect(s.status).toBe("done");
    expect(s.context).toMatchObject({ withdrawnAt: day(40), withdrawnReason: "Changement de projet" });
  });

  it("does not require a reason", () => {
    const s = accept(inPending(), { type: "WITHDRAW", actor: candidate, at: day(40) });
    expect(s.context.withdrawnReason).toBeUndefined();
  });

  it.each([
    ["decided", inDecided],
    ["certified", inCertified],
    ["closed", inClosed],
  ] as const)("refuses withdrawal from %s", (_key, build) => {
    expectRefused(build(), { type: "WITHDRAW", actor: candidate, at: day(40) }, "wrong_state", WRONG_STATE_MESSAGE);
  });

  it("is reserved to the candidate who owns the candidacy", () => {
    expectRefused(
      inPending(),
      { type: "WITHDRAW", actor: otherCandidate, at: day(40) },
      "not_owner",
      "Seul le candidat titulaire de cette candidature peut effectuer cette action.",
    );
    expectRefused(
      inPending(),
      { type: "WITHDRAW", actor: officer, at: day(40) },
      "wrong_role",
      "Cette action est réservée au candidat.",
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Guard refusals
// ---------------------------------------------------------------------------------------------------------------

describe("candidacy lifecycle: refusals", () => {
  it("wrong state", () => {
    expectRefused(start(), { type: "OPEN_REVIEW", actor: officer, at: day(0) }, "wrong_state", WRONG_STATE_MESSAGE);
    expectRefused(
      inPending(),
      { type: "DECLARE_ADMISSIBLE", actor: officer, at: day(1) },
      "wrong_state",
      WRONG_STATE_MESSAGE,
    );
    expectRefused(
      start(),
      { type: "SUBMIT_DOSSIER", version: 1, actor: candidate, at: day(1) },
      "wrong_state",
      WRONG_STATE_MESSAGE,
    );
    expectRefused(
      inDossierSubmitted(),
      { type: "START_SCORING", noLink: true, actor: evaluatorA, at: day(12) },
      "wrong_state",
    );
    expectRefused(inDecided(), { type: "CLOSE", actor: system, at: day(30) }, "wrong_state");
    expectRefused(
      inEvaluation(),
      { type: "ASSIGN_PAIR", ...PAIR, actor: staff, at: day(12) },
      "wrong_state",
      WRONG_STATE_MESSAGE,
    );
    // Wrong state takes precedence over wrong role: the step is not there at all.
    expectRefused(inAdmissible(), { type: "OPEN_REVIEW", actor: candidate, at: day(5) }, "wrong_state");
  });

  it("refuses everything once the candidacy is in a final state", () => {
    const events: CandidacyEvent[] = [
      { type: "WITHDRAW", actor: candidate, at: day(50) },
      { type: "CLOSE", actor: system, at: day(50) },
      { type: "VALIDITY_EXPIRED", actor: system, at: "2030-01-01T00:00:00Z" },
      { type: "START_DOSSIER", actor: candidate, at: day(50) },
    ];
    for (const final of [inClosed(), send(start(), { type: "WITHDRAW", actor: candidate, at: day(1) })]) {
      for (const event of events) expectRefused(final, event, "wrong_state", WRONG_STATE_MESSAGE);
    }
  });

  it("wrong role, with a message that says who may act", () => {
    expectRefused(
      start(),
      { type: "SUBMIT_REQUEST", sworn: true, actor: officer, at: day(0) },
      "wrong_role",
      "Cette action est réservée au candidat.",
    );
    expectRefused(
      inPending(),
      { type: "OPEN_REVIEW", actor: candidate, at: day(1) },
      "wrong_role",
      "Cette action est réservée à un chargé de recevabilité de l'organisme évaluateur VAE.",
    );
    expectRefused(
      inReview(),
      { type: "DECLARE_ADMISSIBLE", actor: staff, at: day(2) },
      "wrong_role",
      "Cette action est réservée à un chargé de recevabilité de l'organisme évaluateur VAE.",
    );
    expectRefused(
      inDossierSubmitted(),
      { type: "ASSIGN_PAIR", ...PAIR, actor: evaluatorA, at: day(11) },
      "wrong_role",
      "Cette action est réservée au personnel du certificateur.",
    );
    expectRefused(
      inDecided(),
      { type: "VALIDATE_DECISION", actor: admin, at: day(20) },
      "wrong_role",
      "Cette action est réservée au personnel du certificateur.",
    );
    expectRefused(
      inEvaluation(),
      { type: "START_SCORING", noLink: true, actor: staff, at: day(12) },
      "wrong_role",
      "Cette action est réservée aux évaluateurs désignés pour cette candidature.",
    );
    expectRefused(
      inCertified(),
      { type: "CLOSE", actor: candidate, at: day(21) },
      "wrong_role",
      /personnel du certificateur ou automatiquement/,
    );
  });

  it("not the owner: a candidate cannot act on someone else's candidacy", () => {
    const message = "Seul le candidat titulaire de cette candidature peut effectuer cette action.";
    expectRefused(
      start(),
      { type: "SUBMIT_REQUEST", sworn: true, actor: otherCandidate, at: day(0) },
      "not_owner",
      message,
    );
    expectRefused(inAdmissible(), { type: "START_DOSSIER", actor: otherCandidate, at: day(3) }, "not_owner", message);
    expectRefused(
      inDossierInProgress(),
      { type: "SUBMIT_DOSSIER", version: 1, actor: otherCandidate, at: day(10) },
      "not_owner",
      message,
    );
  });

  it("the sworn statement is required to submit the request", () => {
    expectRefused(
      start(),
      { type: "SUBMIT_REQUEST", sworn: false as unknown as true, actor: candidate, at: day(0) },
      "sworn_statement_required",
      /engagement sur l'honneur/,
    );
  });

  it("missing reason for incomplete and inadmissible (empty after trim)", () => {
    for (const reason of ["", "   ", "\n\t"]) {
      expectRefused(
        inReview(),
        { type: "MARK_INCOMPLETE", reason, actor: officer, at: day(2) },
        "reason_required",
        "Indiquez par écrit ce qui manque à la demande de recevabilité : le motif est obligatoire.",
      );
      expectRefused(
        inReview(),
        { type: "DECLARE_INADMISSIBLE", reason, actor: officer, at: day(2) },
        "reason_required",
        "Indiquez par écrit le motif de l'irrecevabilité : il est obligatoire.",
      );
    }
  });

  it("validity end date: a real ISO date after the decision date", () => {
    for (const validityEndsOn of ["2025-02-30", "31/12/2026", "2026-13-01", ""]) {
      expectRefused(
        inReview(),
        { type: "DECLARE_ADMISSIBLE", validityEndsOn, actor: officer, at: day(2) },
        "invalid_validity_date",
        "La date de fin de validité de la recevabilité doit être une date valide (AAAA-MM-JJ).",
      );
    }
    for (const validityEndsOn of ["2025-01-08", "2024-12-31"]) {
      expectRefused(
        inReview(),
        { type: "DECLARE_ADMISSIBLE", validityEndsOn, actor: officer, at: day(2) },
        "invalid_validity_date",
        "La date de fin de validité de la recevabilité doit être postérieure à la date de la décision.",
      );
    }
    accept(inReview(), { type: "DECLARE_ADMISSIBLE", validityEndsOn: "2025-01-09", actor: officer, at: day(2) });
  });

  it("role conflict: the candidate cannot act on their own candidacy in another role", () => {
    const officerWhoIsTheCandidate = user(CANDIDATE_ID, "admissibility_officer");
    expectRefused(
      inPending(),
      { type: "OPEN_REVIEW", actor: officerWhoIsTheCandidate, at: day(1) },
      "role_conflict",
      "Vous intervenez déjà sur cette candidature en tant que candidat : une même personne ne peut pas y tenir " +
        "deux rôles. Confiez cette action à une autre personne.",
    );
    expectRefused(
      inDossierSubmitted(),
      { type: "ASSIGN_PAIR", ...PAIR, actor: user(CANDIDATE_ID, "certifier_staff"), at: day(11) },
      "role_conflict",
    );
  });

  it("role conflict: the officer who examined the request cannot validate the decision as staff", () => {
    expectRefused(
      inDecided(),
      { type: "VALIDATE_DECISION", actor: user(OFFICER_ID, "certifier_staff"), at: day(20) },
      "role_conflict",
      /en tant que chargé de recevabilité/,
    );
    expectRefused(
      inDecided(),
      { type: "VALIDATE_DECISION", actor: user(EVALUATOR_A_ID, "certifier_staff"), at: day(20) },
      "role_conflict",
      /en tant qu'évaluateur :/,
    );
  });

  describe("ASSIGN_PAIR conflicts and pair rules", () => {
    const assign = (pair: { evaluatorAId: string; evaluatorBId: string; presidentId: string }, actor = staff) =>
      ({ type: "ASSIGN_PAIR", ...pair, actor, at: day(11) }) as const;

    it("refuses the officer who decided admissibility as an evaluator", () => {
      expectRefused(
        inDossierSubmitted(),
        assign({ evaluatorAId: OFFICER_ID, evaluatorBId: EVALUATOR_B_ID, presidentId: EVALUATOR_B_ID }),
        "role_conflict",
        "Le premier évaluateur intervient déjà sur cette candidature en tant que chargé de recevabilité (il a " +
          "instruit la recevabilité de cette candidature) : une même personne ne peut pas y tenir deux rôles. " +
          "Choisissez un autre évaluateur.",
      );
    });

    it("refuses the candidate as an evaluator", () => {
      expectRefused(
        inDossierSubmitted(),
        assign({ evaluatorAId: EVALUATOR_A_ID, evaluatorBId: CANDIDATE_ID, presidentId: EVALUATOR_A_ID }),
        "role_conflict",
        /Le second évaluateur est le candidat/,
      );
    });

    it("refuses staff assigning themselves", () => {
      expectRefused(
        inDossierSubmitted(),
        assign({ evaluatorAId: STAFF_ID, evaluatorBId: EVALUATOR_B_ID, presidentId: EVALUATOR_B_ID }),
        "role_conflict",
        /vous désigner vous-même/,
      );
    });

    it("refuses the same evaluator twice, and a president outside the pair", () => {
      expectRefused(
        inDossierSubmitted(),
        assign({ evaluatorAId: EVALUATOR_A_ID, evaluatorBId: EVALUATOR_A_ID, presidentId: EVALUATOR_A_ID }),
        "invalid_pair",
        "Le binôme doit réunir deux évaluateurs différents.",
      );
      expectRefused(
        inDossierSubmitted(),
        assign({ evaluatorAId: EVALUATOR_A_ID, evaluatorBId: EVALUATOR_B_ID, presidentId: EVALUATOR_C_ID }),
        "invalid_pair",
        "Le président du jury doit être l'un des deux évaluateurs du binôme.",
      );
      expectRefused(
        inDossierSubmitted(),
        assign({ evaluatorAId: EVALUATOR_A_ID, evaluatorBId: "", presidentId: EVALUATOR_A_ID }),
        "invalid_pair",
      );
    });

    it("refuses a staff member who is already involved in another role", () => {
      const s = inDossierSubmitted();
      expectRefused(s, assign(PAIR, user(OFFICER_ID, "certifier_staff")), "role_conflict", /Confiez cette action/);
    });

    it("accepts a valid pair and records both evaluators as involved", () => {
      const s = accept(inDossierSubmitted(), assign({ ...PAIR, presidentId: EVALUATOR_B_ID }));
      expect(s.context.evaluation.pair?.presidentId).toBe(EVALUATOR_B_ID);
      expect(s.context.involvement[EVALUATOR_A_ID]).toBe("evaluator");
      expect(s.context.involvement[EVALUATOR_B_ID]).toBe("evaluator");
    });
  });

  it("only the two assigned evaluators score, each in their own region, in order", () => {
    expectRefused(
      inEvaluation(),
      { type: "START_SCORING", noLink: true, actor: evaluatorC, at: day(12) },
      "not_assigned",
      "Vous n'êtes pas désigné comme évaluateur de cette candidature.",
    );
    expectRefused(
      inEvaluation(),
      { type: "SUBMIT_SCORES", actor: evaluatorA, at: day(12) },
      "wrong_state",
      WRONG_STATE_MESSAGE,
    );
    const aScoring = send(inEvaluation(), { type: "START_SCORING", noLink: true, actor: evaluatorA, at: day(12) });
    expectRefused(
      aScoring,
      { type: "START_SCORING", noLink: true, actor: evaluatorA, at: day(12) },
      "already_started",
      "Vous avez déjà déclaré n'avoir aucun lien avec le candidat.",
    );
    expectRefused(
      aScoring,
      { type: "SUBMIT_SCORES", actor: evaluatorB, at: day(13) },
      "not_started",
      "Commencez la notation du dossier avant de soumettre vos notes.",
    );
    expectRefused(aScoring, { type: "SUBMIT_SCORES", actor: evaluatorC, at: day(13) }, "not_assigned");
    const s = aSubmitted();
    expectRefused(
      s,
      { type: "SUBMIT_SCORES", actor: evaluatorA, at: day(14) },
      "already_submitted",
      "Vous avez déjà soumis vos notes pour ce dossier.",
    );
    expectRefused(
      s,
      { type: "SUBMIT_SCORES", actor: evaluatorB, at: day(14) },
      "joint_outcome_required",
      /comparaison des deux notations/,
    );
  });

  it("an evaluator with another role on the candidacy is refused even if listed (defence in depth)", () => {
    const s = inEvaluation();
    // Simulate a corrupted record: the candidate's id in the pair. The rule still refuses.
    const corrupted = restoreSnapshot({
      ...(persistSnapshot(s) as object),
      context: { ...s.context, evaluation: { ...s.context.evaluation, pair: { ...PAIR, evaluatorBId: CANDIDATE_ID } } },
    });
    expectRefused(
      corrupted,
      { type: "START_SCORING", noLink: true, actor: user(CANDIDATE_ID, "evaluator"), at: day(12) },
      "role_conflict",
    );
  });

  it("a forged done event cannot end the evaluation before both evaluators have submitted", () => {
    const forged = {
      type: "xstate.done.state.candidacy.evaluation",
      actor: system,
      at: day(13),
    } as unknown as CandidacyEvent;
    for (const s of [inEvaluation(), bothScoring(), aSubmitted()]) {
      expectRefused(s, forged, "wrong_state", WRONG_STATE_MESSAGE);
    }
  });

  it("an invalid timestamp is refused", () => {
    for (const at of ["", "2025-01-06", "2025-02-30T10:00:00Z", "hier", "2025-01-06T10:00:00"]) {
      expectRefused(
        start(),
        { type: "SUBMIT_REQUEST", sworn: true, actor: candidate, at },
        "invalid_time",
        /horodatage/,
      );
    }
    expect(isIsoTimestamp("2025-01-06T10:00:00+01:00")).toBe(true);
    expect(isIsoTimestamp("2025-01-06T10:00:00.123Z")).toBe(true);
    expect(isIsoDate("2024-02-29")).toBe(true);
    expect(isIsoDate("2025-02-29")).toBe(false);
  });

  it("a malformed event (no actor, no time) is refused without throwing", () => {
    const malformed = { type: "OPEN_REVIEW" } as unknown as CandidacyEvent;
    expect(() => send(inPending(), malformed)).not.toThrow();
    expect(send(inPending(), malformed).status).toBe("active");
    expect(checkEvent(inPending(), malformed)).toMatchObject({ allowed: false, code: "invalid_time" });
    const noActor = { type: "OPEN_REVIEW", at: day(1) } as unknown as CandidacyEvent;
    expect(checkEvent(inPending(), noActor)).toMatchObject({ allowed: false, code: "wrong_role" });
    expect(stateKey(send(inPending(), noActor))).toBe("admissibility.pending");
  });
});

// ---------------------------------------------------------------------------------------------------------------
// State keys and labels
// ---------------------------------------------------------------------------------------------------------------

describe("state keys and labels", () => {
  it("flattens state values, without descending into the parallel evaluation", () => {
    expect(stateKey("draft")).toBe("draft");
    expect(stateKey({ admissibility: "pending" })).toBe("admissibility.pending");
    expect(stateKey({ dossier: "submitted" })).toBe("dossier.submitted");
    expect(stateKey({ evaluation: { evaluatorA: "scoring", evaluatorB: "submitted" } })).toBe("evaluation");
    expect(stateKey(bothScoring())).toBe("evaluation");
    expect(() => stateKey("nowhere")).toThrow();
    expect(() => stateKey({ dossier: "nowhere" })).toThrow();
  });

  it("has a French label for every state", () => {
    expect(stateLabel("draft")).toBe("Brouillon");
    expect(stateLabel({ admissibility: "pending" })).toBe("Recevabilité — en attente");
    expect(stateLabel("admissibility.pending")).toBe("Recevabilité — en attente");
    expect(stateLabel("admissible")).toBe("Recevable");
    expect(stateLabel("inadmissible")).toBe("Irrecevable");
    expect(stateLabel("dossier.inProgress")).toBe("Dossier en cours de rédaction");
    expect(stateLabel({ dossier: "submitted" })).toBe("Dossier déposé");
    expect(stateLabel(bothScoring())).toBe("En évaluation");
    expect(stateLabel("deliberation")).toBe("En délibération");
    expect(stateLabel("decided")).toBe("Décision rendue");
    expect(stateLabel("certified")).toBe("Décision validée");
    expect(stateLabel("closed")).toBe("Clôturé");
    expect(stateLabel("withdrawn")).toBe("Abandonnée");
    expect(stateLabel("lapsed")).toBe("Caduque");
    for (const key of CANDIDACY_STATE_KEYS) expect(stateLabel(key)).toMatch(/\S/);
  });

  it("lists exactly the machine's states", () => {
    const keys: string[] = [];
    const walk = (node: typeof candidacyMachine.root, prefix: string[]) => {
      for (const [name, child] of Object.entries(node.states)) {
        const path = [...prefix, name];
        if (child.type === "compound") walk(child, path);
        else keys.push(path.join("."));
      }
    };
    walk(candidacyMachine.root, []);
    expect(new Set(keys)).toEqual(new Set(CANDIDACY_STATE_KEYS));
    for (const key of FINAL_STATE_KEYS) {
      expect(candidacyMachine.root.states[key]?.type).toBe("final");
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Persistence
// ---------------------------------------------------------------------------------------------------------------

describe("persistence", () => {
  const happyEvents: CandidacyEvent[] = [
    { type: "SUBMIT_REQUEST", sworn: true, actor: candidate, at: day(0) },
    { type: "OPEN_REVIEW", actor: officer, at: day(1) },
    { type: "MARK_INCOMPLETE", reason: "Pièce manquante", actor: officer, at: day(2) },
    { type: "COMPLETE_REQUEST", actor: candidate, at: day(3) },
    { type: "OPEN_REVIEW", actor: officer, at: day(4) },
    { type: "DECLARE_ADMISSIBLE", validityEndsOn: "2026-12-31", actor: officer, at: day(5) },
    { type: "START_DOSSIER", actor: candidate, at: day(6) },
    { type: "SUBMIT_DOSSIER", version: 1, actor: candidate, at: day(7) },
    { type: "ASSIGN_PAIR", ...PAIR, actor: staff, at: day(8) },
    { type: "SEND_BACK_DOSSIER", reason: "Précisez C1.2", actor: evaluatorA, at: day(9) },
    { type: "SUBMIT_DOSSIER", version: 2, actor: candidate, at: day(10) },
    { type: "START_SCORING", noLink: true, actor: evaluatorA, at: day(11) },
    { type: "START_SCORING", noLink: true, actor: evaluatorB, at: day(11) },
    { type: "SCHEDULE_SESSION", ...SESSION, startsAt: day(11), actor: staff, at: day(11) },
    { type: "RECORD_ATTENDANCE", attendance: "attended", actor: staff, at: day(12) },
    { type: "SUBMIT_SCORES", actor: evaluatorB, at: day(12) },
    { type: "SUBMIT_SCORES", jointOutcome: "deliberation", actor: evaluatorA, at: day(13) },
    { type: "RECORD_DELIBERATION", result: "partial", actor: evaluatorA, at: day(14) },
    { type: "SIGN_MINUTES", actor: evaluatorB, at: day(14) },
    { type: "SIGN_MINUTES", actor: evaluatorA, at: day(14) },
    { type: "VALIDATE_DECISION", actor: staff, at: day(15) },
    { type: "CLOSE", actor: system, at: day(16) },
  ];

  it("round-trips through JSON at every step and continues with transition()", () => {
    let direct = start();
    let stored: string = JSON.stringify(persistSnapshot(direct));
    for (const event of happyEvents) {
      direct = send(direct, event);
      const restored = restoreSnapshot(JSON.parse(stored));
      const next = accept(restored, event);
      stored = JSON.stringify(persistSnapshot(next));
      expect(JSON.parse(stored)).toEqual(JSON.parse(JSON.stringify(persistSnapshot(direct))));
      expect(stateKey(next)).toBe(stateKey(direct));
    }
    const final = restoreSnapshot(JSON.parse(stored));
    expect(stateKey(final)).toBe("closed");
    expect(final.status).toBe("done");
  });

  it("restores a parallel evaluation mid-way and keeps each region where it was", () => {
    const s = aSubmitted();
    const restored = restoreSnapshot(JSON.parse(JSON.stringify(persistSnapshot(s))));
    expect(evaluationProgress(restored)).toEqual({ evaluatorA: "submitted", evaluatorB: "scoring" });
    expectRefused(restored, { type: "SUBMIT_SCORES", actor: evaluatorA, at: day(14) }, "already_submitted");
    const next = accept(restored, {
      type: "SUBMIT_SCORES",
      jointOutcome: "agreed",
      result: "partial",
      actor: evaluatorB,
      at: day(14),
    });
    expect(stateKey(next)).toBe("minutes");
  });

  it("is also readable by createActor({ snapshot }) and machine.resolveState", () => {
    const persisted = JSON.parse(JSON.stringify(candidacyMachine.getPersistedSnapshot(inDossierSubmitted())));
    const actor = createActor(candidacyMachine, { snapshot: persisted, input: INPUT });
    expect(stateKey(actor.getSnapshot())).toBe("dossier.submitted");
    const resolved = candidacyMachine.resolveState({ value: persisted.value, context: persisted.context });
    const [next] = transition(candidacyMachine, resolved, { type: "ASSIGN_PAIR", ...PAIR, actor: staff, at: day(11) });
    expect(stateKey(next)).toBe("evaluation");
  });

  it("refuses to restore an unknown state", () => {
    expect(() => restoreSnapshot({ value: "somewhere", context: start().context })).toThrow();
  });

  it("returns no action to execute: the service derives effects from the snapshots before and after", () => {
    expect(initialTransition(candidacyMachine, INPUT)[1]).toEqual([]);
    let s = start();
    for (const event of happyEvents) {
      const [next, actions] = transition(candidacyMachine, s, event);
      expect(actions, event.type).toEqual([]);
      s = next;
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Structure: one rule per event, every user transition guarded by it
// ---------------------------------------------------------------------------------------------------------------

describe("structure", () => {
  it("has no invoked actors and no delayed transitions", () => {
    const walk = (node: typeof candidacyMachine.root): void => {
      expect(node.invoke).toEqual([]);
      expect(node.after).toEqual([]);
      for (const child of Object.values(node.states)) walk(child);
    };
    walk(candidacyMachine.root);
  });

  /** The names of the guards a transition's guard refers to (string, or and([...]) of strings). */
  function guardNames(guard: unknown): string[] {
    if (typeof guard === "string") return [guard];
    if (typeof guard === "object" && guard !== null && "type" in guard) return [String(guard.type)];
    const nested = typeof guard === "function" ? (guard as unknown as { guards?: unknown }).guards : undefined;
    if (Array.isArray(nested)) return nested.flatMap(guardNames);
    return [];
  }

  it("guards every event-driven transition with the `allowed` rule, and the evaluation's end with bothSubmitted", () => {
    const seen = new Set<string>();
    const walk = (node: typeof candidacyMachine.root): void => {
      for (const [eventType, transitions] of node.transitions) {
        if (eventType.startsWith("xstate.")) {
          for (const t of transitions)
            expect(guardNames(t.guard), `${node.id} ${eventType}`).toContain("bothSubmitted");
          continue;
        }
        seen.add(eventType);
        for (const t of transitions) expect(guardNames(t.guard), `${node.id} ${eventType}`).toContain("allowed");
      }
      for (const child of Object.values(node.states)) walk(child);
    };
    walk(candidacyMachine.root);
    // Every event type the machine handles has a rule, and every rule is used.
    expect(seen).toEqual(new Set(Object.keys(candidacyRules)));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Model-based tests (xstate/graph)
// ---------------------------------------------------------------------------------------------------------------

const GRAPH_AT = "2025-01-10T09:00:00Z";
const SILENCE_AT = "2025-06-01T00:00:00Z";
const EXPIRY_AT = "2027-06-01T00:00:00Z";

/** One valid event of each kind, with a legitimate actor, for the current snapshot. */
function representativeEvents(snapshot: CandidacySnapshot): CandidacyEvent[] {
  const at = GRAPH_AT;
  return [
    { type: "SUBMIT_REQUEST", sworn: true, actor: candidate, at },
    { type: "OPEN_REVIEW", actor: officer, at },
    { type: "MARK_INCOMPLETE", reason: "Pièce manquante", actor: officer, at },
    { type: "COMPLETE_REQUEST", actor: candidate, at },
    { type: "DECLARE_ADMISSIBLE", validityEndsOn: "2026-12-31", actor: officer, at },
    { type: "DECLARE_INADMISSIBLE", reason: "Hors champ", actor: officer, at },
    { type: "ADMISSIBILITY_SILENCE_ELAPSED", actor: system, at: SILENCE_AT },
    { type: "START_DOSSIER", actor: candidate, at },
    { type: "SUBMIT_DOSSIER", version: snapshot.context.dossier.currentVersion + 1, actor: candidate, at },
    { type: "SEND_BACK_DOSSIER", reason: "Précisez", actor: evaluatorA, at },
    { type: "ASSIGN_PAIR", ...PAIR, actor: staff, at },
    { type: "START_SCORING", noLink: true, actor: evaluatorA, at },
    { type: "START_SCORING", noLink: true, actor: evaluatorB, at },
    { type: "SUBMIT_SCORES", jointOutcome: "agreed", result: "partial", actor: evaluatorA, at },
    { type: "SUBMIT_SCORES", jointOutcome: "deliberation", actor: evaluatorA, at },
    { type: "SUBMIT_SCORES", jointOutcome: "agreed", result: "partial", actor: evaluatorB, at },
    { type: "SUBMIT_SCORES", jointOutcome: "deliberation", actor: evaluatorB, at },
    { type: "RECORD_DELIBERATION", result: "partial", actor: evaluatorA, at },
    { type: "DECLARE_CONFLICT", reason: "Ancien collègue", actor: evaluatorA, at },
    {
      type: "REPLACE_EVALUATOR",
      slot: "A",
      evaluatorId: EVALUATOR_C_ID,
      presidentId: EVALUATOR_B_ID,
      actor: staff,
      at,
    },
    { type: "SCHEDULE_SESSION", ...SESSION, startsAt: at, actor: staff, at },
    { type: "RECORD_ATTENDANCE", attendance: "attended", actor: staff, at },
    { type: "SIGN_MINUTES", actor: evaluatorA, at },
    { type: "SIGN_MINUTES", actor: evaluatorB, at },
    { type: "VALIDATE_DECISION", actor: staff, at },
    { type: "CLOSE", actor: system, at },
    { type: "WITHDRAW", actor: candidate, at },
    { type: "VALIDITY_EXPIRED", actor: system, at: EXPIRY_AT },
  ];
}

describe("model-based: reachability and dead ends", () => {
  const adjacency = getAdjacencyMap(candidacyMachine, { input: INPUT, events: representativeEvents });
  const vertices = Object.entries(adjacency);

  it("explores a finite graph", () => {
    expect(vertices.length).toBeGreaterThan(CANDIDACY_STATE_KEYS.length);
    expect(vertices.length).toBeLessThan(2000);
  });

  it("reaches every state with valid actors (shortest paths)", () => {
    const paths = getShortestPaths(candidacyMachine, { input: INPUT, events: representativeEvents });
    const reached = new Set(paths.map((path) => stateKey(path.state)));
    expect(reached).toEqual(new Set(CANDIDACY_STATE_KEYS));
    // Every region configuration of the evaluation too.
    const regions = new Set(
      paths
        .map((path) => evaluationProgress(path.state))
        .filter((progress) => progress !== null)
        .map((progress) => `${progress.evaluatorA}/${progress.evaluatorB}`),
    );
    for (const a of ["pending", "scoring", "submitted"]) {
      for (const b of ["pending", "scoring", "submitted"]) {
        if (a === "submitted" && b === "submitted") continue; // left at once through onDone
        expect(regions, `${a}/${b}`).toContain(`${a}/${b}`);
      }
    }
    expect(regions).toContain("vacant/pending");
  });

  it("has no dead end: every non-final state accepts at least one event; final states accept none", () => {
    const finals = new Set<string>(FINAL_STATE_KEYS);
    for (const [, { state }] of vertices) {
      const key = stateKey(state);
      const accepted = representativeEvents(state).filter((event) => state.can(event));
      if (finals.has(key)) {
        expect(state.status, key).toBe("done");
        expect(accepted, key).toEqual([]);
      } else {
        expect(state.status, key).toBe("active");
        expect(accepted.length, key).toBeGreaterThan(0);
        // checkEvent agrees with the machine on every representative event.
        for (const event of representativeEvents(state)) {
          expect(checkEvent(state, event).allowed, `${key} ${event.type}`).toBe(state.can(event));
        }
      }
    }
  });

  it("can reach a final state from every reachable state", () => {
    const canFinish = new Set<string>();
    for (const [id, { state }] of vertices) if (state.status === "done") canFinish.add(id);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [id, { transitions }] of vertices) {
        if (canFinish.has(id)) continue;
        const targets = Object.values(transitions as Record<string, { state: CandidacySnapshot }>);
        if (targets.some(({ state }) => canFinish.has(serializeSnapshot(state)))) {
          canFinish.add(id);
          grew = true;
        }
      }
    }
    for (const [id, { state }] of vertices) expect(canFinish.has(id), stateKey(state)).toBe(true);
  });

  it("replays every shortest path on the service's step (restore → transition → persist)", async () => {
    const model = createTestModel(candidacyMachine, {
      input: INPUT,
      events: representativeEvents,
      serializeTransition: () => "",
    });
    const paths = model.getShortestPaths();
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) {
      // The system under test: a stored JSON snapshot, stepped the way the service will step it.
      let stored = JSON.stringify(persistSnapshot(start()));
      await path.test({
        events: Object.fromEntries(
          Object.keys(candidacyRules).map((type) => [
            type,
            (step: { event: CandidacyEvent }) => {
              const restored = restoreSnapshot(JSON.parse(stored));
              const check = checkEvent(restored, step.event);
              expect(check).toEqual({ allowed: true });
              stored = JSON.stringify(persistSnapshot(send(restored, step.event)));
            },
          ]),
        ),
        states: {
          "*": (state: CandidacySnapshot) => {
            const restored = restoreSnapshot(JSON.parse(stored));
            expect(stateKey(restored)).toBe(stateKey(state));
            expect(restored.context).toEqual(JSON.parse(JSON.stringify(state.context)));
          },
        },
      });
    }
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------------------------
// Property: random event sequences (including wrong actors) never break the invariants
// ---------------------------------------------------------------------------------------------------------------

describe("property: random event sequences", () => {
  const actors = [
    candidate,
    otherCandidate,
    officer,
    staff,
    evaluatorA,
    evaluatorB,
    evaluatorC,
    admin,
    system,
    user(CANDIDATE_ID, "evaluator"),
    user(OFFICER_ID, "evaluator"),
  ];
  const eventArbitrary = fc.record({
    index: fc.nat({ max: 21 }),
    actor: fc.constantFrom(...actors),
    keepActor: fc.boolean(),
  });

  it("accepts exactly what checkEvent allows, changes nothing on refusal, and keeps roles separate", () => {
    fc.assert(
      fc.property(fc.array(eventArbitrary, { minLength: 1, maxLength: 60 }), (steps) => {
        let s = start();
        for (const step of steps) {
          const base = representativeEvents(s)[step.index] as CandidacyEvent;
          const event = (step.keepActor ? base : { ...base, actor: step.actor }) as CandidacyEvent;
          const check = checkEvent(s, event);
          const next = send(s, event);
          expect(check.allowed).toBe(next !== s);
          if (!check.allowed) {
            expect(next).toBe(s);
            expect(check.message.length).toBeGreaterThan(0);
          }
          s = next;
          // Invariants.
          const pair = s.context.evaluation.pair;
          if (pair) {
            expect(pair.evaluatorAId).not.toBe(pair.evaluatorBId);
            expect([pair.evaluatorAId, pair.evaluatorBId]).toContain(pair.presidentId);
            expect([pair.evaluatorAId, pair.evaluatorBId]).not.toContain(s.context.candidateId);
            if (s.context.admissibility.officerId) {
              expect([pair.evaluatorAId, pair.evaluatorBId]).not.toContain(s.context.admissibility.officerId);
            }
          }
          expect(s.context.involvement[CANDIDATE_ID]).toBe("candidate");
          expect(s.context.dossier.submittedVersions).toEqual(s.context.dossier.submittedVersions.map((_, i) => i + 1));
          expect(s.context.dossier.submittedVersions.length).toBeLessThanOrEqual(2);
          expect(s.status).not.toBe("error");
        }
      }),
      { numRuns: 300 },
    );
  });
});

// Keep the type-only import of getNextTransitions meaningful: the helper relies on it.
it("getNextTransitions lists the events of the current state", () => {
  const types = new Set(getNextTransitions(inPending()).map((t) => t.eventType));
  expect(types).toEqual(new Set(["OPEN_REVIEW", "ADMISSIBILITY_SILENCE_ELAPSED", "WITHDRAW"]));
});

describe("nextSnapshot: transition() without a fresh actor per step", () => {
  const persisted = (snapshot: CandidacySnapshot) => candidacyMachine.getPersistedSnapshot(snapshot);
  const eventArbitrary = fc.record({ index: fc.nat({ max: 21 }), candidacy: fc.nat({ max: 1 }) });
  const other: CandidacyInput = { ...INPUT, candidacyId: "candidacy-2" };

  it("gives what transition() gives, step by step, on two candidacies stepped in turn", () => {
    fc.assert(
      fc.property(fc.array(eventArbitrary, { minLength: 1, maxLength: 60 }), (steps) => {
        // Two candidacies interleaved: nothing of one step may leak into the next through the shared actor.
        const snapshots = [start(), initialTransition(candidacyMachine, other)[0]];
        for (const step of steps) {
          const s = snapshots[step.candidacy]!;
          const event = representativeEvents(s)[step.index] as CandidacyEvent;
          const expected = send(s, event);
          const next = nextSnapshot(s, event);
          if (expected === s) expect(next).toBe(s);
          else expect(persisted(next)).toEqual(persisted(expected));
          expect(next.status).toBe(expected.status);
          snapshots[step.candidacy] = next;
        }
      }),
      { numRuns: 300 },
    );
  });

  it("stepEvent answers as checkEvent, and steps as nextSnapshot, whatever the event and its actor", () => {
    const actors = [candidate, otherCandidate, officer, staff, evaluatorA, evaluatorB, evaluatorC, admin, system];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ index: fc.nat({ max: 21 }), actor: fc.constantFrom(...actors), keepActor: fc.boolean() }),
          {
            minLength: 1,
            maxLength: 60,
          },
        ),
        (steps) => {
          let s = start();
          for (const step of steps) {
            const base = representativeEvents(s)[step.index] as CandidacyEvent;
            const event = (step.keepActor ? base : { ...base, actor: step.actor }) as CandidacyEvent;
            const stepped = stepEvent(s, event);
            const check = checkEvent(s, event);
            if (!check.allowed) {
              expect(stepped).toEqual(check);
              continue;
            }
            expect(stepped.allowed).toBe(true);
            const next = (stepped as { next: CandidacySnapshot }).next;
            expect(persisted(next)).toEqual(persisted(nextSnapshot(s, event)));
            s = next;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("steps a snapshot restored from its stored form through a whole lifecycle to closed", () => {
    const lifecycle: CandidacyEvent[] = [
      { type: "SUBMIT_REQUEST", sworn: true, actor: candidate, at: day(0) },
      { type: "OPEN_REVIEW", actor: officer, at: day(1) },
      { type: "DECLARE_ADMISSIBLE", validityEndsOn: "2026-01-08", actor: officer, at: day(2) },
      { type: "START_DOSSIER", actor: candidate, at: day(3) },
      { type: "SUBMIT_DOSSIER", version: 1, actor: candidate, at: day(4) },
      { type: "ASSIGN_PAIR", ...PAIR, actor: staff, at: day(5) },
      { type: "START_SCORING", noLink: true, actor: evaluatorA, at: day(6) },
      { type: "START_SCORING", noLink: true, actor: evaluatorB, at: day(6) },
      { type: "SCHEDULE_SESSION", startsAt: day(8), mode: "in_person", location: "Lyon", actor: staff, at: day(6) },
      { type: "RECORD_ATTENDANCE", attendance: "attended", actor: staff, at: day(8) },
      { type: "SUBMIT_SCORES", actor: evaluatorA, at: day(9) },
      { type: "SUBMIT_SCORES", jointOutcome: "agreed", result: "partial", actor: evaluatorB, at: day(9) },
      { type: "SIGN_MINUTES", actor: evaluatorA, at: day(10) },
      { type: "SIGN_MINUTES", actor: evaluatorB, at: day(10) },
      { type: "VALIDATE_DECISION", actor: staff, at: day(11) },
      { type: "CLOSE", actor: system, at: day(12) },
    ];
    let stored = JSON.parse(JSON.stringify(persistSnapshot(start())));
    for (const event of lifecycle) {
      const snapshot = restoreSnapshot(stored);
      expect(checkEvent(snapshot, event)).toEqual({ allowed: true });
      const next = nextSnapshot(snapshot, event);
      expect(persisted(next)).toEqual(persisted(send(snapshot, event)));
      stored = JSON.parse(JSON.stringify(persistSnapshot(next)));
    }
    expect(stateKey(restoreSnapshot(stored))).toBe("closed");
  });
});
