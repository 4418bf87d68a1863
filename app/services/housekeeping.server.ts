// What the portal clears on its own every hour (server/index.ts): expired sessions, throttle hits out of every
// window (the login form, sign-up, the minutes signature and the public verification page all leave hits, and a
// page nobody logs in from would otherwise keep its hits forever), and stored objects no row refers to.
import type { Kysely } from "kysely";
import { deleteExpiredSessions, deleteThrottleHitsBefore } from "../../db/queries/sessions";
import type { Database } from "../../db/schema";
import { LOGIN_THROTTLE, SIGN_UP_THROTTLE } from "./accounts.server";
import { sweepOrphanObjects } from "./documents.server";
import { SIGNATURE_THROTTLE } from "./minutes.server";
import { VERIFICATION_THROTTLE } from "./public-verification.server";
import type { ObjectStorage } from "./storage";

/** A throttle hit is kept this long: longer than every throttle's window, so that no limit ever forgets one early. */
export const THROTTLE_HITS_KEPT_MS =
  Math.max(
    24 * 60,
    ...[LOGIN_THROTTLE, SIGN_UP_THROTTLE, SIGNATURE_THROTTLE, VERIFICATION_THROTTLE].map((t) => t.windowMinutes),
  ) * 60_000;

export interface HousekeepingOutcome {
  sessionsDeleted: number;
  throttleHitsDeleted: number;
  objectsExamined: number;
  objectsRemoved: number;
}

/** One pass; each part runs even when another fails, and the first failure is thrown after all have run. */
export async function runHousekeeping(
  db: Kysely<Database>,
  storage: ObjectStorage,
  now: Date = new Date(),
): Promise<HousekeepingOutcome> {
  const outcome: HousekeepingOutcome = {
    sessionsDeleted: 0,
    throttleHitsDeleted: 0,
    objectsExamined: 0,
    objectsRemoved: 0,
  };
  const failures: unknown[] = [];
  try {
    outcome.sessionsDeleted = await deleteExpiredSessions(db, now);
  } catch (error) {
    failures.push(error);
  }
  try {
    outcome.throttleHitsDeleted = await deleteThrottleHitsBefore(db, new Date(now.getTime() - THROTTLE_HITS_KEPT_MS));
  } catch (error) {
    failures.push(error);
  }
  try {
    const sweep = await sweepOrphanObjects(db, storage, now);
    outcome.objectsExamined = sweep.examined;
    outcome.objectsRemoved = sweep.removed.length;
  } catch (error) {
    failures.push(error);
  }
  if (failures.length > 0) throw new AggregateError(failures, "Housekeeping failed in part");
  return outcome;
}
