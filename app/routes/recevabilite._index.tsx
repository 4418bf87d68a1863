// The admissibility officer's queue: requests to answer (the fewest days left before two months of silence count as
// acceptance first), incomplete ones, and decided ones; filters, search, counters and keyset pages, all in the
// query string (e.g. /recevabilite?vue=decidees&q=dupont&apres=<cursor>), so it works without JavaScript.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DeadlineBadge, QueueFilters, QueuePager, StateCounters, useQueueHref } from "~/components/candidacy-queue";
import { GeneralErrorBoundary } from "~/components/status-page";
import { TableScroll } from "~/components/table-scroll";
import { officerQueue } from "~/services/candidacy-queues.server";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDate } from "~/utils/format";

export const meta = () => [{ title: "Recevabilité — Portail VAE" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "admissibility_officer");
  const queue = await officerQueue(await getDb(), user, new URL(request.url).searchParams);
  if (!queue.ok) throw json({ message: queue.message }, { status: queue.status });
  return json({ fullName: user.fullName, ...queue });
}

const VIEW_LABELS = {
  "a-traiter": "À traiter",
  incompletes: "Incomplètes",
  decidees: "Décidées",
} as const;

const VIEW_INTROS = {
  "a-traiter":
    "Chaque demande complète doit recevoir une réponse dans les deux mois : passé ce délai, le silence vaut acceptation. Les demandes les plus proches de l'échéance d'abord.",
  incompletes: "Demandes déclarées incomplètes, en attente des pièces du candidat. Les plus récentes d'abord.",
  decidees: "Demandes dont la recevabilité a été décidée, et la suite de ces candidatures. Les plus récentes d'abord.",
} as const;

export default function OfficerQueue() {
  const data = useLoaderData<typeof loader>();
  const href = useQueueHref();
  const caption = `Demandes de recevabilité — ${VIEW_LABELS[data.view].toLowerCase()}`;
  const toDecide = data.view === "a-traiter";
  return (
    <>
      <h1>Demandes de recevabilité</h1>
      <p className="muted">Connecté en tant que {data.fullName}</p>
      <nav aria-label="Vues des demandes">
        <ul className="tabs">
          {data.views.map((v) => (
            <li key={v.view}>
              <Link
                to={href({ vue: v.view, etat: null, apres: null })}
                aria-current={v.view === data.view ? "page" : undefined}
              >
                {VIEW_LABELS[v.view]} ({v.text})
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <StateCounters label="Demandes par état" counters={data.counters} />
      <QueueFilters
        values={data.values}
        fieldErrors={data.fieldErrors}
        states={data.stateChoices}
        certifications={data.certifications}
        officers={data.officers}
      >
        <input type="hidden" name="vue" value={data.view} />
      </QueueFilters>
      <section className="card">
        <h2>{VIEW_LABELS[data.view]}</h2>
        <p>{VIEW_INTROS[data.view]}</p>
        <TableScroll label={caption}>
          <table className="table">
            <caption className="visually-hidden">{caption}</caption>
            <thead>
              <tr>
                <th scope="col">Candidat</th>
                <th scope="col">Certification</th>
                <th scope="col">Reçue le</th>
                <th scope="col">État</th>
                {toDecide ? (
                  <>
                    <th scope="col">Réponse due le</th>
                    <th scope="col">Jours restants</th>
                  </>
                ) : (
                  <th scope="col">Dernière activité</th>
                )}
                <th scope="col">Chargé de recevabilité</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.length === 0 ? (
                <tr>
                  <td colSpan={toDecide ? 7 : 6} className="empty">
                    Aucune demande ne correspond.
                  </td>
                </tr>
              ) : (
                data.rows.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link to={`/recevabilite/candidatures/${r.id}`}>{r.candidateName}</Link>
                    </td>
                    <td>{r.certificationTitle}</td>
                    <td>{r.requestedAt ? formatDate(r.requestedAt) : "—"}</td>
                    <td>{r.stateLabel}</td>
                    {toDecide ? (
                      <>
                        <td>{r.deadline ? formatDate(r.deadline) : "—"}</td>
                        <td>
                          <DeadlineBadge daysLeft={r.daysLeft} atRisk={r.atRisk} />
                        </td>
                      </>
                    ) : (
                      <td>{formatDate(r.updatedAt)}</td>
                    )}
                    <td>{r.officerName ?? "—"}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </TableScroll>
        <QueuePager next={data.next} isFirstPage={data.isFirstPage} />
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
