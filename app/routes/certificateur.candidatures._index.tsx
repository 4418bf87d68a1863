// Every candidacy for certifier staff (filters, search, counters, deadlines at risk, keyset pages and the CSV export
// of the filtered list, all in the query string: /certificateur/candidatures?risque=1&apres=<cursor>), and the queue
// "à pourvoir" (?file=a-pourvoir): filed dossiers waiting for their pair of evaluators, and evaluations with a vacant
// evaluator to replace, the nearest deadline first.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { CANDIDACY_STATE_KEYS, stateLabel } from "../../workflows/candidacy-machine";
import { DeadlineBadge, QueueFilters, QueuePager, StateCounters, useQueueHref } from "~/components/candidacy-queue";
import { candidacyRegistry } from "~/services/candidacy-queues.server";
import { GeneralErrorBoundary } from "~/components/status-page";
import { sessionsToSchedule, staffingQueue } from "~/services/evaluation-staffing.server";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDate } from "~/utils/format";
import { TableScroll } from "~/components/table-scroll";

export const meta = () => [{ title: "Candidatures — Portail VAE" }];

const STATE_CHOICES = CANDIDACY_STATE_KEYS.map((key) => ({ value: key, label: stateLabel(key) }));

const queueSchema = z.object({ file: z.enum(["a-pourvoir"]).optional().catch(undefined) });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "certifier_staff");
  const query = new URL(request.url).searchParams;
  const { file } = queueSchema.parse(Object.fromEntries(query));
  const db = await getDb();
  const queue = await staffingQueue(db);
  const toSchedule = file ? await sessionsToSchedule(db) : [];
  const registry = file ? null : await candidacyRegistry(db, user, query);
  if (registry && !registry.ok) throw json({ message: registry.message }, { status: registry.status });
  return json({
    showQueue: file === "a-pourvoir",
    toSchedule,
    queue: queue.map((r) => ({ ...r, stateLabel: stateLabel(r.state) })),
    registry,
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
  const { registry, queue, showQueue, toSchedule } = useLoaderData<typeof loader>();
  if (showQueue || !registry) {
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
  return <Registry registry={registry} queueCount={queue.length} />;
}

type RegistryData = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["registry"]>;

function Registry({ registry, queueCount }: { registry: RegistryData; queueCount: number }) {
  const href = useQueueHref();
  const exportHref = href({ apres: null }).replace(
    "/certificateur/candidatures",
    "/certificateur/candidatures/export.csv",
  );
  const atRisk = registry.values.risque === "1";
  return (
    <>
      <h1>Candidatures</h1>
      <QueueLink count={queueCount} />
      <p>
        <Link to={href({ risque: atRisk ? null : "1", tri: null, apres: null })}>
          {atRisk ? "Toutes les candidatures" : "Échéances à risque (7 jours ou moins, ou dépassées)"}
        </Link>
      </p>
      <StateCounters label="Candidatures par état" counters={registry.counters} />
      <QueueFilters
        values={registry.values}
        fieldErrors={registry.fieldErrors}
        states={STATE_CHOICES}
        certifications={registry.certifications}
        officers={registry.officers}
      >
        <label className="checkbox">
          <input type="checkbox" name="risque" value="1" defaultChecked={atRisk} /> Échéances à risque
        </label>
        <label>
          Tri
          <select name="tri" defaultValue={registry.values.tri}>
            <option value="recent">Dernière activité d'abord</option>
            <option value="echeance">Échéance la plus proche d'abord</option>
          </select>
        </label>
      </QueueFilters>
      <p className="muted" role="status">
        {registry.total.text} candidature{registry.total.count > 1 ? "s" : ""} correspondent
        {registry.values.tri === "echeance"
          ? " ; triées par échéance, seules celles qui ont une échéance en cours sont listées"
          : ""}
        .{" "}
        <a href={exportHref} download>
          Exporter en CSV
        </a>
      </p>
      <TableScroll label="Candidatures">
        <table className="table">
          <caption className="visually-hidden">Candidatures</caption>
          <thead>
            <tr>
              <th scope="col">Candidat</th>
              <th scope="col">Certification</th>
              <th scope="col">Étape</th>
              <th scope="col">Demande déposée le</th>
              <th scope="col">Dernière activité</th>
              <th scope="col">Échéance</th>
              <th scope="col">Jours restants</th>
            </tr>
          </thead>
          <tbody>
            {registry.rows.length === 0 ? (
              <tr>
                <td colSpan={7} className="empty">
                  Aucune candidature ne correspond.
                </td>
              </tr>
            ) : (
              registry.rows.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/certificateur/candidatures/${c.id}`}>{c.candidateName}</Link>
                  </td>
                  <td>{c.certificationTitle}</td>
                  <td>{c.stateLabel}</td>
                  <td>{c.requestedAt ? formatDate(c.requestedAt) : "—"}</td>
                  <td>{formatDate(c.updatedAt)}</td>
                  <td>{c.deadline ? `${c.deadlineLabel} : ${formatDate(c.deadline)}` : "—"}</td>
                  <td>
                    <DeadlineBadge daysLeft={c.daysLeft} atRisk={c.atRisk} />
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </TableScroll>
      <QueuePager next={registry.next} isFirstPage={registry.isFirstPage} />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
