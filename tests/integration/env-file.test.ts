// The .env file of the working directory configures the portal and the command-line scripts, as .env.example
// promises: each process reads it at start and a variable set in the environment wins over it (without a .env, as
// in the other tests' runs from the repository, nothing changes).
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const tsx = path.join(root, "node_modules/.bin/tsx");

/** Runs a script of the repository from `cwd`, with the test's environment less what the .env should decide. */
async function runIn(cwd: string, script: string, env: Record<string, string | undefined> = {}) {
  const base = { ...process.env };
  for (const name of ["DATA_DIR", "PORT", "DATABASE_URL", "NODE_ENV", "APP_ENV", "SESSION_SECRET"]) delete base[name];
  try {
    const { stdout, stderr } = await run(tsx, [path.join(root, script)], { cwd, env: { ...base, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function folderWithEnvFile(lines: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), "vae-dotenv-"));
  writeFileSync(path.join(dir, ".env"), lines.join("\n") + "\n");
  return dir;
}

describe(".env", () => {
  it("configures a script run from its folder, and a variable set in the environment wins over it", async () => {
    const dir = folderWithEnvFile(["# copied from .env.example", "DATA_DIR=from-dotenv", "DATABASE_URL="]);
    const fromFile = await runIn(dir, "scripts/db-migrate.ts");
    expect(fromFile.stderr).toBe("");
    expect(fromFile.stdout).toContain(`(embedded database in ${path.join(dir, "from-dotenv", "pglite")})`);

    const explicit = path.join(dir, "from-environment");
    const fromEnvironment = await runIn(dir, "scripts/db-migrate.ts", { DATA_DIR: explicit });
    expect(fromEnvironment.stdout).toContain(`(embedded database in ${path.join(explicit, "pglite")})`);
  }, 60_000);

  it("configures the portal: a wrong value in .env stops the start naming the variable", async () => {
    const dir = folderWithEnvFile(["PORT=not-a-port"]);
    const result = await runIn(dir, "server/index.ts");
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe("Invalid configuration: PORT expected a port number (see .env.example).");
    // The environment's PORT wins over the file's; a later wrong variable stops this start before any database.
    const overridden = await runIn(dir, "server/index.ts", { PORT: "0", TRUST_PROXY: "maybe" });
    expect(overridden.stderr.trim()).toBe(
      "Invalid configuration: TRUST_PROXY expected true or false (see .env.example).",
    );
  }, 60_000);
});
