// The candidate's admissibility request documents: identity, proofs of activity with the period each covers, prior
// certificates, sworn statement. Files stream to storage as they arrive (documents.server.ts); the page shows the
// experience they add up to. Documents can change while the request is being put together or completed.
// The form works without JavaScript: every kind's fields are shown (none marked required in the browser) and the
// server asks only for those of the kind chosen; with JavaScript, only the chosen kind's fields show.
import { formAlertOf } from "../../workflows/refusal";
import { type ActionFunctionArgs, type LoaderFunctionArgs, json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { z } from "zod";
import { ACTIVITY_PROOF_TYPES, ADMISSIBILITY_DOCUMENT_KINDS, type AdmissibilityDocumentKind } from "../../db/schema";
import { stateLabel } from "../../workflows/candidacy-machine";
import { REQUIRED_REQUEST_DOCUMENT_NAMES, missingRequestDocuments } from "../../workflows/request-documents";
import { AdmissibilityDocumentList, DeclaredExperienceSummary } from "~/components/admissibility-documents";
import { FileUploadControls } from "~/components/file-input";
import { FormAlert, FormField } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
import {
  addAdmissibilityDocument,
  readAdmissibilityDocuments,
  removeAdmissibilityDocument,
} from "~/services/documents.server";
import { getStorage } from "~/services/storage";
import { ALLOWED_UPLOAD_TYPES_LABEL, UPLOAD_ACCEPT } from "~/services/uploads/allowed-types";
import { requireRole } from "~/utils/auth.server";
import { requireCandidacy } from "~/utils/candidacy-access.server";
import { getDb } from "~/utils/db.server";
import { ACTIVITY_PROOF_TYPE_LABELS, ADMISSIBILITY_DOCUMENT_KIND_LABELS } from "~/utils/document-forms";
import { getConfig } from "~/utils/env.server";
import { parseForm } from "~/utils/forms";
import { readFormData } from "~/utils/http.server";

export const meta = () => [{ title: "Pièces de ma demande — Portail VAE" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "candidate");
  const { candidacy, allows } = await requireCandidacy(user, "candidate", params);
  const { documents, experience } = await readAdmissibilityDocuments(await getDb(), candidacy.id);
  return json({
    candidacy: {
      id: candidacy.id,
      certificationTitle: candidacy.certificationTitle,
      state: candidacy.state,
      stateLabel: stateLabel(candidacy.state),
      targetBlocCodes: candidacy.targetBlocCodes,
    },
    editable: allows("request.edit"),
    documents,
    experience,
    missing: missingRequestDocuments(documents.map((d) => d.kind)).map((kind) => REQUIRED_REQUEST_DOCUMENT_NAMES[kind]),
    maxFileBytes: getConfig().uploadMaxBytes,
    accept: UPLOAD_ACCEPT,
    acceptedLabel: ALLOWED_UPLOAD_TYPES_LABEL,
  });
}

const removeSchema = z.object({ intent: z.literal("remove"), documentId: z.string().uuid("Document introuvable.") });

type ActionData = {
  formError: string | null;
  fieldErrors: Record<string, string>;
  /** What was typed, put back in the form after a refusal (a page reloaded without JavaScript starts empty). */
  values?: Record<string, string>;
  done: "added" | "removed" | null;
};

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "candidate");
  const { candidacy } = await requireCandidacy(user, "candidate", params);
  const db = await getDb();
  // The upload is read as a stream by the service: the body must not be parsed here first.
  if ((request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    const outcome = await addAdmissibilityDocument(db, getStorage(), user, candidacy.id, request, {
      maxFileBytes: getConfig().uploadMaxBytes,
    });
    if (!outcome.ok) {
      return json<ActionData>(
        { formError: formAlertOf(outcome), fieldErrors: outcome.fieldErrors, values: outcome.values, done: null },
        { status: outcome.status },
      );
    }
    return json<ActionData>({ formError: null, fieldErrors: {}, done: "added" });
  }
  const form = parseForm(removeSchema, await readFormData(request));
  if (!form.ok)
    return json<ActionData>({ formError: "Document introuvable.", fieldErrors: {}, done: null }, { status: 400 });
  const outcome = await removeAdmissibilityDocument(db, getStorage(), user, candidacy.id, form.data.documentId);
  if (!outcome.ok) {
    return json<ActionData>(
      { formError: formAlertOf(outcome), fieldErrors: outcome.fieldErrors, done: null },
      { status: outcome.status },
    );
  }
  return json<ActionData>({ formError: null, fieldErrors: {}, done: "removed" });
}

