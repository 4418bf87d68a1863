// `npm run demo:data -- --processes K`: the load split over child processes writes exactly what one process
// writes for the same seed; a child that dies stops the load with a message and leaves no process behind; and the
// option is refused on the embedded database, which lives inside one process.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateDemoData } from "../../app/services/demo-data";
import { createStorage } from "../../app/services/storage";
import { openDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { seedShippedReferentials } from "../../db/seed/index";
import { root, runScript, tsx } from "./support/data-folder-holder";
import { demoDigest } from "./support/demo-digest";
import { createServerDatabase, serverUrl } from "./support/test-database";

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const made = mkdtempSync(path.join(tmpdir(), "vae-demo-processes-"));
  folders.push(made);
  return made;
}

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function demoData(args: string[], env: Record<string, string>): Run {
  const child = spawn(tsx, ["scripts/demo-data.ts", ...args], {
    cwd: root,
    env: { ...process.env, APP_ENV: "development", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return { child, done: new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr }))) };
}

/** The shard children of one load, found by the data folder in their environment. */
function shardChildren(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, "latin1").split("\0");
      if (environ.includes("VAE_DEMO_DATA_SHARD_CHILD=1") && environ.includes(`DATA_DIR=${dataDir}`)) {
        pids.push(Number(entry));
      }
    } catch {
      // A process that ended meanwhile, or another user's.
    }
  }
  return pids;
}

const UNTIL = "2026-11-01";

describe.runIf(serverUrl)("demo data in several processes (PostgreSQL server)", () => {
  it("writes the same rows as one process for the same seed", async () => {
    const split = await createServerDatabase("vae_demo_split");
    const single = await createServerDatabase("vae_demo_single");
    try {
      const dataDir = folder();
      const result = await runScript(
        [
          "scripts/demo-data.ts",
          ...["--candidacies", "18", "--seed", "p2", "--until", UNTIL, "--processes", "2", "--concurrency", "2"],
        ],
        { ...process.env, APP_ENV: "development", DATABASE_URL: split.url, DATA_DIR: dataDir },
      );
      expect(result.stderr).toContain("in each of 2 processes");
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("Demo data loaded in");
      expect(shardChildren(dataDir)).toEqual([]);

      const handle = await openDatabase({ kind: "server", url: single.url, maxConnections: 4 });
      const other = await openDatabase({ kind: "server", url: split.url, maxConnections: 2 });
      try {
        await migrateToLatest(handle.db);
        await seedShippedReferentials(handle.db);
        await generateDemoData(handle.db, createStorage({ kind: "local", root: folder() }), {
          candidacies: 18,
          seed: "p2",
          until: new Date(`${UNTIL}T00:00:00Z`),
          concurrency: 3,
        });
        const fromProcesses = await demoDigest(other.db, "p2");
        expect(fromProcesses.candidacies).toHaveLength(18);
        expect(fromProcesses).toEqual(await demoDigest(handle.db, "p2"));
      } finally {
        await handle.close();
        await other.close();
      }
    } finally {
      await split.drop();
      await single.drop();
    }
  }, 300_000);

  it("stops with a message when a child dies, and leaves no child behind", async () => {
    const database = await createServerDatabase("vae_demo_crash");
    try {
      const dataDir = folder();
      const run = demoData(["--candidacies", "400", "--seed", "crash", "--processes", "2"], {
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
      });
      // Kill one shard once both are playing days.
      let children: number[] = [];
      for (let tries = 0; tries < 600 && children.length < 2; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        children = shardChildren(dataDir);
      }
      expect(children).toHaveLength(2);
      process.kill(children[0]!, "SIGKILL");
      const result = await run.done;
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/demo data shard \d stopped \(SIGKILL\)/);
      for (let tries = 0; tries < 50 && shardChildren(dataDir).length > 0; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(shardChildren(dataDir)).toEqual([]);
    } finally {
      await database.drop();
    }
  }, 300_000);
});

describe.skipIf(serverUrl)("demo data in several processes (embedded database)", () => {
  it("refuses --processes above 1: PGlite lives inside one process", async () => {
    const dataDir = folder();
    const result = await runScript(["scripts/demo-data.ts", "--candidacies", "10", "--processes", "2"], {
      ...process.env,
      APP_ENV: "development",
      DATA_DIR: dataDir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--processes needs a database server (DATABASE_URL).");
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
