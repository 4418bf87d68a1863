// Who may open which candidacy: the candidate their own; admissibility officers the requests filed with them;
// certifier staff every candidacy; an evaluator only those they are assigned to. Anyone else gets a 404 that does
// not say whether the candidacy exists.
import { json } from "@remix-run/node";
import { getCandidacySummary } from "../../db/queries/candidacies";
import type { Role } from "../../db/schema";
import { restoreSnapshot } from "../../workflows/candidacy-machine";
import { getDb } from "./db.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loadCandidacyFor(user: { id: string }, role: Role, candidacyId: string | undefined) {
  const notFound = () => json({ message: "Candidature introuvable." }, { status: 404 });
  if (!candidacyId || !UUID.test(candidacyId)) throw notFound();
  const candidacy = await getCandidacySummary(await getDb(), candidacyId);
  if (!candidacy) throw notFound();
  const context = restoreSnapshot(candidacy.snapshot).context;
  const allowed =
    (role === "candidate" && candidacy.candidateId === user.id) ||
    (role === "admissibility_officer" && candidacy.state !== "draft" && candidacy.candidateId !== user.id) ||
    role === "certifier_staff" ||
    (role === "evaluator" &&
      (context.evaluation.pair?.evaluatorAId === user.id || context.evaluation.pair?.evaluatorBId === user.id));
  if (!allowed) throw notFound();
  return { candidacy, context };
}
