// Durable timers and the outbox against a real database: timers survive a restart and fire exactly once, reminders
// go out before deadlines, and a message whose delivery was interrupted is delivered again.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../db/connection";
import { claimOutboxMessage, listCandidacyEvents } from "../../db/queries/candidacies";
import { migrateToLatest } from "../../db/migrate";
import type { Database } from "../../db/schema";
import { createCandidacy, sendCandidacyEvent } from "../../app/services/candidacies.server";
import { type OutboxMessage, deliverOutbox, fireDueTimers } from "../../app/services/worker.server";
import { CQP_CODE, attachRequestDocuments, createUser, seedCertifications } from "./support/fixtures";
import { createServerDatabase, serverUrl } from "./support/test-database";

// A database that can be closed and opened again, as a restarted portal would: a folder for PGlite, a database on
// the server otherwise.
let reopen: () => Promise<DatabaseHandle>;
let cleanup: () => Promise<void>;
let handle: DatabaseHandle;

beforeAll(async () => {
  if (serverUrl) {
    const created = await createServerDatabase("vae_timers");
    reopen = () => openDatabase({ kind: "server", url: created.url });
    cleanup = created.drop;
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), "vae-timers-"));
    reopen = () => openDatabase({ kind: "embedded", dataDir: dir });
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  handle = await reopen();
  await migrateToLatest(handle.db);
  await seedCertifications(handle.db);
});
afterAll(async () => {
  await handle?.close();
  await cleanup?.();
});

async function restart() {
  await handle.close();
  handle = await reopen();
}

async function requestFiled(db: Kysely<Database>, at: string) {
  const candidateId = await createUser(db, "candidate", "Noé Candidat");
  await createUser(db, "admissibility_officer", "Olga Officier");
  const created = await createCandidacy(db, candidateId, CQP_CODE);
  if (!created.ok) throw new Error(created.message);
  await attachRequestDocuments(db, created.candidacyId);
  const filed = await sendCandidacyEvent(db, created.candidacyId, {
    type: "SUBMIT_REQUEST",
    sworn: true,
    actor: { type: "user", userId: candidateId, role: "candidate" },
    at,
  });
  if (!filed.ok) throw new Error(filed.message);
  return { candidacyId: created.candidacyId, candidateId };
}

