// The evaluator pair in the browser: a filed dossier with its pair assigned and its session held (set up through
// the services); each evaluator declares no link, scores blind (the other's scores never on their pages), they
// disagree beyond the tolerance on C2.1, deliberate (proposals, then the president's casting vote), write the
// recommendation for the bloc not awarded, and both sign with their password; the signed minutes PDF is then
// downloadable. Every page visited is checked with axe-core and at 375 px.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/connection";
import { createCandidacy, sendCandidacyEvent } from "../../app/services/candidacies.server";
import { DEMO_ACCOUNTS } from "../../app/services/demo-accounts.server";
import { saveNarrative, submitDossier } from "../../app/services/dossiers.server";
import { recordAttendance, scheduleSession } from "../../app/services/evaluation-staffing.server";
import { attachRequestDocuments, CQP_CODE } from "../integration/support/fixtures";
import { createServerDatabase, serverUrl } from "../integration/support/test-database";
import { PHONE_VIEWPORT, expectAccessible, expectNoHorizontalScroll } from "./support/axe";
import { type RunningPortal, launchBrowser, logIn, startPortal } from "./support/portal";

const A = "evaluateur1@demo.example.org";
const B = "evaluateur2@demo.example.org";
const password = (email: string) => DEMO_ACCOUNTS.find((a) => a.email === email)!.password;

const BLOC_1 = ["C1.1", "C1.2", "C1.3", "C1.4", "C1.5", "C1.6", "C1.7"];
const BLOC_2 = ["C2.1", "C2.2", "C2.3", "C2.4", "C2.5", "C2.6"];
const BLOC_3 = ["C3.1", "C3.2", "C3.3", "C3.4", "C3.5", "C3.6"];
const ALL = [...BLOC_1, ...BLOC_2, ...BLOC_3];

let dataDir: string;
let database: { url: string; drop(): Promise<void> } | null = null;
let portal: RunningPortal;
let browser: Browser;
let candidacyId: string;

/** A filed dossier, the demo evaluators assigned (evaluator 1 presides), the session held an hour ago. */
async function prepare() {
  const handle = await openDatabase(
    database ? { kind: "server", url: database.url } : { kind: "embedded", dataDir: path.join(dataDir, "pglite") },
  );
  try {
    const db = handle.db;
    const users = await db.selectFrom("users").select(["id", "email"]).execute();
    const id = (email: string) => users.find((u) => u.email === email)!.id;
    const candidate = id("candidat@demo.example.org");
    const officer = id("recevabilite@demo.example.org");
    const staff = id("certificateur@demo.example.org");
    let clock = Date.now() - 20 * 3600_000;
    const at = () => {
      clock += 1800_000;
      return new Date(clock).toISOString();
    };
    const created = await createCandidacy(db, candidate, CQP_CODE);
    if (!created.ok) throw new Error(created.message);
    candidacyId = created.candidacyId;
    await attachRequestDocuments(db, candidacyId);
    const send = async (event: Parameters<typeof sendCandidacyEvent>[2]) => {
      const outcome = await sendCandidacyEvent(db, candidacyId, event);
      if (!outcome.ok) throw new Error(`${event.type}: ${outcome.message}`);
    };
    const as = (userId: string, role: "candidate" | "admissibility_officer" | "certifier_staff") =>
      ({ type: "user", userId, role }) as const;
    await send({ type: "SUBMIT_REQUEST", sworn: true, actor: as(candidate, "candidate"), at: at() });
    await send({ type: "OPEN_REVIEW", actor: as(officer, "admissibility_officer"), at: at() });
    await send({ type: "DECLARE_ADMISSIBLE", actor: as(officer, "admissibility_officer"), at: at() });
    await send({ type: "START_DOSSIER", actor: as(candidate, "candidate"), at: at() });
    for (const code of ALL) {
      const saved = await saveNarrative(
        db,
        { id: candidate },
        candidacyId,
        code,
        { context: `Contexte de ${code}`, actions: `Récit du candidat pour ${code}`, results: "Résultats chiffrés" },
        new Date(at()),
      );
      if (!saved.ok) throw new Error(`narrative ${code}`);
    }
    const filed = await submitDossier(
      db,
      { id: candidate },
      candidacyId,
      { confirmWithoutEvidence: true },
      new Date(at()),
    );
    if (!filed.ok) throw new Error(`dossier: ${filed.message}`);
    await send({
      type: "ASSIGN_PAIR",
      evaluatorAId: id(A),
      evaluatorBId: id(B),
      presidentId: id(A),
      actor: as(staff, "certifier_staff"),
      at: at(),
    });
    // The session, set and recorded as staff do it (history row, convocations).
    const scheduledAt = new Date(Date.parse(at()));
    const startsAt = at();
    const scheduled = await scheduleSession(
      db,
      candidacyId,
      { userId: staff },
      { startsAt, mode: "in_person", location: "Salle 2, Rungis" },
      scheduledAt,
    );
    if (!scheduled.ok) throw new Error(`session: ${scheduled.message}`);
    clock += 3600_000;
    const recorded = await recordAttendance(db, candidacyId, { userId: staff }, "attended", new Date(at()));
    if (!recorded.ok) throw new Error(`attendance: ${recorded.message}`);
  } finally {
    await handle.close();
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "vae-e2e-scoring-"));
  database = serverUrl ? await createServerDatabase("vae_e2e_scoring") : null;
  const placement = { dataDir, databaseUrl: database?.url };
  const first = await startPortal({}, placement);
  await first.stop();
  await prepare();
  [portal, browser] = await Promise.all([startPortal({}, placement), launchBrowser()]);
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function evaluatorPage(email: string): Promise<Page> {
  const page = await (await browser.newContext({ locale: "fr-FR", viewport: PHONE_VIEWPORT })).newPage();
  await logIn(page, portal, email, password(email));
  return page;
}

