// `npm run db:backup` / `db:restore` on the embedded default, run as the operator runs them (child processes): a
// data folder with candidacies and stored files, backed up, restored into a fresh folder where the candidacies are
// found and every file is byte-identical; refused while another process holds the folder, over existing data
// (unless --force, which keeps the old data aside), on a file that is not a backup, and with DATABASE_URL.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCandidacy } from "../../app/services/candidacies.server";
import { addAdmissibilityDocument } from "../../app/services/documents.server";
import { localSigningKey } from "../../app/services/credentials/signing-key.server";
import { createStorage } from "../../app/services/storage";
import { openDatabase } from "../../db/connection";
import type { Database } from "../../db/schema";
import { migrateToLatest } from "../../db/migrate";
import { lockPathFor } from "../../db/data-folder-lock";
import { multipartRequest, pdfBytes, pngBytes } from "./support/candidate-files";
import { runScript, startHolder, stopHolder } from "./support/data-folder-holder";
import { CQP_CODE, createUser, seedCertifications } from "./support/fixtures";

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

let work: string;
let source: string;
let archive: string;
/** SHA-256 of every file uploaded into the source folder, by document id. */
const uploaded = new Map<string, string>();
let candidaciesBefore: unknown[];

const envFor = (dataDir: string) => ({
  ...process.env,
  DATA_DIR: dataDir,
  DATABASE_URL: "",
  SESSION_SECRET: "",
  CREDENTIAL_SIGNING_KEY: "",
});

