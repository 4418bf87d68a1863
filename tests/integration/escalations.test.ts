// Staff's "Délais dépassés" (/certificateur): a passed legal deadline is listed while its step is still to be done,
// and leaves the list once the step is over — the list grows with the work still late, not with the portal's past.
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fireDueTimers } from "../../app/services/worker.server";
import { listEscalations } from "../../db/queries/candidacies";
import type { Database } from "../../db/schema";
import { Lifecycle } from "./support/decided-candidacy";
import { CQP_CODE, createUser, seedCertifications } from "./support/fixtures";
import { type TestDatabase, createTestDatabase } from "./support/test-database";

const DAY = 86_400_000;
let testDb: TestDatabase;
let db: Kysely<Database>;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.handle.db;
  await seedCertifications(db);
});
afterAll(async () => {
  await testDb?.drop();
});

describe("passed deadlines on staff's home page", () => {
  it("lists a passed evaluation deadline while the evaluation is pending, and no longer once it is done", async () => {
    const cast = {
      candidate: await createUser(db, "candidate", "Inès Retard"),
      officer: await createUser(db, "admissibility_officer"),
      staff: await createUser(db, "certifier_staff"),
      a: await createUser(db, "evaluator", "Évaluatrice Alpha"),
      b: await createUser(db, "evaluator", "Évaluateur Bravo"),
    };
    const life = new Lifecycle(db, cast, Date.parse("2026-03-02T09:00:00.000Z"));
    const late = await life.inEvaluation(CQP_CODE);
    const other = { ...cast, candidate: await createUser(db, "candidate", "Jules Ponctuel") };
    const otherLife = new Lifecycle(db, other, life.clock);
    const onTime = await otherLife.inEvaluation(CQP_CODE);

    // Five months later the 3rd-month deadline of both has passed and the worker has fired its timers.
    const later = new Date(otherLife.clock + 150 * DAY);
    await fireDueTimers(db, later);
    const before = await listEscalations(db, later);
    expect(
      before
        .filter((e) => e.kind === "EVALUATION_OVERDUE")
        .map((e) => e.candidacyId)
        .sort(),
    ).toEqual([late, onTime].sort());
    expect(before.every((e) => e.state === "evaluation")).toBe(true);
    expect(before.find((e) => e.candidacyId === late)?.candidateName).toBe("Inès Retard");

    // One evaluation is then done: its passed deadline is history, the other one is still listed.
    await otherLife.scored(onTime);
    const after = await listEscalations(db, later);
    expect(after.map((e) => e.candidacyId)).toEqual([late]);
    // The journal and the timer row are kept: only the list forgets it.
    const timer = await db
      .selectFrom("timers")
      .select(["fired_at"])
      .where("candidacy_id", "=", onTime)
      .where("kind", "=", "EVALUATION_OVERDUE")
      .executeTakeFirstOrThrow();
    expect(timer.fired_at).not.toBeNull();
  });
});
