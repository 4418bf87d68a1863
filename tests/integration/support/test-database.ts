// A fresh, migrated database for one test file: an in-memory PGlite instance by default, or a new database on the
// PostgreSQL server named by DATABASE_URL (created here, dropped afterwards), so the same tests run on both engines.
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import { type DatabaseHandle, openDatabase } from "../../../db/connection";
import { migrateToLatest } from "../../../db/migrate";

export interface TestDatabase {
  handle: DatabaseHandle;
  engine: "pglite" | "postgresql";
  /** The URL of the test database on the server, for child processes; undefined on PGlite. */
  url: string | undefined;
  drop(): Promise<void>;
}

export const serverUrl = process.env.DATABASE_URL || undefined;

/** Creates an empty database on the server and returns its URL and a function that drops it. */
export async function createServerDatabase(prefix = "vae_test"): Promise<{ url: string; drop(): Promise<void> }> {
  if (!serverUrl) throw new Error("DATABASE_URL is not set");
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        // A closed pool's connections finish ending asynchronously; terminating one that is still ending makes
        // pg emit an error nobody listens to any more, so wait for them to go before dropping.
        for (let i = 0; i < 50; i++) {
          const { rows } = await client.query("select count(*)::int as n from pg_stat_activity where datname = $1", [
            name,
          ]);
          if (rows[0].n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (serverUrl) {
    const created = await createServerDatabase();
    const handle = await openDatabase({ kind: "server", url: created.url, maxConnections: 10 });
    await migrateToLatest(handle.db);
    return {
      handle,
      engine: "postgresql",
      url: created.url,
      drop: async () => {
        await handle.close();
        await created.drop();
      },
    };
  }
  const handle = await openDatabase({ kind: "embedded" });
  await migrateToLatest(handle.db);
  return { handle, engine: "pglite", url: undefined, drop: () => handle.close() };
}

/** Empties every table but the migration bookkeeping, between tests of one file. */
export async function truncateAll(handle: DatabaseHandle): Promise<void> {
  const { rows } = await sql<{ tablename: string }>`
    select tablename from pg_tables where schemaname = 'public' and tablename not like 'kysely_%'`.execute(handle.db);
  if (rows.length === 0) return;
  await sql
    .raw(`truncate ${rows.map((r) => `"${r.tablename}"`).join(", ")} restart identity cascade`)
    .execute(handle.db);
}
