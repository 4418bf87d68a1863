// The evaluator's home: the dossiers assigned to them, each with its filed version to read (and download as PDF
// or as a ZIP of evidence). Scoring itself is sent to the workflow through the evaluation service.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listAssignedCandidacies } from "../../db/queries/evaluations";
import { stateLabel } from "../../workflows/candidacy-machine";
import { restoreSnapshot } from "../../workflows/candidacy-snapshot";
import { GeneralErrorBoundary } from "~/components/status-page";
import { candidacyReference } from "~/services/email-delivery.server";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDate } from "~/utils/format";

export const meta = () => [{ title: "Mes évaluations — Portail VAE" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "evaluator");
  const rows = await listAssignedCandidacies(await getDb(), user.id);
  return json({
    fullName: user.fullName,
    assignments: rows.map((row) => {
      const context = restoreSnapshot(row.snapshot).context;
      return {
        id: row.id,
        reference: candidacyReference(row.id, row.requestedAt, row.createdAt),
        candidateName: row.candidateName,
        certificationTitle: row.certificationTitle,
        stateLabel: stateLabel(row.state),
        filedVersion: context.dossier.currentVersion,
        evaluationDueBy: row.evaluationDueAt ? new Date(row.evaluationDueAt).toISOString() : null,
      };
    }),
  });
}

export default function EvaluatorHome() {
  const { fullName, assignments } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Mes évaluations</h1>
      <p className="muted">Connecté en tant que {fullName}</p>
      <section className="card">
        <h2>Dossiers qui vous sont attribués</h2>
        <p>
          Vous lisez la version déposée du dossier, telle que le candidat l'a figée. Vos notes restent invisibles de
          l'autre évaluateur jusqu'à ce que vous ayez tous deux soumis.
        </p>
        {assignments.length === 0 ? (
          <p className="empty">Aucun dossier ne vous est attribué pour le moment.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Candidature</th>
                <th scope="col">Certification</th>
                <th scope="col">Étape</th>
                <th scope="col">Évaluation à terminer avant le</th>
                <th scope="col">Dossier</th>
              </tr>
            </thead>
            <tbody>
              {assignments.map((a) => (
                <tr key={a.id}>
                  <td>
                    {a.candidateName}
                    <div className="muted">{a.reference}</div>
                  </td>
                  <td>{a.certificationTitle}</td>
                  <td>{a.stateLabel}</td>
                  <td>{a.evaluationDueBy ? formatDate(a.evaluationDueBy) : "—"}</td>
                  <td>
                    {a.filedVersion > 0 ? (
                      <Link to={`/dossiers/${a.id}`}>Lire la version {a.filedVersion}</Link>
                    ) : (
                      "Pas encore déposé"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
