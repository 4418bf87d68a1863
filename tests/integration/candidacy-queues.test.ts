// The officer's queue and staff's registry on a real database: keyset pages with ties, every row once, filters and
// accent-insensitive search combined, counters, decided requests still listed, deadlines at risk, the CSV export
// and the role refusals. Candidacies are built through the candidacy service.
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type QueueFilter,
  type QueueOrder,
  countQueueByState,
  listQueuePage,
  queuePageQuery,
} from "../../db/queries/candidacy-queues";
import type { Database } from "../../db/schema";
import { createCandidacy, sendCandidacyEvent } from "../../app/services/candidacies.server";
import { candidacyRegistry, candidacyRegistryCsv, officerQueue } from "../../app/services/candidacy-queues.server";
import {
  CANDIDACY_STATE_KEYS,
  type CandidacyEvent,
  type EventActor,
  type Role,
} from "../../workflows/candidacy-machine";
import { type QueueCursor, encodeCursor, foldForSearch, searchPattern } from "../../workflows/candidacy-queues";
import { CQP_CODE, attachRequestDocuments, createUser, seedCertifications } from "./support/fixtures";
import { type TestDatabase, createTestDatabase } from "./support/test-database";

let testDb: TestDatabase;
let db: Kysely<Database>;

const NOW = new Date("2026-06-15T10:00:00.000Z");
const SAME_FILING = "2026-05-01T08:00:00.000Z"; // silence deadline 2026-07-01T08:00Z, shared: ties
const EARLY_FILING = "2026-04-16T09:00:00.000Z"; // deadline 2026-06-16T09:00Z: 1 day left, at risk

const as = (userId: string, role: Role): EventActor => ({ type: "user", userId, role });
let officer1: string;
let officer2: string;
let staff: string;
type Name =
  | `same${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8}`
  | "early"
  | "accents"
  | "incomplete"
  | "admitted"
  | "refused"
  | "draft";
const ids = {} as Record<Name, string>;

async function send(id: string, event: CandidacyEvent) {
  const outcome = await sendCandidacyEvent(db, id, event);
  if (!outcome.ok) throw new Error(`${event.type} refused: ${outcome.message}`);
}

/** A candidacy of a new candidate, its request filed at `filedAt` (or left a draft). */
async function candidacy(name: string, filedAt: string | null, code = CQP_CODE) {
  const candidateId = await createUser(db, "candidate", name);
  const created = await createCandidacy(db, candidateId, code, new Date("2026-03-01T08:00:00Z"));
  if (!created.ok) throw new Error(created.message);
  const id = created.candidacyId;
  if (filedAt) {
    await attachRequestDocuments(db, id);
    await send(id, { type: "SUBMIT_REQUEST", sworn: true, actor: as(candidateId, "candidate"), at: filedAt });
  }
  return { id, candidateId };
}

const hour = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * 3600_000).toISOString();

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.handle.db;
  await seedCertifications(db, ["CQP-B"]);
  officer1 = await createUser(db, "admissibility_officer", "Odile Officier");
  officer2 = await createUser(db, "admissibility_officer", "Paul Agent");
  staff = await createUser(db, "certifier_staff", "Sophie Staff");
  // Eight requests filed at the same instant: eight equal deadlines.
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8] as const)
    ids[`same${n}`] = (await candidacy(`Candidat Pareil ${n}`, SAME_FILING)).id;
  ids.early = (await candidacy("Hélène Léger", EARLY_FILING)).id;
  ids.accents = (await candidacy("ÉLOÏSE Dürand", SAME_FILING, "CQP-B")).id;
  await send(ids.same1, {
    type: "OPEN_REVIEW",
    actor: as(officer1, "admissibility_officer"),
    at: hour(SAME_FILING, 24),
  });
  const incomplete = await candidacy("Ines Incomplète", "2026-05-10T08:00:00.000Z");
  ids.incomplete = incomplete.id;
  await send(ids.incomplete, {
    type: "OPEN_REVIEW",
    actor: as(officer1, "admissibility_officer"),
    at: "2026-05-11T08:00:00Z",
  });
  await send(ids.incomplete, {
    type: "MARK_INCOMPLETE",
    reason: "Pièce d'identité illisible",
    actor: as(officer1, "admissibility_officer"),
    at: "2026-05-12T08:00:00Z",
  });
  const admitted = await candidacy("Adam Admis", "2026-05-02T08:00:00.000Z");
  ids.admitted = admitted.id;
  await send(ids.admitted, {
    type: "OPEN_REVIEW",
    actor: as(officer2, "admissibility_officer"),
    at: "2026-05-03T08:00:00Z",
  });
  await send(ids.admitted, {
    type: "DECLARE_ADMISSIBLE",
    validityEndsOn: "2026-06-20",
    actor: as(officer2, "admissibility_officer"),
    at: "2026-05-04T08:00:00Z",
  });
  ids.refused = (await candidacy("Rita Refusée", "2026-05-03T08:00:00.000Z")).id;
  await send(ids.refused, {
    type: "OPEN_REVIEW",
    actor: as(officer2, "admissibility_officer"),
    at: "2026-05-04T08:00:00Z",
  });
  await send(ids.refused, {
    type: "DECLARE_INADMISSIBLE",
    reason: "Expérience sans rapport avec le CQP",
    actor: as(officer2, "admissibility_officer"),
    at: "2026-05-05T08:00:00Z",
  });
  ids.draft = (await candidacy("Damien Brouillon", null)).id;
  // Latest activity ties: the service stamps the wall clock, so give every candidacy the same instant by hand.
  await sql`update candidacies set updated_at = '2026-06-01T12:00:00.123456Z'`.execute(db);
}, 120_000);

