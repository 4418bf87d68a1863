import { describe, expect, it } from "vitest";
import { effectsOf } from "./candidacy-effects";
import type { CandidacyContext, CandidacyEvent } from "./candidacy-machine";

const context = { decision: { decidedAt: "2026-06-03T10:00:00.000Z" } } as unknown as CandidacyContext;
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
