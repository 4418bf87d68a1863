// The evaluator pair against a real database: blind double scoring, exact joint scores and the decision rule,
// deliberation with the president's casting vote, blocs acquired for good and prior blocs at admissibility.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDecision } from "../../db/queries/candidacies";
import type { Database } from "../../db/schema";
import { type CandidacyOutcome, createCandidacy, sendCandidacyEvent } from "../../app/services/candidacies.server";
import { emailDeliverer } from "../../app/services/email-delivery.server";
import { createMailer, listStoredEmails, readStoredEmail } from "../../app/services/mailer.server";
import { deliverOutbox } from "../../app/services/worker.server";
import { castVote, closeDeliberation, comparisonView } from "../../app/services/evaluation-deliberation.server";
import { readScores, saveScores, submitScores } from "../../app/services/evaluation.server";
import type { EventActor, Role } from "../../workflows/candidacy-machine";
import { CQP_CODE, attachRequestDocuments, createUser, seedCertifications } from "./support/fixtures";
import { type TestDatabase, createTestDatabase, truncateAll } from "./support/test-database";

let testDb: TestDatabase;
let db: Kysely<Database>;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.handle.db;
});
afterAll(async () => {
  await testDb?.drop();
});

let ids: Record<"candidate" | "officer" | "staff" | "a" | "b" | "outsider", string>;
beforeEach(async () => {
  await truncateAll(testDb.handle);
  await seedCertifications(db);
  ids = {
    candidate: await createUser(db, "candidate", "Inès Candidate"),
    officer: await createUser(db, "admissibility_officer"),
    staff: await createUser(db, "certifier_staff"),
    a: await createUser(db, "evaluator", "Évaluatrice A"),
    b: await createUser(db, "evaluator", "Évaluateur B"),
    outsider: await createUser(db, "evaluator", "Évaluateur hors binôme"),
  };
});

const as = (userId: string, role: Role): EventActor => ({ type: "user", userId, role });
let clock = Date.parse("2026-03-02T09:00:00.000Z");
const tick = () => {
  clock += 3600_000;
  return new Date(clock).toISOString();
};

async function send(id: string, event: Parameters<typeof sendCandidacyEvent>[2]) {
  const outcome = await sendCandidacyEvent(db, id, event);
  if (!outcome.ok) throw new Error(`${event.type} refused: ${outcome.message}`);
  return outcome;
}

/** A candidacy in evaluation, both evaluators scoring. */
async function inEvaluation(priorBlocCodes?: string[]) {
  const created = await createCandidacy(db, ids.candidate, CQP_CODE);
  if (!created.ok) throw new Error(created.message);
  const id = created.candidacyId;
  await attachRequestDocuments(db, id);
  await send(id, { type: "SUBMIT_REQUEST", sworn: true, actor: as(ids.candidate, "candidate"), at: tick() });
  await send(id, { type: "OPEN_REVIEW", actor: as(ids.officer, "admissibility_officer"), at: tick() });
  await send(id, {
    type: "DECLARE_ADMISSIBLE",
    priorBlocCodes,
    actor: as(ids.officer, "admissibility_officer"),
    at: tick(),
  });
  await send(id, { type: "START_DOSSIER", actor: as(ids.candidate, "candidate"), at: tick() });
  await send(id, { type: "SUBMIT_DOSSIER", version: 1, actor: as(ids.candidate, "candidate"), at: tick() });
  await send(id, {
    type: "ASSIGN_PAIR",
    evaluatorAId: ids.a,
    evaluatorBId: ids.b,
    presidentId: ids.a,
    actor: as(ids.staff, "certifier_staff"),
    at: tick(),
  });
  await send(id, { type: "START_SCORING", noLink: true, actor: as(ids.a, "evaluator"), at: tick() });
  await send(id, { type: "START_SCORING", noLink: true, actor: as(ids.b, "evaluator"), at: tick() });
  const staff = as(ids.staff, "certifier_staff");
  await send(id, {
    type: "SCHEDULE_SESSION",
    startsAt: tick(),
    mode: "in_person",
    location: "Rungis",
    actor: staff,
    at: tick(),
  });
  await send(id, { type: "RECORD_ATTENDANCE", attendance: "attended", actor: staff, at: tick() });
  return id;
}

const BLOC_1 = ["C1.1", "C1.2", "C1.3", "C1.4", "C1.5", "C1.6", "C1.7"];
const BLOC_2 = ["C2.1", "C2.2", "C2.3", "C2.4", "C2.5", "C2.6"];
const BLOC_3 = ["C3.1", "C3.2", "C3.3", "C3.4", "C3.5", "C3.6"];

