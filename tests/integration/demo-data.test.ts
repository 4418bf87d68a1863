// `npm run demo:data`'s generator on a real database (PGlite, or PostgreSQL with DATABASE_URL): every state of the
// statechart present at a small size, the same rows for the same seed in two fresh databases, decisions that follow
// the decision rule, real stored files, and a second load of one seed refused.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoDataOptions, type DemoDataSummary, generateDemoData } from "../../app/services/demo-data";
import { type ObjectStorage, createStorage } from "../../app/services/storage";
import { seedShippedReferentials } from "../../db/seed/index";
import { cqpCommercialSedentaire } from "../../db/seed/cqp-commercial-sedentaire";
import { CANDIDACY_STATE_KEYS } from "../../workflows/candidacy-machine";
import { decide } from "../../workflows/decision";
import type { Decision, ExactScore } from "../../workflows/decision-types";
import { demoDigest } from "./support/demo-digest";
import { type TestDatabase, createTestDatabase } from "./support/test-database";

const SEED = "t1";
const OPTIONS = { candidacies: 24, seed: SEED, until: new Date("2026-11-01T00:00:00Z"), concurrency: 3 };
const BLOCS = cqpCommercialSedentaire.referential.blocs.map((b) => ({
  code: b.code,
  competencyCodes: b.competencies.map((c) => c.code),
}));

interface Load {
  database: TestDatabase;
  storage: ObjectStorage;
  folder: string;
  summary: DemoDataSummary;
}

async function load(split: Partial<DemoDataOptions> = {}): Promise<Load> {
  const database = await createTestDatabase();
  const folder = mkdtempSync(path.join(tmpdir(), "vae-demo-data-"));
  const storage = createStorage({ kind: "local", root: folder });
  await seedShippedReferentials(database.handle.db);
  const summary = await generateDemoData(database.handle.db, storage, { ...OPTIONS, ...split });
  return { database, storage, folder, summary };
}

describe("demo data through the services", () => {
  let first: Load;
  let second: Load;

  beforeAll(async () => {
    first = await load();
    // The same load split differently: candidacies in three shards of two lanes each (as --processes splits it).
    second = await load({ shards: 3, concurrency: 2 });
  }, 900_000);

  afterAll(async () => {
    for (const l of [first, second]) {
      if (!l) continue;
      await l.database.drop();
      rmSync(l.folder, { recursive: true, force: true });
    }
  });

  it("refreshes the planner statistics as the data grows, as autovacuum would", async () => {
    expect(first.summary.statisticsRefreshed).toBeGreaterThanOrEqual(1);
    // The server's own record of it; the count above covers PGlite too.
    if (!process.env.DATABASE_URL) return;
    const { rows } = await sql<{ analyzed: boolean }>`
      select last_analyze is not null as analyzed from pg_stat_user_tables where relname = 'candidacies'`.execute(
      first.database.handle.db,
    );
    expect(rows).toEqual([{ analyzed: true }]);
  });

  it("holds a candidacy in every state of the statechart, even at a small size", () => {
    expect(Object.keys(first.summary.byState).sort()).toEqual([...CANDIDACY_STATE_KEYS].sort());
    expect(Object.values(first.summary.byState).reduce((a, b) => a + b, 0)).toBe(OPTIONS.candidacies);
  });

  it("writes the same states, journal dates, scores and decisions for the same seed, however the load is split", async () => {
    const a = await demoDigest(first.database.handle.db, SEED);
    const b = await demoDigest(second.database.handle.db, SEED);
    expect(a.candidacies).toHaveLength(OPTIONS.candidacies);
    expect(a.scores.length).toBeGreaterThan(0);
    expect(a.decisions.length).toBeGreaterThan(0);
    expect(second.summary.serviceCalls).toBe(first.summary.serviceCalls);
    expect(b).toEqual(a);
    const hash = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");
    expect(hash(b)).toBe(hash(a));
  });

  it("spreads the candidacies over the two years before the end date", async () => {
    const { candidacies } = await demoDigest(first.database.handle.db, SEED);
    const times = candidacies.map((c: { created_at: string }) => Date.parse(c.created_at));
    const end = OPTIONS.until.getTime();
    expect(Math.max(...times)).toBeLessThan(end);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(end - 730 * 86_400_000);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(365 * 86_400_000);
  });

  it("records decisions that follow the decision rule on the joint scores", async () => {
    const db = first.database.handle.db;
    const rows = await db.selectFrom("candidacy_decisions").selectAll().execute();
    expect(rows.length).toBeGreaterThan(2);
    for (const row of rows) {
      const joint = row.joint_scores as Record<string, ExactScore>;
      const expected = decide({
        blocs: BLOCS,
        scores: joint,
        thresholds: { blocMeanPercent: 70, competencyFloorPercent: 50 },
        acquiredBlocCodes: [],
      });
      const stored = row.outcome as Decision;
      expect(stored.awardedBlocCodes).toEqual(expected.awardedBlocCodes);
      expect(stored.certificationAwarded).toBe(expected.certificationAwarded);
      if (row.route === "agreed") {
        // Agreed pairs: the joint score is the mean of the two evaluators' own scores, exactly.
        const own = await db
          .selectFrom("evaluation_scores")
          .select(["competency_code", "score"])
          .where("candidacy_id", "=", row.candidacy_id)
          .execute();
        for (const [code, score] of Object.entries(joint)) {
          const pair = own.filter((s) => s.competency_code === code).map((s) => Math.round(Number(s.score) * 10));
          expect(pair).toHaveLength(2);
          expect(score.tenthsNumerator / score.denominator).toBeCloseTo((pair[0]! + pair[1]!) / 2, 9);
        }
      }
    }
  });

  it("stores every document as a real, small file whose SHA-256 matches", async () => {
    const db = first.database.handle.db;
    const documents = await db
      .selectFrom("documents")
      .select(["storage_key", "sha256", "byte_size", "media_type", "purged_at"])
      .execute();
    expect(documents.length).toBeGreaterThan(OPTIONS.candidacies);
    const kept = documents.filter((d) => d.purged_at === null);
    for (const document of kept.slice(0, 40)) {
      const object = await first.storage.get(document.storage_key);
      if (!object) throw new Error(`no object at ${document.storage_key}`);
      const chunks: Buffer[] = [];
      for await (const chunk of object.body) chunks.push(Buffer.from(chunk));
      const bytes = Buffer.concat(chunks);
      expect(bytes.length).toBe(Number(document.byte_size));
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(document.sha256);
    }
    // Identity documents of decided requests are purged from storage, as the worker does after the decision.
    expect(documents.some((d) => d.purged_at !== null)).toBe(true);
  });

  it("refuses to load the same seed twice into one database, and changes nothing", async () => {
    const db = first.database.handle.db;
    const before = await db
      .selectFrom("candidacies")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    await expect(generateDemoData(db, first.storage, OPTIONS)).rejects.toThrow(/already holds the demo data/);
    const after = await db
      .selectFrom("candidacies")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});
