// `npm run bench:pages -- [--quick] [--small 1000] [--large 100000] [--duration 10] [--skip-pglite]`
//
// What it measures (docs/decisions/032): pages served by the BUILT portal in production mode (`npm run build`
// first), started as `npm start` starts it (`node <its options> --import tsx server/index.ts`, APP_ENV=production, a fresh
// DATA_DIR, a throwaway credential signing key, its worker off so that only the requests measured use the CPU),
// driven by autocannon over HTTP with a session cookie obtained by logging in through /connexion:
//   - the filed dossier of a candidacy with 19 narratives and 100 evidence files (/dossiers/:id, read by certifier
//     staff), beside a trivial route (/healthz: one `select 1`), at 1 and 20 connections, on PGlite and PostgreSQL,
//     and, for scale, a trivial document at 20 connections (/confidentialite, logged in: the root loader, static text);
//   - the officer's queue (/recevabilite?vue=decidees, the decided requests, its longest list: page 1, and the page
//     reached by following its "Page suivante" link as far as it goes, up to 200 times) and staff's dashboard
//     (/certificateur), with --small and --large candidacies of demo data (npm run demo:data), on PostgreSQL;
//   - the portal's resident memory (VmRSS of /proc/<pid>/status) after start and after the runs.
// Latency percentiles are computed from every response time (autocannon's own histogram has no p95). Each
// measurement follows an unmeasured warm-up; a response other than 200 is an error and stops the benchmark.
//
// The demo datasets are built once per size and kept as PostgreSQL template databases (vae_bench_tpl_<N>), each
// run cloning one (`create database … template …`); the line "building dataset" says when one is (re)built, which
// at 100 000 takes hours (see README, Benchmarks). Their files stay in .bench-cache/<N>/ (the pages measured read
// none). PostgreSQL: BENCH_DATABASE_URL, else DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres.
//
// Goals, printed with each figure: dossier p95 at 1 connection < 25 ms; dossier requests/s at 20 connections ≥ 1/3
// of the trivial route's; queue and dashboard p95 with --large ≤ 1.5 × with --small; RSS after the runs < 300 MB.
// The last line is one JSON object of the PostgreSQL figures. A benchmark, not a test: it exits non-zero only on an
// error, never on a goal missed.
import "../server/load-env";
import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { type BenchDossier, fileBenchDossier } from "../app/services/demo-data/bench-dossier";
import { createStorage } from "../app/services/storage";
import { openDatabase } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { seedShippedReferentials } from "../db/seed/index";
import { nextLink, percentile, startNodeOptions } from "./lib/bench-pages-pieces";

const root = path.resolve(import.meta.dirname, "..");
const usage = `Usage: npm run bench:pages -- [--quick] [--small N] [--large N] [--duration S] [--skip-pglite]
  --quick        a smoke run: --small 100 --large 300 --duration 5, fewer deep pages
  --small, --large   candidacies of the two demo datasets (default 1000 and 100000)
  --duration     seconds of each measurement (default 10)
  --queue        the queue's list to page through (default /recevabilite?vue=decidees)`;

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    small: { type: "string" },
    large: { type: "string" },
    duration: { type: "string" },
    "skip-pglite": { type: "boolean", default: false },
    queue: { type: "string", default: "/recevabilite?vue=decidees" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const quick = values.quick;
const SMALL = Number(values.small ?? (quick ? 100 : 1000));
const LARGE = Number(values.large ?? (quick ? 300 : 100_000));
const DURATION = Number(values.duration ?? (quick ? 5 : 10));
const DEEP_LINKS = quick ? 20 : 200;
/** The queue's list with the most rows (the decided requests): the one whose deep pages exist at scale. */
const QUEUE = values.queue;
for (const [name, value] of Object.entries({ small: SMALL, large: LARGE, duration: DURATION })) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive whole number.\n\n${usage}`);
    process.exit(2);
  }
}
if (!existsSync(path.join(root, "build/server/index.js"))) {
  console.error("No build: run `npm run build` first (the benchmark measures the built portal).");
  process.exit(2);
}
const serverUrl =
  process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
/** The fixed end of the demo period: the cached datasets stay valid from day to day. */
const DEMO_UNTIL = "2026-11-01";
const CACHE = path.join(root, ".bench-cache");

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL databases: the cached datasets and their clones
// ---------------------------------------------------------------------------------------------------------------

function databaseUrl(name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function databaseExists(name: string): Promise<boolean> {
  return admin(async (c) => (await c.query("select 1 from pg_database where datname = $1", [name])).rowCount === 1);
}

async function dropDatabase(name: string) {
  await admin((c) => c.query(`drop database if exists ${name} with (force)`));
}

/** The template of `size` demo candidacies, built with demo:data when missing. */
async function dataset(size: number): Promise<string> {
  const template = `vae_bench_tpl_${size}`;
  if (await databaseExists(template)) {
    console.log(`dataset ${size}: cached (${template})`);
    return template;
  }
  const building = `vae_bench_build_${size}`;
  console.log(`dataset ${size}: building ${template} with demo:data (progress below; kept for the next runs)`);
  await dropDatabase(building);
  await admin((c) => c.query(`create database ${building}`));
  const files = path.join(CACHE, String(size));
  rmSync(files, { recursive: true, force: true });
  mkdirSync(files, { recursive: true });
  const started = Date.now();
  await run(
    process.execPath,
    [
      "--import",
      "tsx",
      "scripts/demo-data.ts",
      "--candidacies",
      String(size),
      "--seed",
      "bench",
      "--until",
      DEMO_UNTIL,
      "--defer-side-effects",
    ],
    { DATABASE_URL: databaseUrl(building), DATA_DIR: files, LOG_LEVEL: "warn" },
  );
  await vacuumAnalyze(building);
  // Renamed only once complete: an interrupted build is never taken for a dataset.
  await admin((c) => c.query(`alter database ${building} rename to ${template}`));
  console.log(`dataset ${size}: built in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
  return template;
}

