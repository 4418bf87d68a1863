// The portal's configuration, read from the environment once and validated with zod. A wrong or missing value stops
// the start with one message naming the variable. .env.example documents every variable.
import { createPrivateKey, createPublicKey, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const booleanString = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "expected true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

const databaseSeconds = z.coerce
  .number({ message: "expected a number of seconds" })
  .int({ message: "expected a whole number of seconds" });

/** 50 MiB. */
export const DEFAULT_UPLOAD_MAX_BYTES = 50 * 1024 * 1024;
/** The body that awards the shipped CQP (its booklet: "Filière Alimentaire"), printed on certificates. */
export const DEFAULT_CERTIFIER_NAME = "Organisme certificateur de la Filière Alimentaire";
/** Where certificates are issued ("Fait à …"). */
export const DEFAULT_CERTIFICATE_PLACE = "Paris";

// Every S3_* variable but S3_BUCKET, which must come with them.
const S3_VARIABLES = [
  "S3_ENDPOINT",
  "S3_REGION",
  "S3_ACCESS_KEY_ID",
  "S3_SECRET_ACCESS_KEY",
  "S3_FORCE_PATH_STYLE",
  "S3_UNSIGNED_PAYLOAD",
] as const;

const envSchema = z
  .object({
    // The deployment mode (see deploymentSource below): production requires SESSION_SECRET, marks the session cookie
    // Secure and refuses demo accounts. NODE_ENV itself only picks the libraries' builds (docs/decisions/016).
    APP_ENV: z
      .enum(["development", "production", "test"], {
        errorMap: () => ({ message: "expected development, production or test" }),
      })
      .default("development"),
    PORT: z.coerce.number({ message: "expected a port number" }).int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default("127.0.0.1"),
    DATA_DIR: z.string().min(1).default("./data"),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: "expected a postgres:// or postgresql:// URL" })
      .optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    DATABASE_PREPARED_STATEMENTS: booleanString.default("true"),
    // Database timeouts (docs/decisions/011): a query never waits forever for a connection, a statement or a
    // forgotten transaction. The acquire timeout cannot be turned off; 0 leaves the other two to the server.
    DATABASE_ACQUIRE_TIMEOUT_SECONDS: databaseSeconds.min(1, { message: "must be at least 1" }).max(600).default(10),
    DATABASE_STATEMENT_TIMEOUT_SECONDS: databaseSeconds.min(0).max(86_400).default(30),
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS: databaseSeconds.min(0).max(86_400).default(60),
    SESSION_SECRET: z
      .string()
      .refine((v) => v.split(",").every((s) => s.trim().length >= 32), {
        message: "each comma-separated secret must have at least 32 characters",
      })
      .optional(),
    // The issuer's Ed25519 private key signing the verifiable credentials, as a JWK (docs/decisions/025).
    CREDENTIAL_SIGNING_KEY: z
      .string()
      .refine(isEd25519PrivateJwk, {
        message: 'expected an Ed25519 private key as a JSON Web Key: {"kty":"OKP","crv":"Ed25519","x":"…","d":"…"}',
      })
      .optional(),
    // Public halves of the keys that signed credentials before a rotation: still published, still verified.
    CREDENTIAL_RETIRED_PUBLIC_KEYS: z
      .string()
      .optional()
      .superRefine((value, context) => {
        const problem = value === undefined ? null : retiredPublicKeysProblem(value);
        if (problem) context.addIssue({ code: z.ZodIssueCode.custom, message: problem });
      }),
    SESSION_TTL_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(12),
    TRUST_PROXY: booleanString.default("false"),
    PUBLIC_URL: z.string().url({ message: "expected an absolute URL such as https://vae.example.fr" }).optional(),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, { message: "expected an smtp:// or smtps:// URL" })
      .optional(),
    MAIL_FROM: z.string().min(3).default("Portail VAE <ne-pas-repondre@vae.localhost>"),
    DEMO_ACCOUNTS: booleanString.optional(),
    // Read by the logger itself (app/utils/logger.server.ts), validated here so that a typo stops the start.
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
    LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
    WORKER_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3600).default(5),
    OUTBOX_MAX_ATTEMPTS: z.coerce.number({ message: "expected a number of attempts" }).int().min(1).max(100).default(8),
    S3_ENDPOINT: z
      .string()
      .url({ message: "expected an http:// or https:// URL such as https://s3.fr-par.scw.cloud" })
      .regex(/^https?:\/\//i, { message: "expected an http:// or https:// URL such as https://s3.fr-par.scw.cloud" })
      .optional(),
    S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
        message: "expected a bucket name: 3-63 lowercase letters, digits, dots or hyphens",
      })
      .optional(),
    S3_REGION: z
      .string()
      .regex(/^[a-z0-9-]+$/, { message: "expected a region such as eu-west-3" })
      .optional(),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
    S3_FORCE_PATH_STYLE: booleanString.optional(),
    S3_UNSIGNED_PAYLOAD: z.enum(["auto", "true", "false"], { message: "expected auto, true or false" }).optional(),
    UPLOAD_MAX_BYTES: z.coerce
      .number({ message: "expected a number of bytes" })
      .int({ message: "expected a whole number of bytes" })
      .min(1, { message: "must be at least 1" })
      // A server-side copy (CopyObject) is limited to 5 GiB in one request.
      .max(5 * 1024 ** 3, { message: "must be at most 5 GiB (5368709120)" })
      .default(DEFAULT_UPLOAD_MAX_BYTES),
    // Printed on certificates and in their verifiable credentials (docs/decisions/027).
    CERTIFIER_NAME: z.string().trim().min(2).max(200).default(DEFAULT_CERTIFIER_NAME),
    CERTIFICATE_PLACE: z.string().trim().min(2).max(100).default(DEFAULT_CERTIFICATE_PLACE),
  })
  .superRefine((env, ctx) => {
    // S3_BUCKET switches storage to S3; any other S3_* variable alone is a mistake, not a silent local fallback.
    if (env.S3_BUCKET) {
      for (const variable of ["S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const) {
        if (!env[variable])
          ctx.addIssue({ code: "custom", path: [variable], message: "is required when S3_BUCKET is set" });
      }
    } else {
      const stray = S3_VARIABLES.find((variable) => env[variable] !== undefined);
      if (stray) {
        ctx.addIssue({
          code: "custom",
          path: ["S3_BUCKET"],
          message: `is required when ${stray} is set (or unset ${stray})`,
        });
      }
    }
    if (env.APP_ENV === "production" && !env.SESSION_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["SESSION_SECRET"],
        message: "is required in production (APP_ENV=production)",
      });
    }
    if (env.APP_ENV === "production" && !env.CREDENTIAL_SIGNING_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["CREDENTIAL_SIGNING_KEY"],
        message: "is required in production (APP_ENV=production)",
      });
    }
    if (env.APP_ENV === "production" && env.DEMO_ACCOUNTS === true) {
      ctx.addIssue({
        code: "custom",
        path: ["DEMO_ACCOUNTS"],
        message: "demo accounts are never created in production",
      });
    }
  });

