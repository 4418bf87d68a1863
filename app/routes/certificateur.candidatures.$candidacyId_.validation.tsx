// Certifier staff validate a decided candidacy: the signed minutes (final scores, bloc decisions, recommendations,
// both signatures), the rule's explanation per bloc, the 15 days to notify the result, and "Valider la décision".
import { type ActionFunctionArgs, type LoaderFunctionArgs, json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { CandidacyCertificates } from "~/components/candidacy-certificates";
import { CheckboxField, FormAlert } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
import { listCertificatesOfCandidacy } from "~/services/certificate-screens.server";
import { candidacyReference } from "~/services/email-delivery.server";
import { readMinutesForValidation, validateDecision } from "~/services/results.server";
import { requireRole } from "~/utils/auth.server";
import { requireCandidacy } from "~/utils/candidacy-access.server";
import { getDb } from "~/utils/db.server";
import { formatDate, formatDateTime, formatFileSize } from "~/utils/format";
import { parseForm } from "~/utils/forms";
import { readFormData } from "~/utils/http.server";

export const meta = () => [{ title: "Validation de la décision — Portail VAE" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "certifier_staff");
  const { candidacy, allows } = await requireCandidacy(user, "certifier_staff", params, "minutes.view");
  const minutes = await readMinutesForValidation(
    await getDb(),
    { userId: user.id, role: "certifier_staff" },
    candidacy.id,
  );
  if (!minutes.ok) throw json({ message: minutes.message }, { status: minutes.status });
  const issued = await listCertificatesOfCandidacy(
    await getDb(),
    { userId: user.id, role: "certifier_staff" },
    candidacy.id,
  );
  return json({
    certificates: issued.ok ? issued.certificates : [],
    candidacy: {
      id: candidacy.id,
      reference: candidacyReference(candidacy.id, candidacy.requestedAt, candidacy.createdAt),
      candidateName: candidacy.candidateName,
      certificationTitle: candidacy.certificationTitle,
    },
    minutes,
    canValidate: allows("decision.validate"),
  });
}

const validateSchema = z.object({
  confirm: z.literal("on", {
    errorMap: () => ({ message: "Cochez la case pour confirmer que vous avez vérifié le procès-verbal." }),
  }),
});

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "certifier_staff");
  const { candidacy } = await requireCandidacy(user, "certifier_staff", params);
  const form = parseForm(validateSchema, await readFormData(request));
  if (!form.ok) return json({ fieldErrors: form.fieldErrors, formError: null, done: false }, { status: 400 });
  const outcome = await validateDecision(await getDb(), { userId: user.id, role: "certifier_staff" }, candidacy.id);
  if (!outcome.ok) {
    return json({ fieldErrors: {}, formError: outcome.message, done: false }, { status: outcome.status });
  }
  return json({ fieldErrors: {}, formError: null, done: true });
}

