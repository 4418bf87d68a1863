// Every referential version of every certification, for certifier staff.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listReferentialVersions } from "../../db/queries/referential";
import { GeneralErrorBoundary } from "~/components/status-page";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { TableScroll } from "~/components/table-scroll";

export const meta = () => [{ title: "Référentiels — Portail VAE" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "certifier_staff");
  return json({ versions: await listReferentialVersions(await getDb()) });
}

export default function ReferentialVersions() {
  const { versions } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Référentiels de certification</h1>
      <p>
        Une candidature reste rattachée à la version du référentiel sur laquelle elle a commencé ; une version chargée
        n'est jamais modifiée.
      </p>
      <TableScroll label="Référentiels">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Certification</th>
              <th scope="col">Version</th>
              <th scope="col">Statut</th>
              <th scope="col">Compétences</th>
              <th scope="col">Chargée le</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id}>
                <td>
                  <Link to={v.id}>{v.certificationTitle}</Link>
                </td>
                <td>{v.version}</td>
                <td>
                  <span className={`badge badge--${v.status}`}>
                    {v.status === "active" ? "En vigueur" : "Archivée"}
                  </span>
                </td>
                <td>{v.competencyCount}</td>
                <td>{formatDateTime(v.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
