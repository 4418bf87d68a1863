// One competency of the candidate's dossier: the referential's activities and criteria as guidance, the narrative
// in three parts with a length indicator, and the pieces of evidence already tied to it.
import { formAlertOf } from "../../workflows/refusal";
import { type ActionFunctionArgs, type LoaderFunctionArgs, json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import {
  NARRATIVE_LENGTH_LABELS,
  NARRATIVE_PARTS,
  NARRATIVE_PART_LABELS,
  NARRATIVE_PART_MAX_LENGTH,
  type NarrativePart,
  narrativeLengthLevel,
} from "../../workflows/dossier-coverage";
import { FormAlert } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
import { CaptionField } from "~/components/evidence-links-fields";
import { FileUploadControls } from "~/components/file-input";
import { addEvidence, readCandidateDossier, saveNarrative } from "~/services/dossiers.server";
import { getStorage } from "~/services/storage";
import { ALLOWED_UPLOAD_TYPES_LABEL, UPLOAD_ACCEPT } from "~/services/uploads/allowed-types";
import { getConfig } from "~/utils/env.server";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { narrativeSchema } from "~/utils/document-forms";
import { parseForm } from "~/utils/forms";
import { parseIdParam, readFormData } from "~/utils/http.server";

export const meta = () => [{ title: "Rédiger une compétence — Portail VAE" }];

const PART_HINTS: Record<NarrativePart, string> = {
  context: "Où, quand, dans quelle entreprise et quel rayon ; avec qui ; quelles contraintes.",
  actions: "Ce que vous avez fait vous-même, étape par étape, en disant « je ».",
  results: "Ce que cela a produit : pour le client, l'équipe, le magasin ; ce que vous en retenez.",
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "candidate");
  const dossier = await readCandidateDossier(
    await getDb(),
    user,
    parseIdParam(params, "candidacyId", "Candidature introuvable."),
  );
  if (!dossier) throw json({ message: "Candidature introuvable." }, { status: 404 });
  const competency = dossier.scope.competencies.find((c) => c.code === params.competencyCode);
  if (!competency) throw json({ message: "Compétence introuvable dans votre dossier." }, { status: 404 });
  if (!dossier.editable) throw redirect(`/candidat/candidatures/${dossier.candidacy.id}/dossier`);
  const bloc = dossier.scope.blocs.find((b) => b.code === competency.blocCode)!;
  const codes = dossier.scope.competencies.map((c) => c.code);
  const index = codes.indexOf(competency.code);
  return json({
    candidacyId: dossier.candidacy.id,
    version: dossier.nextVersion,
    bloc: { code: bloc.code, number: bloc.number, title: bloc.title },
    competency,
    narrative: dossier.current?.narratives.get(competency.code) ?? { context: "", actions: "", results: "" },
    evidence: (dossier.current?.evidence ?? [])
      .filter((e) => e.competencyCodes.includes(competency.code))
      .map((e) => ({ documentId: e.documentId, originalName: e.originalName, caption: e.caption })),
    maxFileBytes: getConfig().uploadMaxBytes,
    accept: UPLOAD_ACCEPT,
    acceptedLabel: ALLOWED_UPLOAD_TYPES_LABEL,
    previousCode: index > 0 ? codes[index - 1] : null,
    nextCode: index < codes.length - 1 ? codes[index + 1] : null,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "candidate");
  const candidacyId = parseIdParam(params, "candidacyId", "Candidature introuvable.");
  // A piece added from here: streamed by the service, tied to this competency (more can be ticked on the dossier page).
  if ((request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    const outcome = await addEvidence(await getDb(), getStorage(), user, candidacyId, request, {
      maxFileBytes: getConfig().uploadMaxBytes,
    });
    if (!outcome.ok) {
      return json(
        { formError: formAlertOf(outcome), fieldErrors: outcome.fieldErrors, saved: false, added: false },
        { status: outcome.status },
      );
    }
    return json({ formError: null, fieldErrors: {} as Record<string, string>, saved: false, added: true });
  }
  const form = parseForm(narrativeSchema, await readFormData(request));
  if (!form.ok)
    return json(
      { formError: null as string | null, fieldErrors: form.fieldErrors, saved: false, added: false },
      { status: 400 },
    );
  const outcome = await saveNarrative(await getDb(), user, candidacyId, params.competencyCode ?? "", form.data);
  if (!outcome.ok) {
    return json(
      { formError: formAlertOf(outcome), fieldErrors: outcome.fieldErrors, saved: false, added: false },
      { status: outcome.status },
    );
  }
  return json({ formError: null, fieldErrors: {} as Record<string, string>, saved: true, added: false });
}

export default function CompetencyNarrativePage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const [lengths, setLengths] = useState<Record<NarrativePart, number>>(() => ({
    context: data.narrative.context.trim().length,
    actions: data.narrative.actions.trim().length,
    results: data.narrative.results.trim().length,
  }));
  const total = lengths.context + lengths.actions + lengths.results;
  const dossierHref = `/candidat/candidatures/${data.candidacyId}/dossier`;
  return (
    <>
      <p>
        <Link to={dossierHref}>← Mon dossier (version {data.version})</Link>
      </p>
      <p className="eyebrow">
        Bloc {data.bloc.number} — {data.bloc.title}
      </p>
      <h1>
        {data.competency.code} — {data.competency.statement}
      </h1>
      <div className="competency__columns">
        <section>
          <h2>Activités du référentiel</h2>
          <ul>
            {data.competency.activities.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </section>
        <section>
          <h2>Critères d'évaluation</h2>
          <ul>
            {data.competency.criteria.map((c) => (
              <li key={c.id}>{c.text}</li>
            ))}
          </ul>
        </section>
      </div>

      <FormAlert message={actionData?.formError} />
      {actionData?.added && !busy ? (
        <div className="alert alert--success" role="status">
          La pièce a été ajoutée et rattachée à {data.competency.code}.
        </div>
      ) : null}
      {actionData?.saved ? (
        <div className="alert alert--success" role="status">
          Votre récit est enregistré.
        </div>
      ) : null}
      <Form method="post" className="form card">
        <h2>Mon récit</h2>
        {NARRATIVE_PARTS.map((part) => {
          const error = actionData?.fieldErrors?.[part];
          return (
            <div key={part} className={error ? "field field--error" : "field"}>
              <label htmlFor={`narrative-${part}`}>{NARRATIVE_PART_LABELS[part]}</label>
              <p className="field__hint">{PART_HINTS[part]}</p>
              <textarea
                id={`narrative-${part}`}
                name={part}
                rows={part === "actions" ? 10 : 5}
                maxLength={NARRATIVE_PART_MAX_LENGTH}
                defaultValue={data.narrative[part]}
                onChange={(e) => {
                  const length = e.currentTarget.value.trim().length;
                  setLengths((l) => ({ ...l, [part]: length }));
                }}
              />
              <p className="muted">
                {lengths[part].toLocaleString("fr-FR")} / {NARRATIVE_PART_MAX_LENGTH.toLocaleString("fr-FR")} caractères
              </p>
              {error ? <p className="field__error">{error}</p> : null}
            </div>
          );
        })}
        <p data-testid="length-indicator">
          Longueur du récit : <strong>{NARRATIVE_LENGTH_LABELS[narrativeLengthLevel(total)]}</strong> (
          {total.toLocaleString("fr-FR")} caractères)
        </p>
        <button type="submit" className="button" disabled={busy}>
          Enregistrer mon récit
        </button>
      </Form>

      <section>
        <h2>Pièces qui illustrent cette compétence</h2>
        {data.evidence.length === 0 ? (
          <p className="empty">
            Aucune pièce pour le moment : ajoutez-en depuis <Link to={dossierHref}>votre dossier</Link>.
          </p>
        ) : (
          <ul>
            {data.evidence.map((e) => (
              <li key={e.documentId}>
                <a href={`/fichiers/${e.documentId}`} target="_blank" rel="noreferrer">
                  {e.originalName}
                </a>{" "}
                — {e.caption}
              </li>
            ))}
          </ul>
        )}
        <details className="card" open={actionData?.fieldErrors?.caption !== undefined}>
          <summary>Ajouter une pièce pour {data.competency.code}</summary>
          {/* Text fields come before the file: the server reads them as the upload streams in. */}
          <Form method="post" encType="multipart/form-data" className="form" key={actionData?.added ? "sent" : "new"}>
            <input type="hidden" name="competencyCodes" value={data.competency.code} />
            <CaptionField id="evidence-caption" error={actionData?.fieldErrors?.caption} />
            <FileUploadControls
              maxBytes={data.maxFileBytes}
              accept={data.accept}
              acceptedLabel={data.acceptedLabel}
              submitLabel="Ajouter la pièce"
            />
          </Form>
        </details>
      </section>
      <nav className="pager">
        {data.previousCode ? (
          <Link to={`${dossierHref}/${encodeURIComponent(data.previousCode)}`}>← {data.previousCode}</Link>
        ) : null}{" "}
        {data.nextCode ? (
          <Link to={`${dossierHref}/${encodeURIComponent(data.nextCode)}`}>{data.nextCode} →</Link>
        ) : null}
      </nav>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
