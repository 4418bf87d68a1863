// The candidate's files in the browser: the request's documents (with the limit shown and enforced before upload,
// a renamed program refused, the declared experience), the officer reading them, the identity document removed
// after the decision; then the dossier: a narrative per competency, evidence tied to competencies, the coverage
// matrix, the submission that lists what is missing and asks confirmation; staff reading the filed version, its PDF
// and its ZIP. A second portal on an S3 server serves downloads through presigned URLs.
import { createHash } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS } from "../../app/services/demo-accounts.server";
import { elfBytes, pdfBytes, pngBytes } from "../integration/support/candidate-files";
import { type TestS3Server, startS3Server } from "../integration/support/s3-server";
import { expectAccessible, expectUsableOnPhone, visit } from "./support/axe";
import { type RunningPortal, launchBrowser, logIn, startPortal } from "./support/portal";
import { uploadRequestDocument } from "./support/request-documents";

const password = (email: string) => DEMO_ACCOUNTS.find((a) => a.email === email)!.password;
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const LIMIT = 1024 * 1024;

let portal: RunningPortal;
let browser: Browser;
let candidate: Page;
let officer: Page;
let staff: Page;
let candidacyUrl = "";

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal({ UPLOAD_MAX_BYTES: String(LIMIT) }), launchBrowser()]);
  candidate = await (await browser.newContext({ locale: "fr-FR" })).newPage();
  officer = await (await browser.newContext({ locale: "fr-FR" })).newPage();
  staff = await (await browser.newContext({ locale: "fr-FR" })).newPage();
  await logIn(candidate, portal, "candidat@demo.example.org", password("candidat@demo.example.org"));
  await logIn(officer, portal, "recevabilite@demo.example.org", password("recevabilite@demo.example.org"));
  await logIn(staff, portal, "certificateur@demo.example.org", password("certificateur@demo.example.org"));
});
afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe("the request's documents", () => {
  it("shows the limit before upload and refuses an oversize file in the browser", async () => {
    await visit(candidate, `${portal.url}/candidat`);
    await expectUsableOnPhone(candidate);
    await candidate.getByRole("button", { name: "Démarrer ma candidature" }).click();
    await candidate.getByRole("heading", { name: "Déposer ma demande de recevabilité" }).waitFor();
    candidacyUrl = candidate.url();
    await expectUsableOnPhone(candidate);
    await candidate.getByRole("link", { name: "Gérer les pièces de ma demande" }).click();
    await candidate.getByRole("heading", { name: "Pièces de ma demande", exact: true }).waitFor();
    await expectAccessible(candidate);
    expect(await candidate.locator("main").innerText()).toContain("1 Mo au maximum par fichier");
    await candidate.getByLabel("Type de document").selectOption("identity");
    await candidate.getByLabel("Fichier", { exact: true }).setInputFiles({
      name: "scan-enorme.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.concat([pdfBytes(), Buffer.alloc(LIMIT)]),
    });
    await candidate.getByText(/« scan-enorme\.pdf » \(1 Mo\) dépasse la taille maximale autorisée de 1 Mo/).waitFor();
    expect(await candidate.getByRole("button", { name: "Ajouter le document" }).isDisabled()).toBe(true);
    await expectAccessible(candidate);
  });

  it("refuses a program renamed .pdf, whatever its extension says", async () => {
    await candidate.reload();
    await uploadRequestDocument(
      candidate,
      { kind: "identity" },
      { name: "carte.pdf", mimeType: "application/pdf", buffer: elfBytes() },
    );
    await candidate.getByText(/« carte\.pdf » n'est pas d'un type accepté/).waitFor();
    await expectAccessible(candidate);
    expect(await candidate.getByText("Aucun document joint pour le moment.").isVisible()).toBe(true);
  });

  it("stores typed documents, shows the declared experience, and serves them to their owner only", async () => {
    const identity = pdfBytes("identite");
    await uploadRequestDocument(
      candidate,
      { kind: "identity" },
      { name: "carte-identité.pdf", mimeType: "application/pdf", buffer: identity },
    );
    await candidate.getByText("Le document a été ajouté à votre demande.").waitFor();
    await uploadRequestDocument(
      candidate,
      { kind: "activity_proof", employer: "Fromagerie Dupont", periodStart: "2022-01-01", periodEnd: "2023-06-30" },
      { name: "attestation.png", mimeType: "image/png", buffer: pngBytes() },
    );
    await candidate.getByRole("link", { name: "attestation.png" }).waitFor();
    expect(await candidate.getByTestId("declared-experience").innerText()).toContain("1 an et 6 mois");
    // The documents table, with its long file names, fits a phone.
    await expectUsableOnPhone(candidate);

    const href = await candidate.getByRole("link", { name: "carte-identité.pdf" }).getAttribute("href");
    const response = await candidate.request.get(`${portal.url}${href}`);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("application/pdf");
    expect(response.headers()["content-disposition"]).toMatch(
      /^inline; filename="carte-identite\.pdf"; filename\*=UTF-8''carte-identit%C3%A9\.pdf$/,
    );
    expect(sha256(await response.body())).toBe(sha256(identity));
    // The request is still a draft: not even an officer may read it; nor may anyone a made-up id.
    expect((await officer.request.get(`${portal.url}${href}`)).status()).toBe(404);
    // Another candidate asking for this file id gets the same 404 as for a file that does not exist.
    const other = await (await browser.newContext({ locale: "fr-FR" })).newPage();
    await visit(other, `${portal.url}/inscription`);
    await other.getByLabel("Prénom et nom").fill("Dominique Autre");
    await other.getByLabel("Adresse e-mail").fill("dominique.autre@exemple.fr");
    await other.getByLabel("Mot de passe", { exact: true }).fill("Tartelette-2026-autre");
    await other.getByLabel("Confirmer le mot de passe").fill("Tartelette-2026-autre");
    await other.getByLabel(/J'accepte les conditions/).check();
    await other.getByRole("button", { name: "Créer mon compte" }).click();
    await other.waitForURL(/\/connexion\?inscription=1$/);
    await logIn(other, portal, "dominique.autre@exemple.fr", "Tartelette-2026-autre");
    await other.locator(".account__name").waitFor();
    const intruder = await other.request.get(`${portal.url}${href}`);
    expect(intruder.status()).toBe(404);
    expect(await intruder.text()).not.toContain("carte-identit");
    await other.close();
    expect((await candidate.request.get(`${portal.url}/fichiers/00000000-0000-4000-8000-000000000000`)).status()).toBe(
      404,
    );
  });

  it("lets the officer read the filed request's documents; the identity document goes once admissibility is decided", async () => {
    // The sworn statement completes the request: it can be filed.
    await uploadRequestDocument(
      candidate,
      { kind: "sworn_statement" },
      { name: "engagement.pdf", mimeType: "application/pdf", buffer: pdfBytes("engagement") },
    );
    await candidate.getByRole("link", { name: "engagement.pdf" }).waitFor();
    await visit(candidate, candidacyUrl);
    await candidate.getByLabel(/Je certifie sur l'honneur/).check();
    await candidate.getByRole("button", { name: "Déposer ma demande" }).click();
    await candidate.getByText("Recevabilité — en attente").waitFor();
    await expectUsableOnPhone(candidate);

    await visit(officer, `${portal.url}/recevabilite`);
    await expectUsableOnPhone(officer);
    await officer.getByRole("link", { name: "Camille Martin" }).click();
    await officer.getByRole("link", { name: "carte-identité.pdf" }).waitFor();
    await expectUsableOnPhone(officer);
    expect(await officer.getByTestId("declared-experience").innerText()).toContain("1 an et 6 mois");
    const href = await officer.getByRole("link", { name: "attestation.png" }).getAttribute("href");
    expect((await officer.request.get(`${portal.url}${href}`)).status()).toBe(200);
    await officer.getByRole("button", { name: "Commencer l'examen" }).click();
    await officer.getByText("L'examen de la demande a commencé.").waitFor();
    await officer.getByRole("button", { name: "Déclarer recevable" }).click();
    await officer.getByText("Votre décision est enregistrée").waitFor();
    await expectAccessible(officer);

    // The worker runs every second: the identity document leaves storage, its trace stays.
    await visit(candidate, `${candidacyUrl}/pieces`);
    for (
      let i = 0;
      i < 20 && !(await candidate.getByText(/Supprimé le .* après la décision de recevabilité/).isVisible());
      i++
    ) {
      await candidate.waitForTimeout(500);
      await candidate.reload();
    }
    await candidate.getByText(/Supprimé le .* après la décision de recevabilité/).waitFor();
    expect(await candidate.getByRole("link", { name: "carte-identité.pdf" }).count()).toBe(0);
    expect(await candidate.getByRole("button", { name: "Ajouter le document" }).count()).toBe(0);
    await expectUsableOnPhone(candidate);
  });
});

describe("the declarative dossier", () => {
  it("ties one piece of evidence to several competencies and shows the coverage", async () => {
    await visit(candidate, candidacyUrl);
    await candidate.getByRole("button", { name: "Commencer mon dossier" }).click();
    await candidate.getByRole("link", { name: "Rédiger mon dossier" }).waitFor();
    await expectAccessible(candidate);
    await candidate.getByRole("link", { name: "Rédiger mon dossier" }).click();
    await candidate.getByTestId("coverage-matrix").waitFor();
    await expectUsableOnPhone(candidate);
    await candidate.getByLabel("Légende").fill("Attestation de ma responsable de magasin");
    await candidate.getByLabel(/^C1\.1 /).check();
    await candidate.getByLabel(/^C1\.2 /).check();
    await candidate
      .getByLabel("Fichier", { exact: true })
      .setInputFiles({ name: "attestation-magasin.pdf", mimeType: "application/pdf", buffer: pdfBytes("magasin") });
    await candidate.getByRole("button", { name: "Ajouter la pièce" }).click();
    await candidate.getByText("La pièce a été ajoutée à votre dossier.").waitFor();
    const row = (code: string) => candidate.locator(`[data-competency="${code}"]`);
    await row("C1.1").getByText("1 pièce").waitFor();
    await row("C1.2").getByText("1 pièce").waitFor();
    expect(await row("C1.3").innerText()).toContain("Aucune");

    // A clearer scan replaces the file; the caption and competencies stay.
    await candidate.locator("summary", { hasText: "Remplacer le fichier" }).click();
    await candidate
      .getByLabel("Nouveau fichier")
      .setInputFiles({ name: "attestation-signee.pdf", mimeType: "application/pdf", buffer: pdfBytes("signee") });
    await candidate.getByRole("button", { name: "Remplacer le fichier" }).click();
    await candidate.getByRole("link", { name: "attestation-signee.pdf" }).waitFor();
    expect(await candidate.getByRole("link", { name: "attestation-magasin.pdf" }).count()).toBe(0);
    expect(await candidate.getByTestId("evidence").innerText()).toContain("Attestation de ma responsable de magasin");
    await expectUsableOnPhone(candidate);
  });

  it("refuses to file a dossier with competencies left unwritten, then asks confirmation for those without evidence", async () => {
    const submit = candidate.getByRole("button", { name: "Déposer la version 1" });
    expect(await submit.isDisabled()).toBe(true);
    expect(await candidate.locator("main").innerText()).toMatch(/Avant de déposer, rédigez le récit de : C1\.1, C1\.2/);

    const codes = await candidate
      .locator("[data-competency]")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-competency")!));
    await candidate.getByRole("link", { name: "Rédiger" }).first().click();
    for (const code of codes) {
      await candidate.getByRole("heading", { name: new RegExp(`^${code.replace(".", "\\.")} — `) }).waitFor();
      if (code === codes[0]) await expectUsableOnPhone(candidate);
      await candidate.getByLabel("Contexte").fill(`Au rayon fromagerie, situation de ${code}.`);
      await candidate.getByLabel("Ce que j'ai fait").fill(`J'ai mené l'activité ${code} de bout en bout.`);
      await candidate.getByLabel("Résultats").fill("Des clients satisfaits et fidèles.");
      await candidate.getByRole("button", { name: "Enregistrer mon récit" }).click();
      await candidate.getByText("Votre récit est enregistré.").waitFor();
      if (code === "C2.1") {
        // A piece added while writing, tied to the competency at hand.
        await candidate.locator("summary", { hasText: "Ajouter une pièce pour C2.1" }).click();
        await candidate.getByLabel("Légende").fill("Extrait du CRM avec mes fiches clients");
        await candidate
          .getByLabel("Fichier", { exact: true })
          .setInputFiles({ name: "crm.png", mimeType: "image/png", buffer: pngBytes() });
        await candidate.getByRole("button", { name: "Ajouter la pièce" }).click();
        await candidate.getByText("La pièce a été ajoutée et rattachée à C2.1.").waitFor();
        await candidate.getByRole("link", { name: "crm.png" }).waitFor();
        await expectUsableOnPhone(candidate);
      }
      const next = candidate.getByRole("link", { name: /→$/ });
      if ((await next.count()) === 0) break;
      await next.click();
    }
    await candidate.getByRole("link", { name: /← Mon dossier/ }).click();
    await candidate.getByRole("button", { name: "Déposer la version 1" }).click();
    await candidate
      .getByText(/Aucune pièce n'illustre les compétences C1\.3/)
      .first()
      .waitFor();
    await expectAccessible(candidate);
    await candidate.getByLabel(/Je confirme vouloir déposer mon dossier/).check();
    await candidate.getByRole("button", { name: "Déposer la version 1" }).click();
    await candidate.getByText("Votre dossier (version 1) a été déposé.").waitFor();
    await candidate.getByRole("button", { name: "Ajouter la pièce" }).waitFor({ state: "detached" });
    expect(await candidate.getByText("Dossier déposé").count()).toBeGreaterThan(0);
    await expectUsableOnPhone(candidate);
  });

  it("lets certifier staff read the filed version and download it as one PDF and its evidence as a ZIP", async () => {
    await visit(staff, `${portal.url}/certificateur/candidatures`);
    await expectUsableOnPhone(staff);
    await staff.getByRole("link", { name: "Camille Martin" }).first().click();
    await staff.getByRole("link", { name: /Lire le dossier déposé/ }).waitFor();
    await expectUsableOnPhone(staff);
    await staff.getByRole("link", { name: /Lire le dossier déposé/ }).click();
    await staff.getByRole("heading", { name: "Index des pièces" }).waitFor();
    await expectUsableOnPhone(staff);
    expect(await staff.locator("main").innerText()).toContain("J'ai mené l'activité C1.1 de bout en bout.");
    // Reached by a link above, the page's body came as loader data; loaded as a document, it is HTML the server
    // rendered once for the version and sent once, in the document (docs/decisions/035): the browser must keep it
    // through hydration (an error would be a page error), and show the same markup when navigating back to it.
    const pageErrors: string[] = [];
    staff.on("pageerror", (error) => pageErrors.push(error.message));
    const body = staff.locator(".filed-dossier");
    for (let load = 0; load < 2; load++) {
      await staff.goto(staff.url().replace(/\?.*$/, ""), { waitUntil: "networkidle" });
      await staff.getByRole("heading", { name: "Index des pièces" }).waitFor();
      await expect.poll(() => body.innerText()).toContain("J'ai mené l'activité C1.1 de bout en bout.");
    }
    const latest = await body.innerHTML();
    const document = await (await staff.request.get(staff.url())).text();
    expect(document.split("Extrait du CRM avec mes fiches clients").length - 1).toBe(1);
    await staff.getByRole("link", { name: /^Version 1 — / }).click();
    await staff.waitForURL(/\?version=1$/);
    await expect.poll(() => body.innerText()).toContain("Extrait du CRM avec mes fiches clients");
    await staff.goBack();
    await expect.poll(() => body.innerHTML()).toBe(latest);
    expect(pageErrors).toEqual([]);
    const pdf = await staff.request.get(
      `${portal.url}${await staff.getByRole("link", { name: /dossier \(PDF\)/ }).getAttribute("href")}`,
    );
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
    const zip = await staff.request.get(
      `${portal.url}${await staff.getByRole("link", { name: /pièces \(ZIP\)/ }).getAttribute("href")}`,
    );
    expect(zip.status()).toBe(200);
    expect(zip.headers()["content-type"]).toBe("application/zip");
    expect((await zip.body()).subarray(0, 2).toString()).toBe("PK");
    // An admissibility officer has no business reading the dossier.
    expect((await officer.request.get(staff.url())).status()).toBe(404);
  });
});

describe("downloads from an S3 store", () => {
  let s3: TestS3Server;
  let s3Portal: RunningPortal;
  beforeAll(async () => {
    s3 = await startS3Server({ bucket: "vae-e2e" });
    s3Portal = await startPortal({
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      S3_REGION: "us-east-1",
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: "true",
    });
  });
  afterAll(async () => {
    await s3Portal?.stop();
    await s3?.stop();
  });

  it("redirect to a presigned URL valid five minutes, with the file's name", async () => {
    const page = await (await browser.newContext({ locale: "fr-FR" })).newPage();
    await logIn(page, s3Portal, "candidat@demo.example.org", password("candidat@demo.example.org"));
    await visit(page, `${s3Portal.url}/candidat`);
    await page.getByRole("button", { name: "Démarrer ma candidature" }).click();
    await page.getByRole("link", { name: "Gérer les pièces de ma demande" }).click();
    await page.getByRole("heading", { name: "Pièces de ma demande", exact: true }).waitFor();
    await expectAccessible(page);
    const bytes = pdfBytes("s3");
    await uploadRequestDocument(
      page,
      { kind: "identity" },
      { name: "pièce d'identité.pdf", mimeType: "application/pdf", buffer: bytes },
    );
    const href = await page.getByRole("link", { name: "pièce d'identité.pdf" }).getAttribute("href");
    const redirect = await page.request.get(`${s3Portal.url}${href}`, { maxRedirects: 0 });
    expect(redirect.status()).toBe(302);
    const location = new URL(redirect.headers().location!);
    expect(location.origin).toBe(s3.endpoint);
    expect(location.searchParams.get("X-Amz-Expires")).toBe("300");
    const file = await page.request.get(location.href);
    expect(file.status()).toBe(200);
    expect(sha256(await file.body())).toBe(sha256(bytes));
    expect(file.headers()["content-disposition"]).toContain("filename*=UTF-8''pi%C3%A8ce%20d%27identit%C3%A9.pdf");
  });
});
