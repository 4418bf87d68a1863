// Opens the embedded database of DATA_DIR as the portal does (same handle, migrations applied), prints "ready" and
// keeps it open until SIGTERM: the other process of the data-folder lock and backup tests.
import { migrateToLatest } from "../../../db/migrate";
import { closeDatabase, getDb } from "../../../app/utils/db.server";

await migrateToLatest(await getDb());
process.stdout.write("ready\n");
const keepAlive = setInterval(() => {}, 60_000);
process.on("SIGTERM", async () => {
  clearInterval(keepAlive);
  await closeDatabase();
  process.exit(0);
});
