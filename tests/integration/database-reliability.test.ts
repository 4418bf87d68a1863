// The portal never waits forever on its database: the first writes after a start (cold referential cache) complete,
// a transaction that asks the pool for a second connection fails loudly, queries give up after the acquire timeout,
// /healthz answers 503 in bounded time when every connection is held, and on a server a connection the database
// ends (restart, failover) is logged and replaced instead of ending the process.
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loader as healthz } from "../../app/routes/healthz";
import { createCandidacy, sendCandidacyEvent } from "../../app/services/candidacies.server";
import { type ObjectStorage, createStorage } from "../../app/services/storage";
import { installDatabaseHandle } from "../../app/utils/db.server";
import { type DatabaseHandle, type DatabaseOptions, openDatabase } from "../../db/connection";
import { NestedConnectionError } from "../../db/connection-guard";
import type { Database, Role } from "../../db/schema";
import type { CandidacyEvent } from "../../workflows/candidacy-machine";
import { multipartRequest, pdfBytes } from "./support/candidate-files";
import { CQP_CODE, attachRequestDocuments, createUser, seedCertifications } from "./support/fixtures";
import { type TestDatabase, createTestDatabase, serverUrl } from "./support/test-database";

const engine = serverUrl ? "PostgreSQL server" : "PGlite";

let testDb: TestDatabase;
let db: Kysely<Database>;
let folder: string;
let storage: ObjectStorage;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.handle.db;
  await seedCertifications(db);
  folder = mkdtempSync(path.join(tmpdir(), "vae-db-reliability-"));
  storage = createStorage({ kind: "local", root: folder });
});
afterAll(async () => {
  await testDb?.drop();
  await rm(folder, { recursive: true, force: true });
});

/** Fails with a clear message when `work` takes longer than `ms`, instead of hanging the test run. */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not complete within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Opens a transaction on `on` and keeps it (and its connection) until release() is called. */
async function holdConnection(on: Kysely<Database>) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const holding = new Promise<void>((resolve) => (started = resolve));
  const done = on.transaction().execute(async (trx) => {
    await sql`select 1`.execute(trx);
    started();
    await released;
  });
  await holding;
  return {
    async release() {
      release();
      await done;
    },
  };
}

/** A second handle with its own settings: on the test database on a server, on an empty PGlite instance otherwise. */
async function handleWith(options: DatabaseOptions & { maxConnections?: number }): Promise<DatabaseHandle> {
  if (!testDb.url) return openDatabase({ kind: "embedded" }, options);
  return openDatabase({ kind: "server", url: testDb.url, maxConnections: options.maxConnections }, options);
}

/** The dossier service as a freshly started process has it: its referential cache is empty. */
async function freshDossierService() {
  vi.resetModules();
  return import("../../app/services/dossiers.server");
}

const actor = (userId: string, role: Role) => ({ type: "user" as const, userId, role });
const narrative = (code: string) => ({
  context: `Contexte ${code}`,
  actions: `J'ai agi (${code})`,
  results: `Résultat ${code}`,
});

/** A candidacy whose candidate is writing the dossier. */
async function candidacyInDossier() {
  const candidateId = await createUser(db, "candidate");
  const officerId = await createUser(db, "admissibility_officer");
  const created = await createCandidacy(db, candidateId, CQP_CODE);
  if (!created.ok) throw new Error(created.message);
  const id = created.candidacyId;
  await attachRequestDocuments(db, id);
  const events: CandidacyEvent[] = [
    { type: "SUBMIT_REQUEST", sworn: true, actor: actor(candidateId, "candidate"), at: "2026-03-02T09:00:00.000Z" },
    { type: "OPEN_REVIEW", actor: actor(officerId, "admissibility_officer"), at: "2026-03-03T09:00:00.000Z" },
    { type: "DECLARE_ADMISSIBLE", actor: actor(officerId, "admissibility_officer"), at: "2026-03-04T09:00:00.000Z" },
    { type: "START_DOSSIER", actor: actor(candidateId, "candidate"), at: "2026-03-05T09:00:00.000Z" },
  ];
  for (const event of events) {
    const outcome = await sendCandidacyEvent(db, id, event);
    if (!outcome.ok) throw new Error(`${event.type} refused: ${outcome.message}`);
  }
  return { candidate: { id: candidateId }, candidacyId: id };
}

/** The competency codes of the shipped CQP, read without going through the dossier service's cache. */
async function competencyCodes(): Promise<string[]> {
  const rows = await db.selectFrom("competencies").select("code").orderBy("code").execute();
  return [...new Set(rows.map((r) => r.code))];
}

