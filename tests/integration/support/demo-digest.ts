// What a demo load must repeat for a seed, as plain JSON (dates as ISO strings, candidacy ids left out: ids are
// random, everything else is drawn from the seed).
import type { Kysely } from "kysely";
import { demoEmailSuffix } from "../../../app/services/demo-data";
import { demoDigestRows } from "../../../db/queries/demo-data";
import type { Database } from "../../../db/schema";

export async function demoDigest(db: Kysely<Database>, seed: string) {
  const rows = await demoDigestRows(db, demoEmailSuffix(seed));
  return JSON.parse(
    JSON.stringify({
      candidacies: rows.candidacies.map(({ id: _id, ...rest }) => rest),
      events: rows.events,
      scores: rows.scores,
      decisions: rows.decisions,
    }),
  );
}
