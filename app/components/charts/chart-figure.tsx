// The frame every dashboard chart shares: the SVG announced as one image named by its <title> and described by its
// <desc> (a sentence that says what the bars show), then the same figures as a table behind "Voir les données",
// a <details> that opens without JavaScript.
import type { ReactNode } from "react";
import { TableScroll } from "~/components/table-scroll";

export interface ChartTable {
  caption: string;
  headers: readonly string[];
  rows: readonly (readonly (string | number)[])[];
}

/** The width of every chart's coordinate system: near a phone's width, so text keeps its size at 375 px. */
export const CHART_WIDTH = 360;

export function ChartFigure({
  id,
  title,
  description,
  height,
  table,
  legend,
  children,
}: {
  id: string;
  title: string;
  description: string;
  height: number;
  table: ChartTable;
  legend?: ReactNode;
  children: ReactNode;
}) {
  return (
    <figure className="chart" id={id}>
      <svg
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        viewBox={`0 0 ${CHART_WIDTH} ${height}`}
        width="100%"
        preserveAspectRatio="xMinYMin meet"
        className="chart__svg"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {children}
      </svg>
      {legend}
      <details className="chart__data">
        <summary>Voir les données</summary>
        <TableScroll label={table.caption}>
          <table>
            <caption>{table.caption}</caption>
            <thead>
              <tr>
                {table.headers.map((header) => (
                  <th key={header} scope="col">
                    {header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map(([head, ...cells], row) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are fixed once rendered; heads may repeat (two evaluators of one name).
                <tr key={row}>
                  <th scope="row">{head}</th>
                  {cells.map((cell, column) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: the columns are the table's headers, fixed.
                    <td key={column}>{cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </details>
    </figure>
  );
}

/** A label cut to fit one line of the chart; the whole text is in the data table (and the label's tooltip). */
export function clip(text: string, max = 52): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}
