// Who may open what, tried in the browser: each role opens the others' pages of a candidacy, another candidate's
// ids, an evaluator a dossier they are not on, ids that do not exist and ids that are not ids. Each gets a 403 (the
// page is not for their role) or a 404 (the candidacy is none of theirs, or does not exist), never a 500, and the
// page leaks nothing: no other candidate's name, no score, no evaluator's comment. Forms posted to another's
// candidacy are refused the same way and change nothing.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendCandidacyEvent } from "../../app/services/candidacies.server";
import { saveDraft, submitScores } from "../../app/services/evaluation.server";
import { Lifecycle } from "../integration/support/decided-candidacy";
import { CQP_CODE } from "../integration/support/fixtures";
import { expectAccessible, expectUsableOnPhone, visit } from "./support/axe";
import {
  ALL_COMPETENCIES,
  DEMO,
  type Stage,
  addCandidate,
  addEvaluatorAccount,
  demoName,
  expectNothingOf,
  pageFor,
  passwordOf,
  preparedStage,
  userIds,
} from "./support/journeys";

const OTHER_CANDIDATE = "yannick.morel@exemple.fr";
const OTHER_EVALUATOR = "chloe.petit@exemple.fr";
const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const MALFORMED = ["pas-un-id", "12345", "%27%20or%201%3D1--"];
const DAY = 24 * 3600_000;

// What an outsider must never read: the candidates' names, the evaluators' comments and their own scores.
const CAMILLE = demoName(DEMO.candidate);
const YANNICK = "Yannick Morel";
const SECRETS = ["Commentaire confidentiel", "Note-confidentielle-de-Pierre", "41,3", "48,7", "63,7"];

let stage: Stage;
/** Camille's candidacy: decided, validated (bloc 1 awarded). */
let decidedId = "";
/** Yannick's candidacy: in evaluation, Pierre (A) has transmitted, Sophie (B) not yet. */
let scoringId = "";

beforeAll(async () => {
  const prepared = await preparedStage("access", async (db) => {
    const yannick = await addCandidate(db, OTHER_CANDIDATE, YANNICK, "Galette-des-rois-2026");
    await addEvaluatorAccount(db, OTHER_EVALUATOR, "Chloé Petit", "Tarte-tatin-2026-cp");
    const id = await userIds(db);
    const cast = { officer: id(DEMO.officer), staff: id(DEMO.staff), a: id(DEMO.a), b: id(DEMO.b) };
    const passwords = { a: passwordOf(DEMO.a), b: passwordOf(DEMO.b) };
    const camille = new Lifecycle(db, { ...cast, candidate: id(DEMO.candidate) }, Date.now() - 40 * DAY, passwords);
    const decided = await camille.decided(CQP_CODE);
    const validated = await sendCandidacyEvent(db, decided, {
      type: "VALIDATE_DECISION",
      actor: { type: "user", userId: cast.staff, role: "certifier_staff" },
      at: camille.tick(),
    });
    if (!validated.ok) throw new Error(validated.message);

    const other = new Lifecycle(db, { ...cast, candidate: yannick }, Date.now() - 40 * DAY, passwords);
    const scoring = await other.inEvaluation(CQP_CODE);
    const entries = ALL_COMPETENCIES.map((code) => ({
      competencyCode: code,
      score: "63,7",
      comment: `Note-confidentielle-de-Pierre ${code}`,
      criteriaMet: [],
    }));
    const saved = await saveDraft(db, cast.a, scoring, entries);
    if (!saved.ok) throw new Error(saved.message);
    const sent = await submitScores(db, cast.a, scoring);
    if (!sent.ok) throw new Error(sent.message);
    return { decided, scoring };
  });
  stage = prepared;
  decidedId = prepared.prepared.decided;
  scoringId = prepared.prepared.scoring;
}, 240_000);
afterAll(async () => {
  await stage?.stop();
});

const url = (path: string) => `${stage.portal.url}${path}`;