async function withDatabase<T>(dataDir: string, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const handle = await openDatabase({ kind: "embedded", dataDir: path.join(dataDir, "pglite") });
  try {
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}

const readCandidacies = (db: Kysely<Database>) => db.selectFrom("candidacies").selectAll().orderBy("id").execute();

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "vae-backup-"));
  source = path.join(work, "source");
  archive = path.join(work, "saved", "vae-test.tar.gz");
  // A data folder as the portal leaves it: a database with two candidacies and their documents, stored files, an
  // e-mail written by the embedded mailer and the generated session secret.
  await withDatabase(source, async (db) => {
    await migrateToLatest(db);
    await seedCertifications(db);
    const storage = createStorage({ kind: "local", root: path.join(source, "files") });
    for (const name of ["Camille Martin", "Dominique Durand"]) {
      const candidateId = await createUser(db, "candidate", name);
      const created = await createCandidacy(db, candidateId, CQP_CODE);
      if (!created.ok) throw new Error(created.message);
      const files: Array<{ fields: Record<string, string>; file: { name: string; bytes: Buffer } }> = [
        { fields: { kind: "identity" }, file: { name: "identite.pdf", bytes: pdfBytes(`identity ${name}`) } },
        {
          fields: {
            kind: "activity_proof",
            proofType: "payslips",
            employer: "Épicerie fine",
            periodStart: "2023-01-01",
            periodEnd: "2023-06-30",
          },
          file: { name: "bulletins.png", bytes: pngBytes() },
        },
      ];
      for (const { fields, file } of files) {
        const added = await addAdmissibilityDocument(
          db,
          storage,
          { id: candidateId },
          created.candidacyId,
          multipartRequest(fields, file),
          {
            maxFileBytes: 1024 * 1024,
          },
        );
        if (!added.ok) throw new Error(JSON.stringify(added));
        uploaded.set(added.documentId, sha256(file.bytes));
      }
    }
    candidaciesBefore = await readCandidacies(db);
  });
  mkdirSync(path.join(source, "mail"), { recursive: true });
  writeFileSync(path.join(source, "mail", "2026-11-30-bienvenue.eml"), "Subject: Bienvenue\r\n\r\nBonjour\r\n");
  writeFileSync(path.join(source, "session-secret"), "secret-de-session-0123456789abcdefghijkl\n", { mode: 0o600 });
  // As the portal leaves it once it has signed a credential.
  localSigningKey(path.join(source, "credential-signing-key.json"));
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("db:backup and db:restore (embedded database)", () => {
  it("backs up a data folder and restores it into a fresh one: same candidacies, byte-identical files", async () => {
    const backup = await runScript(["scripts/db-backup.ts", "--output", archive], envFor(source));
    expect(backup.stderr).toBe("");
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain(`Backup written to ${archive}`);
    expect(backup.stdout).toContain("2 candidacies, 4 documents");
    expect(existsSync(archive)).toBe(true);
    expect(existsSync(`${archive}.partial`)).toBe(false);
    expect(existsSync(lockPathFor(path.join(source, "pglite")))).toBe(false);

    const target = path.join(work, "restored");
    const restore = await runScript(["scripts/db-restore.ts", archive], envFor(target));
    expect(restore.stderr).toBe("");
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain(`into ${target}`);

    await withDatabase(target, async (db) => {
      expect(await readCandidacies(db)).toEqual(candidaciesBefore);
      const documents = await db
        .selectFrom("documents")
        .select(["id", "storage_key", "sha256", "media_type"])
        .orderBy("id")
        .execute();
      expect(documents).toHaveLength(4);
      const storage = createStorage({ kind: "local", root: path.join(target, "files") });
      for (const document of documents) {
        const object = await storage.get(document.storage_key);
        expect(object?.contentType).toBe(document.media_type);
        const chunks: Buffer[] = [];
        for await (const chunk of object!.body) chunks.push(Buffer.from(chunk));
        const hash = sha256(Buffer.concat(chunks));
        expect(hash).toBe(uploaded.get(document.id));
        expect(hash).toBe(document.sha256);
      }
    });
    expect(readFileSync(path.join(target, "mail", "2026-11-30-bienvenue.eml"), "utf8")).toContain("Bonjour");
    expect(readFileSync(path.join(target, "session-secret"), "utf8")).toBe(
      readFileSync(path.join(source, "session-secret"), "utf8"),
    );
    // The generated credential signing key comes back too, replacing the one the restore command generated: the
    // credentials issued before the backup still verify after the restore.
    expect(readFileSync(path.join(target, "credential-signing-key.json"), "utf8")).toBe(
      readFileSync(path.join(source, "credential-signing-key.json"), "utf8"),
    );
    expect(readdirSync(target).filter((name) => name.startsWith(".restore-"))).toEqual([]);
  }, 240_000);

  it("refuses to back up or restore while another process holds the data folder, writing nothing", async () => {
    const holder = await startHolder(envFor(source));
    try {
      const output = path.join(work, "refused.tar.gz");
      const backup = await runScript(["scripts/db-backup.ts", "--output", output], envFor(source));
      expect(backup.code).toBe(3);
      expect(backup.stderr).toContain(`already open in another process: pid ${holder.pid}`);
      expect(backup.stderr).toContain("arrêtez le portail");
      expect(existsSync(output)).toBe(false);
      expect(existsSync(`${output}.partial`)).toBe(false);

      const restore = await runScript(["scripts/db-restore.ts", archive, "--force"], envFor(source));
      expect(restore.code).toBe(3);
      expect(restore.stderr).toContain(`pid ${holder.pid}`);
    } finally {
      await stopHolder(holder);
    }
  }, 120_000);

  it("refuses to restore over existing data; with --force keeps that data aside and restores", async () => {
    const target = path.join(work, "existing");
    await withDatabase(target, async (db) => {
      await migrateToLatest(db);
      await createUser(db, "admin", "Déjà Là");
    });
    mkdirSync(path.join(target, "files"), { recursive: true });
    writeFileSync(path.join(target, "files", "marker"), "kept");

    const refused = await runScript(["scripts/db-restore.ts", archive], envFor(target));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${target} already holds data`);
    expect(refused.stderr).toContain("contient déjà des données");
    expect(refused.stderr).toContain("--force");
    await withDatabase(target, async (db) => {
      expect(await db.selectFrom("candidacies").select("id").execute()).toEqual([]);
      expect(await db.selectFrom("users").select("full_name").execute()).toEqual([{ full_name: "Déjà Là" }]);
    });

    const forced = await runScript(["scripts/db-restore.ts", archive, "--force"], envFor(target));
    expect(forced.code).toBe(0);
    const aside = readdirSync(target).filter((name) => name.startsWith("before-restore-"));
    expect(aside).toHaveLength(1);
    expect(forced.stdout).toContain(path.join(target, aside[0]!));
    expect(readFileSync(path.join(target, aside[0]!, "files", "marker"), "utf8")).toBe("kept");
    expect(existsSync(path.join(target, "files", "marker"))).toBe(false);
    await withDatabase(target, async (db) => {
      expect(await readCandidacies(db)).toEqual(candidaciesBefore);
    });
  }, 240_000);

  it("refuses a file that is not a backup, changing nothing", async () => {
    const target = path.join(work, "not-a-backup");
    const bogus = path.join(work, "bogus.tar.gz");
    writeFileSync(bogus, "not a tarball");
    const result = await runScript(["scripts/db-restore.ts", bogus], envFor(target));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("is not a backup made by npm run db:backup");
    expect(existsSync(path.join(target, "pglite"))).toBe(false);
    expect(readdirSync(target)).toEqual([]);
  }, 60_000);

  it("says to use pg_dump and pg_restore when DATABASE_URL is set", async () => {
    const env = { ...envFor(path.join(work, "server")), DATABASE_URL: "postgres://vae@127.0.0.1:1/vae" };
    const backup = await runScript(["scripts/db-backup.ts"], env);
    expect(backup.code).toBe(1);
    expect(backup.stderr).toContain("pg_dump -Fc");
    const restore = await runScript(["scripts/db-restore.ts", archive], env);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain("pg_restore");
    expect(existsSync(path.join(work, "server"))).toBe(false);
  }, 60_000);
});
