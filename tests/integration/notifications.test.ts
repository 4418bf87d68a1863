// From a workflow event to an e-mail file: the event writes the notification to the outbox, the worker renders the
// French template for the recipient and the mailer stores it as an .eml file (the embedded default).
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCandidacy, sendCandidacyEvent } from "../../app/services/candidacies.server";
import { emailDeliverer } from "../../app/services/email-delivery.server";
import { createMailer, listStoredEmails, readStoredEmail } from "../../app/services/mailer.server";
import { deliverOutbox, runWorkerOnce } from "../../app/services/worker.server";
import { CQP_CODE, attachRequestDocuments, createUser, seedCertifications } from "./support/fixtures";
import { type TestDatabase, createTestDatabase } from "./support/test-database";

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
  await seedCertifications(testDb.handle.db);
});
afterAll(async () => {
  await testDb?.drop();
});

describe(`notifications (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("sends the candidate the French e-mails of their request, incomplete then admissible, once each", async () => {
    const db = testDb.handle.db;
    const mailDir = mkdtempSync(path.join(tmpdir(), "vae-mail-"));
    const mailer = createMailer({ from: "Portail VAE <ne-pas-repondre@vae.localhost>", smtpUrl: undefined, mailDir });
    const deliver = emailDeliverer(db, mailer, "https://vae.exemple.fr");
    const candidateId = await createUser(db, "candidate", "Zoé Martin");
    const officerId = await createUser(db, "admissibility_officer", "Olivier Officier");
    const created = await createCandidacy(db, candidateId, CQP_CODE);
    if (!created.ok) throw new Error(created.message);
    const id = created.candidacyId;
    await attachRequestDocuments(db, id);
    const candidate = { type: "user" as const, userId: candidateId, role: "candidate" as const };
    const officer = { type: "user" as const, userId: officerId, role: "admissibility_officer" as const };
    await sendCandidacyEvent(db, id, {
      type: "SUBMIT_REQUEST",
      sworn: true,
      actor: candidate,
      at: "2026-03-02T09:00:00.000Z",
    });
    await sendCandidacyEvent(db, id, { type: "OPEN_REVIEW", actor: officer, at: "2026-03-03T09:00:00.000Z" });
    await sendCandidacyEvent(db, id, {
      type: "MARK_INCOMPLETE",
      reason: "Il manque l'attestation de l'employeur <Durand & Fils>.",
      actor: officer,
      at: "2026-03-04T09:00:00.000Z",
    });

    expect(await deliverOutbox(db, deliver, new Date("2026-03-04T09:00:01.000Z"))).toEqual({ delivered: 2, failed: 0 });
    const stored = await listStoredEmails(mailDir);
    expect(stored.map((m) => m.subject)).toHaveLength(2);
    const incomplete = stored.find((m) => /incompl/i.test(m.subject))!;
    expect(incomplete.to).toContain("@exemple.fr");
    const body = (await readStoredEmail(mailDir, incomplete.fileName))!;
    expect(body.text).toContain("Bonjour Zoé Martin");
    expect(body.text).toContain("Il manque l'attestation de l'employeur <Durand & Fils>.");
    expect(body.html).toContain("&lt;Durand &amp; Fils&gt;");
    expect(body.text).toContain("https://vae.exemple.fr/");

    // A second pass sends nothing new: every message is delivered once.
    expect(await runWorkerOnce(db, deliver, new Date("2026-03-04T10:00:00.000Z"))).toMatchObject({
      outbox: { delivered: 0, failed: 0 },
    });
    expect(readdirSync(mailDir).filter((f) => f.endsWith(".eml"))).toHaveLength(2);
  });
});