export type RawEnv = z.infer<typeof envSchema>;

export interface PortalConfig {
  /** The deployment mode the operator chose (APP_ENV, or NODE_ENV as they set it), whatever NODE_ENV says now. */
  appEnv: RawEnv["APP_ENV"];
  isProduction: boolean;
  port: number;
  host: string;
  dataDir: string;
  database:
    | {
        kind: "server";
        url: string;
        maxConnections: number;
        /** The few hot statements that opt in go as named statements (docs/decisions/033). */
        preparedStatements: boolean;
      }
    | { kind: "embedded"; dataDir: string };
  /** How long a query waits for a connection, a statement runs and a transaction idles (the last two on a server). */
  databaseTimeouts: { acquireTimeoutMs: number; statementTimeoutMs: number; idleInTransactionTimeoutMs: number };
  sessionSecrets: string[];
  /**
   * The issuer's Ed25519 private key (a JWK as JSON) that signs the verifiable credentials: CREDENTIAL_SIGNING_KEY,
   * or outside production one generated on first use into DATA_DIR/credential-signing-key.json (not here: commands
   * that only read the configuration must not write into the data folder). Read it with loadIssuerKey.
   */
  credentialSigningKey: { kind: "configured"; jwk: string } | { kind: "generated"; file: string };
  /**
   * CREDENTIAL_RETIRED_PUBLIC_KEYS: the `x` (public key, base64url) of each key that signed credentials before the
   * current one. They are published beside it and verify what they signed; nothing is signed with them.
   */
  credentialRetiredPublicKeys: string[];
  sessionTtlHours: number;
  trustProxy: boolean;
  /** The address people reach the portal at, used in links sent by e-mail. */
  publicUrl: string;
  /** SMTP when configured; otherwise e-mails are written as .eml files in mailDir. */
  mail: { from: string; smtpUrl: string | undefined; mailDir: string };
  /** How often the in-process worker fires due timers and delivers the outbox; 0 disables it. */
  workerIntervalSeconds: number;
  /** Delivery attempts of one outbox message before it becomes a dead letter, listed for admins at /admin/envois. */
  outboxMaxAttempts: number;
  /** Demo accounts are printed at start on the embedded default, never in production. */
  demoAccounts: boolean;
  /** Where uploaded files live: a folder under DATA_DIR by default, an S3 bucket when S3_BUCKET is set. */
  storage: StorageConfig;
  /** The largest file accepted by an upload, in bytes. */
  uploadMaxBytes: number;
  /** Who issues certificates, and where: printed on them and named in their credentials. */
  certifier: { name: string; place: string };
}

