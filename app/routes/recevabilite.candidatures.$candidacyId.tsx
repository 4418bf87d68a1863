// One admissibility request for the officer: the request, its history, and the decisions the workflow allows now
// (examine, incomplete with a reason, admissible with an optional validity end, inadmissible with a reason).
import { type ActionFunctionArgs, type LoaderFunctionArgs, json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { listCandidacyEvents } from "../../db/queries/candidacies";
import { admissibilitySilenceDeadline, stateLabel } from "../../workflows/candidacy-machine";
import { sendCandidacyEvent } from "~/services/candidacies.server";
import { readAdmissibilityDocuments } from "~/services/documents.server";
import { AdmissibilityDocumentList, DeclaredExperienceSummary } from "~/components/admissibility-documents";
import { CandidacyFacts, StaffJournal } from "~/components/candidacy-journal";
import { FormAlert } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
import { requireRole } from "~/utils/auth.server";
import { allowedIntents, candidacyIntentSchema, eventFromIntent } from "~/utils/candidacy-actions.server";
import { requireCandidacy } from "~/utils/candidacy-access.server";
import { getDb } from "~/utils/db.server";
import { formatDate } from "~/utils/format";
import { parseForm } from "~/utils/forms";
import { readFormData } from "~/utils/http.server";

export const meta = () => [{ title: "Demande de recevabilité — Portail VAE" }];

const OFFICER_INTENTS = ["OPEN_REVIEW", "MARK_INCOMPLETE", "DECLARE_ADMISSIBLE", "DECLARE_INADMISSIBLE"] as const;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "admissibility_officer");
  const { candidacy, context } = await requireCandidacy(user, "admissibility_officer", params);
  const db = await getDb();
  const journal = await listCandidacyEvents(db, candidacy.id);
  const { documents, experience } = await readAdmissibilityDocuments(db, candidacy.id);
  return json({
    documents,
    experience,
    candidacy: {
      id: candidacy.id,
      candidateName: candidacy.candidateName,
      candidateEmail: candidacy.candidateEmail,
      certificationTitle: candidacy.certificationTitle,
      referentialVersion: candidacy.referentialVersion,
      state: candidacy.state,
      stateLabel: stateLabel(candidacy.state),
      targetBlocCodes: candidacy.targetBlocCodes,
      requestedAt: candidacy.requestedAt,
    },
    answerDueBy: context.admissibility.completedAt
      ? admissibilitySilenceDeadline(context.admissibility.completedAt)
      : null,
    journal: journal.map((e) => ({ ...e, payload: e.payload as Record<string, unknown> })),
    allowed: allowedIntents(candidacy.snapshot, { userId: user.id, role: "admissibility_officer" }, [
      ...OFFICER_INTENTS,
    ]),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "admissibility_officer");
  const { candidacy } = await requireCandidacy(user, "admissibility_officer", params);
  const formData = await readFormData(request);
  const form = parseForm(candidacyIntentSchema, formData);
  const intent = String(formData.get("intent") ?? "");
  if (!form.ok)
    return json(
      { intent, fieldErrors: form.fieldErrors, formError: null as string | null, done: false },
      { status: 400 },
    );
  if (!(OFFICER_INTENTS as readonly string[]).includes(form.data.intent)) {
    return json(
      {
        intent,
        fieldErrors: {},
        formError: "Cette action n'est pas possible depuis l'espace recevabilité.",
        done: false,
      },
      { status: 403 },
    );
  }
  const outcome = await sendCandidacyEvent(
    await getDb(),
    candidacy.id,
    eventFromIntent(form.data, { userId: user.id, role: "admissibility_officer" }, new Date()),
  );
  if (!outcome.ok) return json({ intent, fieldErrors: {}, formError: outcome.message, done: false }, { status: 409 });
  return json({ intent, fieldErrors: {} as Record<string, string>, formError: null, done: true });
}

