// Opens the database: a PostgreSQL server when a URL is given, otherwise PostgreSQL embedded in the process through
// PGlite. Both go through Kysely's PostgresDialect over a pg Pool, so every query runs through the same dialect
// (see docs/decisions/001-embedded-postgres-and-layout.md). Timeouts, the nested-connection guard and lost
// connections: docs/decisions/011-database-timeouts-and-connection-guard.md.
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { loggerFor } from "../app/utils/logger.server";
import { ConnectionGuard, type NestedConnectionPolicy } from "./connection-guard";
import { acquireDataFolderLock } from "./data-folder-lock";
import { namePreparedStatements } from "./prepared-statements";
import type { Database } from "./schema";

// numeric stays a string (exact); bigint (bigserial ids, counts) too, since ids may exceed 2^53 in principle.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => value);
// A date is a calendar day ("2024-03-31"), not an instant: as a JS Date it would shift with the time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

const log = loggerFor("database");

export type DatabaseTarget =
  /** preparedStatements: the statements that opt in go named (db/prepared-statements.ts); default true. */
  | { kind: "server"; url: string; maxConnections?: number; preparedStatements?: boolean }
  /** dataDir: a folder for a persistent database, or undefined for an in-memory one (tests). */
  | { kind: "embedded"; dataDir?: string };

export interface DatabaseOptions {
  /** How long a query waits for a free connection of the pool (or for a new one to open) before failing. */
  acquireTimeoutMs?: number;
  /** Server only (PGlite ignores it): a statement running longer is cancelled. 0: the server's own setting. */
  statementTimeoutMs?: number;
  /** Server only: a session idle inside an open transaction longer than this is ended. 0: the server's own setting. */
  idleInTransactionTimeoutMs?: number;
  /** What happens when code takes a second connection while its own transaction holds one. Default throw. */
  nestedConnection?: NestedConnectionPolicy;
}

const DEFAULTS = {
  acquireTimeoutMs: 10_000,
  statementTimeoutMs: 30_000,
  idleInTransactionTimeoutMs: 60_000,
} as const;

export interface DatabaseHandle {
  db: Kysely<Database>;
  target: DatabaseTarget;
  /** Closes the pool and, when embedded, the PGlite instance (Kysely's destroy does not close PGlite). */
  close(): Promise<void>;
}

export async function openDatabase(target: DatabaseTarget, options: DatabaseOptions = {}): Promise<DatabaseHandle> {
  const settings = {
    acquireTimeoutMs: options.acquireTimeoutMs ?? DEFAULTS.acquireTimeoutMs,
    statementTimeoutMs: options.statementTimeoutMs ?? DEFAULTS.statementTimeoutMs,
    idleInTransactionTimeoutMs: options.idleInTransactionTimeoutMs ?? DEFAULTS.idleInTransactionTimeoutMs,
  };
  const guard = new ConnectionGuard(options.nestedConnection ?? "throw", (error) =>
    log.error({ err: error }, "Nested database connection: a query used db inside its own transaction"),
  );
  const kysely = (pool: pg.Pool) =>
    guard.guard(new Kysely<Database>({ dialect: new PostgresDialect({ pool: guard.pool(keepServing(pool)) }) }));

  if (target.kind === "server") {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.maxConnections ?? 10,
      connectionTimeoutMillis: settings.acquireTimeoutMs,
      statement_timeout: settings.statementTimeoutMs,
      idle_in_transaction_session_timeout: settings.idleInTransactionTimeoutMs,
      application_name: "vae-portal",
    });
    // The hot statements that opt in are parsed and planned once per connection (docs/decisions/033).
    const db = kysely(target.preparedStatements === false ? pool : namePreparedStatements(pool));
    return { db, target, close: () => db.destroy() };
  }

  if (target.dataDir) mkdirSync(target.dataDir, { recursive: true });
  // One process at a time on a data folder: a second one is refused (DataFolderLockedError) before it opens it.
  const lock = target.dataDir ? acquireDataFolderLock(target.dataDir) : undefined;
  const pglite = await PGlite.create(target.dataDir).catch((error: unknown) => {
    lock?.release();
    throw error;
  });
  // PGlite is a single connection: a pool of one makes transactions queue instead of interleaving. It must not be
  // given idle_in_transaction_session_timeout: once it fires, PGlite never answers again.
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1, connectionTimeoutMillis: settings.acquireTimeoutMs });
  const db = kysely(pool);
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

/**
 * A connection the server ends (restart, failover, pg_terminate_backend) emits 'error': on an idle connection the
 * pool re-emits it, on one in use nobody listens, and an unheard 'error' event ends the process. Log it once; the
 * pool drops that connection and opens a new one for the next query.
 */
function keepServing(pool: pg.Pool): pg.Pool {
  pool.on("connect", (client) => {
    client.on("error", (error) => {
      log.error({ err: error }, "Database connection lost; the next query opens a new one");
    });
  });
  // Already logged by the connection's own listener above.
  pool.on("error", () => undefined);
  return pool;
}
