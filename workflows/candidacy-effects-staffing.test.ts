// The e-mails the staff events send (docs/decisions/022): convocations on SCHEDULE_SESSION, staff alerted on
// DECLARE_CONFLICT without the reason, the new and the replaced evaluator told on REPLACE_EVALUATOR.
import { describe, expect, it } from "vitest";
import { effectsOf } from "./candidacy-effects";
import type { CandidacyContext, EventActor } from "./candidacy-machine";

const staff: EventActor = { type: "user", userId: "staff", role: "certifier_staff" };

function context(evaluation: Partial<CandidacyContext["evaluation"]> = {}): CandidacyContext {
  return {
    candidacyId: "k",
    candidateId: "candidate",
    certificationCode: "CQP",
    referentialVersionId: "rv",
    admissibility: {},
    dossier: {
      currentVersion: 1,
      submittedVersions: [1],
      sentBackOnce: false,
      firstSubmittedAt: "2026-05-10T09:00:00Z",
    },
    evaluation: { pair: { evaluatorAId: "a", evaluatorBId: "b", presidentId: "b" }, ...evaluation },
    decision: {},
    involvement: {},
  };
}

const notifications = (effects: ReturnType<typeof effectsOf>) =>
  effects.flatMap((e) => (e.type === "notify" ? [{ email: e.email, to: e.to, facts: e.facts }] : []));

describe("effects of the staff events", () => {
  it("convenes the candidate and the evaluators to a session, naming the instant it was set", () => {
    const at = "2026-05-20T09:00:00.000Z";
    const effects = effectsOf(
      {
        type: "SCHEDULE_SESSION",
        startsAt: "2026-06-10T08:00:00Z",
        mode: "video",
        location: "https://v",
        actor: staff,
        at,
      },
      "evaluation",
      "evaluation",
      context(),
    );
    expect(notifications(effects)).toEqual([
      { email: "session_convocation", to: { kind: "candidate" }, facts: { scheduledAt: at } },
      { email: "session_convocation", to: { kind: "evaluators" }, facts: { scheduledAt: at } },
    ]);
  });

  it("tells certifier staff that a slot is vacant, without the evaluator's reason", () => {
    const effects = effectsOf(
      {
        type: "DECLARE_CONFLICT",
        reason: "Ancien collègue",
        actor: { type: "user", userId: "a", role: "evaluator" },
        at: "2026-05-21T09:00:00Z",
      },
      "evaluation",
      "evaluation",
      context({
        pair: { evaluatorAId: null, evaluatorBId: "b", presidentId: "b" },
        conflicts: [{ slot: "A", evaluatorId: "a", at: "2026-05-21T09:00:00Z", reason: "Ancien collègue" }],
      }),
    );
    expect(notifications(effects)).toEqual([
      { email: "evaluator_conflict_declared", to: { kind: "role", role: "certifier_staff" }, facts: { slot: "A" } },
    ]);
    expect(JSON.stringify(effects)).not.toContain("Ancien collègue");
  });

  it("takes a session not yet held off the calendar of the evaluator who declares a conflict", () => {
    const declare = {
      type: "DECLARE_CONFLICT" as const,
      reason: "Ancien collègue",
      actor: { type: "user" as const, userId: "a", role: "evaluator" as const },
      at: "2026-05-21T09:00:00Z",
    };
    const session = {
      startsAt: "2026-06-10T08:00:00Z",
      mode: "in_person" as const,
      location: "Salle 2",
      scheduledAt: "2026-05-20T09:00:00Z",
      scheduledBy: "staff",
    };
    const vacated = {
      pair: { evaluatorAId: null, evaluatorBId: "b", presidentId: "b" },
      conflicts: [{ slot: "A" as const, evaluatorId: "a", at: declare.at, reason: "Ancien collègue" }],
    };
    const pending = effectsOf(declare, "evaluation", "evaluation", context({ ...vacated, session }));
    expect(notifications(pending)).toContainEqual({
      email: "evaluator_replaced",
      to: { kind: "user", userId: "a" },
      facts: { scheduledAt: session.scheduledAt, conflictDeclared: 1 },
    });
    // A session already held is history, not a calendar entry to cancel.
    const held = effectsOf(
      declare,
      "evaluation",
      "evaluation",
      context({
        ...vacated,
        session: { ...session, attendance: "attended", attendanceRecordedAt: "2026-06-10T10:00:00Z" },
      }),
    );
    expect(notifications(held).map((n) => n.email)).toEqual(["evaluator_conflict_declared"]);
  });

  it("assigns the newcomer, tells the evaluator taken off, and convenes the newcomer to a session already set", () => {
    const session = {
      startsAt: "2026-06-10T08:00:00Z",
      mode: "in_person" as const,
      location: "Lyon",
      scheduledAt: "2026-05-20T09:00:00.000Z",
      scheduledBy: "staff",
    };
    const effects = effectsOf(
      {
        type: "REPLACE_EVALUATOR",
        slot: "A",
        evaluatorId: "c",
        presidentId: "b",
        actor: staff,
        at: "2026-05-22T09:00:00Z",
      },
      "evaluation",
      "evaluation",
      context({
        pair: { evaluatorAId: "c", evaluatorBId: "b", presidentId: "b" },
        replacements: [
          { slot: "A", previousEvaluatorId: "a", evaluatorId: "c", at: "2026-05-22T09:00:00Z", by: "staff" },
        ],
        session,
      }),
    );
    expect(notifications(effects)).toEqual([
      { email: "evaluators_assigned", to: { kind: "user", userId: "c" }, facts: {} },
      { email: "evaluator_replaced", to: { kind: "user", userId: "a" }, facts: { scheduledAt: session.scheduledAt } },
      {
        email: "session_convocation",
        to: { kind: "user", userId: "c" },
        facts: { scheduledAt: session.scheduledAt, newcomer: 1 },
      },
    ]);
  });

  it("sends nothing on attendance: a new date, if any, convenes everyone", () => {
    const effects = effectsOf(
      { type: "RECORD_ATTENDANCE", attendance: "excused", actor: staff, at: "2026-06-10T10:00:00Z" },
      "evaluation",
      "evaluation",
      context(),
    );
    expect(notifications(effects)).toEqual([]);
  });
});
