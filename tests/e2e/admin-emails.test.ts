// The admin reads the e-mails the portal wrote as .eml files (the embedded default, no SMTP server): the list, one
// message with its text and its HTML in a sandboxed frame; other roles are refused.
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS } from "../../app/services/demo-accounts.server";
import { createMailer } from "../../app/services/mailer.server";
import { renderEmail } from "../../templates/emails";
import { expectUsableOnPhone, visit } from "./support/axe";
import { type RunningPortal, launchBrowser, logIn, startPortal } from "./support/portal";

let portal: RunningPortal;
let browser: Browser;

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal(), launchBrowser()]);
  // Nothing in the portal sends e-mails yet: write one into its mail folder as the outbox will.
  const mailer = createMailer({
    from: "Portail VAE <ne-pas-repondre@vae.localhost>",
    smtpUrl: undefined,
    mailDir: path.join(portal.dataDir, "mail"),
  });
  const email = renderEmail(
    "request_incomplete",
    {
      recipientName: "Élodie Marchand",
      certificationTitle: "Commercial sédentaire du secteur alimentaire",
      reason: "Il manque l'attestation de l'employeur <script>alert(1)</script>",
    },
    { publicUrl: portal.url },
  );
  await mailer.send({ to: "candidat@demo.example.org", ...email, messageId: "outbox-e2e-1" });
  mailer.close();
});
afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

async function freshPage(): Promise<Page> {
  return (await browser.newContext({ locale: "fr-FR" })).newPage();
}

const password = (email: string) => DEMO_ACCOUNTS.find((a) => a.email === email)!.password;

describe("sent e-mails for the admin", () => {
  it("lists the stored e-mails and shows one with its text and sandboxed HTML", async () => {
    const page = await freshPage();
    await logIn(page, portal, "admin@demo.example.org", password("admin@demo.example.org"));
    await page
      .getByRole("navigation", { name: "Navigation principale" })
      .getByRole("link", { name: "Courriels" })
      .click();
    await page.waitForURL(/\/admin\/courriels$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Courriels envoyés");
    expect(await page.locator("main").innerText()).toContain("Aucun serveur SMTP n'est configuré");
    const table = await page.locator("table").innerText();
    expect(table).toContain("candidat@demo.example.org");
    await expectUsableOnPhone(page);

    await page.getByRole("link", { name: "Votre demande de recevabilité est incomplète" }).click();
    await page.waitForURL(/\/admin\/courriels\/outbox-e2e-1\.eml$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Votre demande de recevabilité est incomplète");
    await expectUsableOnPhone(page);
    const text = await page.locator("pre.email-text").innerText();
    expect(text).toContain("Bonjour Élodie Marchand,");
    expect(text).toContain("Il manque l'attestation de l'employeur <script>alert(1)</script>");
    expect(text).toContain(`${portal.url}/candidat`);
    expect(await page.locator("main").innerText()).toContain("<outbox-e2e-1@vae-portal>");

    const frame = page.locator("iframe.email-frame");
    expect(await frame.getAttribute("sandbox")).toBe("");
    await page.frameLocator("iframe.email-frame").getByText("Bonjour Élodie Marchand,").waitFor();
    expect(await page.frameLocator("iframe.email-frame").locator("script").count()).toBe(0);
    await page.context().close();
  });

  it("answers 404 for an unknown or invalid file name", async () => {
    const page = await freshPage();
    await logIn(page, portal, "admin@demo.example.org", password("admin@demo.example.org"));
    for (const name of ["absent.eml", "..%2Fsession-secret", "outbox-e2e-1.txt"]) {
      const response = await visit(page, `${portal.url}/admin/courriels/${name}`);
      expect(response?.status(), name).toBe(404);
      expect(await page.locator("h1").textContent()).toBe("Page introuvable");
    }
    await page.context().close();
  });

  it("refuses a candidate with a 403", async () => {
    const page = await freshPage();
    await logIn(page, portal, "candidat@demo.example.org", password("candidat@demo.example.org"));
    expect(await page.getByRole("navigation", { name: "Navigation principale" }).innerText()).not.toContain(
      "Courriels",
    );
    for (const url of ["/admin/courriels", "/admin/courriels/outbox-e2e-1.eml"]) {
      const response = await visit(page, `${portal.url}${url}`);
      expect(response?.status(), url).toBe(403);
      expect(await page.locator("h1").textContent()).toBe("Accès refusé");
    }
    await page.context().close();
  });
});
