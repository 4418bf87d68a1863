// The one list query of the officer's queue and staff's registry: filters, keyset pagination in two orders
// (nearest legal deadline first, or most recent activity first) and the counters per state. See docs/decisions/029.
import { type Kysely, type RawBuilder, type Transaction, sql } from "kysely";
import type { CandidacyStateKey } from "../../workflows/candidacy-machine";
import { DEADLINE_TIMERS, type DeadlineKind, type QueueCursor } from "../../workflows/candidacy-queues";
import type { Database } from "../schema";

type Db = Kysely<Database> | Transaction<Database>;

export interface QueueFilter {
  /** "filed": only candidacies whose request was filed (the officer's); "all": every candidacy (staff's). */
  scope: "filed" | "all";
  /** Undefined: every state; empty: nothing. */
  states?: readonly CandidacyStateKey[];
  certificationCode?: string;
  /** The request filed at or after this instant, and before `receivedBefore`. */
  receivedFrom?: Date;
  receivedBefore?: Date;
  /** The officer who examined or decided the request (candidacy_events' actor). */
  officerId?: string;
  /** A LIKE pattern over the folded name and e-mail (workflows/candidacy-queues.ts searchPattern). */
  searchPattern?: string;
  /** Only candidacies whose running legal deadline falls by then (or has passed). */
  deadlineBy?: Date;
}

/** "deadline": the running legal deadline of the kinds given, nearest first; "recent": latest activity first. */
export type QueueOrder = { by: "deadline"; kinds: readonly DeadlineKind[] } | { by: "recent" };

export interface QueueRow {
  id: string;
  state: CandidacyStateKey;
  requestedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  candidateName: string;
  candidateEmail: string;
  certificationCode: string;
  certificationTitle: string;
  deadline: Date | null;
  deadlineKind: DeadlineKind | null;
  /** The last officer who examined or decided the request. */
  officerName: string | null;
  /** The row's sort key as the database writes it (UTC, microseconds): the next page's cursor. */
  sortKey: string;
}

export interface QueuePage {
  rows: QueueRow[];
  /** The cursor of the page after this one; null on the last page. */
  next: QueueCursor | null;
}

const utcKey = (column: RawBuilder<unknown>) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const kindList = (kinds: readonly DeadlineKind[]) => sql.join(kinds.map((kind) => sql.lit(kind)));

/**
 * A timer `t` that is candidacy `k`'s running legal deadline: one of the kinds, not cancelled, and the candidacy in
 * a state where it runs. Literals, not parameters: the planner must see that the timers_deadline_idx's predicate
 * holds, also in a generic plan.
 */
function runningDeadline(t: string, kinds: readonly DeadlineKind[]): RawBuilder<boolean> {
  const byKind = kinds.map(
    (kind) =>
      sql`(${sql.ref(`${t}.kind`)} = ${sql.lit(kind)} and k.state in (${sql.join(
        DEADLINE_TIMERS[kind].map((state) => sql.lit(state)),
      )}))`,
  );
  return sql<boolean>`${sql.ref(`${t}.cancelled_at`)} is null and ${sql.ref(`${t}.kind`)} in (${kindList(kinds)}) and (${sql.join(byKind, sql` or `)})`;
}

const ALL_KINDS = Object.keys(DEADLINE_TIMERS) as DeadlineKind[];

