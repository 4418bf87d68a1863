// Outbox messages given up as dead letters (db/queries/candidacies.ts holds the worker's queries), as admins list
// and retry them: what the message was and about which candidacy, never its content or its recipient's address.
import { type Kysely, type Transaction, sql } from "kysely";
import type { Database, Role } from "../schema";

type Db = Kysely<Database> | Transaction<Database>;

export interface DeadLetterRow {
  id: string;
  topic: string;
  /** The e-mail's kind (payload.email) for e-mails. */
  emailKind: string | null;
  candidacyId: string | null;
  candidacyRequestedAt: Date | null;
  candidacyCreatedAt: Date | null;
  /** "candidate" when the recipient is the candidacy's candidate, else the recipient's roles; null: no recipient. */
  recipientRoles: (Role | "candidate")[] | null;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  deadAt: Date;
}

/** Dead letters, most recently given up first. */
export async function listDeadLetters(db: Db, limit: number): Promise<DeadLetterRow[]> {
  const { rows } = await sql<DeadLetterRow>`
    select o.id, o.topic, o.payload ->> 'email' as "emailKind", o.candidacy_id as "candidacyId",
      k.requested_at as "candidacyRequestedAt", k.created_at as "candidacyCreatedAt",
      case
        when not (o.payload ? 'recipientId') then null
        when k.candidate_id::text = o.payload ->> 'recipientId' then array['candidate']
        else coalesce(
          (select array_agg(r.role order by r.role) from user_roles r where r.user_id::text = o.payload ->> 'recipientId'),
          array[]::text[])
      end as "recipientRoles",
      o.attempts, o.last_error as "lastError", o.created_at as "createdAt", o.dead_at as "deadAt"
    from outbox o left join candidacies k on k.id = o.candidacy_id
    where o.dead_at is not null
    order by o.dead_at desc, o.id desc
    limit ${limit}`.execute(db);
  return rows;
}

export async function countDeadLetters(db: Db): Promise<number> {
  const row = await db
    .selectFrom("outbox")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("dead_at", "is not", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The state of one outbox message, to tell "unknown" from "no longer a dead letter". */
export async function findOutboxMessageState(db: Db, id: string) {
  return db.selectFrom("outbox").select(["id", "dead_at", "processed_at"]).where("id", "=", id).executeTakeFirst();
}

/**
 * Puts dead letters back to pending, at once and with their attempts reset (one by id, or all of them); returns
 * what was put back. The last error stays until a delivery succeeds.
 */
export async function requeueDeadLetters(trx: Db, which: { id: string } | "all") {
  let query = trx
    .updateTable("outbox")
    .set({
      dead_at: null,
      attempts: 0,
      available_at: sql<Date>`clock_timestamp()`,
      locked_until: null,
      locked_by: null,
    })
    .where("dead_at", "is not", null);
  if (which !== "all") query = query.where("id", "=", which.id);
  return query.returning(["id", "topic"]).execute();
}
