// One stored e-mail for the admin: its headers, its text, and its HTML shown in a sandboxed frame (no script, no
// same-origin access, no remote content), since the HTML of a file is never trusted.
import { type LoaderFunctionArgs, type MetaFunction, json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { readStoredEmail } from "~/services/mailer.server";
import { GeneralErrorBoundary } from "~/components/status-page";
import { requireRole } from "~/utils/auth.server";
import { getConfig } from "~/utils/env.server";
import { formatDateTime } from "~/utils/format";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.email.subject || "Courriel"} — Portail VAE` },
];

const fileSchema = z.string().regex(/^[A-Za-z0-9._-]+\.eml$/);

// Inside the frame: inline styles and embedded images only, nothing fetched from elsewhere.
const FRAME_POLICY =
  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">";

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const file = fileSchema.safeParse(params.file);
  const email = file.success ? await readStoredEmail(getConfig().mail.mailDir, file.data) : null;
  if (!email) throw json({ message: "Courriel introuvable." }, { status: 404 });
  return json({ email });
}

export default function StoredEmailPage() {
  const { email } = useLoaderData<typeof loader>();
  return (
    <>
      <p>
        <Link to="/admin/courriels">← Courriels envoyés</Link>
      </p>
      <h1>{email.subject || "(sans objet)"}</h1>
      <dl className="parameters card">
        <dt>De</dt>
        <dd>{email.from}</dd>
        <dt>À</dt>
        <dd>{email.to}</dd>
        <dt>Date</dt>
        <dd>{formatDateTime(email.date)}</dd>
        <dt>Identifiant</dt>
        <dd>
          <code>{email.messageId ?? email.fileName}</code>
        </dd>
      </dl>
      <h2>Version texte</h2>
      <pre className="email-text">{email.text}</pre>
      <h2>Version HTML</h2>
      {email.html ? (
        <iframe
          className="email-frame"
          title="Version HTML du courriel"
          sandbox=""
          referrerPolicy="no-referrer"
          srcDoc={FRAME_POLICY + email.html}
        />
      ) : (
        <p className="empty">Ce courriel n'a pas de version HTML.</p>
      )}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
