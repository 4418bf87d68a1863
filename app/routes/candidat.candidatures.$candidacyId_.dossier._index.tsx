// The candidate's declarative dossier: the coverage matrix, the evidence library (each file tied to the
// competencies it illustrates), and the submission, which lists what is missing and asks for confirmation when a
// competency has no evidence. Submitting freezes the version; after a send-back the candidate amends version N+1.
import { formAlertOf } from "../../workflows/refusal";
import { type ActionFunctionArgs, type LoaderFunctionArgs, json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { CoverageMatrix } from "~/components/coverage-matrix";
import { EvidenceLinksFields } from "~/components/evidence-links-fields";
import { FileUploadControls } from "~/components/file-input";
import { CheckboxField, FormAlert } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
import {
  addEvidence,
  readCandidateDossier,
  removeEvidence,
  replaceEvidenceFile,
  submitDossier,
  updateEvidence,
} from "~/services/dossiers.server";
import { getStorage } from "~/services/storage";
import { ALLOWED_UPLOAD_TYPES_LABEL, UPLOAD_ACCEPT } from "~/services/uploads/allowed-types";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { evidenceLinksSchema } from "~/utils/document-forms";
import { getConfig } from "~/utils/env.server";
import { formatDate, formatDateTime, formatFileSize } from "~/utils/format";
import { parseForm } from "~/utils/forms";
import { parseIdParam, readFormData } from "~/utils/http.server";

export const meta = () => [{ title: "Mon dossier de validation — Portail VAE" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "candidate");
  const dossier = await readCandidateDossier(
    await getDb(),
    user,
    parseIdParam(params, "candidacyId", "Candidature introuvable."),
  );
  if (!dossier) throw json({ message: "Candidature introuvable." }, { status: 404 });
  return json({
    candidacy: {
      id: dossier.candidacy.id,
      certificationTitle: dossier.candidacy.certificationTitle,
      state: dossier.candidacy.state,
      stateLabel: dossier.candidacy.stateLabel,
    },
    editable: dossier.editable,
    nextVersion: dossier.nextVersion,
    sentBack: dossier.sentBack ?? null,
    blocs: dossier.scope.blocs,
    coverage: dossier.coverage,
    evidence: (dossier.current?.evidence ?? []).map((e) => ({
      documentId: e.documentId,
      originalName: e.originalName,
      mediaType: e.mediaType,
      byteSize: e.byteSize,
      caption: e.caption,
      competencyCodes: e.competencyCodes,
      criterionIds: e.criterionIds,
    })),
    currentIsDraft: dossier.current ? !dossier.current.version.frozenAt : true,
    filedVersions: dossier.versions
      .filter((v) => v.frozenAt)
      .map((v) => ({ version: v.version, frozenAt: v.frozenAt!.toISOString() })),
    maxFileBytes: getConfig().uploadMaxBytes,
    accept: UPLOAD_ACCEPT,
    acceptedLabel: ALLOWED_UPLOAD_TYPES_LABEL,
  });
}

const intentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("update-evidence"), documentId: z.string().uuid() }),
  z.object({ intent: z.literal("remove-evidence"), documentId: z.string().uuid() }),
  z.object({ intent: z.literal("submit"), confirmWithoutEvidence: z.literal("on").optional() }),
]);