const DEFAULT_KIND: AdmissibilityDocumentKind = "activity_proof";
const isKind = (value: string | undefined): value is AdmissibilityDocumentKind =>
  (ADMISSIBILITY_DOCUMENT_KINDS as readonly string[]).includes(value ?? "");

export default function RequestDocumentsPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  // The action answers before the page's data is reloaded: confirm once the page shows the change.
  const settled = !busy;
  const errors = actionData?.fieldErrors ?? {};
  const values = actionData?.values ?? {};
  const sentKind = isKind(values.kind) ? values.kind : DEFAULT_KIND;
  const [kind, setKind] = useState<AdmissibilityDocumentKind>(sentKind);
  // After a refusal the form shows the kind that was sent.
  useEffect(() => setKind(sentKind), [sentKind]);
  // Until JavaScript runs (or without it), every kind's fields are shown and none is required by the browser.
  const [enhanced, setEnhanced] = useState(false);
  useEffect(() => setEnhanced(true), []);
  const shows = (k: AdmissibilityDocumentKind) => !enhanced || kind === k;
  const priorBlocs = new Set((values.priorBlocCodes ?? "").split(",").filter(Boolean));
  return (
    <>
      <p>
        <Link to={`/candidat/candidatures/${data.candidacy.id}`}>← Ma candidature</Link>
      </p>
      <p className="eyebrow">Demande de recevabilité</p>
      <h1>Pièces de ma demande</h1>
      <p className="muted">
        {data.candidacy.certificationTitle} — étape : {data.candidacy.stateLabel}
      </p>
      <FormAlert message={actionData?.formError} />
      {actionData?.done === "added" && settled ? (
        <div className="alert alert--success" role="status">
          Le document a été ajouté à votre demande.
        </div>
      ) : null}
      {actionData?.done === "removed" && settled ? (
        <div className="alert alert--success" role="status">
          Le document a été retiré de votre demande.
        </div>
      ) : null}

      <DeclaredExperienceSummary experience={data.experience} />
      {data.editable && data.missing.length > 0 ? (
        <div className="alert" role="note">
          <p>Votre demande ne pourra être déposée qu'avec :</p>
          <ul>
            {data.missing.map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ul>
        </div>
      ) : null}

      <section>
        <h2>Documents joints</h2>
        <AdmissibilityDocumentList documents={data.documents} canRemove={data.editable} busy={busy} />
        <p className="muted">
          Votre pièce d'identité est supprimée de nos serveurs dès que la décision de recevabilité est prise ; nous
          conservons seulement la trace de sa vérification.
        </p>
      </section>

      {data.editable ? (
        <section className="card">
          <h2>Ajouter un document</h2>
          {/* Text fields come before the file: the server reads them as the upload streams in. */}
          <Form
            method="post"
            encType="multipart/form-data"
            className="form"
            key={actionData?.done === "added" ? "reset" : "form"}
          >
            <div className={errors.kind ? "field field--error" : "field"}>
              <label htmlFor="field-kind">Type de document</label>
              <select
                id="field-kind"
                name="kind"
                value={kind}
                onChange={(e) => setKind(e.currentTarget.value as AdmissibilityDocumentKind)}
              >
                {ADMISSIBILITY_DOCUMENT_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {ADMISSIBILITY_DOCUMENT_KIND_LABELS[k]}
                  </option>
                ))}
              </select>
              {errors.kind ? <p className="field__error">{errors.kind}</p> : null}
            </div>
            {shows("activity_proof") ? (
              <fieldset>
                <legend>
                  {enhanced ? "Activité justifiée" : "Pour un justificatif d'activité : l'activité justifiée"}
                </legend>
                {enhanced ? null : (
                  <p className="field__hint">À remplir seulement si le document est un justificatif d'activité.</p>
                )}
                <div className={errors.proofType ? "field field--error" : "field"}>
                  <label htmlFor="field-proofType">Nature du justificatif</label>
                  <select
                    id="field-proofType"
                    name="proofType"
                    defaultValue={values.proofType || "employer_attestation"}
                  >
                    {ACTIVITY_PROOF_TYPES.map((t) => (
                      <option key={t} value={t}>
                        {ACTIVITY_PROOF_TYPE_LABELS[t]}
                      </option>
                    ))}
                  </select>
                  {errors.proofType ? <p className="field__error">{errors.proofType}</p> : null}
                </div>
                <FormField
                  name="employer"
                  label="Employeur ou structure"
                  required={enhanced}
                  maxLength={200}
                  defaultValue={values.employer}
                  error={errors.employer}
                />
                <FormField
                  name="jobTitle"
                  label="Intitulé du poste (facultatif)"
                  maxLength={200}
                  defaultValue={values.jobTitle}
                  error={errors.jobTitle}
                />
                <FormField
                  name="periodStart"
                  type="date"
                  label="Début de la période couverte"
                  required={enhanced}
                  defaultValue={values.periodStart}
                  error={errors.periodStart}
                />
                <FormField
                  name="periodEnd"
                  type="date"
                  label="Fin de la période couverte"
                  required={enhanced}
                  defaultValue={values.periodEnd}
                  error={errors.periodEnd}
                  hint="Les deux dates sont incluses. Pour des bulletins de salaire, du premier au dernier mois couvert."
                />
                <div className="field">
                  <label htmlFor="field-relatedToCqp">Cette activité est-elle en rapport avec le CQP ?</label>
                  <select
                    id="field-relatedToCqp"
                    name="relatedToCqp"
                    defaultValue={values.relatedToCqp === "no" ? "no" : "yes"}
                  >
                    <option value="yes">Oui : elle compte dans mon expérience en lien avec le CQP</option>
                    <option value="no">Non : autre activité</option>
                  </select>
                </div>
              </fieldset>
            ) : null}
            {shows("prior_certificate") ? (
              <fieldset className={errors.priorBlocCodes ? "field field--error" : undefined}>
                <legend>
                  {enhanced ? "Blocs attestés par ce document" : "Pour un certificat de bloc : les blocs attestés"}
                </legend>
                {data.candidacy.targetBlocCodes.map((code) => (
                  <div className="checkbox" key={code}>
                    <input
                      type="checkbox"
                      id={`bloc-${code}`}
                      name="priorBlocCodes"
                      value={code}
                      defaultChecked={priorBlocs.has(code)}
                    />
                    <label htmlFor={`bloc-${code}`}>{code}</label>
                  </div>
                ))}
                {errors.priorBlocCodes ? <p className="field__error">{errors.priorBlocCodes}</p> : null}
              </fieldset>
            ) : null}
            <FormField
              name="description"
              label="Précision (facultatif)"
              maxLength={1000}
              defaultValue={values.description}
              error={errors.description}
            />
            <FileUploadControls
              maxBytes={data.maxFileBytes}
              accept={data.accept}
              acceptedLabel={data.acceptedLabel}
              submitLabel="Ajouter le document"
            />
          </Form>
        </section>
      ) : (
        <p className="muted">Votre demande a été déposée : ses pièces ne peuvent plus être modifiées.</p>
      )}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
