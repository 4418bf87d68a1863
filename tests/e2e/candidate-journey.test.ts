// A candidate in the browser: reads the public referential, signs up (after being refused a weak password), logs
// in, logs out, is refused a wrong password, signs up again with the same e-mail and is answered as for a new one,
// logs in again, and is refused the staff pages.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible, expectUsableOnPhone, visit } from "./support/axe";
import { type RunningPortal, launchBrowser, logIn, logOut, startPortal } from "./support/portal";

let portal: RunningPortal;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal(), launchBrowser()]);
  page = await (await browser.newContext({ locale: "fr-FR" })).newPage();
});
afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

const candidate = { fullName: "Léa Fontaine", email: "lea.fontaine@exemple.fr", password: "Kouign-amann-29" };

async function fillSignUp(values: { fullName: string; email: string; password: string; confirmation?: string }) {
  await page.getByLabel("Prénom et nom").fill(values.fullName);
  await page.getByLabel("Adresse e-mail").fill(values.email);
  await page.getByLabel("Mot de passe", { exact: true }).fill(values.password);
  await page.getByLabel("Confirmer le mot de passe").fill(values.confirmation ?? values.password);
  await page.getByLabel(/J'accepte les conditions/).check();
  await page.getByRole("button", { name: "Créer mon compte" }).click();
  await page.waitForFunction(
    () => !location.pathname.startsWith("/inscription") || document.querySelector(".field__error"),
  );
  await expectAccessible(page);
}

describe("candidate journey in the browser", () => {
  it("reads the public page of the CQP with its blocs, competencies and criteria", async () => {
    await visit(page, portal.url);
    await expectUsableOnPhone(page);
    await page.getByRole("link", { name: "Lire le référentiel du CQP" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Commercial sédentaire du secteur alimentaire");
    await expectUsableOnPhone(page);
    const text = await page.locator("main").innerText();
    expect(text).toContain("Bloc de compétences 1 : Développer l'activité commerciale de l'entreprise");
    expect(text).toContain("Bloc de compétences 3 : Gérer les commandes clients et la livraison des produits");
    expect(text).toContain("Critères d'évaluation : Qualité du sourcing");
    expect(text).toContain("Gérer les problématiques survenues lors des commandes et livraisons client");
    expect(text).toContain("Moyenne des compétences du bloc : au moins 70 %");
    expect(text).toContain("Chaque compétence du bloc : au moins 50 %");
    expect(await page.locator("article.competency").count()).toBe(19);
  });

  it("refuses a weak password, keeping what was typed, then signs the candidate up", async () => {
    await visit(page, `${portal.url}/inscription`);
    await expectUsableOnPhone(page);
    await fillSignUp({ ...candidate, password: "court" });
    await page.getByText("Le mot de passe doit contenir au moins 10 caractères.", { exact: true }).waitFor();
    expect(await page.getByLabel("Adresse e-mail").inputValue()).toBe(candidate.email);

    await fillSignUp({ ...candidate, confirmation: "Autre-chose-29" });
    await page.getByText("Les deux mots de passe ne sont pas identiques.").waitFor();

    await fillSignUp(candidate);
    await page.waitForURL(/\/connexion\?inscription=1$/);
    expect(await page.getByRole("status").textContent()).toContain("un e-mail vous a été envoyé");
    await logIn(page, portal, candidate.email, candidate.password);
    await page.waitForURL(/\/candidat$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Mes candidatures");
    expect(await page.locator(".account__name").innerText()).toContain("Léa Fontaine");
    await expectUsableOnPhone(page);
  });

  it("logs out, then refuses a wrong password with the generic message", async () => {
    await logOut(page);
    await logIn(page, portal, candidate.email, "Mauvais-mot-2-passe");
    expect(await page.getByRole("alert").innerText()).toBe("Adresse e-mail ou mot de passe incorrect.");
    await logIn(page, portal, "inconnu@exemple.fr", candidate.password);
    expect(await page.getByRole("alert").innerText()).toBe("Adresse e-mail ou mot de passe incorrect.");
  });

  it("creates no second account with the same e-mail, answering as for a new one", async () => {
    await visit(page, `${portal.url}/inscription`);
    await fillSignUp({ ...candidate, email: "LEA.FONTAINE@exemple.fr", password: "Autre-mot-2-passe" });
    await page.waitForURL(/\/connexion\?inscription=1$/);
    expect(await page.getByRole("status").textContent()).toContain("un e-mail vous a été envoyé");
    await logIn(page, portal, candidate.email, "Autre-mot-2-passe");
    expect(await page.getByRole("alert").innerText()).toBe("Adresse e-mail ou mot de passe incorrect.");
  });

  it("logs the candidate in again, back to their home", async () => {
    await logIn(page, portal, candidate.email, candidate.password);
    await page.waitForURL(/\/candidat$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Mes candidatures");
  });

  it("shows the 403 page on staff URLs, naming nothing behind them", async () => {
    for (const path of [
      "/admin",
      "/certificateur",
      "/recevabilite",
      "/evaluation",
      "/journal",
      "/admin/comptes/nouveau",
    ]) {
      const response = await visit(page, `${portal.url}${path}`);
      expect(response!.status(), path).toBe(403);
      await expect.poll(() => page.locator("h1").textContent()).toBe("Accès refusé");
      const text = await page.locator("main").innerText();
      expect(text).not.toMatch(/admin@|Comptes|Référentiels de certification/);
    }
  });

  it("shows the French 404 page for an unknown address", async () => {
    const response = await visit(page, `${portal.url}/nulle-part`);
    await expectUsableOnPhone(page);
    expect(response!.status()).toBe(404);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Page introuvable");
  });

  it("treats a tampered session cookie as logged out", async () => {
    const context = page.context();
    const [cookie] = (await context.cookies()).filter((c) => c.name === "vae_session");
    expect(cookie).toBeDefined();
    await context.addCookies([{ ...cookie!, value: cookie!.value.slice(0, -3) + "xyz" }]);
    await page.goto(`${portal.url}/candidat`);
    await page.waitForURL(/\/connexion\?redirectTo=%2Fcandidat/);
    await expectAccessible(page);
    expect(await page.getByRole("link", { name: "Se connecter" }).count()).toBe(1);
  });
});
