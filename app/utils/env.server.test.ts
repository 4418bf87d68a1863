import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./env.server";

const dataDir = () => mkdtempSync(path.join(tmpdir(), "vae-config-"));

describe("parseConfig", () => {
  it("runs the embedded default with no variable at all, generating and keeping a local session secret", () => {
    const dir = dataDir();
    const config = parseConfig({ DATA_DIR: dir });
    expect(config.database).toEqual({ kind: "embedded", dataDir: path.join(dir, "pglite") });
    expect(config).toMatchObject({ port: 3000, host: "127.0.0.1", isProduction: false, demoAccounts: true });
    expect(existsSync(path.join(dir, "session-secret"))).toBe(true);
    expect(parseConfig({ DATA_DIR: dir }).sessionSecrets).toEqual([readFileSync(path.join(dir, "session-secret"), "utf8").trim()]);
  });

  it("switches to a PostgreSQL server when DATABASE_URL is set, without demo accounts unless asked", () => {
    const config = parseConfig({ DATA_DIR: dataDir(), DATABASE_URL: "postgres://u@db:5432/vae" });
    expect(config.database).toEqual({ kind: "server", url: "postgres://u@db:5432/vae", maxConnections: 10 });
    expect(config.demoAccounts).toBe(false);
    expect(parseConfig({ DATA_DIR: dataDir(), DATABASE_URL: "postgres://u@db/vae", DEMO_ACCOUNTS: "true" }).demoAccounts).toBe(true);
  });

  it("treats empty values as unset", () => {
    expect(parseConfig({ DATA_DIR: dataDir(), DATABASE_URL: "", PORT: "" }).database.kind).toBe("embedded");
  });

  it.each([
    [{ PORT: "abc" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ DATABASE_URL: "mysql://localhost/vae" }, "DATABASE_URL"],
    [{ NODE_ENV: "staging" }, "NODE_ENV"],
    [{ NODE_ENV: "production" }, "SESSION_SECRET"],
    [{ SESSION_SECRET: "too-short" }, "SESSION_SECRET"],
    [{ TRUST_PROXY: "maybe" }, "TRUST_PROXY"],
    [{ NODE_ENV: "production", SESSION_SECRET: "x".repeat(40), DEMO_ACCOUNTS: "true" }, "DEMO_ACCOUNTS"],
  ])("stops on %o with a message naming %s", (env, variable) => {
    expect(() => parseConfig({ DATA_DIR: dataDir(), ...env })).toThrow(ConfigError);
    expect(() => parseConfig({ DATA_DIR: dataDir(), ...env })).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });

  it("never creates demo accounts in production, and marks cookies secure there", () => {
    const config = parseConfig({ NODE_ENV: "production", SESSION_SECRET: `${"a".repeat(32)},${"b".repeat(32)}`, DATA_DIR: dataDir() });
    expect(config).toMatchObject({ isProduction: true, demoAccounts: false });
    expect(config.sessionSecrets).toEqual(["a".repeat(32), "b".repeat(32)]);
  });
});
