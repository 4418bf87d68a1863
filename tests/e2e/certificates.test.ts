// Certificates in the browser, end to end: certifier staff validate a partial result, the portal's worker issues the
// attestation of blocs, the candidate downloads its PDF from their page, its printed verification URL (read back with
// pdftotext, no QR scan) says it is valid; the same page tells the downloaded PDF from a copy with one byte changed,
// and checks the signed credential; staff find it in the registry and revoke it (without JavaScript), after which
// the page says "révoqué" with the date and the credential no longer verifies. Every new page passes axe and fits a
// phone; who may not see a certificate gets a 404, a 403 or the login page.
import { execFileSync } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Lifecycle } from "../integration/support/decided-candidacy";
import { CQP_CODE } from "../integration/support/fixtures";
import { expectAccessible, expectUsableOnPhone } from "./support/axe";
import {
  DEMO,
  type Stage,
  addCandidate,
  demoName,
  pageFor,
  passwordOf,
  preparedStage,
  userIds,
} from "./support/journeys";

const OTHER = { email: "ines.other@exemple.fr", name: "Inès Autre", password: "Brioche-Feuilletée-2026" };
const DAY = 24 * 3600_000;

let stage: Stage;
let candidacyId = "";
let work: string;

/** A port free now, so that the portal's PUBLIC_URL (printed on the documents) is the address the browser uses. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "vae-e2e-certificates-files-"));
  const port = await freePort();
  const env = { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` };
  stage = await preparedStage(
    "certificates",
    async (db) => {
      const id = await userIds(db);
      await addCandidate(db, OTHER.email, OTHER.name, OTHER.password);
      const life = new Lifecycle(
        db,
        {
          candidate: id(DEMO.candidate),
          officer: id(DEMO.officer),
          staff: id(DEMO.staff),
          a: id(DEMO.a),
          b: id(DEMO.b),
        },
        Date.now() - 20 * DAY,
        { a: passwordOf(DEMO.a), b: passwordOf(DEMO.b) },
      );
      candidacyId = await life.decided(CQP_CODE);
    },
    env,
  );
}, 240_000);
afterAll(async () => {
  await stage?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const url = (p: string) => `${stage.portal.url}${p}`;

/** A page with no session: what an employer sees. */
async function anonymousPage(javaScriptEnabled = true): Promise<Page> {
  const context = await stage.browser.newContext({ locale: "fr-FR", javaScriptEnabled });
  return context.newPage();
}

async function downloadFrom(page: Page, linkName: RegExp | string, fileName: string): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: linkName }).first().click(),
  ]);
  const target = path.join(work, fileName);
  await download.saveAs(target);
  return target;
}

let certificateId = "";
let pdfPath = "";
let jwt = "";
let verificationUrl = "";

