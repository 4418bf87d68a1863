import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listCertifications } from "../../db/queries/referential";
import { getDb } from "~/utils/db.server";

export async function loader() {
  return json({ certifications: await listCertifications(await getDb()) });
}

export default function Home() {
  const { certifications } = useLoaderData<typeof loader>();
  return (
    <>
      <section className="hero">
        <h1>Faites reconnaître votre expérience</h1>
        <p className="lead">
          La validation des acquis de l'expérience (VAE) permet d'obtenir tout ou partie d'un certificat de
          qualification professionnelle (CQP) de la filière alimentaire grâce à votre expérience, sans repasser par une
          formation.
        </p>
        <p>
          <Link className="button" to="/inscription">
            Créer mon compte candidat
          </Link>{" "}
          <Link className="button button--ghost" to="/connexion">
            J'ai déjà un compte
          </Link>
        </p>
      </section>
      <section className="card">
        <h2>La VAE en trois étapes</h2>
        <ol className="steps">
          <li>
            <strong>Recevabilité</strong> : vous déposez votre demande et les justificatifs de votre expérience ;
            l'organisme évaluateur VAE décide si elle est recevable.
          </li>
          <li>
            <strong>Dossier déclaratif</strong> : vous décrivez votre expérience pour chaque compétence du référentiel
            et joignez vos pièces justificatives.
          </li>
          <li>
            <strong>Évaluation</strong> : deux professionnels évaluateurs, qui ne vous connaissent pas, examinent votre
            dossier. Chaque bloc de compétences validé vous reste acquis.
          </li>
        </ol>
      </section>
      <section>
        <h2>Certifications proposées</h2>
        {certifications.length === 0 ? (
          <p className="empty">Aucune certification n'est proposée pour le moment.</p>
        ) : (
          <ul className="cards">
            {certifications.map((c) => (
              <li key={c.code} className="card">
                <h3>{c.title}</h3>
                <p className="muted">{c.sector}</p>
                <Link to={`/certifications/${encodeURIComponent(c.code)}`}>Lire le référentiel du CQP</Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
