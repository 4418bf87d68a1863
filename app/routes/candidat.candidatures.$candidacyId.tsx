// One candidacy as its candidate sees it: where it stands, what to do next (only what the workflow allows now),
// and its history in plain French.
import { type ActionFunctionArgs, type LoaderFunctionArgs, json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { listCandidacyEvents } from "../../db/queries/candidacies";
import {
  admissibilitySilenceDeadline,
  resultLabel as labelOfResult,
  stateLabel,
} from "../../workflows/candidacy-machine";
import { formatExperience } from "../../workflows/declared-experience";
import { REQUIRED_REQUEST_DOCUMENT_NAMES, missingRequestDocuments } from "../../workflows/request-documents";
import { sendCandidacyEvent } from "~/services/candidacies.server";
import { readAdmissibilityDocuments } from "~/services/documents.server";
import { CandidateTimeline } from "~/components/candidacy-journal";
import { CheckboxField, FormAlert } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
import { requireRole } from "~/utils/auth.server";
import { allowedIntents, candidacyIntentSchema, eventFromIntent } from "~/utils/candidacy-actions.server";
import { requireCandidacy } from "~/utils/candidacy-access.server";
import { getDb } from "~/utils/db.server";
import { candidateTimeline } from "~/utils/candidacy-timeline";
import { formatDate } from "~/utils/format";
import { parseForm } from "~/utils/forms";
import { readFormData } from "~/utils/http.server";

export const meta = () => [{ title: "Ma candidature — Portail VAE" }];

const CANDIDATE_INTENTS = ["SUBMIT_REQUEST", "COMPLETE_REQUEST", "START_DOSSIER", "WITHDRAW"] as const;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "candidate");
  const { candidacy, context, allows } = await requireCandidacy(user, "candidate", params);
  const db = await getDb();
  const journal = await listCandidacyEvents(db, candidacy.id);
  const documents = await readAdmissibilityDocuments(db, candidacy.id);
  return json({
    requestDocuments: {
      count: documents.documents.length,
      experience: formatExperience(documents.experience),
      // What filing the request would refuse for (the service checks it again under the candidacy's lock).
      missing: missingRequestDocuments(documents.documents.map((d) => d.kind)).map(
        (kind) => REQUIRED_REQUEST_DOCUMENT_NAMES[kind],
      ),
      editable: allows("request.edit"),
    },
    dossier: {
      writing: candidacy.state === "dossier.inProgress",
      filedVersions: context.dossier.submittedVersions.length,
    },
    candidacy: {
      id: candidacy.id,
      certificationTitle: candidacy.certificationTitle,
      certificationCode: candidacy.certificationCode,
      state: candidacy.state,
      stateLabel: stateLabel(candidacy.state),
      targetBlocCodes: candidacy.targetBlocCodes,
    },
    admissibility: {
      incompleteReason:
        candidacy.state === "admissibility.incomplete" ? context.admissibility.incompleteReason : undefined,
      decisionReason: context.admissibility.reason,
      validityEndsOn: context.admissibility.validityEndsOn,
      answerDueBy: context.admissibility.completedAt
        ? admissibilitySilenceDeadline(context.admissibility.completedAt)
        : undefined,
    },
    // Worded on the server: the journal's payloads (an evaluator's reason, the outcome before validation) stay here.
    timeline: candidateTimeline(journal.map((e) => ({ ...e, payload: e.payload as Record<string, unknown> }))),
    resultAvailable: allows("result.view"),
    // Shown once validated only: "Validation partielle" rather than a bare "Décision validée".
    resultLabel: allows("result.view") ? labelOfResult(context.decision.result) : null,
    allowed: allowedIntents(candidacy.snapshot, { userId: user.id, role: "candidate" }, [...CANDIDATE_INTENTS]),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "candidate");
  const { candidacy } = await requireCandidacy(user, "candidate", params);
  const form = parseForm(candidacyIntentSchema, await readFormData(request));
  if (!form.ok)
    return json({ fieldErrors: form.fieldErrors, formError: null as string | null, done: false }, { status: 400 });
  if (!(CANDIDATE_INTENTS as readonly string[]).includes(form.data.intent)) {
    return json(
      { fieldErrors: {}, formError: "Cette action n'est pas possible depuis votre espace.", done: false },
      { status: 403 },
    );
  }
  const outcome = await sendCandidacyEvent(
    await getDb(),
    candidacy.id,
    eventFromIntent(form.data, { userId: user.id, role: "candidate" }, new Date()),
  );
  if (!outcome.ok) return json({ fieldErrors: {}, formError: outcome.message, done: false }, { status: 409 });
  return json({ fieldErrors: {} as Record<string, string>, formError: null, done: true });
}

