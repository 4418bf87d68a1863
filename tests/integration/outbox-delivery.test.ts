// Delivering the outbox for real: a slow SMTP server and two workers at once (each message exactly once), the
// attempt limit and the dead letters, a retry by an admin, and leases given back when a worker stops.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "../../db/queries/audit";
import { claimOutboxMessage, enqueueOutbox } from "../../db/queries/candidacies";
import type { Database } from "../../db/schema";
import { createCandidacy } from "../../app/services/candidacies.server";
import { readDeadLetters, retryDeadLetters } from "../../app/services/dead-letters.server";
import { UndeliverableError, emailDeliverer } from "../../app/services/email-delivery.server";
import { createMailer } from "../../app/services/mailer.server";
import { type OutboxMessage, deliverOutbox, startWorker } from "../../app/services/worker.server";
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

/** `count` e-mails to a candidate about their candidacy ("request received"), all due now. */
async function pendingEmails(count: number): Promise<{ candidacyId: string; candidateId: string; ids: string[] }> {
  const candidateId = await createUser(db, "candidate", "Inès Candidate");
  const created = await createCandidacy(db, candidateId, CQP_CODE);
  if (!created.ok) throw new Error(created.message);
  const at = new Date();
  await enqueueOutbox(
    db,
    Array.from({ length: count }, () => ({
      topic: "email",
      payload: { email: "request_received", recipientId: candidateId, facts: { requestedAt: at.toISOString() } },
      candidacyId: created.candidacyId,
      availableAt: at,
    })),
  );
  const rows = await db
    .selectFrom("outbox")
    .select("id")
    .where("candidacy_id", "=", created.candidacyId)
    .orderBy("id")
    .execute();
  return { candidacyId: created.candidacyId, candidateId, ids: rows.map((r) => r.id) };
}

function smtpDeliverer(smtp: SmtpTestServer) {
  return emailDeliverer(db, createMailer({ from, smtpUrl: smtp.url, mailDir }), "https://vae.exemple.fr");
}

