// Opens the database: a PostgreSQL server when a URL is given, otherwise PostgreSQL embedded in the process through
// PGlite. Both go through Kysely's PostgresDialect over a pg Pool, so every query runs through the same dialect
// (see docs/decisions/001-embedded-postgres-and-layout.md).
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { acquireDataFolderLock } from "./data-folder-lock";
import type { Database } from "./schema";

// numeric stays a string (exact); bigint (bigserial ids, counts) too, since ids may exceed 2^53 in principle.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => value);
// A date is a calendar day ("2024-03-31"), not an instant: as a JS Date it would shift with the time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export type DatabaseTarget =
  | { kind: "server"; url: string; maxConnections?: number }
  /** dataDir: a folder for a persistent database, or undefined for an in-memory one (tests). */
  | { kind: "embedded"; dataDir?: string };

export interface DatabaseHandle {
  db: Kysely<Database>;
  target: DatabaseTarget;
  /** Closes the pool and, when embedded, the PGlite instance (Kysely's destroy does not close PGlite). */
  close(): Promise<void>;
}

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === "server") {
    const pool = new pg.Pool({ connectionString: target.url, max: target.maxConnections ?? 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, target, close: () => db.destroy() };
  }

  if (target.dataDir) mkdirSync(target.dataDir, { recursive: true });
  // One process at a time on a data folder: a second one is refused (DataFolderLockedError) before it opens it.
  const lock = target.dataDir ? acquireDataFolderLock(target.dataDir) : undefined;
  const pglite = await PGlite.create(target.dataDir).catch((error: unknown) => {
    lock?.release();
    throw error;
  });
  // PGlite is a single connection: a pool of one makes transactions queue instead of interleaving.
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    target,
    close: async () => {
      await db.destroy();
      await pglite.close();
      lock?.release();
    },
  };
}
