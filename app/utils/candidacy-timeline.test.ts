import { describe, expect, it } from "vitest";
import { candidateTimelineText, staffEventDetails, staffEventLabel } from "./candidacy-timeline";

const entry = (eventType: string, payload: Record<string, unknown> = {}) => ({
  eventType,
  actorRole: "admissibility_officer",
  actorName: "Olga",
  payload,
  occurredAt: "2026-03-02T09:00:00Z",
});

describe("candidate timeline", () => {
  it("tells the candidate each step in French, with reasons and dates", () => {
    expect(candidateTimelineText(entry("MARK_INCOMPLETE", { reason: "Attestation manquante" }))).toBe(
      "Votre demande a été déclarée incomplète. Motif : Attestation manquante",
    );
    expect(candidateTimelineText(entry("DECLARE_ADMISSIBLE", { validityEndsOn: "2027-03-05" }))).toBe(
      "Votre demande a été déclarée recevable, jusqu'au 5 mars 2027.",
    );
    expect(candidateTimelineText(entry("DECLARE_ADMISSIBLE", { priorBlocCodes: ["B1"] }))).toBe(
      "Votre demande a été déclarée recevable. Votre certificat est accepté : le bloc B1 vous est acquis et ne sera pas évalué.",
    );
    expect(candidateTimelineText(entry("DECLARE_ADMISSIBLE", { priorBlocCodes: ["B1", "B2"] }))).toBe(
      "Votre demande a été déclarée recevable. Vos certificats sont acceptés : les blocs B1, B2 vous sont acquis et ne seront pas évalués.",
    );
    expect(candidateTimelineText(entry("ADMISSIBILITY_SILENCE_ELAPSED"))).toContain("réputée recevable");
  });

  it("hides the evaluators' internal steps from the candidate", () => {
    for (const type of ["START_SCORING", "SUBMIT_SCORES", "RECORD_DELIBERATION"]) {
      expect(candidateTimelineText(entry(type))).toBeNull();
    }
  });
});

describe("staff journal", () => {
  it("labels every event and shows its details", () => {
    expect(staffEventLabel("SUBMIT_SCORES")).toBe("Notes transmises");
    expect(staffEventDetails(entry("DECLARE_INADMISSIBLE", { reason: "Hors champ" }))).toEqual(["Motif : Hors champ"]);
    expect(staffEventDetails(entry("SUBMIT_SCORES", { jointOutcome: "deliberation" }))).toEqual([
      "Écarts entre évaluateurs : délibération nécessaire",
    ]);
  });
});
