// The body of a filed dossier version as its readers see it (/dossiers/:id): what changed since the previous version,
// the coverage, the narratives per bloc and competency, and the index of the evidence. It shows the version only,
// never who reads it, so that the server renders it once per version (docs/decisions/035). Its view is built by
// app/services/filed-dossier-view.server.ts: texts ready to show (dates, sizes, lists), each string once.
import { NARRATIVE_PART_LABELS, type NarrativePart } from "../../workflows/dossier-coverage";
import { type CoverageRowView, CoverageMatrix } from "~/components/coverage-matrix";
import { TableScroll } from "~/components/table-scroll";

export interface FiledNarrativePartView {
  part: NarrativePart;
  text: string;
  /** Present when the part changed since the previous version: that version's text. */
  previousText?: string;
}

export interface FiledCompetencyView {
  code: string;
  statement: string;
  modified: boolean;
  /** Null when no narrative was written. */
  narrative: FiledNarrativePartView[] | null;
  /** Numbers of the evidence files (1-based positions in `evidence`) that support the competency. */
  pieces: number[];
}

export interface FiledEvidenceView {
  documentId: string;
  originalName: string;
  size: string;
  caption: string;
  competencies: string;
  sha256: string;
}

export interface FiledDossierBodyView {
  previousVersion: number | null;
  /** Null for a first version; otherwise the list of what changed (empty when nothing did). */
  changes: Array<{ key: string; text: string }> | null;
  coverage: Array<Omit<CoverageRowView, "title" | "blocCode">>;
  blocs: Array<{ code: string; number: number; title: string; competencies: FiledCompetencyView[] }>;
  evidence: FiledEvidenceView[];
}

export function FiledDossierBody({ view }: { view: FiledDossierBodyView }) {
  const statements = new Map(view.blocs.flatMap((b) => b.competencies.map((c) => [c.code, c.statement] as const)));
  const coverageRows: CoverageRowView[] = view.coverage.map((row) => ({
    ...row,
    title: statements.get(row.code) ?? "",
    blocCode: "",
  }));
  return (
    <>
      {view.changes && view.previousVersion !== null ? (
        <section className="card" data-testid="version-changes">
          <h2>Modifications depuis la version {view.previousVersion}</h2>
          {view.changes.length === 0 ? (
            <p>Aucune modification.</p>
          ) : (
            <ul>
              {view.changes.map((change) => (
                <li key={change.key}>{change.text}</li>
              ))}
            </ul>
          )}
        </section>
      ) : null}

      <section>
        <h2>Couverture</h2>
        <CoverageMatrix rows={coverageRows} />
      </section>

      {view.blocs.map((bloc) => (
        <section key={bloc.code} className="bloc">
          <h2>
            Bloc {bloc.number} — {bloc.title}
          </h2>
          {bloc.competencies.map((competency) => (
            <article key={competency.code} className="competency" id={competency.code}>
              <h3>
                {competency.code} — {competency.statement}{" "}
                {competency.modified ? <span className="badge badge--urgent">Modifiée</span> : null}
              </h3>
              {competency.narrative ? (
                competency.narrative.map(({ part, text, previousText }) => (
                  <div key={part}>
                    <h4>
                      {NARRATIVE_PART_LABELS[part]}
                      {previousText !== undefined ? <span className="muted"> (modifié)</span> : null}
                    </h4>
                    <p className="prose narrative">{text || <span className="muted">Non renseigné.</span>}</p>
                    {previousText !== undefined ? (
                      <details>
                        <summary>Texte de la version {view.previousVersion}</summary>
                        <p className="prose narrative">{previousText || "Non renseigné."}</p>
                      </details>
                    ) : null}
                  </div>
                ))
              ) : (
                <p className="muted">Aucun récit rédigé.</p>
              )}
              <p>
                Pièces :{" "}
                {competency.pieces.length === 0
                  ? "aucune"
                  : competency.pieces.map((number, i) => (
                      <span key={number}>
                        {i > 0 ? ", " : ""}
                        <a href={`/fichiers/${view.evidence[number - 1]!.documentId}`} target="_blank" rel="noreferrer">
                          Pièce {number}
                        </a>
                      </span>
                    ))}
              </p>
            </article>
          ))}
        </section>
      ))}

      <section>
        <h2>Index des pièces</h2>
        <TableScroll label="Index des pièces">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">N°</th>
                <th scope="col">Fichier</th>
                <th scope="col">Légende</th>
                <th scope="col">Compétences</th>
                <th scope="col">Empreinte SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {view.evidence.map((e, i) => (
                <tr key={e.documentId}>
                  <td>{i + 1}</td>
                  <td>
                    <a href={`/fichiers/${e.documentId}`} target="_blank" rel="noreferrer">
                      {e.originalName}
                    </a>
                    <div className="muted">{e.size}</div>
                  </td>
                  <td>{e.caption}</td>
                  <td>{e.competencies}</td>
                  <td>
                    <code className="code hash">{e.sha256}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>
    </>
  );
}