type ActionData = {
  intent: string;
  formError: string | null;
  fieldErrors: Record<string, string>;
  done: string | null;
  needsConfirmation?: boolean;
  documentId?: string;
};

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "candidate");
  const db = await getDb();
  const candidacyId = parseIdParam(params, "candidacyId", "Candidature introuvable.");
  const reply = (data: Omit<ActionData, "fieldErrors"> & { fieldErrors?: Record<string, string> }, status = 200) =>
    json<ActionData>({ fieldErrors: {}, ...data }, { status });
  if ((request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    // The upload is read as a stream by the service: which piece a new file replaces travels in the URL.
    const replaced = z.string().uuid().safeParse(new URL(request.url).searchParams.get("remplacer"));
    if (replaced.success) {
      const outcome = await replaceEvidenceFile(db, getStorage(), user, candidacyId, replaced.data, request, {
        maxFileBytes: getConfig().uploadMaxBytes,
      });
      if (!outcome.ok) {
        return reply(
          { intent: "replace", documentId: replaced.data, formError: formAlertOf(outcome), done: null },
          outcome.status,
        );
      }
      return reply({ intent: "replace", formError: null, done: "Le fichier de la pièce a été remplacé." });
    }
    const outcome = await addEvidence(db, getStorage(), user, candidacyId, request, {
      maxFileBytes: getConfig().uploadMaxBytes,
    });
    if (!outcome.ok)
      return reply(
        { intent: "upload", formError: formAlertOf(outcome), fieldErrors: outcome.fieldErrors, done: null },
        outcome.status,
      );
    return reply({ intent: "upload", formError: null, done: "La pièce a été ajoutée à votre dossier." });
  }
  const formData = await readFormData(request);
  const intent = parseForm(intentSchema, formData);
  if (!intent.ok) return reply({ intent: "", formError: "Cette action n'est pas reconnue.", done: null }, 400);
  switch (intent.data.intent) {
    case "update-evidence": {
      const links = parseForm(evidenceLinksSchema, formData);
      if (!links.ok) {
        return reply(
          {
            intent: "update-evidence",
            documentId: intent.data.documentId,
            formError: null,
            fieldErrors: links.fieldErrors,
            done: null,
          },
          400,
        );
      }
      const outcome = await updateEvidence(db, user, candidacyId, intent.data.documentId, links.data);
      if (!outcome.ok) {
        return reply(
          {
            intent: "update-evidence",
            documentId: intent.data.documentId,
            formError: formAlertOf(outcome),
            fieldErrors: outcome.fieldErrors,
            done: null,
          },
          outcome.status,
        );
      }
      return reply({ intent: "update-evidence", formError: null, done: "La pièce a été mise à jour." });
    }
    case "remove-evidence": {
      const outcome = await removeEvidence(db, getStorage(), user, candidacyId, intent.data.documentId);
      if (!outcome.ok)
        return reply({ intent: "remove-evidence", formError: formAlertOf(outcome), done: null }, outcome.status);
      return reply({ intent: "remove-evidence", formError: null, done: "La pièce a été retirée de votre dossier." });
    }
    case "submit": {
      const outcome = await submitDossier(db, user, candidacyId, {
        confirmWithoutEvidence: intent.data.confirmWithoutEvidence === "on",
      });
      if (!outcome.ok) {
        return reply(
          {
            intent: "submit",
            formError: formAlertOf(outcome),
            done: null,
            needsConfirmation: outcome.needsConfirmation,
          },
          outcome.status,
        );
      }
      return reply({
        intent: "submit",
        formError: null,
        done: `Votre dossier (version ${outcome.version}) a été déposé.`,
      });
    }
  }
}