export default function CandidacyPage() {
  const { candidacy, admissibility, timeline, resultAvailable, resultLabel, allowed, requestDocuments, dossier } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const errors = (actionData?.fieldErrors ?? {}) as Record<string, string>;
  return (
    <>
      <p>
        <Link to="/candidat">← Mes candidatures</Link>
      </p>
      <p className="eyebrow">Candidature VAE</p>
      <h1>{candidacy.certificationTitle}</h1>
      <p>
        Étape actuelle : <strong className="badge badge--active">{candidacy.stateLabel}</strong>
        {resultLabel ? <> — {resultLabel}</> : null}
      </p>
      <p className="muted">Blocs visés : {candidacy.targetBlocCodes.join(", ")}</p>
      <FormAlert message={actionData?.formError} />
      {resultAvailable ? (
        <p>
          <Link className="button" to={`/candidat/candidatures/${candidacy.id}/resultat`}>
            Voir mon résultat
          </Link>
        </p>
      ) : null}

      {admissibility.incompleteReason ? (
        <div className="alert alert--error" role="status">
          Votre demande est incomplète : {admissibility.incompleteReason}
        </div>
      ) : null}
      {candidacy.state === "inadmissible" && admissibility.decisionReason ? (
        <div className="alert alert--error" role="status">
          Votre demande a été déclarée irrecevable : {admissibility.decisionReason}
        </div>
      ) : null}
      {candidacy.state.startsWith("admissibility.") && admissibility.answerDueBy ? (
        <p>
          L'organisme évaluateur doit vous répondre au plus tard le{" "}
          <strong>{formatDate(admissibility.answerDueBy)}</strong> ; sans réponse à cette date, votre demande sera
          réputée recevable.
        </p>
      ) : null}
      {admissibility.validityEndsOn && ["admissible", "dossier.inProgress"].includes(candidacy.state) ? (
        <p>
          Votre recevabilité est valable jusqu'au <strong>{formatDate(admissibility.validityEndsOn)}</strong> : déposez
          votre dossier avant cette date.
        </p>
      ) : null}

      <section className="card">
        <h2>Pièces de ma demande de recevabilité</h2>
        <p>
          {requestDocuments.count === 0
            ? "Aucun document joint."
            : `${requestDocuments.count} document${requestDocuments.count > 1 ? "s" : ""} joint${requestDocuments.count > 1 ? "s" : ""}.`}{" "}
          Expérience déclarée en lien avec le CQP : <strong>{requestDocuments.experience}</strong>.
        </p>
        {requestDocuments.editable && requestDocuments.missing.length > 0 ? (
          <div className="alert" role="note" id="missing-documents">
            <p>Pour déposer ou compléter votre demande, joignez d'abord :</p>
            <ul>
              {requestDocuments.missing.map((name) => (
                <li key={name}>{name}</li>
              ))}
            </ul>
          </div>
        ) : null}
        <Link className="button button--ghost" to={`/candidat/candidatures/${candidacy.id}/pieces`}>
          {requestDocuments.editable ? "Gérer les pièces de ma demande" : "Voir les pièces de ma demande"}
        </Link>
      </section>

      {dossier.writing || dossier.filedVersions > 0 ? (
        <section className="card">
          <h2>Mon dossier de validation</h2>
          {dossier.writing ? (
            <p>
              Rédigez, compétence par compétence, le récit de votre expérience et joignez vos pièces justificatives.
            </p>
          ) : (
            <p>
              Votre dossier a été déposé{dossier.filedVersions > 1 ? ` (${dossier.filedVersions} versions)` : ""} : il
              est figé tel que les évaluateurs le lisent.
            </p>
          )}
          <Link
            className="button"
            to={dossier.writing ? `/candidat/candidatures/${candidacy.id}/dossier` : `/dossiers/${candidacy.id}`}
          >
            {dossier.writing ? "Rédiger mon dossier" : "Consulter mon dossier déposé"}
          </Link>
        </section>
      ) : null}

      {allowed.includes("SUBMIT_REQUEST") ? (
        <section className="card">
          <h2>Déposer ma demande de recevabilité</h2>
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="SUBMIT_REQUEST" />
            <CheckboxField id="sworn" name="sworn" error={errors.sworn}>
              Je certifie sur l'honneur l'exactitude des informations fournies et ne pas avoir déposé, pour la même
              année civile, d'autre demande de recevabilité pour ce CQP, ni plus de trois demandes au total pour des
              certifications différentes (article R335-7 du Code de l'éducation).
            </CheckboxField>
            <button
              type="submit"
              className="button"
              disabled={busy || requestDocuments.missing.length > 0}
              aria-describedby={requestDocuments.missing.length > 0 ? "missing-documents" : undefined}
            >
              Déposer ma demande
            </button>
          </Form>
        </section>
      ) : null}

      {allowed.includes("COMPLETE_REQUEST") ? (
        <Form method="post" className="card">
          <input type="hidden" name="intent" value="COMPLETE_REQUEST" />
          <p>
            Une fois les éléments manquants apportés, signalez-le : le délai de réponse de deux mois repart de ce jour.
          </p>
          <button
            type="submit"
            className="button"
            disabled={busy || requestDocuments.missing.length > 0}
            aria-describedby={requestDocuments.missing.length > 0 ? "missing-documents" : undefined}
          >
            J'ai complété ma demande
          </button>
        </Form>
      ) : null}

      {allowed.includes("START_DOSSIER") ? (
        <Form method="post" className="card">
          <input type="hidden" name="intent" value="START_DOSSIER" />
          <p>Votre demande est recevable : vous pouvez rédiger votre dossier déclaratif.</p>
          <button type="submit" className="button" disabled={busy}>
            Commencer mon dossier
          </button>
        </Form>
      ) : null}

      <section>
        <h2>Historique</h2>
        <CandidateTimeline items={timeline} />
      </section>

      {allowed.includes("WITHDRAW") ? (
        <details className="card">
          <summary>Abandonner ma candidature</summary>
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="WITHDRAW" />
            <label htmlFor="withdraw-reason">Motif (facultatif)</label>
            <textarea id="withdraw-reason" name="reason" rows={2} maxLength={2000} />
            <CheckboxField id="confirm" name="confirm" error={errors.confirm}>
              Je confirme abandonner cette candidature : cette action est définitive.
            </CheckboxField>
            <button type="submit" className="button button--ghost" disabled={busy}>
              Abandonner
            </button>
          </Form>
        </details>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