describe(`outbox delivery (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("delivers each message exactly once with two workers on a slow SMTP server, even past the lease", async () => {
    const { ids } = await pendingEmails(12);
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

  it("gives a message up as a dead letter once the attempt limit is reached, retrying it from the failure's time", async () => {
    const { ids } = await pendingEmails(1);
    const failing = async () => {
      throw new Error("421 Service not available, closing transmission channel");
    };
    let now = new Date();
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await deliverOutbox(db, failing, now, { maxAttempts: 3 })).toEqual({ delivered: 0, failed: 1 });
      const row = await db.selectFrom("outbox").selectAll().where("id", "=", ids[0]!).executeTakeFirstOrThrow();
      expect(row.attempts).toBe(attempt);
      expect(row.last_error).toBe("421 Service not available, closing transmission channel");
      if (attempt < 3) {
        expect(row.dead_at).toBeNull();
        // Not again in this pass's time: the retry waits 1, then 2 minutes from the failure.
        expect(row.available_at.getTime()).toBeGreaterThanOrEqual(now.getTime() + 60_000 * 2 ** (attempt - 1));
        expect(await deliverOutbox(db, failing, now, { maxAttempts: 3 })).toEqual({ delivered: 0, failed: 0 });
        now = new Date(row.available_at.getTime() + 1000);
      } else {
        expect(row.dead_at).not.toBeNull();
        expect(row.locked_by).toBeNull();
      }
    }
    // A dead letter is never claimed again, however late it is.
    const deliver = async () => {};
    expect(await deliverOutbox(db, deliver, new Date(Date.now() + 86_400_000), { maxAttempts: 3 })).toEqual({
      delivered: 0,
      failed: 0,
    });
    const { letters } = await readDeadLetters(db);
    expect(letters).toMatchObject([
      { id: ids[0], topic: "email", emailKind: "request_received", attempts: 3, recipientRoles: ["candidate"] },
    ]);
    expect(letters[0]!.candidacyReference).toMatch(/^VAE-\d{4}-[0-9A-F]{8}$/);
  });

  it("makes an undeliverable message a dead letter at once: an UndeliverableError, or a recipient the SMTP server refuses", async () => {
    const { ids } = await pendingEmails(2);
    let calls = 0;
    const undeliverable = async (message: OutboxMessage) => {
      calls += 1;
      if (message.id === ids[0]) throw new UndeliverableError("Candidacy has no recorded decision");
      throw new Error("not this one");
    };
    await deliverOutbox(db, undeliverable, new Date(), { limit: 1 });
    const first = await db.selectFrom("outbox").selectAll().where("id", "=", ids[0]!).executeTakeFirstOrThrow();
    expect(first).toMatchObject({ attempts: 1, last_error: "Candidacy has no recorded decision", processed_at: null });
    expect(first.dead_at).not.toBeNull();
    expect(calls).toBe(1);

    const candidate = await db
      .selectFrom("users")
      .innerJoin("candidacies", "candidacies.candidate_id", "users.id")
      .innerJoin("outbox", "outbox.candidacy_id", "candidacies.id")
      .select("users.email")
      .where("outbox.id", "=", ids[1]!)
      .executeTakeFirstOrThrow();
    const smtp = await startSmtpTestServer({ rejectRecipients: (address) => address === candidate.email });
    try {
      expect(await deliverOutbox(db, smtpDeliverer(smtp), new Date())).toEqual({ delivered: 0, failed: 1 });
      const second = await db.selectFrom("outbox").selectAll().where("id", "=", ids[1]!).executeTakeFirstOrThrow();
      expect(second.attempts).toBe(1);
      expect(second.dead_at).not.toBeNull();
      expect(second.last_error).toMatch(/refused the recipient.*550/);
      expect(second.last_error).not.toContain(candidate.email);
      expect(smtp.received).toEqual([]);
    } finally {
      await smtp.close();
    }
  });

  it("lets an admin put a dead letter back to pending, recorded in the audit log, and the worker then delivers it", async () => {
    const { ids } = await pendingEmails(3);
    await deliverOutbox(
      db,
      async () => {
        throw new UndeliverableError("Unknown outbox topic");
      },
      new Date(),
    );
    expect((await readDeadLetters(db)).total).toBe(3);
    const adminId = await createUser(db, "admin", "Adèle Admin");

    const one = await retryDeadLetters(db, { userId: adminId }, { id: ids[0]! }, { ip: "127.0.0.1" });
    expect(one).toEqual({ ok: true, retried: [ids[0]] });
    const row = await db.selectFrom("outbox").selectAll().where("id", "=", ids[0]!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ attempts: 0, dead_at: null, processed_at: null });
    const audit = await listAuditEvents(db, { subjectType: "outbox_message", subjectId: ids[0]! });
    expect(audit).toMatchObject([{ action: "OUTBOX_MESSAGE_RETRIED", actorRole: "admin", ip: "127.0.0.1" }]);

    expect(await retryDeadLetters(db, { userId: adminId }, { id: ids[0]! }, { ip: null })).toMatchObject({
      ok: false,
      status: 409,
    });
    expect(await retryDeadLetters(db, { userId: adminId }, { id: "999999999" }, { ip: null })).toMatchObject({
      ok: false,
      status: 404,
    });

    const smtp = await startSmtpTestServer();
    try {
      expect(await deliverOutbox(db, smtpDeliverer(smtp), new Date())).toEqual({ delivered: 1, failed: 0 });
      expect([...smtp.countsByMessageId().keys()]).toEqual([`outbox-${ids[0]}@vae-portal`]);
      expect(await retryDeadLetters(db, { userId: adminId }, { id: ids[0]! }, { ip: null })).toMatchObject({
        ok: false,
        status: 409,
        message: "Ce message a déjà été envoyé : il n'y a plus rien à réessayer.",
      });

      const all = await retryDeadLetters(db, { userId: adminId }, "all", { ip: null });
      expect(all.ok && all.retried.sort()).toEqual([ids[1], ids[2]].sort());
      expect(await deliverOutbox(db, smtpDeliverer(smtp), new Date())).toEqual({ delivered: 2, failed: 0 });
      expect([...smtp.countsByMessageId().values()]).toEqual([1, 1, 1]);
      expect((await readDeadLetters(db)).total).toBe(0);
    } finally {
      await smtp.close();
    }
  });

  it("gives back the leases of a stopping worker: another worker delivers its messages at once", async () => {
    const { ids } = await pendingEmails(1);
    // A relay that never acknowledges the message: the stopping worker cannot finish it.
    const hung = await startSmtpTestServer({ hang: () => true });
    const worker = startWorker({
      intervalSeconds: 0.05,
      getDb: async () => db,
      deliverer: () => smtpDeliverer(hung),
      delivery: { owner: "portal-a" },
    });
    try {
      await expect
        .poll(
          async () =>
            (await db.selectFrom("outbox").select("locked_by").where("id", "=", ids[0]!).executeTakeFirstOrThrow())
              .locked_by,
        )
        .toBe("portal-a");
      const stopped = await worker.stop(300);
      expect(stopped.released).toEqual([ids[0]]);
      const row = await db.selectFrom("outbox").selectAll().where("id", "=", ids[0]!).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ locked_by: null, locked_until: null, attempts: 0, processed_at: null });
    } finally {
      await hung.close();
    }
    const smtp = await startSmtpTestServer();
    try {
      // The default lease (two minutes) would still hold it had it not been given back.
      expect(await deliverOutbox(db, smtpDeliverer(smtp), new Date(), { owner: "portal-b" })).toEqual({
        delivered: 1,
        failed: 0,
      });
      expect([...smtp.countsByMessageId().entries()]).toEqual([[`outbox-${ids[0]}@vae-portal`, 1]]);
    } finally {
      await smtp.close();
    }
  });

  it("lets a stopping worker finish the message in hand, then claims nothing more", async () => {
    const { ids } = await pendingEmails(4);
    const smtp = await startSmtpTestServer({ delayMs: 400 });
    const worker = startWorker({
      intervalSeconds: 0.05,
      getDb: async () => db,
      deliverer: () => smtpDeliverer(smtp),
      delivery: { owner: "portal-c" },
    });
    try {
      await expect
        .poll(
          async () => (await db.selectFrom("outbox").select("id").where("locked_by", "=", "portal-c").execute()).length,
        )
        .toBe(1);
      expect(await worker.stop(5000)).toEqual({ released: [] });
      expect(smtp.received).toHaveLength(1);
      const done = await db.selectFrom("outbox").select("id").where("processed_at", "is not", null).execute();
      expect(done.map((r) => r.id)).toEqual([ids[0]]);
      const claimed = await db.selectFrom("outbox").select("id").where("attempts", ">", 0).execute();
      expect(claimed).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });

  it("makes a message whose every attempt was interrupted (a worker that keeps crashing) a dead letter", async () => {
    const { ids } = await pendingEmails(1);
    for (let i = 0; i < 3; i++) {
      expect(
        await claimOutboxMessage(db, {
          availableBy: new Date(),
          leaseSeconds: 0.05,
          owner: `crashing-${i}`,
          maxAttempts: 3,
        }),
      ).toMatchObject({ id: ids[0] });
      await sleep(80);
    }
    const deliver = async () => {};
    expect(await deliverOutbox(db, deliver, new Date(), { maxAttempts: 3 })).toEqual({ delivered: 0, failed: 0 });
    const row = await db.selectFrom("outbox").selectAll().where("id", "=", ids[0]!).executeTakeFirstOrThrow();
    expect(row.dead_at).not.toBeNull();
    expect(row.last_error).toMatch(/interrupted/);
  });
});
