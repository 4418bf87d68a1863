// The append-only audit log: who did what, when, to which object.
import type { Kysely, Transaction } from "kysely";
import type { Database, Role } from "../schema";

type Db = Kysely<Database> | Transaction<Database>;

export interface AuditEntry {
  actor: { userId: string; role: Role } | "system";
  action: string;
  subjectType: string;
  subjectId: string | null;
  payload?: Record<string, unknown>;
  ip?: string | null;
}

export async function appendAuditEvent(db: Db, entry: AuditEntry) {
  await db
    .insertInto("audit_events")
    .values({
      actor_user_id: entry.actor === "system" ? null : entry.actor.userId,
      actor_role: entry.actor === "system" ? "system" : entry.actor.role,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      payload: JSON.stringify(entry.payload ?? {}),
      ip: entry.ip ?? null,
    })
    .execute();
}

export async function listAuditEvents(
  db: Db,
  filter: { subjectType?: string; subjectId?: string; limit?: number } = {},
) {
  let query = db
    .selectFrom("audit_events as e")
    .leftJoin("users as u", "u.id", "e.actor_user_id")
    .select([
      "e.id",
      "e.occurred_at as occurredAt",
      "e.actor_role as actorRole",
      "e.action",
      "e.subject_type as subjectType",
      "e.subject_id as subjectId",
      "e.payload",
      "e.ip",
      "u.email as actorEmail",
      "u.full_name as actorName",
    ])
    .orderBy("e.occurred_at", "desc")
    .orderBy("e.id", "desc")
    .limit(filter.limit ?? 200);
  if (filter.subjectType) query = query.where("e.subject_type", "=", filter.subjectType);
  if (filter.subjectId) query = query.where("e.subject_id", "=", filter.subjectId);
  return query.execute();
}
