// A candidacy taken through the lifecycle by the candidacy service up to the signed minutes ("decided"), for tests
// of what follows (validation, result, new candidacy). The pair's scores and decision are stored as the evaluation
// service records them; the recommendations and the signatures go through the minutes service.
import type { Kysely } from "kysely";
import type { Database } from "../../../db/schema";
import { applyCandidacyEvent, createCandidacy, sendCandidacyEvent } from "../../../app/services/candidacies.server";
import type { CandidacyEvent, EventActor, Role } from "../../../workflows/candidacy-machine";
import { decide } from "../../../workflows/decision";
import { saveRecommendations, signMinutes } from "../../../app/services/minutes.server";
import { attachRequestDocuments } from "./fixtures";

/** The password tests/integration/support/fixtures.ts gives every account it creates. */
const FIXTURE_PASSWORD = "Fixture-password-2026";

export const BLOC_1 = ["C1.1", "C1.2", "C1.3", "C1.4", "C1.5", "C1.6", "C1.7"];
export const BLOC_2 = ["C2.1", "C2.2", "C2.3", "C2.4", "C2.5", "C2.6"];
export const BLOC_3 = ["C3.1", "C3.2", "C3.3", "C3.4", "C3.5", "C3.6"];

// Bloc 1 passes (80 everywhere); bloc 2 fails on C2.3 alone (A 41.3, B 48.7: joint 45, the mean is 79.2); bloc 3
// fails on its mean (60 everywhere, every competency above the floor).
export const SCORES_A: Record<string, string> = {
  ...Object.fromEntries(BLOC_1.map((c) => [c, "80"])),
  ...Object.fromEntries(BLOC_2.map((c) => [c, c === "C2.3" ? "41.3" : "86"])),
  ...Object.fromEntries(BLOC_3.map((c) => [c, "60"])),
};
export const SCORES_B: Record<string, string> = { ...SCORES_A, "C2.3": "48.7" };

export const RECOMMENDATIONS = {
  B2: "Décrivez une négociation tarifaire que vous avez menée de bout en bout.",
  B3: "Appuyez chaque commande sur un exemple chiffré.",
};

export interface Cast {
  candidate: string;
  officer: string;
  staff: string;
  a: string;
  b: string;
}

/** The people of one candidacy and a clock that moves an hour per event. */
export class Lifecycle {
  constructor(
    readonly db: Kysely<Database>,
    readonly cast: Cast,
    public clock: number,
    /** The evaluators' passwords: signing the minutes asks for them again. */
    readonly passwords: { a: string; b: string } = { a: FIXTURE_PASSWORD, b: FIXTURE_PASSWORD },
  ) {}

  tick(): string {
    this.clock += 3600_000;
    return new Date(this.clock).toISOString();
  }

  as(userId: string, role: Role): EventActor {
    return { type: "user", userId, role };
  }

  async send(id: string, event: CandidacyEvent) {
    const outcome = await sendCandidacyEvent(this.db, id, event);
    if (!outcome.ok) throw new Error(`${event.type} refused: ${outcome.message}`);
    return outcome;
  }

  /** A candidacy filed, assigned, its session held and both evaluators declared; in `evaluation`. */
  async inEvaluation(certificationCode: string): Promise<string> {
    const { cast } = this;
    const created = await createCandidacy(this.db, cast.candidate, certificationCode, new Date(this.clock));
    if (!created.ok) throw new Error(created.message);
    const id = created.candidacyId;
    await attachRequestDocuments(this.db, id);
    await this.send(id, {
      type: "SUBMIT_REQUEST",
      sworn: true,
      actor: this.as(cast.candidate, "candidate"),
      at: this.tick(),
    });
    await this.send(id, {
      type: "OPEN_REVIEW",
      actor: this.as(cast.officer, "admissibility_officer"),
      at: this.tick(),
    });
    await this.send(id, {
      type: "DECLARE_ADMISSIBLE",
      actor: this.as(cast.officer, "admissibility_officer"),
      at: this.tick(),
    });
    await this.send(id, { type: "START_DOSSIER", actor: this.as(cast.candidate, "candidate"), at: this.tick() });
    await this.send(id, {
      type: "SUBMIT_DOSSIER",
      version: 1,
      actor: this.as(cast.candidate, "candidate"),
      at: this.tick(),
    });
    await this.send(id, {
      type: "ASSIGN_PAIR",
      evaluatorAId: cast.a,
      evaluatorBId: cast.b,
      presidentId: cast.a,
      actor: this.as(cast.staff, "certifier_staff"),
      at: this.tick(),
    });
    const startsAt = new Date(this.clock + 7 * 24 * 3600_000).toISOString();
    await this.send(id, {
      type: "SCHEDULE_SESSION",
      startsAt,
      mode: "in_person",
      location: "Maison de l'alimentation, 12 rue du Pain, Lyon",
      actor: this.as(cast.staff, "certifier_staff"),
      at: this.tick(),
    });
    await this.send(id, { type: "START_SCORING", noLink: true, actor: this.as(cast.a, "evaluator"), at: this.tick() });
    await this.send(id, { type: "START_SCORING", noLink: true, actor: this.as(cast.b, "evaluator"), at: this.tick() });
    this.clock = Date.parse(startsAt) + 3 * 3600_000;
    await this.send(id, {
      type: "RECORD_ATTENDANCE",
      attendance: "attended",
      actor: this.as(cast.staff, "certifier_staff"),
      at: this.tick(),
    });
    return id;
  }