export type StorageConfig =
  | { kind: "local"; root: string }
  | {
      kind: "s3";
      bucket: string;
      region: string;
      /** An S3-compatible server; undefined means AWS S3. */
      endpoint?: string;
      accessKeyId: string;
      secretAccessKey: string;
      /** https://endpoint/bucket/key rather than https://bucket.endpoint/key; most S3-compatible servers need it. */
      forcePathStyle: boolean;
      /**
       * Whether uploaded bodies are sent with UNSIGNED-PAYLOAD rather than hashed into the signature: "auto" (the
       * default) when the endpoint is reached over HTTPS, never over plain HTTP (docs/decisions/034).
       */
      unsignedPayload?: "auto" | boolean;
    };

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Parses an environment into the portal's configuration; throws ConfigError naming the first bad variable. */
export function parseConfig(source: Record<string, string | undefined>): PortalConfig {
  // Empty strings mean "not set", as they do in most .env files.
  const cleaned: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ""),
  );
  // Without APP_ENV, the operator's NODE_ENV says the deployment mode, as it always did. The server entry records it
  // in APP_ENV before it sets NODE_ENV=production for React (server/node-env.ts), so this never sees that value.
  const deploymentSource = cleaned.APP_ENV !== undefined ? "APP_ENV" : "NODE_ENV";
  cleaned.APP_ENV ??= cleaned.NODE_ENV;
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const named = String(issue.path[0] ?? "environment");
    const variable = named === "APP_ENV" ? deploymentSource : named;
    throw new ConfigError(`Invalid configuration: ${variable} ${issue.message} (see .env.example).`);
  }
  const env = result.data;
  const dataDir = path.resolve(env.DATA_DIR);
  return {
    appEnv: env.APP_ENV,
    isProduction: env.APP_ENV === "production",
    port: env.PORT,
    host: env.HOST,
    dataDir,
    database: env.DATABASE_URL
      ? {
          kind: "server",
          url: env.DATABASE_URL,
          maxConnections: env.DATABASE_POOL_SIZE,
          preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
        }
      : { kind: "embedded", dataDir: path.join(dataDir, "pglite") },
    databaseTimeouts: {
      acquireTimeoutMs: env.DATABASE_ACQUIRE_TIMEOUT_SECONDS * 1000,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_SECONDS * 1000,
      idleInTransactionTimeoutMs: env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS * 1000,
    },
    sessionSecrets: env.SESSION_SECRET
      ? env.SESSION_SECRET.split(",").map((s) => s.trim())
      : [localSessionSecret(dataDir)],
    credentialSigningKey: env.CREDENTIAL_SIGNING_KEY
      ? { kind: "configured", jwk: env.CREDENTIAL_SIGNING_KEY.trim() }
      : { kind: "generated", file: path.join(dataDir, "credential-signing-key.json") },
    credentialRetiredPublicKeys: env.CREDENTIAL_RETIRED_PUBLIC_KEYS?.trim()
      ? (JSON.parse(env.CREDENTIAL_RETIRED_PUBLIC_KEYS) as { x: string }[]).map((jwk) => jwk.x)
      : [],
    sessionTtlHours: env.SESSION_TTL_HOURS,
    trustProxy: env.TRUST_PROXY,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ""),
    mail: { from: env.MAIL_FROM, smtpUrl: env.SMTP_URL, mailDir: path.join(dataDir, "mail") },
    workerIntervalSeconds: env.WORKER_INTERVAL_SECONDS,
    outboxMaxAttempts: env.OUTBOX_MAX_ATTEMPTS,
    demoAccounts: env.APP_ENV !== "production" && (env.DEMO_ACCOUNTS ?? !env.DATABASE_URL),
    storage: env.S3_BUCKET
      ? {
          kind: "s3",
          bucket: env.S3_BUCKET,
          region: env.S3_REGION ?? "us-east-1",
          ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT.replace(/\/+$/, "") } : {}),
          // Both are present: the schema refuses S3_BUCKET without them.
          accessKeyId: env.S3_ACCESS_KEY_ID!,
          secretAccessKey: env.S3_SECRET_ACCESS_KEY!,
          forcePathStyle: env.S3_FORCE_PATH_STYLE ?? env.S3_ENDPOINT !== undefined,
          unsignedPayload:
            env.S3_UNSIGNED_PAYLOAD === undefined || env.S3_UNSIGNED_PAYLOAD === "auto"
              ? "auto"
              : env.S3_UNSIGNED_PAYLOAD === "true",
        }
      : { kind: "local", root: path.join(dataDir, "files") },
    uploadMaxBytes: env.UPLOAD_MAX_BYTES,
    certifier: { name: env.CERTIFIER_NAME, place: env.CERTIFICATE_PLACE },
  };
}

