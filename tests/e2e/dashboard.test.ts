// The certifier's dashboard in the browser: with a validated candidacy and a pending request prepared through the
// services, the charts show their figures as images with a description and as tables behind "Voir les données",
// the period form and the data toggle work without JavaScript, the page is axe-clean and does not scroll sideways
// at 375 px, and other roles get the 403 page.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCandidacy, sendCandidacyEvent } from "../../app/services/candidacies.server";
import { validateDecision } from "../../app/services/results.server";
import { Lifecycle } from "../integration/support/decided-candidacy";
import { CQP_CODE, attachRequestDocuments } from "../integration/support/fixtures";
import { expectAccessible, expectUsableOnPhone, visit } from "./support/axe";
import { DEMO, type Stage, addCandidate, pageFor, passwordOf, preparedStage, userIds } from "./support/journeys";

const DAY = 86_400_000;
let stage: Stage;

beforeAll(async () => {
  stage = await preparedStage("dashboard", async (db) => {
    const id = await userIds(db);
    const cast = {
      candidate: id(DEMO.candidate),
      officer: id(DEMO.officer),
      staff: id(DEMO.staff),
      a: id(DEMO.a),
      b: id(DEMO.b),
    };
    // Requested 40 days ago, decided (bloc 1 only), then validated today.
    const life = new Lifecycle(db, cast, Date.now() - 40 * DAY, {
      a: passwordOf(DEMO.a),
      b: passwordOf(DEMO.b),
    });
    const decided = await life.decided(CQP_CODE);
    const validated = await validateDecision(db, { userId: cast.staff, role: "certifier_staff" }, decided);
    if (!validated.ok) throw new Error(validated.message);
    // A second candidate's request, still pending.
    const other = await addCandidate(db, "lea.tableau@exemple.fr", "Léa Tableau", "Tableau-de-bord-2026");
    const created = await createCandidacy(db, other, CQP_CODE);
    if (!created.ok) throw new Error(created.message);
    await attachRequestDocuments(db, created.candidacyId);
    const sent = await sendCandidacyEvent(db, created.candidacyId, {
      type: "SUBMIT_REQUEST",
      sworn: true,
      actor: { type: "user", userId: other, role: "candidate" },
      at: new Date().toISOString(),
    });
    if (!sent.ok) throw new Error(sent.message);
  });
});
afterAll(async () => {
  await stage?.stop();
});

const url = (path: string) => `${stage.portal.url}${path}`;
const chart = (page: Page, id: string) => page.locator(`#${id}`);

describe("the certifier's dashboard", () => {
  it("shows every chart as a described image with its data, beside the home's sections, axe-clean", async () => {
    const page = await pageFor(stage, DEMO.staff);
    await visit(page, url("/certificateur"));
    await expect(page.getByRole("heading", { level: 2, name: "Tableau de bord" }).count()).resolves.toBe(1);
    for (const kept of ["Référentiels en vigueur", "Évaluations à organiser"]) {
      await expect(page.getByRole("heading", { level: 2, name: kept }).count()).resolves.toBe(1);
    }
    const images = page.locator("svg[role=img]");
    await expect(images.count()).resolves.toBe(7);
    const funnel = page.getByRole("img", { name: "Des demandes aux résultats validés" });
    await expect(funnel.getAttribute("aria-labelledby")).resolves.toBe("chart-funnel-title chart-funnel-desc");
    await expect(chart(page, "chart-funnel").locator("desc").textContent()).resolves.toMatch(
      /^Sur 2 demande\(s\) déposée\(s\) du .+ : 1 recevable\(s\), 1 dossier\(s\) déposé\(s\), 1 décision\(s\) rendue\(s\), 1 résultat\(s\) validé\(s\)\.$/,
    );
    await expect(chart(page, "chart-blocs").locator("desc").textContent()).resolves.toContain("B1 100 % sur 1");
    // The evaluators' names are shown to staff, with their gap to the pair (7.4 points on one of 19 competencies).
    await expect(chart(page, "chart-calibration").locator("table").textContent()).resolves.toContain("0,4");
    await page.context().close();
  });

  it("opens the data and changes the period without JavaScript", async () => {
    const page = await pageFor(stage, DEMO.staff, { javaScriptEnabled: false });
    await page.goto(url("/certificateur"));
    const table = chart(page, "chart-states").locator("table");
    await expect(table.isVisible()).resolves.toBe(false);
    await chart(page, "chart-states").getByText("Voir les données").click();
    await expect(table.isVisible()).resolves.toBe(true);
    await expect(table.locator("caption").textContent()).resolves.toBe("Nombre de candidatures par état, aujourd'hui");
    await expect(table.locator("tbody tr").count()).resolves.toBe(2);
    await expectAccessible(page);

    await page.getByLabel("Du", { exact: true }).fill("2020-01-01");
    await page.getByLabel("Au", { exact: true }).fill("2020-12-31");
    await page.getByRole("button", { name: "Afficher" }).click();
    await page.waitForURL(/du=2020-01-01/);
    await expect(chart(page, "chart-funnel").locator("desc").textContent()).resolves.toMatch(
      /^Sur 0 demande\(s\) déposée\(s\) du 1er janvier 2020 au 31 décembre 2020/,
    );

    await page.goto(url("/certificateur?du=2020-12-31&au=2020-01-01"));
    await expect(page.getByText("La date de fin ne peut pas précéder la date de début.").count()).resolves.toBe(1);
    await expect(page.getByLabel("Au", { exact: true }).getAttribute("aria-invalid")).resolves.toBe("true");
    await expectAccessible(page);
    await page.context().close();
  });

  it("fits a 375 px screen, data tables open", async () => {
    const page = await pageFor(stage, DEMO.staff);
    await page.goto(url("/certificateur"));
    for (const summary of await page.getByText("Voir les données").all()) await summary.click();
    await expectUsableOnPhone(page);
    await page.context().close();
  });

  it("refuses the candidate, the officer and the evaluator", async () => {
    for (const who of [DEMO.candidate, DEMO.officer, DEMO.a]) {
      const page = await pageFor(stage, who);
      const response = await page.goto(url("/certificateur"));
      expect(response?.status()).toBe(403);
      await expect(page.locator("svg[role=img]").count()).resolves.toBe(0);
      await page.context().close();
    }
  });
});