export default function ValidationPage() {
  const { candidacy, minutes, canValidate, certificates } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const errors = (actionData?.fieldErrors ?? {}) as Record<string, string | undefined>;
  const { deadline } = minutes;
  return (
    <>
      <p>
        <Link to={`/certificateur/candidatures/${candidacy.id}`}>← Candidature {candidacy.reference}</Link>
      </p>
      <p className="eyebrow">Candidature {candidacy.reference}</p>
      <h1>Validation de la décision</h1>
      <dl className="parameters">
        <dt>Candidat</dt>
        <dd>{candidacy.candidateName}</dd>
        <dt>Certification</dt>
        <dd>{candidacy.certificationTitle}</dd>
        <dt>Étape</dt>
        <dd>{minutes.stateLabel}</dd>
        {minutes.resultLabel ? (
          <>
            <dt>Résultat</dt>
            <dd>{minutes.resultLabel}</dd>
          </>
        ) : null}
        <dt>Décision</dt>
        <dd>
          {minutes.route === "deliberation" ? "Après délibération" : "Évaluateurs d'accord"}, le{" "}
          {formatDateTime(minutes.decidedAt)}
        </dd>
        <dt>Session d'évaluation</dt>
        <dd>{deadline.sessionStartsAt ? formatDateTime(deadline.sessionStartsAt) : "Non renseignée"}</dd>
      </dl>

      {actionData?.done ? (
        <div className="alert alert--success" role="status">
          La décision est validée : le résultat a été notifié au candidat et les blocs obtenus lui sont acquis.
        </div>
      ) : null}
      <FormAlert message={actionData?.formError} />
      <CandidacyCertificates certificates={certificates} />

      {deadline.validatedAt ? (
        <p>
          Décision validée le <strong>{formatDateTime(deadline.validatedAt)}</strong> (résultat à notifier au plus tard
          le {formatDate(deadline.dueBy)}).
        </p>
      ) : (
        <p
          className={deadline.overdue ? "alert alert--error" : undefined}
          role={deadline.overdue ? "alert" : undefined}
        >
          {deadline.overdue ? "Délai dépassé : " : ""}le résultat doit être notifié au candidat au plus tard le{" "}
          <strong>{formatDate(deadline.dueBy)}</strong>, quinze jours après la session d'évaluation.
        </p>
      )}

      <section className="card">
        <h2>Procès-verbal</h2>
        <p>
          Seuils du référentiel : moyenne du bloc au moins {minutes.thresholds.blocMean}, chaque compétence au moins{" "}
          {minutes.thresholds.competencyFloor}.
        </p>
        {minutes.blocs.map((bloc) => (
          <article key={bloc.code} className="bloc" aria-labelledby={`bloc-${bloc.code}`}>
            <h3 id={`bloc-${bloc.code}`}>
              {bloc.code} — {bloc.title} :{" "}
              <span className={`badge ${bloc.status === "not_awarded" ? "badge--urgent" : "badge--active"}`}>
                {bloc.status === "awarded"
                  ? "obtenu"
                  : bloc.status === "not_awarded"
                    ? "non obtenu"
                    : "acquis avant cette candidature"}
              </span>
            </h3>
            <p>{bloc.explanation}</p>
            {bloc.competencies.length > 0 ? (
              // A list rather than a table: competency statements are long, and the page must fit a phone.
              <ul aria-label={`Notes finales du bloc ${bloc.code}`}>
                {bloc.competencies.map((c) => (
                  <li key={c.code}>
                    {c.code} {c.title} : <strong>{c.score} %</strong>
                    {c.underFloor ? <strong> (sous le minimum)</strong> : null}{" "}
                    <span className="muted">— {c.origin}</span>
                  </li>
                ))}
              </ul>
            ) : null}
            {bloc.status === "not_awarded" ? (
              <div>
                <h4>Recommandations au candidat</h4>
                {bloc.recommendation ? (
                  <p className="prose">{bloc.recommendation}</p>
                ) : (
                  <p className="muted">Aucune recommandation n'a été rédigée.</p>
                )}
              </div>
            ) : null}
          </article>
        ))}
        <h3>Signatures</h3>
        {minutes.signatures.length === 0 ? (
          <p className="muted">Aucune signature enregistrée.</p>
        ) : (
          <ul>
            {minutes.signatures.map((s) => (
              <li key={s.slot}>
                Évaluateur {s.slot} : {s.fullName} ({s.email}), signé le {formatDateTime(s.signedAt)}
              </li>
            ))}
          </ul>
        )}
        {minutes.minutesDocument ? (
          <p>
            <a className="button button--ghost" href={`/proces-verbaux/${candidacy.id}`}>
              Télécharger le procès-verbal signé (PDF, {formatFileSize(minutes.minutesDocument.sizeBytes)})
            </a>
          </p>
        ) : (
          <p className="muted">Le PDF du procès-verbal n'est pas encore disponible.</p>
        )}
      </section>

      {canValidate ? (
        <section className="card">
          <h2>Valider la décision</h2>
          <p>
            La validation notifie le résultat au candidat par courriel et lui acquiert définitivement les blocs obtenus.
            Elle ne peut pas être annulée.
          </p>
          <Form method="post" className="form" noValidate>
            <CheckboxField id="confirm" name="confirm" error={errors.confirm}>
              J'ai vérifié le procès-verbal signé par les deux évaluateurs.
            </CheckboxField>
            <button type="submit" className="button" disabled={busy}>
              Valider la décision
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