/**
 * Outside production a missing SESSION_SECRET is generated once and kept in the data folder, so that a newcomer
 * needs no set-up and sessions survive a restart. Production refuses to start without one (see the schema).
 */
function localSessionSecret(dataDir: string): string {
  const file = path.join(dataDir, "session-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

/** Whether `value` is an Ed25519 private key as a JSON Web Key (what CREDENTIAL_SIGNING_KEY must hold). */
export function isEd25519PrivateJwk(value: string): boolean {
  try {
    const jwk = JSON.parse(value) as Record<string, unknown>;
    if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.d !== "string") return false;
    return createPrivateKey({ key: jwk, format: "jwk" }).asymmetricKeyType === "ed25519";
  } catch {
    return false;
  }
}

/**
 * What is wrong with a CREDENTIAL_RETIRED_PUBLIC_KEYS value, or null: it must be a JSON array of Ed25519 public
 * keys as JSON Web Keys. A private key is refused: the list is published, and only the public half is needed.
 */
export function retiredPublicKeysProblem(value: string): string | null {
  if (value.trim() === "") return null;
  let keys: unknown;
  try {
    keys = JSON.parse(value);
  } catch {
    keys = null;
  }
  if (!Array.isArray(keys)) {
    return 'expected a JSON array of Ed25519 public keys as JSON Web Keys: [{"kty":"OKP","crv":"Ed25519","x":"…"}]';
  }
  for (const [index, jwk] of keys.entries()) {
    const position = `key ${index + 1}`;
    if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) return `${position} is not a JSON Web Key`;
    const fields = jwk as Record<string, unknown>;
    if ("d" in fields) {
      return `${position} is a private key: give only its public half (remove "d"); the list is published`;
    }
    if (fields.kty !== "OKP" || fields.crv !== "Ed25519" || typeof fields.x !== "string") {
      return `${position} is not an Ed25519 public key ({"kty":"OKP","crv":"Ed25519","x":"…"})`;
    }
    try {
      if (
        createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: fields.x }, format: "jwk" }).asymmetricKeyType !==
        "ed25519"
      ) {
        return `${position} is not an Ed25519 public key`;
      }
    } catch {
      return `${position} is not an Ed25519 public key (its "x" does not decode to one)`;
    }
  }
  return null;
}

let cached: PortalConfig | undefined;

/** The configuration of this process, parsed on first use. */
export function getConfig(): PortalConfig {
  cached ??= parseConfig(process.env);
  return cached;
}
