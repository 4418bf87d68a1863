// The candidate's home: their candidacies (none until they file an admissibility request) and how VAE works.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { listCertifications } from "../../db/queries/referential";
import { GeneralErrorBoundary } from "~/components/status-page";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";

export const meta = () => [{ title: "Mes candidatures — Portail VAE" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "candidate");
  return json({ fullName: user.fullName, certifications: await listCertifications(await getDb()) });
}

export default function CandidateHome() {
  const { fullName, certifications } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      {params.get("bienvenue") ? (
        <div className="alert alert--success" role="status">
          Votre compte est créé. Bienvenue sur le portail VAE !
        </div>
      ) : null}
      <h1>Mes candidatures</h1>
      <p className="muted">Connecté en tant que {fullName}</p>
      <section className="card">
        <h2>Candidatures en cours</h2>
        <p className="empty">Vous n'avez pas encore de candidature.</p>
      </section>
      <section className="card">
        <h2>Avant de commencer</h2>
        <p>
          Lisez le référentiel du CQP visé : votre dossier décrira votre expérience pour chacune de ses compétences.
        </p>
        <ul>
          {certifications.map((c) => (
            <li key={c.code}>
              <Link to={`/certifications/${encodeURIComponent(c.code)}`}>{c.title}</Link>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
