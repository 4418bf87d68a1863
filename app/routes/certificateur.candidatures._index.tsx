// Every candidacy for certifier staff, filterable by step, and the queue "à pourvoir": filed dossiers waiting for
// their pair of evaluators, and evaluations with a vacant evaluator to replace, the nearest deadline first.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { listAllCandidacies } from "../../db/queries/candidacies";
import { CANDIDACY_STATE_KEYS, stateLabel } from "../../workflows/candidacy-machine";
import { FilterBar, SelectFilter } from "~/components/filters";
import { GeneralErrorBoundary } from "~/components/status-page";
import { sessionsToSchedule, staffingQueue } from "~/services/evaluation-staffing.server";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDate } from "~/utils/format";
import { TableScroll } from "~/components/table-scroll";

export const meta = () => [{ title: "Candidatures — Portail VAE" }];

const filterSchema = z.object({
  etape: z.enum(CANDIDACY_STATE_KEYS).optional().catch(undefined),
  file: z.enum(["a-pourvoir"]).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "certifier_staff");
  const filter = filterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const db = await getDb();
  const queue = await staffingQueue(db);
  const rows = filter.file ? [] : await listAllCandidacies(db, { state: filter.etape });
  const toSchedule = filter.file ? await sessionsToSchedule(db) : [];
  return json({
    showQueue: filter.file === "a-pourvoir",
    toSchedule,
    queue: queue.map((r) => ({ ...r, stateLabel: stateLabel(r.state) })),
    candidacies: rows.map((r) => ({ ...r, stateLabel: stateLabel(r.state) })),
    states: CANDIDACY_STATE_KEYS.map((key) => ({ key, label: stateLabel(key) })),
  });
}

const NEED_LABELS = {
  pair: "Binôme à désigner",
  A: "Évaluateur A à remplacer",
  B: "Évaluateur B à remplacer",
} as const;

/** The deadline is the first instant after the 3rd month: the last day to hold the session is the day before. */
const lastDay = (deadline: string | Date) => new Date(new Date(deadline).getTime() - 1).toISOString().slice(0, 10);

function Queue({ queue }: { queue: ReturnType<typeof useLoaderData<typeof loader>>["queue"] }) {
  if (queue.length === 0) return <p className="empty">Aucun dossier n'attend d'évaluateur.</p>;
  return (
    <ul className="cards" aria-label="Dossiers à pourvoir">
      {queue.map((c) => (
        <li key={c.id} className="card">
          <p>
            <Link to={`/certificateur/candidatures/${c.id}`}>{c.candidateName}</Link> — {c.certificationTitle}
          </p>
          <p>
            <span className={c.vacancy === "pair" ? "badge" : "badge badge--urgent"}>{NEED_LABELS[c.vacancy]}</span>
          </p>
          <p className="muted">
            {c.deadline ? `Évaluation au plus tard le ${formatDate(lastDay(c.deadline))}` : "Échéance non calculée"}
          </p>
        </li>
      ))}
    </ul>
  );
}

function QueueLink({ count }: { count: number }) {
  return (
    <p>
      <Link to="/certificateur/candidatures?file=a-pourvoir">
        À pourvoir : {count} dossier{count > 1 ? "s" : ""} en attente d'évaluateurs
      </Link>
    </p>
  );
}

export default function Candidacies() {
  const { candidacies, states, queue, showQueue, toSchedule } = useLoaderData<typeof loader>();
  if (showQueue) {
    return (
      <>
        <p>
          <Link to="/certificateur/candidatures">← Toutes les candidatures</Link>
        </p>
        <h1>Candidatures à pourvoir</h1>
        <p className="muted">
          Dossiers déposés en attente de leur binôme d'évaluateurs, et évaluations dont un évaluateur s'est retiré,
          l'échéance la plus proche d'abord.
        </p>
        <Queue queue={queue} />
        <h2>Séances à fixer</h2>
        <p className="muted">
          Évaluations sans date d'entretien avec le jury, ou dont le candidat était excusé ou absent.
        </p>
        {toSchedule.length === 0 ? (
          <p className="empty">Aucune séance à fixer.</p>
        ) : (
          <ul className="cards" aria-label="Séances à fixer">
            {toSchedule.map((c) => (
              <li key={c.id} className="card">
                <p>
                  <Link to={`/certificateur/candidatures/${c.id}`}>{c.candidateName}</Link> — {c.certificationTitle}
                </p>
                <p>
                  <span className="badge">
                    {c.attendance === "excused"
                      ? "Candidat excusé : nouvelle date à fixer"
                      : c.attendance === "absent"
                        ? "Candidat absent : suite à décider"
                        : "Première date à fixer"}
                  </span>
                </p>
                <p className="muted">
                  {c.deadline
                    ? `Évaluation au plus tard le ${formatDate(lastDay(c.deadline))}`
                    : "Échéance non calculée"}
                </p>
              </li>
            ))}
          </ul>
        )}
      </>
    );
  }
  return (
    <>
      <h1>Candidatures</h1>
      <QueueLink count={queue.length} />
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