function entries(scores: Record<string, string>) {
  return Object.entries(scores).map(([competencyCode, score]) => ({
    competencyCode,
    score,
    comment: `Commentaire ${competencyCode}`,
  }));
}

// Bloc 1: the booklet's example whose mean is exactly 70 (passes); bloc 2: mean 60 (fails); bloc 3: one competency
// under the floor of 50 although the mean is 75 (fails).
const exactSeventy = ["85.2", "98", "64.2", "68.1", "64.2", "57.4", "52.9"];
const partialScores: Record<string, string> = {
  ...Object.fromEntries(BLOC_1.map((c, i) => [c, exactSeventy[i]!])),
  ...Object.fromEntries(BLOC_2.map((c) => [c, "60"])),
  ...Object.fromEntries(BLOC_3.map((c, i) => [c, i === 0 ? "45" : "81"])),
};

describe(`evaluation (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("keeps each evaluator blind to the other's scores until both have submitted", async () => {
    const id = await inEvaluation();
    expect(await saveScores(db, ids.a, id, entries(partialScores))).toEqual({ ok: true });
    expect(await saveScores(db, ids.b, id, entries(partialScores))).toEqual({ ok: true });
    expect(await readScores(db, ids.a, id)).toMatchObject({ other: null });
    await submitScores(db, ids.a, id);
    expect(await readScores(db, ids.b, id)).toMatchObject({ other: null });
    await submitScores(db, ids.b, id);
    const both = await readScores(db, ids.b, id);
    expect(both!.other!["C1.1"]).toBe("85.2");
    expect(await readScores(db, ids.outsider, id)).toBeNull();
  });

  it("decides with exact arithmetic: a bloc mean of exactly 70 is awarded, a competency under 50 fails its bloc", async () => {
    const id = await inEvaluation();
    await saveScores(db, ids.a, id, entries(partialScores));
    await saveScores(db, ids.b, id, entries(partialScores));
    await submitScores(db, ids.a, id);
    const outcome = (await submitScores(db, ids.b, id)) as CandidacyOutcome;
    expect(outcome).toMatchObject({ ok: true, state: "minutes" });
    const decision = (await getDecision(db, id))!;
    expect(decision.outcome).toMatchObject({
      awardedBlocCodes: ["B1"],
      certificationAwarded: false,
      missingBlocCodes: ["B2", "B3"],
      blocs: [
        { code: "B1", status: "awarded", mean: { display: "70,0" }, competenciesUnderFloor: [] },
        { code: "B2", status: "not_awarded", meanReached: false, competenciesToAssess: BLOC_2 },
        { code: "B3", status: "not_awarded", meanReached: true, competenciesUnderFloor: ["C3.1"] },
      ],
    });
    await send(id, { type: "SIGN_MINUTES", actor: as(ids.a, "evaluator"), at: tick() });
    await send(id, { type: "SIGN_MINUTES", actor: as(ids.b, "evaluator"), at: tick() });
    await send(id, { type: "VALIDATE_DECISION", actor: as(ids.staff, "certifier_staff"), at: tick() });
    await send(id, { type: "CLOSE", actor: { type: "system" }, at: tick() });

    // The candidate's result e-mail names the bloc obtained and what remains to assess.
    const mailDir = mkdtempSync(path.join(tmpdir(), "vae-result-"));
    const mailer = createMailer({ from: "Portail VAE <ne-pas-repondre@vae.localhost>", smtpUrl: undefined, mailDir });
    await deliverOutbox(db, emailDeliverer(db, mailer, "https://vae.exemple.fr"), new Date(clock + 60_000));
    const resultMails = [];
    for (const summary of await listStoredEmails(mailDir)) {
      const mail = (await readStoredEmail(mailDir, summary.fileName))!;
      if (mail.text.includes("70,0")) resultMails.push(mail);
    }
    expect(resultMails).toHaveLength(1);
    expect(resultMails[0]!.text).toContain("Développer l'activité commerciale de l'entreprise");
    expect(resultMails[0]!.text).toContain("C3.1");
    // The next candidacy aims only at the blocs still missing.
    const next = await createCandidacy(db, ids.candidate, CQP_CODE);
    const row = await db
      .selectFrom("candidacies")
      .select("target_bloc_codes")
      .where("id", "=", next.ok ? next.candidacyId : "")
      .executeTakeFirstOrThrow();
    expect(row.target_bloc_codes).toEqual(["B2", "B3"]);
  });

  it("refuses bad scores and out-of-turn actions with French messages, changing nothing", async () => {
    const id = await inEvaluation();
    expect(await saveScores(db, ids.outsider, id, entries({ "C1.1": "70" }))).toMatchObject({
      ok: false,
      status: 404,
    });
    expect(await saveScores(db, ids.a, id, entries({ "C1.1": "70,25" }))).toMatchObject({
      ok: false,
      code: "invalid_scores",
      fieldErrors: { "score-C1.1": expect.stringContaining("décimale") },
    });
    expect(await saveScores(db, ids.a, id, entries({ "C1.1": "101" }))).toMatchObject({
      ok: false,
      code: "invalid_scores",
    });
    expect(await saveScores(db, ids.a, id, entries({ "C9.9": "70" }))).toMatchObject({
      ok: false,
      code: "unknown_competency",
    });
    expect(await saveScores(db, ids.a, id, entries({ "C1.1": "70", "C1.2": "abc" }))).toMatchObject({ ok: false });
    const none = await db.selectFrom("evaluation_scores").selectAll().execute();
    expect(none).toEqual([]);
    await saveScores(db, ids.a, id, entries({ "C1.1": "70" }));
    const missing = await submitScores(db, ids.a, id);
    expect(missing).toMatchObject({ ok: false, code: "scores_missing" });
    expect(!missing.ok && missing.message).toContain("C1.2, C1.3");
    await saveScores(db, ids.a, id, entries(partialScores));
    await submitScores(db, ids.a, id);
    expect(await saveScores(db, ids.a, id, entries({ "C1.1": "99" }))).toMatchObject({ ok: false, status: 409 });
  });

  it("sends disagreeing scores to deliberation, where only the president may use the casting vote", async () => {
    const id = await inEvaluation();
    await saveScores(db, ids.a, id, entries({ ...partialScores, "C2.1": "50" }));
    await saveScores(db, ids.b, id, entries({ ...partialScores, "C2.1": "80" }));
    await submitScores(db, ids.a, id);
    expect(await submitScores(db, ids.b, id)).toMatchObject({ ok: true, state: "deliberation" });
    const view = await comparisonView(db, ids.a, id);
    expect(view.ok && view.deliberation.map((d) => d.code)).toEqual(["C2.1"]);

    const byEvaluator = await castVote(db, ids.b, id, [{ competencyCode: "C2.1", score: "75", comment: "" }]);
    expect(byEvaluator).toMatchObject({ ok: false, status: 403 });
    const incomplete = await closeDeliberation(db, ids.a, id);
    expect(incomplete).toMatchObject({ ok: false, code: "deliberation_unresolved" });
    expect(await getDecision(db, id)).toBeUndefined();

    expect(await castVote(db, ids.a, id, [{ competencyCode: "C2.1", score: "75", comment: "" }])).toMatchObject({
      ok: true,
    });
    expect(await closeDeliberation(db, ids.a, id)).toMatchObject({ ok: true, state: "minutes" });
    const decision = (await getDecision(db, id))!;
    expect(decision).toMatchObject({ route: "deliberation", recorded_by: ids.a });
    expect(decision.origin["C2.1"]).toBe("president");
    expect(decision.origin["C2.2"]).toBe("mean");
    expect(decision.joint_scores["C2.1"]).toEqual({ tenthsNumerator: 750, denominator: 1 });
  });

  it("counts blocs accepted at admissibility as acquired and evaluates only the others", async () => {
    const id = await inEvaluation(["B2"]);
    const row = await db
      .selectFrom("candidacies")
      .select("target_bloc_codes")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.target_bloc_codes).toEqual(["B1", "B3"]);
    const withoutB2 = Object.fromEntries(Object.entries(partialScores).filter(([code]) => !code.startsWith("C2.")));
    const allPass = Object.fromEntries(Object.keys(withoutB2).map((code) => [code, "80"]));
    await saveScores(db, ids.a, id, entries(allPass));
    await saveScores(db, ids.b, id, entries(allPass));
    expect(await saveScores(db, ids.a, id, entries({ "C2.1": "80" }))).toMatchObject({
      ok: false,
      code: "unknown_competency",
    });
    await submitScores(db, ids.a, id);
    await submitScores(db, ids.b, id);
    expect((await getDecision(db, id))!.outcome).toMatchObject({
      awardedBlocCodes: ["B1", "B3"],
      heldBlocCodes: ["B1", "B2", "B3"],
      certificationAwarded: true,
      blocs: [{ status: "awarded" }, { code: "B2", status: "acquired_before" }, { status: "awarded" }],
    });
    const prior = await db.selectFrom("acquired_blocs").select(["bloc_code", "source"]).execute();
    expect(prior).toEqual([{ bloc_code: "B2", source: "prior_certificate" }]);
  });
});
