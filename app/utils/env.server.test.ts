import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./env.server";

const dataDir = () => mkdtempSync(path.join(tmpdir(), "vae-config-"));
const signingKey = JSON.stringify(generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" }));
const publicHalf = () => generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" }) as { x: string };

describe("parseConfig", () => {
  it("runs the embedded default with no variable at all, generating and keeping a local session secret", () => {
    const dir = dataDir();
    const config = parseConfig({ DATA_DIR: dir });
    expect(config.database).toEqual({ kind: "embedded", dataDir: path.join(dir, "pglite") });
    expect(config).toMatchObject({ port: 3000, host: "127.0.0.1", isProduction: false, demoAccounts: true });
    expect(existsSync(path.join(dir, "session-secret"))).toBe(true);
    expect(parseConfig({ DATA_DIR: dir }).sessionSecrets).toEqual([
      readFileSync(path.join(dir, "session-secret"), "utf8").trim(),
    ]);
  });

  it("takes the credential signing key from CREDENTIAL_SIGNING_KEY, or leaves it to be generated in the data folder", () => {
    const dir = dataDir();
    expect(parseConfig({ DATA_DIR: dir }).credentialSigningKey).toEqual({
      kind: "generated",
      file: path.join(dir, "credential-signing-key.json"),
    });
    // Reading the configuration writes no key: commands such as db:restore must leave an empty folder empty.
    expect(existsSync(path.join(dir, "credential-signing-key.json"))).toBe(false);
    expect(parseConfig({ DATA_DIR: dir, CREDENTIAL_SIGNING_KEY: ` ${signingKey}\n` }).credentialSigningKey).toEqual({
      kind: "configured",
      jwk: signingKey,
    });
  });

  it("reads the retired keys' public halves from CREDENTIAL_RETIRED_PUBLIC_KEYS, none by default", () => {
    const dir = dataDir();
    expect(parseConfig({ DATA_DIR: dir }).credentialRetiredPublicKeys).toEqual([]);
    expect(parseConfig({ DATA_DIR: dir, CREDENTIAL_RETIRED_PUBLIC_KEYS: "" }).credentialRetiredPublicKeys).toEqual([]);
    const retired = [publicHalf(), publicHalf()];
    expect(
      parseConfig({ DATA_DIR: dir, CREDENTIAL_RETIRED_PUBLIC_KEYS: ` ${JSON.stringify(retired)} ` })
        .credentialRetiredPublicKeys,
    ).toEqual(retired.map((jwk) => jwk.x));
  });

  it("refuses retired keys that are private, of another kind or not JSON, saying which one", () => {
    const refusal = (value: string) => {
      try {
        parseConfig({ DATA_DIR: dataDir(), CREDENTIAL_RETIRED_PUBLIC_KEYS: value });
      } catch (error) {
        return (error as Error).message;
      }
      return "accepted";
    };
    expect(refusal(`[${signingKey}]`)).toMatch(
      /CREDENTIAL_RETIRED_PUBLIC_KEYS key 1 is a private key: give only its public half/,
    );
    expect(refusal(JSON.stringify([publicHalf(), { kty: "RSA", n: "x", e: "AQAB" }]))).toMatch(
      /CREDENTIAL_RETIRED_PUBLIC_KEYS key 2 is not an Ed25519 public key/,
    );
    expect(refusal(JSON.stringify([{ kty: "OKP", crv: "Ed25519", x: "abc" }]))).toMatch(
      /key 1 is not an Ed25519 public key/,
    );
    expect(refusal(JSON.stringify(publicHalf()))).toMatch(/expected a JSON array/);
    expect(refusal("[{")).toMatch(/expected a JSON array/);
    expect(refusal("[null]")).toMatch(/key 1 is not a JSON Web Key/);
  });

  it("never generates a credential signing key in production", () => {
    const dir = dataDir();
    expect(() => parseConfig({ DATA_DIR: dir, APP_ENV: "production", SESSION_SECRET: "s".repeat(40) })).toThrow(
      /^Invalid configuration: CREDENTIAL_SIGNING_KEY is required in production/,
    );
    expect(existsSync(path.join(dir, "credential-signing-key.json"))).toBe(false);
  });

  it("switches to a PostgreSQL server when DATABASE_URL is set, without demo accounts unless asked", () => {
    const config = parseConfig({ DATA_DIR: dataDir(), DATABASE_URL: "postgres://u@db:5432/vae" });
    expect(config.database).toEqual({
      kind: "server",
      url: "postgres://u@db:5432/vae",
      maxConnections: 10,
      preparedStatements: true,
    });
    expect(
      parseConfig({
        DATA_DIR: dataDir(),
        DATABASE_URL: "postgres://u@db:5432/vae",
        DATABASE_PREPARED_STATEMENTS: "false",
      }).database,
    ).toMatchObject({ kind: "server", preparedStatements: false });
    expect(config.demoAccounts).toBe(false);
    expect(
      parseConfig({ DATA_DIR: dataDir(), DATABASE_URL: "postgres://u@db/vae", DEMO_ACCOUNTS: "true" }).demoAccounts,
    ).toBe(true);
  });

  it("bounds every database wait by default, in milliseconds, and refuses an acquire timeout of 0", () => {
    expect(parseConfig({ DATA_DIR: dataDir() }).databaseTimeouts).toEqual({
      acquireTimeoutMs: 10_000,
      statementTimeoutMs: 30_000,
      idleInTransactionTimeoutMs: 60_000,
    });
    const set = {
      DATABASE_ACQUIRE_TIMEOUT_SECONDS: "3",
      DATABASE_STATEMENT_TIMEOUT_SECONDS: "0",
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS: "120",
    };
    expect(parseConfig({ DATA_DIR: dataDir(), ...set }).databaseTimeouts).toEqual({
      acquireTimeoutMs: 3000,
      statementTimeoutMs: 0,
      idleInTransactionTimeoutMs: 120_000,
    });
    expect(() => parseConfig({ DATA_DIR: dataDir(), DATABASE_ACQUIRE_TIMEOUT_SECONDS: "0" })).toThrow(
      "Invalid configuration: DATABASE_ACQUIRE_TIMEOUT_SECONDS must be at least 1 (see .env.example).",
    );
    expect(() => parseConfig({ DATA_DIR: dataDir(), DATABASE_STATEMENT_TIMEOUT_SECONDS: "soon" })).toThrow(
      "Invalid configuration: DATABASE_STATEMENT_TIMEOUT_SECONDS expected a number of seconds (see .env.example).",
    );
  });

  it("treats empty values as unset", () => {
    expect(parseConfig({ DATA_DIR: dataDir(), DATABASE_URL: "", PORT: "" }).database.kind).toBe("embedded");
  });

  it.each([
    [{ PORT: "abc" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ DATABASE_URL: "mysql://localhost/vae" }, "DATABASE_URL"],
    [{ NODE_ENV: "staging" }, "NODE_ENV"],
    [{ NODE_ENV: "production", CREDENTIAL_SIGNING_KEY: signingKey }, "SESSION_SECRET"],
    [{ NODE_ENV: "production", SESSION_SECRET: "x".repeat(40) }, "CREDENTIAL_SIGNING_KEY"],
    [{ CREDENTIAL_SIGNING_KEY: "not json" }, "CREDENTIAL_SIGNING_KEY"],
    [{ CREDENTIAL_SIGNING_KEY: '{"kty":"OKP","crv":"Ed25519","x":"abc"}' }, "CREDENTIAL_SIGNING_KEY"],
    [{ CREDENTIAL_SIGNING_KEY: '{"kty":"OKP","crv":"Ed25519","x":"abc","d":"not-a-key"}' }, "CREDENTIAL_SIGNING_KEY"],
    [{ SESSION_SECRET: "too-short" }, "SESSION_SECRET"],
    [{ TRUST_PROXY: "maybe" }, "TRUST_PROXY"],
    [
      {
        NODE_ENV: "production",
        SESSION_SECRET: "x".repeat(40),
        CREDENTIAL_SIGNING_KEY: signingKey,
        DEMO_ACCOUNTS: "true",
      },
      "DEMO_ACCOUNTS",
    ],
    [{ S3_BUCKET: "vae-files", S3_SECRET_ACCESS_KEY: "secret" }, "S3_ACCESS_KEY_ID"],
    [{ S3_BUCKET: "vae-files", S3_ACCESS_KEY_ID: "key" }, "S3_SECRET_ACCESS_KEY"],
    [{ S3_BUCKET: "vae-files" }, "S3_ACCESS_KEY_ID"],
    [{ S3_BUCKET: "Not_A_Bucket", S3_ACCESS_KEY_ID: "key", S3_SECRET_ACCESS_KEY: "secret" }, "S3_BUCKET"],
    [{ S3_ENDPOINT: "http://127.0.0.1:9000" }, "S3_BUCKET"],
    [{ S3_REGION: "eu-west-3" }, "S3_BUCKET"],
    [{ S3_ACCESS_KEY_ID: "key", S3_SECRET_ACCESS_KEY: "secret" }, "S3_BUCKET"],
    [{ S3_FORCE_PATH_STYLE: "false" }, "S3_BUCKET"],
    [
      { S3_BUCKET: "vae-files", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s", S3_ENDPOINT: "minio:9000" },
      "S3_ENDPOINT",
    ],
    [
      { S3_BUCKET: "vae-files", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s", S3_ENDPOINT: "ftp://minio" },
      "S3_ENDPOINT",
    ],
    [
      { S3_BUCKET: "vae-files", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s", S3_FORCE_PATH_STYLE: "sometimes" },
      "S3_FORCE_PATH_STYLE",
    ],
    [
      { DATABASE_URL: "postgres://u@db:5432/vae", DATABASE_PREPARED_STATEMENTS: "maybe" },
      "DATABASE_PREPARED_STATEMENTS",
    ],
    [{ S3_UNSIGNED_PAYLOAD: "true" }, "S3_BUCKET"],
    [
      { S3_BUCKET: "vae-files", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s", S3_UNSIGNED_PAYLOAD: "yes" },
      "S3_UNSIGNED_PAYLOAD",
    ],
    [{ UPLOAD_MAX_BYTES: "50MB" }, "UPLOAD_MAX_BYTES"],
    [{ UPLOAD_MAX_BYTES: "0" }, "UPLOAD_MAX_BYTES"],
    [{ UPLOAD_MAX_BYTES: "1.5" }, "UPLOAD_MAX_BYTES"],
  ])("stops on %o with a message naming %s", (env, variable) => {
    expect(() => parseConfig({ DATA_DIR: dataDir(), ...env })).toThrow(ConfigError);
    expect(() => parseConfig({ DATA_DIR: dataDir(), ...env })).toThrow(
      new RegExp(`^Invalid configuration: ${variable} `),
    );
  });

  it("never creates demo accounts in production, and marks cookies secure there", () => {
    const config = parseConfig({
      NODE_ENV: "production",
      SESSION_SECRET: `${"a".repeat(32)},${"b".repeat(32)}`,
      CREDENTIAL_SIGNING_KEY: signingKey,
      DATA_DIR: dataDir(),
    });
    expect(config).toMatchObject({ isProduction: true, demoAccounts: false });
    expect(config.sessionSecrets).toEqual(["a".repeat(32), "b".repeat(32)]);
  });

  it("takes the deployment mode from APP_ENV, or from NODE_ENV when APP_ENV is unset", () => {
    const secret = "s".repeat(40);
    expect(parseConfig({ DATA_DIR: dataDir() })).toMatchObject({
      appEnv: "development",
      isProduction: false,
      demoAccounts: true,
    });
    expect(
      parseConfig({
        DATA_DIR: dataDir(),
        NODE_ENV: "production",
        SESSION_SECRET: secret,
        CREDENTIAL_SIGNING_KEY: signingKey,
      }),
    ).toMatchObject({
      appEnv: "production",
    });
    // What the server entry leaves after switching NODE_ENV for React: the operator's choice is APP_ENV's.
    expect(parseConfig({ DATA_DIR: dataDir(), NODE_ENV: "production", APP_ENV: "development" })).toMatchObject({
      appEnv: "development",
      isProduction: false,
      demoAccounts: true,
    });
    expect(
      parseConfig({
        DATA_DIR: dataDir(),
        NODE_ENV: "development",
        APP_ENV: "production",
        SESSION_SECRET: secret,
        CREDENTIAL_SIGNING_KEY: signingKey,
      }),
    ).toMatchObject({
      isProduction: true,
      demoAccounts: false,
    });
    expect(() => parseConfig({ DATA_DIR: dataDir(), APP_ENV: "staging" })).toThrow(
      /^Invalid configuration: APP_ENV expected development, production or test/,
    );
    expect(() => parseConfig({ DATA_DIR: dataDir(), APP_ENV: "production" })).toThrow(
      /^Invalid configuration: SESSION_SECRET /,
    );
  });

  it("keeps files in DATA_DIR/files by default, with a 50 MiB upload limit", () => {
    const dir = dataDir();
    const config = parseConfig({ DATA_DIR: dir });
    expect(config.storage).toEqual({ kind: "local", root: path.join(dir, "files") });
    expect(config.uploadMaxBytes).toBe(50 * 1024 * 1024);
    expect(parseConfig({ DATA_DIR: dir, UPLOAD_MAX_BYTES: "1048576" }).uploadMaxBytes).toBe(1048576);
  });

  it("switches to S3 when S3_BUCKET is set: AWS by default, virtual-host style, region us-east-1", () => {
    const config = parseConfig({
      DATA_DIR: dataDir(),
      S3_BUCKET: "vae-files",
      S3_ACCESS_KEY_ID: "AKIAEXAMPLE",
      S3_SECRET_ACCESS_KEY: "secret-example",
    });
    expect(config.storage).toEqual({
      kind: "s3",
      bucket: "vae-files",
      region: "us-east-1",
      accessKeyId: "AKIAEXAMPLE",
      secretAccessKey: "secret-example",
      forcePathStyle: false,
      unsignedPayload: "auto",
    });
  });

  it("uses path-style addressing by default for an S3-compatible endpoint, unless told otherwise", () => {
    const s3 = {
      DATA_DIR: dataDir(),
      S3_BUCKET: "vae-files",
      S3_ACCESS_KEY_ID: "key",
      S3_SECRET_ACCESS_KEY: "secret",
      S3_ENDPOINT: "https://s3.fr-par.scw.cloud/",
      S3_REGION: "fr-par",
    };
    expect(parseConfig(s3).storage).toEqual({
      kind: "s3",
      bucket: "vae-files",
      region: "fr-par",
      endpoint: "https://s3.fr-par.scw.cloud",
      accessKeyId: "key",
      secretAccessKey: "secret",
      forcePathStyle: true,
      unsignedPayload: "auto",
    });
    expect(parseConfig({ ...s3, S3_FORCE_PATH_STYLE: "false" }).storage).toMatchObject({ forcePathStyle: false });
    expect(parseConfig({ ...s3, S3_ENDPOINT: "", S3_FORCE_PATH_STYLE: "true" }).storage).toMatchObject({
      forcePathStyle: true,
    });
  });

  it("sends unsigned payloads as S3_UNSIGNED_PAYLOAD says: auto by default, or forced either way", () => {
    const s3 = { DATA_DIR: dataDir(), S3_BUCKET: "vae-files", S3_ACCESS_KEY_ID: "key", S3_SECRET_ACCESS_KEY: "secret" };
    expect(parseConfig(s3).storage).toMatchObject({ unsignedPayload: "auto" });
    expect(parseConfig({ ...s3, S3_UNSIGNED_PAYLOAD: "auto" }).storage).toMatchObject({ unsignedPayload: "auto" });
    expect(parseConfig({ ...s3, S3_UNSIGNED_PAYLOAD: "true" }).storage).toMatchObject({ unsignedPayload: true });
    expect(parseConfig({ ...s3, S3_UNSIGNED_PAYLOAD: "false" }).storage).toMatchObject({ unsignedPayload: false });
  });

  it("names the S3 variable that needs S3_BUCKET, and the missing credential when S3_BUCKET is set", () => {
    expect(() => parseConfig({ DATA_DIR: dataDir(), S3_ENDPOINT: "http://127.0.0.1:9000" })).toThrow(
      "Invalid configuration: S3_BUCKET is required when S3_ENDPOINT is set (or unset S3_ENDPOINT) (see .env.example).",
    );
    expect(() => parseConfig({ DATA_DIR: dataDir(), S3_BUCKET: "vae-files", S3_ACCESS_KEY_ID: "key" })).toThrow(
      "Invalid configuration: S3_SECRET_ACCESS_KEY is required when S3_BUCKET is set (see .env.example).",
    );
  });
});

describe("the certifier printed on certificates", () => {
  it("defaults to the shipped CQP's certifier and Paris, and takes CERTIFIER_NAME and CERTIFICATE_PLACE", () => {
    expect(parseConfig({ DATA_DIR: dataDir() }).certifier).toEqual({
      name: "Organisme certificateur de la Filière Alimentaire",
      place: "Paris",
    });
    expect(
      parseConfig({ DATA_DIR: dataDir(), CERTIFIER_NAME: " OPCO Ocapiat ", CERTIFICATE_PLACE: "Lyon" }).certifier,
    ).toEqual({ name: "OPCO Ocapiat", place: "Lyon" });
    expect(() => parseConfig({ DATA_DIR: dataDir(), CERTIFICATE_PLACE: "L" })).toThrow(/CERTIFICATE_PLACE/);
  });
});
