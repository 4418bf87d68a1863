// Certifier staff staff a filed dossier in the browser: they find it in the "à pourvoir" queue, read why one
// evaluator cannot be chosen, are refused that evaluator with the reason beside the field (what they chose kept),
// assign a pair with its president, set the jury session (the candidate and both evaluators get a convocation with a
// calendar invitation) and move it without JavaScript (same UID, next SEQUENCE), on a phone-sized screen.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCandidacy, sendCandidacyEvent } from "../../app/services/candidacies.server";
import { DEMO_ACCOUNTS } from "../../app/services/demo-accounts.server";
import { createStaffAccount } from "../../app/services/accounts.server";
import { parisDateAndTime } from "../../app/services/evaluation-staffing.server";
import { openDatabase } from "../../db/connection";
import type { Database } from "../../db/schema";
import { normalizeEmployerName } from "../../workflows/conflict-of-interest";
import { CQP_CODE, attachRequestDocuments } from "../integration/support/fixtures";
import { type SmtpTestServer, startSmtpTestServer } from "../integration/support/smtp-test-server";
import { createServerDatabase, serverUrl } from "../integration/support/test-database";
import { PHONE_VIEWPORT, expectAccessible, expectNoHorizontalScroll } from "./support/axe";
import { type RunningPortal, launchBrowser, logIn, startPortal } from "./support/portal";

const STAFF = "certificateur@demo.example.org";
const CANDIDATE = "candidat@demo.example.org";
const OFFICER = "recevabilite@demo.example.org";
const EVALUATOR_1 = "evaluateur1@demo.example.org";
const EVALUATOR_2 = "evaluateur2@demo.example.org";
const CONFLICTING = "karim.benali@exemple.fr";
const password = (email: string) => DEMO_ACCOUNTS.find((a) => a.email === email)!.password;

let dataDir: string;
let database: { url: string; drop(): Promise<void> } | null = null;
let portal: RunningPortal;
let browser: Browser;
let smtp: SmtpTestServer;
let candidacyId: string;

