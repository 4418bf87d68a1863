// Two-part horizontal bars (e.g. admissibility answered by the officer vs by silence): the second part is hatched,
// not only differently coloured, and a legend names both; the totals are written at the bar's end.
import { linearScale, niceTicks, stackedSegments } from "../../../workflows/statistics";
import { CHART_WIDTH, ChartFigure, type ChartTable } from "./chart-figure";

export interface StackedRow {
  label: string;
  values: readonly [number, number];
  valueLabel: string;
}

const ROW_HEIGHT = 36;
const LABEL_HEIGHT = 14;
const BAR_HEIGHT = 16;
const VALUE_ROOM = 110;

export function StackedBars({
  id,
  title,
  description,
  rows,
  seriesLabels,
  table,
}: {
  id: string;
  title: string;
  description: string;
  rows: readonly StackedRow[];
  seriesLabels: readonly [string, string];
  table: ChartTable;
}) {
  const max = niceTicks(Math.max(0, ...rows.map((r) => r.values[0] + r.values[1]))).at(-1)!;
  const scale = linearScale(max, CHART_WIDTH - VALUE_ROOM);
  const legend = (
    <ul className="chart__legend">
      <li>
        <svg aria-hidden="true" width="16" height="12" className="chart__swatch">
          <rect width="16" height="12" className="chart__bar" />
        </svg>
        {seriesLabels[0]}
      </li>
      <li>
        <svg aria-hidden="true" width="16" height="12" className="chart__swatch">
          <defs>
            <pattern
              id={`${id}-swatch`}
              width="4"
              height="4"
              patternUnits="userSpaceOnUse"
              patternTransform="rotate(45)"
            >
              <rect width="4" height="4" className="chart__hatch-bg" />
              <line x1="0" y1="0" x2="0" y2="4" className="chart__hatch-line" />
            </pattern>
          </defs>
          <rect width="16" height="12" fill={`url(#${id}-swatch)`} className="chart__bar--second" />
        </svg>
        {seriesLabels[1]}
      </li>
    </ul>
  );
  return (
    <ChartFigure
      id={id}
      title={title}
      description={description}
      height={Math.max(ROW_HEIGHT, rows.length * ROW_HEIGHT)}
      table={table}
      legend={legend}
    >
      <defs>
        <pattern id={`${id}-hatch`} width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="4" height="4" className="chart__hatch-bg" />
          <line x1="0" y1="0" x2="0" y2="4" className="chart__hatch-line" />
        </pattern>
      </defs>
      {rows.map((row, index) => {
        const [first, second] = stackedSegments(row.values, scale) as [
          { x: number; width: number },
          { x: number; width: number },
        ];
        const top = index * ROW_HEIGHT;
        const barTop = top + LABEL_HEIGHT + 2;
        return (
          <g key={row.label}>
            <text x={0} y={top + 11} className="chart__label">
              {row.label}
            </text>
            <rect x={first.x} y={barTop} width={first.width} height={BAR_HEIGHT} className="chart__bar" />
            <rect
              x={second.x}
              y={barTop}
              width={second.width}
              height={BAR_HEIGHT}
              fill={`url(#${id}-hatch)`}
              className="chart__bar--second"
            />
            <text x={second.x + second.width + 4} y={barTop + BAR_HEIGHT - 4} className="chart__value">
              {row.valueLabel}
            </text>
          </g>
        );
      })}
    </ChartFigure>
  );
}