/** Every page of a candidacy, by the role it is for. */
const PAGES = {
  candidate: (id: string) => [
    `/candidat/candidatures/${id}`,
    `/candidat/candidatures/${id}/pieces`,
    `/candidat/candidatures/${id}/dossier`,
    `/candidat/candidatures/${id}/dossier/C1.1`,
    `/candidat/candidatures/${id}/resultat`,
  ],
  officer: (id: string) => [`/recevabilite/candidatures/${id}`],
  staff: (id: string) => [`/certificateur/candidatures/${id}`, `/certificateur/candidatures/${id}/validation`],
  evaluator: (id: string) => [`/evaluation/${id}`, `/evaluation/${id}/deliberation`, `/evaluation/${id}/proces-verbal`],
  shared: (id: string) => [`/dossiers/${id}`, `/proces-verbaux/${id}`],
};

/**
 * Opens each path and expects one of the statuses, an accessible error page, and none of the forbidden strings in
 * the page (its text or its markup). Resource routes (the minutes PDF) are asked without rendering.
 */
async function expectRefused(page: Page, paths: string[], statuses: number[], forbidden: readonly string[]) {
  for (const path of paths) {
    const response = await page.goto(url(path));
    expect(statuses, `${path} answered ${response!.status()}`).toContain(response!.status());
    // The minutes PDF is a download, not a page: its refusal is a short message, read as text.
    if (!path.startsWith("/proces-verbaux/")) {
      await expectAccessible(page);
      await expectNothingOf(page, forbidden, path);
    } else {
      const body = await response!.text();
      for (const value of forbidden) expect(body, `${value} leaked on ${path}`).not.toContain(value);
    }
  }
}

