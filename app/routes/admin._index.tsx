// The admin's home: every account, searchable and filterable by role.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { listUsersWithRoles } from "../../db/queries/users";
import { ROLES } from "../../db/schema";
import { FilterBar, SelectFilter } from "~/components/filters";
import { GeneralErrorBoundary } from "~/components/status-page";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDate } from "~/utils/format";
import { ROLE_LABELS } from "~/utils/roles";
import { TableScroll } from "~/components/table-scroll";

export const meta = () => [{ title: "Comptes — Portail VAE" }];

const SEARCH_MAX_LENGTH = 100;
const SEARCH_TOO_LONG_MESSAGE = `La recherche est limitée à ${SEARCH_MAX_LENGTH} caractères : raccourcissez-la.`;

const filterSchema = z.object({
  role: z.enum(ROLES).optional().catch(undefined),
  q: z.string().trim().optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const url = new URL(request.url);
  const filter = filterSchema.parse(Object.fromEntries(url.searchParams));
  // A search too long to be a name or an address is refused out loud: ignoring it would list every account as if
  // they all matched.
  if (filter.q && filter.q.length > SEARCH_MAX_LENGTH) {
    return json({ users: [], searchError: SEARCH_TOO_LONG_MESSAGE as string | null }, { status: 400 });
  }
  const users = await listUsersWithRoles(await getDb(), { role: filter.role, search: filter.q || undefined });
  return json({ users, searchError: null as string | null });
}

export default function AdminHome() {
  const { users, searchError } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <div className="page-title">
        <h1>Comptes</h1>
        <Link className="button" to="/admin/comptes/nouveau">
          Créer un compte
        </Link>
      </div>
      {params.get("cree") ? (
        <div className="alert alert--success" role="status">
          Le compte a été créé.
        </div>
      ) : null}
      {searchError ? (
        <div className="alert alert--error" role="alert" id="search-error">
          {searchError}
        </div>
      ) : null}
      <FilterBar search>
        <label>
          Rechercher
          <input
            type="search"
            name="q"
            defaultValue={params.get("q") ?? ""}
            placeholder="Nom ou e-mail"
            maxLength={SEARCH_MAX_LENGTH}
            aria-invalid={searchError ? true : undefined}
            aria-describedby={searchError ? "search-error" : undefined}
          />
        </label>
        <SelectFilter
          name="role"
          label="Rôle"
          allLabel="Tous les rôles"
          options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
        />
      </FilterBar>
      <TableScroll label="Comptes">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Nom</th>
              <th scope="col">E-mail</th>
              <th scope="col">Rôles</th>
              <th scope="col">État</th>
              <th scope="col">Créé le</th>
            </tr>
          </thead>
          <tbody>
            {users.length === 0 ? (
              <tr>
                <td colSpan={5} className="empty">
                  {searchError ? "Aucune recherche n'a été faite." : "Aucun compte ne correspond à ces critères."}
                </td>
              </tr>
            ) : (
              users.map((u) => (
                <tr key={u.id}>
                  <td>
                    <Link to={`/admin/comptes/${u.id}`}>{u.fullName}</Link>
                  </td>
                  <td>{u.email}</td>
                  <td>{u.roles.map((r) => ROLE_LABELS[r]).join(", ")}</td>
                  <td>{u.isActive ? "Actif" : <span className="badge badge--retired">Désactivé</span>}</td>
                  <td>{formatDate(u.createdAt)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
