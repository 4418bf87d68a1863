import { describe, expect, it } from "vitest";
import { candidateTimeline, candidateTimelineText, staffEventDetails, staffEventLabel } from "./candidacy-timeline";

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

  it("tells the evaluation's steps in plain French, without scores, outcome or an evaluator's reason", () => {
    const told = (type: string, payload: Record<string, unknown> = {}) => candidateTimelineText(entry(type, payload));
    expect(told("ASSIGN_PAIR")).toBe("Deux évaluateurs professionnels ont été désignés pour examiner votre dossier.");
    expect(told("START_SCORING", { noLink: true })).toBe(
      "Un évaluateur a déclaré n'avoir aucun lien avec vous et a commencé l'examen de votre dossier.",
    );
    expect(told("DECLARE_CONFLICT", { reason: "Ancien collègue de Mme X" })).toBe(
      "Un évaluateur s'est retiré de l'examen de votre dossier : un autre évaluateur va être désigné.",
    );
    expect(told("REPLACE_EVALUATOR", { slot: "A", evaluatorId: "u1" })).toContain("nouvel évaluateur");
    expect(
      told("SCHEDULE_SESSION", { startsAt: "2026-05-12T12:00:00Z", mode: "in_person", location: "12 rue du Pain" }),
    ).toBe(
      "Votre session d'évaluation est fixée au 12 mai 2026 à 14:00, à l'adresse suivante : 12 rue du Pain. Une convocation vous a été envoyée par courriel.",
    );
    expect(
      told("SCHEDULE_SESSION", { startsAt: "2026-05-12T12:00:00Z", mode: "video", location: "https://visio/x" }),
    ).toContain("en visioconférence");
    expect(told("RECORD_ATTENDANCE", { attendance: "attended" })).toContain("présence");
    expect(told("RECORD_ATTENDANCE", { attendance: "excused" })).toContain("nouvelle date");
    expect(told("RECORD_ATTENDANCE", { attendance: "absent" })).toContain("absence");
    expect(told("SIGN_MINUTES")).toBe("Un évaluateur a signé le procès-verbal de l'évaluation.");
    expect(told("VALIDATE_DECISION")).toContain("validé la décision");
    for (const [type, payload] of [
      ["SUBMIT_SCORES", { jointOutcome: "agreed", result: "partial", scores: { "C1.1": "45" } }],
      ["RECORD_DELIBERATION", { result: "none" }],
    ] as const) {
      const sentence = told(type, payload)!;
      expect(sentence).toBeTruthy();
      expect(sentence).not.toMatch(/\d|partiel|aucun bloc|accord/);
    }
  });
});

describe("candidate timeline items", () => {
  it("words each step on the server, newest first, carrying no payload", () => {
    const items = candidateTimeline([
      { id: "1", ...entry("ASSIGN_PAIR", { evaluatorAId: "u-a", evaluatorBId: "u-b" }) },
      { id: "2", ...entry("DECLARE_CONFLICT", { reason: "Ancien collègue" }), occurredAt: "2026-03-03T09:00:00Z" },
      { id: "3", ...entry("INTERNAL_UNKNOWN"), occurredAt: "2026-03-04T09:00:00Z" },
    ]);
    expect(items.map((i) => i.id)).toEqual(["2", "1"]);
    expect(items[0]).toEqual({
      id: "2",
      occurredAt: "2026-03-03T09:00:00.000Z",
      sentence: "Un évaluateur s'est retiré de l'examen de votre dossier : un autre évaluateur va être désigné.",
    });
    expect(JSON.stringify(items)).not.toMatch(/u-a|u-b|Ancien collègue/);
  });
});

describe("staff journal", () => {
  it("labels every event and shows its details", () => {
    expect(staffEventLabel("SUBMIT_SCORES")).toBe("Notes transmises");
    expect(staffEventLabel("START_SCORING")).toBe("Déclaration d'absence de lien");
    expect(staffEventLabel("SIGN_MINUTES")).toBe("Procès-verbal signé");
    expect(
      staffEventDetails(
        entry("SCHEDULE_SESSION", {
          startsAt: "2026-08-03T08:00:00Z",
          mode: "video",
          location: "https://visio.exemple.fr/abc",
          lateReason: "Candidat indisponible en juillet",
        }),
      ),
    ).toEqual([
      "Séance le 3 août 2026 à 10:00 en visioconférence",
      "Lien : https://visio.exemple.fr/abc",
      "Motif d'une date tardive : Candidat indisponible en juillet",
    ]);
    expect(staffEventDetails(entry("RECORD_ATTENDANCE", { attendance: "excused" }))).toEqual(["Candidat excusé"]);
    expect(staffEventDetails(entry("DECLARE_CONFLICT", { reason: "Ancien collègue" }))).toEqual([
      "Motif : Ancien collègue",
    ]);
    expect(staffEventDetails(entry("DECLARE_INADMISSIBLE", { reason: "Hors champ" }))).toEqual(["Motif : Hors champ"]);
    expect(staffEventDetails(entry("SUBMIT_SCORES", { jointOutcome: "deliberation" }))).toEqual([
      "Écarts entre évaluateurs : délibération nécessaire",
    ]);
  });
});

describe("certificate entries", () => {
  it("tells the candidate their document is issued, reissued or revoked, with its number and without the reason", () => {
    const entry = (eventType: string, payload: Record<string, unknown>) => ({
      eventType,
      actorRole: "certifier_staff",
      actorName: null,
      payload,
      occurredAt: "2026-11-30T10:00:00.000Z",
    });
    expect(candidateTimelineText(entry("CERTIFICATE_ISSUED", { number: "CSA-2026-000001", kind: "blocs" }))).toMatch(
      /attestation de blocs de compétences n° CSA-2026-000001 a été délivrée/,
    );
    expect(candidateTimelineText(entry("CERTIFICATE_ISSUED", { number: "CSA-2026-000002", kind: "full" }))).toMatch(
      /certificat n° CSA-2026-000002/,
    );
    const revoked = candidateTimelineText(
      entry("CERTIFICATE_REVOKED", { number: "CSA-2026-000001", reason: "Fraude" }),
    );
    expect(revoked).toMatch(/révoqué/);
    expect(revoked).not.toMatch(/Fraude/);
    expect(
      staffEventDetails(entry("CERTIFICATE_DUPLICATE_ISSUED", { number: "N", edition: 2, reason: "Perdu" })),
    ).toEqual(["Motif : Perdu", "N° N", "Édition 2 (duplicata)"]);
  });
});
