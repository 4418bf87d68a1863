// The request's documents with JavaScript disabled (a browser context with javaScriptEnabled: false): every kind of
// document can be uploaded from the plain HTML form, a proof of activity with its fields; a refusal shows its French
// message beside the field and keeps what was typed; the request is then filed, still without JavaScript.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS } from "../../app/services/demo-accounts.server";
import { pdfBytes, pngBytes } from "../integration/support/candidate-files";
import { expectAccessible, expectUsableOnPhone, visit } from "./support/axe";
import { type RunningPortal, launchBrowser, logIn, startPortal } from "./support/portal";
import { uploadRequestDocument } from "./support/request-documents";

const email = "candidat@demo.example.org";
const password = DEMO_ACCOUNTS.find((a) => a.email === email)!.password;

let portal: RunningPortal;
let browser: Browser;
let candidate: Page;
let candidacyUrl = "";

beforeAll(async () => {
  [portal, browser] = await Promise.all([startPortal(), launchBrowser()]);
  candidate = await (await browser.newContext({ locale: "fr-FR", javaScriptEnabled: false })).newPage();
  await logIn(candidate, portal, email, password);
});
afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

const added = () => candidate.getByText("Le document a été ajouté à votre demande.").waitFor();

describe("the request's documents without JavaScript", () => {
  it("uploads an identity document and a sworn statement, though the activity fields are on the page", async () => {
    await visit(candidate, `${portal.url}/candidat`);
    await candidate.getByRole("button", { name: "Démarrer ma candidature" }).click();
    await candidate.getByRole("heading", { name: "Déposer ma demande de recevabilité" }).waitFor();
    candidacyUrl = candidate.url();
    await expectUsableOnPhone(candidate);
    await visit(candidate, `${candidacyUrl}/pieces`);
    // Every kind's fields at once, as a browser without JavaScript shows them, still fit a phone.
    await expectUsableOnPhone(candidate);
    // Nothing runs in the page: every kind's fields are there, and none that only one kind needs is required.
    expect(await candidate.getByLabel("Employeur ou structure").isVisible()).toBe(true);
    expect(await candidate.locator("fieldset input[required]").count()).toBe(0);

    await uploadRequestDocument(
      candidate,
      { kind: "identity" },
      { name: "carte-identite.pdf", mimeType: "application/pdf", buffer: pdfBytes("cni") },
    );
    await added();
    await candidate.getByRole("link", { name: "carte-identite.pdf" }).waitFor();
    await uploadRequestDocument(
      candidate,
      { kind: "sworn_statement" },
      { name: "engagement.pdf", mimeType: "application/pdf", buffer: pdfBytes("engagement") },
    );
    await added();
    await candidate.getByRole("link", { name: "engagement.pdf" }).waitFor();
    expect(await candidate.locator("tbody tr").allInnerTexts()).toEqual([
      expect.stringContaining("Pièce d'identité"),
      expect.stringContaining("Déclaration sur l'honneur signée"),
    ]);
    await expectUsableOnPhone(candidate);
  });

  it("asks a proof of activity for its employer beside the field, keeping what was typed, then stores it", async () => {
    await uploadRequestDocument(
      candidate,
      { kind: "activity_proof", periodStart: "2021-09-01", periodEnd: "2024-08-31" },
      { name: "bulletins.png", mimeType: "image/png", buffer: pngBytes() },
    );
    const employerField = candidate.locator(".field", { has: candidate.getByLabel("Employeur ou structure") });
    await employerField.getByText("Indiquez l'employeur ou la structure concernée.").waitFor();
    await expectAccessible(candidate);
    expect(await candidate.getByLabel("Type de document").inputValue()).toBe("activity_proof");
    expect(await candidate.getByLabel("Début de la période couverte").inputValue()).toBe("2021-09-01");
    expect(await candidate.getByLabel("Fin de la période couverte").inputValue()).toBe("2024-08-31");

    await uploadRequestDocument(
      candidate,
      { kind: "activity_proof", employer: "Crèmerie Lemoine" },
      { name: "bulletins.png", mimeType: "image/png", buffer: pngBytes() },
    );
    await added();
    await candidate.getByRole("link", { name: "bulletins.png" }).waitFor();
    expect(await candidate.getByTestId("declared-experience").innerText()).toContain("3 ans");
    expect(await candidate.locator("tbody").innerText()).toContain("Crèmerie Lemoine");
  });

  it("files the complete request", async () => {
    await visit(candidate, candidacyUrl);
    expect(await candidate.getByRole("note").count()).toBe(0);
    await candidate.getByLabel(/Je certifie sur l'honneur/).check();
    await candidate.getByRole("button", { name: "Déposer ma demande" }).click();
    await candidate.getByText("Recevabilité — en attente").waitFor();
    await expectUsableOnPhone(candidate);
  });
});