/** The pool (both demo evaluators, and one who works for the candidate's employer) and a dossier filed today. */
async function prepare(db: Kysely<Database>) {
  const users = await db.selectFrom("users").select(["id", "email"]).execute();
  const idOf = (email: string) => users.find((u) => u.email === email)!.id;
  const karim = await createStaffAccount(db, "system", {
    email: CONFLICTING,
    fullName: "Karim Benali",
    password: "Pissaladiere-2026",
    roles: ["evaluator"],
  });
  if (!karim.ok) throw new Error("evaluator not created");
  const { id: certificationId } = await db
    .selectFrom("certifications")
    .select("id")
    .where("code", "=", CQP_CODE)
    .executeTakeFirstOrThrow();
  const pool: Array<[string, "M." | "Mme", string]> = [
    [idOf(EVALUATOR_1), "M.", "Boulangerie Dupont"],
    [idOf(EVALUATOR_2), "Mme", "Fromagerie Lambert"],
    // The candidate's proof of activity names "Épicerie fine" (fixtures).
    [karim.value.userId, "M.", "SARL Épicerie Fine"],
  ];
  for (const [userId, civility, employer] of pool) {
    await db
      .insertInto("evaluator_profiles")
      .values({
        user_id: userId,
        civility,
        employer_name: employer,
        employer_name_normalized: normalizeEmployerName(employer),
        employer_siret: null,
        sectors: JSON.stringify([]),
        is_active: true,
        created_by: null,
      })
      .execute();
    await db
      .insertInto("evaluator_qualifications")
      .values({ user_id: userId, certification_id: certificationId })
      .execute();
  }
  const created = await createCandidacy(db, idOf(CANDIDATE), CQP_CODE);
  if (!created.ok) throw new Error(created.message);
  await attachRequestDocuments(db, created.candidacyId);
  const candidate = { type: "user" as const, userId: idOf(CANDIDATE), role: "candidate" as const };
  const officer = { type: "user" as const, userId: idOf(OFFICER), role: "admissibility_officer" as const };
  const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();
  const events = [
    { type: "SUBMIT_REQUEST" as const, sworn: true as const, actor: candidate, at: hoursAgo(50) },
    { type: "OPEN_REVIEW" as const, actor: officer, at: hoursAgo(40) },
    { type: "DECLARE_ADMISSIBLE" as const, actor: officer, at: hoursAgo(30) },
    { type: "START_DOSSIER" as const, actor: candidate, at: hoursAgo(20) },
    { type: "SUBMIT_DOSSIER" as const, version: 1, actor: candidate, at: hoursAgo(10) },
  ];
  for (const event of events) {
    const outcome = await sendCandidacyEvent(db, created.candidacyId, event);
    if (!outcome.ok) throw new Error(`${event.type}: ${outcome.message}`);
  }
  return created.candidacyId;
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "vae-e2e-staffing-"));
  database = serverUrl ? await createServerDatabase("vae_e2e_staffing") : null;
  const placement = { dataDir, databaseUrl: database?.url };
  // A first start prepares the database (migrations, referential, demo accounts); then the data is added here.
  const first = await startPortal({}, placement);
  await first.stop();
  const handle = await openDatabase(
    database ? { kind: "server", url: database.url } : { kind: "embedded", dataDir: path.join(dataDir, "pglite") },
  );
  try {
    candidacyId = await prepare(handle.db);
  } finally {
    await handle.close();
  }
  smtp = await startSmtpTestServer();
  [portal, browser] = await Promise.all([startPortal({ SMTP_URL: smtp.url }, placement), launchBrowser()]);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await smtp?.close();
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function staffPage(javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({ locale: "fr-FR", viewport: PHONE_VIEWPORT, javaScriptEnabled });
  const page = await context.newPage();
  await logIn(page, portal, STAFF, password(STAFF));
  return page;
}

/** Axe-clean, and no sideways scrolling at 375 px (the context's viewport). */
async function checkPage(page: Page) {
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
}

/** Picks the option of a select whose text contains `text`, as a person reading the list would. */
async function choose(page: Page, label: string, text: string) {
  const select = page.getByLabel(label, { exact: true });
  const value = await select.locator("option", { hasText: text }).getAttribute("value");
  await select.selectOption(value!);
}

