// The coverage matrix of a dossier: per competency, whether its narrative is written (and how developed) and how
// many pieces of evidence support it.
import { Link } from "@remix-run/react";
import {
  NARRATIVE_LENGTH_LABELS,
  NARRATIVE_PART_LABELS,
  type NarrativeLengthLevel,
  type NarrativePart,
} from "../../workflows/dossier-coverage";
import { TableScroll } from "~/components/table-scroll";

export interface CoverageRowView {
  code: string;
  title: string;
  blocCode: string;
  narrativeLength: number;
  lengthLevel: NarrativeLengthLevel;
  emptyParts: NarrativePart[];
  hasNarrative: boolean;
  evidenceCount: number;
}

export function CoverageMatrix({ rows, editHref }: { rows: CoverageRowView[]; editHref?: (code: string) => string }) {
  return (
    <TableScroll label="Couverture des compétences">
      <table className="table coverage" data-testid="coverage-matrix">
        <thead>
          <tr>
            <th scope="col">Compétence</th>
            <th scope="col">Récit</th>
            <th scope="col">Pièces</th>
            {editHref ? <th scope="col">Action</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.code} data-competency={row.code}>
              <th scope="row">
                <strong>{row.code}</strong> <span className="muted">{row.title}</span>
              </th>
              <td>
                <span className={row.hasNarrative ? "badge badge--active" : "badge badge--urgent"}>
                  {NARRATIVE_LENGTH_LABELS[row.lengthLevel]}
                </span>
                {row.hasNarrative && row.emptyParts.length > 0 ? (
                  <div className="muted">
                    À compléter : {row.emptyParts.map((p) => NARRATIVE_PART_LABELS[p]).join(", ")}
                  </div>
                ) : null}
                {row.narrativeLength > 0 ? (
                  <div className="muted">{row.narrativeLength.toLocaleString("fr-FR")} caractères</div>
                ) : null}
              </td>
              <td>
                <span className={row.evidenceCount > 0 ? "badge badge--active" : "badge"}>
                  {row.evidenceCount === 0 ? "Aucune" : `${row.evidenceCount} pièce${row.evidenceCount > 1 ? "s" : ""}`}
                </span>
              </td>
              {editHref ? (
                <td>
                  <Link to={editHref(row.code)}>{row.hasNarrative ? "Modifier" : "Rédiger"}</Link>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
