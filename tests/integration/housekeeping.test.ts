// The portal's hourly housekeeping: expired sessions and throttle hits out of every window go, live ones stay —
// including the hits the public verification page leaves, which no login would ever prune.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { THROTTLE_HITS_KEPT_MS, runHousekeeping } from "../../app/services/housekeeping.server";
import { lookUpVerificationCode } from "../../app/services/public-verification.server";
import { createStorage } from "../../app/services/storage";
import { insertSession } from "../../db/queries/sessions";
import { insertUser } from "../../db/queries/users";
import { type TestDatabase, createTestDatabase } from "./support/test-database";

const HOUR = 3600_000;
let testDb: TestDatabase;
let folder: string;
beforeAll(async () => {
  testDb = await createTestDatabase();
  folder = mkdtempSync(path.join(tmpdir(), "vae-housekeeping-"));
});
afterAll(async () => {
  await testDb?.drop();
  rmSync(folder, { recursive: true, force: true });
});

describe("housekeeping", () => {
  it("keeps a throttle hit longer than any throttle's window", () => {
    expect(THROTTLE_HITS_KEPT_MS).toBeGreaterThanOrEqual(24 * HOUR);
  });

  it("deletes expired sessions and old throttle hits, keeping live ones, without anyone logging in", async () => {
    const db = testDb.handle.db;
    const now = new Date("2026-11-30T12:00:00Z");
    const user = await insertUser(db, { email: "menage@example.org", fullName: "Léa Ménage", passwordHash: "x" });
    const session = (tokenHash: string, expiresAt: Date) =>
      insertSession(db, { tokenHash, userId: user!.id, expiresAt, ip: null, userAgent: null });
    await session("expired", new Date(now.getTime() - HOUR));
    await session("live", new Date(now.getTime() + HOUR));

    // Verification requests from one address, two days ago and an hour ago: the throttle's own window is 10 minutes.
    for (const at of [now.getTime() - 48 * HOUR, now.getTime() - 48 * HOUR + 1, now.getTime() - HOUR]) {
      const answer = await lookUpVerificationCode(db, "0000000000000000", { ip: "203.0.113.9", now: new Date(at) });
      expect(answer.ok).toBe(true);
    }

    const outcome = await runHousekeeping(db, createStorage({ kind: "local", root: folder }), now);
    expect(outcome).toMatchObject({ sessionsDeleted: 1, throttleHitsDeleted: 2 });
    const sessions = await db.selectFrom("sessions").select("token_hash").execute();
    expect(sessions.map((s) => s.token_hash)).toEqual(["live"]);
    const hits = await db.selectFrom("throttle_hits").select(["bucket", "occurred_at"]).execute();
    expect(hits).toEqual([{ bucket: "verify-ip", occurred_at: new Date(now.getTime() - HOUR) }]);

    // A second pass finds nothing more to do.
    expect(await runHousekeeping(db, createStorage({ kind: "local", root: folder }), now)).toMatchObject({
      sessionsDeleted: 0,
      throttleHitsDeleted: 0,
      objectsRemoved: 0,
    });
  });
});
