// One issued certificate or attestation for certifier staff: the holder, the certification and blocs, its editions
// with their downloads, its journal; revoking it (a reason and a confirmation) and reissuing a duplicate of a lost
// document (same number and code, a new edition marked "duplicata").
import { type ActionFunctionArgs, type LoaderFunctionArgs, json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { CheckboxField, FormAlert } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
import { TableScroll } from "~/components/table-scroll";
import { issuingDepsFromConfig } from "~/services/certificate-screens.server";
import { readCertificateForStaff, reissueDuplicate, revokeCertificate } from "~/services/certificates.server";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { staffEventLabel } from "~/utils/candidacy-timeline";
import { formatDate, formatDateTime } from "~/utils/format";
import { parseForm } from "~/utils/forms";
import { parseIdParam, readFormData } from "~/utils/http.server";
import { formAlertOf } from "../../workflows/refusal";

export const meta = () => [{ title: "Certificat — Portail VAE" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "certifier_staff");
  const certificateId = parseIdParam(params, "certificateId", "Certificat introuvable.");
  const detail = await readCertificateForStaff(
    await getDb(),
    { userId: user.id, role: "certifier_staff" },
    certificateId,
  );
  if (!detail.ok) throw json({ message: detail.message }, { status: detail.status });
  return json(detail);
}

const REASON_MIN = 10;
const reason = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `Indiquez le motif ${what}.`)
    .min(REASON_MIN, `Le motif ${what} doit compter au moins ${REASON_MIN} caractères.`)
    .max(2000, `Le motif ${what} ne peut dépasser 2 000 caractères.`);
const actionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("revoke"),
    reason: reason("de la révocation"),
    confirm: z.literal("on", {
      errorMap: () => ({ message: "Cochez la case pour confirmer la révocation : elle est définitive." }),
    }),
  }),
  z.object({ intent: z.literal("duplicate"), reason: reason("du duplicata") }),
]);

type ActionData = {
  intent: "revoke" | "duplicate";
  fieldErrors: Record<string, string>;
  values: Record<string, string>;
  formError: string | null;
  done: string | null;
};

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "certifier_staff");
  const certificateId = parseIdParam(params, "certificateId", "Certificat introuvable.");
  const formData = await readFormData(request);
  const intent = formData.get("intent") === "duplicate" ? "duplicate" : "revoke";
  const form = parseForm(actionSchema, formData);
  if (!form.ok) {
    return json<ActionData>(
      { intent, fieldErrors: form.fieldErrors, values: form.values, formError: null, done: null },
      { status: 400 },
    );
  }
  const viewer = { userId: user.id, role: "certifier_staff" as const };
  const db = await getDb();
  const outcome =
    form.data.intent === "revoke"
      ? await revokeCertificate(db, viewer, certificateId, form.data.reason)
      : await reissueDuplicate(db, issuingDepsFromConfig(), viewer, certificateId, form.data.reason);
  if (!outcome.ok) {
    return json<ActionData>(
      {
        intent,
        fieldErrors: outcome.fieldErrors ?? {},
        values: { reason: form.data.reason },
        formError: formAlertOf(outcome),
        done: null,
      },
      { status: outcome.status },
    );
  }
  const done =
    "edition" in outcome
      ? `Le duplicata a été émis (édition ${outcome.edition}) : il porte le même numéro et la mention « duplicata ».`
      : "Le document est révoqué : la page de vérification l'indique désormais, avec la date.";
  return json<ActionData>({ intent, fieldErrors: {}, values: {}, formError: null, done });
}

