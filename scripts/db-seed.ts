// `npm run db:seed`: loads the shipped referentials (idempotent) into the configured database.
import "../server/load-env";
import { DataFolderLockedError } from "../db/data-folder-lock";
import { migrateToLatest } from "../db/migrate";
import { seedShippedReferentials } from "../db/seed/index";
import { closeDatabase, getDb } from "../app/utils/db.server";

try {
  const db = await getDb();
  await migrateToLatest(db);
  for (const { code, version, result } of await seedShippedReferentials(db)) {
    console.log(`${code} ${version}: ${result.status}`);
  }
} catch (error) {
  if (!(error instanceof DataFolderLockedError)) throw error;
  console.error(error.message);
  process.exitCode = 3;
} finally {
  await closeDatabase();
}