/** Posts a form from within the page (same origin, the session's cookie), as a hand-made form would. */
async function post(page: Page, path: string, fields: Record<string, string>) {
  return page.evaluate(
    async ({ path, fields }) => {
      const response = await fetch(path, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
      return { status: response.status, text: await response.text() };
    },
    { path, fields },
  );
}

describe("each role kept to its own pages and its own candidacies", () => {
  it("refuses the candidate the staff, officer and evaluator pages, and another candidate's candidacy", async () => {
    const camille = await pageFor(stage, DEMO.candidate);
    // Her own result is hers to read (the reference for what the others must not see).
    await visit(camille, url(`/candidat/candidatures/${decidedId}/resultat`));
    await camille.getByRole("heading", { name: "Mon résultat", level: 1 }).waitFor();
    const forbidden = [YANNICK, ...SECRETS];
    await expectRefused(
      camille,
      [...PAGES.staff(decidedId), ...PAGES.officer(decidedId), ...PAGES.evaluator(decidedId)],
      [403],
      forbidden,
    );
    // The refusal page, on a phone.
    await expectUsableOnPhone(camille);
    await expectRefused(camille, [...PAGES.candidate(scoringId), ...PAGES.shared(scoringId)], [404], forbidden);
    await expectRefused(camille, PAGES.shared(decidedId).slice(1), [404], forbidden);
    // Her own page, then another's: a new candidacy for Yannick's missing blocs is refused, nothing created.
    const refused = await post(camille, `/candidat/candidatures/${scoringId}/resultat`, {});
    expect(refused.status).toBe(404);
    expect(refused.text).not.toContain(YANNICK);
    await visit(camille, url("/candidat"));
    expect(await camille.locator("main").innerText()).not.toContain(YANNICK);
    await camille.context().close();
  });

  it("refuses an evaluator a dossier they are not on, the comparison before they transmit, and the candidate's pages", async () => {
    const chloe = await pageFor(stage, OTHER_EVALUATOR);
    const forbidden = [CAMILLE, YANNICK, ...SECRETS];
    for (const id of [decidedId, scoringId]) {
      await expectRefused(chloe, [...PAGES.evaluator(id), ...PAGES.shared(id)], [404], forbidden);
    }
    await visit(chloe, url("/evaluation"));
    await expectNothingOf(chloe, forbidden);
    // Declaring no link on someone else's dossier is refused, and nothing is recorded.
    const declared = await post(chloe, `/evaluation/${scoringId}`, { intent: "declare", noLink: "on" });
    expect(declared.status).toBe(404);
    await expectRefused(chloe, PAGES.evaluator(scoringId).slice(0, 1), [404], forbidden);
    await chloe.context().close();

    // Sophie is on Yannick's pair but has not transmitted: Pierre's scores stay out of her sight.
    const sophie = await pageFor(stage, DEMO.b);
    await expectRefused(sophie, [`/evaluation/${scoringId}/deliberation`], [403, 409], [CAMILLE, ...SECRETS]);
    await visit(sophie, url(`/evaluation/${scoringId}`));
    expect(await sophie.getByTestId("other-progress").innerText()).toBe("transmis");
    await expectNothingOf(sophie, [CAMILLE, ...SECRETS]);
    await expectRefused(
      sophie,
      [...PAGES.candidate(scoringId), ...PAGES.staff(scoringId), ...PAGES.officer(scoringId)],
      [403],
      [CAMILLE, ...SECRETS],
    );
    await sophie.context().close();
  });

  it("refuses staff the candidate's and the evaluators' pages, the officer the others'", async () => {
    const staff = await pageFor(stage, DEMO.staff);
    await expectRefused(
      staff,
      [...PAGES.candidate(decidedId), ...PAGES.evaluator(decidedId), ...PAGES.officer(decidedId)],
      [403],
      SECRETS,
    );
    // Staff do follow both candidacies.
    await visit(staff, url(`/certificateur/candidatures/${scoringId}`));
    await staff.getByRole("heading", { name: YANNICK, level: 1 }).waitFor();
    const attendance = await post(staff, `/candidat/candidatures/${decidedId}/resultat`, {});
    expect(attendance.status).toBe(403);
    await staff.context().close();

    const officer = await pageFor(stage, DEMO.officer);
    await expectRefused(
      officer,
      [...PAGES.candidate(decidedId), ...PAGES.staff(decidedId), ...PAGES.evaluator(decidedId)],
      [403],
      SECRETS,
    );
    await expectRefused(officer, PAGES.shared(decidedId), [404], SECRETS);
    await officer.context().close();
  });

  it("refuses the admin every page of a candidacy", async () => {
    const admin = await pageFor(stage, DEMO.admin);
    const forbidden = [CAMILLE, YANNICK, ...SECRETS];
    for (const id of [decidedId, scoringId]) {
      await expectRefused(
        admin,
        [...PAGES.candidate(id), ...PAGES.officer(id), ...PAGES.staff(id), ...PAGES.evaluator(id)],
        [403],
        forbidden,
      );
      await expectRefused(admin, PAGES.shared(id), [404], forbidden);
    }
    const posted = await post(admin, `/certificateur/candidatures/${scoringId}`, {
      intent: "record_attendance",
      attendance: "absent",
    });
    expect(posted.status).toBe(403);
    await admin.context().close();
  });

  it("answers 404 for an unknown or malformed id on each role's own pages, never a 500", async () => {
    const visitors: Array<[string, (id: string) => string[]]> = [
      [DEMO.candidate, PAGES.candidate],
      [DEMO.officer, PAGES.officer],
      [DEMO.staff, PAGES.staff],
      [DEMO.a, (id) => [...PAGES.evaluator(id), ...PAGES.shared(id)]],
    ];
    for (const [email, pages] of visitors) {
      const page = await pageFor(stage, email);
      for (const id of [UNKNOWN, ...MALFORMED]) {
        await expectRefused(page, pages(id), [404], [...SECRETS, email === DEMO.candidate ? YANNICK : CAMILLE]);
      }
      await page.context().close();
    }
  });
});
