// The certifier staff's home: the referentials in force and the portal's figures.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listReferentialVersions } from "../../db/queries/referential";
import { listUsersWithRoles } from "../../db/queries/users";
import { GeneralErrorBoundary } from "~/components/status-page";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";

export const meta = () => [{ title: "Certification — Portail VAE" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "certifier_staff");
  const db = await getDb();
  const [versions, evaluators] = await Promise.all([listReferentialVersions(db), listUsersWithRoles(db, { role: "evaluator" })]);
  return json({
    fullName: user.fullName,
    activeVersions: versions.filter((v) => v.status === "active"),
    activeEvaluatorCount: evaluators.filter((e) => e.isActive).length,
  });
}

export default function CertifierHome() {
  const { fullName, activeVersions, activeEvaluatorCount } = useLoaderData<typeof loader>();
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
        </li>
      </ul>
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
        <h2>Décisions à valider</h2>
        <p className="empty">Aucune décision d'évaluation n'attend votre validation.</p>
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
