// Backups of the embedded default: the PGlite database, the stored files, the e-mails written to the mail folder
// and the session secret, in one .tar.gz; and their restore into a data folder that holds no data yet. Both hold the
// data folder's lock, so they never run beside the portal (docs/decisions/013). `npm run db:backup` / `db:restore`.
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { PGlite } from "@electric-sql/pglite";
import tar from "tar-stream";
import type { PortalConfig } from "../app/utils/env.server";
import { acquireDataFolderLock } from "./data-folder-lock";

export const BACKUP_FORMAT = "vae-portal-backup";
export const BACKUP_FORMAT_VERSION = 1;

/** Where the embedded default keeps each kind of data (see app/utils/env.server.ts). */
export interface DataFolderLayout {
  root: string;
  database: string;
  /** null when files live in an S3 bucket: they are backed up by the bucket's own means. */
  files: string | null;
  mail: string;
  sessionSecret: string;
  /** The generated credential signing key: losing it would make every credential issued so far unverifiable. */
  credentialSigningKey: string;
}

export function dataFolderLayout(config: PortalConfig): DataFolderLayout | null {
  if (config.database.kind !== "embedded") return null;
  return {
    root: config.dataDir,
    database: config.database.dataDir,
    files: config.storage.kind === "local" ? config.storage.root : null,
    mail: config.mail.mailDir,
    sessionSecret: path.join(config.dataDir, "session-secret"),
    credentialSigningKey: path.join(config.dataDir, CREDENTIAL_SIGNING_KEY),
  };
}

/** What a backup holds, written first in the archive and checked again after a restore. */
export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_FORMAT_VERSION;
  createdAt: string;
  /** The engine that wrote the database folder: a restore needs a PGlite of the same PostgreSQL major version. */
  postgres: string;
  database: DatabaseFacts;
  files: { count: number; bytes: number };
  mail: { count: number };
  sessionSecret: boolean;
  /** Absent from backups written before credentials existed. */
  credentialSigningKey?: boolean;
}

export interface DatabaseFacts {
  lastMigration: string | null;
  users: number;
  candidacies: number;
  documents: number;
}

/** A backup or a restore that cannot be done as asked; the message (English, then French) says why and what to do. */
export class BackupRefusal extends Error {
  constructor(english: string, french: string) {
    super(`${english}\n${french}`);
    this.name = "BackupRefusal";
  }
}

// Archive entries: manifest.json first, then the database, then the folders' files under their own prefixes.
const MANIFEST = "manifest.json";
const DATABASE = "database.tar";
const SESSION_SECRET = "session-secret";
const CREDENTIAL_SIGNING_KEY = "credential-signing-key.json";
const FILES_PREFIX = "files/";
const MAIL_PREFIX = "mail/";

export interface BackupResult {
  archive: string;
  bytes: number;
  manifest: BackupManifest;
}

/**
 * Writes a backup of the data folder to `output` (which must not exist). Takes the folder's lock first: refused
 * with DataFolderLockedError while the portal or another command has it open.
 */
