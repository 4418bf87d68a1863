// The certificates a candidacy's validation issued, on the staff's candidacy and validation pages: each links to its
// page in the registry; nothing while none is issued.
import { Link } from "@remix-run/react";
import type { CandidacyCertificate } from "~/services/certificate-screens.server";
import { formatDate } from "~/utils/format";

export function CandidacyCertificates({ certificates }: { certificates: CandidacyCertificate[] }) {
  if (certificates.length === 0) return null;
  return (
    <section className="card" aria-labelledby="candidacy-certificates-heading">
      <h2 id="candidacy-certificates-heading">Documents délivrés</h2>
      <ul>
        {certificates.map((c) => (
          <li key={c.id}>
            <Link to={`/certificateur/certificats/${c.id}`}>
              {c.label} n° {c.number}
            </Link>{" "}
            — délivré le {formatDate(c.issuedAt)}
            {c.revokedAt ? <span className="badge badge--urgent"> révoqué le {formatDate(c.revokedAt)}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
