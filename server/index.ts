// The portal's HTTP server: validates the configuration, prepares the database, then serves the Remix app with
// Express (the built bundle, or Vite's dev middleware under `npm run dev`). See docs/decisions/001.
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

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function loadConfig(): PortalConfig {
  try {
    return getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`\n${error.message}\n`);
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
    console.error(
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
      console.error("Session clean-up failed:", error);
    }
    try {
      const sweep = await sweepOrphanObjects(await getDb(), getStorage());
      if (sweep.removed.length > 0) console.log(`Storage sweep: ${sweep.removed.length} object(s) without a document removed.`);
    } catch (error) {
      console.error("Storage sweep failed:", error);
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
            .catch((error) => console.error("Worker pass failed:", error))
            .finally(() => {
              workerPass = null;
            });
        }, config.workerIntervalSeconds * 1000)
      : null;

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: closing the portal.`);
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
    `VAE portal listening on ${url} (NODE_ENV=${config.nodeEnv}${devServer ? ", Vite dev server" : ""})`,
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
  console.log(lines.join("\n") + "\n");
}

main().catch(async (error) => {
  console.error("The portal could not start:", error instanceof Error ? error.message : error);
  await closeDatabase().catch(() => {});
  process.exit(1);
});
