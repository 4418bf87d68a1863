// The admissibility officer's queue: requests to decide, oldest first, with the days left before two months of
// silence count as acceptance.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listCandidaciesInStates } from "../../db/queries/candidacies";
import { stateLabel } from "../../workflows/candidacy-machine";
import { GeneralErrorBoundary } from "~/components/status-page";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDate } from "~/utils/format";
import { TableScroll } from "~/components/table-scroll";

export const meta = () => [{ title: "Recevabilité — Portail VAE" }];

const DAY = 86_400_000;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "admissibility_officer");
  const db = await getDb();
  const now = Date.now();
  const rows = await listCandidaciesInStates(
    db,
    ["admissibility.pending", "admissibility.review", "admissibility.incomplete"],
    "ADMISSIBILITY_SILENCE",
  );
  return json({
    fullName: user.fullName,
    requests: rows.map((r) => ({
      ...r,
      stateLabel: stateLabel(r.state),
      daysLeft: r.deadline ? Math.ceil((new Date(r.deadline).getTime() - now) / DAY) : null,
    })),
  });
}

export default function OfficerHome() {
  const { fullName, requests } = useLoaderData<typeof loader>();
  const toDecide = requests.filter((r) => r.state !== "admissibility.incomplete");
  const waiting = requests.filter((r) => r.state === "admissibility.incomplete");
  return (
    <>
      <h1>Demandes de recevabilité</h1>
      <p className="muted">Connecté en tant que {fullName}</p>
      <section className="card">
        <h2>À traiter ({toDecide.length})</h2>
        <p>
          Chaque demande complète doit recevoir une réponse dans les deux mois : passé ce délai, le silence vaut
          acceptation.
        </p>
        <TableScroll label="Demandes de recevabilité à traiter">
          <table className="table">
            <caption className="visually-hidden">Demandes de recevabilité à traiter</caption>
            <thead>
              <tr>
                <th scope="col">Candidat</th>
                <th scope="col">Certification</th>
                <th scope="col">Reçue le</th>
                <th scope="col">Étape</th>
                <th scope="col">Réponse due le</th>
                <th scope="col">Jours restants</th>
              </tr>
            </thead>
            <tbody>
              {toDecide.length === 0 ? (
                <tr>
                  <td colSpan={6} className="empty">
                    Aucune demande en attente.
                  </td>
                </tr>
              ) : (
                toDecide.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link to={`/recevabilite/candidatures/${r.id}`}>{r.candidateName}</Link>
                    </td>
                    <td>{r.certificationTitle}</td>
                    <td>{r.requestedAt ? formatDate(r.requestedAt) : "—"}</td>
                    <td>{r.stateLabel}</td>
                    <td>{r.deadline ? formatDate(r.deadline) : "—"}</td>
                    <td>
                      {r.daysLeft === null ? (
                        "—"
                      ) : (
                        <span className={r.daysLeft <= 15 ? "badge badge--urgent" : "badge badge--active"}>
                          {r.daysLeft <= 0 ? "Échu" : `${r.daysLeft} j`}
                        </span>
                      )}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </TableScroll>
      </section>
      <section className="card">
        <h2>Incomplètes, en attente du candidat ({waiting.length})</h2>
        {waiting.length === 0 ? (
          <p className="empty">Aucune demande incomplète.</p>
        ) : (
          <ul>
            {waiting.map((r) => (
              <li key={r.id}>
                <Link to={`/recevabilite/candidatures/${r.id}`}>{r.candidateName}</Link> — {r.certificationTitle}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
