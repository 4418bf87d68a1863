// Every staff role logs in and lands on its home page; the admin creates a staff account in the browser and that
// person logs in with it.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS } from "../../app/services/demo-accounts.server";
import { expectAccessible, expectUsableOnPhone } from "./support/axe";
import { type RunningPortal, launchBrowser, logIn, logOut, startPortal } from "./support/portal";

let portal: RunningPortal;
let browser: Browser;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

async function freshPage(): Promise<Page> {
  return (await browser.newContext({ locale: "fr-FR" })).newPage();
}

const account = (email: string) => DEMO_ACCOUNTS.find((a) => a.email === email)!;

const HOMES = [
  {
    email: "recevabilite@demo.example.org",
    path: "/recevabilite",
    heading: "Demandes de recevabilité",
    nav: "Recevabilité",
  },
  { email: "evaluateur1@demo.example.org", path: "/evaluation", heading: "Mes évaluations", nav: "Mes évaluations" },
  {
    email: "certificateur@demo.example.org",
    path: "/certificateur",
    heading: "Espace certificateur",
    nav: "Référentiels",
  },
  { email: "admin@demo.example.org", path: "/admin", heading: "Comptes", nav: "Journal" },
];

describe("staff roles in the browser", () => {
  it("prints the demo accounts at start", () => {
    for (const demo of DEMO_ACCOUNTS) expect(portal.output()).toContain(demo.email);
  });

  for (const home of HOMES) {
    it(`logs in ${home.email} to ${home.path}`, async () => {
      const page = await freshPage();
      await logIn(page, portal, home.email, account(home.email).password);
      await page.waitForURL(new RegExp(`${home.path}$`));
      await expect.poll(() => page.locator("h1").textContent()).toBe(home.heading);
      await expectUsableOnPhone(page);
      expect(await page.getByRole("navigation", { name: "Navigation principale" }).innerText()).toContain(home.nav);
      await page.context().close();
    });
  }

  it("lets certifier staff read the referential version with its rule parameters", async () => {
    const page = await freshPage();
    await logIn(page, portal, "certificateur@demo.example.org", account("certificateur@demo.example.org").password);
    await page.getByRole("link", { name: "Référentiels", exact: true }).click();
    await page.waitForURL(/\/certificateur\/referentiels$/);
    await expectUsableOnPhone(page);
    await page.getByRole("link", { name: "Commercial sédentaire du secteur alimentaire" }).click();
    await page.getByText("Seuil de la moyenne d'un bloc").waitFor();
    await expectUsableOnPhone(page);
    const text = await page.locator("main").innerText();
    expect(text).toContain("Seuil de la moyenne d'un bloc");
    expect(text).toContain("70 %");
    expect(text).toContain("Écart toléré entre les deux évaluateurs");
    expect(await page.locator("article.competency").count()).toBe(19);
    await page.context().close();
  });

  it("lets the admin create an evaluator account that can then log in", async () => {
    const page = await freshPage();
    await logIn(page, portal, "admin@demo.example.org", account("admin@demo.example.org").password);
    await page.getByRole("main").getByRole("link", { name: "Créer un compte" }).click();
    await page.getByLabel("Prénom et nom").waitFor();
    await expectUsableOnPhone(page);
    await page.getByLabel("Prénom et nom").fill("Bruno Mercier");
    await page.getByLabel("Adresse e-mail").fill("bruno.mercier@exemple.fr");
    await page.getByLabel("Mot de passe initial").fill("Pain-d-epices-2026");
    await page.getByRole("button", { name: "Créer le compte" }).click();
    await page.getByText("Choisissez au moins un rôle.").waitFor();
    await expectAccessible(page);
    expect(await page.getByLabel("Adresse e-mail").inputValue()).toBe("bruno.mercier@exemple.fr");

    await page.getByLabel("Mot de passe initial").fill("Pain-d-epices-2026");
    await page.getByLabel("Évaluateur").check();
    await page.getByRole("button", { name: "Créer le compte" }).click();
    await page.waitForURL(/\/admin\?cree=1/);
    expect(await page.getByRole("status").innerText()).toContain("Le compte a été créé.");
    expect(await page.locator("table").innerText()).toContain("bruno.mercier@exemple.fr");
    await expectUsableOnPhone(page);

    await logOut(page);
    await logIn(page, portal, "bruno.mercier@exemple.fr", "Pain-d-epices-2026");
    await page.waitForURL(/\/evaluation$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Mes évaluations");
    await page.context().close();
  });

  it("lets the admin deactivate an account, which can no longer log in", async () => {
    const page = await freshPage();
    await logIn(page, portal, "admin@demo.example.org", account("admin@demo.example.org").password);
    await page.getByRole("link", { name: "Bruno Mercier" }).click();
    await page.getByRole("heading", { name: "Bruno Mercier" }).waitFor();
    await expectUsableOnPhone(page);
    await page.getByLabel("Désactivé").check();
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await expect.poll(() => page.getByRole("status").count()).toBe(1);
    expect(await page.getByRole("status").innerText()).toContain("Les modifications sont enregistrées.");
    await expectAccessible(page);
    await expect.poll(() => page.locator(".timeline").innerText()).toContain("Modification des rôles ou de l'accès");
    await logOut(page);
    await logIn(page, portal, "bruno.mercier@exemple.fr", "Pain-d-epices-2026");
    await page.getByText("Adresse e-mail ou mot de passe incorrect.").waitFor();
    await page.context().close();
  });

  it("answers /healthz with the database status", async () => {
    const response = await fetch(`${portal.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "ok" });
  });
});
