// The officer's queue and staff's registry in Chromium: views, filters, accent-insensitive search, keyset pages
// (51 requests to answer: two pages), the deadlines at risk, the CSV export link, a filter submitted without JavaScript, and
// every page axe-clean and without horizontal scroll at 375 px.
import type { Kysely } from "kysely";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCandidacy, sendCandidacyEvent } from "../../app/services/candidacies.server";
import type { Database } from "../../db/schema";
import type { CandidacyEvent } from "../../workflows/candidacy-machine";
import { CQP_CODE, attachRequestDocuments, createUser } from "../integration/support/fixtures";
import { expectUsableOnPhone, visit } from "./support/axe";
import { DEMO, type Stage, pageFor, preparedStage, userIds } from "./support/journeys";
import { logIn } from "./support/portal";

/** Requests filed: 51 to answer (two pages of 50) and one decided. */
const FILED = 52;
const DAY = 86_400_000;

async function send(db: Kysely<Database>, id: string, event: CandidacyEvent) {
  const outcome = await sendCandidacyEvent(db, id, event);
  if (!outcome.ok) throw new Error(`${event.type}: ${outcome.message}`);
}

async function prepare(db: Kysely<Database>) {
  const officerId = (await userIds(db))(DEMO.officer);
  const now = Date.now();
  const file = async (name: string, daysAgo: number) => {
    const candidateId = await createUser(db, "candidate", name);
    const created = await createCandidacy(db, candidateId, CQP_CODE, new Date(now - 60 * DAY));
    if (!created.ok) throw new Error(created.message);
    await attachRequestDocuments(db, created.candidacyId);
    await send(db, created.candidacyId, {
      type: "SUBMIT_REQUEST",
      sworn: true,
      actor: { type: "user", userId: candidateId, role: "candidate" },
      at: new Date(now - daysAgo * DAY).toISOString(),
    });
    return created.candidacyId;
  };
  // Filed 10 to 40 days ago: between 50 and 20 days left; the oldest, 57 days ago, is at risk.
  for (let n = 1; n < FILED - 1; n++) await file(`Candidat Numéro ${String(n).padStart(2, "0")}`, 10 + (n % 30));
  await file("Hélène Léger", 57);
  const decided = await file("Adam Admis", 20);
  const officer = { type: "user" as const, userId: officerId, role: "admissibility_officer" as const };
  await send(db, decided, { type: "OPEN_REVIEW", actor: officer, at: new Date(now - 19 * DAY).toISOString() });
  await send(db, decided, { type: "DECLARE_ADMISSIBLE", actor: officer, at: new Date(now - 18 * DAY).toISOString() });
}

let stage: Stage;
let officer: Page;
let staff: Page;
const url = (path: string) => `${stage.portal.url}${path}`;
const bodyRows = (page: Page) => page.locator("table tbody tr");

beforeAll(async () => {
  stage = await preparedStage("queues", prepare);
  officer = await pageFor(stage, DEMO.officer);
  staff = await pageFor(stage, DEMO.staff);
}, 240_000);

afterAll(async () => {
  await stage?.stop();
});

describe("the officer's queue", () => {
  it("lists 50 requests to answer, the fewest days left first, then the next page and back", async () => {
    await visit(officer, url("/recevabilite"));
    await expectUsableOnPhone(officer);
    expect(await officer.getByRole("link", { name: `À traiter (${FILED - 1})` }).getAttribute("aria-current")).toBe(
      "page",
    );
    expect(await bodyRows(officer).count()).toBe(50);
    const first = bodyRows(officer).first();
    expect(await first.innerText()).toMatch(/Hélène Léger[\s\S]*à risque/);
    await officer.getByRole("link", { name: "Page suivante" }).click();
    await officer.getByRole("link", { name: "Retour au début" }).waitFor();
    expect(officer.url()).toContain("apres=");
    await expectUsableOnPhone(officer);
    expect(await bodyRows(officer).count()).toBe(FILED - 1 - 50);
    await officer.getByText("Dernière page").waitFor();
  });

  it("finds a candidate without accents or capitals, and keeps decided requests in their own view", async () => {
    await visit(officer, url("/recevabilite"));
    await officer.getByLabel("Nom ou courriel du candidat").fill("HELENE leger");
    await officer.getByRole("button", { name: "Filtrer" }).click();
    await officer.waitForURL(/q=HELENE/);
    // The address changes as the client-side navigation commits; the list may render a moment later.
    await expect.poll(() => bodyRows(officer).count()).toBe(1);
    expect(await bodyRows(officer).first().innerText()).toContain("Hélène Léger");

    await officer.getByRole("link", { name: /^Décidées/ }).click();
    await officer.waitForURL(/vue=decidees/);
    await officer.getByRole("heading", { name: "Décidées", level: 2 }).waitFor();
    // The search stays with the view: no decided request is Hélène's.
    expect(await bodyRows(officer).first().innerText()).toContain("Aucune demande ne correspond");
    await visit(officer, url("/recevabilite?vue=decidees"));
    await expectUsableOnPhone(officer);
    expect(await bodyRows(officer).first().innerText()).toMatch(/Adam Admis[\s\S]*Recevable/);
  });

  it("filters by state with JavaScript disabled: a plain GET form", async () => {
    const context = await stage.browser.newContext({ locale: "fr-FR", javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await logIn(page, stage.portal, DEMO.officer, "Croissant-2026-demo");
      await page.goto(url("/recevabilite?vue=decidees"));
      await page.locator('select[name="etat"]').selectOption({ label: "Recevable" });
      await page.getByRole("button", { name: "Filtrer" }).click();
      await page.waitForURL(/etat=admissible/);
      expect(page.url()).toContain("vue=decidees");
      await expect.poll(() => bodyRows(page).count()).toBe(1);
      expect(await bodyRows(page).first().innerText()).toContain("Adam Admis");
    } finally {
      await context.close();
    }
  });
});

describe("staff's registry", () => {
  it("lists every candidacy with its deadline, the ones at risk on their own, and exports the filtered list", async () => {
    await visit(staff, url("/certificateur/candidatures"));
    await expectUsableOnPhone(staff);
    expect(await staff.getByRole("status").innerText()).toContain(`${FILED} candidatures correspondent`);
    await staff.getByRole("link", { name: /^Échéances à risque/ }).click();
    await staff.waitForURL(/risque=1/);
    await expectUsableOnPhone(staff);
    expect(await bodyRows(staff).count()).toBe(1);
    expect(await bodyRows(staff).first().innerText()).toMatch(/Hélène Léger[\s\S]*Réponse de recevabilité/);

    const href = await staff.getByRole("link", { name: "Exporter en CSV" }).getAttribute("href");
    expect(href).toMatch(/^\/certificateur\/candidatures\/export\.csv\?.*risque=1/);
    const response = await staff.request.get(url(href ?? ""));
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("text/csv; charset=utf-8");
    const body = await response.body();
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = body.toString("utf8").split("\r\n");
    expect(lines.length).toBe(3);
    expect(lines[1]).toContain('"Hélène Léger"');
  });

  it("keeps the queue of dossiers to staff, and refuses the export to an officer", async () => {
    await visit(staff, url("/certificateur/candidatures?file=a-pourvoir"));
    await staff.getByRole("heading", { name: "Candidatures à pourvoir" }).waitFor();
    const refused = await officer.request.get(url("/certificateur/candidatures/export.csv"));
    expect(refused.status()).toBe(403);
  });
});
