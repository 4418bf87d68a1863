// The background worker: fires due timers (exactly once each: the timer is marked in the same transaction as its
// effect) and delivers the outbox (at least once each: a message is marked done only after delivery, and delivery
// is idempotent; a failure is retried with a growing delay, up to an attempt limit, then kept as a dead letter for
// an admin). It runs in the portal's process every few seconds (startWorker), and can be run once from tests.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Kysely, Selectable } from "kysely";
import {
  buryExhaustedOutboxMessages,
  claimOutboxMessage,
  extendOutboxLease,
  lockCandidacy,
  lockPendingTimer,
  markOutboxDone,
  markOutboxFailed,
  markTimerFired,
  nextDueTimer,
  releaseOutboxLeases,
} from "../../db/queries/candidacies";
import type { Database, OutboxTable } from "../../db/schema";
import { stateKey } from "../../workflows/candidacy-machine";
import { restoreSnapshot } from "../../workflows/candidacy-snapshot";
import { type TimerKind, timerEvent, timerNotification, timerStillRelevant } from "../../workflows/candidacy-effects";
import { loggerFor } from "../utils/logger.server";
import { applyCandidacyEvent, writeEffects } from "./candidacies.server";
import { UndeliverableError } from "./email-delivery.server";

export type OutboxMessage = Selectable<OutboxTable>;
export type DeliverOutboxMessage = (message: OutboxMessage) => Promise<void>;

const log = loggerFor("worker");

/** How long a claimed outbox message stays reserved for its worker; the worker extends it while it delivers. */
export const OUTBOX_LEASE_SECONDS = 120;
/** Claims of one message before it becomes a dead letter (OUTBOX_MAX_ATTEMPTS overrides it). */
export const DEFAULT_OUTBOX_MAX_ATTEMPTS = 8;
const MAX_BACKOFF_SECONDS = 3600;

/** This process's name on the leases it takes: a stopping portal gives back exactly its own. */
export const WORKER_ID = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;

export interface DeliveryOptions {
  /** Messages one pass delivers at most. */
  limit?: number;
  leaseSeconds?: number;
  maxAttempts?: number;
  /** The lease holder's name; default WORKER_ID. */
  owner?: string;
  /** Once aborted, the pass claims nothing more (the message in hand is finished). */
  signal?: AbortSignal;
}

export interface TimerRun {
  timerId: string;
  kind: TimerKind;
  outcome: "event_applied" | "event_refused" | "notified" | "no_longer_relevant";
  detail?: string;
}

/** Fires every timer due at `now`, each in its own transaction; an aborted signal stops before the next one. */
export async function fireDueTimers(
  db: Kysely<Database>,
  now: Date,
  options: { limit?: number; signal?: AbortSignal } = {},
): Promise<TimerRun[]> {
  const runs: TimerRun[] = [];
  for (let i = 0; i < (options.limit ?? 500); i++) {
    if (options.signal?.aborted) break;
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
              [
                {
                  type: "notify",
                  email: notification.email,
                  to,
                  facts: { ...(timer.payload as Record<string, string>), daysLeft },
                },
              ],
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

/** Delivers pending outbox messages; a failure is retried later with a growing delay, up to the attempt limit. */
export async function deliverOutbox(
  db: Kysely<Database>,
  deliver: DeliverOutboxMessage,
  now: Date = new Date(),
  options: DeliveryOptions = {},
): Promise<{ delivered: number; failed: number }> {
  const leaseSeconds = options.leaseSeconds ?? OUTBOX_LEASE_SECONDS;
  const maxAttempts = options.maxAttempts ?? DEFAULT_OUTBOX_MAX_ATTEMPTS;
  const owner = options.owner ?? WORKER_ID;
  for (const buried of await buryExhaustedOutboxMessages(db, maxAttempts)) {
    log.error(
      { outboxId: buried.id, topic: buried.topic, attempts: buried.attempts },
      "Outbox message abandoned after its last attempt was interrupted: dead letter (retry it at /admin/envois)",
    );
  }
  let delivered = 0;
  let failed = 0;
  for (let i = 0; i < (options.limit ?? 100); i++) {
    if (options.signal?.aborted) break;
    const message = await claimOutboxMessage(db, { availableBy: now, leaseSeconds, owner, maxAttempts });
    if (!message) break;
    const lease = keepLease(db, message.id, owner, leaseSeconds);
    let failure: { error: unknown } | null = null;
    try {
      await deliver(message);
    } catch (error) {
      failure = { error };
    } finally {
      await lease.stop();
    }
    if (failure) {
      failed += 1;
      await recordFailure(db, message, failure.error, { owner, maxAttempts, notBefore: now });
      continue;
    }
    try {
      await markOutboxDone(db, message.id, new Date());
      delivered += 1;
    } catch (error) {
      // Delivered but not marked: the lease runs out and the message is delivered again, under the same id.
      log.error(
        { outboxId: message.id, topic: message.topic, err: error },
        "Outbox message delivered but not marked done",
      );
      throw error;
    }
  }
  return { delivered, failed };
}

/** Extends a message's lease every third of its length while it is being delivered (a slow SMTP server, a hang). */
function keepLease(db: Kysely<Database>, id: string, owner: string, leaseSeconds: number) {
  let extending: Promise<unknown> = Promise.resolve();
  const timer = setInterval(
    () => {
      extending = extending
        .then(() => extendOutboxLease(db, id, owner, leaseSeconds))
        .then((kept) => {
          if (!kept)
            log.warn({ outboxId: id }, "Outbox lease lost while delivering: another worker may deliver it too");
        })
        .catch((error) => log.warn({ outboxId: id, err: error }, "Outbox lease could not be extended"));
    },
    (leaseSeconds * 1000) / 3,
  );
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await extending;
    },
  };
}