function ReasonForm({
  intent,
  label,
  button,
  error,
  busy,
}: {
  intent: string;
  label: string;
  button: string;
  error?: string;
  busy: boolean;
}) {
  const id = `reason-${intent}`;
  return (
    <Form method="post" className="form" noValidate>
      <input type="hidden" name="intent" value={intent} />
      <div className={error ? "field field--error" : "field"}>
        <label htmlFor={id}>{label}</label>
        <textarea id={id} name="reason" rows={3} maxLength={2000} aria-invalid={error ? true : undefined} />
        {error ? (
          <p className="field__error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
      <button type="submit" className="button" disabled={busy}>
        {button}
      </button>
    </Form>
  );
}

export default function OfficerCandidacyPage() {
  const { candidacy, answerDueBy, journal, allowed, documents, experience } = useLoaderData<typeof loader>();
  const attestedBlocCodes = [
    ...new Set(documents.filter((d) => d.kind === "prior_certificate" && !d.purgedAt).flatMap((d) => d.priorBlocCodes)),
  ];
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const errorsFor = (intent: string) =>
    actionData?.intent === intent ? ((actionData.fieldErrors ?? {}) as Record<string, string>) : {};
  return (
    <>
      <p>
        <Link to="/recevabilite">← Demandes de recevabilité</Link>
      </p>
      <p className="eyebrow">Demande de recevabilité</p>
      <h1>{candidacy.candidateName}</h1>
      <CandidacyFacts candidacy={candidacy}>
        <dt>Déposée le</dt>
        <dd>{candidacy.requestedAt ? formatDate(candidacy.requestedAt) : "—"}</dd>
        {answerDueBy &&
        candidacy.state.startsWith("admissibility.") &&
        candidacy.state !== "admissibility.incomplete" ? (
          <>
            <dt>Réponse due le</dt>
            <dd>{formatDate(answerDueBy)} (sinon, recevable par silence)</dd>
          </>
        ) : null}
      </CandidacyFacts>
      <FormAlert message={actionData?.formError} />
      {actionData?.done && !busy ? (
        <div className="alert alert--success" role="status">
          {actionData.intent === "OPEN_REVIEW"
            ? "L'examen de la demande a commencé."
            : "Votre décision est enregistrée ; le candidat en est informé par e-mail."}
        </div>
      ) : null}

      <section>
        <h2>Pièces de la demande</h2>
        <DeclaredExperienceSummary experience={experience} />
        <AdmissibilityDocumentList documents={documents} />
        <p className="muted">La pièce d'identité est supprimée automatiquement dès que la recevabilité est décidée.</p>
      </section>

      {allowed.includes("OPEN_REVIEW") ? (
        <Form method="post" className="card">
          <input type="hidden" name="intent" value="OPEN_REVIEW" />
          <button type="submit" className="button" disabled={busy}>
            Commencer l'examen
          </button>
        </Form>
      ) : null}

      {allowed.includes("DECLARE_ADMISSIBLE") ? (
        <section className="card">
          <h2>Décider</h2>
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="DECLARE_ADMISSIBLE" />
            <div className={errorsFor("DECLARE_ADMISSIBLE").validityEndsOn ? "field field--error" : "field"}>
              <label htmlFor="validityEndsOn">Fin de validité de la recevabilité (facultatif)</label>
              <input type="date" id="validityEndsOn" name="validityEndsOn" />
              {errorsFor("DECLARE_ADMISSIBLE").validityEndsOn ? (
                <p className="field__error" role="alert">
                  {errorsFor("DECLARE_ADMISSIBLE").validityEndsOn}
                </p>
              ) : null}
            </div>
            {candidacy.targetBlocCodes.length > 1 ? (
              <fieldset className={errorsFor("DECLARE_ADMISSIBLE").priorBlocCodes ? "field field--error" : "field"}>
                <legend>Blocs déjà détenus par le candidat (certificats acceptés)</legend>
                <p className="field__hint">
                  Cochez un bloc seulement si un certificat ou une attestation de bloc joint à la demande le prouve : il
                  sera acquis et ne sera pas évalué.
                </p>
                {candidacy.targetBlocCodes.map((code) => (
                  <div className="checkbox" key={code}>
                    <input
                      type="checkbox"
                      id={`prior-${code}`}
                      name="priorBlocCodes"
                      value={code}
                      defaultChecked={attestedBlocCodes.includes(code)}
                    />
                    <label htmlFor={`prior-${code}`}>
                      {code}
                      {attestedBlocCodes.includes(code) ? " — attesté par un document joint" : ""}
                    </label>
                  </div>
                ))}
              </fieldset>
            ) : null}
            <button type="submit" className="button" disabled={busy}>
              Déclarer recevable
            </button>
          </Form>
          {allowed.includes("MARK_INCOMPLETE") ? (
            <ReasonForm
              intent="MARK_INCOMPLETE"
              label="Pièces ou informations manquantes (communiquées au candidat)"
              button="Déclarer incomplète"
              error={errorsFor("MARK_INCOMPLETE").reason}
              busy={busy}
            />
          ) : null}
          {allowed.includes("DECLARE_INADMISSIBLE") ? (
            <ReasonForm
              intent="DECLARE_INADMISSIBLE"
              label="Motif de l'irrecevabilité (communiqué au candidat)"
              button="Déclarer irrecevable"
              error={errorsFor("DECLARE_INADMISSIBLE").reason}
              busy={busy}
            />
          ) : null}
        </section>
      ) : null}

      <section>
        <h2>Journal</h2>
        <StaffJournal entries={journal} />
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