async function cloneOf(template: string): Promise<string> {
  const name = `vae_bench_run_${randomBytes(4).toString("hex")}`;
  await admin((c) => c.query(`create database ${name} template ${template}`));
  return name;
}

/**
 * Fresh planner statistics and visibility map for a dataset: a template built before a migration is migrated in
 * its clone (new indexes have no statistics yet), and a freshly loaded database is measured as a portal that has
 * run a while (autovacuum would have analysed it) would be, not as one loaded a second ago.
 */
async function vacuumAnalyze(database: string) {
  const client = new pg.Client({ connectionString: databaseUrl(database) });
  await client.connect();
  try {
    await client.query("vacuum analyze");
  } finally {
    await client.end();
  }
}

function run(command: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(" ")} exited with ${code}`))));
  });
}

/** Adds the heavy dossier (and the accounts that log in) through the services, before the portal opens the data. */
async function prepareDossier(target: { kind: "server"; url: string } | { kind: "embedded"; dataDir: string }) {
  const handle = await openDatabase(target);
  try {
    await migrateToLatest(handle.db);
    await seedShippedReferentials(handle.db);
    const filesRoot = target.kind === "embedded" ? path.join(path.dirname(target.dataDir), "files") : null;
    const storage = createStorage({
      kind: "local",
      root: filesRoot ?? mkdtempSync(path.join(tmpdir(), "vae-bench-files-")),
    });
    return await fileBenchDossier(handle.db, storage, { evidence: 100, at: new Date(`${DEMO_UNTIL}T09:00:00Z`) });
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The portal
// ---------------------------------------------------------------------------------------------------------------

interface Portal {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** The Node options of `npm start` (package.json), which the portal measured must run with. */
const portalNodeOptions = startNodeOptions(
  JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts.start as string,
);

async function startPortal(dataDir: string, databaseUrlForPortal: string): Promise<Portal> {
  const child: ChildProcess = spawn(process.execPath, [...portalNodeOptions, "--import", "tsx", "server/index.ts"], {
    cwd: root,
    env: {
      ...process.env,
      APP_ENV: "production",
      NODE_ENV: "production",
      SESSION_SECRET: randomBytes(36).toString("base64"),
      // Production requires the credentials' signing key; a throwaway one serves a benchmark.
      CREDENTIAL_SIGNING_KEY: JSON.stringify(generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" })),
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrlForPortal,
      DEMO_ACCOUNTS: "false",
      SMTP_URL: "",
      WORKER_INTERVAL_SECONDS: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    if (output.length < 200_000) output += chunk;
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The portal did not start in time:\n${output}`)), 120_000);
    child.stdout!.on("data", () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`The portal exited with code ${code}:\n${output}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return Math.round(kb / 102.4) / 10;
}

/** Logs in through the login form, as a browser would, and returns the session cookie. */
async function logIn(portal: Portal, email: string, password: string): Promise<string> {
  const response = await fetch(`${portal.url}/connexion`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: portal.url },
    body: new URLSearchParams({ email, password, redirectTo: "" }),
  });
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (response.status < 300 || response.status >= 400 || !cookie) {
    throw new Error(`Login of ${email} failed: ${response.status}`);
  }
  return cookie;
}

async function page(portal: Portal, pathname: string, cookie: string | null): Promise<string> {
  const response = await fetch(`${portal.url}${pathname}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${pathname} answered ${response.status}`);
  return body;
}

/** The deepest page reachable by following "Page suivante" from page 1, and how many links were followed. */
async function deepQueuePage(portal: Portal, cookie: string): Promise<{ path: string; depth: number }> {
  let current = QUEUE;
  let depth = 0;
  for (; depth < DEEP_LINKS; depth++) {
    const html = await page(portal, current, cookie);
    const link = nextLink(html);
    if (!link) break;
    current = link;
  }
  return { path: current, depth };
}

// ---------------------------------------------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------------------------------------------

interface Figure {
  p50: number;
  p95: number;
  rps: number;
  requests: number;
}

async function measure(portal: Portal, pathname: string, cookie: string | null, connections: number): Promise<Figure> {
  const once = (duration: number, latencies: number[] | null) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        { url: `${portal.url}${pathname}`, connections, duration, headers: cookie ? { cookie } : {} },
        (error, result) => (error ? reject(error) : resolve(result)),
      );
      if (latencies) instance.on("response", (_client, _status, _bytes, time) => latencies.push(time));
    });
  await once(Math.max(1, Math.round(DURATION / 5)), null);
  const latencies: number[] = [];
  const result = await once(DURATION, latencies);
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${pathname}: ${result.non2xx} answers other than 2xx, ${result.errors} errors`);
  }
  latencies.sort((a, b) => a - b);
  const figure = {
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
    rps: round(result.requests.total / result.duration),
    requests: result.requests.total,
  };
  console.log(
    `  ${pathname.padEnd(44)} c=${String(connections).padStart(2)}  p50 ${fmt(figure.p50)} ms  p95 ${fmt(figure.p95)} ms  ${fmt(figure.rps)} req/s  (${figure.requests} requests)`,
  );
  return figure;
}

