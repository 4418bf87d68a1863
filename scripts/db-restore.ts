// `npm run db:restore -- <backup.tar.gz> [--force]`: restores a backup made by db:backup into the data folder
// (DATA_DIR), which must hold no data yet unless --force (the current data is then moved aside, never deleted).
// Refused while the portal runs, and on a PostgreSQL server (pg_restore is the tool there): see README "Backups".
import "../server/load-env";
import path from "node:path";
import { parseArgs } from "node:util";
import { BackupRefusal, dataFolderLayout, restoreBackup } from "../db/backup";
import { DataFolderLockedError } from "../db/data-folder-lock";
import { ConfigError, parseConfig } from "../app/utils/env.server";

const usage = "Usage: npm run db:restore -- <backup.tar.gz> [--force]";

let parsed;
try {
  parsed = parseArgs({ options: { force: { type: "boolean" }, help: { type: "boolean" } }, allowPositionals: true });
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  process.exit(2);
}
if (parsed.values.help) {
  console.log(usage);
  process.exit(0);
}
if (parsed.positionals.length !== 1) {
  console.error(`Give the backup file to restore.\n\n${usage}`);
  process.exit(2);
}

try {
  // Without SESSION_SECRET, reading the configuration would write a new secret into the data folder before the
  // restore brings back the saved one; a placeholder stands in (this command does not use it).
  const config = parseConfig({ ...process.env, SESSION_SECRET: process.env.SESSION_SECRET || "x".repeat(32) });
  const layout = dataFolderLayout(config);
  if (!layout) {
    throw new BackupRefusal(
      "DATABASE_URL is set: this command restores the embedded database only. On a PostgreSQL server use pg_restore " +
        "(from a pg_dump -Fc file), and the S3 bucket's versioning or replication for the files: see the README, section Backups.",
      "DATABASE_URL est défini : cette commande ne restaure que la base embarquée. Sur un serveur PostgreSQL, utilisez pg_restore " +
        "(depuis un fichier pg_dump -Fc), et le versionnage ou la réplication du bucket S3 pour les fichiers : voir le README, section Backups.",
    );
  }
  const archive = path.resolve(parsed.positionals[0]!);
  const { manifest, movedAside } = await restoreBackup(layout, archive, { force: parsed.values.force ?? false });
  console.log(`Restored ${archive} (made ${manifest.createdAt}) into ${layout.root}.`);
  console.log(
    `Database: ${manifest.database.users} accounts, ${manifest.database.candidacies} candidacies, ${manifest.database.documents} documents; ` +
      `stored files: ${manifest.files.count}; e-mails: ${manifest.mail.count}; session secret: ${manifest.sessionSecret ? "yes" : "no"}; credential signing key: ${manifest.credentialSigningKey ? "yes" : "no"}.`,
  );
  if (movedAside)
    console.log(`The data that was there before is in ${movedAside}: delete it once the restore is checked.`);
  if (!layout.files && manifest.files.count > 0) {
    console.log(
      `S3_BUCKET is set: the portal reads files from the bucket, not from ${path.join(layout.root, "files")} where they were restored.`,
    );
  }
  console.log("Start the portal (npm start): it applies any newer migrations.");
} catch (error) {
  if (error instanceof DataFolderLockedError || error instanceof BackupRefusal || error instanceof ConfigError) {
    console.error(error.message);
    process.exit(error instanceof DataFolderLockedError ? 3 : 1);
  }
  throw error;
}
