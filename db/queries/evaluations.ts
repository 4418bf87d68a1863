// Queries of the evaluators' side: the candidacies a person is assigned to evaluate.
import { type Kysely, sql } from "kysely";
import type { Database } from "../schema";

/**
 * Candidacies whose assigned pair includes this evaluator, most recently changed first. The pair lives in the
 * workflow snapshot (the statechart owns it), so it is read from there.
 */
export async function listAssignedCandidacies(db: Kysely<Database>, evaluatorId: string) {
  const pair = sql`k.snapshot -> 'context' -> 'evaluation' -> 'pair'`;
  return db
    .selectFrom("candidacies as k")
    .innerJoin("users as u", "u.id", "k.candidate_id")
    .innerJoin("certifications as c", "c.id", "k.certification_id")
    .select([
      "k.id",
      "k.state",
      "k.snapshot",
      "k.requested_at as requestedAt",
      "k.created_at as createdAt",
      "k.updated_at as updatedAt",
      "u.full_name as candidateName",
      "c.title as certificationTitle",
      // The deadline of the first filing, as the durable timer holds it (a resubmission does not move it).
      sql<Date | null>`(select t.due_at from timers t where t.candidacy_id = k.id and t.kind = 'EVALUATION_OVERDUE'
        and t.cancelled_at is null order by t.due_at limit 1)`.as("evaluationDueAt"),
    ])
    .where((eb) =>
      eb.or([
        eb(sql<string>`${pair} ->> 'evaluatorAId'`, "=", evaluatorId),
        eb(sql<string>`${pair} ->> 'evaluatorBId'`, "=", evaluatorId),
      ]),
    )
    .orderBy("k.updated_at", "desc")
    .execute();
}