const round = (n: number) => Math.round(n * 100) / 100;
const fmt = (n: number) => n.toFixed(n < 10 ? 2 : 1).padStart(7);
const verdict = (ok: boolean) => (ok ? "met" : "MISSED");

interface DossierFigures {
  trivial1: Figure;
  trivial20: Figure;
  dossier1: Figure;
  dossier20: Figure;
  /** A trivial document (the logged-in reader's /confidentialite: the root loader and static text), for scale. */
  page20: Figure;
}

async function dossierRuns(portal: Portal, dossier: BenchDossier, cookie: string): Promise<DossierFigures> {
  const dossierPath = `/dossiers/${dossier.candidacyId}`;
  const html = await page(portal, dossierPath, cookie);
  if (!html.includes("piece-100.pdf")) throw new Error("The dossier page does not show its 100th evidence file");
  return {
    trivial1: await measure(portal, "/healthz", null, 1),
    dossier1: await measure(portal, dossierPath, cookie, 1),
    trivial20: await measure(portal, "/healthz", null, 20),
    dossier20: await measure(portal, dossierPath, cookie, 20),
    page20: await measure(portal, "/confidentialite", cookie, 20),
  };
}

function reportDossier(engine: string, f: DossierFigures) {
  const ratio = round(f.dossier20.rps / f.trivial20.rps);
  console.log(
    `${engine}: dossier p95 at 1 connection ${f.dossier1.p95} ms (goal < 25 ms: ${verdict(f.dossier1.p95 < 25)}); ` +
      `throughput at 20 connections ${f.dossier20.rps}/${f.trivial20.rps} req/s = ${ratio} of the trivial route (goal ≥ 0.33: ${verdict(ratio >= 1 / 3)})`,
  );
  console.log(
    `${engine}: for scale, a trivial document (/confidentialite, logged in) at 20 connections ${f.page20.rps} req/s: ` +
      `${round(f.page20.rps / f.trivial20.rps)} of the trivial route; the dossier makes ${round(f.dossier20.rps / f.page20.rps)} of it`,
  );
  return ratio;
}

interface StaffFigures {
  queue1: Figure;
  queueDeep: Figure;
  deepDepth: number;
  dashboard: Figure;
}

