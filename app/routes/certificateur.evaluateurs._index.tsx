// The evaluator pool for certifier staff: every profile with its qualifications, employer, availability and current
// load, filtered by certification, status, sector, availability on a date, or a name / e-mail search.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { listCertificationChoices, listEvaluatorProfiles, listEvaluatorSectors } from "../../db/queries/evaluator-pool";
import { FilterBar, SelectFilter } from "~/components/filters";
import { GeneralErrorBoundary } from "~/components/status-page";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDate } from "~/utils/format";

export const meta = () => [{ title: "Vivier d'évaluateurs — Portail VAE" }];

// A filter that does not parse is ignored rather than refused: the list stays usable from any shared link.
const filterSchema = z.object({
  certification: z.string().uuid().optional().catch(undefined),
  actif: z.enum(["oui", "non"]).optional().catch(undefined),
  secteur: z.string().trim().max(80).optional().catch(undefined),
  disponible: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .catch(undefined),
  q: z.string().trim().max(120).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "certifier_staff");
  const filter = filterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const db = await getDb();
  const [profiles, certifications, sectors] = await Promise.all([
    listEvaluatorProfiles(db, {
      certificationId: filter.certification,
      isActive: filter.actif === undefined ? undefined : filter.actif === "oui",
      sector: filter.secteur || undefined,
      availableOn: filter.disponible,
      search: filter.q || undefined,
    }),
    listCertificationChoices(db),
    listEvaluatorSectors(db),
  ]);
  return json({ profiles, certifications, sectors, filtered: Object.values(filter).some(Boolean) });
}

export default function EvaluatorPool() {
  const { profiles, certifications, sectors, filtered } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <p>
        <Link to="/certificateur">← Espace certificateur</Link>
      </p>
      <div className="page-title">
        <h1>Vivier d'évaluateurs</h1>
        <Link to="/certificateur/evaluateurs/nouveau" className="button">
          Ajouter un évaluateur
        </Link>
      </div>
      <FilterBar search>
        {/* A certification's title is long: the select may not widen the page beyond a phone's width. */}
        <label style={{ maxWidth: "100%" }}>
          Habilité pour
          <select name="certification" defaultValue={params.get("certification") ?? ""} style={{ maxWidth: "100%" }}>
            <option value="">Toutes les certifications</option>
            {certifications.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        </label>
        <SelectFilter
          name="actif"
          label="Statut"
          allLabel="Tous"
          options={[
            { value: "oui", label: "Actifs" },
            { value: "non", label: "Inactifs" },
          ]}
        />
        <SelectFilter
          name="secteur"
          label="Secteur"
          allLabel="Tous les secteurs"
          options={sectors.map((s) => ({ value: s, label: s }))}
        />
        <label>
          Disponible le
          <input type="date" name="disponible" defaultValue={params.get("disponible") ?? ""} />
        </label>
        <label>
          Nom ou e-mail
          <input type="search" name="q" defaultValue={params.get("q") ?? ""} />
        </label>
      </FilterBar>
      <p className="muted" role="status">
        {profiles.length} évaluateur(s){filtered ? " correspondant aux filtres" : ""}.
      </p>
      {profiles.length === 0 ? (
        <p className="empty">
          {filtered ? "Aucun évaluateur ne correspond à ces filtres." : "Le vivier est vide : ajoutez un évaluateur."}
        </p>
      ) : (
        <ul className="cards">
          {profiles.map((p) => (
            <li key={p.userId} className="card">
              <h2>
                <Link to={`/certificateur/evaluateurs/${p.userId}`}>
                  {p.civility ? `${p.civility} ` : ""}
                  {p.fullName}
                </Link>
              </h2>
              <p>
                <span className={p.isActive ? "badge badge--active" : "badge badge--retired"}>
                  {p.isActive ? "Actif" : "Inactif"}
                </span>{" "}
                {!p.accountActive ? <span className="badge badge--urgent">Compte désactivé</span> : null}
              </p>
              <dl className="parameters" style={{ overflowWrap: "anywhere" }}>
                <dt>E-mail</dt>
                <dd>{p.email}</dd>
                <dt>Employeur</dt>
                <dd>{p.employerName}</dd>
                <dt>Habilité pour</dt>
                <dd>{p.qualifications.map((q) => q.code).join(", ") || "—"}</dd>
                <dt>Secteurs</dt>
                <dd>{p.sectors.join(", ") || "—"}</dd>
                <dt>Dossiers en cours</dt>
                <dd>{p.load}</dd>
                <dt>Disponibilités</dt>
                <dd>
                  {p.availabilities.length === 0
                    ? "Non renseignées"
                    : p.availabilities
                        .map((a) => `du ${formatDate(a.startsOn)} au ${formatDate(a.endsOn)}`)
                        .join(" ; ")}
                </dd>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