afterAll(async () => {
  await testDb?.drop();
});

const nonZero = (counts: Map<string, number>) => Object.fromEntries([...counts].filter(([, n]) => n > 0));

/** Every page, following the cursors; the ids in order. */
async function allPages(filter: QueueFilter, order: QueueOrder, limit: number) {
  const seen: string[] = [];
  let cursor: QueueCursor | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const page = await listQueuePage(db, filter, order, cursor, limit);
    expect(page.rows.length).toBeLessThanOrEqual(limit);
    seen.push(...page.rows.map((r) => r.id));
    if (!page.next) return seen;
    cursor = page.next;
  }
  throw new Error("the cursor never reached the last page");
}

const silenceOrder: QueueOrder = { by: "deadline", kinds: ["ADMISSIBILITY_SILENCE"] };
const toDecide: QueueFilter = { scope: "filed", states: ["admissibility.pending", "admissibility.review"] };

describe("keyset pages", () => {
  it("lists every request to decide exactly once across pages cut inside a run of equal deadlines", async () => {
    for (const limit of [1, 2, 3, 4, 7]) {
      const seen = await allPages(toDecide, silenceOrder, limit);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(10);
      // The nearest deadline first, then the equal ones by id.
      expect(seen[0]).toBe(ids.early);
      const tied = seen.slice(1);
      expect(tied).toEqual([...tied].sort());
    }
  });

  it("lists every candidacy exactly once by latest activity when they all share the same instant", async () => {
    for (const limit of [1, 3, 5]) {
      const seen = await allPages({ scope: "all" }, { by: "recent" }, limit);
      expect(seen.length).toBe(14);
      expect(new Set(seen).size).toBe(14);
      expect(seen).toEqual([...seen].sort().reverse());
    }
  });

  it("starts again at page 1 on a cursor that was tampered with", async () => {
    const query = new URLSearchParams({ apres: "pas-un-curseur" });
    const page = await officerQueue(db, { roles: ["admissibility_officer"] }, query, NOW);
    if (!page.ok) throw new Error(page.message);
    expect(page.isFirstPage).toBe(true);
    expect(page.rows[0]?.id).toBe(ids.early);
  });
});