async function staffRuns(portal: Portal, dossier: BenchDossier): Promise<StaffFigures> {
  const officer = await logIn(portal, dossier.officerEmail, dossier.password);
  const staff = await logIn(portal, dossier.staffEmail, dossier.password);
  const deep = await deepQueuePage(portal, officer);
  console.log(`  deep queue page: ${deep.depth} "Page suivante" link(s) followed → ${deep.path}`);
  return {
    queue1: await measure(portal, QUEUE, officer, 1),
    queueDeep: await measure(portal, deep.path, officer, 1),
    deepDepth: deep.depth,
    dashboard: await measure(portal, "/certificateur", staff, 1),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The runs
// ---------------------------------------------------------------------------------------------------------------

const scratch = mkdtempSync(path.join(tmpdir(), "vae-bench-pages-"));
const created: string[] = [];
let running: Portal | null = null;
try {
  console.log(
    `bench:pages${quick ? " --quick" : ""}: datasets ${SMALL} and ${LARGE} candidacies, ${DURATION} s per measurement`,
  );

  if (!values["skip-pglite"]) {
    console.log("\nPGlite (embedded): the dossier and the trivial route");
    const dataDir = path.join(scratch, "pglite-data");
    const dossier = await prepareDossier({ kind: "embedded", dataDir: path.join(dataDir, "pglite") });
    running = await startPortal(dataDir, "");
    const rssStart = rssMb(running.pid);
    const figures = await dossierRuns(running, dossier, await logIn(running, dossier.staffEmail, dossier.password));
    const ratio = reportDossier("PGlite", figures);
    console.log(
      `PGlite: portal RSS ${rssStart} MB after start, ${rssMb(running.pid)} MB after the runs (ratio ${ratio})`,
    );
    await running.stop();
    running = null;
  }

  const small = await dataset(SMALL);
  const large = await dataset(LARGE);

  console.log(`\nPostgreSQL, ${SMALL} candidacies: the dossier, the trivial route, the queue and the dashboard`);
  const smallDb = await cloneOf(small);
  created.push(smallDb);
  const smallDossier = await prepareDossier({ kind: "server", url: databaseUrl(smallDb) });
  await vacuumAnalyze(smallDb);
  running = await startPortal(path.join(scratch, "pg-small"), databaseUrl(smallDb));
  const rssStart = rssMb(running.pid);
  const dossierFigures = await dossierRuns(
    running,
    smallDossier,
    await logIn(running, smallDossier.staffEmail, smallDossier.password),
  );
  const smallFigures = await staffRuns(running, smallDossier);
  const rssSmall = rssMb(running.pid);
  await running.stop();
  running = null;

  console.log(`\nPostgreSQL, ${LARGE} candidacies: the queue and the dashboard (then the dossier again)`);
  const largeDb = await cloneOf(large);
  created.push(largeDb);
  const largeDossier = await prepareDossier({ kind: "server", url: databaseUrl(largeDb) });
  await vacuumAnalyze(largeDb);
  running = await startPortal(path.join(scratch, "pg-large"), databaseUrl(largeDb));
  const rssLargeStart = rssMb(running.pid);
  const largeFigures = await staffRuns(running, largeDossier);
  await dossierRuns(running, largeDossier, await logIn(running, largeDossier.staffEmail, largeDossier.password));
  const rssAfter = rssMb(running.pid);
  await running.stop();
  running = null;

  console.log("\nResults (PostgreSQL)");
  const ratio = reportDossier("PostgreSQL", dossierFigures);
  const queuePage1Ratio = round(largeFigures.queue1.p95 / smallFigures.queue1.p95);
  const queueDeepRatio = round(largeFigures.queueDeep.p95 / smallFigures.queueDeep.p95);
  const queueRatio = Math.max(queuePage1Ratio, queueDeepRatio);
  const dashboardRatio = round(largeFigures.dashboard.p95 / smallFigures.dashboard.p95);
  console.log(
    `queue p95: page 1 ${smallFigures.queue1.p95} → ${largeFigures.queue1.p95} ms (×${queuePage1Ratio}); ` +
      `deep page (${smallFigures.deepDepth} → ${largeFigures.deepDepth} links) ${smallFigures.queueDeep.p95} → ${largeFigures.queueDeep.p95} ms (×${queueDeepRatio}); ` +
      `goal ≤ 1.5: ${verdict(queueRatio <= 1.5)}`,
  );
  console.log(
    `dashboard p95: ${smallFigures.dashboard.p95} → ${largeFigures.dashboard.p95} ms (×${dashboardRatio}); goal ≤ 1.5: ${verdict(dashboardRatio <= 1.5)}`,
  );
  console.log(
    `portal RSS: ${rssStart} MB after start, ${rssSmall} MB after the ${SMALL} runs; ${rssLargeStart} MB after start, ` +
      `${rssAfter} MB after the ${LARGE} runs (goal < 300 MB: ${verdict(rssAfter < 300)})`,
  );
  console.log(
    JSON.stringify({
      dossier_p95_ms_c1: dossierFigures.dossier1.p95,
      dossier_throughput_ratio_c20: ratio,
      dossier_throughput_ratio_c20_to_trivial_document: round(dossierFigures.dossier20.rps / dossierFigures.page20.rps),
      queue_scale_ratio: queueRatio,
      dashboard_scale_ratio: dashboardRatio,
      rss_mb_after: rssAfter,
      rss_mb_start: rssStart,
      queue_p95_ms: { small: smallFigures.queue1.p95, large: largeFigures.queue1.p95 },
      queue_deep_p95_ms: { small: smallFigures.queueDeep.p95, large: largeFigures.queueDeep.p95 },
      dashboard_p95_ms: { small: smallFigures.dashboard.p95, large: largeFigures.dashboard.p95 },
      datasets: { small: SMALL, large: LARGE },
    }),
  );
} finally {
  await running?.stop();
  for (const name of created) await dropDatabase(name).catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
}