/** The filter as conditions on `k` (candidacies); the state filter only when asked (the counters group by it). */
function conditions(filter: QueueFilter, withStates: boolean, deadlineAlias: string | null): RawBuilder<boolean>[] {
  const where: RawBuilder<boolean>[] = [];
  if (filter.scope === "filed") where.push(sql`k.requested_at is not null`);
  if (withStates && filter.states !== undefined) {
    where.push(
      filter.states.length === 0
        ? sql`false`
        : sql`k.state in (${sql.join(filter.states.map((state) => sql.lit(state)))})`,
    );
  }
  if (filter.certificationCode !== undefined) {
    where.push(sql`k.certification_id in (select id from certifications where code = ${filter.certificationCode})`);
  }
  if (filter.receivedFrom) where.push(sql`k.requested_at >= ${filter.receivedFrom}::timestamptz`);
  if (filter.receivedBefore) where.push(sql`k.requested_at < ${filter.receivedBefore}::timestamptz`);
  if (filter.officerId !== undefined) {
    where.push(sql`exists (select 1 from candidacy_events e where e.candidacy_id = k.id
      and e.actor_role = 'admissibility_officer' and e.actor_user_id = ${filter.officerId}::uuid)`);
  }
  if (filter.searchPattern !== undefined) {
    // users.search_text is folded as foldForSearch folds the term (migration 2026-11-30-0100).
    where.push(sql`k.candidate_id in (select u2.id from users u2 where u2.search_text like ${filter.searchPattern})`);
  }
  if (filter.deadlineBy) {
    where.push(
      deadlineAlias
        ? sql`${sql.ref(`${deadlineAlias}.due_at`)} <= ${filter.deadlineBy}::timestamptz`
        : sql`exists (select 1 from timers td where td.candidacy_id = k.id and ${runningDeadline("td", ALL_KINDS)}
            and td.due_at <= ${filter.deadlineBy}::timestamptz)`,
    );
  }
  return where;
}

/**
 * The accounts a search matches, read once for the counters. Not for the list: there the planner would take the
 * materialized rows as the inner side of a nested loop (0.9 s for page 1 of a search matching 20 % of 100 000
 * accounts), where the plain subquery becomes a hashed one (15 ms).
 */
const withSearch = (filter: QueueFilter) =>
  filter.searchPattern === undefined
    ? sql``
    : sql`with searched as materialized (select id from users where search_text like ${filter.searchPattern}) `;

const and = (where: RawBuilder<boolean>[]) => (where.length === 0 ? sql<boolean>`true` : sql.join(where, sql` and `));

const officerName = sql<string | null>`(select ou.full_name from candidacy_events e
  join users ou on ou.id = e.actor_user_id
  where e.candidacy_id = k.id and e.actor_role = 'admissibility_officer'
  order by e.row_version desc limit 1)`;

/** One page of the list: `limit` rows after the cursor (or from the start), in the order asked. */
export async function listQueuePage(
  db: Db,
  filter: QueueFilter,
  order: QueueOrder,
  after: QueueCursor | null,
  limit: number,
): Promise<QueuePage> {
  if (order.by === "deadline" && order.kinds.length === 0) return { rows: [], next: null };
  const { rows } = await queuePageQuery(filter, order, after, limit + 1).execute(db);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > limit && last ? { key: last.sortKey, id: last.id } : null };
}

const columns = sql`k.id, k.state, k.requested_at as "requestedAt", k.created_at as "createdAt",
  k.updated_at as "updatedAt", u.full_name as "candidateName", u.email as "candidateEmail",
  c.code as "certificationCode", c.title as "certificationTitle"`;

/** The statement of one page (`limit` rows): exported for the plan checks (EXPLAIN) of the tests. */
export function queuePageQuery(filter: QueueFilter, order: QueueOrder, after: QueueCursor | null, limit: number) {
  return order.by === "deadline" ? byDeadline(filter, order.kinds, after, limit) : byRecent(filter, after, limit);
}

function byDeadline(
  filter: QueueFilter,
  kinds: readonly DeadlineKind[],
  after: QueueCursor | null,
  limit: number,
): RawBuilder<QueueRow> {
  const where = [runningDeadline("t", kinds), ...conditions(filter, true, "t")];
  // The row comparison on the index's own columns: the scan starts right after the cursor, whatever the page.
  if (after) where.push(sql`(t.due_at, t.candidacy_id) > (${after.key}::timestamptz, ${after.id}::uuid)`);
  return sql<QueueRow>`select ${columns}, t.due_at as deadline, t.kind as "deadlineKind",
      ${officerName} as "officerName", ${utcKey(sql`t.due_at`)} as "sortKey"
    from timers t
    join candidacies k on k.id = t.candidacy_id
    join users u on u.id = k.candidate_id
    join certifications c on c.id = k.certification_id
    where ${and(where)}
    order by t.due_at, t.candidacy_id
    limit ${limit}`;
}