describe(`the first writes after a start (${engine})`, () => {
  it("saves a narrative, adds and updates a piece, and submits the dossier, each with a cold referential cache", async () => {
    const { candidate, candidacyId } = await candidacyInDossier();
    const codes = await competencyCodes();
    expect(codes).toContain("C1.1");

    let service = await freshDossierService();
    const saved = service.saveNarrative(db, candidate, candidacyId, "C1.1", narrative("C1.1"));
    expect(await within(5000, "the first narrative save", saved)).toEqual({ ok: true });

    service = await freshDossierService();
    const links = { caption: "Attestation de mon responsable", competencyCodes: "C1.1" };
    const upload = multipartRequest(links, { name: "attestation.pdf", bytes: pdfBytes() });
    const added = await within(
      5000,
      "the first evidence upload",
      service.addEvidence(db, storage, candidate, candidacyId, upload, { maxFileBytes: 1024 * 1024 }),
    );
    if (!added.ok) throw new Error(JSON.stringify(added));

    service = await freshDossierService();
    const updated = await within(
      5000,
      "the first evidence update",
      service.updateEvidence(db, candidate, candidacyId, added.documentId, {
        caption: "Attestation signée",
        competencyCodes: ["C1.1"],
        criterionIds: [],
      }),
    );
    expect(updated).toEqual({ ok: true });

    for (const code of codes) await service.saveNarrative(db, candidate, candidacyId, code, narrative(code));
    service = await freshDossierService();
    const submitted = await within(
      5000,
      "the first submission",
      service.submitDossier(db, candidate, candidacyId, { confirmWithoutEvidence: true }),
    );
    expect(submitted).toEqual({ ok: true, version: 1 });
  });

  it("completes 40 parallel narrative saves right after a start", async () => {
    const candidacies = await Promise.all(Array.from({ length: 4 }, () => candidacyInDossier()));
    const codes = (await competencyCodes()).slice(0, 10);
    const service = await freshDossierService();
    const saves = candidacies.flatMap(({ candidate, candidacyId }) =>
      codes.map((code) => service.saveNarrative(db, candidate, candidacyId, code, narrative(code))),
    );
    expect(saves).toHaveLength(40);
    const outcomes = await within(20_000, "40 parallel saves", Promise.all(saves));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const { count } = await db
      .selectFrom("dossier_narratives")
      .select((eb) => eb.fn.countAll<string>().as("count"))
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBeGreaterThanOrEqual(40);
  });
});

describe(`the nested-connection guard (${engine})`, () => {
  it("fails a query that takes a second connection inside a transaction, at once, and the pool stays usable", async () => {
    const nested = db.transaction().execute(async () => {
      await db.selectFrom("users").select("id").execute();
    });
    await expect(within(2000, "the nested query", nested)).rejects.toBeInstanceOf(NestedConnectionError);

    // A transaction opened inside another one and a connection() block inside a transaction are the same mistake.
    const nestedTransaction = db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      await db.transaction().execute((inner) => sql`select 1`.execute(inner));
    });
    await expect(within(2000, "the nested transaction", nestedTransaction)).rejects.toBeInstanceOf(
      NestedConnectionError,
    );
    const nestedBlock = db.connection().execute(async (connection) => {
      await sql`select 1`.execute(connection);
      await db.selectFrom("users").select("id").execute();
    });
    await expect(within(2000, "the query inside connection()", nestedBlock)).rejects.toBeInstanceOf(
      NestedConnectionError,
    );

    expect(await sql<{ one: number }>`select 1 as one`.execute(db)).toMatchObject({ rows: [{ one: 1 }] });
  });

  it("lets one call run transactions side by side, and use db once its transaction has ended", async () => {
    const both = await within(
      5000,
      "two transactions side by side",
      Promise.all([
        db.transaction().execute((trx) => sql<{ n: number }>`select 1 as n`.execute(trx)),
        db.transaction().execute((trx) => sql<{ n: number }>`select 2 as n`.execute(trx)),
      ]),
    );
    expect(both.map((r) => r.rows[0]!.n)).toEqual([1, 2]);

    let afterCommit: Promise<unknown> | undefined;
    await db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      // Work started inside a transaction but run after it (an effect after commit) may use the pool.
      afterCommit = new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
        db.selectFrom("users").select("id").execute(),
      );
    });
    await expect(within(5000, "the query after commit", afterCommit!)).resolves.toEqual(expect.any(Array));
  });
});

