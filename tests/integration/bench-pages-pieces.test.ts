// The pieces of `npm run bench:pages` that can go wrong silently: the heavy dossier it reads (filed through the
// services with all it claims), the link it follows to a deep queue page, and its percentiles.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileBenchDossier } from "../../app/services/demo-data/bench-dossier";
import { createStorage } from "../../app/services/storage";
import { seedShippedReferentials } from "../../db/seed/index";
import { readFileSync } from "node:fs";
import { nextLink, percentile, startNodeOptions } from "../../scripts/lib/bench-pages-pieces";
import { type TestDatabase, createTestDatabase } from "./support/test-database";

describe("the benchmark's heavy dossier", () => {
  let database: TestDatabase;
  let folder: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    folder = mkdtempSync(path.join(tmpdir(), "vae-bench-dossier-"));
    await seedShippedReferentials(database.handle.db);
  });

  afterAll(async () => {
    await database?.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  it("is a filed dossier with the 19 narratives and 100 evidence files, each stored", async () => {
    const db = database.handle.db;
    const storage = createStorage({ kind: "local", root: folder });
    const dossier = await fileBenchDossier(db, storage, { evidence: 100, at: new Date("2026-11-01T09:00:00Z") });
    const candidacy = await db
      .selectFrom("candidacies")
      .select("state")
      .where("id", "=", dossier.candidacyId)
      .executeTakeFirstOrThrow();
    expect(candidacy.state).toBe("dossier.submitted");
    const versions = await db
      .selectFrom("dossier_versions")
      .select(["id", "frozen_at"])
      .where("candidacy_id", "=", dossier.candidacyId)
      .execute();
    expect(versions).toHaveLength(1);
    expect(versions[0]!.frozen_at).not.toBeNull();
    const narratives = await db
      .selectFrom("dossier_narratives")
      .select("competency_code")
      .where("dossier_version_id", "=", versions[0]!.id)
      .execute();
    expect(new Set(narratives.map((n) => n.competency_code)).size).toBe(19);
    const evidence = await db
      .selectFrom("dossier_evidence as e")
      .innerJoin("documents as d", "d.id", "e.document_id")
      .select(["d.storage_key", "d.media_type"])
      .where("e.dossier_version_id", "=", versions[0]!.id)
      .execute();
    expect(evidence).toHaveLength(100);
    expect(new Set(evidence.map((e) => e.media_type))).toEqual(new Set(["application/pdf", "image/png"]));
    for (const e of evidence.slice(0, 10)) expect(await storage.get(e.storage_key)).not.toBeNull();
    const staff = await db.selectFrom("users").select("email").where("email", "=", dossier.staffEmail).execute();
    expect(staff).toHaveLength(1);
  });
});

describe("the deep queue page's link", () => {
  it("finds the next page whatever the attributes' order, decoding the query string", () => {
    const html =
      '<nav class="pager" aria-label="Pages de la liste"><a href="/recevabilite?vue=decidees">Retour au début</a>' +
      '<a rel="next" href="/recevabilite?vue=decidees&amp;apres=MjAyNi0x">Page suivante</a></nav>';
    expect(nextLink(html)).toBe("/recevabilite?vue=decidees&apres=MjAyNi0x");
    expect(nextLink('<a href="/x?page=3"><span>Page suivante</span></a>')).toBe("/x?page=3");
  });

  it("says when there is no next page", () => {
    expect(nextLink('<nav><a href="/recevabilite">Retour au début</a><span>Dernière page</span></nav>')).toBeNull();
    expect(nextLink("<main><table></table></main>")).toBeNull();
  });
});

describe("percentiles", () => {
  it("takes the nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 95)).toBeNaN();
  });
});

describe("the portal's Node options", () => {
  it("are those of npm start, read from its script", () => {
    expect(startNodeOptions("node scripts/ensure-build.mjs && node --import tsx server/index.ts")).toEqual([]);
    expect(
      startNodeOptions(
        "node scripts/ensure-build.mjs && node --optimize-for-size --max-semi-space-size=2 --import tsx server/index.ts",
      ),
    ).toEqual(["--optimize-for-size", "--max-semi-space-size=2"]);
    expect(() => startNodeOptions("node scripts/other.mjs")).toThrow(/does not start server\/index\.ts/);
    const start = JSON.parse(readFileSync(path.join(import.meta.dirname, "../../package.json"), "utf8")).scripts.start;
    expect(startNodeOptions(start)).toEqual(["--optimize-for-size"]);
  });
});