export async function writeBackup(layout: DataFolderLayout, output: string): Promise<BackupResult> {
  const lock = acquireDataFolderLock(layout.database);
  try {
    if (!existsSync(path.join(layout.database, "PG_VERSION"))) {
      throw new BackupRefusal(
        `There is no embedded database in ${layout.database}: nothing to back up (check DATA_DIR).`,
        `Il n'y a pas de base de données embarquée dans ${layout.database} : rien à sauvegarder (vérifiez DATA_DIR).`,
      );
    }
    if (existsSync(output)) {
      throw new BackupRefusal(
        `${output} already exists: give another file name.`,
        `${output} existe déjà : donnez un autre nom de fichier.`,
      );
    }

    const pglite = await PGlite.create(layout.database);
    let dump: Buffer;
    let database: DatabaseFacts;
    let postgres: string;
    try {
      // The dump runs between statements, so it is consistent anyway; a checkpoint makes it one that needs no
      // recovery when opened.
      await pglite.exec("checkpoint");
      database = await databaseFacts(pglite);
      postgres = (await pglite.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v;
      dump = Buffer.from(await (await pglite.dumpDataDir("none")).arrayBuffer());
    } finally {
      await pglite.close();
    }

    const files = layout.files ? await listFiles(layout.files) : [];
    const mail = await listFiles(layout.mail);
    const sessionSecret = existsSync(layout.sessionSecret);
    const credentialSigningKey = existsSync(layout.credentialSigningKey);
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      version: BACKUP_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      postgres,
      database,
      files: { count: files.length, bytes: files.reduce((sum, f) => sum + f.size, 0) },
      mail: { count: mail.length },
      sessionSecret,
      credentialSigningKey,
    };

    // Written under a temporary name and renamed once complete: a backup that exists under its name is whole.
    await mkdir(path.dirname(output), { recursive: true });
    const partial = `${output}.partial`;
    await rm(partial, { force: true }); // left by an interrupted backup: no other backup of this folder runs now
    const pack = tar.pack();
    const written = pipeline(pack, createGzip(), createWriteStream(partial, { flags: "wx", mode: 0o600 }));
    // A failed write (a full disk) ends the pipeline; an entry waiting for room would otherwise wait forever.
    const writeFailed = written.then(() => new Promise<never>(() => {}));
    writeFailed.catch(() => {}); // reported by `await written` below
    const add = (entry: Promise<void>) => Promise.race([entry, writeFailed]);
    try {
      await add(addBuffer(pack, MANIFEST, Buffer.from(JSON.stringify(manifest, null, 2) + "\n")));
      await add(addBuffer(pack, DATABASE, dump));
      if (sessionSecret) await add(addBuffer(pack, SESSION_SECRET, await readFile(layout.sessionSecret)));
      if (credentialSigningKey) {
        await add(addBuffer(pack, CREDENTIAL_SIGNING_KEY, await readFile(layout.credentialSigningKey)));
      }
      for (const file of files)
        await add(addFile(pack, FILES_PREFIX + file.name, path.join(layout.files!, file.name), file));
      for (const file of mail)
        await add(addFile(pack, MAIL_PREFIX + file.name, path.join(layout.mail, file.name), file));
      pack.finalize();
      await written;
      await rename(partial, output);
    } catch (error) {
      pack.destroy();
      await written.catch(() => {});
      await rm(partial, { force: true });
      throw error;
    }
    return { archive: output, bytes: (await stat(output)).size, manifest };
  } finally {
    lock.release();
  }
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** Where the data that was there before went, with --force; null when the folder held no data. */
  movedAside: string | null;
}

/**
 * Restores a backup into the data folder. Refused when the folder already holds a database, stored files or
 * e-mails, unless `force`: then they are moved aside into `before-restore-<date>/`, never deleted. Holds the
 * folder's lock throughout. The archive is unpacked and the database opened and checked against the manifest in a
 * staging folder first, so a bad archive leaves the data folder as it was.
 */