/** The text/calendar part of a received message, unfolded. */
function calendarOf(raw: string): string {
  const match = /Content-Type: text\/calendar[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/.exec(raw);
  if (!match) throw new Error("no text/calendar part");
  const encoding = /Content-Type: text\/calendar[^\r\n]*\r\nContent-Transfer-Encoding: (\S+)/.exec(raw)?.[1];
  const text =
    encoding === "base64" ? Buffer.from(match[1]!.replace(/\s+/g, ""), "base64").toString("utf8") : match[1]!;
  return text.replace(/=\r\n/g, "").replace(/\r\n[ \t]/g, "");
}

const convocationsWith = (sequence: number) =>
  smtp.received.filter((m) => /method=REQUEST/.test(m.raw) && calendarOf(m.raw).includes(`SEQUENCE:${sequence}\r\n`));

describe("staffing an evaluation in the browser", () => {
  it("refuses a conflicting evaluator with the reason, assigns the pair, sets the session and moves it", async () => {
    const page = await staffPage();
    await page.goto(`${portal.url}/certificateur/candidatures`);
    await page.getByRole("link", { name: /À pourvoir : 1 dossier/ }).click();
    await page.getByRole("heading", { name: "Candidatures à pourvoir" }).waitFor();
    expect(await page.locator("main").innerText()).toContain("Binôme à désigner");
    await checkPage(page);
    await page.getByRole("link", { name: "Camille Martin" }).click();
    await page.waitForURL(new RegExp(`/certificateur/candidatures/${candidacyId}$`));

    // The suggestions say why Karim Benali cannot be chosen.
    const suggestions = page.getByRole("list", { name: "Évaluateurs habilités pour ce CQP" });
    const karim = suggestions.getByRole("listitem").filter({ hasText: "Karim Benali" });
    expect(await karim.innerText()).toMatch(/Ne peut pas être choisi[\s\S]*employeur/i);
    await checkPage(page);

    // Chosen anyway: refused beside the field, the choices kept.
    await choose(page, "Premier évaluateur", "Pierre Lefèvre");
    await choose(page, "Second évaluateur", "Karim Benali");
    await page.getByRole("button", { name: "Désigner le binôme" }).click();
    const error = page.locator("#assign-evaluatorBId-error");
    await error.waitFor();
    expect(await error.innerText()).toMatch(/^Karim Benali ne peut pas évaluer ce dossier : .*employeur/);
    expect(await page.getByLabel("Premier évaluateur", { exact: true }).inputValue()).not.toBe("");
    await checkPage(page);

    await choose(page, "Second évaluateur", "Sophie Garnier");
    await page.getByLabel("Le second évaluateur", { exact: true }).check();
    await page.getByRole("button", { name: "Désigner le binôme" }).click();
    await page.getByText("Le binôme est désigné").waitFor();
    const pair = await page.getByRole("list", { name: "Évaluateurs du binôme" }).innerText();
    expect(pair).toContain("Pierre Lefèvre");
    expect(pair).toMatch(/Sophie Garnier — président du jury/);

    // The session, in two weeks at 10:00 (Paris).
    const first = parisDateAndTime(new Date(Date.now() + 14 * 24 * 3600_000));
    await page.getByLabel("Date de la séance").fill(first.date);
    await page.getByLabel("Heure (heure de Paris)").fill("10:00");
    await page.getByLabel("Sur place").check();
    await page.getByLabel("Adresse du lieu ou lien de la visioconférence").fill("12 rue des Halles, 69001 Lyon");
    await page.getByRole("button", { name: "Fixer la séance" }).click();
    await page.getByText("La séance est fixée").waitFor();
    expect(await page.getByRole("list", { name: "Dates de séance fixées" }).innerText()).toContain("12 rue des Halles");
    await checkPage(page);
    await expect.poll(() => convocationsWith(0).length, { timeout: 30_000 }).toBe(3);
    await page.context().close();

    // Moved without JavaScript: the form posts as is, everyone gets the new date under the same UID.
    const plain = await staffPage(false);
    await plain.goto(`${portal.url}/certificateur/candidatures/${candidacyId}`);
    const second = parisDateAndTime(new Date(Date.now() + 21 * 24 * 3600_000));
    await plain.getByLabel("Date de la séance").fill(second.date);
    await plain.getByLabel("Heure (heure de Paris)").fill("14:30");
    await plain.getByLabel("En visioconférence").check();
    await plain.getByLabel("Adresse du lieu ou lien de la visioconférence").fill("https://visio.exemple.fr/jury-1");
    await plain.getByRole("button", { name: "Déplacer la séance" }).click();
    await plain.getByText("La séance est fixée").waitFor();
    const history = await plain.getByRole("list", { name: "Dates de séance fixées" }).innerText();
    expect(history).toContain("Remplacée par une date suivante");
    expect(history).toContain("https://visio.exemple.fr/jury-1");
    await expect.poll(() => convocationsWith(1).length, { timeout: 30_000 }).toBe(3);
    const uids = [...convocationsWith(0), ...convocationsWith(1)].map((m) => /UID:(\S+)/.exec(calendarOf(m.raw))?.[1]);
    expect(new Set(uids)).toEqual(new Set([`seance-${candidacyId}@vae-portal`]));
    expect(
      convocationsWith(1)
        .flatMap((m) => m.to)
        .sort(),
    ).toEqual([CANDIDATE, EVALUATOR_1, EVALUATOR_2].sort());
    await plain.context().close();
  });
});
