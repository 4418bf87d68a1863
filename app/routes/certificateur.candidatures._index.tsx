// Every candidacy for certifier staff, filterable by step.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { listAllCandidacies } from "../../db/queries/candidacies";
import { CANDIDACY_STATE_KEYS, stateLabel } from "../../workflows/candidacy-machine";
import { FilterBar, SelectFilter } from "~/components/filters";
import { GeneralErrorBoundary } from "~/components/status-page";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDate } from "~/utils/format";
import { TableScroll } from "~/components/table-scroll";

export const meta = () => [{ title: "Candidatures — Portail VAE" }];

const filterSchema = z.object({ etape: z.enum(CANDIDACY_STATE_KEYS).optional().catch(undefined) });

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "certifier_staff");
  const filter = filterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const rows = await listAllCandidacies(await getDb(), { state: filter.etape });
  return json({
    candidacies: rows.map((r) => ({ ...r, stateLabel: stateLabel(r.state) })),
    states: CANDIDACY_STATE_KEYS.map((key) => ({ key, label: stateLabel(key) })),
  });
}

export default function Candidacies() {
  const { candidacies, states } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Candidatures</h1>
      <FilterBar>
        <SelectFilter
          name="etape"
          label="Étape"
          allLabel="Toutes"
          options={states.map((st) => ({ value: st.key, label: st.label }))}
        />
      </FilterBar>
      <TableScroll label="Candidatures">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Candidat</th>
              <th scope="col">Certification</th>
              <th scope="col">Étape</th>
              <th scope="col">Demande déposée le</th>
              <th scope="col">Dernière activité</th>
            </tr>
          </thead>
          <tbody>
            {candidacies.length === 0 ? (
              <tr>
                <td colSpan={5} className="empty">
                  Aucune candidature.
                </td>
              </tr>
            ) : (
              candidacies.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/certificateur/candidatures/${c.id}`}>{c.candidateName}</Link>
                  </td>
                  <td>{c.certificationTitle}</td>
                  <td>{c.stateLabel}</td>
                  <td>{c.requestedAt ? formatDate(c.requestedAt) : "—"}</td>
                  <td>{formatDate(c.updatedAt)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
