import { describe, expect, it } from "vitest";
import { candidacyIntentSchema, eventFromIntent } from "./candidacy-actions.server";

const officer = { userId: "00000000-0000-4000-8000-000000000001", role: "admissibility_officer" as const };
const at = new Date("2026-03-06T09:00:00.000Z");

describe("the officer's admissibility decision", () => {
  it("carries the blocs the candidate already holds when the officer accepts their certificates", () => {
    const intent = candidacyIntentSchema.parse({
      intent: "DECLARE_ADMISSIBLE",
      validityEndsOn: "2027-03-05",
      priorBlocCodes: ["B1", "B1", ""],
    });
    expect(eventFromIntent(intent, officer, at)).toEqual({
      type: "DECLARE_ADMISSIBLE",
      validityEndsOn: "2027-03-05",
      priorBlocCodes: ["B1"],
      actor: { type: "user", ...officer },
      at: at.toISOString(),
    });
  });

  it("leaves them out when none is ticked, and treats an empty date as no validity end", () => {
    const intent = candidacyIntentSchema.parse({ intent: "DECLARE_ADMISSIBLE", validityEndsOn: "" });
    expect(eventFromIntent(intent, officer, at)).toEqual({
      type: "DECLARE_ADMISSIBLE",
      validityEndsOn: undefined,
      actor: { type: "user", ...officer },
      at: at.toISOString(),
    });
  });

  it("refuses a malformed date with a French message", () => {
    const result = candidacyIntentSchema.safeParse({ intent: "DECLARE_ADMISSIBLE", validityEndsOn: "05/03/2027" });
    expect(result.success ? null : result.error.issues[0]!.message).toBe("Indiquez une date au format JJ/MM/AAAA.");
  });
});
