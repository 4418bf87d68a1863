// The end of a candidacy in the browser: certifier staff open the minutes of a decided candidacy (set up through the
// services) from its page, are asked to confirm, and validate the decision; the candidate then reads their result (bloc 1
// awarded, bloc 2 not with the competency under the floor, bloc 3 not on its mean, the recommendations), never a
// "Certifié" label, and starts a new candidacy aimed only at the missing blocs.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/connection";
import { DEMO_ACCOUNTS } from "../../app/services/demo-accounts.server";
import { calendarYearInFrance } from "../../app/services/candidacies.server";
import { Lifecycle, RECOMMENDATIONS } from "../integration/support/decided-candidacy";
import { CQP_CODE } from "../integration/support/fixtures";
import { createServerDatabase, serverUrl } from "../integration/support/test-database";
import { expectAccessible, expectUsableOnPhone } from "./support/axe";
import { type RunningPortal, launchBrowser, logIn, startPortal } from "./support/portal";

const EMAILS = {
  candidate: "candidat@demo.example.org",
  officer: "recevabilite@demo.example.org",
  staff: "certificateur@demo.example.org",
  a: "evaluateur1@demo.example.org",
  b: "evaluateur2@demo.example.org",
} as const;
const password = (email: string) => DEMO_ACCOUNTS.find((a) => a.email === email)!.password;
const DAY = 24 * 3600_000;

