// The end of a candidacy against a real database: staff validate a decided candidacy (refused in any other state and
// to any other role), the result e-mail names only the competencies under the floor, the candidate's result hides
// nothing they need and no evaluator's own score, and a new candidacy aims only at the missing blocs, with the R335-7
// date when the yearly quota delays its request.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../db/schema";
import { createCandidacy, sendCandidacyEvent } from "../../app/services/candidacies.server";
import { emailDeliverer } from "../../app/services/email-delivery.server";
import { createMailer, listStoredEmails, readStoredEmail } from "../../app/services/mailer.server";
import {
  nextRequestFilingDate,
  readMinutesForValidation,
  readResult,
  startCandidacyForMissingBlocs,
  validateDecision,
} from "../../app/services/results.server";
import { deliverOutbox } from "../../app/services/worker.server";
import type { Role } from "../../workflows/candidacy-machine";
import { BLOC_2, BLOC_3, Lifecycle, SCORES_A } from "./support/decided-candidacy";
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

type Person = "candidate" | "other" | "officer" | "staff" | "a" | "b" | "outsider";
let ids: Record<Person, string>;
beforeEach(async () => {
  await truncateAll(testDb.handle);
  await seedCertifications(db, ["CQP-AUTRE-1", "CQP-AUTRE-2", "CQP-AUTRE-3"]);
  ids = {
    candidate: await createUser(db, "candidate", "Inès Candidate"),
    other: await createUser(db, "candidate", "Autre Candidat"),
    officer: await createUser(db, "admissibility_officer"),
    staff: await createUser(db, "certifier_staff", "Claire Certificatrice"),
    a: await createUser(db, "evaluator", "Évaluatrice Alpha"),
    b: await createUser(db, "evaluator", "Évaluateur Bravo"),
    outsider: await createUser(db, "evaluator", "Évaluateur hors binôme"),
  };
});

const viewer = (who: Person, role: Role) => ({ userId: ids[who], role });
// Spring 2026: the request, the dossier and the session all fall in the same calendar year.
let life: Lifecycle;
beforeEach(() => {
  life = new Lifecycle(db, ids, Date.parse("2026-03-02T09:00:00.000Z"));
});
const now = () => new Date(life.clock);
const as = (userId: string, role: Role) => life.as(userId, role);
const decided = () => life.decided(CQP_CODE);

