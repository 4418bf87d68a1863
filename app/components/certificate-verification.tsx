// What the public verification page shows about a code: the verdict, then the documented facts (holder, certification,
// blocs, date of issue) and nothing else. An unknown code gets the same sections, saying that nothing matches.
import type { PublicVerification } from "~/services/certificate-verification.server";
import { formatDate } from "~/utils/format";

export function VerificationVerdict({ verification }: { verification: PublicVerification }) {
  if (verification.status === "valid") {
    return (
      <div className="alert alert--success" role="status">
        <strong>Document valide.</strong> Ce document a bien été délivré par l'organisme certificateur et n'a pas été
        révoqué.
      </div>
    );
  }
  if (verification.status === "revoked") {
    return (
      <div className="alert alert--error" role="status">
        <strong>Document révoqué</strong>
        {verification.revokedAt ? <> le {formatDate(verification.revokedAt)}</> : null}. Il n'atteste plus de la
        certification.
      </div>
    );
  }
  return (
    <div className="alert alert--error" role="status">
      <strong>Aucun document valide ne correspond à ce code.</strong> Vérifiez le code imprimé sur le document (les
      lettres I, L et O se lisent 1, 1 et 0).
    </div>
  );
}

export function VerificationFacts({ verification }: { verification: PublicVerification }) {
  if (verification.status === "unknown" || !verification.number) {
    return <p className="empty">Aucune information à afficher pour ce code.</p>;
  }
  return (
    <dl className="facts">
      <dt>Document</dt>
      <dd>
        {verification.label} n° {verification.number}
      </dd>
      <dt>Titulaire</dt>
      <dd>{verification.holderName}</dd>
      <dt>Certification</dt>
      <dd>
        {verification.certificationTitle} ({verification.certificationCode})
      </dd>
      <dt>Blocs de compétences</dt>
      <dd>
        <ul>
          {verification.blocs.map((b) => (
            <li key={b.code}>
              {b.code} — {b.title}
            </li>
          ))}
        </ul>
      </dd>
      <dt>Date de délivrance</dt>
      <dd>{verification.issuedAt ? formatDate(verification.issuedAt) : "—"}</dd>
      <dt>Statut</dt>
      <dd>
        {verification.status === "valid"
          ? "valide"
          : `révoqué${verification.revokedAt ? ` le ${formatDate(verification.revokedAt)}` : ""}`}
      </dd>
    </dl>
  );
}