let dataDir: string;
let database: { url: string; drop(): Promise<void> } | null = null;
let portal: RunningPortal;
let browser: Browser;
let candidacyId = "";
let requestedAt = "";

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "vae-e2e-result-"));
  database = serverUrl ? await createServerDatabase("vae_e2e_result") : null;
  const placement = { dataDir, databaseUrl: database?.url };
  // A first start prepares the database (migrations, referential, demo accounts); the set-up runs while it is free.
  const first = await startPortal({}, placement);
  await first.stop();
  const handle = await openDatabase(
    database ? { kind: "server", url: database.url } : { kind: "embedded", dataDir: path.join(dataDir, "pglite") },
  );
  try {
    const users = await handle.db.selectFrom("users").select(["id", "email"]).execute();
    const id = (email: string) => users.find((u) => u.email === email)!.id;
    const cast = {
      candidate: id(EMAILS.candidate),
      officer: id(EMAILS.officer),
      staff: id(EMAILS.staff),
      a: id(EMAILS.a),
      b: id(EMAILS.b),
    };
    // Filed five weeks ago: the session (a week later) was more than 15 days ago, so the result is overdue.
    const life = new Lifecycle(handle.db, cast, Date.now() - 35 * DAY, {
      a: password(EMAILS.a),
      b: password(EMAILS.b),
    });
    requestedAt = new Date(life.clock + 3600_000).toISOString();
    candidacyId = await life.decided(CQP_CODE);
  } finally {
    await handle.close();
  }
  [portal, browser] = await Promise.all([startPortal({}, placement), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function pageFor(email: string, javaScriptEnabled = true): Promise<Page> {
  const page = await (await browser.newContext({ locale: "fr-FR", javaScriptEnabled })).newPage();
  await logIn(page, portal, email, password(email));
  return page;
}

describe("validation and result in the browser", () => {
  it("refuses the candidate the result before staff validate it, and staff a malformed or unknown id", async () => {
    const candidate = await pageFor(EMAILS.candidate);
    const early = await candidate.goto(`${portal.url}/candidat/candidatures/${candidacyId}/resultat`);
    expect(early!.status()).toBe(409);
    const staff = await pageFor(EMAILS.staff);
    for (const id of ["pas-un-id", "00000000-0000-4000-8000-000000000000"]) {
      const response = await staff.goto(`${portal.url}/certificateur/candidatures/${id}/validation`);
      expect(response!.status(), id).toBe(404);
    }
    const evaluator = await pageFor(EMAILS.a);
    const forbidden = await evaluator.goto(`${portal.url}/certificateur/candidatures/${candidacyId}/validation`);
    expect(forbidden!.status()).toBe(403);
    await Promise.all([candidate, staff, evaluator].map((p) => p.context().close()));
  });

  it("lets staff read the minutes and validate the decision, without JavaScript, after confirming", async () => {
    const staff = await pageFor(EMAILS.staff, false);
    await staff.goto(`${portal.url}/certificateur/candidatures/${candidacyId}`);
    await staff.getByRole("link", { name: "Valider la décision (procès-verbal)" }).click();
    await staff.getByRole("heading", { name: "Validation de la décision" }).waitFor();
    const main = await staff.locator("main").innerText();
    expect(main).toContain("Délai dépassé");
    expect(main).toMatch(/C2\.3 .+45,0 %/);
    expect(main).toContain(RECOMMENDATIONS.B2);
    expect(main).toMatch(/Évaluateur A : .+ signé le/);
    expect(main).toMatch(/Évaluateur B : .+ signé le/);
    await expectAccessible(staff);
    await expectUsableOnPhone(staff);

    await staff.getByRole("button", { name: "Valider la décision" }).click();
    await staff.getByText("Cochez la case pour confirmer que vous avez vérifié le procès-verbal.").waitFor();
    await staff.getByLabel("J'ai vérifié le procès-verbal signé par les deux évaluateurs.").check();
    await staff.getByRole("button", { name: "Valider la décision" }).click();
    await staff.getByText("La décision est validée").waitFor();
    await expectAccessible(staff);
    expect(await staff.getByRole("button", { name: "Valider la décision" }).count()).toBe(0);
    await staff.context().close();
  });

  it("shows the candidate the blocs awarded and not, the competency under the floor and the recommendations", async () => {
    const candidate = await pageFor(EMAILS.candidate);
    await candidate.goto(`${portal.url}/candidat`);
    const home = await candidate.locator("main").innerText();
    expect(home).not.toContain("Certifié");
    await expectAccessible(candidate);
    await candidate.getByRole("link", { name: "Voir mon résultat" }).click();
    await candidate.getByRole("heading", { name: "Mon résultat", level: 1 }).waitFor();
    const text = await candidate.locator("main").innerText();
    expect(text).not.toContain("Certifié");
    expect(text).toMatch(/B1 — .+ : bloc obtenu/);
    expect(text).toMatch(/B2 — .+ : bloc non obtenu/);
    expect(text).toMatch(/C2\.3 .+ : 45,0 %/);
    expect(text).not.toMatch(/C2\.1 /);
    expect(text).toContain(RECOMMENDATIONS.B2);
    expect(text).toContain("La moyenne n'atteint pas les 70 % requis.");
    expect(text).toContain("obtenu à l'issue de cette candidature");
    expect(text).toContain("Un évaluateur a déclaré n'avoir aucun lien avec vous");
    // Never an evaluator's own score.
    expect(text).not.toMatch(/41[,.]3|48[,.]7/);
    if (calendarYearInFrance(requestedAt) === calendarYearInFrance(new Date())) {
      expect(text).toContain(`à partir du 1er janvier ${calendarYearInFrance(new Date()) + 1}`);
    }
    await expectAccessible(candidate);
    await expectUsableOnPhone(candidate);

    await candidate.getByRole("button", { name: "Déposer une nouvelle demande pour les blocs manquants" }).click();
    await candidate.waitForURL((url) => /\/candidat\/candidatures\/[0-9a-f-]{36}$/.test(url.pathname));
    expect(candidate.url()).not.toContain(candidacyId);
    await candidate.getByText("Blocs visés : B2, B3").waitFor();
    await expectAccessible(candidate);

    // Back on the result page, the new candidacy is the one to follow: no second one is offered.
    await candidate.goto(`${portal.url}/candidat/candidatures/${candidacyId}/resultat`);
    await candidate.getByRole("link", { name: "Suivre ma nouvelle candidature" }).waitFor();
    expect(
      await candidate.getByRole("button", { name: "Déposer une nouvelle demande pour les blocs manquants" }).count(),
    ).toBe(0);
    await candidate.context().close();
  });
});
