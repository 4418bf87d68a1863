// Horizontal bars for categories with long French labels: each label on its own line above its bar, the value
// written at the bar's end (direct labels: nothing is read from colour alone).
import { horizontalBars, niceTicks } from "../../../workflows/statistics";
import { CHART_WIDTH, ChartFigure, type ChartTable, clip } from "./chart-figure";

export interface BarRow {
  label: string;
  value: number;
  /** What is written at the end of the bar: "12", "33,3 %". */
  valueLabel: string;
}

const ROW_HEIGHT = 40;
const LABEL_HEIGHT = 16;
const VALUE_ROOM = 74;

export function BarChart({
  id,
  title,
  description,
  rows,
  table,
  axisMax,
}: {
  id: string;
  title: string;
  description: string;
  rows: readonly BarRow[];
  table: ChartTable;
  /** The value at the end of the axis (100 for percentages); by default a round number above the largest value. */
  axisMax?: number;
}) {
  const max = axisMax ?? niceTicks(Math.max(0, ...rows.map((r) => r.value))).at(-1)!;
  const plotWidth = CHART_WIDTH - VALUE_ROOM;
  // Each row: its label on the first line, its bar below it.
  const bars = horizontalBars(
    rows.map((r) => r.value),
    { axisMax: max, plotWidth, rowHeight: ROW_HEIGHT, top: LABEL_HEIGHT / 2, barRatio: 0.45 },
  );
  const height = Math.max(ROW_HEIGHT, rows.length * ROW_HEIGHT) + 4;
  return (
    <ChartFigure id={id} title={title} description={description} height={height} table={table}>
      {rows.map((row, index) => {
        const bar = bars[index]!;
        const top = index * ROW_HEIGHT;
        return (
          <g key={row.label} className="chart__row">
            <text x={0} y={top + 12} className="chart__label">
              {clip(row.label)}
            </text>
            <rect x={0} y={bar.y} width={bar.width} height={bar.height} className="chart__bar" data-value={row.value} />
            <text x={bar.width + 4} y={bar.y + bar.height - 4} className="chart__value">
              {row.valueLabel}
            </text>
          </g>
        );
      })}
      {rows.length === 0 ? (
        <text x={0} y={24} className="chart__label">
          Aucune donnée sur la période.
        </text>
      ) : null}
    </ChartFigure>
  );
}
