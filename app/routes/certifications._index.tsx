import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listCertifications } from "../../db/queries/referential";
import { getDb } from "~/utils/db.server";

export const meta = () => [{ title: "Les CQP proposés — Portail VAE" }];

export async function loader() {
  return json({ certifications: await listCertifications(await getDb()) });
}

export default function Certifications() {
  const { certifications } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Les CQP proposés en VAE</h1>
      {certifications.length === 0 ? (
        <p className="empty">Aucune certification n'est proposée pour le moment.</p>
      ) : (
        <ul className="cards">
          {certifications.map((c) => (
            <li key={c.code} className="card">
              <h2>{c.title}</h2>
              <p className="muted">
                {c.sector}
                {c.activeVersion ? ` — référentiel ${c.activeVersion}` : ""}
              </p>
              <Link to={`/certifications/${encodeURIComponent(c.code)}`}>Lire le référentiel</Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
