// `npm run bench:upload -- [--size 200] [--runs 3]`
//
// What it measures: how fast a large file goes through the portal's upload route into S3, and what it costs the
// portal in memory. It starts an S3 server (s3rver) and the built portal (embedded PGlite, demo accounts, storage on
// that S3 server), logs in as the demo candidate, starts a candidacy, then POSTs a multipart form (kind=other and a
// file: a PDF header followed by random bytes, --size MB, default 200) to /candidat/candidatures/<id>/pieces, the way
// a browser sends it, streamed from a temporary file. The portal parses it as it arrives, checks it and streams it
// to the bucket (app/services/uploads/receive-upload.server.ts, docs/decisions/007). The answer must say the document
// was added, and the object in the bucket must have the file's size and SHA-256 (read back after the timing).
//
// Why a baseline: the absolute figure is the S3 server's and the machine's more than the portal's (s3rver writes
// every byte to disk and hashes it, in JavaScript, on the same few CPUs). So the same run also uploads the same bytes
// directly with the SDK's own multipart uploader (@aws-sdk/lib-storage, with the client settings, part size and
// queue size of the portal's S3 backend, which runs its own multipart upload on reused buffers) to the same server. The portal's path has more to do (HTTP in, multipart parsing, SHA-256, type
// detection) and the goal is stated as the ratio: portal MB/s ÷ direct MB/s ≥ 0.8. Each path runs --runs times
// (default 3), in alternating order (the machine may be busy with something else for a while), after one unmeasured
// warm-up upload of each (the portal's first upload loads code); the medians are compared.
//
// Memory: the portal's resident set (VmRSS of /proc/<pid>/status, sampled every 20 ms, and its peak VmHWM when
// /proc/<pid>/clear_refs may reset it) during each portal upload, minus the resident set just before it. Before each
// upload the portal collects its garbage (it is started with --expose-gc and a listener calling gc() on SIGUSR2,
// nothing else changes): otherwise the freed buffers of the previous upload, still held, would be reused unseen and
// hide the growth. The goal: growth < 64 MB, and flat in the file's size (compare --size 100 and --size 400).
//
// How to read it: each line is one upload, with the CPU seconds this client, the portal and s3rver spent meanwhile.
// When they add up to about (upload seconds × CPUs), the machine is the limit and a path goes as fast as the CPU it
// needs in total allows: the ratio is then that of those totals (the portal path adds the portal's work to the same
// S3 upload), not of any one stage. More cores, or an S3 server elsewhere, bring it closer to what the portal's own
// work costs. A portal far busier than s3rver points at the portal (profile it); RSS growth that follows --size
// points at a buffer somewhere.
//
// The S3 server runs in a child process, not in this one: here it would share this process's event loop with the
// SDK client of the direct upload (and with the client streaming the form to the portal), and each path would be
// slowed by the other's server work in a different way. As a child, both paths have the same shape as in production:
// client → (portal →) a server in another process. The portal is started with `node … --import tsx server/index.ts`
// (what the `tsx` command runs, without its wrapper process) so that the child's pid is the portal's.
//
// MB are 10^6 bytes. It is a benchmark, not a test: it asserts nothing about the figures and exits non-zero only on
// an actual error (the portal refusing the upload, a stored object that does not match, a process that fails).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  createReadStream,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { PART_SIZE, QUEUE_SIZE, createS3Client } from "../app/services/storage/s3";

const root = path.resolve(import.meta.dirname, "..");
const MB = 1_000_000;
const MiB = 1024 * 1024;
const usage = `Usage: npm run bench:upload -- [--size MB] [--runs N]
  --size   the file's size in MB of 10^6 bytes (default 200)
  --runs   measured uploads of each path, in alternating order (default 3)
  --payload  signed (default: what S3_UNSIGNED_PAYLOAD=auto does over http://, as here) or unsigned (what it does
             over https://; forced here on both paths, for measurement only)`;

// ---------------------------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------------------------

