// What uploads interrupted by a crash leave behind — the local folder's temporary files and the spool files of
// uploads whose type was not yet known — is removed at start and by the hourly sweep once older than the grace
// period; an upload in progress (fresh files) is never touched. The last test kills a real process mid-upload.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  UPLOAD_LEFTOVER_GRACE_MS,
  sweepOrphanObjects,
  sweepUploadLeftovers,
} from "../../app/services/documents.server";
import { type LocalStorage, createStorage } from "../../app/services/storage";
import { preparePortal } from "../../app/startup.server";
import { installDatabaseHandle } from "../../app/utils/db.server";
import { parseConfig } from "../../app/utils/env.server";
import { filesUnder } from "./support/storage-backends";
import { type TestDatabase, createTestDatabase } from "./support/test-database";

const root = path.resolve(import.meta.dirname, "../..");
const HOUR = 3600_000;

let testDb: TestDatabase;
const folders: string[] = [];
beforeAll(async () => {
  testDb = await createTestDatabase();
  installDatabaseHandle(testDb.handle);
});
afterAll(async () => {
  await testDb?.drop();
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

function folder(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `vae-${name}-`));
  folders.push(dir);
  return dir;
}

/** A file last modified ageMs ago. */
function leftover(file: string, ageMs: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, "half of an upload");
  const when = new Date(Date.now() - ageMs);
  utimesSync(file, when, when);
}

/** The debris of two crashed uploads (2 h old), one upload in progress (fresh), and what is not debris. */
async function scatter(storageRoot: string, spoolDirectory: string) {
  const storage = createStorage({ kind: "local", root: storageRoot }) as LocalStorage;
  await storage.put("candidacies/7/files/aaaa", Readable.from([Buffer.from("%PDF-1.7 kept")]), {
    contentType: "application/pdf",
  });
  const files = "candidacies/7/files";
  leftover(path.join(storageRoot, files, ".bbbb~0123456789abcdef.tmp"), 2 * HOUR);
  leftover(path.join(storageRoot, files, ".bbbb~0123456789abcdef.meta"), 2 * HOUR);
  // The sidecar of a put killed between its two renames: its file never arrived.
  leftover(path.join(storageRoot, files, "cccc~meta.json"), 2 * HOUR);
  leftover(path.join(storageRoot, files, ".dddd~fedcba9876543210.tmp"), 60_000);
  leftover(path.join(spoolDirectory, `vae-upload-${"1".repeat(32)}.part`), 2 * HOUR);
  leftover(path.join(spoolDirectory, `vae-upload-${"2".repeat(32)}.part`), 60_000);
  // Someone else's file in the shared temporary folder.
  leftover(path.join(spoolDirectory, "notes.part"), 2 * HOUR);
  return {
    storage,
    removed: {
      storageFiles: [
        `${files}/.bbbb~0123456789abcdef.meta`,
        `${files}/.bbbb~0123456789abcdef.tmp`,
        `${files}/cccc~meta.json`,
      ],
      spoolFiles: [`vae-upload-${"1".repeat(32)}.part`],
    },
    kept: {
      storage: [`${files}/.dddd~fedcba9876543210.tmp`, `${files}/aaaa`, `${files}/aaaa~meta.json`],
      spool: ["notes.part", `vae-upload-${"2".repeat(32)}.part`],
    },
  };
}

const sorted = (result: { storageFiles: string[]; spoolFiles: string[] }) => ({
  storageFiles: [...result.storageFiles].sort(),
  spoolFiles: [...result.spoolFiles].sort(),
});

describe(`leftovers of interrupted uploads (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("are removed at start once older than the grace period; an upload in progress keeps its files", async () => {
    const dataDir = folder("start");
    const spoolDirectory = folder("start-spool");
    const scene = await scatter(path.join(dataDir, "files"), spoolDirectory);
    // Uploads spool into the system's temporary folder (TMPDIR).
    const previousTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = spoolDirectory;
    try {
      await preparePortal({ ...parseConfig({ DATA_DIR: dataDir }), demoAccounts: false });
    } finally {
      if (previousTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previousTmpdir;
    }
    expect(await filesUnder(path.join(dataDir, "files"))).toEqual(scene.kept.storage);
    expect((await readdir(spoolDirectory)).sort()).toEqual(scene.kept.spool);
  });

  it("are removed by the hourly sweep, which says what it removed", async () => {
    const storageRoot = folder("sweep");
    const spoolDirectory = folder("sweep-spool");
    const scene = await scatter(storageRoot, spoolDirectory);
    const sweep = await sweepOrphanObjects(testDb.handle.db, scene.storage, new Date(), undefined, { spoolDirectory });
    expect(sorted(sweep.leftovers)).toEqual(scene.removed);
    expect(await filesUnder(storageRoot)).toEqual(scene.kept.storage);
    expect((await readdir(spoolDirectory)).sort()).toEqual(scene.kept.spool);
    // An hour later the upload that was in progress is debris too.
    const later = await sweepUploadLeftovers(scene.storage, {
      now: new Date(Date.now() + UPLOAD_LEFTOVER_GRACE_MS),
      spoolDirectory,
    });
    expect(sorted(later)).toEqual({
      storageFiles: ["candidacies/7/files/.dddd~fedcba9876543210.tmp"],
      spoolFiles: [`vae-upload-${"2".repeat(32)}.part`],
    });
  });

  it("of a process killed mid-upload (kill -9) are removed by the sweep", async () => {
    const storageRoot = folder("crash");
    const spoolDirectory = folder("crash-spool");
    const child: ChildProcess = spawn(
      process.execPath,
      ["--import", "tsx", "tests/integration/support/crash-upload.ts"],
      {
        cwd: root,
        env: { ...process.env, STORAGE_ROOT: storageRoot, SPOOL_DIR: spoolDirectory },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", () => output.includes("writing") && resolve());
      child.once("exit", (code) =>
        reject(new Error(`the uploading process exited (${code}) before writing:\n${output}`)),
      );
    });
    child.kill("SIGKILL");
    await exited;

    const storage = createStorage({ kind: "local", root: storageRoot });
    const debris = await filesUnder(storageRoot);
    expect(debris.some((file) => /~[0-9a-f]{16}\.tmp$/.test(file))).toBe(true);
    expect(await readdir(spoolDirectory)).toEqual([expect.stringMatching(/^vae-upload-[0-9a-f]{32}\.part$/)]);
    // Just after the crash the files are within the grace period, as an upload in progress would be.
    expect(await sweepUploadLeftovers(storage, { spoolDirectory })).toEqual({ storageFiles: [], spoolFiles: [] });

    const sweep = await sweepOrphanObjects(
      testDb.handle.db,
      storage,
      new Date(Date.now() + UPLOAD_LEFTOVER_GRACE_MS + 1000),
      undefined,
      {
        spoolDirectory,
      },
    );
    expect(sweep.leftovers.storageFiles.sort()).toEqual(debris);
    expect(sweep.leftovers.spoolFiles).toHaveLength(1);
    expect(await filesUnder(storageRoot)).toEqual([]);
    expect(await readdir(spoolDirectory)).toEqual([]);
  }, 60_000);
});
