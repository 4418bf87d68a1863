// Queries of login sessions and of failed login attempts (for throttling).
import type { Kysely, Transaction } from "kysely";
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

export async function recordLoginFailure(db: Db, email: string, ip: string, at: Date) {
  await db.insertInto("login_failures").values({ email, ip, occurred_at: at }).execute();
}

export async function countRecentLoginFailures(db: Db, since: Date, key: { email: string } | { ip: string }) {
  let query = db
    .selectFrom("login_failures")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("occurred_at", ">", since);
  query = "email" in key ? query.where("email", "=", key.email) : query.where("ip", "=", key.ip);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function clearLoginFailures(db: Db, email: string) {
  await db.deleteFrom("login_failures").where("email", "=", email).execute();
}

export async function deleteLoginFailuresBefore(db: Db, before: Date) {
  await db.deleteFrom("login_failures").where("occurred_at", "<", before).execute();
}
