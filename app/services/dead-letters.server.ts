// Dead letters for admins: outbox messages the worker gave up on (attempt limit reached, or undeliverable), listed
// without personal data, and put back to pending by an admin, each retry recorded in the audit log.
import type { Kysely } from "kysely";
import { appendAuditEvent } from "../../db/queries/audit";
import {
  countDeadLetters,
  findOutboxMessageState,
  listDeadLetters,
  requeueDeadLetters,
} from "../../db/queries/dead-letters";
import type { Database } from "../../db/schema";
import { loggerFor } from "../utils/logger.server";
import { candidacyReference } from "./email-delivery.server";

const log = loggerFor("worker");

export const OUTBOX_MESSAGE_RETRIED = "OUTBOX_MESSAGE_RETRIED";

export interface DeadLetter {
  id: string;
  topic: string;
  emailKind: string | null;
  candidacyId: string | null;
  candidacyReference: string | null;
  recipientRoles: string[] | null;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  deadAt: Date;
}

export async function readDeadLetters(
  db: Kysely<Database>,
  limit = 200,
): Promise<{ letters: DeadLetter[]; total: number }> {
  const [rows, total] = await Promise.all([listDeadLetters(db, limit), countDeadLetters(db)]);
  const letters = rows.map((r) => ({
    id: String(r.id),
    topic: r.topic,
    emailKind: r.emailKind,
    candidacyId: r.candidacyId,
    candidacyReference:
      r.candidacyId && r.candidacyCreatedAt
        ? candidacyReference(r.candidacyId, r.candidacyRequestedAt, r.candidacyCreatedAt)
        : null,
    recipientRoles: r.recipientRoles,
    attempts: r.attempts,
    lastError: r.lastError,
    createdAt: r.createdAt,
    deadAt: r.deadAt,
  }));
  return { letters, total };
}

export type RetryOutcome = { ok: true; retried: string[] } | { ok: false; status: 404 | 409; message: string };

/**
 * Puts one dead letter (or all of them) back to pending with its attempts reset: the worker sends it on its next
 * pass. One audit row per message.
 */
export async function retryDeadLetters(
  db: Kysely<Database>,
  admin: { userId: string },
  which: { id: string } | "all",
  context: { ip: string | null },
): Promise<RetryOutcome> {
  const outcome = await db.transaction().execute(async (trx): Promise<RetryOutcome> => {
    const requeued = await requeueDeadLetters(trx, which);
    if (which !== "all" && requeued.length === 0) {
      const state = await findOutboxMessageState(trx, which.id);
      if (!state) return { ok: false, status: 404, message: "Ce message est introuvable." };
      return {
        ok: false,
        status: 409,
        message: state.processed_at
          ? "Ce message a déjà été envoyé : il n'y a plus rien à réessayer."
          : "Ce message n'est plus en échec : il a déjà été remis en file d'envoi.",
      };
    }
    for (const message of requeued) {
      await appendAuditEvent(trx, {
        actor: { userId: admin.userId, role: "admin" },
        action: OUTBOX_MESSAGE_RETRIED,
        subjectType: "outbox_message",
        subjectId: String(message.id),
        payload: { topic: message.topic, all: which === "all" },
        ip: context.ip,
      });
    }
    return { ok: true, retried: requeued.map((m) => String(m.id)) };
  });
  if (outcome.ok && outcome.retried.length > 0) {
    log.info({ outboxIds: outcome.retried, adminId: admin.userId }, "Dead letters put back to pending by an admin");
  }
  return outcome;
}
