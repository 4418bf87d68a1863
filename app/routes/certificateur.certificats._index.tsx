// The registry of issued certificates and attestations for certifier staff: search by holder's name or number,
// issued between two dates, valid or revoked; pages follow a cursor (issued_at, id) carried in the address, never an
// offset, so a page stays correct while documents are being issued.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { FilterBar, SelectFilter } from "~/components/filters";
import { GeneralErrorBoundary } from "~/components/status-page";
import { TableScroll } from "~/components/table-scroll";
import { listCertificateRegistry } from "~/services/certificates.server";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDate } from "~/utils/format";

export const meta = () => [{ title: "Registre des certificats — Portail VAE" }];

const REGISTRY_PAGE_SIZE = 25;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .optional()
  .catch(undefined);
const filterSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  du: day,
  au: day,
  statut: z.enum(["valide", "revoque"]).optional().catch(undefined),
  apres: z.string().max(200).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "certifier_staff");
  const filter = filterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const outcome = await listCertificateRegistry(
    await getDb(),
    { userId: user.id, role: "certifier_staff" },
    {
      search: filter.q || undefined,
      issuedFrom: filter.du,
      issuedTo: filter.au,
      status: filter.statut === "valide" ? "valid" : filter.statut === "revoque" ? "revoked" : undefined,
      after: filter.apres || undefined,
      limit: REGISTRY_PAGE_SIZE,
    },
  );
  if (!outcome.ok) throw json({ message: outcome.message }, { status: outcome.status });
  return json({
    rows: outcome.rows,
    nextCursor: outcome.nextCursor,
    filtered: Boolean(filter.q || filter.du || filter.au || filter.statut),
    firstPage: !filter.apres,
  });
}

export default function CertificateRegistry() {
  const { rows, nextCursor, filtered, firstPage } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const next = new URLSearchParams(params);
  if (nextCursor) next.set("apres", nextCursor);
  const first = new URLSearchParams(params);
  first.delete("apres");
  return (
    <>
      <p>
        <Link to="/certificateur">← Espace certificateur</Link>
      </p>
      <h1>Registre des certificats</h1>
      <p className="muted">
        Certificats et attestations de blocs délivrés, les plus récents d'abord. Chacun se vérifie publiquement par son
        code sur la page « Vérifier un certificat ».
      </p>
      <FilterBar search>
        <label>
          Nom du titulaire ou numéro
          <input type="search" name="q" defaultValue={params.get("q") ?? ""} />
        </label>
        <label>
          Délivré à partir du
          <input type="date" name="du" defaultValue={params.get("du") ?? ""} />
        </label>
        <label>
          jusqu'au
          <input type="date" name="au" defaultValue={params.get("au") ?? ""} />
        </label>
        <SelectFilter
          name="statut"
          label="Statut"
          allLabel="Tous"
          options={[
            { value: "valide", label: "Valides" },
            { value: "revoque", label: "Révoqués" },
          ]}
        />
      </FilterBar>
      <TableScroll label="Certificats délivrés">
        <table className="table">
          <caption className="visually-hidden">
            Certificats délivrés{filtered ? " correspondant aux filtres" : ""}
          </caption>
          <thead>
            <tr>
              <th scope="col">Numéro</th>
              <th scope="col">Titulaire</th>
              <th scope="col">Document</th>
              <th scope="col">Délivré le</th>
              <th scope="col">Statut</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={5} className="empty">
                  {filtered ? "Aucun document ne correspond à ces filtres." : "Aucun document délivré."}
                </td>
              </tr>
            ) : (
              rows.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    <Link to={`/certificateur/certificats/${r.id}`}>{r.number}</Link>
                  </th>
                  <td>{r.holderName}</td>
                  <td>
                    {r.label}
                    <br />
                    <span className="muted">{r.certificationTitle}</span>
                  </td>
                  <td>{formatDate(r.issuedAt)}</td>
                  <td>
                    {r.revokedAt ? (
                      <span className="badge badge--urgent">révoqué le {formatDate(r.revokedAt)}</span>
                    ) : (
                      <span className="badge badge--active">valide</span>
                    )}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </TableScroll>
      <nav className="pager" aria-label="Pages du registre">
        {firstPage ? <span /> : <Link to={`?${first}`}>Première page</Link>}
        {nextCursor ? (
          <Link to={`?${next}`} rel="next">
            Page suivante
          </Link>
        ) : null}
      </nav>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
