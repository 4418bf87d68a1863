// `npm run db:migrate`: applies pending migrations to the configured database (DATABASE_URL, or the embedded one).
import "../server/load-env";
import { DataFolderLockedError } from "../db/data-folder-lock";
import { migrateToLatest } from "../db/migrate";
import { closeDatabase, getDb } from "../app/utils/db.server";
import { getConfig } from "../app/utils/env.server";

const config = getConfig();
try {
  const applied = await migrateToLatest(await getDb());
  console.log(applied.length ? `Applied: ${applied.join(", ")}` : "The database is up to date.");
  console.log(
    config.database.kind === "server" ? "(PostgreSQL server)" : `(embedded database in ${config.database.dataDir})`,
  );
} catch (error) {
  if (!(error instanceof DataFolderLockedError)) throw error;
  console.error(error.message);
  process.exitCode = 3;
} finally {
  await closeDatabase();
}
