// The portal's HTTP server: validates the configuration, prepares the database, then serves the Remix app with
// Express (the built bundle, or Vite's dev middleware under `npm run dev`). See docs/decisions/001.
// First: .env, then NODE_ENV for the libraries' builds (before anything loads React; docs/decisions/016).
import "./load-env";
import "./node-env";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { DataFolderLockedError } from "../db/data-folder-lock";
import { runHousekeeping } from "../app/services/housekeeping.server";
import { loadIssuerKey } from "../app/services/credentials/signing-key.server";
import { outboxDeliverer } from "../app/services/outbox-delivery.server";
import { getStorage } from "../app/services/storage";
import { getMailer } from "../app/services/mailer.server";
import { startWorker } from "../app/services/worker.server";
import { preparePortal } from "../app/startup.server";
import { closeDatabase, getDb } from "../app/utils/db.server";
import { ConfigError, type PortalConfig, getConfig } from "../app/utils/env.server";
import { logger, loggerFor, withRequestContext } from "../app/utils/logger.server";
import { originGuard, securityHeaders } from "./request-guards";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function loadConfig(): PortalConfig {
  try {
    return getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`\n${error.message}\n\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function main() {
  const config = loadConfig();
  const prepared = await preparePortal(config);

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  // Every log line written while serving a request carries its id (the proxy's X-Request-Id when it sends one).
  app.use((req, _res, next) => {
    const forwarded = req.get("x-request-id");
    const requestId = forwarded && /^[\w.:-]{1,128}$/.test(forwarded) ? forwarded : undefined;
    withRequestContext(requestId, () => next());
  });
  // Security headers (CSP nonce, HSTS in production) and the refusal of cross-origin forms: docs/decisions/014.
  app.use(securityHeaders({ production: config.isProduction, devServer: process.argv.includes("--dev") }));
  app.use(originGuard({ publicUrl: config.publicUrl }));

  // `npm run dev` passes --dev: Vite compiles on request. Otherwise the built bundle is served, in Remix's
  // production mode (no stack traces in responses), whatever NODE_ENV says about the deployment.
  const devServer = process.argv.includes("--dev");
  let build: ServerBuild | (() => Promise<ServerBuild>);
  if (devServer) {
    const vite = await import("vite");
    const viteServer = await vite.createServer({ root, server: { middlewareMode: true } });
    app.use(viteServer.middlewares);
    build = () => viteServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
  } else {
    const clientDir = path.join(root, "build/client");
    // Fingerprinted assets never change under the same name.
    app.use("/assets", express.static(path.join(clientDir, "assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(clientDir, { maxAge: "1h" }));
    build = (await import(path.join(root, "build/server/index.js"))) as ServerBuild;
  }

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: devServer ? "development" : "production",
      getLoadContext: (req, res) => ({
        clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
        cspNonce: res.locals.cspNonce as string,
        // Remix strips `_data` before the loaders run; pages that inline server-rendered parts need to know.
        dataRequest: typeof req.query._data === "string",
      }),
    }),
  );

  const server = app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    printBanner(config, prepared, devServer, `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${port}`);
  });

  server.on("error", async (error: NodeJS.ErrnoException) => {
    logger.fatal(
      error.code === "EADDRINUSE"
        ? `Port ${config.port} on ${config.host} is already in use: stop the other process or set PORT.`
        : `The portal could not listen on ${config.host}:${config.port}: ${error.message}`,
    );
    await closeDatabase().catch(() => {});
    process.exit(1);
  });

  // Housekeeping and the worker log what they did, for operators (counts and ids, never personal data).
  const workerLog = loggerFor("worker");
  const housekeeping = setInterval(async () => {
    try {
      workerLog.info(await runHousekeeping(await getDb(), getStorage()), "Housekeeping done");
    } catch (error) {
      workerLog.error({ err: error }, "Housekeeping failed");
    }
  }, 3600_000);
  housekeeping.unref();

  // The worker fires due timers and delivers the outbox; a pass never overlaps the previous one. Several portals
  // may run it on one PostgreSQL database: timers are locked, outbox messages leased (docs/decisions/015).
  const worker =
    config.workerIntervalSeconds > 0
      ? startWorker({
          intervalSeconds: config.workerIntervalSeconds,
          getDb,
          deliverer: (db) =>
            outboxDeliverer(db, getMailer(), getStorage(), config.publicUrl, {
              certifier: config.certifier,
              issuerKey: async () => loadIssuerKey(config),
            }),
          delivery: { maxAttempts: config.outboxMaxAttempts },
        })
      : null;

  // SIGTERM (a deployment, a scale-in): stop accepting connections, let requests in flight finish, let the worker
  // finish the message in hand (WORKER_STOP_GRACE_MS at most), give its leases back so that another portal sends
  // those messages at once, close the database, exit. Whatever still runs after STOP_DEADLINE_MS is cut.
  const WORKER_STOP_GRACE_MS = 5_000;
  const STOP_DEADLINE_MS = 10_000;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "Closing the portal: finishing requests in flight and the worker's pass");
    clearInterval(housekeeping);
    setTimeout(() => {
      logger.error({ deadlineMs: STOP_DEADLINE_MS }, "The portal did not close in time; exiting now");
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    const requestsDone = new Promise<void>((resolve) => server.close(() => resolve()));
    // close() ends idle keep-alive connections once; those busy now become idle when their response is sent.
    const idleSweep = setInterval(() => server.closeIdleConnections(), 250);
    idleSweep.unref();
    void (async () => {
      if (worker) {
        try {
          await worker.stop(WORKER_STOP_GRACE_MS);
        } catch (error) {
          // The leases then run out on their own and another portal takes the messages: later, never lost.
          logger.error({ err: error }, "The worker's leases could not be given back");
        }
      }
      await requestsDone;
      clearInterval(idleSweep);
      // An embedded database left open loses its last writes; close it before exiting.
      await closeDatabase();
      logger.info("Portal closed");
      process.exit(0);
    })();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

function printBanner(
  config: PortalConfig,
  prepared: Awaited<ReturnType<typeof preparePortal>>,
  devServer: boolean,
  url: string,
) {
  const lines = [
    "",
    `VAE portal listening on ${url} (APP_ENV=${config.appEnv}${devServer ? ", Vite dev server" : ""})`,
    `Database: ${prepared.database}`,
    `Migrations applied now: ${prepared.migrationsApplied.length ? prepared.migrationsApplied.join(", ") : "none (up to date)"}`,
    `Referentials: ${prepared.referentials.join("; ")}`,
  ];
  if (prepared.demoAccounts.length > 0) {
    lines.push("", "Demo accounts (embedded default only, never in production):");
    for (const account of prepared.demoAccounts) {
      lines.push(`  ${account.role.padEnd(22)} ${account.email.padEnd(34)} ${account.password}`);
    }
  }
  // The banner is the command's output for the person who started it, not a log line.
  process.stdout.write(lines.join("\n") + "\n\n");
}

main().catch(async (error) => {
  // Another process holds the embedded database: a situation for the person at the terminal, not a crash.
  if (error instanceof DataFolderLockedError)
    process.stderr.write(`\nThe portal could not start.\n${error.message}\n\n`);
  else logger.fatal({ err: error }, "The portal could not start");
  await closeDatabase().catch(() => {});
  process.exit(1);
});
