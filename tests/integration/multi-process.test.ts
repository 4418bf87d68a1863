// Two portals' workers on one PostgreSQL database, each with its own connection pool as a separate process has:
// every due timer fires once and every e-mail goes out once. PostgreSQL only (the embedded database belongs to one
// process); the same with two real portal processes, sessions and SIGTERM is tests/e2e/multi-process.test.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import type { Database } from "../../db/schema";
import { createCandidacy, sendCandidacyEvent } from "../../app/services/candidacies.server";
import { createMailer } from "../../app/services/mailer.server";
import { outboxDeliverer } from "../../app/services/outbox-delivery.server";
import { createStorage } from "../../app/services/storage";
import { type RunningWorker, startWorker } from "../../app/services/worker.server";
import { CQP_CODE, attachRequestDocuments, createUser, seedCertifications } from "./support/fixtures";
import { type SmtpTestServer, startSmtpTestServer } from "./support/smtp-test-server";
import { createServerDatabase, serverUrl } from "./support/test-database";

let database: { url: string; drop(): Promise<void> };
const handles: DatabaseHandle[] = [];
let smtp: SmtpTestServer;
let filesDir: string;
const sentBy = new Map<string, number>();

beforeAll(async () => {
  if (!serverUrl) return;
  database = await createServerDatabase("vae_multi");
  for (let i = 0; i < 3; i++)
    handles.push(await openDatabase({ kind: "server", url: database.url, maxConnections: 4 }));
  await migrateToLatest(handles[0]!.db);
  await seedCertifications(handles[0]!.db);
  smtp = await startSmtpTestServer({ delayMs: 100 });
  filesDir = mkdtempSync(path.join(tmpdir(), "vae-multi-"));
});
afterAll(async () => {
  for (const handle of handles) await handle.close();
  await smtp?.close();
  await database?.drop();
  if (filesDir) rmSync(filesDir, { recursive: true, force: true });
});

function worker(db: Kysely<Database>, owner: string): RunningWorker {
  const mailer = createMailer({
    from: "Portail VAE <ne-pas-repondre@vae.localhost>",
    smtpUrl: smtp.url,
    mailDir: filesDir,
  });
  const storage = createStorage({ kind: "local", root: filesDir });
  return startWorker({
    intervalSeconds: 0.2,
    getDb: async () => db,
    deliverer: (pool) => {
      const deliver = outboxDeliverer(pool, mailer, storage, "https://vae.exemple.fr");
      return async (message) => {
        await deliver(message);
        if (message.topic === "email") sentBy.set(owner, (sentBy.get(owner) ?? 0) + 1);
      };
    },
    delivery: { owner },
  });
}

describe.skipIf(!serverUrl)("two portals' workers on one PostgreSQL database", () => {
  it("fires every due timer once and sends every e-mail once", async () => {
    // The test's own pool writes, as requests on any portal would; the two others are the portals' workers.
    const [writer, poolA, poolB] = handles.map((h) => h.db) as [Kysely<Database>, Kysely<Database>, Kysely<Database>];
    await createUser(writer, "admissibility_officer", "Olga Officière");
    const workers = [worker(poolA, "portal-a"), worker(poolB, "portal-b")];
    try {
      const drafts: { candidacyId: string; candidateId: string }[] = [];
      for (let i = 0; i < 6; i++) {
        const candidateId = await createUser(writer, "candidate", `Candidat ${i}`);
        const created = await createCandidacy(writer, candidateId, CQP_CODE);
        if (!created.ok) throw new Error(created.message);
        await attachRequestDocuments(writer, created.candidacyId);
        drafts.push({ candidacyId: created.candidacyId, candidateId });
      }
      // Filed 70 days ago, all at once: reminders and two months of silence are due as soon as they are written.
      const at = new Date(Date.now() - 70 * 86_400_000).toISOString();
      const filed = await Promise.all(
        drafts.map((d) =>
          sendCandidacyEvent(writer, d.candidacyId, {
            type: "SUBMIT_REQUEST",
            sworn: true,
            actor: { type: "user", userId: d.candidateId, role: "candidate" },
            at,
          }),
        ),
      );
      expect(filed.map((f) => (f.ok ? "ok" : f.message))).toEqual(drafts.map(() => "ok"));
      await expect
        .poll(
          async () => {
            const timers = await writer
              .selectFrom("timers")
              .select("id")
              .where("fired_at", "is", null)
              .where("cancelled_at", "is", null)
              .where("due_at", "<=", new Date())
              .execute();
            const messages = await writer.selectFrom("outbox").select("id").where("processed_at", "is", null).execute();
            return { timers: timers.length, messages: messages.length };
          },
          { timeout: 45_000, interval: 250 },
        )
        .toEqual({ timers: 0, messages: 0 });
    } finally {
      for (const w of workers) await w.stop(5000);
    }

    for (const { candidacyId } of await writer.selectFrom("candidacies").select("id as candidacyId").execute()) {
      const events = await writer
        .selectFrom("candidacy_events")
        .select("event_type")
        .where("candidacy_id", "=", candidacyId)
        .execute();
      expect(events.filter((e) => e.event_type === "ADMISSIBILITY_SILENCE_ELAPSED")).toHaveLength(1);
      const mails = await writer
        .selectFrom("outbox")
        .select("payload")
        .where("candidacy_id", "=", candidacyId)
        .where("topic", "=", "email")
        .execute();
      expect(mails.filter((m) => m.payload.email === "admissible_by_silence")).toHaveLength(1);
      expect(mails.filter((m) => m.payload.email === "admissibility_deadline_reminder")).toHaveLength(2);
    }
    const ids = (await writer.selectFrom("outbox").select("id").where("topic", "=", "email").execute()).map(
      (r) => `outbox-${r.id}@vae-portal`,
    );
    const counts = smtp.countsByMessageId();
    expect([...counts.keys()].sort()).toEqual(ids.sort());
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    // Both took part.
    expect(sentBy.get("portal-a")).toBeGreaterThan(0);
    expect(sentBy.get("portal-b")).toBeGreaterThan(0);
    const owners = await writer.selectFrom("outbox").select("locked_by").where("locked_by", "is not", null).execute();
    expect(owners).toEqual([]);
  }, 90_000);
});