function positiveNumber(name: string, value: string | undefined, fallback: number, integer: boolean): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    console.error(
      `--${name} must be a positive ${integer ? "integer" : "number"} (got ${JSON.stringify(value)}).\n\n${usage}`,
    );
    process.exit(2);
  }
  return n;
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      size: { type: "string" },
      runs: { type: "string" },
      payload: { type: "string" },
      help: { type: "boolean" },
    },
  }));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const SIZE = Math.round(positiveNumber("size", values.size, 200, false) * MB);
const RUNS = positiveNumber("runs", values.runs, 3, true);
if (values.payload !== undefined && values.payload !== "signed" && values.payload !== "unsigned") {
  console.error(`--payload must be signed or unsigned (got ${JSON.stringify(values.payload)}).\n\n${usage}`);
  process.exit(2);
}
/**
 * s3rver listens on plain HTTP, where the portal's default (S3_UNSIGNED_PAYLOAD=auto) signs the payloads; "unsigned"
 * forces what an HTTPS endpoint gets (docs/decisions/034), on both paths, for measurement only.
 */
const UNSIGNED = values.payload === "unsigned";
/** The unmeasured first upload of each path: enough to load and warm every code path (several S3 parts). */
const WARMUP_BYTES = Math.min(SIZE, 3 * PART_SIZE + 12_345);
const BUCKET = "vae-bench";
const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const CANDIDATE = { email: "candidat@demo.example.org", password: "Baguette-2026-demo" };
const RSS_SAMPLE_MS = 20;
if (SIZE < 1024) {
  console.error(`--size must be at least 0.001 MB.\n\n${usage}`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------------------------
// Child processes: s3rver, the portal
// ---------------------------------------------------------------------------------------------------------------

const children: { label: string; child: ChildProcess; output: () => string }[] = [];
const temporaries: string[] = [];

/** Starts a child and resolves with the first match of `ready` in its output; rejects if it exits first. */
function startChild(
  label: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray; output: () => string }> {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  children.push({ label, child, output: () => output });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start in 120 s:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => output });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk));
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${signal ?? code}):\n${output}`));
    });
  });
}

// s3rver keeps objects in a folder and hashes what it receives: run as a module of its own, answering its port.
const S3RVER_MAIN = `
import S3rver from "s3rver";
const server = new S3rver({
  address: "127.0.0.1", port: 0, directory: process.env.BENCH_S3RVER_DIR, silent: true,
  configureBuckets: [{ name: process.env.BENCH_BUCKET }],
});
const { port } = await server.run();
console.log("s3rver listening on port " + port);
`;

async function startS3rver(): Promise<{ endpoint: string; pid: number }> {
  const directory = mkdtempSync(path.join(os.tmpdir(), "vae-bench-s3rver-"));
  temporaries.push(directory);
  const { child, match } = await startChild(
    "s3rver",
    ["--input-type=module", "--eval", S3RVER_MAIN],
    { ...process.env, BENCH_S3RVER_DIR: directory, BENCH_BUCKET: BUCKET },
    /s3rver listening on port (\d+)/,
  );
  return { endpoint: `http://127.0.0.1:${match[1]}`, pid: child.pid! };
}

// Lets this script have the portal collect its garbage before a measurement (see settle()); nothing else changes.
const GC_ON_SIGNAL = `process.on("SIGUSR2", () => globalThis.gc?.());`;

async function startPortal(endpoint: string): Promise<{ url: string; pid: number }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "vae-bench-portal-"));
  temporaries.push(dataDir);
  const { child, match } = await startChild(
    "The portal",
    [
      "--expose-gc",
      "--import",
      `data:text/javascript,${encodeURIComponent(GC_ON_SIGNAL)}`,
      "--import",
      "tsx",
      "server/index.ts",
    ],
    {
      ...process.env,
      NODE_ENV: "test",
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      // The embedded PGlite, whatever the developer's environment says.
      DATABASE_URL: "",
      DEMO_ACCOUNTS: "true",
      SESSION_SECRET: "",
      SMTP_URL: "",
      // No background worker waking up in the middle of a measurement.
      WORKER_INTERVAL_SECONDS: "0",
      S3_BUCKET: BUCKET,
      S3_ENDPOINT: endpoint,
      S3_REGION: "us-east-1",
      S3_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      S3_FORCE_PATH_STYLE: "true",
      S3_UNSIGNED_PAYLOAD: UNSIGNED ? "true" : "auto",
      UPLOAD_MAX_BYTES: String(Math.max(SIZE, 50 * MiB)),
    },
    /listening on (http:\/\/127\.0\.0\.1:\d+)/,
  );
  return { url: match[1]!, pid: child.pid! };
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

