// The public presentation of a CQP: the first page a candidate reads before applying.
import { type LoaderFunctionArgs, type MetaFunction, json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { findActiveReferentialId, getReferentialVersion } from "../../db/queries/referential";
import { BlocsView, ValidationRule, VaeSteps } from "~/components/referential-view";
import { GeneralErrorBoundary } from "~/components/status-page";
import { getDb } from "~/utils/db.server";

export async function loader({ params }: LoaderFunctionArgs) {
  const db = await getDb();
  const id = await findActiveReferentialId(db, params.code ?? "");
  const referential = id ? await getReferentialVersion(db, id) : null;
  if (!referential) throw json({ message: "Certification inconnue." }, { status: 404 });
  return json({ referential });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `CQP ${data.referential.certification.title} — Portail VAE` : "Certification — Portail VAE" },
];

export default function CertificationPage() {
  const { referential } = useLoaderData<typeof loader>();
  const { certification } = referential;
  const competencyCount = referential.blocs.reduce((n, b) => n + b.competencies.length, 0);
  return (
    <>
      <p className="eyebrow">Certificat de qualification professionnelle — {certification.sector}</p>
      <h1>{certification.title}</h1>
      <p className="lead">{certification.purpose}</p>
      <ul className="facts facts--inline">
        <li>
          <strong>{referential.blocs.length}</strong> blocs de compétences
        </li>
        <li>
          <strong>{competencyCount}</strong> compétences
        </li>
        <li>{certification.hierarchicalPosition}</li>
        <li>Référentiel version {referential.version}</li>
      </ul>
      <section className="card">
        <h2>Obtenir ce CQP par la VAE</h2>
        <VaeSteps steps={referential.vaeSteps} />
        <p>
          <Link className="button" to="/inscription">
            Créer mon compte candidat
          </Link>
        </p>
      </section>
      <ValidationRule referential={referential} />
      <BlocsView referential={referential} />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
