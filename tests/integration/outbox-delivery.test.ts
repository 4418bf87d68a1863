// Delivering the outbox for real: a slow SMTP server and two workers at once (each message exactly once), the
// attempt limit and the dead letters, a retry by an admin, and leases given back when a worker stops.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { enqueueOutbox } from "../../db/queries/candidacies";
import type { Database } from "../../db/schema";
import { createCandidacy, sendCandidacyEvent } from "../../app/services/candidacies.server";
import { emailDeliverer } from "../../app/services/email-delivery.server";
import { createMailer } from "../../app/services/mailer.server";
import { deliverOutbox } from "../../app/services/worker.server";
import { CQP_CODE, createUser, seedCertifications } from "./support/fixtures";
import { type SmtpTestServer, startSmtpTestServer } from "./support/smtp-test-server";
import { type TestDatabase, createTestDatabase } from "./support/test-database";

let testDb: TestDatabase;
let db: Kysely<Database>;
let mailDir: string;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.handle.db;
  await seedCertifications(db);
  mailDir = mkdtempSync(path.join(tmpdir(), "vae-outbox-"));
});
afterAll(async () => {
  await testDb?.drop();
  if (mailDir) rmSync(mailDir, { recursive: true, force: true });
});
beforeEach(async () => {
  await db.deleteFrom("outbox").execute();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function pendingCount(): Promise<number> {
  const rows = await db.selectFrom("outbox").select("id").where("processed_at", "is", null).execute();
  return rows.length;
}

const from = "Portail VAE <ne-pas-repondre@vae.localhost>";

/** One filed request (its own "request received" e-mail), then `extra` more e-mails about it, all due now. */
async function pendingEmails(extra: number): Promise<{ candidacyId: string; candidateId: string; ids: string[] }> {
  const candidateId = await createUser(db, "candidate", "Inès Candidate");
  const created = await createCandidacy(db, candidateId, CQP_CODE);
  if (!created.ok) throw new Error(created.message);
  const filed = await sendCandidacyEvent(db, created.candidacyId, {
    type: "SUBMIT_REQUEST",
    sworn: true,
    actor: { type: "user", userId: candidateId, role: "candidate" },
    at: new Date().toISOString(),
  });
  if (!filed.ok) throw new Error(filed.message);
  const [first] = await db.selectFrom("outbox").select("payload").where("candidacy_id", "=", created.candidacyId).execute();
  if (extra > 0) {
    await enqueueOutbox(
      db,
      Array.from({ length: extra }, () => ({
        topic: "email",
        payload: first!.payload,
        candidacyId: created.candidacyId,
        availableAt: new Date(),
      })),
    );
  }
  const rows = await db.selectFrom("outbox").select("id").where("candidacy_id", "=", created.candidacyId).orderBy("id").execute();
  return { candidacyId: created.candidacyId, candidateId, ids: rows.map((r) => r.id) };
}

function smtpDeliverer(smtp: SmtpTestServer) {
  return emailDeliverer(db, createMailer({ from, smtpUrl: smtp.url, mailDir }), "https://vae.exemple.fr");
}

describe(`outbox delivery (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("delivers each message exactly once with two workers on a slow SMTP server, even past the lease", async () => {
    const { ids } = await pendingEmails(11);
    const slowest = `outbox-${ids[2]}@vae-portal`;
    // 250 ms a message, and one that takes 2.5 times the lease: the lease must be extended while it is sent.
    const smtp = await startSmtpTestServer({ delayMs: (messageId) => (messageId === slowest ? 2500 : 250) });
    try {
      // Two workers as two portals run them: a pass every 200 ms (each with its own clock reading), the second
      // portal started a little later, until nothing is left to send.
      const worker = async (startAfterMs: number) => {
        await sleep(startAfterMs);
        const deliver = smtpDeliverer(smtp);
        const total = { delivered: 0, failed: 0 };
        while (await pendingCount()) {
          const pass = await deliverOutbox(db, deliver, undefined, { leaseSeconds: 1 });
          total.delivered += pass.delivered;
          total.failed += pass.failed;
          await sleep(200);
        }
        return total;
      };
      const [a, b] = await Promise.all([worker(0), worker(600)]);
      expect(a.delivered + b.delivered).toBe(ids.length);
      expect(a.delivered).toBeGreaterThan(0);
      expect(b.delivered).toBeGreaterThan(0);
      const counts = smtp.countsByMessageId();
      expect([...counts.keys()].sort()).toEqual(ids.map((id) => `outbox-${id}@vae-portal`).sort());
      expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      const pending = await db.selectFrom("outbox").select("id").where("processed_at", "is", null).execute();
      expect(pending).toEqual([]);
    } finally {
      await smtp.close();
    }
  });
});
