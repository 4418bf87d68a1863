// Two portal processes on one PostgreSQL database, as behind a load balancer: a session opened on one works on the
// other; with both workers running, every due timer fires once and every e-mail goes out once; a portal stopped by
// SIGTERM in the middle of a delivery gives its message back at once, and the other portal sends it.
// PostgreSQL only: the embedded database belongs to one process.
import { randomBytes } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../db/connection";
import { enqueueOutbox } from "../../db/queries/candidacies";
import { createCandidacy, sendCandidacyEvent } from "../../app/services/candidacies.server";
import { DEMO_ACCOUNTS } from "../../app/services/demo-accounts.server";
import { CQP_CODE, attachRequestDocuments, createUser } from "../integration/support/fixtures";
import { type SmtpTestServer, startSmtpTestServer } from "../integration/support/smtp-test-server";
import { createServerDatabase, serverUrl } from "../integration/support/test-database";
import { expectAccessible } from "./support/axe";
import { type RunningPortal, launchBrowser, logIn, logOut, startPortal } from "./support/portal";

const ADMIN = "admin@demo.example.org";
const password = (email: string) => DEMO_ACCOUNTS.find((a) => a.email === email)!.password;

let database: { url: string; drop(): Promise<void> };
let handle: DatabaseHandle;
let portalA: RunningPortal;
let portalB: RunningPortal;
let smtpA: SmtpTestServer;
let smtpB: SmtpTestServer;
let browser: Browser;
let hangA = false;
const candidacyIds: string[] = [];

beforeAll(async () => {
  if (!serverUrl) return;
  database = await createServerDatabase("vae_e2e_multi");
  // Each portal has its own relay, so the test knows who sent what; A's can be made to hang mid-send.
  smtpA = await startSmtpTestServer({ delayMs: 150, hang: () => hangA });
  smtpB = await startSmtpTestServer({ delayMs: 150 });
  // What every portal behind one load balancer shares: the database and the session secret.
  const shared = {
    SESSION_SECRET: randomBytes(36).toString("base64"),
    WORKER_INTERVAL_SECONDS: "1",
    LOG_LEVEL: "info",
  };
  portalA = await startPortal({ ...shared, SMTP_URL: smtpA.url }, { databaseUrl: database.url });
  portalB = await startPortal({ ...shared, SMTP_URL: smtpB.url }, { databaseUrl: database.url });
  browser = await launchBrowser();
  handle = await openDatabase({ kind: "server", url: database.url });
});
afterAll(async () => {
  await browser?.close();
  await portalA?.stop();
  await portalB?.stop();
  await handle?.close();
  await smtpA?.close();
  await smtpB?.close();
  await database?.drop();
});

/** How many times each message id was received, over both relays. */
function receivedCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of [...smtpA.received, ...smtpB.received]) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
  return counts;
}

async function unfinishedWork(): Promise<{ timers: number; messages: number }> {
  const db = handle.db;
  const timers = await db
    .selectFrom("timers")
    .select("id")
    .where("fired_at", "is", null)
    .where("cancelled_at", "is", null)
    .where("due_at", "<=", new Date())
    .execute();
  const messages = await db.selectFrom("outbox").select("id").where("processed_at", "is", null).execute();
  return { timers: timers.length, messages: messages.length };
}

async function emailIds(): Promise<string[]> {
  const rows = await handle.db.selectFrom("outbox").select("id").where("topic", "=", "email").orderBy("id").execute();
  return rows.map((r) => `outbox-${r.id}@vae-portal`);
}

