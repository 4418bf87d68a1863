// The evaluator's path against a real database: the declaration of no link (or of a conflict), drafts with comma
// scores, blindness in everything the pages load, transmission only after the session, the missing scores listed,
// the deliberation (agreement, the president's casting vote), the recommendations, the password-confirmed
// signatures, and the signed minutes that nothing changes afterwards (the database refuses too) and whose PDF is
// stored through the outbox.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDecision } from "../../db/queries/candidacies";
import { listAssignedCandidacies } from "../../db/queries/evaluations";
import type { Database } from "../../db/schema";
import { createCandidacy, sendCandidacyEvent } from "../../app/services/candidacies.server";
import {
  castVote,
  closeDeliberation,
  comparisonView,
  proposeScores,
} from "../../app/services/evaluation-deliberation.server";
import {
  declareConflict,
  declareNoLink,
  evaluatorWorkspace,
  saveDraft,
  submitScores,
} from "../../app/services/evaluation.server";
import { recordAttendance, scheduleSession } from "../../app/services/evaluation-staffing.server";
import { createMailer } from "../../app/services/mailer.server";
import {
  SIGNATURE_THROTTLE,
  findMinutesPdf,
  minutesView,
  saveRecommendations,
  signMinutes,
} from "../../app/services/minutes.server";
import { outboxDeliverer } from "../../app/services/outbox-delivery.server";
import { createLocalStorage } from "../../app/services/storage/local";
import { deliverOutbox } from "../../app/services/worker.server";
import type { EventActor, Role } from "../../workflows/candidacy-machine";
import { CQP_CODE, attachRequestDocuments, createUser, seedCertifications } from "./support/fixtures";
import { type TestDatabase, createTestDatabase, truncateAll } from "./support/test-database";

const PASSWORD = "Fixture-password-2026";

let testDb: TestDatabase;
let db: Kysely<Database>;
let storageRoot: string;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.handle.db;
  storageRoot = mkdtempSync(path.join(tmpdir(), "vae-minutes-"));
});
afterAll(async () => {
  await testDb?.drop();
  rmSync(storageRoot, { recursive: true, force: true });
});

let ids: Record<"candidate" | "officer" | "staff" | "a" | "b" | "outsider", string>;
beforeEach(async () => {
  await truncateAll(testDb.handle);
  await seedCertifications(db);
  ids = {
    candidate: await createUser(db, "candidate", "Inès Candidate"),
    officer: await createUser(db, "admissibility_officer"),
    staff: await createUser(db, "certifier_staff"),
    a: await createUser(db, "evaluator", "Alice Présidente"),
    b: await createUser(db, "evaluator", "Bruno Évaluateur"),
    outsider: await createUser(db, "evaluator", "Évaluateur hors binôme"),
  };
});

const as = (userId: string, role: Role): EventActor => ({ type: "user", userId, role });
let clock = Date.parse("2026-03-02T09:00:00.000Z");
const tick = () => {
  clock += 3600_000;
  return new Date(clock);
};
const iso = () => tick().toISOString();

async function send(id: string, event: Parameters<typeof sendCandidacyEvent>[2]) {
  const outcome = await sendCandidacyEvent(db, id, event);
  if (!outcome.ok) throw new Error(`${event.type} refused: ${outcome.message}`);
  return outcome;
}

function ok<T extends { ok: boolean }>(outcome: T): T {
  if (!outcome.ok) throw new Error(`refused: ${JSON.stringify(outcome)}`);
  return outcome;
}

/** A filed dossier with its pair assigned and a session set (not yet held); A presides. */
async function assigned() {
  const created = await createCandidacy(db, ids.candidate, CQP_CODE);
  if (!created.ok) throw new Error(created.message);
  const id = created.candidacyId;
  await attachRequestDocuments(db, id);
  await send(id, { type: "SUBMIT_REQUEST", sworn: true, actor: as(ids.candidate, "candidate"), at: iso() });
  await send(id, { type: "OPEN_REVIEW", actor: as(ids.officer, "admissibility_officer"), at: iso() });
  await send(id, { type: "DECLARE_ADMISSIBLE", actor: as(ids.officer, "admissibility_officer"), at: iso() });
  await send(id, { type: "START_DOSSIER", actor: as(ids.candidate, "candidate"), at: iso() });
  await send(id, { type: "SUBMIT_DOSSIER", version: 1, actor: as(ids.candidate, "candidate"), at: iso() });
  await send(id, {
    type: "ASSIGN_PAIR",
    evaluatorAId: ids.a,
    evaluatorBId: ids.b,
    presidentId: ids.a,
    actor: as(ids.staff, "certifier_staff"),
    at: iso(),
  });
  const startsAt = new Date(clock + 2 * 3600_000).toISOString();
  const scheduled = await scheduleSession(
    db,
    id,
    { userId: ids.staff },
    { startsAt, mode: "in_person", location: "Salle 2, Rungis" },
    tick(),
  );
  if (!scheduled.ok) throw new Error(scheduled.message);
  return id;
}

