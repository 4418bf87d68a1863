// `npm run demo:data -- --candidacies N [--seed S] [--until YYYY-MM-DD] [--concurrency K]`
// Fills the configured database (embedded default or DATABASE_URL) and storage with N candidacies over the two
// years before --until (default: today, UTC), through the services (docs/decisions/031). Progress on stderr, the
// summary on stdout. Deterministic for a seed and an end date. On the embedded database, stop the portal first.
import "../server/load-env";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { DataFolderLockedError } from "../db/data-folder-lock";
import { migrateToLatest } from "../db/migrate";
import { seedShippedReferentials } from "../db/seed/index";
import { generateDemoData, openDemoShard } from "../app/services/demo-data";
import { getStorage } from "../app/services/storage";
import { closeDatabase, getDb } from "../app/utils/db.server";
import { getConfig } from "../app/utils/env.server";
import { DEMO_SHARD_CHILD, forkDemoShards, serveDemoShard } from "./lib/demo-data-processes";

// A child forked by --processes: it plays one shard of the parent's load, then exits.
if (process.env[DEMO_SHARD_CHILD]) {
  try {
    const db = await getDb();
    await serveDemoShard(async (setup) => openDemoShard(db, getStorage(), setup));
  } finally {
    await closeDatabase();
  }
  process.exit(0);
}

const usage =
  "Usage: npm run demo:data -- --candidacies <N> [--seed <S>] [--until <YYYY-MM-DD>] [--concurrency <K>] [--processes <P>] [--evaluators <E>] [--defer-side-effects]";

function fail(message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      candidacies: { type: "string" },
      seed: { type: "string", default: "1" },
      until: { type: "string" },
      concurrency: { type: "string" },
      processes: { type: "string" },
      evaluators: { type: "string", default: "60" },
      "defer-side-effects": { type: "boolean", default: false },
      help: { type: "boolean" },
    },
  }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const candidacies = Number(values.candidacies);
if (!Number.isInteger(candidacies) || candidacies < 1) fail("Give --candidacies as a positive whole number.");
const until = values.until ? new Date(`${values.until}T00:00:00Z`) : new Date();
if (Number.isNaN(until.getTime())) fail("Give --until as a date, YYYY-MM-DD.");
const evaluators = Number(values.evaluators);
if (!Number.isInteger(evaluators) || evaluators < 2) fail("Give --evaluators as a whole number, 2 or more.");
// A bulk load of demo data need not wait for each commit to reach the disk: a crash loses only the last
// transactions of a load one reruns anyway. Only this process's sessions are concerned, never the portal's.
if (process.env.DATABASE_URL && !/[?&]options=/.test(process.env.DATABASE_URL)) {
  const url = new URL(process.env.DATABASE_URL);
  url.searchParams.set("options", "-c synchronous_commit=off");
  process.env.DATABASE_URL = url.toString();
}
const config = getConfig();
// PGlite runs one statement at a time: more lanes only queue; a server takes a few per core.
const concurrency = values.concurrency
  ? Number(values.concurrency)
  : config.database.kind === "server"
    ? Math.max(1, Math.min(8, config.database.maxConnections - 2))
    : 1;
if (!Number.isInteger(concurrency) || concurrency < 1) fail("Give --concurrency as a positive whole number.");
// One process per core on a server (Node.js keeps one core busy while the server works on the other); PGlite lives
// inside this process, so it has exactly one.
const processes = values.processes
  ? Number(values.processes)
  : config.database.kind === "server"
    ? Math.min(4, availableParallelism())
    : 1;
if (!Number.isInteger(processes) || processes < 1) fail("Give --processes as a positive whole number.");
if (processes > 1 && config.database.kind !== "server") fail("--processes needs a database server (DATABASE_URL).");

const number = new Intl.NumberFormat("en-GB");
let exitCode = 0;
try {
  const db = await getDb();
  await migrateToLatest(db);
  await seedShippedReferentials(db);
  console.error(
    `demo:data: ${number.format(candidacies)} candidacies, seed ${values.seed}, two years up to ${until.toISOString().slice(0, 10)}, ` +
      `${config.database.kind === "server" ? "PostgreSQL" : "embedded PGlite"}, ${concurrency} at a time${processes > 1 ? ` in each of ${processes} processes` : ""}`,
  );
  const summary = await generateDemoData(db, getStorage(), {
    candidacies,
    seed: values.seed,
    until,
    concurrency,
    evaluators,
    deferSideEffects: values["defer-side-effects"],
    shards: processes,
    ...(processes > 1 ? { openShards: (setup) => forkDemoShards(import.meta.filename, setup) } : {}),
    onProgress: (p) => {
      const seconds = p.elapsedMs / 1000;
      console.error(
        `  ${p.day}  ${number.format(p.started)}/${number.format(p.total)} started  ` +
          `${number.format(p.serviceCalls)} service calls  ${seconds.toFixed(0)} s  ` +
          `(${number.format(Math.round(p.serviceCalls / Math.max(seconds, 0.001)))}/s)`,
      );
    },
  });
  const width = Math.max(...Object.keys(summary.byState).map((s) => s.length));
  console.log(`Demo data loaded in ${(summary.durationMs / 1000).toFixed(1)} s:`);
  for (const [state, count] of Object.entries(summary.byState)) {
    console.log(`  ${state.padEnd(width)}  ${number.format(count).padStart(8)}`);
  }
  console.log(
    `  ${number.format(summary.serviceCalls)} service calls, ${number.format(summary.timersFired)} timers fired, ` +
      `${number.format(summary.sideEffectsDelivered)} side effects delivered, ${number.format(summary.emailsSent)} e-mails recorded as sent`,
  );
  console.log(`  Accounts: *${summary.emailSuffix}, password ${summary.password}`);
} catch (error) {
  if (!(error instanceof DataFolderLockedError)) throw error;
  console.error(error.message);
  exitCode = 3;
} finally {
  await closeDatabase();
}
process.exit(exitCode);