function stopChildren(): void {
  for (const { child } of children) if (running(child)) child.kill("SIGTERM");
}

function removeTemporaries(): void {
  for (const dir of temporaries.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

// ---------------------------------------------------------------------------------------------------------------
// /proc: resident set and CPU time of a process
// ---------------------------------------------------------------------------------------------------------------

function statusField(pid: number, field: "VmRSS" | "VmHWM"): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** Resets the process's peak resident set (VmHWM) to its current one; false where /proc does not allow it. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

const CLOCK_TICKS = 100; // USER_HZ on Linux
/** User + system CPU seconds the process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * Has the portal collect its garbage (twice: finalizers free more) and waits for it, so that the resident set
 * measured before an upload holds no buffers of the previous one, that the upload would reuse unseen.
 */
async function settle(pid: number): Promise<void> {
  for (let i = 0; i < 2; i++) {
    process.kill(pid, "SIGUSR2");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Samples a process's resident set while `work` runs: its growth over the resident set just before. */
async function watchMemory<T>(
  pid: number,
  work: () => Promise<T>,
): Promise<{ result: T; before: number; peak: number; hwm: boolean }> {
  const before = statusField(pid, "VmRSS");
  const hwm = resetPeak(pid);
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, statusField(pid, "VmRSS"));
  }, RSS_SAMPLE_MS);
  try {
    const result = await work();
    peak = Math.max(peak, statusField(pid, "VmRSS"));
    if (hwm) peak = Math.max(peak, statusField(pid, "VmHWM"));
    return { result, before, peak, hwm };
  } finally {
    clearInterval(timer);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The file and the HTTP client
// ---------------------------------------------------------------------------------------------------------------

/** A PDF header followed by random bytes: what file-type takes for a PDF, and what no compression can shrink. */
function writeSampleFile(file: string, size: number): string {
  const hash = createHash("sha256");
  const fd = openSync(file, "wx", 0o600);
  try {
    const header = Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1");
    let written = 0;
    const write = (chunk: Buffer) => {
      writeSync(fd, chunk);
      hash.update(chunk);
      written += chunk.length;
    };
    write(header.subarray(0, Math.min(header.length, size)));
    while (written < size) write(randomBytes(Math.min(4 * MiB, size - written)));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on a fresh connection (the portal answers a refused upload before reading the whole body). */
function request(
  url: string,
  options: { method?: string; headers?: Record<string, string | number>; body?: Readable | string },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? "GET", headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (options.body instanceof Readable) {
      options.body.on("error", (error) => req.destroy(error));
      options.body.pipe(req);
    } else {
      req.end(options.body);
    }
  });
}

function cookieOf(answer: HttpAnswer): string {
  const cookies = answer.headers["set-cookie"] ?? [];
  if (cookies.length === 0)
    throw new Error(`No session cookie in the answer (status ${answer.status}):\n${answer.body.slice(0, 500)}`);
  return cookies.map((c) => c.split(";")[0]).join("; ");
}

/** Logs in as the demo candidate and starts a candidacy: its id and the session cookie. */
async function candidateSession(portal: string): Promise<{ cookie: string; candidacyId: string }> {
  const login = await request(`${portal}/connexion`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email: CANDIDATE.email, password: CANDIDATE.password, redirectTo: "" }).toString(),
  });
  if (login.status !== 302)
    throw new Error(`Logging in as ${CANDIDATE.email} answered ${login.status}:\n${login.body.slice(0, 500)}`);
  const cookie = cookieOf(login);

  const home = await request(`${portal}/candidat`, { headers: { cookie } });
  const code = /name="certificationCode" value="([^"]+)"/.exec(home.body)?.[1];
  if (home.status !== 200 || !code)
    throw new Error(
      `The candidate's home (${home.status}) offers no certification to start:\n${home.body.slice(0, 500)}`,
    );
  const start = await request(`${portal}/candidat?index`, {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ certificationCode: code.replaceAll("&amp;", "&") }).toString(),
  });
  const candidacyId = /\/candidat\/candidatures\/([^/?#]+)$/.exec(String(start.headers.location ?? ""))?.[1];
  if (start.status !== 302 || !candidacyId)
    throw new Error(`Starting a candidacy answered ${start.status}:\n${start.body.slice(0, 500)}`);
  return { cookie, candidacyId };
}

/** The form of the documents page: kind=other, then the file (the first `bytes` of the sample file). */
function multipartBody(file: string, bytes: number): { body: Readable; contentType: string; length: number } {
  const boundary = `----VaeBenchBoundary${randomBytes(12).toString("hex")}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nother\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="releve-bench.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts() {
    yield head;
    yield* createReadStream(file, { start: 0, end: bytes - 1 });
    yield tail;
  }
  return {
    body: Readable.from(parts(), { objectMode: false }),
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + bytes + tail.length,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The two paths
// ---------------------------------------------------------------------------------------------------------------

interface Ctx {
  portal: { url: string; pid: number };
  s3rverPid: number;
  s3: S3Client;
  file: string;
  sha256: string;
  cookie: string;
  candidacyId: string;
}

interface Measure {
  seconds: number;
  /** CPU seconds during the upload: this process (the client), the portal, s3rver. */
  clientCpu: number;
  portalCpu: number;
  s3rverCpu: number;
  /** Portal path only: resident set growth of the portal during the upload. */
  rss?: { before: number; peak: number; hwm: boolean };
}

async function objectKeys(s3: S3Client, prefix: string): Promise<Set<string>> {
  const keys = new Set<string>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key) keys.add(object.Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

/** Size and SHA-256 of a stored object, then removes it (s3rver keeps every object on disk). */
async function checkAndRemove(ctx: Ctx, key: string, bytes: number, what: string): Promise<void> {
  const head = await ctx.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
  if (head.ContentLength !== bytes)
    throw new Error(`${what}: the stored object has ${head.ContentLength} bytes, not ${bytes}`);
  if (bytes === SIZE) {
    const got = await ctx.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const hash = createHash("sha256");
    for await (const chunk of got.Body as Readable) hash.update(chunk as Buffer);
    const digest = hash.digest("hex");
    if (digest !== ctx.sha256)
      throw new Error(`${what}: the stored object's SHA-256 is ${digest}, not the file's ${ctx.sha256}`);
  }
  await ctx.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
}

async function throughPortal(ctx: Ctx, bytes: number): Promise<Measure> {
  const prefix = `candidacies/${ctx.candidacyId}/files/`;
  const existing = await objectKeys(ctx.s3, prefix);
  const form = multipartBody(ctx.file, bytes);
  await settle(ctx.portal.pid);
  const client0 = process.cpuUsage();
  const cpu0 = [cpuSeconds(ctx.portal.pid), cpuSeconds(ctx.s3rverPid)];
  const started = performance.now();
  const {
    result: answer,
    before,
    peak,
    hwm,
  } = await watchMemory(ctx.portal.pid, () =>
    request(`${ctx.portal.url}/candidat/candidatures/${ctx.candidacyId}/pieces`, {
      method: "POST",
      headers: { cookie: ctx.cookie, "content-type": form.contentType, "content-length": form.length },
      body: form.body,
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu1 = [cpuSeconds(ctx.portal.pid), cpuSeconds(ctx.s3rverPid)];
  const client = process.cpuUsage(client0);
  if (answer.status !== 200 || !answer.body.includes("Le document a été ajouté à votre demande.")) {
    const alert = /role="alert"[^>]*>([^<]*)</.exec(answer.body)?.[1];
    throw new Error(`The portal did not add the document (status ${answer.status}${alert ? `: ${alert}` : ""})`);
  }
  const added = [...(await objectKeys(ctx.s3, prefix))].filter((key) => !existing.has(key));
  if (added.length !== 1) throw new Error(`Expected one new object under ${prefix}, found ${added.length}`);
  await checkAndRemove(ctx, added[0]!, bytes, "Through the portal");
  return {
    seconds,
    clientCpu: (client.user + client.system) / 1e6,
    portalCpu: cpu1[0]! - cpu0[0]!,
    s3rverCpu: cpu1[1]! - cpu0[1]!,
    rss: { before, peak, hwm },
  };
}

async function direct(ctx: Ctx, bytes: number, run: number): Promise<Measure> {
  const key = `bench/direct-${run}`;
  const client0 = process.cpuUsage();
  const cpu0 = [cpuSeconds(ctx.portal.pid), cpuSeconds(ctx.s3rverPid)];
  const started = performance.now();
  await new Upload({
    client: ctx.s3,
    params: {
      Bucket: BUCKET,
      Key: key,
      Body: createReadStream(ctx.file, { start: 0, end: bytes - 1 }),
      ContentType: "application/pdf",
    },
    partSize: PART_SIZE,
    queueSize: QUEUE_SIZE,
    leavePartsOnError: false,
  }).done();
  const seconds = (performance.now() - started) / 1000;
  const cpu1 = [cpuSeconds(ctx.portal.pid), cpuSeconds(ctx.s3rverPid)];
  const client = process.cpuUsage(client0);
  await checkAndRemove(ctx, key, bytes, "Direct upload");
  return {
    seconds,
    clientCpu: (client.user + client.system) / 1e6,
    portalCpu: cpu1[0]! - cpu0[0]!,
    s3rverCpu: cpu1[1]! - cpu0[1]!,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------------

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const f1 = (n: number) => n.toFixed(1);
const mbps = (bytes: number, seconds: number) => bytes / MB / seconds;
const mb = (bytes: number) => `${f1(bytes / MB)} MB`;

let s3: S3Client | undefined;
async function cleanUp(): Promise<void> {
  s3?.destroy();
  stopChildren();
  // Let the children exit before removing their folders.
  await Promise.all(
    children.map(({ child }) => (running(child) ? new Promise((resolve) => child.once("exit", resolve)) : null)),
  );
  removeTemporaries();
}
process.once("SIGINT", () => {
  console.error("\nInterrupted: stopping the portal and s3rver, removing temporary files…");
  cleanUp().finally(() => process.exit(130));
});

let exitCode = 0;
try {
  const build = spawnSync(process.execPath, ["scripts/ensure-build.mjs"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) throw new Error("Building the portal failed (node scripts/ensure-build.mjs)");

  const work = mkdtempSync(path.join(os.tmpdir(), "vae-bench-upload-"));
  temporaries.push(work);
  const file = path.join(work, "releve-bench.pdf");
  let t = performance.now();
  const sha256 = writeSampleFile(file, SIZE);
  console.log(
    `Sample file: ${mb(SIZE)} (PDF header + random bytes), SHA-256 ${sha256.slice(0, 16)}…, written in ${f1((performance.now() - t) / 1000)} s.`,
  );

  t = performance.now();
  const server = await startS3rver();
  const portal = await startPortal(server.endpoint);
  s3 = createS3Client({
    kind: "s3",
    bucket: BUCKET,
    region: "us-east-1",
    endpoint: server.endpoint,
    forcePathStyle: true,
    unsignedPayload: UNSIGNED,
    ...CREDENTIALS,
  });
  const session = await candidateSession(portal.url);
  const ctx: Ctx = { portal, s3rverPid: server.pid, s3, file, sha256, ...session };
  console.log(
    `s3rver (pid ${server.pid}) on ${server.endpoint}, portal (pid ${portal.pid}) on ${portal.url}, candidacy ${session.candidacyId}: ready in ${f1((performance.now() - t) / 1000)} s.`,
  );
  console.log(
    `S3 uploads in parts of ${PART_SIZE / MiB} MiB, ${QUEUE_SIZE} at a time, payloads ${UNSIGNED ? "unsigned (forced)" : "signed"} ` +
      `(both paths); ${os.cpus().length} CPUs, Node ${process.version}.`,
  );

  // Warm-up, not counted: the portal's first upload loads code; the first SDK upload opens connections.
  await settle(portal.pid);
  const rssAtStart = statusField(portal.pid, "VmRSS");
  const warmup = await throughPortal(ctx, WARMUP_BYTES);
  await direct(ctx, WARMUP_BYTES, 0);
  await settle(portal.pid);
  console.log(
    `Portal resident set: ${mb(rssAtStart)} once started and logged in; first upload (warm-up, ${mb(WARMUP_BYTES)}) ` +
      `+${mb(warmup.rss!.peak - warmup.rss!.before)}; ${mb(statusField(portal.pid, "VmRSS"))} after it.`,
  );

  const portalRuns: Measure[] = [];
  const directRuns: Measure[] = [];
  console.log("");
  console.log(`${RUNS} runs of ${mb(SIZE)}, alternating which path goes first:`);
  for (let run = 1; run <= RUNS; run++) {
    const order = run % 2 === 1 ? (["portal", "direct"] as const) : (["direct", "portal"] as const);
    for (const which of order) {
      if (which === "portal") {
        const m = await throughPortal(ctx, SIZE);
        portalRuns.push(m);
        const rss = m.rss!;
        console.log(
          `  run ${run}  portal  ${f1(mbps(SIZE, m.seconds)).padStart(6)} MB/s  ${f1(m.seconds).padStart(5)} s` +
            `  RSS +${mb(rss.peak - rss.before)} (${mb(rss.before)} → peak ${mb(rss.peak)})` +
            `  CPU s: client ${f1(m.clientCpu)}, portal ${f1(m.portalCpu)}, s3rver ${f1(m.s3rverCpu)}`,
        );
      } else {
        const m = await direct(ctx, SIZE, run);
        directRuns.push(m);
        console.log(
          `  run ${run}  direct  ${f1(mbps(SIZE, m.seconds)).padStart(6)} MB/s  ${f1(m.seconds).padStart(5)} s` +
            `  ${" ".repeat(44)}CPU s: client ${f1(m.clientCpu)}, s3rver ${f1(m.s3rverCpu)}`,
        );
      }
    }
  }

  const portalMbps = median(portalRuns.map((m) => mbps(SIZE, m.seconds)));
  const directMbps = median(directRuns.map((m) => mbps(SIZE, m.seconds)));
  const ratio = portalMbps / directMbps;
  const growths = portalRuns.map((m) => m.rss!.peak - m.rss!.before);
  const worstGrowth = Math.max(...growths);
  const hwm = portalRuns.every((m) => m.rss!.hwm);
  console.log("");
  console.log(`Through the portal: ${f1(portalMbps)} MB/s (median of ${RUNS})`);
  console.log(`Direct SDK upload:  ${f1(directMbps)} MB/s (median of ${RUNS})`);
  console.log(`Ratio portal ÷ direct: ${ratio.toFixed(2)}   (goal ≥ 0.8)${ratio >= 0.8 ? "" : " — below the goal"}`);
  console.log(
    `Portal RSS growth during an upload: ${mb(median(growths))} median, ${mb(worstGrowth)} at most   (goal < 64 MB, flat in the file size)` +
      `${worstGrowth < 64 * MB ? "" : " — above the goal"}`,
  );
  console.log(
    `  (peak from ${hwm ? "VmHWM, reset before each upload, and " : ""}VmRSS sampled every ${RSS_SAMPLE_MS} ms; ` +
      `check flatness with --size 100 and --size 400)`,
  );
  console.log("");
  console.log(
    JSON.stringify({
      ratio: Number(ratio.toFixed(3)),
      rss_growth_mb: Number((worstGrowth / MB).toFixed(1)),
      portal_mb_per_s: Number(portalMbps.toFixed(1)),
      direct_mb_per_s: Number(directMbps.toFixed(1)),
      payload: UNSIGNED ? "unsigned" : "signed",
    }),
  );
} catch (error) {
  console.error(`\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  // A child that stopped by itself says why in its output.
  for (const { label, child, output } of children) {
    if (!running(child))
      console.error(
        `\n${label} exited (${child.signalCode ?? child.exitCode}); its last output:\n${output().slice(-3000)}`,
      );
  }
  exitCode = 1;
} finally {
  await cleanUp();
}
process.exit(exitCode);
