// Liveness and readiness for load balancers: 200 when the database answers, 503 otherwise, always within
// HEALTH_TIMEOUT_MS, even when every connection of the pool is held or the database hangs.
import { json } from "@remix-run/node";
import { sql } from "kysely";
import { getDb } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";

/** Below the usual 5 s of a load balancer's health check. */
const HEALTH_TIMEOUT_MS = 2500;

// One probe at a time: while the database hangs, each check waits on the same probe instead of queueing one more
// query for a connection.
let probe: Promise<void> | undefined;

function probeDatabase(): Promise<void> {
  probe ??= (async () => {
    await sql`select 1`.execute(await getDb());
  })().finally(() => {
    probe = undefined;
  });
  return probe;
}

export async function loader() {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`The database did not answer within ${HEALTH_TIMEOUT_MS} ms`)),
      HEALTH_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([probeDatabase(), timeout]);
    return json({ status: "ok", database: "ok" }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    logger.warn({ err: error }, "Health check failed");
    return json(
      { status: "error", database: "unreachable" },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  } finally {
    clearTimeout(timer);
  }
}