describe(`timers and outbox (${serverUrl ? "PostgreSQL server" : "PGlite"})`, () => {
  it("sends reminders before the 2 months, then declares the candidacy admissible by silence, once, after a restart", async () => {
    const { candidacyId } = await requestFiled(handle.db, "2026-01-10T10:00:00.000Z");
    expect(await fireDueTimers(handle.db, new Date("2026-02-01T00:00:00.000Z"))).toEqual([]);

    await restart();
    const reminders = await fireDueTimers(handle.db, new Date("2026-03-01T00:00:00.000Z"));
    expect(reminders.map((r) => [r.kind, r.outcome])).toEqual([["ADMISSIBILITY_REMINDER", "notified"]]);
    const reminderMail = await handle.db
      .selectFrom("outbox")
      .select("payload")
      .where("candidacy_id", "=", candidacyId)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(reminderMail.payload).toMatchObject({ email: "admissibility_deadline_reminder", facts: { daysLeft: 10 } });

    await restart();
    const due = new Date("2026-03-10T10:00:01.000Z");
    const [first, second] = await Promise.all([fireDueTimers(handle.db, due), fireDueTimers(handle.db, due)]);
    const fired = [...first!, ...second!];
    expect(fired.map((r) => [r.kind, r.outcome]).sort()).toEqual([
      ["ADMISSIBILITY_REMINDER", "notified"],
      ["ADMISSIBILITY_SILENCE", "event_applied"],
    ]);
    expect(await fireDueTimers(handle.db, new Date("2026-12-01T00:00:00.000Z"))).toEqual([]);

    const journal = await listCandidacyEvents(handle.db, candidacyId);
    expect(journal.filter((e) => e.eventType === "ADMISSIBILITY_SILENCE_ELAPSED")).toHaveLength(1);
    expect(journal.at(-1)).toMatchObject({ actorRole: "system", toState: "admissible" });
    const mails = await handle.db
      .selectFrom("outbox")
      .select("payload")
      .where("candidacy_id", "=", candidacyId)
      .execute();
    expect(mails.filter((m) => m.payload.email === "admissible_by_silence")).toHaveLength(1);
  });

  it("reminds the candidate before the admissibility's validity ends, then lapses the candidacy once", async () => {
    const { candidacyId, candidateId } = await requestFiled(handle.db, "2026-01-10T10:00:00.000Z");
    const officerId = await createUser(handle.db, "admissibility_officer", "Octave Officier");
    const officer = { type: "user" as const, userId: officerId, role: "admissibility_officer" as const };
    await sendCandidacyEvent(handle.db, candidacyId, {
      type: "OPEN_REVIEW",
      actor: officer,
      at: "2026-01-12T10:00:00.000Z",
    });
    const admitted = await sendCandidacyEvent(handle.db, candidacyId, {
      type: "DECLARE_ADMISSIBLE",
      validityEndsOn: "2026-09-30",
      actor: officer,
      at: "2026-01-13T10:00:00.000Z",
    });
    expect(admitted.ok).toBe(true);
    await sendCandidacyEvent(handle.db, candidacyId, {
      type: "START_DOSSIER",
      actor: { type: "user", userId: candidateId, role: "candidate" },
      at: "2026-02-01T10:00:00.000Z",
    });
    const september = await fireDueTimers(handle.db, new Date("2026-09-25T00:00:00.000Z"));
    expect(september.filter((r) => r.kind === "VALIDITY_REMINDER").map((r) => r.outcome)).toEqual([
      "notified",
      "notified",
    ]);
    await restart();
    const october = await fireDueTimers(handle.db, new Date("2026-10-01T00:00:01.000Z"));
    expect(october.filter((r) => r.kind === "VALIDITY_EXPIRY").map((r) => r.outcome)).toEqual(["event_applied"]);
    const row = await handle.db
      .selectFrom("candidacies")
      .select("state")
      .where("id", "=", candidacyId)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe("lapsed");
    expect(await fireDueTimers(handle.db, new Date("2027-01-01T00:00:00.000Z"))).toEqual([]);
  });

  it("races timers against officers' decisions without deadlock: each candidacy gets exactly one outcome", async () => {
    const officerId = await createUser(handle.db, "admissibility_officer", "Odile Officière");
    const officer = { type: "user" as const, userId: officerId, role: "admissibility_officer" as const };
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const { candidacyId } = await requestFiled(handle.db, "2026-04-01T08:00:00.000Z");
      await sendCandidacyEvent(handle.db, candidacyId, {
        type: "OPEN_REVIEW",
        actor: officer,
        at: "2026-04-02T08:00:00.000Z",
      });
      ids.push(candidacyId);
    }
    const due = new Date("2026-06-01T08:00:01.000Z");
    await Promise.all([
      fireDueTimers(handle.db, due),
      fireDueTimers(handle.db, due),
      ...ids.map((id) =>
        sendCandidacyEvent(handle.db, id, {
          type: "DECLARE_INADMISSIBLE",
          reason: "Hors champ du CQP.",
          actor: officer,
          at: due.toISOString(),
        }),
      ),
    ]);
    for (const id of ids) {
      const journal = await listCandidacyEvents(handle.db, id);
      const outcomes = journal.filter((e) =>
        ["ADMISSIBILITY_SILENCE_ELAPSED", "DECLARE_INADMISSIBLE"].includes(e.eventType),
      );
      expect(outcomes).toHaveLength(1);
      const row = await handle.db
        .selectFrom("candidacies")
        .select("state")
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      expect(row.state).toBe(outcomes[0]!.eventType === "DECLARE_INADMISSIBLE" ? "inadmissible" : "admissible");
    }
  });

  it("drops a reminder whose step has passed", async () => {
    const { candidacyId, candidateId } = await requestFiled(handle.db, "2026-01-10T10:00:00.000Z");
    await sendCandidacyEvent(handle.db, candidacyId, {
      type: "WITHDRAW",
      actor: { type: "user", userId: candidateId, role: "candidate" },
      at: "2026-01-11T10:00:00.000Z",
    });
    // Withdrawal cancels the timers; one that was already claimable is dropped as no longer relevant.
    const live = await handle.db
      .selectFrom("timers")
      .select("id")
      .where("candidacy_id", "=", candidacyId)
      .where("cancelled_at", "is", null)
      .execute();
    expect(live).toEqual([]);
  });

  it("delivers each outbox message, again after an interrupted delivery, and retries failures later", async () => {
    await handle.db.deleteFrom("outbox").execute();
    await requestFiled(handle.db, "2026-06-01T10:00:00.000Z");
    const [pending] = await handle.db.selectFrom("outbox").select("id").where("processed_at", "is", null).execute();
    expect(pending).toBeDefined();

    // A worker claims the message, then dies before marking it done: the lease, taken on the database's clock,
    // keeps it from other workers until it runs out, whatever time their passes say it is.
    const now = new Date("2026-06-01T10:00:05.000Z");
    const claimedAt = Date.now();
    const claimed = await claimOutboxMessage(handle.db, {
      availableBy: now,
      leaseSeconds: 2,
      owner: "crashed-worker",
      maxAttempts: 8,
    });
    expect(claimed?.id).toBe(pending!.id);

    const delivered: OutboxMessage[] = [];
    const deliver = async (message: OutboxMessage) => {
      delivered.push(message);
    };
    expect(await deliverOutbox(handle.db, deliver, new Date(now.getTime() + 3600_000))).toEqual({
      delivered: 0,
      failed: 0,
    });
    await restart();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, claimedAt + 2100 - Date.now())));
    expect(await deliverOutbox(handle.db, deliver, now)).toEqual({ delivered: 1, failed: 0 });
    expect(delivered.map((m) => m.id)).toEqual([pending!.id]);
    expect(delivered[0]!.attempts).toBe(2);
    expect(await deliverOutbox(handle.db, deliver, new Date(now.getTime() + 3600_000))).toEqual({
      delivered: 0,
      failed: 0,
    });

    await requestFiled(handle.db, "2026-06-02T10:00:00.000Z");
    const failing = async () => {
      throw new Error("SMTP indisponible");
    };
    const later = new Date("2026-06-02T10:00:05.000Z");
    expect(await deliverOutbox(handle.db, failing, later)).toEqual({ delivered: 0, failed: 1 });
    const failed = await handle.db
      .selectFrom("outbox")
      .selectAll()
      .where("processed_at", "is", null)
      .executeTakeFirstOrThrow();
    expect(failed.last_error).toBe("SMTP indisponible");
    // Retried after a delay counted from the clock at the failure, not from the pass's start.
    expect(failed.available_at.getTime()).toBeGreaterThan(Math.max(later.getTime(), Date.now()));
    expect(await deliverOutbox(handle.db, deliver, new Date(failed.available_at.getTime() + 1000))).toEqual({
      delivered: 1,
      failed: 0,
    });
  });
});
