// The admin and the messages the portal gave up sending: an e-mail whose recipient the SMTP server refuses for good
// becomes a dead letter at once; the admin finds it at /admin/envois (without JavaScript), without the recipient's
// address, retries it, and the portal sends it; the retry is in the journal. Other roles are refused.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../db/connection";
import { enqueueOutbox } from "../../db/queries/candidacies";
import { createCandidacy } from "../../app/services/candidacies.server";
import { DEMO_ACCOUNTS } from "../../app/services/demo-accounts.server";
import { CQP_CODE } from "../integration/support/fixtures";
import { type SmtpTestServer, startSmtpTestServer } from "../integration/support/smtp-test-server";
import { createServerDatabase, serverUrl } from "../integration/support/test-database";
import { expectAccessible, expectUsableOnPhone, visit } from "./support/axe";
import { type RunningPortal, launchBrowser, logIn, startPortal } from "./support/portal";

const CANDIDATE = "candidat@demo.example.org";
const OFFICER = "recevabilite@demo.example.org";
const password = (email: string) => DEMO_ACCOUNTS.find((a) => a.email === email)!.password;

let dataDir: string;
let database: { url: string; drop(): Promise<void> } | null = null;
let portal: RunningPortal;
let browser: Browser;
let smtp: SmtpTestServer;
let refusing = true;
let messageIds: string[] = [];

/** Two e-mails about one candidacy of the demo candidate, written to the outbox while no portal runs. */
async function enqueueTwoEmails(handle: DatabaseHandle) {
  const db = handle.db;
  const users = await db
    .selectFrom("users")
    .select(["id", "email"])
    .where("email", "in", [CANDIDATE, OFFICER])
    .execute();
  const candidateId = users.find((u) => u.email === CANDIDATE)!.id;
  const officerId = users.find((u) => u.email === OFFICER)!.id;
  const created = await createCandidacy(db, candidateId, CQP_CODE);
  if (!created.ok) throw new Error(created.message);
  const at = new Date();
  await enqueueOutbox(db, [
    {
      topic: "email",
      candidacyId: created.candidacyId,
      availableAt: at,
      payload: { email: "request_received", recipientId: candidateId, facts: { requestedAt: at.toISOString() } },
    },
    {
      topic: "email",
      candidacyId: created.candidacyId,
      availableAt: at,
      payload: { email: "request_received", recipientId: officerId, facts: { requestedAt: at.toISOString() } },
    },
  ]);
  const rows = await db.selectFrom("outbox").select("id").orderBy("id").execute();
  return rows.map((r) => r.id);
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "vae-e2e-dead-"));
  database = serverUrl ? await createServerDatabase("vae_e2e_dead") : null;
  const placement = { dataDir, databaseUrl: database?.url };
  // A first start prepares the database (migrations, demo accounts); the embedded one is then free to open here.
  const first = await startPortal({}, placement);
  await first.stop();
  const handle = await openDatabase(
    database ? { kind: "server", url: database.url } : { kind: "embedded", dataDir: path.join(dataDir, "pglite") },
  );
  try {
    messageIds = await enqueueTwoEmails(handle);
  } finally {
    await handle.close();
  }
  smtp = await startSmtpTestServer({ rejectRecipients: (address) => refusing && address === CANDIDATE });
  [portal, browser] = await Promise.all([startPortal({ SMTP_URL: smtp.url }, placement), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await smtp?.close();
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function adminPage(javaScriptEnabled: boolean): Promise<Page> {
  const page = await (await browser.newContext({ locale: "fr-FR", javaScriptEnabled })).newPage();
  await page.goto(`${portal.url}/connexion`);
  await page.getByLabel("Adresse e-mail").fill("admin@demo.example.org");
  await page.getByLabel("Mot de passe").fill(password("admin@demo.example.org"));
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.locator(".account__name").waitFor();
  await expectAccessible(page);
  return page;
}

describe("dead letters for the admin", () => {
  it("lists a refused e-mail without personal data and retries it without JavaScript; the portal then sends it", async () => {
    // The officer's e-mail goes out; the candidate's is refused for good (550) and given up at once.
    await expect.poll(() => smtp.received.length, { timeout: 20_000 }).toBe(1);
    const page = await adminPage(false);
    await page
      .getByRole("navigation", { name: "Navigation principale" })
      .getByRole("link", { name: "Envois en échec" })
      .click();
    await page.waitForURL(/\/admin\/envois$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Envois en échec");
    await expectUsableOnPhone(page);
    const row = page.getByRole("row", { name: /Demande de recevabilité reçue/ });
    const text = await row.innerText();
    expect(text).toMatch(/VAE-\d{4}-[0-9A-F]{8}/);
    expect(text).toContain("Candidat");
    expect(text).toMatch(/\b1\b/);
    expect(text).toContain("550");
    const main = await page.locator("main").innerText();
    expect(main).not.toContain(CANDIDATE);
    expect(main).not.toContain("Camille Martin");

    refusing = false;
    await row.getByRole("button", { name: /Réessayer/ }).click();
    await page.getByText("Le message est remis en file d'envoi.").waitFor();
    expect(await page.getByText("Aucun envoi en échec.").count()).toBe(1);
    await expectAccessible(page);
    await expect
      .poll(() => smtp.countsByMessageId().get(`outbox-${messageIds[0]}@vae-portal`) ?? 0, { timeout: 20_000 })
      .toBe(1);
    expect(smtp.countsByMessageId().get(`outbox-${messageIds[1]}@vae-portal`)).toBe(1);

    await visit(page, `${portal.url}/journal`);
    await expectUsableOnPhone(page);
    expect(await page.locator("table").innerText()).toContain("Nouvel essai d'un envoi en échec");
    await page.context().close();
  });

  it("answers 404 to a retry of an unknown or malformed message id", async () => {
    const page = await adminPage(true);
    await visit(page, `${portal.url}/admin/envois`);
    for (const id of ["999999999", "abc", "1 or 1=1", "-1", ""]) {
      const response = await page.request.post(`${portal.url}/admin/envois`, {
        form: { intent: "retry", id },
        headers: { Origin: portal.url },
        maxRedirects: 0,
      });
      expect(response.status(), id).toBe(404);
    }
    await page.context().close();
  });

  it("refuses other roles with a 403 and hides the entry from their navigation", async () => {
    const page = await (await browser.newContext({ locale: "fr-FR" })).newPage();
    await logIn(page, portal, OFFICER, password(OFFICER));
    expect(await page.getByRole("navigation", { name: "Navigation principale" }).innerText()).not.toContain("Envois");
    const response = await visit(page, `${portal.url}/admin/envois`);
    expect(response?.status()).toBe(403);
    const post = await page.request.post(`${portal.url}/admin/envois`, {
      form: { intent: "retry_all" },
      headers: { Origin: portal.url },
    });
    expect(post.status()).toBe(403);
    await page.context().close();
  });
});