function byRecent(filter: QueueFilter, after: QueueCursor | null, limit: number): RawBuilder<QueueRow> {
  const where = conditions(filter, true, null);
  if (after) where.push(sql`(k.updated_at, k.id) < (${after.key}::timestamptz, ${after.id}::uuid)`);
  return sql<QueueRow>`select ${columns}, d.due_at as deadline, d.kind as "deadlineKind",
      ${officerName} as "officerName", ${utcKey(sql`k.updated_at`)} as "sortKey"
    from candidacies k
    join users u on u.id = k.candidate_id
    join certifications c on c.id = k.certification_id
    left join lateral (
      select t.due_at, t.kind from timers t
      where t.candidacy_id = k.id and ${runningDeadline("t", ALL_KINDS)}
      order by t.due_at limit 1
    ) d on true
    where ${and(where)}
    order by k.updated_at desc, k.id desc
    limit ${limit}`;
}

/** States a candidacy reaches only once its request is filed: "filed" needs no check of requested_at there. */
const BEFORE_FILING_TOO: readonly CandidacyStateKey[] = ["draft", "withdrawn"];

/**
 * How many candidacies in each of `states` match the filter, its state filter left out. Without a search, each
 * state is counted from the (state, updated_at, id) index and the count stops at `cap + 1` ("more than cap"), so the
 * counters cost the same at 100 000 candidacies as at 1 000 (a full count read every row: 30–60 ms at 100 000).
 * With a search, the candidacies of the matching accounts are counted exactly (a search is narrow by nature).
 */
export async function countQueueByState(
  db: Db,
  filter: QueueFilter,
  states: readonly CandidacyStateKey[],
  cap: number,
): Promise<Map<CandidacyStateKey, number>> {
  if (states.length === 0) return new Map();
  if (filter.searchPattern !== undefined) {
    const { rows } = await sql<{
      state: CandidacyStateKey;
      n: number;
    }>`${withSearch(filter)}select k.state, count(*)::int as n
      from searched join candidacies k on k.candidate_id = searched.id
      where k.state in (${sql.join(states.map((state) => sql.lit(state)))}) and ${and(conditions({ ...filter, searchPattern: undefined }, false, null))}
      group by k.state`.execute(db);
    return new Map(rows.map((r) => [r.state, r.n]));
  }
  const perState = states.map((state) => {
    const scoped = BEFORE_FILING_TOO.includes(state) ? filter : { ...filter, scope: "all" as const };
    return sql`select ${sql.lit(state)}::text as state, (select count(*)::int from (
        select 1 from candidacies k where k.state = ${sql.lit(state)} and ${and(conditions(scoped, false, null))}
        limit ${cap + 1}) capped) as n`;
  });
  const { rows } = await sql<{ state: CandidacyStateKey; n: number }>`${sql.join(perState, sql` union all `)}`.execute(
    db,
  );
  return new Map(rows.map((r) => [r.state, r.n]));
}

/** The officers who may be chosen in the officer filter: every holder of the role, active or not. */
export async function listAdmissibilityOfficers(db: Db) {
  return db
    .selectFrom("user_roles as r")
    .innerJoin("users as u", "u.id", "r.user_id")
    .select(["u.id", "u.full_name as fullName"])
    .where("r.role", "=", "admissibility_officer")
    .orderBy("u.full_name")
    .orderBy("u.id")
    .execute();
}

export async function listCertificationChoices(db: Db) {
  return db.selectFrom("certifications").select(["code", "title"]).orderBy("title").execute();
}
