// The process-wide database handle. It lives on globalThis because the server entry (run by tsx) and the Remix
// server bundle each load their own copy of this module, and an embedded PGlite database may be opened only once
// per process; in development it also survives Vite's module reloads.
import type { Kysely } from "kysely";
import { type DatabaseHandle, openDatabase } from "../../db/connection";
import type { Database } from "../../db/schema";
import { getConfig } from "./env.server";

const globalKey = Symbol.for("vae-portal.database");
type GlobalWithDb = typeof globalThis & { [globalKey]?: Promise<DatabaseHandle> };

export function getDatabaseHandle(): Promise<DatabaseHandle> {
  const g = globalThis as GlobalWithDb;
  if (!g[globalKey]) {
    const config = getConfig();
    g[globalKey] = openDatabase(config.database, {
      ...config.databaseTimeouts,
      // A transaction reading through db instead of trx fails loudly wherever someone can see it and fix it; in
      // production it is logged and the request goes on (it still ends, at worst with the acquire timeout).
      nestedConnection: config.isProduction ? "log" : "throw",
    });
  }
  return g[globalKey];
}

export async function getDb(): Promise<Kysely<Database>> {
  return (await getDatabaseHandle()).db;
}

/** Closes the process's database, if it was opened; the next getDb() opens it again. */
export async function closeDatabase(): Promise<void> {
  const g = globalThis as GlobalWithDb;
  const handle = g[globalKey];
  delete g[globalKey];
  // A database that failed to open (e.g. its data folder held by another process) has nothing to close.
  if (handle) await (await handle.catch(() => undefined))?.close();
}

/** Makes this process use an already opened database (integration tests open one per test file). */
export function installDatabaseHandle(handle: DatabaseHandle): void {
  (globalThis as GlobalWithDb)[globalKey] = Promise.resolve(handle);
}
