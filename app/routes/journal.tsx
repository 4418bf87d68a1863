// The audit log for admins and certifier staff: who did what, when, on which object.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { listAuditEvents } from "../../db/queries/audit";
import { FilterBar, SelectFilter } from "~/components/filters";
import { GeneralErrorBoundary } from "~/components/status-page";
import { requireRole } from "~/utils/auth.server";
import { auditActionLabel } from "~/utils/audit-labels";
import { getDb } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { ROLE_LABELS } from "~/utils/roles";
import { TableScroll } from "~/components/table-scroll";

export const meta = () => [{ title: "Journal — Portail VAE" }];

const SUBJECT_TYPES = { user: "Comptes", referential_version: "Référentiels", outbox_message: "Envois" } as const;
const filterSchema = z.object({
  sujet: z
    .enum(Object.keys(SUBJECT_TYPES) as [keyof typeof SUBJECT_TYPES])
    .optional()
    .catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, ["admin", "certifier_staff"]);
  const filter = filterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const events = await listAuditEvents(await getDb(), { subjectType: filter.sujet, limit: 200 });
  return json({ events });
}

export default function Journal() {
  const { events } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Journal des opérations</h1>
      <FilterBar>
        <SelectFilter
          name="sujet"
          label="Objet"
          allLabel="Tous"
          options={Object.entries(SUBJECT_TYPES).map(([value, label]) => ({ value, label }))}
        />
      </FilterBar>
      <TableScroll label="Journal">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Opération</th>
              <th scope="col">Par</th>
              <th scope="col">Objet</th>
            </tr>
          </thead>
          <tbody>
            {events.length === 0 ? (
              <tr>
                <td colSpan={4} className="empty">
                  Aucune opération enregistrée.
                </td>
              </tr>
            ) : (
              events.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.occurredAt)}</td>
                  <td>{auditActionLabel(e.action)}</td>
                  <td>
                    {e.actorRole === "system"
                      ? "Système"
                      : `${e.actorName ?? "Compte supprimé"} (${ROLE_LABELS[e.actorRole as keyof typeof ROLE_LABELS] ?? e.actorRole})`}
                  </td>
                  <td>
                    {SUBJECT_TYPES[e.subjectType as keyof typeof SUBJECT_TYPES] ?? e.subjectType}
                    {e.subjectId ? <code className="muted"> {e.subjectId.slice(0, 8)}</code> : null}
                  </td>
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
