// The certifier staff's home: the referentials in force, the portal's figures and the dashboard's charts.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { listEscalations } from "../../db/queries/candidacies";
import { listReferentialVersions } from "../../db/queries/referential";
import { listUsersWithRoles } from "../../db/queries/users";
import { DashboardCharts } from "~/components/dashboard-charts";
import { FormField } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
import { readDashboard } from "~/services/dashboard.server";
import { staffingOverview } from "~/services/evaluation-staffing.server";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDate } from "~/utils/format";

export const meta = () => [{ title: "Certification — Portail VAE" }];

// The period form's fields as the URL carries them; the service checks the dates and the certification, and says
// in French what it could not read.
const periodQuery = z.object({
  du: z.string().optional(),
  au: z.string().optional(),
  certification: z.string().optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "certifier_staff");
  const params = new URL(request.url).searchParams;
  const query = periodQuery.parse({
    du: params.get("du") ?? undefined,
    au: params.get("au") ?? undefined,
    certification: params.get("certification") ?? undefined,
  });
  const db = await getDb();
  const [versions, evaluators, escalations, staffing, dashboard] = await Promise.all([
    listReferentialVersions(db),
    listUsersWithRoles(db, { role: "evaluator" }),
    listEscalations(db, new Date()),
    staffingOverview(db),
    readDashboard(
      db,
      { userId: user.id, role: user.actingRole },
      { from: query.du, to: query.au, certificationId: query.certification },
    ),
  ]);
  if (!dashboard.ok) throw json({ message: dashboard.message }, { status: dashboard.status });
  return json({
    dashboard,
    fullName: user.fullName,
    activeVersions: versions.filter((v) => v.status === "active"),
    activeEvaluatorCount: evaluators.filter((e) => e.isActive).length,
    escalations,
    staffing,
  });
}

export default function CertifierHome() {
  const { fullName, activeVersions, activeEvaluatorCount, escalations, staffing, dashboard } =
    useLoaderData<typeof loader>();
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
      <section className="card" aria-labelledby="dashboard-heading">
        <h2 id="dashboard-heading">Tableau de bord</h2>
        <Form method="get" className="period-form" aria-label="Période et certification du tableau de bord">
          <FormField
            name="du"
            label="Du"
            type="date"
            defaultValue={dashboard.period.from}
            error={dashboard.fieldErrors.from}
          />
          <FormField
            name="au"
            label="Au"
            type="date"
            defaultValue={dashboard.period.to}
            error={dashboard.fieldErrors.to}
          />
          <div className={dashboard.fieldErrors.certificationId ? "field field--error" : "field"}>
            <label htmlFor="field-certification">Certification</label>
            <select
              id="field-certification"
              name="certification"
              defaultValue={dashboard.certificationId ?? ""}
              aria-invalid={dashboard.fieldErrors.certificationId ? true : undefined}
              aria-describedby={dashboard.fieldErrors.certificationId ? "field-certification-error" : undefined}
            >
              <option value="">Toutes les certifications</option>
              {dashboard.certifications.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.code} — {c.title}
                </option>
              ))}
            </select>
            {dashboard.fieldErrors.certificationId ? (
              <p className="field__error" id="field-certification-error" role="alert">
                {dashboard.fieldErrors.certificationId}
              </p>
            ) : null}
          </div>
          <button type="submit" className="button">
            Afficher
          </button>
        </Form>
        {dashboard.fieldErrors.from || dashboard.fieldErrors.to ? (
          <p className="muted">
            La période demandée n'a pas pu être lue : les graphiques portent sur les douze derniers mois.
          </p>
        ) : null}
        <DashboardCharts
          figures={dashboard}
          multipleCertifications={!dashboard.certificationId && dashboard.certifications.length > 1}
        />
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
