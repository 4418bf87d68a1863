// The route side of the capability table (workflows/candidacy-access.ts): every loader and action on a candidacy
// loads it through `requireCandidacy`, which answers 404 to whoever is not involved in it (the same answer as an
// id that does not exist or is malformed), 403 to a role that may not do this, and 409 when it is not the time.
import { json } from "@remix-run/node";
import type { Params } from "@remix-run/react";
import { getCandidacySummary } from "../../db/queries/candidacies";
import type { Role } from "../../db/schema";
import { type Capability, can, capabilitiesOf } from "../../workflows/candidacy-access";
import { restoreSnapshot } from "../../workflows/candidacy-snapshot";
import { getDb } from "./db.server";
import { isUuid } from "./http.server";

const NOT_FOUND = "Candidature introuvable.";

/**
 * The candidacy named by `params.candidacyId` (or an id), if `user` acting as `role` holds `capability` on it;
 * throws the refusal as a Response otherwise. `allows` tells the other capabilities, for the page's buttons.
 */
export async function requireCandidacy(
  user: { id: string },
  role: Role,
  params: Params | string | undefined,
  capability: Capability = "candidacy.view",
) {
  const candidacyId = typeof params === "string" || params === undefined ? params : params.candidacyId;
  if (!isUuid(candidacyId)) throw json({ message: NOT_FOUND }, { status: 404 });
  const candidacy = await getCandidacySummary(await getDb(), candidacyId.toLowerCase());
  if (!candidacy) throw json({ message: NOT_FOUND }, { status: 404 });
  const snapshot = restoreSnapshot(candidacy.snapshot);
  const actor = { userId: user.id, role };
  const visible = can(snapshot, actor, "candidacy.view");
  if (!visible.ok) throw json({ message: visible.message }, { status: visible.status });
  const permission = can(snapshot, actor, capability);
  if (!permission.ok) throw json({ message: permission.message }, { status: permission.status });
  const capabilities = capabilitiesOf(snapshot, actor);
  return {
    candidacy,
    snapshot,
    context: snapshot.context,
    capabilities,
    allows: (other: Capability) => capabilities[other],
  };
}

/** The candidacy if `user` may see it as `role`; 404 otherwise. Kept for the pages that only read. */
export async function loadCandidacyFor(user: { id: string }, role: Role, candidacyId: string | undefined) {
  return requireCandidacy(user, role, candidacyId, "candidacy.view");
}
