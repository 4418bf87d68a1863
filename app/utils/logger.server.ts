// The portal's one logger (pino): JSON lines in production, readable lines in development, and every line written
// while a request is being served carries that request's id. Log facts about things (ids, counts, codes), never
// personal data or secrets: the redaction below is a safety net, not a licence.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

export interface RequestContext {
  requestId: string;
}

// One store per process: the server entry (tsx) and the Remix bundle each load their own copy of this module.
const contextKey = Symbol.for("vae-portal.request-context");
const loggerKey = Symbol.for("vae-portal.logger");
type Globals = typeof globalThis & {
  [contextKey]?: AsyncLocalStorage<RequestContext>;
  [loggerKey]?: Logger;
};
const globals = globalThis as Globals;

globals[contextKey] ??= new AsyncLocalStorage();
export const requestContext: AsyncLocalStorage<RequestContext> = globals[contextKey];

/** Runs `fn` as the handling of one request: log lines written meanwhile carry its id. */
export function withRequestContext<T>(requestId: string | undefined, fn: () => T): T {
  return requestContext.run({ requestId: requestId ?? randomUUID() }, fn);
}

/** Keys whose values never reach a log line, wherever they sit (one or two levels deep). */
const REDACTED_KEYS = [
  "password",
  "newPassword",
  "passwordHash",
  "password_hash",
  "secret",
  "token",
  "cookie",
  "authorization",
  "email",
  "to",
  "fullName",
  "full_name",
  "SESSION_SECRET",
  "S3_SECRET_ACCESS_KEY",
  "secretAccessKey",
];

/** The portal's logger; `destination` replaces stdout (tests capture lines with it). */
export function createLogger(destination?: pino.DestinationStream): Logger {
  // The deployment mode (APP_ENV, else NODE_ENV as the operator set it: see app/utils/env.server.ts).
  const mode = process.env.APP_ENV || process.env.NODE_ENV;
  const level = process.env.LOG_LEVEL || (mode === "test" ? "warn" : "info");
  const json = process.env.LOG_FORMAT ? process.env.LOG_FORMAT === "json" : mode === "production";
  const options: pino.LoggerOptions = {
    level,
    base: { pid: process.pid },
    redact: { paths: REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]), censor: "[redacted]" },
    mixin: () => {
      const context = requestContext.getStore();
      return context ? { requestId: context.requestId } : {};
    },
  };
  if (destination) return pino(options, destination);
  if (json) return pino(options);
  // Synchronous pretty printing keeps lines in order with the banner and needs no worker thread.
  return pino(
    options,
    pretty({ sync: true, colorize: process.stdout.isTTY, ignore: "pid,hostname", translateTime: "SYS:HH:MM:ss" }),
  );
}

globals[loggerKey] ??= createLogger();
export const logger: Logger = globals[loggerKey];

/** A logger for one part of the portal ("worker", "storage", …): its lines say where they come from. */
export function loggerFor(component: string): Logger {
  return logger.child({ component });
}
