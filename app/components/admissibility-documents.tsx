// The documents of an admissibility request, as the candidate, the officer and certifier staff see them: type,
// period covered, file, and the declared experience they add up to.
import { Form } from "@remix-run/react";
import type { ActivityProofType, AdmissibilityDocumentKind } from "../../db/schema";
import { formatExperience } from "../../workflows/declared-experience";
import { ACTIVITY_PROOF_TYPE_LABELS, ADMISSIBILITY_DOCUMENT_KIND_LABELS } from "~/utils/document-forms";
import { formatDate, formatFileSize } from "~/utils/format";
import { TableScroll } from "~/components/table-scroll";

export interface AdmissibilityDocumentView {
  id: string;
  kind: AdmissibilityDocumentKind;
  proofType: ActivityProofType | null;
  originalName: string;
  mediaType: string;
  byteSize: number;
  sha256: string;
  uploadedAt: string;
  purgedAt: string | null;
  checkedAt: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  employer: string;
  jobTitle: string;
  relatedToCqp: boolean;
  priorBlocCodes: string[];
  description: string;
}

export interface ExperienceView {
  days: number;
  months: number;
  remainingDays: number;
  from: string | null;
  to: string | null;
}

export function DeclaredExperienceSummary({ experience }: { experience: ExperienceView }) {
  return (
    <p className="lead" data-testid="declared-experience">
      Expérience déclarée en lien avec le CQP : <strong>{formatExperience(experience)}</strong>
      {experience.from && experience.to ? (
        <span className="muted">
          {" "}
          (du {formatDate(experience.from)} au {formatDate(experience.to)}, périodes qui se chevauchent comptées une
          fois)
        </span>
      ) : null}
    </p>
  );
}

export function AdmissibilityDocumentList({
  documents,
  canRemove = false,
  busy = false,
}: {
  documents: AdmissibilityDocumentView[];
  canRemove?: boolean;
  busy?: boolean;
}) {
  if (documents.length === 0) return <p className="empty">Aucun document joint pour le moment.</p>;
  return (
    <TableScroll label="Pièces de la demande">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Fichier</th>
            <th scope="col">Détails</th>
            <th scope="col">Ajouté le</th>
            {canRemove ? <th scope="col">Action</th> : null}
          </tr>
        </thead>
        <tbody>
          {documents.map((d) => (
            <tr key={d.id}>
              <td>
                {ADMISSIBILITY_DOCUMENT_KIND_LABELS[d.kind]}
                {d.proofType ? <div className="muted">{ACTIVITY_PROOF_TYPE_LABELS[d.proofType]}</div> : null}
              </td>
              <td>
                {d.purgedAt ? (
                  <span>
                    {d.originalName}
                    <div className="muted">
                      Supprimé le {formatDate(d.purgedAt)} après la décision de recevabilité
                      {d.checkedAt ? ` (vérifié le ${formatDate(d.checkedAt)})` : ""}
                    </div>
                  </span>
                ) : (
                  <a href={`/fichiers/${d.id}`} target="_blank" rel="noreferrer">
                    {d.originalName}
                  </a>
                )}
                <div className="muted">{formatFileSize(d.byteSize)}</div>
              </td>
              <td>
                {d.periodStart && d.periodEnd ? (
                  <div>
                    Du {formatDate(d.periodStart)} au {formatDate(d.periodEnd)}
                    {d.relatedToCqp ? "" : " — sans lien avec le CQP"}
                  </div>
                ) : null}
                {d.employer ? <div>{[d.employer, d.jobTitle].filter(Boolean).join(" — ")}</div> : null}
                {d.priorBlocCodes.length > 0 ? <div>Blocs : {d.priorBlocCodes.join(", ")}</div> : null}
                {d.description ? <div className="muted">{d.description}</div> : null}
              </td>
              <td>{formatDate(d.uploadedAt)}</td>
              {canRemove ? (
                <td>
                  <Form method="post">
                    <input type="hidden" name="intent" value="remove" />
                    <input type="hidden" name="documentId" value={d.id} />
                    <button
                      type="submit"
                      className="button button--ghost"
                      disabled={busy}
                      aria-label={`Retirer ${d.originalName}`}
                    >
                      Retirer
                    </button>
                  </Form>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
