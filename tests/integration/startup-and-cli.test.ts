// What `npm start` does before serving (migrate, seed, demo accounts) is idempotent, and `npm run user:create`
// creates staff accounts in the configured database, refusing bad input with a clear message.
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/connection";
import { getUserWithRoles, findUserByEmail, listUsersWithRoles } from "../../db/queries/users";
import { DEMO_ACCOUNTS } from "../../app/services/demo-accounts.server";
import { authenticate } from "../../app/services/accounts.server";
import { preparePortal } from "../../app/startup.server";
import { installDatabaseHandle } from "../../app/utils/db.server";
import { parseConfig } from "../../app/utils/env.server";
import { type TestDatabase, createTestDatabase } from "./support/test-database";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
  installDatabaseHandle(testDb.handle);
});
afterAll(async () => {
  await testDb?.drop();
});

describe(`start-up preparation (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("creates the demo accounts once, each able to log in with its printed password", async () => {
    const config = { ...parseConfig({ DATA_DIR: mkdtempSync(path.join(tmpdir(), "vae-start-")) }), demoAccounts: true };
    const first = await preparePortal(config);
    const second = await preparePortal(config);
    expect(first.referentials).toEqual(["CQP-COMMERCIAL-SEDENTAIRE-ALIM 2024-1 (created)"]);
    expect(second.referentials).toEqual(["CQP-COMMERCIAL-SEDENTAIRE-ALIM 2024-1 (unchanged)"]);
    expect(second.migrationsApplied).toEqual([]);
    const users = await listUsersWithRoles(testDb.handle.db);
    expect(users).toHaveLength(DEMO_ACCOUNTS.length);
    expect(new Set(users.flatMap((u) => u.roles))).toEqual(
      new Set(["candidate", "admissibility_officer", "evaluator", "certifier_staff", "admin"]),
    );
    for (const account of DEMO_ACCOUNTS) {
      const outcome = await authenticate(testDb.handle.db, account, { ip: "127.0.0.1" });
      expect(outcome.ok && outcome.user.roles).toEqual([account.role]);
    }
  });

  it("creates no demo account when they are off", async () => {
    const config = {
      ...parseConfig({ DATA_DIR: mkdtempSync(path.join(tmpdir(), "vae-start-")) }),
      demoAccounts: false,
    };
    const prepared = await preparePortal(config);
    expect(prepared.demoAccounts).toEqual([]);
  });
});

describe("start with a wrong configuration", () => {
  it("stops with one message naming the variable, before touching any database", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "vae-badenv-"));
    const result = await run(path.join(root, "node_modules/.bin/tsx"), ["server/index.ts"], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, PORT: "not-a-port", DATABASE_URL: "" },
    }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe("Invalid configuration: PORT expected a port number (see .env.example).");
  }, 60_000);
});

describe(`npm run user:create (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  // The CLI runs in its own process against its own database: the test database's URL on the server, or a fresh
  // embedded database folder that this test opens once the CLI has exited (PGlite allows one process at a time).
  const dataDir = mkdtempSync(path.join(tmpdir(), "vae-cli-"));

  async function cli(args: string[]) {
    const fullEnv = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: testDb.url ?? "" };
    try {
      const { stdout, stderr } = await run(
        path.join(root, "node_modules/.bin/tsx"),
        ["scripts/user-create.ts", ...args],
        {
          cwd: root,
          env: fullEnv,
        },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  async function withCliDatabase<T>(fn: (db: TestDatabase["handle"]["db"]) => Promise<T>): Promise<T> {
    if (testDb.url) return fn(testDb.handle.db);
    const handle = await openDatabase({ kind: "embedded", dataDir: path.join(dataDir, "pglite") });
    try {
      return await fn(handle.db);
    } finally {
      await handle.close();
    }
  }

  it("creates a staff account with several roles and a generated password shown once", async () => {
    const result = await cli([
      "--email",
      "Jury.Pro@Exemple.fr",
      "--name",
      "Jules Pro",
      "--role",
      "evaluator",
      "--role",
      "certifier_staff",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "Account created for jury.pro@exemple.fr with role(s): evaluator, certifier_staff.",
    );
    const password = /Password \(shown once\): (\S+)/.exec(result.stdout)?.[1];
    expect(password).toBeTruthy();
    await withCliDatabase(async (db) => {
      const user = (await findUserByEmail(db, "jury.pro@exemple.fr"))!;
      expect((await getUserWithRoles(db, user.id))!.roles).toEqual(["evaluator", "certifier_staff"]);
      expect(
        (await authenticate(db, { email: "jury.pro@exemple.fr", password: password! }, { ip: "127.0.0.1" })).ok,
      ).toBe(true);
    });
  }, 60_000);

  it("refuses a duplicate e-mail, an unknown role and a weak password, creating nothing", async () => {
    const duplicate = await cli([
      "--email",
      "jury.pro@exemple.fr",
      "--name",
      "Autre",
      "--role",
      "admin",
      "--password",
      "Fougasse-2026",
    ]);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain("Un compte existe déjà avec cette adresse e-mail");
    const badRole = await cli(["--email", "x@exemple.fr", "--name", "X Y", "--role", "superuser"]);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain("Unknown role: superuser.");
    const weak = await cli(["--email", "y@exemple.fr", "--name", "Y Z", "--role", "admin", "--password", "court"]);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain("au moins 10 caractères");
    await withCliDatabase(async (db) => {
      expect(await findUserByEmail(db, "x@exemple.fr")).toBeUndefined();
      expect(await findUserByEmail(db, "y@exemple.fr")).toBeUndefined();
      expect((await findUserByEmail(db, "jury.pro@exemple.fr"))!.full_name).toBe("Jules Pro");
    });
  }, 90_000);
});
