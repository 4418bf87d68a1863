// The event write path (docs/decisions/009-event-write-path.md) against a real database: an event is written in
// one statement whose every row hangs on the snapshot update's version check, so a conflict writes nothing; the
// optimistic service re-checks a conflicting event on the new state (refused in French, or applied after the
// winner), falls back to the row lock after repeated conflicts, and never loses an update or leaves a gap in the
// row versions. The same statement runs inside a caller's transaction and is rolled back with it.
import {
  Kysely,
  type KyselyPlugin,
  PostgresDialect,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  sql,
} from "kysely";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type CandidacyOutcome,
  applyCandidacyEvent,
  createCandidacy,
  sendCandidacyEvent,
} from "../../app/services/candidacies.server";
import {
  CANDIDACY_BY_ID,
  type CandidacyEventWrite,
  findCandidacy,
  listCandidacyEvents,
  lockCandidacy,
  writeCandidacyEvent,
} from "../../db/queries/candidacies";
import { openDatabase } from "../../db/connection";
import type { Database } from "../../db/schema";
import type { CandidacyEvent, EventActor, Role } from "../../workflows/candidacy-machine";
import { CQP_CODE, attachRequestDocuments, createUser, seedCertifications } from "./support/fixtures";
import { type TestDatabase, createTestDatabase, serverUrl, truncateAll } from "./support/test-database";

let testDb: TestDatabase;
let db: Kysely<Database>;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.handle.db;
});
afterAll(async () => {
  await testDb?.drop();
});

let candidateId: string;
let officerId: string;
let staffId: string;
let evaluatorA: string;
let evaluatorB: string;
beforeEach(async () => {
  await truncateAll(testDb.handle);
  await seedCertifications(db);
  candidateId = await createUser(db, "candidate", "Camille Candidate");
  officerId = await createUser(db, "admissibility_officer");
  staffId = await createUser(db, "certifier_staff");
  evaluatorA = await createUser(db, "evaluator");
  evaluatorB = await createUser(db, "evaluator");
});

const as = (userId: string, role: Role): EventActor => ({ type: "user", userId, role });
const candidate = () => as(candidateId, "candidate");
const officer = () => as(officerId, "admissibility_officer");

function ok(outcome: CandidacyOutcome) {
  if (!outcome.ok) throw new Error(`refused: ${outcome.code} ${outcome.message}`);
  return outcome;
}

