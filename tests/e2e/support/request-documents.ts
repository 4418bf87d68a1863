// The documents of an admissibility request, uploaded in the browser from /candidat/candidatures/:id/pieces as a
// candidate does: one document at a time, and the three a request cannot be filed without.
import type { Page } from "playwright-core";
import { pdfBytes } from "../../integration/support/candidate-files";
import { expectAccessible } from "./axe";

export interface DocumentFields {
  kind: string;
  employer?: string;
  periodStart?: string;
  periodEnd?: string;
}

export interface UploadedFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** Fills the "Ajouter un document" form of the page already open and sends it (without waiting for the answer). */
export async function uploadRequestDocument(page: Page, fields: DocumentFields, file: UploadedFile): Promise<void> {
  await page.getByLabel("Type de document").selectOption(fields.kind);
  if (fields.employer) await page.getByLabel("Employeur ou structure").fill(fields.employer);
  if (fields.periodStart) await page.getByLabel("Début de la période couverte").fill(fields.periodStart);
  if (fields.periodEnd) await page.getByLabel("Fin de la période couverte").fill(fields.periodEnd);
  await page.getByLabel("Fichier", { exact: true }).setInputFiles(file);
  await page.getByRole("button", { name: "Ajouter le document" }).click();
}

const pdf = (name: string): UploadedFile => ({ name, mimeType: "application/pdf", buffer: pdfBytes(name) });

/**
 * Uploads an identity document, a proof of activity and the sworn statement to the request of the candidacy at
 * candidacyUrl (its page, /candidat/candidatures/:id), then comes back to that page.
 */
export async function attachRequiredDocuments(page: Page, candidacyUrl: string): Promise<void> {
  await page.goto(`${candidacyUrl}/pieces`);
  const documents: [DocumentFields, UploadedFile][] = [
    [{ kind: "identity" }, pdf("piece-identite.pdf")],
    [
      { kind: "activity_proof", employer: "Crèmerie Lemoine", periodStart: "2021-09-01", periodEnd: "2024-08-31" },
      pdf("attestation-employeur.pdf"),
    ],
    [{ kind: "sworn_statement" }, pdf("declaration-honneur.pdf")],
  ];
  for (const [fields, file] of documents) {
    await uploadRequestDocument(page, fields, file);
    await page.getByRole("link", { name: file.name }).waitFor();
  }
  await expectAccessible(page);
  await page.goto(candidacyUrl);
  await expectAccessible(page);
}
