// The migrations apply on an empty database, are idempotent, and roll back cleanly.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDown, migrateToLatest } from "../../db/migrate";
import { migrations } from "../../db/migrations/index";
import { type TestDatabase, createTestDatabase } from "./support/test-database";

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(async () => {
  await testDb?.drop();
});

async function tables() {
  const { rows } = await sql<{ tablename: string }>`
    select tablename from pg_tables where schemaname = 'public' and tablename not like 'kysely_%' order by tablename`.execute(
    testDb.handle.db,
  );
  return rows.map((r) => r.tablename);
}

describe(`migrations (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("creates the schema", async () => {
    expect(await tables()).toEqual([
      "acquired_blocs",
      "activities",
      "admissibility_documents",
      "audit_events",
      "bloc_recommendations",
      "blocs",
      "candidacies",
      "candidacy_decisions",
      "candidacy_events",
      "candidacy_milestones",
      "certificate_documents",
      "certificate_sequences",
      "certificates",
      "certifications",
      "competencies",
      "criteria",
      "dashboard_answer_days",
      "dashboard_bloc_days",
      "dashboard_calibration_days",
      "dashboard_competency_days",
      "dashboard_stage_duration_days",
      "dashboard_stage_duration_months",
      "deliberation_entries",
      "documents",
      "dossier_evidence",
      "dossier_evidence_competencies",
      "dossier_evidence_criteria",
      "dossier_narratives",
      "dossier_versions",
      "evaluation_modalities",
      "evaluation_scores",
      "evaluation_sessions",
      "evaluation_weights",
      "evaluator_availabilities",
      "evaluator_pair_gaps",
      "evaluator_profiles",
      "evaluator_qualifications",
      "minutes_documents",
      "minutes_signatures",
      "outbox",
      "referential_versions",
      "sessions",
      "throttle_hits",
      "timers",
      "user_roles",
      "users",
    ]);
  });

  it("applies nothing when already up to date", async () => {
    expect(await migrateToLatest(testDb.handle.db)).toEqual([]);
  });

  it("rolls back and re-applies every migration", async () => {
    const names = Object.keys(migrations);
    for (let i = 0; i < names.length; i++) await migrateDown(testDb.handle.db);
    expect(await tables()).toEqual([]);
    expect(await migrateToLatest(testDb.handle.db)).toEqual(names);
    expect(await tables()).toContain("users");
  });

  it("enforces the constraints the code relies on", async () => {
    const db = testDb.handle.db;
    await expect(
      db.insertInto("users").values({ email: "Majuscule@Example.fr", full_name: "X", password_hash: "h" }).execute(),
    ).rejects.toThrow();
    const user = await db
      .insertInto("users")
      .values({ email: "ok@example.fr", full_name: "X", password_hash: "h" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await expect(
      db
        .insertInto("user_roles")
        .values({ user_id: user.id, role: "superuser" as never, granted_by: null })
        .execute(),
    ).rejects.toThrow();
  });
});
