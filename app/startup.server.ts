// What the portal does before it serves its first request: open the database, apply migrations, load the shipped
// referentials, on the embedded default make sure the demo accounts exist, and remove what uploads interrupted by a
// crash left behind (temporary files; the objects without a row wait for the hourly sweep and its grace period).
import { migrateToLatest } from "../db/migrate";
import { seedShippedReferentials } from "../db/seed/index";
import { DEMO_ACCOUNTS, type DemoAccount, ensureDemoAccounts } from "./services/demo-accounts.server";
import { sweepUploadLeftovers } from "./services/documents.server";
import { createStorage, getStorage } from "./services/storage";
import { getDatabaseHandle } from "./utils/db.server";
import type { PortalConfig } from "./utils/env.server";
import { loggerFor } from "./utils/logger.server";

export interface PreparedPortal {
  database: string;
  migrationsApplied: string[];
  referentials: string[];
  demoAccounts: readonly DemoAccount[];
}

export async function preparePortal(config: PortalConfig): Promise<PreparedPortal> {
  const { db } = await getDatabaseHandle();
  const migrationsApplied = await migrateToLatest(db);
  const seeded = await seedShippedReferentials(db);
  if (config.demoAccounts) await ensureDemoAccounts(db);
  // Debris must not stop the portal from starting: a failure is logged, and the hourly sweep tries again.
  const storage = config.storage.kind === "local" ? createStorage(config.storage) : getStorage();
  await sweepUploadLeftovers(storage).catch((error: unknown) =>
    loggerFor("storage-sweep").error({ err: error }, "Sweeping the temporary files of interrupted uploads failed"),
  );
  return {
    database:
      config.database.kind === "server"
        ? `PostgreSQL server at ${redactUrl(config.database.url)}`
        : `embedded PostgreSQL (PGlite) in ${config.database.dataDir}`,
    migrationsApplied,
    referentials: seeded.map((s) => `${s.code} ${s.version} (${s.result.status})`),
    demoAccounts: config.demoAccounts ? DEMO_ACCOUNTS : [],
  };
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}
