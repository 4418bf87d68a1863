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
import { deleteExpiredSessions } from "../db/queries/sessions";
import { sweepOrphanObjects } from "../app/services/documents.server";
import { outboxDeliverer } from "../app/services/outbox-delivery.server";
import { getStorage } from "../app/services/storage";
import { getMailer } from "../app/services/mailer.server";
import { runWorkerOnce } from "../app/services/worker.server";
import { preparePortal } from "../app/startup.server";
import { closeDatabase, getDb } from "../app/utils/db.server";
import { ConfigError, type PortalConfig, getConfig } from "../app/utils/env.server";
import { logger, withRequestContext } from "../app/utils/logger.server";

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
  app.use((req, res, next) => {
    const forwarded = req.get("x-request-id");
    const requestId = forwarded && /^[\w.:-]{1,128}$/.test(forwarded) ? forwarded : undefined;
    withRequestContext(requestId, () => next());
  });
  app.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
    next();
  });

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
      getLoadContext: (req) => ({ clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown" }),
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

  const housekeeping = setInterval(async () => {
    try {
      await deleteExpiredSessions(await getDb(), new Date());
    } catch (error) {
      logger.error({ err: error }, "Session clean-up failed");
    }
    try {
      const sweep = await sweepOrphanObjects(await getDb(), getStorage());
      logger.info({ removed: sweep.removed.length }, "Storage sweep done");
    } catch (error) {
      logger.error({ err: error }, "Storage sweep failed");
    }
  }, 3600_000);
  housekeeping.unref();

  // The worker fires due timers and delivers the outbox; a pass never overlaps the previous one.
  let workerPass: Promise<unknown> | null = null;
  const worker =
    config.workerIntervalSeconds > 0
      ? setInterval(() => {
          if (workerPass) return;
          workerPass = (async () => {
            const db = await getDb();
            await runWorkerOnce(db, outboxDeliverer(db, getMailer(), getStorage(), config.publicUrl));
          })()
            .catch((error) => logger.error({ err: error }, "Worker pass failed"))
            .finally(() => {
              workerPass = null;
            });
        }, config.workerIntervalSeconds * 1000)
      : null;

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "Closing the portal");
    clearInterval(housekeeping);
    if (worker) clearInterval(worker);
    server.close(async () => {
      await workerPass;
      // An embedded database left open loses its last writes; close it before exiting.
      await closeDatabase();
      process.exit(0);
    });
    setTimeout(() => process.exit(1), 10_000).unref();
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
  logger.fatal({ err: error }, "The portal could not start");
  await closeDatabase().catch(() => {});
  process.exit(1);
});