async function row(id: string) {
  return db.selectFrom("candidacies").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

/** Every row an event can write, for "nothing changed" comparisons. */
async function everything(id: string) {
  const [candidacy, journal, outbox, timers, blocs] = await Promise.all([
    row(id),
    db.selectFrom("candidacy_events").selectAll().where("candidacy_id", "=", id).orderBy("id").execute(),
    db.selectFrom("outbox").selectAll().where("candidacy_id", "=", id).orderBy("id").execute(),
    db.selectFrom("timers").selectAll().where("candidacy_id", "=", id).orderBy("id").execute(),
    db.selectFrom("acquired_blocs").selectAll().where("candidate_id", "=", candidateId).orderBy("bloc_code").execute(),
  ]);
  return { candidacy, journal, outbox, timers, blocs };
}

async function inReview() {
  const created = ok(await createCandidacy(db, candidateId, CQP_CODE));
  await attachRequestDocuments(db, created.candidacyId);
  ok(
    await sendCandidacyEvent(db, created.candidacyId, {
      type: "SUBMIT_REQUEST",
      sworn: true,
      actor: candidate(),
      at: "2026-03-02T09:00:00.000Z",
    }),
  );
  ok(
    await sendCandidacyEvent(db, created.candidacyId, {
      type: "OPEN_REVIEW",
      actor: officer(),
      at: "2026-03-05T09:00:00.000Z",
    }),
  );
  return created.candidacyId;
}

async function scoring() {
  const id = await inReview();
  const staff = as(staffId, "certifier_staff");
  for (const event of [
    { type: "DECLARE_ADMISSIBLE", validityEndsOn: "2027-03-05", actor: officer(), at: "2026-03-06T09:00:00.000Z" },
    { type: "START_DOSSIER", actor: candidate(), at: "2026-04-01T09:00:00.000Z" },
    { type: "SUBMIT_DOSSIER", version: 1, actor: candidate(), at: "2026-05-10T09:00:00.000Z" },
    {
      type: "ASSIGN_PAIR",
      evaluatorAId: evaluatorA,
      evaluatorBId: evaluatorB,
      presidentId: evaluatorA,
      actor: staff,
      at: "2026-05-12T09:00:00.000Z",
    },
  ] satisfies CandidacyEvent[]) {
    ok(await sendCandidacyEvent(db, id, event));
  }
  return id;
}

/** The journal holds one row per accepted event, numbered 0, 1, 2… like the candidacy's row versions. */
async function expectGaplessJournal(id: string) {
  const journal = await listCandidacyEvents(db, id);
  expect(journal.map((e) => e.rowVersion)).toEqual([...journal.keys()]);
  expect((await row(id)).row_version).toBe(journal.length - 1);
  return journal;
}

/**
 * A Kysely instance whose first `reads` plain reads of a candidacy (no FOR UPDATE) return `stale` instead: what
 * the service sees when another event is accepted between its read and its write. Locked reads are left alone.
 */
function withStaleReads(
  stale: Awaited<ReturnType<typeof row>>,
  reads: number,
): { db: Kysely<Database>; served: () => number } {
  const plainReads = new WeakSet<object>();
  let served = 0;
  const plugin: KyselyPlugin = {
    transformQuery({ node, queryId }): RootOperationNode {
      if (
        node.kind === "SelectQueryNode" &&
        !node.endModifiers?.length &&
        JSON.stringify(node.from).includes('"candidacies"')
      ) {
        plainReads.add(queryId);
      }
      return node;
    },
    async transformResult({ result, queryId }): Promise<QueryResult<UnknownRow>> {
      if (!plainReads.has(queryId) || served >= reads) return result;
      served++;
      return { ...result, rows: [stale as unknown as UnknownRow] };
    },
  };
  return { db: db.withPlugin(plugin), served: () => served };
}

describe(`candidacy event write path (${serverUrl ? "PostgreSQL server" : "PGlite"})`, () => {
  it("writes nothing at all when the row is no longer at the version the event was computed from", async () => {
    const id = await inReview();
    const before = await everything(id);
    expect(before.timers.filter((t) => t.cancelled_at === null)).toHaveLength(3);
    const at = new Date("2026-03-06T09:00:00.000Z");
    const write: CandidacyEventWrite = {
      candidacyId: id,
      fromRowVersion: before.candidacy.row_version - 1,
      snapshot: JSON.stringify({ value: "admissible", context: {} }),
      state: "admissible",
      machineVersion: 1,
      updatedAt: at,
      request: { at: at.toISOString(), year: 2026 },
      targetBlocCodes: ["B3"],
      journal: {
        eventType: "DECLARE_ADMISSIBLE",
        actorUserId: officerId,
        actorRole: "admissibility_officer",
        payload: {},
        fromState: "admissibility.review",
        toState: "admissible",
        occurredAt: at.toISOString(),
      },
      effectsAt: at,
      cancelledTimers: ["ADMISSIBILITY_SILENCE", "ADMISSIBILITY_REMINDER"],
      timers: [{ kind: "VALIDITY_EXPIRY", dueAt: "2027-03-06T00:00:00.000Z" }],
      messages: [
        { topic: "email", payload: { email: "admissible", recipientId: candidateId, facts: {} } },
        {
          topic: "email",
          payload: { email: "admissibility_deadline_reminder", facts: {} },
          recipientRole: "admissibility_officer",
        },
      ],
      priorBlocCodes: ["B1", "B2"],
      acquireAwardedBlocs: true,
    };
    expect(await writeCandidacyEvent(db, write)).toBe(false);
    expect(await everything(id)).toEqual(before);
    expect(await writeCandidacyEvent(db, { ...write, candidacyId: "00000000-0000-0000-0000-000000000000" })).toBe(
      false,
    );
    expect(await everything(id)).toEqual(before);

    // The same write at the current version goes through whole.
    expect(await writeCandidacyEvent(db, { ...write, fromRowVersion: before.candidacy.row_version })).toBe(true);
    const after = await everything(id);
    expect(after.candidacy).toMatchObject({
      state: "admissible",
      row_version: before.candidacy.row_version + 1,
      target_bloc_codes: ["B3"],
    });
    expect(after.journal).toHaveLength(before.journal.length + 1);
    expect(after.timers.filter((t) => t.cancelled_at === null).map((t) => t.kind)).toEqual(["VALIDITY_EXPIRY"]);
    expect(after.outbox.map((m) => m.payload.email)).toEqual([
      ...before.outbox.map((m) => m.payload.email),
      "admissible",
      "admissibility_deadline_reminder",
    ]);
    expect(after.blocs.map((b) => [b.bloc_code, b.source])).toEqual([
      ["B1", "prior_certificate"],
      ["B2", "prior_certificate"],
    ]);
  });

  it("addresses a message to a role in the event's statement: one row per active holder, none when nobody holds it", async () => {
    const id = await inReview();
    const secondOfficer = await createUser(db, "admissibility_officer");
    const inactiveOfficer = await createUser(db, "admissibility_officer");
    await db.updateTable("users").set({ is_active: false }).where("id", "=", inactiveOfficer).execute();
    await db.deleteFrom("user_roles").where("role", "=", "certifier_staff").execute();
    const current = await row(id);
    const at = new Date("2026-03-06T09:00:00.000Z");
    const written = await writeCandidacyEvent(db, {
      candidacyId: id,
      fromRowVersion: current.row_version,
      snapshot: JSON.stringify(current.snapshot),
      state: current.state,
      machineVersion: current.machine_version,
      updatedAt: at,
      journal: {
        eventType: "TEST",
        actorUserId: null,
        actorRole: "system",
        payload: {},
        fromState: current.state,
        toState: current.state,
        occurredAt: at.toISOString(),
      },
      effectsAt: at,
      cancelledTimers: [],
      timers: [],
      messages: [
        { topic: "email", payload: { email: "request_received", recipientId: candidateId, facts: {} } },
        {
          topic: "email",
          payload: { email: "admissibility_deadline_reminder", facts: { daysLeft: 5 } },
          recipientRole: "admissibility_officer",
        },
        { topic: "email", payload: { email: "evaluation_overdue", facts: {} }, recipientRole: "certifier_staff" },
      ],
    });
    expect(written).toBe(true);
    const rows = await db
      .selectFrom("outbox")
      .select(["payload", "created_at"])
      .where("candidacy_id", "=", id)
      .orderBy("id")
      .execute();
    const latest = rows.filter((r) => r.created_at.getTime() === at.getTime()).map((r) => r.payload);
    expect(latest[0]).toEqual({ email: "request_received", recipientId: candidateId, facts: {} });
    expect(
      latest
        .slice(1)
        .map((p) => p.recipientId)
        .sort(),
    ).toEqual([officerId, secondOfficer].sort());
    expect(
      latest
        .slice(1)
        .every(
          (p) => p.email === "admissibility_deadline_reminder" && (p.facts as { daysLeft: number }).daysLeft === 5,
        ),
    ).toBe(true);
  });

  it("re-checks an event computed from a stale read: the loser gets the statechart's French refusal and writes nothing", async () => {
    const id = await inReview();
    const stale = await row(id);
    ok(
      await sendCandidacyEvent(db, id, {
        type: "DECLARE_INADMISSIBLE",
        reason: "Expérience sans lien avec le CQP.",
        actor: officer(),
        at: "2026-03-06T09:00:00.000Z",
      }),
    );
    const afterWinner = await everything(id);

    const racing = withStaleReads(stale, 1);
    const loser = await sendCandidacyEvent(racing.db, id, {
      type: "DECLARE_ADMISSIBLE",
      validityEndsOn: "2027-03-05",
      actor: officer(),
      at: "2026-03-06T09:00:01.000Z",
    });
    expect(racing.served()).toBe(1);
    expect(loser).toMatchObject({ ok: false, code: "wrong_state" });
    expect(!loser.ok && loser.message).toMatch(/n'est pas possible/);
    expect(await everything(id)).toEqual(afterWinner);
    const journal = await expectGaplessJournal(id);
    expect(journal.at(-1)).toMatchObject({ eventType: "DECLARE_INADMISSIBLE", toState: "inadmissible" });
  });

  it("re-checks an event computed from a stale read: one still allowed goes through after the winner, once", async () => {
    const id = await scoring();
    const stale = await row(id);
    ok(
      await sendCandidacyEvent(db, id, {
        type: "START_SCORING",
        noLink: true,
        actor: as(evaluatorA, "evaluator"),
        at: "2026-05-20T09:00:00.000Z",
      }),
    );

    const racing = withStaleReads(stale, 1);
    const second = ok(
      await sendCandidacyEvent(racing.db, id, {
        type: "START_SCORING",
        noLink: true,
        actor: as(evaluatorB, "evaluator"),
        at: "2026-05-20T09:00:01.000Z",
      }),
    );
    expect(racing.served()).toBe(1);
    expect(second.rowVersion).toBe(stale.row_version + 2);
    const journal = await expectGaplessJournal(id);
    expect(journal.slice(-2).map((e) => e.actorUserId)).toEqual([evaluatorA, evaluatorB]);
  });

  it("takes the row lock after repeated conflicts, and applies the event once", async () => {
    const id = await scoring();
    const stale = await row(id);
    ok(
      await sendCandidacyEvent(db, id, {
        type: "START_SCORING",
        noLink: true,
        actor: as(evaluatorA, "evaluator"),
        at: "2026-05-20T09:00:00.000Z",
      }),
    );

    const racing = withStaleReads(stale, Number.POSITIVE_INFINITY);
    const second = ok(
      await sendCandidacyEvent(racing.db, id, {
        type: "START_SCORING",
        noLink: true,
        actor: as(evaluatorB, "evaluator"),
        at: "2026-05-20T09:00:01.000Z",
      }),
    );
    expect(racing.served()).toBeGreaterThan(1);
    expect(second.rowVersion).toBe(stale.row_version + 2);
    await expectGaplessJournal(id);
  });

  it("races different events on many candidacies: one journal row per accepted event, no gap, refusals change nothing", async () => {
    const candidacies = [];
    for (let i = 0; i < 4; i++) {
      const who = i === 0 ? candidateId : await createUser(db, "candidate");
      const created = ok(await createCandidacy(db, who, CQP_CODE));
      await attachRequestDocuments(db, created.candidacyId);
      ok(
        await sendCandidacyEvent(db, created.candidacyId, {
          type: "SUBMIT_REQUEST",
          sworn: true,
          actor: as(who, "candidate"),
          at: "2026-03-02T09:00:00.000Z",
        }),
      );
      ok(
        await sendCandidacyEvent(db, created.candidacyId, {
          type: "OPEN_REVIEW",
          actor: officer(),
          at: "2026-03-05T09:00:00.000Z",
        }),
      );
      candidacies.push({ id: created.candidacyId });
    }
    // Per candidacy: the officer's three exclusive outcomes of a review, all at once. Exactly one of them can win.
    const outcomes = await Promise.all(
      candidacies.flatMap(({ id }) => [
        sendCandidacyEvent(db, id, {
          type: "DECLARE_ADMISSIBLE",
          validityEndsOn: "2027-03-05",
          actor: officer(),
          at: "2026-03-06T09:00:00.000Z",
        }),
        sendCandidacyEvent(db, id, {
          type: "DECLARE_INADMISSIBLE",
          reason: "Hors champ du CQP.",
          actor: officer(),
          at: "2026-03-06T09:00:00.000Z",
        }),
        sendCandidacyEvent(db, id, {
          type: "MARK_INCOMPLETE",
          reason: "Attestation manquante.",
          actor: officer(),
          at: "2026-03-06T09:00:00.000Z",
        }),
      ]),
    );
    for (const [n, { id }] of candidacies.entries()) {
      const mine = outcomes.slice(3 * n, 3 * n + 3);
      const accepted = mine.filter((o) => o.ok);
      expect(accepted).toHaveLength(1);
      expect(mine.filter((o) => !o.ok).every((o) => !o.ok && o.code === "wrong_state")).toBe(true);
      const journal = await expectGaplessJournal(id);
      expect(journal).toHaveLength(4);
      const state = (await row(id)).state;
      expect(journal.at(-1)!.toState).toBe(state);
      // Only the winner's effects: its own e-mail, and timers as its state wants them.
      const mails = await db
        .selectFrom("outbox")
        .select("payload")
        .where("candidacy_id", "=", id)
        .where("topic", "=", "email")
        .orderBy("id")
        .execute();
      const decisionMails = mails.map((m) => m.payload.email).filter((e) => e !== "request_received");
      const expectedMail = {
        admissible: "admissible",
        inadmissible: "inadmissible",
        "admissibility.incomplete": "request_incomplete",
      }[state as string];
      expect(decisionMails).toEqual([expectedMail]);
      const pending = await db
        .selectFrom("timers")
        .select("kind")
        .where("candidacy_id", "=", id)
        .where("cancelled_at", "is", null)
        .orderBy("due_at")
        .execute();
      expect(pending.map((t) => t.kind)).toEqual(
        state === "admissible" ? ["VALIDITY_REMINDER", "VALIDITY_REMINDER", "VALIDITY_EXPIRY"] : [],
      );
    }
  });

  it("races two evaluators starting at once, many times: both accepted, in some order, versions without gaps", async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) {
      if (i > 0) {
        // One candidacy in progress per certification and candidate: the others belong to other candidates.
        candidateId = await createUser(db, "candidate");
      }
      ids.push(await scoring());
    }
    const outcomes = await Promise.all(
      ids.flatMap((id) => [
        sendCandidacyEvent(db, id, {
          type: "START_SCORING",
          noLink: true,
          actor: as(evaluatorA, "evaluator"),
          at: "2026-05-20T09:00:00.000Z",
        }),
        sendCandidacyEvent(db, id, {
          type: "START_SCORING",
          noLink: true,
          actor: as(evaluatorB, "evaluator"),
          at: "2026-05-20T09:00:00.000Z",
        }),
      ]),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    for (const id of ids) {
      const journal = await expectGaplessJournal(id);
      expect(
        journal
          .slice(-2)
          .map((e) => e.actorUserId)
          .sort(),
      ).toEqual([evaluatorA, evaluatorB].sort());
    }
  });

  // The real thing rather than a stale read played back: the service reads the row while another transaction holds
  // it with an uncommitted event, then its write waits for that transaction and finds the version changed. Needs a
  // second connection, so the server only (PGlite has one).
  for (const isolation of ["read committed", "repeatable read"]) {
    it.skipIf(!serverUrl)(
      `writes nothing when the version changed while it waited for the row lock, then re-checks (${isolation})`,
      async () => {
        const id = await inReview();
        const pool = new pg.Pool({
          connectionString: testDb.url,
          max: 2,
          options: `-c default_transaction_isolation=${isolation.replace(" ", "\\ ")}`,
        });
        const isolated = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
        try {
          const { rows } = await sql<{
            level: string;
          }>`select current_setting('transaction_isolation') as level`.execute(isolated);
          expect(rows[0]!.level).toBe(isolation);
          let loser: Promise<CandidacyOutcome> | undefined;
          await db.transaction().execute(async (trx) => {
            ok(
              await applyCandidacyEvent(trx, id, {
                type: "DECLARE_INADMISSIBLE",
                reason: "Hors champ du CQP.",
                actor: officer(),
                at: "2026-03-06T09:00:00.000Z",
              }),
            );
            loser = sendCandidacyEvent(isolated, id, {
              type: "DECLARE_ADMISSIBLE",
              validityEndsOn: "2027-03-05",
              actor: officer(),
              at: "2026-03-06T09:00:01.000Z",
            });
            // Commit only once the service's write waits for this transaction's row lock. Watched from the other
            // pool: a query on db inside db's own transaction is refused (docs/decisions/011).
            for (let i = 0; ; i++) {
              const waiting = await sql<{ n: number }>`
              select count(*)::int as n from pg_stat_activity
              where datname = current_database() and wait_event_type = 'Lock' and query like '%with k as%'`.execute(
                isolated,
              );
              if (waiting.rows[0]!.n > 0) break;
              if (i > 500) throw new Error("the service's write never waited for the row lock");
              await new Promise((resolve) => setTimeout(resolve, 10));
            }
          });
          const outcome = await loser!;
          expect(outcome).toMatchObject({ ok: false, code: "wrong_state" });
          const journal = await expectGaplessJournal(id);
          expect(journal.filter((e) => e.eventType.startsWith("DECLARE_"))).toHaveLength(1);
          const mails = await db
            .selectFrom("outbox")
            .select("payload")
            .where("candidacy_id", "=", id)
            .where("topic", "=", "email")
            .execute();
          expect(mails.map((m) => m.payload.email)).toEqual(["request_received", "inadmissible"]);
          const pending = await db
            .selectFrom("timers")
            .select("kind")
            .where("candidacy_id", "=", id)
            .where("cancelled_at", "is", null)
            .execute();
          expect(pending).toEqual([]);
        } finally {
          await isolated.destroy();
        }
      },
    );
  }

  // docs/decisions/033: the event's write goes as a named statement on a server, unless told otherwise.
  for (const preparedStatements of [true, false]) {
    it.skipIf(!serverUrl)(
      `sends the event's write ${preparedStatements ? "as a named statement" : "unnamed when told to"}`,
      async () => {
        const id = await inReview();
        // One connection: the statement's name, if any, is prepared on the connection the next query reads from.
        const single = await openDatabase({ kind: "server", url: testDb.url!, maxConnections: 1, preparedStatements });
        try {
          ok(
            await sendCandidacyEvent(single.db, id, {
              type: "DECLARE_INADMISSIBLE",
              reason: "Hors champ du CQP.",
              actor: officer(),
              at: "2026-03-06T09:00:00.000Z",
            }),
          );
          expect((await row(id)).state).toBe("inadmissible");
          const { rows } = await sql<{
            name: string;
            statement: string;
          }>`select name, statement from pg_prepared_statements`.execute(single.db);
          if (preparedStatements) {
            expect(rows).toHaveLength(1);
            expect(rows[0]!.name).toMatch(/^vae_[0-9a-f]{24}$/);
            expect(rows[0]!.statement).toMatch(/^\/\* prepared \*\/ with k as \(/);
          } else {
            expect(rows).toEqual([]);
          }
        } finally {
          await single.close();
        }
      },
    );
  }

  it("writes an event inside the caller's transaction, rolled back with it", async () => {
    const id = await inReview();
    const before = await everything(id);
    await expect(
      db.transaction().execute(async (trx) => {
        const outcome = await applyCandidacyEvent(trx, id, {
          type: "DECLARE_ADMISSIBLE",
          validityEndsOn: "2027-03-05",
          actor: officer(),
          at: "2026-03-06T09:00:00.000Z",
        });
        expect(outcome).toMatchObject({ ok: true, state: "admissible" });
        throw new Error("the caller's next step failed");
      }),
    ).rejects.toThrow(/next step failed/);
    expect(await everything(id)).toEqual(before);
  });

  it("reads a candidacy with the query compiled once: Kysely's own text, the same row, plugins still applied", async () => {
    const id = await inReview();
    const built = db.selectFrom("candidacies").selectAll().where("id", "=", id);
    expect(CANDIDACY_BY_ID.find.sql).toBe(built.compile().sql);
    expect(CANDIDACY_BY_ID.lock.sql).toBe(built.forUpdate().compile().sql);

    const expected = await built.executeTakeFirstOrThrow();
    expect(await findCandidacy(db, id)).toEqual(expected);
    expect(await db.transaction().execute((trx) => lockCandidacy(trx, id))).toEqual(expected);
    expect(await findCandidacy(db, "00000000-0000-4000-8000-000000000000")).toBeUndefined();

    // An instance with a plugin goes through the builder, so the plugin sees (and may alter) the read.
    const kinds: string[] = [];
    const watched = db.withPlugin({
      transformQuery: (args) => {
        kinds.push(args.node.kind);
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    expect(await findCandidacy(watched, id)).toEqual(expected);
    expect(await watched.transaction().execute((trx) => lockCandidacy(trx, id))).toEqual(expected);
    expect(kinds).toEqual(["SelectQueryNode", "SelectQueryNode"]);
  });
});
