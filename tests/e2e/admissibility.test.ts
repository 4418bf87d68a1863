// The admissibility step in the browser: a candidate starts a candidacy and files the request once it holds its
// documents, with the sworn statement; the officer sees it in the queue with the days left, asks for a missing document, then declares it
// admissible; the candidate follows it in their timeline and receives the e-mails; certifier staff read the journal.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS } from "../../app/services/demo-accounts.server";
import { expectAccessible, expectUsableOnPhone, visit } from "./support/axe";
import { type RunningPortal, launchBrowser, logIn, startPortal } from "./support/portal";
import { attachRequiredDocuments } from "./support/request-documents";

let portal: RunningPortal;
let browser: Browser;
let candidate: Page;
let officer: Page;
let candidacyUrl = "";

const password = (email: string) => DEMO_ACCOUNTS.find((a) => a.email === email)!.password;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal(), launchBrowser()]);
  candidate = await (await browser.newContext({ locale: "fr-FR" })).newPage();
  officer = await (await browser.newContext({ locale: "fr-FR" })).newPage();
  await logIn(candidate, portal, "candidat@demo.example.org", password("candidat@demo.example.org"));
  await logIn(officer, portal, "recevabilite@demo.example.org", password("recevabilite@demo.example.org"));
});
afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe("admissibility in the browser", () => {
  it("lets the candidate start a candidacy and file the request only with its documents and the sworn statement", async () => {
    await visit(candidate, `${portal.url}/candidat`);
    await candidate.getByRole("button", { name: "Démarrer ma candidature" }).click();
    await candidate.getByRole("heading", { name: "Déposer ma demande de recevabilité" }).waitFor();
    candidacyUrl = candidate.url();
    await expectUsableOnPhone(candidate);
    expect(candidacyUrl).toMatch(/\/candidat\/candidatures\/[0-9a-f-]{36}$/);
    // Before they click, the page says which documents the request still lacks, and cannot be filed yet.
    const missing = await candidate.getByRole("note").innerText();
    for (const name of [
      "une pièce d'identité",
      "au moins un justificatif d'activité",
      "la déclaration sur l'honneur signée",
    ]) {
      expect(missing).toContain(name);
    }
    expect(await candidate.getByRole("button", { name: "Déposer ma demande" }).isDisabled()).toBe(true);
    await attachRequiredDocuments(candidate, candidacyUrl);
    expect(await candidate.getByRole("note").count()).toBe(0);
    await candidate.getByRole("button", { name: "Déposer ma demande" }).click();
    await candidate.getByText("Cochez l'engagement sur l'honneur pour déposer votre demande.").waitFor();
    await expectAccessible(candidate);
    await candidate.getByLabel(/Je certifie sur l'honneur/).check();
    await candidate.getByRole("button", { name: "Déposer ma demande" }).click();
    await candidate.getByText("Recevabilité — en attente").waitFor();
    expect(await candidate.locator(".timeline").innerText()).toContain(
      "Vous avez déposé votre demande de recevabilité",
    );
    expect(await candidate.locator("main").innerText()).toMatch(/doit vous répondre au plus tard le/);
    await expectUsableOnPhone(candidate);
  });

  it("shows the request in the officer's queue with the days left before silence counts as acceptance", async () => {
    await visit(officer, `${portal.url}/recevabilite`);
    await expectUsableOnPhone(officer);
    const row = officer.getByRole("row", { name: /Camille Martin/ });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/(59|60|61|62) j/);
  });

  it("requires a reason to mark the request incomplete, then the candidate sees it", async () => {
    await officer.getByRole("link", { name: "Camille Martin" }).click();
    await officer.getByRole("button", { name: "Commencer l'examen" }).waitFor();
    await expectUsableOnPhone(officer);
    await officer.getByRole("button", { name: "Commencer l'examen" }).click();
    await officer.getByText("L'examen de la demande a commencé.").waitFor();
    await officer.getByRole("button", { name: "Déclarer incomplète" }).click();
    await officer.getByText("Indiquez le motif : il sera communiqué au candidat.").first().waitFor();
    await expectAccessible(officer);
    await officer.getByLabel(/Pièces ou informations manquantes/).fill("Il manque l'attestation de votre employeur.");
    await officer.getByRole("button", { name: "Déclarer incomplète" }).click();
    await officer.getByText("Votre décision est enregistrée").waitFor();
    await expectUsableOnPhone(officer);

    await visit(candidate, candidacyUrl);
    await candidate.getByText("Votre demande est incomplète : Il manque l'attestation de votre employeur.").waitFor();
    await expectUsableOnPhone(candidate);
    await candidate.getByRole("button", { name: "J'ai complété ma demande" }).click();
    await candidate.getByText("Vous avez complété votre demande.").waitFor();
    await expectAccessible(candidate);
  });

  it("lets the officer declare the request admissible with a validity end date", async () => {
    await officer.reload();
    await expectAccessible(officer);
    await officer.getByRole("button", { name: "Commencer l'examen" }).click();
    await officer.getByText("L'examen de la demande a commencé.").waitFor();
    await officer.getByLabel("Fin de validité de la recevabilité (facultatif)").fill("2028-06-30");
    await officer.getByRole("button", { name: "Déclarer recevable" }).click();
    await officer.getByText("Votre décision est enregistrée").waitFor();
    await expect.poll(() => officer.locator("table").last().innerText()).toContain("Demande déclarée recevable");
    await expectUsableOnPhone(officer);

    await visit(candidate, candidacyUrl);
    await candidate.getByText("Votre demande a été déclarée recevable, jusqu'au 30 juin 2028.").waitFor();
    await expectUsableOnPhone(candidate);
    expect(await candidate.getByRole("button", { name: "Commencer mon dossier" }).count()).toBe(1);
  });

  it("hides the candidacy from another candidate", async () => {
    const other = await (await browser.newContext()).newPage();
    await visit(other, `${portal.url}/inscription`);
    await other.getByLabel("Prénom et nom").fill("Autre Candidat");
    await other.getByLabel("Adresse e-mail").fill("autre@exemple.fr");
    await other.getByLabel("Mot de passe", { exact: true }).fill("Far-breton-2026");
    await other.getByLabel("Confirmer le mot de passe").fill("Far-breton-2026");
    await other.getByLabel(/J'accepte les conditions/).check();
    await other.getByRole("button", { name: "Créer mon compte" }).click();
    await other.waitForURL(/\/connexion\?inscription=1$/);
    await logIn(other, portal, "autre@exemple.fr", "Far-breton-2026");
    await other.getByRole("heading", { name: "Mes candidatures" }).waitFor();
    const response = await visit(other, candidacyUrl);
    expect(response!.status()).toBe(404);
    expect(await other.locator("main").innerText()).not.toContain("Camille");
  });

  it("sends the candidate the e-mails, listed for the admin", async () => {
    const admin = await (await browser.newContext()).newPage();
    await logIn(admin, portal, "admin@demo.example.org", password("admin@demo.example.org"));
    await expect
      .poll(
        async () => {
          await admin.goto(`${portal.url}/admin/courriels`);
          return (await admin.locator("main").innerText()).match(/candidat@demo\.example\.org/g)?.length ?? 0;
        },
        { timeout: 15_000, interval: 1000 },
      )
      .toBeGreaterThanOrEqual(4);
    await expectUsableOnPhone(admin);
  });

  it("shows certifier staff the whole journal of the candidacy", async () => {
    const staff = await (await browser.newContext()).newPage();
    await logIn(staff, portal, "certificateur@demo.example.org", password("certificateur@demo.example.org"));
    await visit(staff, `${portal.url}/certificateur/candidatures`);
    await expectUsableOnPhone(staff);
    await staff.getByRole("link", { name: "Camille Martin" }).click();
    await staff.getByRole("heading", { name: "Journal" }).waitFor();
    await expectUsableOnPhone(staff);
    // The request's documents are listed in a table of their own, above the journal.
    const journal = await staff.locator("table", { hasText: "Candidature ouverte" }).innerText();
    for (const label of [
      "Candidature ouverte",
      "Demande de recevabilité déposée",
      "Demande déclarée incomplète",
      "Demande complétée",
      "Demande déclarée recevable",
    ]) {
      expect(journal).toContain(label);
    }
    expect(journal).toContain("Nadia Benali (Chargé de recevabilité)");
    expect(journal).toContain("Motif : Il manque l'attestation de votre employeur.");
  });
});
