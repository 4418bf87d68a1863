// Messages the portal gave up sending (dead letters): what each was, about which candidacy, to whom by role, how many
// attempts and the last error; the admin puts one or all of them back in the queue. Works without JavaScript.
import { type ActionFunctionArgs, type LoaderFunctionArgs, json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { PURGE_IDENTITY_DOCUMENTS_TOPIC } from "~/services/candidacies.server";
import { readDeadLetters, retryDeadLetters } from "~/services/dead-letters.server";
import { FormAlert } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
import { clientIp, requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { getConfig } from "~/utils/env.server";
import { formatDateTime } from "~/utils/format";
import { ROLE_LABELS } from "~/utils/roles";
import { TableScroll } from "~/components/table-scroll";

export const meta = () => [{ title: "Envois en échec — Portail VAE" }];

const LIMIT = 200;
/** An outbox row id (bigserial): anything else is a 404, never a database error. */
const OUTBOX_ID = /^[1-9][0-9]{0,17}$/;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const { letters, total } = await readDeadLetters(await getDb(), LIMIT);
  return json({
    letters: letters.map((l) => ({
      ...l,
      label: messageLabel(l.topic, l.emailKind),
      recipient: recipientLabel(l.recipientRoles),
    })),
    total,
    limit: LIMIT,
    maxAttempts: getConfig().outboxMaxAttempts,
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin");
  const form = await request.formData();
  const intent = form.get("intent");
  let which: { id: string } | "all";
  if (intent === "retry_all") {
    which = "all";
  } else if (intent === "retry") {
    const id = form.get("id");
    if (typeof id !== "string" || !OUTBOX_ID.test(id)) throw json({ message: "Message introuvable." }, { status: 404 });
    which = { id };
  } else {
    throw json({ message: "Action inconnue." }, { status: 400 });
  }
  const outcome = await retryDeadLetters(await getDb(), { userId: admin.id }, which, { ip: clientIp(context) });
  if (!outcome.ok) {
    if (outcome.status === 404) throw json({ message: outcome.message }, { status: 404 });
    return json({ retried: 0, formError: outcome.message }, { status: outcome.status });
  }
  return json({ retried: outcome.retried.length, formError: null as string | null });
}

const EMAIL_LABELS: Record<string, string> = {
  request_received: "Demande de recevabilité reçue",
  request_incomplete: "Demande incomplète",
  admissible: "Demande recevable",
  inadmissible: "Demande irrecevable",
  admissible_by_silence: "Recevable faute de réponse",
  dossier_received: "Dossier reçu",
  dossier_sent_back: "Dossier renvoyé pour précisions",
  evaluators_assigned: "Évaluateurs désignés",
  result: "Résultat de l'évaluation",
  certificate_issued: "Certificat délivré",
  admissibility_deadline_reminder: "Rappel : réponse de recevabilité",
  validity_expiry_reminder: "Rappel : fin de validité de la recevabilité",
  evaluation_deadline_reminder: "Rappel : échéance de l'évaluation",
  evaluation_overdue: "Évaluation en retard",
  result_notification_reminder: "Rappel : notification du résultat",
};

function messageLabel(topic: string, emailKind: string | null): string {
  if (topic === "email") return `Courriel — ${(emailKind && EMAIL_LABELS[emailKind]) ?? emailKind ?? "sans type"}`;
  if (topic === PURGE_IDENTITY_DOCUMENTS_TOPIC) return "Suppression des pièces d'identité";
  return topic;
}

function recipientLabel(roles: string[] | null): string {
  if (roles === null) return "—";
  if (roles.length === 0) return "Compte sans rôle";
  return roles.map((r) => ROLE_LABELS[r as keyof typeof ROLE_LABELS] ?? r).join(", ");
}

export default function DeadLetters() {
  const { letters, total, limit, maxAttempts } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <>
      <div className="page-title">
        <h1>Envois en échec</h1>
        {letters.length > 1 ? (
          <Form method="post">
            <input type="hidden" name="intent" value="retry_all" />
            <button type="submit" className="button" disabled={busy}>
              Réessayer tout ({total})
            </button>
          </Form>
        ) : null}
      </div>
      <p className="muted">
        Le portail réessaie chaque envoi jusqu'à {maxAttempts} fois, à intervalles croissants (jusqu'à une heure). Un
        message refusé définitivement (adresse inconnue du serveur de messagerie, données manquantes) ou encore en échec
        après la dernière tentative est conservé ici. « Réessayer » le remet en file d'envoi : il part au prochain
        passage, avec un nouveau compte de tentatives.
      </p>
      <FormAlert message={actionData?.formError} />
      {actionData && actionData.retried > 0 && !busy ? (
        <div className="alert alert--success" role="status">
          {actionData.retried === 1
            ? "Le message est remis en file d'envoi."
            : `${actionData.retried} messages sont remis en file d'envoi.`}
        </div>
      ) : null}
      {total > limit ? (
        <p className="muted">
          Seuls les {limit} échecs les plus récents sont affichés sur {total}.
        </p>
      ) : null}
      <TableScroll label="Envois en échec">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Abandonné le</th>
              <th scope="col">Message</th>
              <th scope="col">Candidature</th>
              <th scope="col">Destinataire</th>
              <th scope="col">Tentatives</th>
              <th scope="col">Dernière erreur</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {letters.length === 0 ? (
              <tr>
                <td colSpan={7} className="empty">
                  Aucun envoi en échec.
                </td>
              </tr>
            ) : (
              letters.map((letter) => (
                <tr key={letter.id}>
                  <td>
                    {formatDateTime(letter.deadAt)}
                    <br />
                    <span className="muted">créé le {formatDateTime(letter.createdAt)}</span>
                  </td>
                  <td>{letter.label}</td>
                  <td>{letter.candidacyReference ?? "—"}</td>
                  <td>{letter.recipient}</td>
                  <td>{letter.attempts}</td>
                  <td>
                    <code>{letter.lastError ?? "—"}</code>
                  </td>
                  <td>
                    <Form method="post">
                      <input type="hidden" name="intent" value="retry" />
                      <input type="hidden" name="id" value={letter.id} />
                      <button
                        type="submit"
                        className="button button--ghost"
                        disabled={busy}
                        aria-label={`Réessayer l'envoi n° ${letter.id}`}
                      >
                        Réessayer
                      </button>
                    </Form>
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
