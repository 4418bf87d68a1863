// The e-mails the portal wrote as .eml files (the embedded default, without SMTP server), most recent first, so that
// an admin can read what people would have received.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listStoredEmails } from "~/services/mailer.server";
import { GeneralErrorBoundary } from "~/components/status-page";
import { requireRole } from "~/utils/auth.server";
import { getConfig } from "~/utils/env.server";
import { formatDateTime } from "~/utils/format";
import { TableScroll } from "~/components/table-scroll";

export const meta = () => [{ title: "Courriels envoyés — Portail VAE" }];

const LIMIT = 200;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const { mail } = getConfig();
  const emails = await listStoredEmails(mail.mailDir, { limit: LIMIT });
  return json({ smtp: Boolean(mail.smtpUrl), mailDir: mail.mailDir, emails, limit: LIMIT });
}

export default function SentEmails() {
  const { smtp, mailDir, emails, limit } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Courriels envoyés</h1>
      {smtp ? (
        <p className="card">
          Les courriels partent par le serveur SMTP configuré (<code>SMTP_URL</code>) : ils ne sont pas conservés ici.
          {emails.length > 0 ? " Ceux qui suivent ont été enregistrés avant sa configuration." : null}
        </p>
      ) : (
        <p className="muted">
          Aucun serveur SMTP n'est configuré : le portail n'envoie pas les courriels, il les enregistre sous{" "}
          <code>{mailDir}</code> pour que vous puissiez lire ici ce que chacun aurait reçu. Pour les envoyer, renseignez{" "}
          <code>SMTP_URL</code>.
        </p>
      )}
      {emails.length === limit ? (
        <p className="muted">Seuls les {limit} courriels les plus récents sont affichés.</p>
      ) : null}
      {smtp && emails.length === 0 ? null : (
        <TableScroll label="Courriels envoyés">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Destinataire</th>
                <th scope="col">Objet</th>
              </tr>
            </thead>
            <tbody>
              {emails.length === 0 ? (
                <tr>
                  <td colSpan={3} className="empty">
                    Aucun courriel enregistré pour l'instant.
                  </td>
                </tr>
              ) : (
                emails.map((e) => (
                  <tr key={e.fileName}>
                    <td>{formatDateTime(e.date)}</td>
                    <td>{e.to || <span className="muted">—</span>}</td>
                    <td>
                      <Link to={`/admin/courriels/${encodeURIComponent(e.fileName)}`}>
                        {e.subject || "(sans objet)"}
                      </Link>
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
