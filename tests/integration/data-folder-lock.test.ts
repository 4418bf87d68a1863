// One process at a time on an embedded data folder: a second opener (in this process or another: the portal,
// user:create, db:migrate, db:seed) is refused with a message saying what to do and changes nothing; a lock left by
// a process that no longer runs is taken over; the lock goes away on close and on exit. Embedded only, whatever
// DATABASE_URL says: the child processes are started without it.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/connection";
import { DataFolderLockedError, acquireDataFolderLock, lockPathFor } from "../../db/data-folder-lock";
import { findUserByEmail } from "../../db/queries/users";
import { root, runScript, startHolder, stopHolder } from "./support/data-folder-holder";

const folders: string[] = [];

function newDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "vae-lock-"));
  folders.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited: nothing runs under it any more (until the system reuses it). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid!;
}

function expectRefusalMessage(message: string, pid: number) {
  expect(message).toContain(`already open in another process: pid ${pid}`);
  expect(message).toContain("stop the portal");
  expect(message).toContain("/admin/comptes/nouveau");
  expect(message).toContain(`déjà ouverte par un autre processus : pid ${pid}`);
  expect(message).toContain("arrêtez le portail");
}

describe("the data-folder lock, in one process", () => {
  it("refuses a second open of the same folder with the message, and frees the folder on close", async () => {
    const dataDir = path.join(newDataDir(), "pglite");
    const first = await openDatabase({ kind: "embedded", dataDir });
    const lock = JSON.parse(readFileSync(lockPathFor(dataDir), "utf8"));
    expect(lock).toMatchObject({ pid: process.pid, host: hostname() });
    expect(Date.parse(lock.since)).toBeGreaterThan(Date.now() - 60_000);

    const second = await openDatabase({ kind: "embedded", dataDir }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(second).toBeInstanceOf(DataFolderLockedError);
    expectRefusalMessage((second as Error).message, process.pid);

    await first.close();
    expect(existsSync(lockPathFor(dataDir))).toBe(false);
    const again = await openDatabase({ kind: "embedded", dataDir });
    await again.close();
  }, 120_000);

  it("takes over the lock of a process that no longer runs", async () => {
    const dataDir = path.join(newDataDir(), "pglite");
    const pid = await deadPid();
    const stale = { pid, host: hostname(), since: "2026-11-01T08:00:00.000Z", command: "server/index.ts" };
    writeFileSync(lockPathFor(dataDir), JSON.stringify(stale));

    const lock = acquireDataFolderLock(dataDir);
    expect(lock.tookOverFrom).toMatchObject(stale);
    expect(JSON.parse(readFileSync(lockPathFor(dataDir), "utf8")).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(lockPathFor(dataDir))).toBe(false);

    // Through openDatabase too: a portal killed with -9 does not keep its folder.
    writeFileSync(lockPathFor(dataDir), JSON.stringify(stale));
    const handle = await openDatabase({ kind: "embedded", dataDir });
    await handle.close();
  }, 120_000);

  it.runIf(existsSync("/proc/self/stat"))("takes over a lock whose pid now belongs to another process", () => {
    const dataDir = path.join(newDataDir(), "pglite");
    const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    // The parent process runs, but it is not the one that wrote this lock: it started at another time.
    const reused = {
      pid: process.ppid,
      host: hostname(),
      since: "2026-11-01T08:00:00.000Z",
      command: "server/index.ts",
      bootId,
      startTicks: "1",
    };
    writeFileSync(lockPathFor(dataDir), JSON.stringify(reused));
    const lock = acquireDataFolderLock(dataDir);
    expect(lock.tookOverFrom?.pid).toBe(process.ppid);
    lock.release();
  });

  it("refuses a running process's lock, another machine's lock and a lock being written; takes over an old damaged one", () => {
    const dataDir = path.join(newDataDir(), "pglite");
    const lockPath = lockPathFor(dataDir);
    const refusal = () => {
      try {
        acquireDataFolderLock(dataDir).release();
        return null;
      } catch (error) {
        return error as DataFolderLockedError;
      }
    };

    writeFileSync(
      lockPath,
      JSON.stringify({
        pid: process.ppid,
        host: hostname(),
        since: "2026-11-01T08:00:00.000Z",
        command: "server/index.ts",
      }),
    );
    expect(refusal()?.holder?.pid).toBe(process.ppid);

    writeFileSync(
      lockPath,
      JSON.stringify({
        pid: 4242,
        host: "autre-serveur",
        since: "2026-11-01T08:00:00.000Z",
        command: "server/index.ts",
      }),
    );
    const remote = refusal();
    expect(remote?.message).toContain("pid 4242 (server/index.ts) on host autre-serveur");
    expect(remote?.message).toContain(`If no process uses this folder on autre-serveur any more, delete ${lockPath}.`);
    expect(readFileSync(lockPath, "utf8")).toContain("autre-serveur");

    writeFileSync(lockPath, "");
    expect(refusal()?.holder).toBeNull();
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockPath, old, old);
    expect(refusal()).toBeNull();
    expect(existsSync(lockPath)).toBe(false);
  });
});