function ReasonField({
  id,
  label,
  hint,
  error,
  value,
}: {
  id: string;
  label: string;
  hint: string;
  error?: string;
  value?: string;
}) {
  return (
    <div className={error ? "field field--error" : "field"}>
      <label htmlFor={id}>{label}</label>
      <p className="field__hint" id={`${id}-hint`}>
        {hint}
      </p>
      <textarea
        id={id}
        name="reason"
        rows={3}
        maxLength={2000}
        defaultValue={value ?? ""}
        aria-invalid={error ? true : undefined}
        aria-describedby={[`${id}-hint`, error ? `${id}-error` : null].filter(Boolean).join(" ")}
      />
      {error ? (
        <p className="field__error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

const JOURNAL_LABELS: Record<string, string> = {
  CERTIFICATE_ISSUED: "Document délivré",
  CERTIFICATE_DUPLICATE_ISSUED: "Duplicata délivré",
  CERTIFICATE_REVOKED: "Document révoqué",
};
const journalLabel = (eventType: string) => JOURNAL_LABELS[eventType] ?? staffEventLabel(eventType);

export default function CertificateDetail() {
  const certificate = useLoaderData<typeof loader>();
  const { editions, journal } = certificate;
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const revokeData = actionData?.intent === "revoke" ? actionData : undefined;
  const duplicateData = actionData?.intent === "duplicate" ? actionData : undefined;
  return (
    <>
      <p>
        <Link to="/certificateur/certificats">← Registre des certificats</Link>
      </p>
      <p className="eyebrow">{certificate.certificationTitle}</p>
      <h1>
        {certificate.label} n° {certificate.number}
      </h1>
      {actionData?.done ? (
        <div className="alert alert--success" role="status">
          {actionData.done}
        </div>
      ) : null}
      <p>
        {certificate.revokedAt ? (
          <span className="badge badge--urgent">révoqué le {formatDate(certificate.revokedAt)}</span>
        ) : (
          <span className="badge badge--active">valide</span>
        )}
      </p>
      <dl className="facts">
        <dt>Titulaire</dt>
        <dd>{certificate.holderName}</dd>
        <dt>Certification</dt>
        <dd>
          {certificate.certificationTitle} ({certificate.certificationCode})
        </dd>
        <dt>Blocs de compétences</dt>
        <dd>{certificate.blocCodes.join(", ")}</dd>
        <dt>Délivré le</dt>
        <dd>{formatDate(certificate.issuedAt)}</dd>
        <dt>Code de vérification</dt>
        <dd>
          <Link to={certificate.verificationPath}>{certificate.verificationCode}</Link>
        </dd>
        <dt>Candidature</dt>
        <dd>
          <Link to={`/certificateur/candidatures/${certificate.candidacyId}`}>Voir la candidature</Link>
        </dd>
        {certificate.revokedAt ? (
          <>
            <dt>Motif de la révocation</dt>
            <dd>{certificate.revocationReason}</dd>
          </>
        ) : null}
      </dl>

      <section className="card" aria-labelledby="editions-heading">
        <h2 id="editions-heading">Éditions</h2>
        <TableScroll label="Éditions du document">
          <table className="table">
            <caption className="visually-hidden">Éditions du document</caption>
            <thead>
              <tr>
                <th scope="col">Édition</th>
                <th scope="col">Émise le</th>
                <th scope="col">Motif</th>
                <th scope="col">Empreinte SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {editions.map((e) => (
                <tr key={e.edition}>
                  <th scope="row">
                    <a href={`/certificats/${certificate.id}/pdf?edition=${e.edition}`} download>
                      {e.duplicate ? `Duplicata (édition ${e.edition})` : `Original (édition ${e.edition})`}
                    </a>
                  </th>
                  <td>{formatDateTime(e.createdAt)}</td>
                  <td>{e.reason ?? "—"}</td>
                  <td className="hash">{e.sha256}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
        <p>
          <a href={`/certificats/${certificate.id}/credential`} download>
            Télécharger l'attestation numérique (.jwt)
          </a>
        </p>
      </section>

      {certificate.revokedAt ? null : (
        <>
          <section className="card" aria-labelledby="duplicate-heading">
            <h2 id="duplicate-heading">Émettre un duplicata</h2>
            <p>
              Pour un document perdu ou détruit : une nouvelle édition, avec le même numéro et le même code de
              vérification, porte la mention « duplicata » et sa date.
            </p>
            <FormAlert message={duplicateData?.formError} />
            <Form method="post" className="form" noValidate>
              <input type="hidden" name="intent" value="duplicate" />
              <ReasonField
                id="duplicate-reason"
                label="Motif du duplicata"
                hint="Par exemple : document original perdu lors d'un déménagement (10 caractères au moins)."
                error={duplicateData?.fieldErrors.reason}
                value={duplicateData?.values.reason}
              />
              <button type="submit" className="button button--ghost" disabled={busy}>
                Émettre le duplicata
              </button>
            </Form>
          </section>

          <section className="card" aria-labelledby="revoke-heading">
            <h2 id="revoke-heading">Révoquer le document</h2>
            <p>
              La révocation est définitive : la page publique de vérification indiquera « révoqué » avec la date, et
              l'attestation numérique ne sera plus reconnue valide.
            </p>
            <FormAlert message={revokeData?.formError} />
            <Form method="post" className="form" noValidate>
              <input type="hidden" name="intent" value="revoke" />
              <ReasonField
                id="revoke-reason"
                label="Motif de la révocation"
                hint="Il est conservé dans le journal et montré au titulaire (10 caractères au moins)."
                error={revokeData?.fieldErrors.reason}
                value={revokeData?.values.reason}
              />
              <CheckboxField id="revoke-confirm" name="confirm" error={revokeData?.fieldErrors.confirm}>
                Je confirme la révocation de ce document.
              </CheckboxField>
              <button type="submit" className="button" disabled={busy}>
                Révoquer le document
              </button>
            </Form>
          </section>
        </>
      )}

      <section aria-labelledby="journal-heading">
        <h2 id="journal-heading">Journal</h2>
        {journal.length === 0 ? (
          <p className="empty">Aucune entrée.</p>
        ) : (
          <ol className="timeline">
            {journal.map((j, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: journal entries are listed in a fixed order.
              <li key={index}>
                <time dateTime={j.occurredAt}>{formatDateTime(j.occurredAt)}</time> — {journalLabel(j.eventType)}
                {j.actorName ? ` (${j.actorName})` : ""}
                {typeof j.payload.reason === "string" ? ` — motif : ${j.payload.reason}` : ""}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