async function attended(id: string) {
  tick();
  tick();
  const recorded = await recordAttendance(db, id, { userId: ids.staff }, "attended", tick());
  if (!recorded.ok) throw new Error(recorded.message);
}

/** Both evaluators declared and scoring, the session held. */
async function scoring() {
  const id = await assigned();
  ok(await declareNoLink(db, ids.a, id, tick()));
  ok(await declareNoLink(db, ids.b, id, tick()));
  await attended(id);
  return id;
}

const BLOC_1 = ["C1.1", "C1.2", "C1.3", "C1.4", "C1.5", "C1.6", "C1.7"];
const BLOC_2 = ["C2.1", "C2.2", "C2.3", "C2.4", "C2.5", "C2.6"];
const BLOC_3 = ["C3.1", "C3.2", "C3.3", "C3.4", "C3.5", "C3.6"];
const ALL = [...BLOC_1, ...BLOC_2, ...BLOC_3];

function draft(scores: Record<string, string>, comment = "Commentaire") {
  return Object.entries(scores).map(([competencyCode, score]) => ({
    competencyCode,
    score,
    comment: `${comment} ${competencyCode}`,
    criteriaMet: [1],
  }));
}

const uniform = (value: string) => Object.fromEntries(ALL.map((c) => [c, value]));

async function transmit(id: string, evaluatorId: string, scores: Record<string, string>, comment?: string) {
  ok(await saveDraft(db, evaluatorId, id, draft(scores, comment), tick()));
  return ok(await submitScores(db, evaluatorId, id, tick()));
}

/** Bloc 2 under deliberation: A gives C2.1 50, B gives it 80 (30 points apart), everything else 75. */
async function inDeliberation() {
  const id = await scoring();
  await transmit(id, ids.a, { ...uniform("75"), "C2.1": "50" });
  const second = await transmit(id, ids.b, { ...uniform("75"), "C2.1": "80" });
  expect(second).toMatchObject({ state: "deliberation" });
  return id;
}

/** All blocs pass except bloc 3 (C3.1 under the floor for both): no deliberation, the minutes open. */
async function inMinutes() {
  const id = await scoring();
  const scores = { ...uniform("80"), "C3.1": "40" };
  await transmit(id, ids.a, scores);
  expect(await transmit(id, ids.b, scores)).toMatchObject({ state: "minutes" });
  return id;
}

async function stateOf(id: string) {
  return (await db.selectFrom("candidacies").select("state").where("id", "=", id).executeTakeFirstOrThrow()).state;
}