  /**
   * Both evaluators' own scores stored, the decision recorded on the joint scores, both submissions sent and the
   * recommendations written: the candidacy is in `minutes`.
   */
  async scored(id: string, a = SCORES_A, b = SCORES_B, route: "agreed" | "deliberation" = "agreed") {
    const { db, cast } = this;
    const blocs = [
      { code: "B1", competencyCodes: BLOC_1 },
      { code: "B2", competencyCodes: BLOC_2 },
      { code: "B3", competencyCodes: BLOC_3 },
    ];
    const tenths = (v: string) => Math.round(Number(v) * 10);
    const joint = Object.fromEntries(
      Object.keys(a).map((code) => [code, { tenthsNumerator: tenths(a[code]!) + tenths(b[code]!), denominator: 2 }]),
    );
    const outcome = decide({
      blocs,
      scores: joint,
      thresholds: { blocMeanPercent: 70, competencyFloorPercent: 50 },
      acquiredBlocCodes: [],
    });
    const result = outcome.certificationAwarded ? "full" : outcome.awardedBlocCodes.length > 0 ? "partial" : "none";
    await db.transaction().execute(async (trx) => {
      for (const [evaluatorId, scores] of [
        [cast.a, a],
        [cast.b, b],
      ] as const) {
        await trx
          .insertInto("evaluation_scores")
          .values(
            Object.entries(scores).map(([code, score]) => ({
              candidacy_id: id,
              evaluator_id: evaluatorId,
              competency_code: code,
              score,
              comment: `Commentaire confidentiel ${code}`,
            })),
          )
          .execute();
      }
      await trx
        .insertInto("candidacy_decisions")
        .values({
          candidacy_id: id,
          // "deliberation" only labels the decision (for figures that read the route); the pair still agrees.
          route,
          joint_scores: JSON.stringify(joint),
          origin: JSON.stringify(Object.fromEntries(Object.keys(joint).map((c) => [c, "mean"]))),
          outcome: JSON.stringify(outcome),
          decided_at: new Date(this.clock),
          recorded_by: null,
        })
        .execute();
      for (const [evaluatorId, last] of [
        [cast.a, false],
        [cast.b, true],
      ] as const) {
        const sent = await applyCandidacyEvent(trx, id, {
          type: "SUBMIT_SCORES",
          ...(last ? { jointOutcome: "agreed" as const, result } : {}),
          actor: this.as(evaluatorId, "evaluator"),
          at: this.tick(),
        });
        if (!sent.ok) throw new Error(`SUBMIT_SCORES refused: ${sent.message}`);
      }
    });
    const texts = Object.fromEntries(
      outcome.blocs
        .filter((bloc) => bloc.status === "not_awarded" && bloc.code in RECOMMENDATIONS)
        .map((bloc) => [bloc.code, RECOMMENDATIONS[bloc.code as keyof typeof RECOMMENDATIONS]]),
    );
    if (Object.keys(texts).length > 0) {
      const saved = await saveRecommendations(db, cast.a, id, texts, new Date(this.tick()));
      if (!saved.ok) throw new Error(`Recommendations refused: ${saved.message}`);
    }
    return outcome;
  }

  /** An evaluator signs the minutes as in the browser: password re-asked, identity and time recorded. */
  async sign(id: string, who: "a" | "b") {
    const signed = await signMinutes(
      this.db,
      this.cast[who],
      id,
      { password: this.passwords[who], ip: null },
      new Date(this.tick()),
    );
    if (!signed.ok) throw new Error(`SIGN_MINUTES refused: ${signed.message}`);
  }

  /** A candidacy in `decided`: scored (bloc 1 awarded, blocs 2 and 3 not, by default) and both signatures in. */
  async decided(certificationCode: string, a = SCORES_A, b = SCORES_B): Promise<string> {
    const id = await this.inEvaluation(certificationCode);
    await this.scored(id, a, b);
    await this.sign(id, "a");
    await this.sign(id, "b");
    return id;
  }
}