export async function restoreBackup(
  layout: DataFolderLayout,
  archive: string,
  options: { force: boolean },
): Promise<RestoreResult> {
  if (!existsSync(archive)) {
    throw new BackupRefusal(`No file at ${archive}.`, `Aucun fichier à l'emplacement ${archive}.`);
  }
  await mkdir(layout.root, { recursive: true });
  const lock = acquireDataFolderLock(layout.database);
  let staging: string | null = null;
  try {
    const present = await dataPresent(layout);
    if (present.length > 0 && !options.force) {
      throw new BackupRefusal(
        `${layout.root} already holds data (${present.join(", ")}): a restore goes into a fresh data folder only. ` +
          "Give another DATA_DIR, or add --force to move the current data aside (into before-restore-<date>/) and restore.",
        `${layout.root} contient déjà des données (${present.join(", ")}) : une restauration se fait dans un dossier de données neuf. ` +
          "Indiquez un autre DATA_DIR, ou ajoutez --force pour mettre les données actuelles de côté (dans before-restore-<date>/) et restaurer.",
      );
    }

    staging = await mkdtemp(path.join(layout.root, ".restore-"));
    const unpacked = await unpack(archive, staging);
    const { manifest } = unpacked;

    const database = path.join(staging, "pglite");
    await mkdir(database);
    const pglite = await PGlite.create(database, {
      loadDataDir: new Blob([unpacked.database as Uint8Array<ArrayBuffer>]),
    });
    try {
      const facts = await databaseFacts(pglite);
      if (JSON.stringify(facts) !== JSON.stringify(manifest.database)) {
        throw new BackupRefusal(
          `The restored database does not match the backup's manifest (${JSON.stringify(facts)} instead of ${JSON.stringify(manifest.database)}): nothing was changed.`,
          "La base restaurée ne correspond pas au manifeste de la sauvegarde : rien n'a été modifié.",
        );
      }
    } finally {
      await pglite.close();
    }
    if (unpacked.files !== manifest.files.count || unpacked.mail !== manifest.mail.count) {
      throw new BackupRefusal(
        `The archive holds ${unpacked.files} stored files and ${unpacked.mail} e-mails, its manifest says ${manifest.files.count} and ${manifest.mail.count}: it is incomplete, nothing was changed.`,
        "L'archive ne contient pas tous les fichiers annoncés par son manifeste : elle est incomplète, rien n'a été modifié.",
      );
    }

    let movedAside: string | null = null;
    if (present.length > 0) {
      movedAside = path.join(layout.root, `before-restore-${timestamp(new Date())}`);
      await mkdir(movedAside);
    }
    const targets: Array<[string, string]> = [
      [database, layout.database],
      [path.join(staging, "files"), layout.files ?? path.join(layout.root, "files")],
      [path.join(staging, "mail"), layout.mail],
      [path.join(staging, SESSION_SECRET), layout.sessionSecret],
      [path.join(staging, CREDENTIAL_SIGNING_KEY), layout.credentialSigningKey],
    ];
    for (const [from, to] of targets) {
      // Without --force only empty folders or a generated secret can be there: left alone unless replaced.
      if (!existsSync(from) && !movedAside) continue;
      if (existsSync(to)) {
        // With data there (--force) it is kept aside, never deleted.
        if (movedAside) await rename(to, path.join(movedAside, path.basename(to)));
        else await rm(to, { recursive: true, force: true });
      }
      if (existsSync(from)) await rename(from, to);
    }
    return { manifest, movedAside };
  } finally {
    if (staging) await rm(staging, { recursive: true, force: true });
    lock.release();
  }
}

/** What in the data folder a restore would replace: a database, stored files, e-mails. */
async function dataPresent(layout: DataFolderLayout): Promise<string[]> {
  const present: string[] = [];
  if (existsSync(layout.database) && (await readdir(layout.database)).length > 0) present.push(layout.database);
  const files = layout.files ?? path.join(layout.root, "files");
  if ((await listFiles(files)).length > 0) present.push(files);
  if ((await listFiles(layout.mail)).length > 0) present.push(layout.mail);
  return present;
}

