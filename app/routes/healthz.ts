// Liveness and readiness for load balancers: 200 when the database answers, 503 otherwise.
import { json } from "@remix-run/node";
import { sql } from "kysely";
import { getDb } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";

export async function loader() {
  try {
    const db = await getDb();
    await sql`select 1`.execute(db);
    return json({ status: "ok", database: "ok" }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    logger.warn({ err: error }, "Health check failed");
    return json({ status: "error", database: "unreachable" }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
}
