// What the portal does before it serves its first request: open the database, apply migrations, load the shipped
// referentials and, on the embedded default, make sure the demo accounts exist.
import { migrateToLatest } from "../db/migrate";
import { seedShippedReferentials } from "../db/seed/index";
import { DEMO_ACCOUNTS, type DemoAccount, ensureDemoAccounts } from "./services/demo-accounts.server";
import { getDatabaseHandle } from "./utils/db.server";
import type { PortalConfig } from "./utils/env.server";

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