async function stateOf(id: string) {
  return await db
    .selectFrom("candidacies")
    .select(["state", "row_version"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
}

describe(`validation and result (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("refuses validation before both signatures, to any role but certifier staff, and twice; changes nothing", async () => {
    const id = await life.inEvaluation(CQP_CODE);
    await life.scored(id);
    await life.sign(id, "a");
    const before = await stateOf(id);
    const early = await validateDecision(db, viewer("staff", "certifier_staff"), id, now());
    expect(early).toMatchObject({ ok: false, status: 409 });
    expect(!early.ok && early.message).toMatch(/[a-zé]/);
    await life.sign(id, "b");
    expect((await stateOf(id)).state).toBe("decided");

    // Involved but not staff: 403; not involved at all: 404, saying nothing of the candidacy.
    expect(await validateDecision(db, viewer("candidate", "candidate"), id)).toMatchObject({ ok: false, status: 403 });
    expect(await validateDecision(db, viewer("a", "evaluator"), id)).toMatchObject({ ok: false, status: 403 });
    expect(await validateDecision(db, viewer("outsider", "evaluator"), id)).toMatchObject({ ok: false, status: 404 });
    expect(await validateDecision(db, viewer("other", "candidate"), id)).toMatchObject({ ok: false, status: 404 });
    expect(
      await validateDecision(db, viewer("staff", "certifier_staff"), "00000000-0000-4000-8000-000000000000"),
    ).toMatchObject({ ok: false, status: 404 });
    const decidedRow = await stateOf(id);
    expect(decidedRow.row_version).toBe(before.row_version + 1);
    expect(await db.selectFrom("acquired_blocs").selectAll().execute()).toEqual([]);

    expect(await validateDecision(db, viewer("staff", "certifier_staff"), id, now())).toEqual({ ok: true });
    expect((await stateOf(id)).state).toBe("certified");
    const again = await validateDecision(db, viewer("staff", "certifier_staff"), id, now());
    expect(again).toMatchObject({ ok: false, status: 409 });
    const acquired = await db.selectFrom("acquired_blocs").select(["bloc_code", "source"]).execute();
    expect(acquired).toEqual([{ bloc_code: "B1", source: "evaluation" }]);
  });

  it("shows staff the minutes with the explanation per bloc, both signatures and the 15-day deadline from the session", async () => {
    const id = await decided();
    const minutes = await readMinutesForValidation(db, viewer("staff", "certifier_staff"), id, now());
    if (!minutes.ok) throw new Error(minutes.message);
    expect(minutes.state).toBe("decided");
    expect(minutes.blocs.map((b) => [b.code, b.status])).toEqual([
      ["B1", "awarded"],
      ["B2", "not_awarded"],
      ["B3", "not_awarded"],
    ]);
    const b2 = minutes.blocs[1]!;
    expect(b2.competencies.find((c) => c.code === "C2.3")).toMatchObject({ score: "45,0", underFloor: true });
    expect(b2.explanation).toBe(
      "Bloc non obtenu : la compétence C2.3 est à 45,0 % (il faut au moins 50 % à chaque compétence).",
    );
    expect(b2.recommendation).toContain("négociation tarifaire");
    expect(minutes.signatures.map((s) => [s.slot, s.fullName])).toEqual([
      ["A", "Évaluatrice Alpha"],
      ["B", "Évaluateur Bravo"],
    ]);
    const session = minutes.deadline.sessionStartsAt!;
    expect(minutes.deadline.dueBy).toBe(new Date(Date.parse(session) + 15 * 24 * 3600_000).toISOString());
    expect(minutes.deadline.overdue).toBe(false);
    const late = await readMinutesForValidation(
      db,
      viewer("staff", "certifier_staff"),
      id,
      new Date(Date.parse(session) + 16 * 24 * 3600_000),
    );
    expect(late.ok && late.deadline.overdue).toBe(true);
    // The minutes are for certifier staff and the pair; the candidate reads the result once validated.
    expect(await readMinutesForValidation(db, viewer("other", "candidate"), id)).toMatchObject({ status: 404 });
  });

  it("e-mails the result naming only the competencies under the floor, or that the mean was short", async () => {
    const id = await decided();
    await validateDecision(db, viewer("staff", "certifier_staff"), id, now());
    const mailDir = mkdtempSync(path.join(tmpdir(), "vae-result-"));
    const mailer = createMailer({ from: "Portail VAE <ne-pas-repondre@vae.localhost>", smtpUrl: undefined, mailDir });
    await deliverOutbox(db, emailDeliverer(db, mailer, "https://vae.exemple.fr"), new Date(life.clock + 60_000));
    const mails = [];
    for (const summary of await listStoredEmails(mailDir)) {
      const mail = (await readStoredEmail(mailDir, summary.fileName))!;
      if (mail.subject.startsWith("Résultat de l'évaluation")) mails.push(mail);
    }
    expect(mails).toHaveLength(1);
    const text = mails[0]!.text;
    expect(text).toContain("B1 — ");
    expect(text).toContain("Bloc obtenu (moyenne des compétences : 80,0 %)");
    // Bloc 2: only C2.3, with its final score; not the five competencies above the floor.
    const listed = text
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.startsWith("- "));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatch(/^- C2\.3 .+ \(45,0 %\)$/);
    for (const code of [...BLOC_2.filter((c) => c !== "C2.3"), ...BLOC_3]) expect(text).not.toContain(code);
    // Bloc 3: the mean was short.
    expect(text).toContain("La moyenne des compétences du bloc n'atteint pas les 70 % requis.");
    expect(text).toContain("Décrivez une négociation tarifaire");
    expect(text).toContain(`https://vae.exemple.fr/candidat/candidatures/${id}/resultat`);
    // Never an evaluator's own score.
    expect(text).not.toMatch(/41[,.]3|48[,.]7/);
  });

  it("gives the candidate their result once validated: blocs, why, recommendations, held blocs, no evaluator's own score", async () => {
    const id = await decided();
    expect(await readResult(db, viewer("candidate", "candidate"), id)).toMatchObject({ ok: false, status: 409 });
    await validateDecision(db, viewer("staff", "certifier_staff"), id, now());
    expect(await readResult(db, viewer("other", "candidate"), id)).toMatchObject({ ok: false, status: 404 });
    const result = await readResult(db, viewer("candidate", "candidate"), id, now());
    if (!result.ok) throw new Error(result.message);
    expect(result.result).toBe("partial");
    expect(result.resultLabel).not.toMatch(/^Certifié$/);
    expect(result.blocs.map((b) => [b.code, b.status, b.mean])).toEqual([
      ["B1", "awarded", "80,0"],
      ["B2", "not_awarded", "79,2"],
      ["B3", "not_awarded", "60,0"],
    ]);
    expect(result.blocs[1]!.competenciesUnderFloor).toEqual([expect.objectContaining({ code: "C2.3", score: "45,0" })]);
    expect(result.blocs[1]!.meanReached).toBe(true);
    expect(result.blocs[2]).toMatchObject({ meanReached: false, competenciesUnderFloor: [] });
    expect(result.blocs[1]!.recommendation).toContain("négociation tarifaire");
    expect(result.blocs[0]!.recommendation).toBeNull();
    expect(result.held.map((b) => [b.code, b.thisCandidacy])).toEqual([["B1", true]]);
    expect(result.missing.map((b) => b.code)).toEqual(["B2", "B3"]);
    expect(result.timeline.map((e) => e.sentence)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("session d'évaluation est fixée"),
        expect.stringContaining("aucun lien avec vous"),
        expect.stringContaining("procès-verbal"),
        expect.stringContaining("validé la décision"),
      ]),
    );
    const serialized = JSON.stringify(result);
    expect(serialized).not.toMatch(/41[,.]3|48[,.]7|Commentaire confidentiel/);
    expect(serialized).not.toContain(ids.a);
    expect(serialized).not.toContain(ids.b);
  });

  it("starts a new candidacy aimed only at the missing blocs, once, and says when its request can be filed", async () => {
    const id = await decided();
    expect(await startCandidacyForMissingBlocs(db, ids.candidate, id, now())).toMatchObject({
      ok: false,
      status: 409,
    });
    await validateDecision(db, viewer("staff", "certifier_staff"), id, now());
    expect(await startCandidacyForMissingBlocs(db, ids.other, id, now())).toMatchObject({
      ok: false,
      status: 404,
    });

    // The request of this candidacy was filed in 2026: the next one for this CQP can be filed from 1 January 2027.
    const before = await readResult(db, viewer("candidate", "candidate"), id, now());
    expect(before.ok && before.requestFilingFrom).toBe("2026-12-31T23:00:00.000Z");

    const started = await startCandidacyForMissingBlocs(db, ids.candidate, id, now());
    if (!started.ok) throw new Error(started.message);
    const row = await db
      .selectFrom("candidacies")
      .select(["target_bloc_codes", "state"])
      .where("id", "=", started.candidacyId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ target_bloc_codes: ["B2", "B3"], state: "draft" });
    expect(await startCandidacyForMissingBlocs(db, ids.candidate, id, now())).toMatchObject({
      ok: false,
      code: "candidacy_in_progress",
    });
    const after = await readResult(db, viewer("candidate", "candidate"), id, now());
    expect(after.ok && after.nextCandidacy).toMatchObject({ id: started.candidacyId, targetBlocCodes: ["B2", "B3"] });

    // R335-7 applies when the request is filed: refused in 2026, accepted from 1 January 2027 in Paris.
    await attachRequestDocuments(db, started.candidacyId);
    const tooEarly = await sendCandidacyEvent(db, started.candidacyId, {
      type: "SUBMIT_REQUEST",
      sworn: true,
      actor: as(ids.candidate, "candidate"),
      at: "2026-12-31T22:59:00.000Z",
    });
    expect(tooEarly).toMatchObject({ ok: false, code: "quota_same_certification" });
    expect(!tooEarly.ok && tooEarly.message).toContain("1er janvier 2027");
    expect(
      await sendCandidacyEvent(db, started.candidacyId, {
        type: "SUBMIT_REQUEST",
        sworn: true,
        actor: as(ids.candidate, "candidate"),
        at: "2026-12-31T23:00:00.000Z",
      }),
    ).toMatchObject({ ok: true });
  });

  it("dates the next request from the R335-7 quotas, in Paris time", () => {
    const now = new Date("2026-06-15T10:00:00Z");
    expect(nextRequestFilingDate([], "cqp", now)).toBeNull();
    expect(nextRequestFilingDate(["x", "y"], "cqp", now)).toBeNull();
    expect(nextRequestFilingDate(["cqp"], "cqp", now)).toBe("2026-12-31T23:00:00.000Z");
    expect(nextRequestFilingDate(["x", "y", "z"], "cqp", now)).toBe("2026-12-31T23:00:00.000Z");
    // 31 December 23:30 UTC is already 1 January in Paris: the year's requests no longer count.
    expect(nextRequestFilingDate(["cqp"], "cqp", new Date("2026-12-31T23:30:00Z"))).toBe("2027-12-31T23:00:00.000Z");
  });

  it("counts the requests across certifications: three this calendar year delay a fourth to 1 January", async () => {
    const id = await decided();
    await validateDecision(db, viewer("staff", "certifier_staff"), id, now());
    // A year later this CQP's request of 2026 no longer counts; the candidate files requests for other CQPs in 2027.
    const in2027 = (day: number) => new Date(Date.UTC(2027, 2, day, 9)).toISOString();
    for (const [n, code] of ["CQP-AUTRE-1", "CQP-AUTRE-2", "CQP-AUTRE-3"].entries()) {
      const atResult = await readResult(db, viewer("candidate", "candidate"), id, new Date(in2027(20)));
      expect(atResult.ok && atResult.requestFilingFrom, `after ${n} requests in 2027`).toBeNull();
      const other = await createCandidacy(db, ids.candidate, code, new Date(in2027(n + 1)));
      if (!other.ok) throw new Error(other.message);
      await attachRequestDocuments(db, other.candidacyId);
      await life.send(other.candidacyId, {
        type: "SUBMIT_REQUEST",
        sworn: true,
        actor: as(ids.candidate, "candidate"),
        at: in2027(n + 1),
      });
    }
    const result = await readResult(db, viewer("candidate", "candidate"), id, new Date(in2027(20)));
    expect(result.ok && result.requestFilingFrom).toBe("2027-12-31T23:00:00.000Z");
  });

  it("lets a validated candidacy holding every bloc start nothing more", async () => {
    const pass = Object.fromEntries(Object.keys(SCORES_A).map((c) => [c, "80"]));
    const id = await life.decided(CQP_CODE, pass, pass);
    await validateDecision(db, viewer("staff", "certifier_staff"), id, now());
    const result = await readResult(db, viewer("candidate", "candidate"), id, now());
    expect(result.ok && result.result).toBe("full");
    expect(result.ok && result.missing).toEqual([]);
    expect(await startCandidacyForMissingBlocs(db, ids.candidate, id, now())).toMatchObject({
      ok: false,
      code: "nothing_left_to_assess",
    });
  });
});