describe("certificates in the browser", () => {
  it("issues the attestation once staff validate a partial result, and the candidate downloads it", async () => {
    const staff = await pageFor(stage, DEMO.staff);
    await staff.goto(url(`/certificateur/candidatures/${candidacyId}/validation`));
    await staff.getByLabel("J'ai vérifié le procès-verbal signé par les deux évaluateurs.").check();
    await staff.getByRole("button", { name: "Valider la décision" }).click();
    await staff.getByText("La décision est validée").waitFor();

    const candidate = await pageFor(stage, DEMO.candidate);
    await candidate.goto(url("/candidat"));
    await candidate.getByRole("link", { name: /Mes certifications : blocs acquis/ }).click();
    await candidate.getByRole("heading", { name: "Mes certifications", level: 1 }).waitFor();
    // The worker runs every second: the page says "en cours d'émission" until it has issued the attestation.
    const deadline = Date.now() + 60_000;
    while ((await candidate.getByRole("link", { name: /Télécharger le PDF/ }).count()) === 0) {
      if (Date.now() > deadline) throw new Error(`no attestation issued:\n${stage.portal.output().slice(-3000)}`);
      await candidate.waitForTimeout(1000);
      await candidate.reload();
    }
    const main = await candidate.locator("main").innerText();
    expect(main).toContain("Attestation de blocs de compétences");
    expect(main).toMatch(/valide/);
    expect(main).toMatch(/B1 — .+/);
    await expectAccessible(candidate);
    await expectUsableOnPhone(candidate);
    const href = await candidate.getByRole("link", { name: /Télécharger le PDF/ }).getAttribute("href");
    certificateId = /\/certificats\/([0-9a-f-]{36})\/pdf/.exec(href ?? "")![1]!;

    pdfPath = await downloadFrom(candidate, /Télécharger le PDF/, "attestation.pdf");
    expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe("%PDF-");
    const jwtPath = await downloadFrom(candidate, /attestation numérique \(\.jwt\)/, "attestation.jwt");
    expect(path.extname(jwtPath)).toBe(".jwt");
    jwt = readFileSync(jwtPath, "utf8").trim();
    expect(jwt.split(".")).toHaveLength(3);
    const response = await candidate.request.get(url(`/certificats/${certificateId}/credential`));
    expect(response.headers()["content-type"]).toContain("application/vc+jwt");
    expect(response.headers()["content-disposition"]).toMatch(/^attachment; filename=".+\.jwt"/);

    // The candidate's result page leads there too.
    await candidate.goto(url(`/candidat/candidatures/${candidacyId}/resultat`));
    expect(await candidate.getByRole("link", { name: /Mes certifications/ }).count()).toBeGreaterThan(0);
    await staff.context().close();
    await candidate.context().close();
  }, 120_000);

  it("follows the verification URL printed in the PDF, which says the attestation is valid", async () => {
    const text = execFileSync("pdftotext", ["-layout", pdfPath, "-"], { encoding: "utf8" });
    const printed = /https?:\/\/\S+\/verifier\/[0-9A-Z-]+/.exec(text);
    expect(printed, text).not.toBeNull();
    verificationUrl = printed![0];
    expect(verificationUrl.startsWith(`${stage.portal.url}/verifier/`)).toBe(true);
    const visitor = await anonymousPage();
    const response = await visitor.goto(verificationUrl);
    expect(response!.status()).toBe(200);
    expect(response!.headers()["x-robots-tag"]).toBe("noindex");
    expect(await visitor.locator('meta[name="robots"]').getAttribute("content")).toBe("noindex");
    await visitor.getByText("Document valide.").waitFor();
    const main = await visitor.locator("main").innerText();
    expect(main).toContain("Attestation de blocs de compétences");
    expect(main).toContain("Commercial sédentaire");
    expect(main).not.toContain("@");
    await expectAccessible(visitor);
    await expectUsableOnPhone(visitor);

    // An unknown code answers the same page, saying nothing matches.
    await visitor.goto(url("/verifier/ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZ"));
    await visitor.getByText("Aucun document valide ne correspond à ce code.").waitFor();
    await visitor.getByRole("heading", { name: "Ce que le portail atteste" }).waitFor();
    await expectAccessible(visitor);
    await visitor.context().close();
  });

  it("tells the issued PDF from a copy with one byte changed, and checks the credential", async () => {
    const visitor = await anonymousPage();
    await visitor.goto(verificationUrl);
    await visitor.getByLabel("Fichier PDF du document").setInputFiles(pdfPath);
    await visitor.getByRole("button", { name: "Comparer le PDF" }).click();
    await visitor.getByText("Identique au document délivré").waitFor();
    expect(await visitor.locator("#pdf-verdict").innerText()).toContain("édition 1");

    const bytes = readFileSync(pdfPath);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0x01;
    const modified = path.join(work, "attestation-modifiee.pdf");
    writeFileSync(modified, bytes);
    await visitor.getByLabel("Fichier PDF du document").setInputFiles(modified);
    await visitor.getByRole("button", { name: "Comparer le PDF" }).click();
    await visitor.getByText("Différent du document délivré").waitFor();

    await visitor.getByLabel("Contenu de l'attestation numérique").fill(jwt);
    await visitor.getByRole("button", { name: "Vérifier l'attestation numérique" }).click();
    await visitor.getByText("Attestation numérique valide.").waitFor();
    await expectAccessible(visitor);

    await visitor.getByLabel("Contenu de l'attestation numérique").fill(`${jwt.slice(0, -4)}AAAA`);
    await visitor.getByRole("button", { name: "Vérifier l'attestation numérique" }).click();
    await visitor.getByText("Attestation numérique non valide.").waitFor();
    expect(await visitor.locator("#credential-verdict").innerText()).toContain("signature invalide");
    await visitor.context().close();
  });

  it("lets staff find the attestation in the registry and revoke it without JavaScript; verification then says revoked", async () => {
    const staff = await pageFor(stage, DEMO.staff, { javaScriptEnabled: false });
    await staff.goto(url("/certificateur"));
    await staff.getByRole("link", { name: "Registre des certificats délivrés" }).click();
    await staff.getByRole("heading", { name: "Registre des certificats", level: 1 }).waitFor();
    await expectAccessible(staff);
    await expectUsableOnPhone(staff);
    await staff
      .getByLabel("Nom du titulaire ou numéro")
      .fill(demoName(DEMO.candidate).split(" ").at(-1)!.toLowerCase());
    await staff.getByRole("button", { name: "Filtrer" }).click();
    await staff
      .getByRole("link", { name: /^[A-Z0-9]+-\d{4}-\d{6}$/ })
      .first()
      .click();
    await staff.getByRole("heading", { name: /Attestation de blocs de compétences n°/ }).waitFor();
    expect(staff.url()).toContain(certificateId);
    await expectAccessible(staff);
    await expectUsableOnPhone(staff);

    // Refused without a reason or without the confirmation, in French, nothing changed.
    await staff.getByRole("button", { name: "Révoquer le document" }).click();
    await staff.getByText("Indiquez le motif de la révocation.").waitFor();
    await staff.getByLabel("Motif de la révocation").fill("Fraude établie sur les pièces");
    await staff.getByRole("button", { name: "Révoquer le document" }).click();
    await staff.getByText("Cochez la case pour confirmer la révocation").waitFor();
    await expectAccessible(staff);
    await staff.getByLabel("Je confirme la révocation de ce document.").check();
    await staff.getByRole("button", { name: "Révoquer le document" }).click();
    await staff.getByText("Le document est révoqué").waitFor();
    expect(await staff.locator("main").innerText()).toContain("Fraude établie sur les pièces");
    await staff.context().close();

    const visitor = await anonymousPage(false);
    await visitor.goto(verificationUrl);
    const verdict = await visitor.getByRole("status").first().innerText();
    expect(verdict).toMatch(/Document révoqué le \d{1,2}(er)? \S+ \d{4}/);
    // The credential stops verifying; the page works without JavaScript.
    await visitor.getByLabel("Contenu de l'attestation numérique").fill(jwt);
    await visitor.getByRole("button", { name: "Vérifier l'attestation numérique" }).click();
    await visitor.getByText("Attestation numérique non valide.").waitFor();
    expect(await visitor.locator("#credential-verdict").innerText()).toContain("révoqué");
    await expectAccessible(visitor);
    await visitor.context().close();
  });

  it("types a code on /verifier without JavaScript and lands on its page", async () => {
    const visitor = await anonymousPage(false);
    await visitor.goto(url("/verifier"));
    await expectAccessible(visitor);
    await expectUsableOnPhone(visitor);
    const code = verificationUrl.split("/verifier/")[1]!;
    await visitor.getByLabel("Code de vérification").fill(code.toLowerCase().replace(/-/g, " "));
    await visitor.getByRole("button", { name: "Vérifier" }).click();
    await visitor.getByRole("heading", { name: "Vérification d'un document" }).waitFor();
    await visitor
      .getByText(/Document révoqué/)
      .first()
      .waitFor();
    await visitor.context().close();
  });

  it("refuses certificates to whoever is not their holder or certifier staff", async () => {
    const other = await pageFor(stage, OTHER.email);
    for (const p of [`/certificats/${certificateId}/pdf`, `/certificats/${certificateId}/credential`]) {
      expect((await other.request.get(url(p))).status()).toBe(404);
    }
    const own = await other.goto(url("/candidat/certifications"));
    expect(own!.status()).toBe(200);
    await other.getByText("Aucun certificat ni aucune attestation ne vous a encore été délivré.").waitFor();
    expect((await other.request.get(url("/certificateur/certificats"))).status()).toBe(403);
    await other.context().close();

    const evaluator = await pageFor(stage, DEMO.a);
    for (const p of [
      `/certificats/${certificateId}/pdf`,
      `/certificats/${certificateId}/credential`,
      "/certificateur/certificats",
      `/certificateur/certificats/${certificateId}`,
      "/candidat/certifications",
    ]) {
      expect([403, 404], p).toContain((await evaluator.request.get(url(p))).status());
    }
    await evaluator.context().close();

    const anonymous = await anonymousPage();
    for (const p of [
      "/certificateur/certificats",
      `/certificateur/certificats/${certificateId}`,
      "/candidat/certifications",
    ]) {
      await anonymous.goto(url(p));
      expect(new URL(anonymous.url()).pathname).toBe("/connexion");
    }
    const pdf = await anonymous.request.get(url(`/certificats/${certificateId}/pdf`), { maxRedirects: 0 });
    expect(pdf.status()).toBe(302);
    await anonymous.context().close();

    // Staff download any document.
    const staff = await pageFor(stage, DEMO.staff);
    const response = await staff.request.get(url(`/certificats/${certificateId}/pdf?edition=1`));
    expect(response.status()).toBe(200);
    expect(Buffer.from(await response.body()).equals(readFileSync(pdfPath))).toBe(true);
    expect((await staff.request.get(url(`/certificats/${certificateId}/pdf?edition=7`))).status()).toBe(404);
    await staff.context().close();
  });
});