/** The page as it is now: no sideways scroll at 375 px, no serious or critical axe violation. */
async function checkPage(page: Page) {
  await expectNoHorizontalScroll(page);
  await expectAccessible(page);
}

/** Declares no link, fills the grid, saves the draft, then transmits through the confirmation. */
async function declare(page: Page) {
  await page.goto(`${portal.url}/evaluation`);
  await page.locator('[data-testid="assignment"] a').first().click();
  await page.waitForURL(new RegExp(`/evaluation/${candidacyId}$`));
  // The declaration must be ticked.
  await page.getByRole("button", { name: "Confirmer et ouvrir le dossier" }).click();
  await page.getByText("Cochez la déclaration").first().waitFor();
  await checkPage(page);
  await page.getByLabel(/Je déclare n'avoir aucun lien/).check();
  await page.getByRole("button", { name: "Confirmer et ouvrir le dossier" }).click();
  await page.getByText("Déclaration enregistrée").waitFor();
  await page.getByLabel("Note de C1.1 (en %, de 0 à 100)").waitFor();
}

async function scoreAndTransmit(page: Page, scores: Record<string, string>, comment: string) {
  await page.goto(`${portal.url}/evaluation/${candidacyId}`);
  expect(await page.locator("main").innerText()).toContain("Récit du candidat pour C1.1");
  for (const code of ALL) {
    await page.getByLabel(`Note de ${code} (en %, de 0 à 100)`).fill(scores[code]!);
    await page.getByLabel(`Commentaire sur ${code}`).fill(`${comment} ${code}`);
  }
  await expect.poll(() => page.getByTestId("mean-B1").innerText()).toContain("bloc validé selon vos notes");
  await page.getByRole("button", { name: "Enregistrer le brouillon" }).click();
  await page.getByText("Brouillon enregistré.").waitFor();
  await checkPage(page);
  await page.getByRole("button", { name: "Transmettre mes notes…" }).click();
  await page.getByTestId("submit-confirmation").waitFor();
  await page.getByRole("button", { name: "Confirmer la transmission de mes notes" }).click();
  await page.getByText("Vos notes sont transmises.").first().waitFor();
}

const scoresA = { ...Object.fromEntries(ALL.map((c) => [c, "75,5"])), "C2.1": "50", "C3.1": "40" };
const scoresB = { ...Object.fromEntries(ALL.map((c) => [c, "74"])), "C2.1": "80", "C3.1": "42,5" };

describe("the evaluator pair in the browser", () => {
  let pageA: Page;
  let pageB: Page;

  it("scores blind: each transmits without ever seeing the other's scores", async () => {
    pageA = await evaluatorPage(A);
    await pageA.goto(`${portal.url}/evaluation`);
    expect(await pageA.getByTestId("assignment").innerText()).toContain("Déclarer l'absence de lien");
    await checkPage(pageA);
    await declare(pageA);
    await scoreAndTransmit(pageA, scoresA, "Avis-A");

    pageB = await evaluatorPage(B);
    await pageB.goto(`${portal.url}/evaluation/${candidacyId}`);
    expect(await pageB.getByTestId("other-progress").innerText()).toBe("transmis");
    // Before B transmits, the comparison is closed to them and nothing of A's shows anywhere.
    const closed = await pageB.goto(`${portal.url}/evaluation/${candidacyId}/deliberation`);
    expect(closed!.status()).toBeGreaterThanOrEqual(400);
    // Without JavaScript: the declaration and a draft are plain form posts; a bad score is refused beside its
    // field, what was typed kept, nothing saved.
    const noScript = await (await browser.newContext({ locale: "fr-FR", javaScriptEnabled: false })).newPage();
    await logIn(noScript, portal, B, password(B));
    await declare(noScript);
    await noScript.getByLabel("Note de C1.1 (en %, de 0 à 100)").fill("70,25");
    await noScript.getByLabel("Note de C1.2 (en %, de 0 à 100)").fill("64,5");
    await noScript.getByRole("button", { name: "Enregistrer le brouillon" }).click();
    await noScript.locator("#score-C1\\.1-error").waitFor();
    expect(await noScript.getByLabel("Note de C1.1 (en %, de 0 à 100)").inputValue()).toBe("70,25");
    await expectAccessible(noScript);
    expect(await noScript.getByLabel("Note de C1.2 (en %, de 0 à 100)").inputValue()).toBe("64,5");
    await noScript.getByLabel("Note de C1.1 (en %, de 0 à 100)").fill("70,5");
    await noScript.getByRole("button", { name: "Enregistrer le brouillon" }).click();
    await noScript.getByText("Brouillon enregistré.").waitFor();
    expect(await noScript.getByTestId("mean-B1").innerText()).toContain("2/7 compétences notées");
    await noScript.context().close();
    await scoreAndTransmit(pageB, scoresB, "Avis-B");
    expect(await pageB.locator("main").innerText()).not.toContain("Avis-A");
  });

  it("compares, deliberates and lets the president settle C2.1", async () => {
    await pageB.goto(`${portal.url}/evaluation/${candidacyId}/deliberation`);
    const row = pageB.getByTestId("row-C2.1");
    expect(await row.getAttribute("class")).toContain("row--alert");
    expect(await row.innerText()).toContain("30");
    await checkPage(pageB);
    expect(await pageB.getByTestId("reasons-B2").innerText()).not.toBe("");
    await pageB
      .getByLabel(/^C2\.1 — .*\(note en %\)$/)
      .first()
      .fill("72");
    await pageB.getByRole("button", { name: "Proposer ces notes" }).click();
    await pageB.getByText("Proposition enregistrée.").waitFor();
    // B is not the president: no casting vote for them.
    expect(await pageB.getByRole("button", { name: "Trancher par ma voix prépondérante" }).count()).toBe(0);

    await pageA.goto(`${portal.url}/evaluation/${candidacyId}/deliberation`);
    expect(await pageA.getByTestId("deliberation-C2.1").innerText()).toContain("72");
    await pageA.locator("#propose-score-C2\\.1").fill("60");
    await pageA.getByRole("button", { name: "Proposer ces notes" }).click();
    await pageA.getByText("Proposition enregistrée.").waitFor();
    await expect.poll(() => pageA.getByTestId("deliberation-C2.1").innerText()).toContain("Pas d'accord");
    await pageA.locator("#vote-score-C2\\.1").fill("65");
    await pageA.getByRole("button", { name: "Trancher par ma voix prépondérante" }).click();
    await pageA.getByText("Voix prépondérante enregistrée.").waitFor();
    await checkPage(pageA);
    await pageA.getByRole("button", { name: "Clore la délibération" }).click();
    await pageA.waitForURL(new RegExp(`/evaluation/${candidacyId}/proces-verbal$`));
    expect(await pageA.getByTestId("pv-status-B2").innerText()).toContain("Bloc validé");
    expect(await pageA.getByTestId("pv-status-B3").innerText()).toContain("Bloc non validé");
  });

  it("writes the recommendation, refuses a wrong password, and both sign; the signed PDF is then available", async () => {
    await pageA
      .getByRole("textbox", { name: /Bloc 3/ })
      .fill("Renforcer la négociation (C3.1) et revenir avec des exemples concrets.");
    await pageA.getByRole("button", { name: "Enregistrer les recommandations" }).click();
    await pageA.getByText("Recommandations enregistrées.").waitFor();
    await pageA.getByLabel("Votre mot de passe, pour confirmer votre identité").fill("Pas-le-bon-2026");
    await pageA.getByRole("button", { name: "Signer le procès-verbal" }).click();
    await pageA.getByText("Mot de passe incorrect").first().waitFor();
    await pageA.getByLabel("Votre mot de passe, pour confirmer votre identité").fill(password(A));
    await pageA.getByRole("button", { name: "Signer le procès-verbal" }).click();
    await pageA.getByText("Votre signature est enregistrée.").waitFor();
    await checkPage(pageA);

    await pageB.goto(`${portal.url}/evaluation/${candidacyId}/proces-verbal`);
    // Locked once A has signed: B reads the recommendation, cannot change it.
    expect(await pageB.getByRole("button", { name: "Enregistrer les recommandations" }).count()).toBe(0);
    expect(await pageB.locator("main").innerText()).toContain("Renforcer la négociation");
    await pageB.getByLabel("Votre mot de passe, pour confirmer votre identité").fill(password(B));
    await pageB.getByRole("button", { name: "Signer le procès-verbal" }).click();
    await pageB.getByText("Votre signature est enregistrée.").waitFor();
    await expect.poll(() => pageB.getByTestId("signatures").locator("li").count()).toBe(2);

    // The worker renders and stores the PDF after commit.
    await expect
      .poll(
        async () => {
          await pageB.reload();
          return pageB.getByRole("link", { name: "Télécharger le procès-verbal signé (PDF)" }).count();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(1);
    const response = await pageB.request.get(`${portal.url}/proces-verbaux/${candidacyId}`);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("application/pdf");
    expect((await response.body()).subarray(0, 5).toString()).toBe("%PDF-");
    await checkPage(pageB);
    await pageB.goto(`${portal.url}/evaluation`);
    expect(await pageB.getByTestId("assignment").innerText()).toContain("Terminé");
    await checkPage(pageB);
  });
});