describe.skipIf(!serverUrl)("several portal processes on one PostgreSQL database", () => {
  it("keeps a session opened on one portal valid on the other, and a logout on one ends it on both", async () => {
    const context = await browser.newContext({ locale: "fr-FR" });
    const page = await context.newPage();
    await logIn(page, portalA, ADMIN, password(ADMIN));
    const [cookie] = (await context.cookies()).filter((c) => c.name === "vae_session");
    expect(cookie).toBeDefined();

    // The cookie alone, sent to the other process.
    const onB = await fetch(`${portalB.url}/admin`, {
      headers: { Cookie: `vae_session=${cookie!.value}` },
      redirect: "manual",
    });
    expect(onB.status).toBe(200);
    expect(await onB.text()).toContain(DEMO_ACCOUNTS.find((a) => a.email === ADMIN)!.fullName);

    await page.goto(`${portalB.url}/admin`);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Comptes");
    await expectAccessible(page);
    await logOut(page);
    const afterLogout = await fetch(`${portalA.url}/admin`, {
      headers: { Cookie: `vae_session=${cookie!.value}` },
      redirect: "manual",
    });
    expect(afterLogout.status).toBe(302);
    expect(afterLogout.headers.get("location")).toMatch(/^\/connexion/);
    await context.close();
  });

  it("fires every due timer once and sends every e-mail once with both workers running", async () => {
    const db = handle.db;
    const drafts: { candidacyId: string; candidateId: string }[] = [];
    for (let i = 0; i < 8; i++) {
      const candidateId = await createUser(db, "candidate", `Candidate ${i}`);
      const created = await createCandidacy(db, candidateId, CQP_CODE);
      if (!created.ok) throw new Error(created.message);
      await attachRequestDocuments(db, created.candidacyId);
      drafts.push({ candidacyId: created.candidacyId, candidateId });
      candidacyIds.push(created.candidacyId);
    }
    // Requests filed 70 days ago, all at once: their reminders and their two months of silence are due as soon as
    // they are written, and both portals' workers race for them.
    const filedAt = new Date(Date.now() - 70 * 86_400_000).toISOString();
    const filed = await Promise.all(
      drafts.map((d) =>
        sendCandidacyEvent(db, d.candidacyId, {
          type: "SUBMIT_REQUEST",
          sworn: true,
          actor: { type: "user", userId: d.candidateId, role: "candidate" },
          at: filedAt,
        }),
      ),
    );
    expect(filed.map((f) => (f.ok ? "ok" : f.message))).toEqual(drafts.map(() => "ok"));

    await expect.poll(unfinishedWork, { timeout: 60_000, interval: 500 }).toEqual({ timers: 0, messages: 0 });

    const officers = await db
      .selectFrom("user_roles as r")
      .innerJoin("users as u", "u.id", "r.user_id")
      .select("u.id")
      .where("r.role", "=", "admissibility_officer")
      .where("u.is_active", "=", true)
      .execute();
    for (const id of candidacyIds) {
      const events = await db
        .selectFrom("candidacy_events")
        .select("event_type")
        .where("candidacy_id", "=", id)
        .execute();
      expect(events.filter((e) => e.event_type === "ADMISSIBILITY_SILENCE_ELAPSED")).toHaveLength(1);
      const timers = await db.selectFrom("timers").selectAll().where("candidacy_id", "=", id).execute();
      const reminders = timers.filter((t) => t.kind === "ADMISSIBILITY_REMINDER");
      expect(reminders.length).toBeGreaterThan(0);
      expect(timers.filter((t) => t.kind.startsWith("ADMISSIBILITY_")).every((t) => t.fired_at !== null)).toBe(true);
      const mails = await db
        .selectFrom("outbox")
        .select("payload")
        .where("candidacy_id", "=", id)
        .where("topic", "=", "email")
        .execute();
      const kinds = mails.map((m) => m.payload.email);
      expect(kinds.filter((k) => k === "admissibility_deadline_reminder")).toHaveLength(
        reminders.length * officers.length,
      );
      expect(kinds.filter((k) => k === "admissible_by_silence")).toHaveLength(1);
      const row = await db.selectFrom("candidacies").select("state").where("id", "=", id).executeTakeFirstOrThrow();
      expect(row.state).toBe("admissible");
    }

    const ids = await emailIds();
    const counts = receivedCounts();
    expect([...counts.keys()].sort()).toEqual([...ids].sort());
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    // Both workers took part.
    expect(smtpA.received.length).toBeGreaterThan(0);
    expect(smtpB.received.length).toBeGreaterThan(0);
  }, 120_000);

  it("gives back the message a portal holds when SIGTERM stops it mid-send; the other portal sends it at once", async () => {
    const db = handle.db;
    const [sample] = await db
      .selectFrom("outbox")
      .select(["payload", "candidacy_id"])
      .where("topic", "=", "email")
      .limit(1)
      .execute();
    hangA = true;
    await enqueueOutbox(
      db,
      Array.from({ length: 6 }, () => ({
        topic: "email",
        payload: sample!.payload,
        candidacyId: sample!.candidacy_id,
        availableAt: new Date(),
      })),
    );
    // A's relay never acknowledges: A is stuck in the middle of a delivery, holding its lease.
    await expect.poll(() => smtpA.hanging.length, { timeout: 30_000 }).toBe(1);
    const held = smtpA.hanging[0]!;

    const stoppedAt = Date.now();
    expect(await portalA.terminate()).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(portalA.output()).toMatch(/Outbox leases given back/);

    // Well before the two-minute lease would have run out.
    await expect.poll(unfinishedWork, { timeout: 20_000, interval: 250 }).toEqual({ timers: 0, messages: 0 });
    expect(smtpB.countsByMessageId().get(held)).toBe(1);
    const counts = receivedCounts();
    expect([...counts.keys()].sort()).toEqual((await emailIds()).sort());
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    const leased = await db.selectFrom("outbox").select("id").where("locked_by", "is not", null).execute();
    expect(leased).toEqual([]);

    // The remaining portal still serves.
    expect((await fetch(`${portalB.url}/healthz`)).status).toBe(200);
  }, 90_000);
});
