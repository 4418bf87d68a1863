// The background worker: fires due timers (exactly once each: the timer is marked in the same transaction as its
// effect) and delivers the outbox (at least once each: a message is marked done only after delivery, and delivery
// is idempotent). It runs in the portal's process, every few seconds, and can be run once from tests.
import type { Kysely } from "kysely";
import {
  claimOutboxMessage,
  lockCandidacy,
  lockPendingTimer,
  markOutboxDone,
  markOutboxFailed,
  markTimerFired,
  nextDueTimer,
} from "../../db/queries/candidacies";
import type { Database, OutboxTable } from "../../db/schema";
import type { Selectable } from "kysely";
import { restoreSnapshot, stateKey } from "../../workflows/candidacy-machine";
import { type TimerKind, timerEvent, timerNotification, timerStillRelevant } from "../../workflows/candidacy-effects";
import { applyCandidacyEvent, writeEffects } from "./candidacies.server";

export type OutboxMessage = Selectable<OutboxTable>;
export type DeliverOutboxMessage = (message: OutboxMessage) => Promise<void>;

/** How long a claimed outbox message stays reserved for the worker that claimed it. */
const OUTBOX_LEASE_SECONDS = 120;
const MAX_BACKOFF_SECONDS = 3600;

export interface TimerRun {
  timerId: string;
  kind: TimerKind;
  outcome: "event_applied" | "event_refused" | "notified" | "no_longer_relevant";
  detail?: string;
}

/** Fires every timer due at `now`, each in its own transaction. */
export async function fireDueTimers(db: Kysely<Database>, now: Date, limit = 500): Promise<TimerRun[]> {
  const runs: TimerRun[] = [];
  for (let i = 0; i < limit; i++) {
    const due = await nextDueTimer(db, now);
    if (!due) break;
    const run = await db.transaction().execute(async (trx) => {
      const candidacy = await lockCandidacy(trx, due.candidacy_id);
      // Another worker may have fired it, or an event cancelled it, while this one waited for the candidacy.
      const timer = await lockPendingTimer(trx, due.id);
      if (!timer) return "taken" as const;
      const kind = timer.kind as TimerKind;
      const state = candidacy ? stateKey(restoreSnapshot(candidacy.snapshot)) : null;
      let result: TimerRun;
      if (!candidacy || !state || !timerStillRelevant(kind, state)) {
        result = { timerId: timer.id, kind, outcome: "no_longer_relevant" };
      } else {
        const eventType = timerEvent(kind);
        if (eventType) {
          const outcome = await applyCandidacyEvent(
            trx,
            candidacy.id,
            { type: eventType, actor: { type: "system" }, at: now.toISOString() },
            candidacy,
          );
          result = outcome.ok
            ? { timerId: timer.id, kind, outcome: "event_applied" }
            : { timerId: timer.id, kind, outcome: "event_refused", detail: outcome.message };
        } else {
          const notification = timerNotification(kind)!;
          const dueOn = String(timer.payload.deadline ?? timer.payload.due ?? timer.payload.validityEndsOn ?? "");
          const daysLeft = dueOn ? Math.max(0, Math.ceil((Date.parse(dueOn) - now.getTime()) / 86_400_000)) : undefined;
          for (const to of notification.to) {
            await writeEffects(
              trx,
              { id: candidacy.id, candidateId: candidacy.candidate_id },
              [{ type: "notify", email: notification.email, to, facts: { ...(timer.payload as Record<string, string>), daysLeft } }],
              now,
            );
          }
          result = { timerId: timer.id, kind, outcome: "notified" };
        }
      }
      await markTimerFired(trx, timer.id, now);
      return result;
    });
    if (run !== "taken") runs.push(run);
  }
  return runs;
}

/** Delivers pending outbox messages; a failure is retried later with a growing delay. */
export async function deliverOutbox(
  db: Kysely<Database>,
  deliver: DeliverOutboxMessage,
  now: Date = new Date(),
  limit = 100,
): Promise<{ delivered: number; failed: number }> {
  let delivered = 0;
  let failed = 0;
  for (let i = 0; i < limit; i++) {
    const message = await claimOutboxMessage(db, now, OUTBOX_LEASE_SECONDS);
    if (!message) break;
    try {
      await deliver(message);
      await markOutboxDone(db, message.id, new Date());
      delivered += 1;
    } catch (error) {
      const backoff = Math.min(MAX_BACKOFF_SECONDS, 30 * 2 ** Math.min(message.attempts, 10));
      await markOutboxFailed(db, message.id, error instanceof Error ? error.message : String(error), new Date(now.getTime() + backoff * 1000));
      failed += 1;
    }
  }
  return { delivered, failed };
}

/** One pass of the worker: timers first (they may enqueue messages), then the outbox. */
export async function runWorkerOnce(db: Kysely<Database>, deliver: DeliverOutboxMessage, now: Date = new Date()) {
  const timers = await fireDueTimers(db, now);
  const outbox = await deliverOutbox(db, deliver, now);
  return { timers, outbox };
}