describe("plans", () => {
  /** The plan of a page with sorting and sequential scans priced out: what indexes can do on their own. */
  async function plan(order: QueueOrder, filter: QueueFilter) {
    const cursor = { key: "2026-06-01T12:00:00.123456Z", id: ids.same1 };
    return db.transaction().execute(async (trx) => {
      await sql`set local enable_sort = off`.execute(trx);
      await sql`set local enable_seqscan = off`.execute(trx);
      const { rows } = await sql<Record<string, string>>`explain ${queuePageQuery(filter, order, cursor, 51)}`.execute(
        trx,
      );
      return rows.map((r) => Object.values(r)[0]).join("\n");
    });
  }

  it("reads each order from its index from the cursor on, without sorting", async () => {
    const deadline = await plan(silenceOrder, toDecide);
    expect(deadline).toMatch(/Index (Only )?Scan using timers_deadline_idx/);
    expect(deadline).toMatch(/Index Cond: \(ROW\(due_at, candidacy_id\) > ROW\(/);
    expect(deadline).not.toMatch(/\bSort\b/);
    const recent = await plan({ by: "recent" }, { scope: "all" });
    expect(recent).toMatch(/Index Scan Backward using candidacies_updated_idx/);
    expect(recent).toMatch(/Index Cond: \(ROW\(updated_at, id\) < ROW\(/);
    expect(recent).not.toMatch(/\bSort\b/);
  });
});

describe("filters, search and counters", () => {
  it("finds a candidate whatever the accents and the case, by name or e-mail", async () => {
    const find = async (term: string, filter: Partial<QueueFilter> = {}) =>
      (
        await listQueuePage(
          db,
          { scope: "all", searchPattern: searchPattern(term) ?? "", ...filter },
          { by: "recent" },
          null,
          50,
        )
      ).rows.map((r) => r.id);
    expect(await find("helene leger")).toEqual([ids.early]);
    expect(await find("HÉLÈNE")).toEqual([ids.early]);
    expect(await find("eloise durand")).toEqual([ids.accents]);
    expect(await find("Éloïse", { certificationCode: CQP_CODE })).toEqual([]);
    expect(await find("eloise", { certificationCode: "CQP-B" })).toEqual([ids.accents]);
    expect(await find("100%")).toEqual([]);
    expect((await find("candidate.")).length).toBe(14);
    const counted = await countQueueByState(
      db,
      { scope: "all", searchPattern: searchPattern("HELENE") ?? "" },
      CANDIDACY_STATE_KEYS,
      1000,
    );
    expect(nonZero(counted)).toEqual({ "admissibility.pending": 1 });
    // The database folds a name exactly as the search folds its term.
    const stored = await db
      .selectFrom("users")
      .select("search_text")
      .where("full_name", "=", "ÉLOÏSE Dürand")
      .executeTakeFirstOrThrow();
    expect(stored.search_text.startsWith(`${foldForSearch("ÉLOÏSE Dürand")} candidate.`)).toBe(true);
    // Letters without a separable accent are found as a keyboard without them spells them, or as they are.
    const { candidate_id: renamed } = await db
      .selectFrom("candidacies")
      .select("candidate_id")
      .where("id", "=", ids.accents)
      .executeTakeFirstOrThrow();
    await db.updateTable("users").set({ full_name: "Łucja Sœur-Østergård" }).where("id", "=", renamed).execute();
    try {
      expect(await find("lucja soeur-ostergard")).toEqual([ids.accents]);
      expect(await find("ŁUCJA SŒUR")).toEqual([ids.accents]);
      expect(await find("østergård")).toEqual([ids.accents]);
    } finally {
      await db.updateTable("users").set({ full_name: "ÉLOÏSE Dürand" }).where("id", "=", renamed).execute();
    }
  });

  it("combines state, certification, received dates, officer and search; counters ignore only the state", async () => {
    const filter: QueueFilter = {
      scope: "filed",
      certificationCode: CQP_CODE,
      receivedFrom: new Date("2026-05-01T00:00:00Z"),
      receivedBefore: new Date("2026-05-06T00:00:00Z"),
      officerId: officer2,
    };
    const rows = (await listQueuePage(db, filter, { by: "recent" }, null, 50)).rows;
    expect(rows.map((r) => r.id).sort()).toEqual([ids.admitted, ids.refused].sort());
    expect(rows.every((r) => r.officerName === "Paul Agent")).toBe(true);
    const counts = await countQueueByState(db, { ...filter, states: ["admissible"] }, CANDIDACY_STATE_KEYS, 1000);
    expect(nonZero(counts)).toEqual({ admissible: 1, inadmissible: 1 });
    const all = await countQueueByState(db, { scope: "filed" }, CANDIDACY_STATE_KEYS, 1000);
    expect(nonZero(all)).toEqual({
      "admissibility.pending": 9,
      "admissibility.review": 1,
      "admissibility.incomplete": 1,
      admissible: 1,
      inadmissible: 1,
    });
    expect((await countQueueByState(db, { scope: "all" }, ["draft"], 1000)).get("draft")).toBe(1);
    // Counting stops one past the cap: 9 pending, cap 3 → 4, read "more than 3".
    const capped = await countQueueByState(db, { scope: "filed" }, ["admissibility.pending", "inadmissible"], 3);
    expect(Object.fromEntries(capped)).toEqual({ "admissibility.pending": 4, inadmissible: 1 });
  });

  it("keeps decided requests in the officer's queue, with who decided", async () => {
    const page = await officerQueue(
      db,
      { roles: ["admissibility_officer"] },
      new URLSearchParams({ vue: "decidees" }),
      NOW,
    );
    if (!page.ok) throw new Error(page.message);
    expect(page.rows.map((r) => r.id).sort()).toEqual([ids.admitted, ids.refused].sort());
    expect(page.views).toEqual([
      { view: "a-traiter", count: 10, text: "10" },
      { view: "incompletes", count: 1, text: "1" },
      { view: "decidees", count: 2, text: "2" },
    ]);
    const incomplete = await officerQueue(
      db,
      { roles: ["admissibility_officer"] },
      new URLSearchParams({ vue: "incompletes", agent: officer1 }),
      NOW,
    );
    if (!incomplete.ok) throw new Error(incomplete.message);
    expect(incomplete.rows.map((r) => [r.id, r.officerName])).toEqual([[ids.incomplete, "Odile Officier"]]);
  });

  it("reports a date it cannot read beside its field and lists without it", async () => {
    const page = await officerQueue(
      db,
      { roles: ["admissibility_officer"] },
      new URLSearchParams({ du: "31/02/2026", au: "2026-12-31" }),
      NOW,
    );
    if (!page.ok) throw new Error(page.message);
    expect(page.fieldErrors.du).toMatch(/AAAA-MM-JJ/);
    expect(page.rows.length).toBe(10);
  });
});

describe("deadlines at risk", () => {
  it("lists the running deadlines due within 7 days or passed, nearest first, of every kind", async () => {
    const page = await candidacyRegistry(db, { roles: ["certifier_staff"] }, new URLSearchParams({ risque: "1" }), NOW);
    if (!page.ok) throw new Error(page.message);
    expect(page.rows.map((r) => [r.id, r.deadlineLabel, r.atRisk])).toEqual([
      [ids.early, "Réponse de recevabilité", true],
      [ids.admitted, "Fin de validité de la recevabilité", true],
    ]);
    expect(page.rows[0]?.daysLeft).toBe(1);
    expect(page.total).toEqual({ count: 2, text: "2" });
  });

  it("shows each candidacy's running deadline in the latest-activity order too", async () => {
    const page = await candidacyRegistry(db, { roles: ["certifier_staff"] }, new URLSearchParams({ q: "rita" }), NOW);
    if (!page.ok) throw new Error(page.message);
    // Refused: its silence timer was cancelled with the decision, so nothing runs any more.
    expect(page.rows.map((r) => [r.id, r.deadline])).toEqual([[ids.refused, null]]);
  });
});

describe("CSV export", () => {
  async function readAll(stream: ReadableStream<Uint8Array>) {
    return Buffer.from(await new Response(stream).arrayBuffer());
  }

  it("streams the filtered list: BOM, header, one CRLF line per row, same rows as the list", async () => {
    const query = new URLSearchParams({
      certification: CQP_CODE,
      apres: encodeCursor({ key: "2030-01-01T00:00:00Z", id: ids.draft }),
    });
    const out = candidacyRegistryCsv(db, { roles: ["certifier_staff"] }, query, NOW);
    if (!out.ok) throw new Error(out.message);
    const bytes = await readAll(out.stream);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString("utf8").slice(1);
    const lines = text.split("\r\n");
    expect(lines.pop()).toBe("");
    expect(lines[0]).toMatch(/^"Référence";"Candidat";"Courriel"/);
    // Every CQP candidacy (the cursor of a page is not an export filter): 13, not the CQP-B one.
    expect(lines.length - 1).toBe(13);
    expect(text).toContain('"Hélène Léger"');
    expect(text).not.toContain("ÉLOÏSE");
    expect(lines.find((l) => l.includes("Adam Admis"))).toContain(
      '"Fin de validité de la recevabilité";"2026-06-21";"6";"oui";"Paul Agent"',
    );
  });

  it("neutralises a name typed as a formula", async () => {
    const formula = await candidacy('=HYPERLINK("http://x";"y")', null);
    try {
      const out = candidacyRegistryCsv(
        db,
        { roles: ["certifier_staff"] },
        new URLSearchParams({ q: "hyperlink" }),
        NOW,
      );
      if (!out.ok) throw new Error(out.message);
      const text = (await readAll(out.stream)).toString("utf8");
      expect(text).toContain('"\'=HYPERLINK(""http://x"";""y"")"');
    } finally {
      await db.deleteFrom("candidacies").where("id", "=", formula.id).execute();
    }
  });

  it("streams more rows than one page holds", async () => {
    // 14 rows, read 500 at a time: one page; the keyset loop is what the page tests above check. Here, the end.
    const out = candidacyRegistryCsv(db, { roles: ["certifier_staff"] }, new URLSearchParams(), NOW);
    if (!out.ok) throw new Error(out.message);
    const lines = (await readAll(out.stream)).toString("utf8").split("\r\n");
    expect(lines.length).toBe(1 + 14 + 1);
  });
});

describe("refusals", () => {
  it("refuses the queue to anyone but an officer, the registry and its export to anyone but staff", async () => {
    for (const roles of [["candidate"], ["evaluator"], ["certifier_staff"], ["admin"]] as Role[][]) {
      const out = await officerQueue(db, { roles }, new URLSearchParams(), NOW);
      expect(out.ok).toBe(false);
      if (!out.ok) expect(out.status).toBe(403);
    }
    for (const roles of [["candidate"], ["evaluator"], ["admissibility_officer"], ["admin"]] as Role[][]) {
      const list = await candidacyRegistry(db, { roles }, new URLSearchParams(), NOW);
      expect(list.ok).toBe(false);
      const csv = candidacyRegistryCsv(db, { roles }, new URLSearchParams(), NOW);
      expect(csv.ok).toBe(false);
    }
    expect(staff).toBeTruthy();
  });
});