describe(`evaluator's scoring, deliberation and minutes (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("opens the dossier only after the declaration of no link, recorded with its time", async () => {
    const id = await assigned();
    const before = (await evaluatorWorkspace(db, ids.a, id))!;
    expect(before.grid).toBeNull();
    expect(before.header.can["evaluation.declare"]).toBe(true);
    const at = tick();
    ok(await declareNoLink(db, ids.a, id, at));
    const after = (await evaluatorWorkspace(db, ids.a, id))!;
    expect(after.header.declaredAt).toBe(at.toISOString());
    expect(after.grid!.blocs.map((b) => b.code)).toEqual(["B1", "B2", "B3"]);
    expect(after.grid!.blocs[0]!.competencies[0]!.criteria.length).toBeGreaterThan(0);
    const journal = await db
      .selectFrom("candidacy_events")
      .select(["event_type", "occurred_at"])
      .where("candidacy_id", "=", id)
      .where("event_type", "=", "START_SCORING")
      .execute();
    expect(journal).toHaveLength(1);
  });

  it("takes an evaluator who declares a conflict off the dossier; a reason is required", async () => {
    const id = await assigned();
    const blank = await declareConflict(db, ids.b, id, "  ");
    expect(blank).toMatchObject({ ok: false, status: 400, fieldErrors: { reason: expect.any(String) } });
    expect(await evaluatorWorkspace(db, ids.b, id)).not.toBeNull();
    ok(await declareConflict(db, ids.b, id, "J'ai été son responsable chez Épicerie fine en 2022.", tick()));
    expect(await evaluatorWorkspace(db, ids.b, id)).toBeNull();
    expect(await saveDraft(db, ids.b, id, draft({ "C1.1": "70" }))).toMatchObject({ ok: false, status: 404 });
    expect((await listAssignedCandidacies(db, ids.b)).filter((r) => r.id === id)).toEqual([]);
  });

  it("saves drafts with comma scores and empty scores, refuses a bad score with nothing saved", async () => {
    const id = await scoring();
    ok(
      await saveDraft(db, ids.a, id, [
        { competencyCode: "C1.1", score: "72,5", comment: "Solide", criteriaMet: [2, 1, 2, 99] },
        { competencyCode: "C1.2", score: "", comment: "À revoir après la session", criteriaMet: [] },
      ]),
    );
    const rows = await db
      .selectFrom("evaluation_scores")
      .select(["competency_code", "score", "comment", "criteria_met"])
      .where("evaluator_id", "=", ids.a)
      .orderBy("competency_code")
      .execute();
    expect(rows).toEqual([
      { competency_code: "C1.1", score: "72.5", comment: "Solide", criteria_met: [1, 2] },
      { competency_code: "C1.2", score: null, comment: "À revoir après la session", criteria_met: [] },
    ]);
    const refused = await saveDraft(db, ids.a, id, [
      { competencyCode: "C1.1", score: "60", comment: "", criteriaMet: [] },
      { competencyCode: "C1.3", score: "70,25", comment: "", criteriaMet: [] },
      { competencyCode: "C1.4", score: "101", comment: "", criteriaMet: [] },
    ]);
    expect(refused).toMatchObject({ ok: false, status: 400, code: "invalid_scores" });
    expect(!refused.ok && Object.keys(refused.fieldErrors!)).toEqual(["score-C1.3", "score-C1.4"]);
    const after = await db
      .selectFrom("evaluation_scores")
      .select("score")
      .where("competency_code", "=", "C1.1")
      .execute();
    expect(after).toEqual([{ score: "72.5" }]);
    expect(await saveDraft(db, ids.outsider, id, draft({ "C1.1": "70" }))).toMatchObject({ ok: false, status: 404 });
  });

  it("keeps each evaluator blind: nothing of the other's scores, comments or drafts in what the pages load", async () => {
    const id = await scoring();
    ok(await saveDraft(db, ids.b, id, draft({ ...uniform("41,7") }, "SECRET-B")));
    ok(await submitScores(db, ids.b, id, tick()));
    ok(await saveDraft(db, ids.a, id, draft({ "C1.1": "88" }, "Brouillon-A")));
    const seenByA = [
      await evaluatorWorkspace(db, ids.a, id),
      await comparisonView(db, ids.a, id),
      await minutesView(db, ids.a, id),
      (await listAssignedCandidacies(db, ids.a)).map(({ snapshot: _, ...row }) => row),
    ];
    const text = JSON.stringify(seenByA);
    expect(text).not.toContain("SECRET-B");
    expect(text).not.toMatch(/41[.,]7(?!\d)/);
    expect((seenByA[0] as { header: { otherSubmitted: boolean } }).header.otherSubmitted).toBe(true);
    expect(seenByA[1]).toMatchObject({ ok: false });
    expect(seenByA[2]).toMatchObject({ ok: false });
    // B, who transmitted, does not see A's draft either.
    const seenByB = JSON.stringify([await evaluatorWorkspace(db, ids.b, id), await comparisonView(db, ids.b, id)]);
    expect(seenByB).not.toContain("Brouillon-A");
    // Once both have transmitted, each sees both.
    await transmit(id, ids.a, uniform("88"));
    const both = await comparisonView(db, ids.a, id);
    expect(both).toMatchObject({ ok: true });
    expect(JSON.stringify(both)).toMatch(/41,7(?!\d)/);
  });

  it("refuses transmission before the session has taken place, and lists the missing scores", async () => {
    const id = await assigned();
    ok(await declareNoLink(db, ids.a, id, tick()));
    ok(await saveDraft(db, ids.a, id, draft(uniform("70"))));
    const early = await submitScores(db, ids.a, id, tick());
    expect(early).toMatchObject({ ok: false, status: 409 });
    expect(!early.ok && early.message).toMatch(/séance/);
    expect((await evaluatorWorkspace(db, ids.a, id))!.header.mine).toBe("scoring");
    await attended(id);
    ok(await saveDraft(db, ids.a, id, [{ competencyCode: "C2.3", score: "", comment: "", criteriaMet: [] }]));
    const workspace = (await evaluatorWorkspace(db, ids.a, id))!;
    expect(workspace.grid!.missing).toMatchObject({ unscored: ["C2.3"], sessionPending: false });
    const missing = await submitScores(db, ids.a, id, tick());
    expect(missing).toMatchObject({ ok: false, code: "scores_missing" });
    expect(!missing.ok && missing.message).toContain("C2.3");
    expect(await stateOf(id)).toBe("evaluation");
    ok(await saveDraft(db, ids.a, id, draft({ "C2.3": "70" })));
    ok(await submitScores(db, ids.a, id, tick()));
    expect(await saveDraft(db, ids.a, id, draft({ "C1.1": "99" }))).toMatchObject({ ok: false });
    expect(await submitScores(db, ids.a, id, tick())).toMatchObject({ ok: false });
  });

  it("deliberates to an agreement: the latest proposals of both are equal", async () => {
    const id = await inDeliberation();
    const view = await comparisonView(db, ids.b, id);
    if (!view.ok) throw new Error(view.message);
    const c21 = view.blocs.find((b) => b.code === "B2")!.competencies.find((c) => c.code === "C2.1")!;
    expect(c21).toMatchObject({
      a: "50,0",
      b: "80,0",
      difference: "30,0",
      joint: "65,0",
      overTolerance: true,
      disputed: true,
    });
    expect(view.blocs.find((b) => b.code === "B2")!.reasons.length).toBeGreaterThan(0);
    expect(view.blocs.find((b) => b.code === "B2")!.jointExplanation).toMatch(/^Bloc obtenu : moyenne de/);
    expect(view.deliberation.map((d) => d.code)).toContain("C2.1");

    const disputed = view.deliberation.map((d) => d.code);
    const proposeAll = (who: string, score: string) =>
      proposeScores(
        db,
        who,
        id,
        disputed.map((code) => ({ competencyCode: code, score, comment: "" })),
        tick(),
      );
    ok(await proposeAll(ids.a, "60"));
    ok(await proposeAll(ids.b, "72,5"));
    expect(await closeDeliberation(db, ids.b, id, tick())).toMatchObject({
      ok: false,
      code: "deliberation_unresolved",
    });
    ok(await proposeAll(ids.a, "72.5"));
    expect(await proposeScores(db, ids.a, id, [{ competencyCode: "C1.1", score: "70", comment: "" }])).toMatchObject({
      ok: false,
      code: "not_disputed",
    });
    expect(await closeDeliberation(db, ids.b, id, tick())).toMatchObject({ ok: true, state: "minutes" });
    const decision = (await getDecision(db, id))!;
    expect(decision.route).toBe("deliberation");
    expect(decision.origin["C2.1"]).toBe("evaluators");
    expect(decision.joint_scores["C2.1"]).toEqual({ tenthsNumerator: 725, denominator: 1 });
    const entries = await db.selectFrom("deliberation_entries").select(["author_id", "kind"]).execute();
    expect(entries.length).toBe(3 * disputed.length);
    expect(new Set(entries.map((e) => e.author_id))).toEqual(new Set([ids.a, ids.b]));
  });

  it("settles a disagreement by the president's casting vote; another evaluator's vote is refused", async () => {
    const id = await inDeliberation();
    const view = await comparisonView(db, ids.a, id);
    if (!view.ok) throw new Error(view.message);
    const disputed = view.deliberation.map((d) => d.code);
    const all = (score: string) => disputed.map((code) => ({ competencyCode: code, score, comment: "Argument" }));
    ok(await proposeScores(db, ids.a, id, all("55"), tick()));
    ok(await proposeScores(db, ids.b, id, all("78"), tick()));
    const notPresident = await castVote(db, ids.b, id, all("78"), tick());
    expect(notPresident).toMatchObject({ ok: false, status: 403 });
    expect(
      await db.selectFrom("deliberation_entries").where("kind", "=", "casting_vote").selectAll().execute(),
    ).toEqual([]);
    ok(await castVote(db, ids.a, id, all("45"), tick()));
    expect(await closeDeliberation(db, ids.a, id, tick())).toMatchObject({ ok: true, state: "minutes" });
    const decision = (await getDecision(db, id))!;
    expect(decision.origin["C2.1"]).toBe("president");
    expect((decision.outcome as { blocs: { code: string; status: string }[] }).blocs[1]).toMatchObject({
      code: "B2",
      status: "not_awarded",
    });
  });

  it("requires recommendations for every bloc not awarded before signing, and a correct password", async () => {
    const id = await inMinutes();
    const view = await minutesView(db, ids.a, id);
    if (!view.ok) throw new Error(view.message);
    expect(view.missingRecommendations).toEqual(["B3"]);
    expect(view.minutes.blocs.find((b) => b.code === "B3")!.explanation.length).toBeGreaterThan(0);
    const early = await signMinutes(db, ids.a, id, { password: PASSWORD, ip: "203.0.113.7" }, tick());
    expect(early).toMatchObject({ ok: false, code: "recommendations_missing" });
    expect(await saveRecommendations(db, ids.a, id, { B1: "Rien" })).toMatchObject({
      ok: false,
      code: "not_a_failed_bloc",
    });
    ok(await saveRecommendations(db, ids.b, id, { B3: "Travailler la prospection ; revenir avec des preuves." }));

    const wrong = await signMinutes(db, ids.a, id, { password: "pas-le-bon", ip: "203.0.113.7" }, tick());
    expect(wrong).toMatchObject({ ok: false, code: "wrong_password", fieldErrors: { password: expect.any(String) } });
    expect(await db.selectFrom("minutes_signatures").selectAll().execute()).toEqual([]);
    expect(await stateOf(id)).toBe("minutes");
    const signEvents = await db
      .selectFrom("candidacy_events")
      .select("id")
      .where("event_type", "=", "SIGN_MINUTES")
      .execute();
    expect(signEvents).toEqual([]);
    expect(await signMinutes(db, ids.outsider, id, { password: PASSWORD, ip: null })).toMatchObject({
      ok: false,
      status: 404,
    });
  });

  it("refuses to sign after five wrong passwords, even with the right one, and forgets failures once signed", async () => {
    const id = await inMinutes();
    ok(await saveRecommendations(db, ids.b, id, { B3: "Travailler la prospection." }));
    const at = tick();
    for (let i = 0; i < SIGNATURE_THROTTLE.perEvaluator; i++) {
      expect(await signMinutes(db, ids.a, id, { password: `faux-${i}`, ip: null }, at)).toMatchObject({
        code: "wrong_password",
      });
    }
    const throttled = await signMinutes(db, ids.a, id, { password: PASSWORD, ip: null }, at);
    expect(throttled).toMatchObject({ ok: false, code: "throttled", status: 429 });
    expect(await db.selectFrom("minutes_signatures").selectAll().execute()).toEqual([]);
    // The other evaluator is not held back by their partner's failures.
    ok(await signMinutes(db, ids.b, id, { password: PASSWORD, ip: null }, at));
    // Once the window has passed, the right password signs and clears the count.
    const later = new Date(at.getTime() + (SIGNATURE_THROTTLE.windowMinutes + 1) * 60_000);
    ok(await signMinutes(db, ids.a, id, { password: PASSWORD, ip: null }, later));
    const left = await db
      .selectFrom("throttle_hits")
      .select("id")
      .where("bucket", "=", "minutes-signature")
      .where("key", "=", ids.a)
      .execute();
    expect(left).toEqual([]);
  });

  it("after both signatures nothing changes, the database refuses too, and the PDF is stored and downloadable", async () => {
    const id = await inMinutes();
    ok(await saveRecommendations(db, ids.a, id, { B3: "Renforcer C3.1 : la négociation." }));
    const first = ok(await signMinutes(db, ids.a, id, { password: PASSWORD, ip: "203.0.113.7" }, tick()));
    expect(first).toMatchObject({ state: "minutes" });
    // Locked once anyone has signed.
    expect(await saveRecommendations(db, ids.b, id, { B3: "Autre chose" })).toMatchObject({ ok: false });
    expect(await signMinutes(db, ids.a, id, { password: PASSWORD, ip: null })).toMatchObject({ ok: false });
    const second = ok(await signMinutes(db, ids.b, id, { password: PASSWORD, ip: "198.51.100.2" }, tick()));
    expect(second).toMatchObject({ state: "decided" });
    const signatures = await db
      .selectFrom("minutes_signatures")
      .select(["slot", "full_name", "ip"])
      .orderBy("slot")
      .execute();
    expect(signatures).toEqual([
      { slot: "A", full_name: "Alice Présidente", ip: "203.0.113.7" },
      { slot: "B", full_name: "Bruno Évaluateur", ip: "198.51.100.2" },
    ]);

    expect(await saveRecommendations(db, ids.a, id, { B3: "Encore" })).toMatchObject({ ok: false });
    await expect(
      db.updateTable("bloc_recommendations").set({ text: "falsifié" }).where("candidacy_id", "=", id).execute(),
    ).rejects.toThrow();
    await expect(
      db.updateTable("evaluation_scores").set({ score: "100" }).where("candidacy_id", "=", id).execute(),
    ).rejects.toThrow();
    await expect(
      db.updateTable("candidacy_decisions").set({ route: "deliberation" }).where("candidacy_id", "=", id).execute(),
    ).rejects.toThrow();
    await expect(db.deleteFrom("minutes_signatures").where("candidacy_id", "=", id).execute()).rejects.toThrow();
    await expect(
      sql`insert into deliberation_entries (candidacy_id, competency_code, author_id, kind, score)
        values (${id}, 'C3.1', ${ids.a}, 'proposal', 50)`.execute(db),
    ).rejects.toThrow();

    // The PDF of the signed minutes, rendered after commit by the outbox, stored with its checksum.
    expect(await findMinutesPdf(db, { id: ids.staff, roles: ["certifier_staff"] }, id)).toBeNull();
    const storage = createLocalStorage(storageRoot);
    const mailer = createMailer({
      from: "Portail VAE <ne-pas-repondre@vae.localhost>",
      smtpUrl: undefined,
      mailDir: mkdtempSync(path.join(tmpdir(), "vae-minutes-mail-")),
    });
    await deliverOutbox(db, outboxDeliverer(db, mailer, storage, "https://vae.exemple.fr"), new Date(clock + 60_000));
    const undelivered = await db
      .selectFrom("outbox")
      .select(["topic", "last_error"])
      .where("processed_at", "is", null)
      .execute();
    expect(undelivered).toEqual([]);
    const stored = await db.selectFrom("minutes_documents").selectAll().where("candidacy_id", "=", id).execute();
    expect(stored).toHaveLength(1);
    const bytes = readFileSync(path.join(storageRoot, stored[0]!.storage_key));
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(stored[0]!.sha256);
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(await findMinutesPdf(db, { id: ids.staff, roles: ["certifier_staff"] }, id)).toMatchObject({
      storageKey: stored[0]!.storage_key,
    });
    expect(await findMinutesPdf(db, { id: ids.b, roles: ["evaluator"] }, id)).not.toBeNull();
    expect(await findMinutesPdf(db, { id: ids.outsider, roles: ["evaluator"] }, id)).toBeNull();
    expect(await findMinutesPdf(db, { id: ids.candidate, roles: ["candidate"] }, id)).toBeNull();
    const view = await minutesView(db, ids.a, id);
    expect(view).toMatchObject({ ok: true, pdf: { sha256: stored[0]!.sha256 } });
  });

  it("answers 404 to an evaluator who is not on the candidacy, whatever the page", async () => {
    const id = await inMinutes();
    expect(await evaluatorWorkspace(db, ids.outsider, id)).toBeNull();
    expect(await comparisonView(db, ids.outsider, id)).toMatchObject({ ok: false, status: 404 });
    expect(await minutesView(db, ids.outsider, id)).toMatchObject({ ok: false, status: 404 });
    expect(await proposeScores(db, ids.outsider, id, [])).toMatchObject({ ok: false, status: 404 });
    expect(await saveRecommendations(db, ids.outsider, id, {})).toMatchObject({ ok: false, status: 404 });
    expect(await evaluatorWorkspace(db, ids.a, "00000000-0000-4000-8000-000000000000")).toBeNull();
  });
});
