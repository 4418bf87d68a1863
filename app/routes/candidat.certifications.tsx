// The candidate's certificates: every bloc held across their candidacies with the attestation that proves it, the
// documents issued (certificate or attestation, editions, duplicates, revoked ones) with their PDF and signed
// credential, and the validations whose documents are still being issued.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/status-page";
import { TableScroll } from "~/components/table-scroll";
import { listCandidateCertificates } from "~/services/certificates.server";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDate } from "~/utils/format";

export const meta = () => [{ title: "Mes certifications — Portail VAE" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "candidate");
  const overview = await listCandidateCertificates(await getDb(), { userId: user.id, role: "candidate" });
  if (!overview.ok) throw json({ message: overview.message }, { status: overview.status });
  return json(overview);
}

type Overview = Extract<ReturnType<typeof useLoaderData<typeof loader>>, { ok: true }>;

const SOURCE_LABELS: Record<string, string> = {
  prior_certificate: "acquis sur certificat antérieur",
  evaluation: "obtenu à l'issue d'une évaluation",
};

function CertificateCard({ certificate }: { certificate: Overview["certificates"][number] }) {
  const latest = certificate.editions.at(-1);
  return (
    <li className="card" aria-labelledby={`certificate-${certificate.id}`}>
      <h3 id={`certificate-${certificate.id}`}>
        {certificate.label} n° {certificate.number}
      </h3>
      <p>
        {certificate.certificationTitle} — délivré le {formatDate(certificate.issuedAt)}{" "}
        {certificate.revokedAt ? (
          <span className="badge badge--urgent">révoqué le {formatDate(certificate.revokedAt)}</span>
        ) : (
          <span className="badge badge--active">valide</span>
        )}
      </p>
      {certificate.revokedAt && certificate.revocationReason ? (
        <p>Motif de la révocation : {certificate.revocationReason}</p>
      ) : null}
      {latest ? (
        <p>
          <a href={`/certificats/${certificate.id}/pdf`} download>
            Télécharger le PDF{certificate.editions.length > 1 ? ` (édition ${latest.edition})` : ""}
          </a>{" "}
          ·{" "}
          <a href={`/certificats/${certificate.id}/credential`} download>
            Télécharger l'attestation numérique (.jwt)
          </a>
        </p>
      ) : null}
      {certificate.editions.length > 1 ? (
        <>
          <h4>Éditions</h4>
          <ul>
            {certificate.editions.map((e) => (
              <li key={e.edition}>
                <a href={`/certificats/${certificate.id}/pdf?edition=${e.edition}`} download>
                  Édition {e.edition}
                </a>{" "}
                du {formatDate(e.createdAt)}
                {e.duplicate ? <span className="badge"> duplicata</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </li>
  );
}

export default function CandidateCertificates() {
  const { blocsHeld, certificates, pending } = useLoaderData<typeof loader>();
  return (
    <>
      <p>
        <Link to="/candidat">← Mes candidatures</Link>
      </p>
      <h1>Mes certifications</h1>
      <p>
        Vos blocs de compétences vous restent acquis d'une candidature à l'autre. Chaque document porte un code de
        vérification : un employeur peut le vérifier sur la page publique{" "}
        <Link to="/verifier">Vérifier un certificat</Link>, sans compte.
      </p>

      {pending.length > 0 ? (
        <section className="card" aria-labelledby="pending-heading">
          <h2 id="pending-heading">En cours d'émission</h2>
          <ul>
            {pending.map((p) => (
              <li key={p.candidacyId}>
                {p.certificationTitle} : décision validée, document en cours d'émission. Il apparaîtra ici dans quelques
                instants.
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="card" aria-labelledby="documents-heading">
        <h2 id="documents-heading">Mes documents</h2>
        {certificates.length === 0 ? (
          <p className="empty">Aucun certificat ni aucune attestation ne vous a encore été délivré.</p>
        ) : (
          <ul className="cards">
            {certificates.map((c) => (
              <CertificateCard key={c.id} certificate={c} />
            ))}
          </ul>
        )}
      </section>

      <section className="card" aria-labelledby="blocs-heading">
        <h2 id="blocs-heading">Mes blocs de compétences acquis</h2>
        {blocsHeld.length === 0 ? (
          <p className="empty">Vous ne détenez encore aucun bloc de compétences.</p>
        ) : (
          <TableScroll label="Mes blocs de compétences acquis">
            <table className="table">
              <caption className="visually-hidden">Blocs de compétences acquis et document qui les atteste</caption>
              <thead>
                <tr>
                  <th scope="col">Certification</th>
                  <th scope="col">Bloc</th>
                  <th scope="col">Acquis le</th>
                  <th scope="col">Document</th>
                </tr>
              </thead>
              <tbody>
                {blocsHeld.map((b) => (
                  <tr key={`${b.certificationCode}-${b.blocCode}`}>
                    <td>{b.certificationTitle}</td>
                    <th scope="row">
                      {b.blocCode} — {b.blocTitle}
                    </th>
                    <td>
                      {formatDate(b.acquiredAt)}
                      {SOURCE_LABELS[b.source] ? <span className="muted"> ({SOURCE_LABELS[b.source]})</span> : null}
                    </td>
                    <td>
                      {b.certificate ? (
                        <a href={`/certificats/${b.certificate.id}/pdf`} download>
                          {b.certificate.kind === "full" ? "Certificat" : "Attestation"} n° {b.certificate.number}
                        </a>
                      ) : (
                        <span className="muted">
                          {b.source === "prior_certificate" ? "certificat antérieur" : "en cours d'émission"}
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
