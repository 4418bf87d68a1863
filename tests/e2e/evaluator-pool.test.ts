// Certifier staff manage the evaluator pool in the browser, on a phone-sized screen: a refused form shows its
// errors beside the fields with the input kept, the profile is created and found again with the list's filters;
// without JavaScript, an existing account joins the pool and gets an availability period.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS } from "../../app/services/demo-accounts.server";
import { type RunningPortal, launchBrowser, logIn, startPortal } from "./support/portal";

let portal: RunningPortal;
let browser: Browser;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

const STAFF = DEMO_ACCOUNTS.find((a) => a.email === "certificateur@demo.example.org")!;

async function phone(javaScriptEnabled = true): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    locale: "fr-FR",
    viewport: { width: 375, height: 800 },
    javaScriptEnabled,
  });
  return { context, page: await context.newPage() };
}

async function expectNoHorizontalScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
}

describe("the evaluator pool in the browser", () => {
  it("creates a profile after showing the form's errors beside the fields, then finds it with the filters", async () => {
    const { context, page } = await phone();
    await logIn(page, portal, STAFF.email, STAFF.password);
    await page.goto(`${portal.url}/certificateur`);
    await page.getByRole("link", { name: "Gérer le vivier d'évaluateurs" }).click();
    await page.getByRole("heading", { name: "Vivier d'évaluateurs" }).waitFor();
    await expectNoHorizontalScroll(page);

    await page.getByRole("link", { name: "Ajouter un évaluateur" }).click();
    await page.getByRole("heading", { name: "Ajouter un évaluateur" }).waitFor();
    await page.getByLabel("Adresse e-mail", { exact: true }).fill("jeanne.martin@exemple.fr");
    await page.getByLabel("Prénom et nom").fill("Jeanne Martin");
    await page.getByLabel("Mot de passe initial").fill("Kouign-amann-2026");
    await page.getByLabel("Civilité (facultative)").selectOption("Mme");
    await page.getByLabel("Employeur", { exact: true }).fill("Boulangerie Martin");
    await page.getByLabel("SIRET de l'employeur (facultatif)").fill("442 821 039 00018");
    await page.getByLabel("Secteurs d'activité").fill("Boulangerie, Crèmerie");
    await page.getByLabel(/Commercial sédentaire du secteur alimentaire/).check();
    await page.getByRole("button", { name: "Ajouter au vivier" }).click();

    const siretError = page.locator("#field-employerSiret-error");
    await siretError.waitFor();
    expect(await siretError.innerText()).toContain("Ce SIRET n'est pas valide");
    expect(await page.getByLabel("SIRET de l'employeur (facultatif)").getAttribute("aria-describedby")).toContain(
      "field-employerSiret-error",
    );
    expect(await page.getByLabel("Adresse e-mail", { exact: true }).inputValue()).toBe("jeanne.martin@exemple.fr");
    expect(await page.getByLabel("Employeur", { exact: true }).inputValue()).toBe("Boulangerie Martin");
    expect(await page.getByLabel("Secteurs d'activité").inputValue()).toBe("Boulangerie, Crèmerie");
    expect(await page.getByLabel("Civilité (facultative)").inputValue()).toBe("Mme");
    expect(await page.getByLabel(/Commercial sédentaire du secteur alimentaire/).isChecked()).toBe(true);
    await expectNoHorizontalScroll(page);

    await page.getByLabel("SIRET de l'employeur (facultatif)").fill("442 821 039 00017");
    await page.getByLabel("Mot de passe initial").fill("Kouign-amann-2026");
    await page.getByRole("button", { name: "Ajouter au vivier" }).click();
    await page.waitForURL(/\/certificateur\/evaluateurs\/[0-9a-f-]{36}\?cree=compte$/);
    await expect.poll(() => page.locator("h1").innerText()).toBe("Mme Jeanne Martin");
    expect(await page.getByRole("status").first().innerText()).toContain(
      "Le compte et le profil d'évaluateur sont créés",
    );
    await expectNoHorizontalScroll(page);

    await page.getByRole("link", { name: "← Vivier d'évaluateurs" }).click();
    await page.getByRole("combobox", { name: /^Secteur/ }).selectOption("Boulangerie");
    await page.getByLabel("Nom ou e-mail").fill("martin");
    await page.getByRole("button", { name: "Filtrer" }).click();
    await page.waitForURL(/secteur=Boulangerie/);
    await expect.poll(() => page.locator("main").innerText()).toContain("1 évaluateur(s) correspondant aux filtres");
    expect(await page.getByRole("link", { name: "Mme Jeanne Martin" }).count()).toBe(1);
    await expectNoHorizontalScroll(page);

    await page.getByRole("combobox", { name: /^Statut/ }).selectOption("non");
    await page.getByRole("button", { name: "Filtrer" }).click();
    await page.waitForURL(/actif=non/);
    await page.getByText("Aucun évaluateur ne correspond à ces filtres.").waitFor();
    await context.close();
  });

  it("without JavaScript, links an existing account to the pool and records an availability period", async () => {
    const { context, page } = await phone(false);
    await logIn(page, portal, STAFF.email, STAFF.password);
    await page.goto(`${portal.url}/certificateur/evaluateurs/nouveau`);
    await page.getByLabel("Rattacher un compte existant").check();
    await page.getByLabel("Adresse e-mail", { exact: true }).fill("evaluateur2@demo.example.org");
    await page.getByLabel("Employeur", { exact: true }).fill("Fromagerie des Halles");
    await page.getByRole("button", { name: "Ajouter au vivier" }).click();
    // No certification ticked: refused beside the fieldset, the choice of account kept.
    await page.locator("#field-certificationIds-error").waitFor();
    expect(await page.getByLabel("Rattacher un compte existant").isChecked()).toBe(true);
    await page.getByLabel(/Commercial sédentaire du secteur alimentaire/).check();
    await page.getByRole("button", { name: "Ajouter au vivier" }).click();
    await page.waitForURL(/\?cree=profil$/);

    await page.getByLabel("Du", { exact: true }).fill("2027-01-04");
    await page.getByLabel("Au", { exact: true }).fill("2027-01-02");
    await page.getByRole("button", { name: "Ajouter la période" }).click();
    await page.getByText("La date de fin ne peut pas précéder la date de début.").waitFor();
    expect(await page.getByLabel("Du", { exact: true }).inputValue()).toBe("2027-01-04");
    await page.getByLabel("Au", { exact: true }).fill("2027-02-26");
    await page.getByRole("button", { name: "Ajouter la période" }).click();
    await page.getByText("Du 4 janvier 2027 au 26 février 2027").waitFor();
    await expectNoHorizontalScroll(page);
    expect(await page.locator(".timeline").last().innerText()).toContain("Ajout d'une période de disponibilité");

    await page.goto(`${portal.url}/certificateur/evaluateurs?disponible=2027-03-01`);
    expect(await page.locator("main").innerText()).not.toContain("evaluateur2@demo.example.org");
    await page.goto(`${portal.url}/certificateur/evaluateurs?disponible=2027-02-01`);
    expect(await page.locator("main").innerText()).toContain("evaluateur2@demo.example.org");

    // Back on the profile: the period removed, the profile set inactive.
    await page.getByRole("link", { name: "Sophie Garnier" }).click();
    await page.getByRole("button", { name: "Retirer la période du 4 janvier 2027" }).click();
    await page.getByText("La période de disponibilité est retirée.").waitFor();
    await page.getByText("Aucune période renseignée.").waitFor();
    await page.getByLabel(/Profil actif/).uncheck();
    await page.getByRole("button", { name: "Enregistrer le profil" }).click();
    await page.getByText("Le profil est enregistré.").waitFor();
    expect(await page.locator(".card").first().innerText()).toContain("Inactif");
    expect(await page.getByLabel(/Profil actif/).isChecked()).toBe(false);
    await expectNoHorizontalScroll(page);
    await context.close();
  });

  it("refuses the pool's pages to an evaluator", async () => {
    const { context, page } = await phone();
    const evaluator = DEMO_ACCOUNTS.find((a) => a.email === "evaluateur1@demo.example.org")!;
    await logIn(page, portal, evaluator.email, evaluator.password);
    const response = await page.goto(`${portal.url}/certificateur/evaluateurs`);
    expect(response?.status()).toBe(403);
    await context.close();
  });
});