export default function DossierPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  // The action answers before the page's data is reloaded: confirm once the page shows the change.
  const settled = !busy;
  const uploadErrors = actionData?.intent === "upload" ? actionData.fieldErrors : {};
  const competencyTitle = new Map(data.blocs.flatMap((b) => b.competencies.map((c) => [c.code, c.statement] as const)));
  const { coverage } = data;
  return (
    <>
      <p>
        <Link to={`/candidat/candidatures/${data.candidacy.id}`}>← Ma candidature</Link>
      </p>
      <p className="eyebrow">Dossier de validation</p>
      <h1>Mon dossier{data.editable ? ` — version ${data.nextVersion} en cours` : ""}</h1>
      <p className="muted">
        {data.candidacy.certificationTitle} — étape : {data.candidacy.stateLabel}
      </p>
      <FormAlert message={actionData?.formError} />
      {actionData?.done && settled ? (
        <div className="alert alert--success" role="status">
          {actionData.done}
        </div>
      ) : null}
      {data.sentBack ? (
        <div className="alert" role="note">
          Votre dossier (version {data.sentBack.version}) vous a été renvoyé le {formatDate(data.sentBack.at)} pour
          précisions : <q>{data.sentBack.reason}</q>. Vous complétez la version {data.nextVersion} ; la version{" "}
          {data.sentBack.version} reste telle que vous l'avez déposée.
        </div>
      ) : null}
      {!data.editable && data.candidacy.state === "admissible" ? (
        <p className="alert" role="note">
          Commencez votre dossier depuis la{" "}
          <Link to={`/candidat/candidatures/${data.candidacy.id}`}>page de votre candidature</Link>.
        </p>
      ) : null}
      {data.filedVersions.length > 0 ? (
        <p>
          Versions déposées :{" "}
          {data.filedVersions.map((v, i) => (
            <span key={v.version}>
              {i > 0 ? ", " : ""}
              <Link to={`/dossiers/${data.candidacy.id}?version=${v.version}`}>
                version {v.version} du {formatDateTime(v.frozenAt)}
              </Link>
            </span>
          ))}
        </p>
      ) : null}

      <section>
        <h2>Couverture des compétences</h2>
        <p className="muted">
          Pour chaque compétence, racontez une situation réelle (contexte, ce que vous avez fait, résultats) et joignez
          les pièces qui la montrent. Une même pièce peut illustrer plusieurs compétences.
        </p>
        <CoverageMatrix
          rows={coverage.competencies}
          editHref={
            data.editable
              ? (code) => `/candidat/candidatures/${data.candidacy.id}/dossier/${encodeURIComponent(code)}`
              : undefined
          }
        />
      </section>

      <section>
        <h2>Pièces justificatives ({data.evidence.length})</h2>
        {data.evidence.length === 0 ? <p className="empty">Aucune pièce pour le moment.</p> : null}
        {data.evidence.map((piece) => (
          <article className="card evidence" key={piece.documentId} data-testid="evidence">
            <h3>
              <a href={`/fichiers/${piece.documentId}`} target="_blank" rel="noreferrer">
                {piece.originalName}
              </a>{" "}
              <span className="muted">({formatFileSize(piece.byteSize)})</span>
            </h3>
            <p>{piece.caption}</p>
            <p className="muted">
              Illustre :{" "}
              {piece.competencyCodes.map((code) => (
                <span key={code} className="badge" title={competencyTitle.get(code)}>
                  {code}
                </span>
              ))}
              {piece.criterionIds.length > 0
                ? ` — ${piece.criterionIds.length} critère${piece.criterionIds.length > 1 ? "s" : ""} ciblé${piece.criterionIds.length > 1 ? "s" : ""}`
                : ""}
            </p>
            {data.editable ? (
              <>
                <details open={actionData?.intent === "update-evidence" && actionData.documentId === piece.documentId}>
                  <summary>Modifier la légende et les compétences</summary>
                  <Form method="post" className="form">
                    <input type="hidden" name="intent" value="update-evidence" />
                    <input type="hidden" name="documentId" value={piece.documentId} />
                    <EvidenceLinksFields
                      idPrefix={`edit-${piece.documentId}`}
                      blocs={data.blocs}
                      caption={piece.caption}
                      competencyCodes={piece.competencyCodes}
                      criterionIds={piece.criterionIds}
                      withCriteria
                      errors={
                        actionData?.intent === "update-evidence" && actionData.documentId === piece.documentId
                          ? actionData.fieldErrors
                          : {}
                      }
                    />
                    <button type="submit" className="button" disabled={busy}>
                      Enregistrer
                    </button>
                  </Form>
                </details>
                <details open={actionData?.intent === "replace" && actionData.documentId === piece.documentId}>
                  <summary>Remplacer le fichier</summary>
                  <p className="muted">
                    La légende et les compétences restent ; une version déjà déposée garde l'ancien fichier.
                  </p>
                  <Form
                    method="post"
                    encType="multipart/form-data"
                    action={`?index&remplacer=${piece.documentId}`}
                    className="form"
                  >
                    <FileUploadControls
                      id={`replace-${piece.documentId}`}
                      label="Nouveau fichier"
                      maxBytes={data.maxFileBytes}
                      accept={data.accept}
                      acceptedLabel={data.acceptedLabel}
                      submitLabel="Remplacer le fichier"
                    />
                  </Form>
                </details>
                <Form method="post">
                  <input type="hidden" name="intent" value="remove-evidence" />
                  <input type="hidden" name="documentId" value={piece.documentId} />
                  <button
                    type="submit"
                    className="button button--ghost"
                    disabled={busy}
                    aria-label={`Retirer du dossier : ${piece.originalName}`}
                  >
                    Retirer du dossier
                  </button>
                </Form>
              </>
            ) : null}
          </article>
        ))}
      </section>

      {data.editable ? (
        <section className="card">
          <h2>Ajouter une pièce</h2>
          {/* Text fields come before the file: the server reads them as the upload streams in. */}
          <Form
            method="post"
            encType="multipart/form-data"
            className="form"
            key={actionData?.intent === "upload" && actionData.done ? "sent" : "new"}
          >
            <EvidenceLinksFields idPrefix="new" blocs={data.blocs} withCriteria={false} errors={uploadErrors} />
            <FileUploadControls
              maxBytes={data.maxFileBytes}
              accept={data.accept}
              acceptedLabel={data.acceptedLabel}
              submitLabel="Ajouter la pièce"
            />
          </Form>
        </section>
      ) : null}

      {data.editable ? (
        <section className="card">
          <h2>Déposer mon dossier</h2>
          {coverage.withoutNarrative.length > 0 ? (
            <div className="alert alert--error" role="note">
              Avant de déposer, rédigez le récit de : {coverage.withoutNarrative.map((c) => c.code).join(", ")}.
            </div>
          ) : null}
          {coverage.withoutEvidence.length > 0 ? (
            <div className="alert" role="note">
              Aucune pièce n'illustre : {coverage.withoutEvidence.map((c) => c.code).join(", ")}.
            </div>
          ) : null}
          <p>
            Une fois déposée, la version {data.nextVersion} est figée : les évaluateurs liront exactement ce que vous
            aurez déposé.
          </p>
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="submit" />
            {coverage.withoutEvidence.length > 0 ? (
              <CheckboxField id="confirmWithoutEvidence" name="confirmWithoutEvidence">
                Je confirme vouloir déposer mon dossier alors que certaines compétences ne sont illustrées par aucune
                pièce.
              </CheckboxField>
            ) : null}
            <button type="submit" className="button" disabled={busy || !coverage.canSubmit}>
              Déposer la version {data.nextVersion}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
