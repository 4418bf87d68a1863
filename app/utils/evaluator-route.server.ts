// What every evaluator page on one candidacy does first, and the shape its forms answer with: kept in one place so
// that the grid, the deliberation and the minutes authorize and answer alike.
import { json } from "@remix-run/node";
import type { Params } from "@remix-run/react";
import type { Capability } from "../../workflows/candidacy-access";
import { requireRole } from "./auth.server";
import { requireCandidacy } from "./candidacy-access.server";
import { getDb } from "./db.server";
import { parseIdParam } from "./http.server";

/** The signed-in evaluator and the candidacy of the URL, if they are on it (404 otherwise, 403 for another role). */
export async function requireEvaluatorCandidacy(
  request: Request,
  params: Params,
  capability: Capability = "candidacy.view",
) {
  const user = await requireRole(request, "evaluator");
  const candidacyId = parseIdParam(params, "candidacyId", "Candidature introuvable.");
  await requireCandidacy(user, "evaluator", params, capability);
  return { user, candidacyId, db: await getDb() };
}

/** What an evaluator form answers: which form, its error, the fields in error and the values typed, kept. */
export interface EvaluatorFormAnswer {
  intent: string;
  formError: string | null;
  fieldErrors: Record<string, string>;
  values: Record<string, string>;
  done: boolean;
}

/** An answer builder filling what a form left out; `extra` holds a page's own fields with their defaults. */
export function formAnswer<Extra extends object = Record<never, never>>(extra: Extra = {} as Extra) {
  type Answer = EvaluatorFormAnswer & Extra;
  return (data: Partial<Answer> & { intent: string }, status = 200) =>
    json<Answer>({ formError: null, fieldErrors: {}, values: {}, done: false, ...extra, ...data } as Answer, {
      status,
    });
}
