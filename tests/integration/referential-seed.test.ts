// The shipped referential loads into the database completely, idempotently, and as immutable versions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getReferentialVersion, listCertifications, listReferentialVersions } from "../../db/queries/referential";
import { cqpCommercialSedentaire } from "../../db/seed/cqp-commercial-sedentaire";
import { seedShippedReferentials } from "../../db/seed/index";
import { ReferentialConflictError, seedReferential } from "../../db/seed/seed-referential";
import { type TestDatabase, createTestDatabase } from "./support/test-database";

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(async () => {
  await testDb?.drop();
});

async function rowCounts() {
  const db = testDb.handle.db;
  const count = async (
    table:
      | "certifications"
      | "referential_versions"
      | "blocs"
      | "competencies"
      | "activities"
      | "criteria"
      | "evaluation_modalities"
      | "evaluation_weights"
      | "audit_events",
  ) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    certifications: await count("certifications"),
    versions: await count("referential_versions"),
    blocs: await count("blocs"),
    competencies: await count("competencies"),
    activities: await count("activities"),
    criteria: await count("criteria"),
    modalities: await count("evaluation_modalities"),
    weights: await count("evaluation_weights"),
    audit: await count("audit_events"),
  };
}

const expectedActivities = cqpCommercialSedentaire.referential.blocs
  .flatMap((b) => b.competencies)
  .reduce((n, c) => n + c.activities.length, 0);
const expectedCriteria = cqpCommercialSedentaire.referential.blocs
  .flatMap((b) => b.competencies)
  .reduce((n, c) => n + c.criterionGroup.criteria.length, 0);

describe(`referential seed (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("loads the whole CQP referential", async () => {
    const [result] = await seedShippedReferentials(testDb.handle.db);
    expect(result!.result.status).toBe("created");
    expect(await rowCounts()).toEqual({
      certifications: 1,
      versions: 1,
      blocs: 3,
      competencies: 19,
      activities: expectedActivities,
      criteria: expectedCriteria,
      modalities: 10,
      weights: 3,
      audit: 1,
    });
  });

  it("reads back the referential exactly as written in the data file", async () => {
    const db = testDb.handle.db;
    const [summary] = await listCertifications(db);
    expect(summary).toMatchObject({ code: "CQP-COMMERCIAL-SEDENTAIRE-ALIM", activeVersion: "2024-1" });
    const [version] = await listReferentialVersions(db);
    const view = (await getReferentialVersion(db, version!.id))!;
    expect(view.blocs.map((b) => b.competencies.length)).toEqual([7, 6, 6]);
    expect(view.blocs.flatMap((b) => b.competencies.map((c) => c.code))).toEqual([
      "C1.1",
      "C1.2",
      "C1.3",
      "C1.4",
      "C1.5",
      "C1.6",
      "C1.7",
      "C2.1",
      "C2.2",
      "C2.3",
      "C2.4",
      "C2.5",
      "C2.6",
      "C3.1",
      "C3.2",
      "C3.3",
      "C3.4",
      "C3.5",
      "C3.6",
    ]);
    const c12 = view.blocs[0]!.competencies[1]!;
    expect(c12.criteriaHeading).toBe("Qualité du sourcing");
    expect(c12.statement).toMatch(/^Sourcer de nouveaux clients en définissant la clientèle cible/);
    expect(c12.criteria[0]!.text).toBe("La zone géographique est définie");
    const definition = cqpCommercialSedentaire.referential.blocs;
    for (const [i, bloc] of view.blocs.entries()) {
      expect(bloc.title).toBe(definition[i]!.title);
      for (const [j, competency] of bloc.competencies.entries()) {
        const source = definition[i]!.competencies[j]!;
        expect(competency.statement).toBe(source.statement);
        expect(competency.activities).toEqual(source.activities);
        expect(competency.criteria.map((c) => c.text)).toEqual(source.criterionGroup.criteria);
      }
      expect(bloc.modalities.map((m) => m.title)).toEqual(definition[i]!.modalities.map((m) => m.title));
    }
    expect(view.rule).toMatchObject({
      blocMeanThresholdPercent: "70.0",
      competencyFloorPercent: "50.0",
      evaluatorTolerancePoints: "15.0",
    });
    expect(view.rule.weights.map((w) => [w.kind, w.weightPercent])).toEqual([
      ["questionnaire", 30],
      ["tutor_observation", 20],
      ["jury", 50],
    ]);
    expect(view.vaeSteps).toHaveLength(3);
  });

  it("changes nothing when run again", async () => {
    const before = await rowCounts();
    const [result] = await seedShippedReferentials(testDb.handle.db);
    expect(result!.result.status).toBe("unchanged");
    expect(await rowCounts()).toEqual(before);
  });

  it("refuses changed content under a version already loaded, and leaves the database as it was", async () => {
    const before = await rowCounts();
    const altered = structuredClone(cqpCommercialSedentaire);
    altered.referential.validationRule.blocMeanThresholdPercent = 60;
    await expect(seedReferential(testDb.handle.db, altered)).rejects.toBeInstanceOf(ReferentialConflictError);
    expect(await rowCounts()).toEqual(before);
  });

  it("loads a new version beside the active one without replacing it", async () => {
    const next = structuredClone(cqpCommercialSedentaire);
    next.referential.version = "2027-1";
    const result = await seedReferential(testDb.handle.db, next);
    expect(result.status).toBe("created");
    const versions = await listReferentialVersions(testDb.handle.db);
    expect(versions.map((v) => [v.version, v.status]).sort()).toEqual([
      ["2024-1", "active"],
      ["2027-1", "retired"],
    ]);
    const [summary] = await listCertifications(testDb.handle.db);
    expect(summary!.activeVersion).toBe("2024-1");
  });

  it("returns null for an unknown or malformed referential id", async () => {
    expect(await getReferentialVersion(testDb.handle.db, "00000000-0000-0000-0000-000000000000")).toBeNull();
    expect(await getReferentialVersion(testDb.handle.db, "'; drop table users; --")).toBeNull();
  });
});