async function recordFailure(
  db: Kysely<Database>,
  message: OutboxMessage,
  error: unknown,
  context: { owner: string; maxAttempts: number; notBefore: Date },
) {
  const undeliverable = error instanceof UndeliverableError;
  const dead = undeliverable || message.attempts >= context.maxAttempts;
  const backoffSeconds = Math.min(MAX_BACKOFF_SECONDS, 30 * 2 ** Math.min(message.attempts, 10));
  const text = errorText(error);
  const facts = { outboxId: message.id, topic: message.topic, attempts: message.attempts, error: text };
  try {
    const recorded = await markOutboxFailed(db, {
      id: message.id,
      owner: context.owner,
      error: text,
      dead,
      backoffSeconds,
      notBefore: context.notBefore,
    });
    if (!recorded) {
      log.warn(facts, "Outbox delivery failed after its lease was lost: the worker now holding it decides");
    } else if (dead) {
      log.error(
        { ...facts, reason: undeliverable ? "undeliverable" : "attempt_limit" },
        "Outbox message is a dead letter: it will not be retried unless an admin retries it at /admin/envois",
      );
    } else {
      log.warn({ ...facts, retryInSeconds: backoffSeconds }, "Outbox delivery failed; it will be retried");
    }
  } catch (recordError) {
    // The lease will expire and the message be claimed again: at least once, never lost.
    log.error({ ...facts, err: recordError }, "Outbox failure could not be recorded");
  }
}

/** An error as kept on the row and in logs: its message, without e-mail addresses (SMTP answers may quote them). */
function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/[^\s<>"'@]+@[^\s<>"'@]+\.[^\s<>"'@]+/g, "[adresse]");
}

/** One pass of the worker: timers first (they may enqueue messages), then the outbox. */
export async function runWorkerOnce(
  db: Kysely<Database>,
  deliver: DeliverOutboxMessage,
  now: Date = new Date(),
  options: DeliveryOptions = {},
) {
  const timers = await fireDueTimers(db, now, { signal: options.signal });
  if (timers.length > 0) {
    const outcomes: Record<string, number> = {};
    for (const run of timers) outcomes[run.outcome] = (outcomes[run.outcome] ?? 0) + 1;
    log.info({ fired: timers.length, outcomes }, "Timers fired");
    for (const run of timers.filter((r) => r.outcome === "event_refused")) {
      log.warn({ timerId: run.timerId, kind: run.kind, detail: run.detail }, "Timer fired but its event was refused");
    }
  }
  const outbox = await deliverOutbox(db, deliver, now, options);
  if (outbox.delivered + outbox.failed > 0) log.info(outbox, "Outbox pass done");
  return { timers, outbox };
}

export interface RunningWorker {
  /**
   * Stops the worker: no new pass, the current one claims nothing more and gets `graceMs` to finish what it holds;
   * then the leases it still holds are given back, so that another portal delivers those messages at once.
   */
  stop(graceMs: number): Promise<{ released: string[] }>;
}

/** Runs a pass every `intervalSeconds` in this process; a pass never overlaps the previous one. */
export function startWorker(options: {
  intervalSeconds: number;
  getDb: () => Promise<Kysely<Database>>;
  deliverer: (db: Kysely<Database>) => DeliverOutboxMessage;
  delivery?: Omit<DeliveryOptions, "signal">;
}): RunningWorker {
  const owner = options.delivery?.owner ?? WORKER_ID;
  const stopping = new AbortController();
  let pass: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (pass || stopping.signal.aborted) return;
    pass = (async () => {
      const db = await options.getDb();
      await runWorkerOnce(db, options.deliverer(db), new Date(), {
        ...options.delivery,
        owner,
        signal: stopping.signal,
      });
    })()
      .catch((error) => log.error({ err: error }, "Worker pass failed"))
      .finally(() => {
        pass = null;
      });
  }, options.intervalSeconds * 1000);
  return {
    async stop(graceMs) {
      clearInterval(timer);
      stopping.abort();
      if (pass) {
        let timeout: NodeJS.Timeout | undefined;
        const finished = await Promise.race([
          pass.then(() => true),
          new Promise<false>((resolve) => (timeout = setTimeout(() => resolve(false), graceMs))),
        ]);
        clearTimeout(timeout);
        if (!finished) log.warn({ graceMs }, "The worker pass did not finish in time; its leases are given back");
      }
      const released = await releaseOutboxLeases(await options.getDb(), owner);
      if (released.length > 0) log.info({ released }, "Outbox leases given back: other workers deliver these messages");
      return { released };
    },
  };
}