describe("the data-folder lock, between processes", () => {
  it("frees the folder when its process exits without closing the database", async () => {
    const dataDir = path.join(newDataDir(), "pglite");
    const script = `import { acquireDataFolderLock } from ${JSON.stringify(path.join(root, "db/data-folder-lock.ts"))};
      acquireDataFolderLock(${JSON.stringify(dataDir)}); process.exit(0);`;
    expect((await runScript(["--eval", script], process.env)).code).toBe(0);
    expect(existsSync(lockPathFor(dataDir))).toBe(false);
  }, 60_000);

  it("lets exactly one of several processes racing for a stale lock take it over", async () => {
    const dataDir = path.join(newDataDir(), "pglite");
    writeFileSync(
      lockPathFor(dataDir),
      JSON.stringify({ pid: await deadPid(), host: hostname(), since: "2026-11-01T08:00:00.000Z", command: "x" }),
    );
    // Each racer, once loaded, says so and spins until all are: then they try at the same moment, and the winner
    // keeps the lock long enough for the others to see it alive.
    const barrier = mkdtempSync(path.join(tmpdir(), "vae-race-"));
    folders.push(barrier);
    const script = (n: number) => `import { existsSync, writeFileSync } from "node:fs";
      import { acquireDataFolderLock } from ${JSON.stringify(path.join(root, "db/data-folder-lock.ts"))};
      writeFileSync(${JSON.stringify(barrier)} + "/${n}", "");
      while (![1, 2, 3, 4].every((i) => existsSync(${JSON.stringify(barrier)} + "/" + i)));
      try { acquireDataFolderLock(${JSON.stringify(dataDir)}); console.log("won"); setTimeout(() => {}, 3000); }
      catch (error) { console.log(error.name); }`;
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) => runScript(["--eval", script(n)], { ...process.env, LOG_LEVEL: "silent" })),
    );
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    expect(results.map((r) => r.stdout.trim()).sort()).toEqual([
      "DataFolderLockedError",
      "DataFolderLockedError",
      "DataFolderLockedError",
      "won",
    ]);
    expect(existsSync(lockPathFor(dataDir))).toBe(false);
  }, 120_000);

  it("refuses user:create, db:migrate, db:seed and a second portal while a portal holds the folder; nothing is lost", async () => {
    const dataDir = newDataDir();
    const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", PORT: "0", WORKER_INTERVAL_SECONDS: "0" };
    const holder = await startHolder(env);
    const account = ["--email", "nouvelle.admin@exemple.fr", "--name", "Nouvelle Admin", "--role", "admin"];
    try {
      const create = await runScript(["scripts/user-create.ts", ...account], env);
      expect(create.code).toBe(3);
      expect(create.stdout).not.toContain("Account created");
      expect(create.stdout).not.toContain("Password");
      expectRefusalMessage(create.stderr, holder.pid!);

      for (const script of ["scripts/db-migrate.ts", "scripts/db-seed.ts"]) {
        const refused = await runScript([script], env);
        expect(refused.code).toBe(3);
        expectRefusalMessage(refused.stderr, holder.pid!);
      }

      // The portal stops before serving anything (preparing the database comes first), naming the holder.
      const portal = await runScript(["server/index.ts"], env);
      expect(portal.code).toBe(1);
      expect(portal.stdout + portal.stderr).toContain(`already open in another process: pid ${holder.pid}`);
    } finally {
      await stopHolder(holder);
    }
    expect(existsSync(lockPathFor(path.join(dataDir, "pglite")))).toBe(false);

    // The refused command said so; run once the portal is stopped, it creates the account for good.
    const create = await runScript(["scripts/user-create.ts", ...account], env);
    expect(create.code).toBe(0);
    expect(create.stdout).toContain("Account created for nouvelle.admin@exemple.fr");
    const handle = await openDatabase({ kind: "embedded", dataDir: path.join(dataDir, "pglite") });
    try {
      expect(await findUserByEmail(handle.db, "nouvelle.admin@exemple.fr")).toBeDefined();
    } finally {
      await handle.close();
    }
  }, 300_000);
});
