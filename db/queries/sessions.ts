// Queries of login sessions and of the recent attempts that rate limits count (login, sign-up).
import { createHash } from "node:crypto";
import { type Kysely, type Transaction, sql } from "kysely";
import type { Database } from "../schema";

type Db = Kysely<Database> | Transaction<Database>;

export async function insertSession(
  db: Db,
  values: { tokenHash: string; userId: string; expiresAt: Date; ip: string | null; userAgent: string | null },
) {
  await db
    .insertInto("sessions")
    .values({
      token_hash: values.tokenHash,
      user_id: values.userId,
      expires_at: values.expiresAt,
      ip: values.ip,
      user_agent: values.userAgent?.slice(0, 500) ?? null,
    })
    .execute();
}

/** The session's user id when the session exists, has not expired and its account is active. */
export async function findLiveSession(db: Db, tokenHash: string, now: Date) {
  return db
    .selectFrom("sessions as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .select(["s.user_id as userId", "s.expires_at as expiresAt"])
    .where("s.token_hash", "=", tokenHash)
    .where("s.expires_at", ">", now)
    .where("u.is_active", "=", true)
    .executeTakeFirst();
}

export async function deleteSession(db: Db, tokenHash: string) {
  await db.deleteFrom("sessions").where("token_hash", "=", tokenHash).execute();
}

export async function deleteSessionsOfUser(db: Db, userId: string) {
  await db.deleteFrom("sessions").where("user_id", "=", userId).execute();
}

export async function deleteExpiredSessions(db: Db, now: Date) {
  const result = await db.deleteFrom("sessions").where("expires_at", "<=", now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface ThrottleLimit {
  /** Which limit: "login-email", "login-ip", "signup-ip". */
  bucket: string;
  /** What it counts by: an e-mail, an IP address. */
  key: string;
  /** Attempts allowed within the window; the next one is refused. */
  limit: number;
  windowSeconds: number;
}

export type ThrottleReservation = { ok: true; hitIds: string[] } | { ok: false; exceeded: ThrottleLimit };

/** A 64-bit advisory lock id per (bucket, key); a collision would only make two keys wait for each other. */
function advisoryLockId(limit: ThrottleLimit): bigint {
  return createHash("sha256").update(`throttle\0${limit.bucket}\0${limit.key}`).digest().readBigInt64BE(0);
}

/**
 * Counts and records one attempt against every limit at once: under a transaction-scoped advisory lock per key,
 * the recent hits are counted and, when every limit still has room, one hit per limit is inserted before the lock
 * is released. Parallel attempts on one key thus queue for a few milliseconds and the (limit + 1)th is refused,
 * whereas counting first and recording after the password check let every parallel attempt through. Locks are
 * taken in one global order (by id) so that two attempts sharing keys cannot deadlock. Nothing is recorded when
 * a limit is reached. Takes the pool, not a transaction: it opens its own, short one.
 */
export async function reserveThrottleHits(
  db: Kysely<Database>,
  limits: readonly ThrottleLimit[],
  at: Date,
): Promise<ThrottleReservation> {
  if (limits.length === 0) return { ok: true, hitIds: [] };
  return db.transaction().execute(async (trx) => {
    const lockIds = [...new Set(limits.map(advisoryLockId))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const id of lockIds) await sql`select pg_advisory_xact_lock(${id.toString()}::bigint)`.execute(trx);
    for (const limit of limits) {
      const since = new Date(at.getTime() - limit.windowSeconds * 1000);
      const row = await trx
        .selectFrom("throttle_hits")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("bucket", "=", limit.bucket)
        .where("key", "=", limit.key)
        .where("occurred_at", ">", since)
        .executeTakeFirstOrThrow();
      if (Number(row.n) >= limit.limit) return { ok: false as const, exceeded: limit };
    }
    const inserted = await trx
      .insertInto("throttle_hits")
      .values(limits.map((l) => ({ bucket: l.bucket, key: l.key, occurred_at: at })))
      .returning("id")
      .execute();
    return { ok: true as const, hitIds: inserted.map((r) => r.id) };
  });
}

/** Gives back hits reserved for an attempt that turned out not to count (a successful login). */
export async function releaseThrottleHits(db: Db, hitIds: readonly string[]) {
  if (hitIds.length === 0) return;
  await db
    .deleteFrom("throttle_hits")
    .where("id", "in", [...hitIds])
    .execute();
}

/** Forgets every hit of one key (a successful login clears its e-mail's failures). */
export async function clearThrottleHits(db: Db, bucket: string, key: string) {
  await db.deleteFrom("throttle_hits").where("bucket", "=", bucket).where("key", "=", key).execute();
}

/** Old hits serve no purpose once out of every window. */
export async function deleteThrottleHitsBefore(db: Db, before: Date) {
  const result = await db.deleteFrom("throttle_hits").where("occurred_at", "<", before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
