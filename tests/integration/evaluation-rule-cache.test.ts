// The referential's rule (blocs, competencies, thresholds) the evaluation services read for every score submission
// is read from the database once per referential version and process (docs/decisions/033): a version never changes
// once loaded. What is kept must be what the database holds, for each version apart, and no caller may alter it.
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assessmentOf, referentialRuleOf } from "../../app/services/evaluation.server";
import type { Database } from "../../db/schema";
import { seedCertifications } from "./support/fixtures";
import { type TestDatabase, createTestDatabase, serverUrl } from "./support/test-database";

let testDb: TestDatabase;
let db: Kysely<Database>;
let versionIds: string[];
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.handle.db;
  await seedCertifications(db, ["CQP-BIS"]);
  const rows = await db.selectFrom("referential_versions").select("id").orderBy("created_at").execute();
  versionIds = rows.map((r) => r.id);
});
afterAll(async () => {
  await testDb?.drop();
});

/** `db` with every statement it compiles counted. */
function counting() {
  const statements: string[] = [];
  const counted = db.withPlugin({
    transformQuery: (args) => {
      statements.push(args.node.kind);
      return args.node;
    },
    transformResult: async (args) => args.result,
  });
  return { db: counted, statements };
}

/** The rule as the database holds it now, read without the cache. */
async function ruleInDatabase(versionId: string) {
  const version = await db
    .selectFrom("referential_versions")
    .select(["bloc_mean_threshold_percent", "competency_floor_percent", "evaluator_tolerance_points"])
    .where("id", "=", versionId)
    .executeTakeFirstOrThrow();
  const blocs = await db
    .selectFrom("blocs")
    .select(["id", "code", "title", "number"])
    .where("referential_version_id", "=", versionId)
    .orderBy("number")
    .execute();
  const competencies = await db
    .selectFrom("competencies")
    .select(["bloc_id", "code"])
    .where("referential_version_id", "=", versionId)
    .orderBy("position")
    .execute();
  return {
    blocs: blocs.map((b) => ({
      code: b.code,
      title: b.title,
      number: b.number,
      competencyCodes: competencies.filter((c) => c.bloc_id === b.id).map((c) => c.code),
    })),
    thresholds: {
      blocMeanPercent: version.bloc_mean_threshold_percent,
      competencyFloorPercent: version.competency_floor_percent,
    },
    tolerancePoints: version.evaluator_tolerance_points,
  };
}

describe(`the referential rule cache (${serverUrl ? "PostgreSQL server" : "PGlite"})`, () => {
  it("reads a version's rule once, then serves it without a statement, equal to what the database holds", async () => {
    const [versionId] = versionIds;
    const first = counting();
    const rule = await referentialRuleOf(first.db, versionId!);
    expect(first.statements).toHaveLength(3);
    expect(rule).toEqual(await ruleInDatabase(versionId!));
    expect(rule.blocs.length).toBeGreaterThan(1);

    const again = counting();
    expect(await referentialRuleOf(again.db, versionId!)).toBe(rule);
    expect(again.statements).toEqual([]);

    // Once the dossier scope (which has its own cache) has been read, an assessment reads nothing at all.
    const candidacy = { referential_version_id: versionId!, target_bloc_codes: [rule.blocs[0]!.code] };
    const assessment = await assessmentOf(db, candidacy);
    expect(assessment.blocs).toBe(rule.blocs);
    await assessmentOf(again.db, candidacy);
    expect(again.statements).toEqual([]);
  });

  it("keeps each version apart", async () => {
    expect(versionIds).toHaveLength(2);
    const [a, b] = await Promise.all(versionIds.map((id) => referentialRuleOf(db, id)));
    expect(a).not.toBe(b);
    expect(a).toEqual(await ruleInDatabase(versionIds[0]!));
    expect(b).toEqual(await ruleInDatabase(versionIds[1]!));
  });

  it("cannot be altered by a caller: the shared rule is frozen down to its competency codes", async () => {
    const rule = await referentialRuleOf(db, versionIds[0]!);
    const before = structuredClone(rule);
    expect(() => {
      rule.blocs[0]!.competencyCodes.push("X");
    }).toThrow(TypeError);
    expect(() => {
      rule.blocs.pop();
    }).toThrow(TypeError);
    expect(() => {
      (rule.thresholds as { blocMeanPercent: string }).blocMeanPercent = "0";
    }).toThrow(TypeError);
    // An assessment's own lists are the caller's to use; the rule they come from is untouched.
    const assessment = await assessmentOf(db, {
      referential_version_id: versionIds[0]!,
      target_bloc_codes: [rule.blocs[0]!.code],
    });
    assessment.assessedCompetencies.push("X");
    expect(await referentialRuleOf(db, versionIds[0]!)).toEqual(before);
  });

  it("keeps nothing for an unknown version: the read fails, and fails again", async () => {
    const unknown = "00000000-0000-4000-8000-000000000000";
    await expect(referentialRuleOf(db, unknown)).rejects.toThrow();
    const again = counting();
    await expect(referentialRuleOf(again.db, unknown)).rejects.toThrow();
    // It asked the database again: nothing was kept from the failed read.
    expect(again.statements).toContain("SelectQueryNode");
  });
});