async function unpack(archive: string, staging: string) {
  let manifest: BackupManifest | null = null;
  let database: Buffer | null = null;
  let files = 0;
  let mail = 0;
  const notABackup = () =>
    new BackupRefusal(
      `${archive} is not a backup made by npm run db:backup (format ${BACKUP_FORMAT} ${BACKUP_FORMAT_VERSION}): nothing was changed.`,
      `${archive} n'est pas une sauvegarde faite par npm run db:backup : rien n'a été modifié.`,
    );

  const extract = tar.extract();
  const source = pipeline(createReadStream(archive), createGunzip(), extract);
  try {
    for await (const entry of extract) {
      const name = entry.header.name;
      if (!manifest) {
        if (name !== MANIFEST) throw notABackup();
        manifest = parseManifest(await readAll(entry));
        if (!manifest) throw notABackup();
      } else if (name === DATABASE) {
        database = await readAll(entry);
      } else if (name === SESSION_SECRET || name === CREDENTIAL_SIGNING_KEY) {
        await writeFile(path.join(staging, name), await readAll(entry), { mode: 0o600 });
      } else if ((name.startsWith(FILES_PREFIX) || name.startsWith(MAIL_PREFIX)) && entry.header.type === "file") {
        const target = safeTarget(staging, name);
        if (!target) throw notABackup();
        await mkdir(path.dirname(target), { recursive: true });
        // Owner read-write at least, whatever the archive says; the modification date as it was.
        await pipeline(entry, createWriteStream(target, { flags: "wx", mode: (entry.header.mode & 0o777) | 0o600 }));
        await utimes(target, entry.header.mtime, entry.header.mtime);
        if (name.startsWith(FILES_PREFIX)) files++;
        else mail++;
      } else {
        throw notABackup();
      }
    }
    await source;
  } catch (error) {
    extract.destroy();
    await source.catch(() => {});
    // A truncated or non-gzip file fails in zlib or tar: say what it means.
    if (error instanceof BackupRefusal) throw error;
    throw Object.assign(notABackup(), { cause: error });
  }
  if (!manifest || !database) throw notABackup();
  return { manifest, database, files, mail };
}

function parseManifest(bytes: Buffer): BackupManifest | null {
  try {
    const value = JSON.parse(bytes.toString("utf8")) as BackupManifest;
    return value.format === BACKUP_FORMAT && value.version === BACKUP_FORMAT_VERSION ? value : null;
  } catch {
    return null;
  }
}

/** The path an archive entry unpacks to, or null if its name would leave the staging folder. */
function safeTarget(staging: string, name: string): string | null {
  if (name.includes("\\") || name.includes("\0") || path.isAbsolute(name)) return null;
  const target = path.resolve(staging, name);
  return target.startsWith(staging + path.sep) ? target : null;
}

async function databaseFacts(pglite: PGlite): Promise<DatabaseFacts> {
  // A folder restored from an old backup may lack tables added since: count what exists.
  const exists = async (table: string) =>
    (await pglite.query<{ found: string | null }>("select to_regclass($1)::text as found", [`public.${table}`]))
      .rows[0]!.found !== null;
  const count = async (table: string) =>
    (await exists(table))
      ? (await pglite.query<{ n: number }>(`select count(*)::int as n from public.${table}`)).rows[0]!.n
      : 0;
  return {
    lastMigration: (await exists("kysely_migration"))
      ? (await pglite.query<{ name: string | null }>("select max(name) as name from public.kysely_migration")).rows[0]!
          .name
      : null,
    users: await count("users"),
    candidacies: await count("candidacies"),
    documents: await count("documents"),
  };
}

interface StoredFile {
  name: string;
  size: number;
  mode: number;
  mtime: Date;
}

/** Every regular file under `root`, by path relative to it with forward slashes; none when the folder is missing. */
async function listFiles(root: string, prefix = ""): Promise<StoredFile[]> {
  if (!existsSync(root)) return [];
  const found: StoredFile[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) found.push(...(await listFiles(full, `${prefix}${entry.name}/`)));
    else if (entry.isFile()) {
      const { size, mode, mtime } = await stat(full);
      found.push({ name: prefix + entry.name, size, mode: mode & 0o777, mtime });
    }
  }
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function addBuffer(pack: tar.Pack, name: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ name, size: data.length, mode: 0o600 }, data, (error) => (error ? reject(error) : resolve()));
  });
}

function addFile(pack: tar.Pack, name: string, source: string, file: StoredFile): Promise<void> {
  return new Promise((resolve, reject) => {
    const entry = pack.entry({ name, size: file.size, mode: file.mode, mtime: file.mtime }, (error) =>
      error ? reject(error) : resolve(),
    );
    createReadStream(source).on("error", reject).pipe(entry);
  });
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** 20261130-101500, in UTC: sorts by date, readable in a file name. */
export function timestamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}
