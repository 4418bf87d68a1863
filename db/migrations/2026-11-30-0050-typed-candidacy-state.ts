// The database itself refuses a candidacy state the statechart does not have (version 2 adds "minutes"), so that
// a query on `state` can trust its values. The list is frozen here as the migration's own data.
import { type Kysely, sql } from "kysely";

const STATES_V2 = [
  "draft",
  "admissibility.pending",
  "admissibility.review",
  "admissibility.incomplete",
  "admissible",
  "inadmissible",
  "dossier.inProgress",
  "dossier.submitted",
  "evaluation",
  "deliberation",
  "minutes",
  "decided",
  "certified",
  "closed",
  "withdrawn",
  "lapsed",
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table candidacies add constraint candidacies_state_known check (state in (${sql.join(
    STATES_V2.map((state) => sql.lit(state)),
  )}))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table candidacies drop constraint candidacies_state_known`.execute(db);
}