// One pool of a single connection with a short acquire timeout and the production policy, on the test database when
// it is on a server (opening another PGlite instance is slow).
describe(`a pool of one connection (${engine})`, () => {
  let spare: DatabaseHandle;
  beforeAll(async () => {
    spare = await handleWith({ maxConnections: 1, acquireTimeoutMs: 1000, nestedConnection: "log" });
  });
  afterAll(async () => {
    await spare?.close();
  });

  it("fails a query that waits for a connection longer than the acquire timeout, instead of waiting forever", async () => {
    const held = await holdConnection(spare.db);
    try {
      const started = Date.now();
      await expect(within(5000, "the waiting query", sql`select 1`.execute(spare.db))).rejects.toThrow(/timeout/);
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      await held.release();
    }
    await expect(sql`select 1`.execute(spare.db)).resolves.toBeDefined();
  });

  it("in production only reports a nested connection: the query goes on, and the acquire timeout ends its wait", async () => {
    const outcome = spare.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      return sql`select 2`.execute(spare.db);
    });
    const error = await within(5000, "the reported query", outcome).then(
      () => null,
      (e: Error) => e,
    );
    expect(error).not.toBeInstanceOf(NestedConnectionError);
    expect(error?.message).toMatch(/timeout exceeded when trying to connect/);
  });

  it("/healthz answers 503 within 3 s while the connection is held, and 200 once it is free", async () => {
    installDatabaseHandle(spare);
    expect((await healthz()).status).toBe(200);
    const held = await holdConnection(spare.db);
    try {
      const started = Date.now();
      const response = await within(6000, "/healthz", healthz());
      expect(response.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(await response.json()).toEqual({ status: "error", database: "unreachable" });
    } finally {
      await held.release();
    }
    expect((await healthz()).status).toBe(200);
  });
});

describe.skipIf(!serverUrl)("server timeouts (PostgreSQL server)", () => {
  it("sets the statement and idle-in-transaction timeouts on every connection", async () => {
    const { rows } = await sql<{ statement: string; idle: string; application: string }>`
      select current_setting('statement_timeout') as statement,
             current_setting('idle_in_transaction_session_timeout') as idle,
             current_setting('application_name') as application`.execute(db);
    expect(rows[0]).toEqual({ statement: "30s", idle: "1min", application: "vae-portal" });

    const handle = await handleWith({ statementTimeoutMs: 300, idleInTransactionTimeoutMs: 300, maxConnections: 2 });
    try {
      await expect(sql`select pg_sleep(2)`.execute(handle.db)).rejects.toThrow(/statement timeout/);
      // A transaction left idle is ended by the server: its next statement fails, and the pool carries on.
      const forgotten = handle.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        await new Promise((resolve) => setTimeout(resolve, 1200));
        await sql`select 1`.execute(trx);
      });
      await expect(forgotten).rejects.toThrow();
      expect((await sql<{ one: number }>`select 1 as one`.execute(handle.db)).rows).toEqual([{ one: 1 }]);
    } finally {
      await handle.close();
    }
  });
});

describe.skipIf(!serverUrl)("a connection the server ends (PostgreSQL server)", () => {
  it("is logged and dropped, whether idle or in use, and the next queries open new ones", async () => {
    const handle = await handleWith({ maxConnections: 5 });
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      // Five connections: four idle in the pool, one in use by a transaction that is between two statements.
      await Promise.all(Array.from({ length: 5 }, () => sql`select pg_sleep(0.05)`.execute(handle.db)));
      let resume!: () => void;
      const paused = new Promise<void>((resolve) => (resume = resolve));
      let inTransaction!: () => void;
      const opened = new Promise<void>((resolve) => (inTransaction = resolve));
      const interrupted = handle.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        inTransaction();
        await paused;
        await sql`select 1`.execute(trx);
      });
      await opened;

      const database = new URL(testDb.url!).pathname.slice(1);
      const { rows } = await admin.query(
        "select pg_terminate_backend(pid) as ended from pg_stat_activity where datname = $1 and application_name = 'vae-portal'",
        [database],
      );
      expect(rows.length).toBeGreaterThanOrEqual(5);
      // Let the terminations reach the portal's sockets.
      await new Promise((resolve) => setTimeout(resolve, 300));
      resume();
      await expect(interrupted).rejects.toThrow();

      const again = await Promise.all(
        Array.from({ length: 5 }, (_, i) => sql<{ n: number }>`select ${i}::int as n`.execute(handle.db)),
      );
      expect(again.map((r) => r.rows[0]!.n)).toEqual([0, 1, 2, 3, 4]);
    } finally {
      await admin.end();
      await handle.close();
    }
  });
});
