// `npm run db:backup -- [--output <file>]`: backs up the embedded database with the stored files, the e-mails of the
// mail folder, the session secret and the credential signing key into one .tar.gz (default
// backups/vae-<UTC date>-<time>.tar.gz). Refused while the portal runs (stop it first), and on a PostgreSQL server
// (pg_dump is the tool there): see README "Backups".
import "../server/load-env";
import path from "node:path";
import { parseArgs } from "node:util";
import { BackupRefusal, dataFolderLayout, timestamp, writeBackup } from "../db/backup";
import { DataFolderLockedError } from "../db/data-folder-lock";
import { ConfigError, parseConfig } from "../app/utils/env.server";

const usage = "Usage: npm run db:backup -- [--output <file.tar.gz>]";

let values;
try {
  ({ values } = parseArgs({ options: { output: { type: "string", short: "o" }, help: { type: "boolean" } } }));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}

try {
  // Without SESSION_SECRET, reading the configuration would write a new secret into the data folder; a backup must
  // change nothing, so a placeholder stands in (this command does not use it).
  const config = parseConfig({ ...process.env, SESSION_SECRET: process.env.SESSION_SECRET || "x".repeat(32) });
  const layout = dataFolderLayout(config);
  if (!layout) {
    throw new BackupRefusal(
      "DATABASE_URL is set: the data is on a PostgreSQL server, which this command does not back up. Use pg_dump -Fc " +
        "(and pg_restore), and the S3 bucket's versioning or replication for the files: see the README, section Backups.",
      "DATABASE_URL est défini : les données sont sur un serveur PostgreSQL, que cette commande ne sauvegarde pas. " +
        "Utilisez pg_dump -Fc (et pg_restore), et le versionnage ou la réplication du bucket S3 pour les fichiers : voir le README, section Backups.",
    );
  }
  const output = path.resolve(values.output ?? path.join("backups", `vae-${timestamp(new Date())}.tar.gz`));
  const { archive, bytes, manifest } = await writeBackup(layout, output);
  console.log(`Backup written to ${archive} (${(bytes / 1024 / 1024).toFixed(1)} MiB).`);
  console.log(
    `Database: ${manifest.database.users} accounts, ${manifest.database.candidacies} candidacies, ${manifest.database.documents} documents ` +
      `(PostgreSQL ${manifest.postgres}, last migration ${manifest.database.lastMigration ?? "none"}).`,
  );
  console.log(
    `Stored files: ${manifest.files.count} (${manifest.files.bytes} bytes); e-mails: ${manifest.mail.count}; session secret: ${manifest.sessionSecret ? "yes" : "no"}; credential signing key: ${manifest.credentialSigningKey ? "yes" : "no"}.`,
  );
  if (!layout.files)
    console.log(
      "Files are in the S3 bucket (S3_BUCKET), not in this backup: back them up with the bucket's own means.",
    );
  console.log(
    "It holds personal data, password hashes, the session secret and the credential signing key: keep it where only operators can read it.",
  );
} catch (error) {
  if (error instanceof DataFolderLockedError || error instanceof BackupRefusal || error instanceof ConfigError) {
    console.error(error.message);
    process.exit(error instanceof DataFolderLockedError ? 3 : 1);
  }
  throw error;
}
