// The certifier staff's home: the referentials in force and the portal's figures.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listEscalations } from "../../db/queries/candidacies";
import { listReferentialVersions } from "../../db/queries/referential";
import { listUsersWithRoles } from "../../db/queries/users";
import { GeneralErrorBoundary } from "~/components/status-page";
import { staffingOverview } from "~/services/evaluation-staffing.server";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDate } from "~/utils/format";

export const meta = () => [{ title: "Certification — Portail VAE" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "certifier_staff");
  const db = await getDb();
  const [versions, evaluators, escalations, staffing] = await Promise.all([
    listReferentialVersions(db),
    listUsersWithRoles(db, { role: "evaluator" }),
    listEscalations(db, new Date()),
    staffingOverview(db),
  ]);
  return json({
    fullName: user.fullName,
    activeVersions: versions.filter((v) => v.status === "active"),
    activeEvaluatorCount: evaluators.filter((e) => e.isActive).length,
    escalations,
    staffing,
  });
}

export default function CertifierHome() {
  const { fullName, activeVersions, activeEvaluatorCount, escalations, staffing } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Espace certificateur</h1>
      <p className="muted">Connecté en tant que {fullName}</p>
      <ul className="stats">
        <li>
          <strong>{activeVersions.length}</strong> référentiel(s) en vigueur
        </li>
        <li>
          <strong>{activeEvaluatorCount}</strong> évaluateur(s) actif(s) dans le vivier
          <Link to="/certificateur/evaluateurs">Gérer le vivier d'évaluateurs</Link>
        </li>
        <li>
          <strong>{escalations.length}</strong> délai(s) dépassé(s)
        </li>
      </ul>
      <p>
        <Link to="/certificateur/certificats">Registre des certificats délivrés</Link>
      </p>
      <section className="card">
        <h2>Référentiels en vigueur</h2>
        <ul>
          {activeVersions.map((v) => (
            <li key={v.id}>
              <Link to={`/certificateur/referentiels/${v.id}`}>
                {v.certificationTitle} — version {v.version}
              </Link>{" "}
              <span className="muted">({v.competencyCount} compétences)</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="card">
        <h2>Délais dépassés ({escalations.length})</h2>
        {escalations.length === 0 ? (
          <p className="empty">Aucun délai dépassé.</p>
        ) : (
          <ul>
            {escalations.map((e) => (
              <li key={`${e.candidacyId}-${e.kind}`}>
                <span className="badge badge--urgent">
                  {e.kind === "EVALUATION_OVERDUE" ? "Évaluation hors délai" : "Résultat non notifié sous 15 jours"}
                </span>{" "}
                <Link to={`/certificateur/candidatures/${e.candidacyId}`}>{e.candidateName}</Link> — échéance du{" "}
                {formatDate(e.dueAt)}
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link to="/certificateur/candidatures">Toutes les candidatures</Link>
        </p>
      </section>
      <section className="card">
        <h2>Évaluations à organiser</h2>
        <p>
          <Link to="/certificateur/candidatures?file=a-pourvoir">
            {staffing.awaitingEvaluators} dossier{staffing.awaitingEvaluators > 1 ? "s" : ""} en attente d'évaluateurs
          </Link>
        </p>
        <h3>Échéances à risque ({staffing.lateSessions.length})</h3>
        {staffing.lateSessions.length === 0 ? (
          <p className="empty">Aucune séance fixée après la fin du troisième mois suivant le dépôt du dossier.</p>
        ) : (
          <ul>
            {staffing.lateSessions.map((s) => (
              <li key={s.candidacyId}>
                <span className="badge badge--urgent">Séance après l'échéance</span>{" "}
                <Link to={`/certificateur/candidatures/${s.candidacyId}`}>{s.candidateName}</Link> — séance le{" "}
                {formatDate(s.startsAt)} ; motif : « {s.lateReason} »
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
