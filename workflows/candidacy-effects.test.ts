import { describe, expect, it } from "vitest";
import { effectsOf } from "./candidacy-effects";
import type { CandidacyContext, CandidacyEvent } from "./candidacy-machine";

const context = {
  decision: { decidedAt: "2026-06-03T10:00:00.000Z" },
  evaluation: {},
} as unknown as CandidacyContext;
const sign: CandidacyEvent = {
  type: "SIGN_MINUTES",
  actor: { type: "user", userId: "00000000-0000-4000-8000-000000000001", role: "evaluator" },
  at: "2026-06-03T10:00:00.000Z",
};

describe("effects of signing the minutes", () => {
  it("renders and stores the minutes PDF after the second signature only", () => {
    expect(effectsOf(sign, "minutes", "decided", context)).toContainEqual({ type: "render_minutes" });
    expect(effectsOf(sign, "minutes", "minutes", context)).not.toContainEqual({ type: "render_minutes" });
  });
});

describe("the result's 15-day clock", () => {
  it("runs from the jury session, not from the signatures", () => {
    const withSession = {
      ...context,
      evaluation: { session: { startsAt: "2026-05-28T08:00:00.000Z" } },
    } as unknown as CandidacyContext;
    const effects = effectsOf(sign, "minutes", "decided", withSession);
    expect(effects).toContainEqual({
      type: "schedule",
      timer: "RESULT_OVERDUE",
      dueAt: "2026-06-12T08:00:00.000Z",
      facts: { decidedAt: "2026-06-03T10:00:00.000Z", due: "2026-06-12T08:00:00.000Z" },
    });
    expect(effects).toContainEqual(
      expect.objectContaining({ timer: "RESULT_REMINDER", dueAt: "2026-06-07T08:00:00.000Z" }),
    );
  });

  it("runs from the decision when no session was recorded", () => {
    expect(effectsOf(sign, "minutes", "decided", context)).toContainEqual(
      expect.objectContaining({ timer: "RESULT_OVERDUE", dueAt: "2026-06-18T10:00:00.000Z" }),
    );
  });
});
