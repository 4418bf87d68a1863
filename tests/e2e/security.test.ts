// The portal as an attacker probes it: forged cross-origin requests (Remix data requests and a page on another
// origin of the same site), an open redirect after login, sign-up telling which addresses have an account, and
// what the server answers to malformed ids and bodies; plus the headers every page carries and the favicon.
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS } from "../../app/services/demo-accounts.server";
import { pdfBytes } from "../integration/support/candidate-files";
import { CQP_CODE } from "../integration/support/fixtures";
import { expectAccessible, expectUsableOnPhone, visit } from "./support/axe";
import { type RunningPortal, launchBrowser, logIn, startPortal } from "./support/portal";

const password = (email: string) => DEMO_ACCOUNTS.find((a) => a.email === email)!.password;
const ADMIN = "admin@demo.example.org";
const CANDIDATE = "candidat@demo.example.org";

let portal: RunningPortal;
let browser: Browser;
let attacker: Server;
let attackerUrl = "";
let attackerPage = "";
let candidacyPath = "";

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal(), launchBrowser()]);
  // Another origin of the same site (127.0.0.1, another port): SameSite=Lax cookies go along with its requests.
  attacker = createServer((_req, res) =>
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(attackerPage),
  );
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await new Promise((resolve) => attacker?.close(resolve));
});

/** Logs in with a plain HTTP client (no Origin, no Sec-Fetch-Site: not a browser) and returns the cookie. */
async function sessionCookie(email: string): Promise<string> {
  const response = await fetch(`${portal.url}/connexion`, {
    method: "POST",
    body: new URLSearchParams({ email, password: password(email) }),
    redirect: "manual",
  });
  expect(response.status).toBe(302);
  return response.headers.get("set-cookie")!.split(";")[0]!;
}

async function accountsMatching(adminCookie: string, search: string): Promise<string[]> {
  const response = await fetch(
    `${portal.url}/admin?${new URLSearchParams({ q: search, _data: "routes/admin._index" })}`,
    {
      headers: { Cookie: adminCookie },
    },
  );
  const data = (await response.json()) as { users: { email: string }[] };
  return data.users.map((u) => u.email);
}

const newAccountForm = (email: string) =>
  new URLSearchParams({ fullName: "Faux Administrateur", email, password: "Pirate-des-caraibes-77", roles: "admin" });

describe("forged cross-origin requests", () => {
  it("refuses an admin's Remix data request from another origin with a French 403, creating nothing", async () => {
    const cookie = await sessionCookie(ADMIN);
    const forged = await fetch(`${portal.url}/admin/comptes/nouveau?_data=routes%2Fadmin.comptes.nouveau`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: "http://evil.example", "Sec-Fetch-Site": "cross-site" },
      body: newAccountForm("forge.data@exemple.fr"),
      redirect: "manual",
    });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain("Requête refusée");
    expect(await accountsMatching(cookie, "forge.data@")).toEqual([]);

    const genuine = await fetch(`${portal.url}/admin/comptes/nouveau?_data=routes%2Fadmin.comptes.nouveau`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: portal.url, "Sec-Fetch-Site": "same-origin" },
      body: newAccountForm("vrai.compte@exemple.fr"),
      redirect: "manual",
    });
    expect(genuine.status).toBe(204);
    expect(genuine.headers.get("x-remix-redirect")).toBe("/admin?cree=1");
    expect(await accountsMatching(cookie, "vrai.compte@")).toEqual(["vrai.compte@exemple.fr"]);
  });

  it("refuses a candidate's action from another origin, and lets the same request from the portal through", async () => {
    const cookie = await sessionCookie(CANDIDATE);
    const start = (origin: string) =>
      fetch(`${portal.url}/candidat?_data=routes%2Fcandidat._index`, {
        method: "POST",
        headers: { Cookie: cookie, Origin: origin },
        body: new URLSearchParams({ certificationCode: CQP_CODE }),
        redirect: "manual",
      });
    const candidacies = async () => {
      const response = await fetch(`${portal.url}/candidat?_data=routes%2Fcandidat._index`, {
        headers: { Cookie: cookie },
      });
      return ((await response.json()) as { candidacies: unknown[] }).candidacies.length;
    };
    expect((await start("http://127.0.0.1:9")).status).toBe(403);
    expect(await candidacies()).toBe(0);
    const genuine = await start(portal.url);
    expect(genuine.status).toBe(204);
    candidacyPath = genuine.headers.get("x-remix-redirect")!;
    expect(candidacyPath).toMatch(/^\/candidat\/candidatures\/[0-9a-f-]{36}$/);
    expect(await candidacies()).toBe(1);
  });

  it("refuses, in Chromium, a page of another origin of the same site that posts to the portal as the admin", async () => {
    const page = await (await browser.newContext({ locale: "fr-FR" })).newPage();
    await logIn(page, portal, ADMIN, password(ADMIN));
    const form = (email: string) =>
      [...newAccountForm(email)].map(([k, v]) => `<input type="hidden" name="${k}" value="${v}">`).join("");
    attackerPage = `<!doctype html><meta charset="utf-8"><title>Gagnez un cadeau</title>
      <form id="f" method="post" action="${portal.url}/admin/comptes/nouveau">${form("forge.page@exemple.fr")}</form>
      <script>
        fetch(${JSON.stringify(`${portal.url}/admin/comptes/nouveau?_data=routes%2Fadmin.comptes.nouveau`)}, {
          method: "POST", mode: "no-cors", credentials: "include",
          body: new URLSearchParams(${JSON.stringify(Object.fromEntries(newAccountForm("forge.fetch@exemple.fr")))}),
        }).finally(() => document.getElementById("f").submit());
      </script>`;
    const refused = page.waitForResponse((r) => r.url() === `${portal.url}/admin/comptes/nouveau`);
    await page.goto(attackerUrl);
    expect((await refused).status()).toBe(403);
    await page.getByRole("heading", { name: "Requête refusée" }).waitFor();
    await expectAccessible(page);

    const cookie = await sessionCookie(ADMIN);
    expect(await accountsMatching(cookie, "forge.")).toEqual([]);
    // The admin's own form, on the portal, still works.
    await visit(page, `${portal.url}/admin/comptes/nouveau`);
    await page.getByLabel("Prénom et nom").fill("Vraie Évaluatrice");
    await page.getByLabel("Adresse e-mail").fill("vraie.evaluatrice@exemple.fr");
    await page.getByLabel("Mot de passe").fill("Pain-d-epices-2026");
    await page.getByLabel("Évaluateur").check();
    await page.getByRole("button", { name: "Créer le compte" }).click();
    await page.getByText("Le compte a été créé.").waitFor();
    await expectAccessible(page);
    await page.close();
  });
});

describe("login and sign-up", () => {
  it.each([
    ["a tab", "%2F%09%2Fevil.example"],
    ["a line feed", "%2F%0A%2Fevil.example"],
    ["a backslash", "%2F%5Cevil.example"],
  ])("stays on the portal after login when redirectTo hides %s", async (_label, redirectTo) => {
    const page = await (await browser.newContext({ locale: "fr-FR" })).newPage();
    await visit(page, `${portal.url}/connexion?redirectTo=${redirectTo}`);
    await page.getByLabel("Adresse e-mail").fill(CANDIDATE);
    await page.getByLabel("Mot de passe").fill(password(CANDIDATE));
    const posted = page.waitForResponse((r) => r.request().method() === "POST");
    await page.getByRole("button", { name: "Se connecter" }).click();
    expect((await posted).status()).toBeLessThan(500);
    await page.waitForURL(`${portal.url}/candidat`);
    expect(new URL(page.url()).origin).toBe(portal.url);
    await page.close();
  });

  it("answers a sign-up with an address that has an account as for a new one, and e-mails its owner", async () => {
    const signUp = async (email: string) => {
      const page = await (await browser.newContext({ locale: "fr-FR" })).newPage();
      await visit(page, `${portal.url}/inscription`);
      await page.getByLabel("Prénom et nom").fill("Sam Inscrit");
      await page.getByLabel("Adresse e-mail").fill(email);
      await page.getByLabel("Mot de passe", { exact: true }).fill("Galette-saucisse-35");
      await page.getByLabel("Confirmer le mot de passe").fill("Galette-saucisse-35");
      await page.getByLabel(/J'accepte les conditions/).check();
      await page.getByRole("button", { name: "Créer mon compte" }).click();
      await page.waitForURL(/\/connexion\?inscription=1$/);
      await page.getByRole("heading", { name: "Connexion" }).waitFor();
      await expectAccessible(page);
      const shown = { url: page.url(), main: await page.locator("main").innerText() };
      await page.close();
      return shown;
    };
    const existing = await signUp(CANDIDATE);
    const fresh = await signUp("sam.inscrit@exemple.fr");
    expect(existing).toEqual(fresh);
    expect(fresh.main).toContain("un e-mail vous a été envoyé");

    const admin = await (await browser.newContext({ locale: "fr-FR" })).newPage();
    await logIn(admin, portal, ADMIN, password(ADMIN));
    await expect
      .poll(
        async () => {
          await admin.goto(`${portal.url}/admin/courriels`);
          return admin.locator("main").innerText();
        },
        { timeout: 15_000, interval: 1000 },
      )
      .toContain("Tentative d'inscription avec votre adresse e-mail");
    const text = await admin.locator("main").innerText();
    expect(text).toContain("Tentative d'inscription avec votre adresse e-mail");
    expect(text).toContain("Votre compte candidat est créé");
    // The stored e-mail's inline-styled HTML shows in its frame without the page's policy blocking anything.
    const violations: string[] = [];
    admin.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await admin.getByRole("link", { name: "Tentative d'inscription avec votre adresse e-mail" }).click();
    const frame = admin.frameLocator("iframe.email-frame");
    await frame.getByText("Si ce n'était pas vous").waitFor();
    await expectAccessible(admin);
    expect(
      await frame
        .locator("p")
        .first()
        .evaluate((p) => getComputedStyle(p).marginBottom),
    ).toBe("16px");
    expect(violations).toEqual([]);
    await admin.close();
  });
});

describe("what the server answers", () => {
  let candidate: Page;
  beforeAll(async () => {
    candidate = await (await browser.newContext({ locale: "fr-FR" })).newPage();
    await logIn(candidate, portal, CANDIDATE, password(CANDIDATE));
  });

  it("answers 404, not 500, to malformed ids, and 400 to a body that is not a form", async () => {
    for (const path of [
      "/dossiers/abc",
      "/dossiers/abc/versions/1.pdf",
      "/dossiers/abc/versions/1.zip",
      "/dossiers/00000000-0000-4000-8000-000000000000/versions/abc.pdf",
      "/candidat/candidatures/abc",
      "/candidat/candidatures/abc/dossier",
      "/candidat/candidatures/abc/dossier/C1.1",
      "/candidat/candidatures/abc/pieces",
      "/fichiers/abc",
    ]) {
      expect((await candidate.request.get(`${portal.url}${path}`)).status(), path).toBe(404);
    }
    for (const [type, body] of [
      ["application/json", '{"email":"x"}'],
      ["multipart/form-data", "--x\r\n"],
    ]) {
      const response = await fetch(`${portal.url}/connexion`, {
        method: "POST",
        headers: { "Content-Type": type! },
        body,
      });
      expect(response.status, type).toBe(400);
      expect(await response.text()).toContain("Requête invalide");
    }
  });

  it("sends one CSP with a fresh nonce that every inline script carries, and nothing is blocked on the pages", async () => {
    const violations: string[] = [];
    candidate.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const raw = await candidate.request.get(`${portal.url}/candidat`);
    const policy = raw.headers()["content-security-policy"]!;
    const nonce = /'nonce-([^']+)'/.exec(policy)![1]!;
    const html = await raw.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attributes of scripts) expect(attributes).toContain(`nonce="${nonce}"`);
    const again = await candidate.request.get(`${portal.url}/candidat`);
    expect(again.headers()["content-security-policy"]).not.toContain(nonce);
    expect(raw.headers()["strict-transport-security"]).toBeUndefined();

    await visit(candidate, `${portal.url}/candidat`);
    await candidate.getByRole("link", { name: "Le CQP" }).click();
    await candidate.waitForURL(/\/certifications/);
    await expectUsableOnPhone(candidate);
    await candidate.goBack();
    await candidate.getByRole("heading", { name: "Mes candidatures" }).waitFor();
    await expectAccessible(candidate);
    expect(violations).toEqual([]);
  });

  it("sends each security header once with a stored file", async () => {
    await visit(candidate, `${portal.url}${candidacyPath}/pieces`);
    await candidate.getByLabel("Type de document").selectOption("identity");
    await candidate
      .getByLabel("Fichier", { exact: true })
      .setInputFiles({ name: "identite.pdf", mimeType: "application/pdf", buffer: pdfBytes() });
    await candidate.getByRole("button", { name: "Ajouter le document" }).click();
    const href = await candidate.getByRole("link", { name: "identite.pdf" }).getAttribute("href");
    await expectAccessible(candidate);
    const response = await candidate.request.get(`${portal.url}${href}`);
    expect(response.status()).toBe(200);
    const names = response.headersArray().map((h) => h.name.toLowerCase());
    for (const name of ["x-content-type-options", "referrer-policy", "x-frame-options", "content-security-policy"]) {
      expect(
        names.filter((n) => n === name),
        name,
      ).toHaveLength(1);
    }
  });

  it("refuses an admin search longer than 100 characters out loud instead of listing every account", async () => {
    const admin = await (await browser.newContext({ locale: "fr-FR" })).newPage();
    await logIn(admin, portal, ADMIN, password(ADMIN));
    const response = await visit(admin, `${portal.url}/admin?q=${"x".repeat(101)}`);
    expect(response!.status()).toBe(400);
    expect(await admin.getByRole("alert").innerText()).toBe(
      "La recherche est limitée à 100 caractères : raccourcissez-la.",
    );
    expect(await admin.locator("main").innerText()).not.toContain(CANDIDATE);
    await visit(admin, `${portal.url}/admin?q=${"x".repeat(100)}`);
    expect(await admin.getByRole("alert").count()).toBe(0);
    await admin.close();
  });

  it("serves a favicon, linked from every page", async () => {
    const ico = await fetch(`${portal.url}/favicon.ico`);
    expect(ico.status).toBe(200);
    expect(ico.headers.get("content-type")).toMatch(/icon/);
    const svg = await fetch(`${portal.url}/favicon.svg`);
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    const html = await (await fetch(portal.url)).text();
    expect(html).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml"/>');
  });
});
