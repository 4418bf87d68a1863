// Time spent per stage: a solid bar up to the median and a thin whisker on to the 90th percentile, ended by a tick,
// on a shared axis in days; both figures written beside the stage's name.
import { formatNumber, linearScale, niceTicks } from "../../../workflows/statistics";
import { CHART_WIDTH, ChartFigure, type ChartTable } from "./chart-figure";

export interface PercentileRow {
  label: string;
  median: number | null;
  p90: number | null;
}

const ROW_HEIGHT = 62;
/** The stage's name, then its two figures, each on its own line: together they overflow a narrow chart. */
const LABEL_HEIGHT = 34;
const BAR_HEIGHT = 16;
const AXIS_HEIGHT = 24;
const RIGHT_MARGIN = 16;

export function PercentileChart({
  id,
  title,
  description,
  rows,
  unit,
  table,
}: {
  id: string;
  title: string;
  description: string;
  rows: readonly PercentileRow[];
  /** The axis' unit, after its numbers: "j". */
  unit: string;
  table: ChartTable;
}) {
  const ticks = niceTicks(Math.max(0, ...rows.map((r) => r.p90 ?? 0)), 4);
  const plotWidth = CHART_WIDTH - RIGHT_MARGIN;
  const scale = linearScale(ticks.at(-1)!, plotWidth);
  const plotHeight = rows.length * ROW_HEIGHT;
  const legend = (
    <ul className="chart__legend">
      <li>
        <svg aria-hidden="true" width="16" height="12" className="chart__swatch">
          <rect width="16" height="12" className="chart__bar" />
        </svg>
        médiane (la moitié des parcours plus courts)
      </li>
      <li>
        <svg aria-hidden="true" width="16" height="12" className="chart__swatch">
          <line x1="0" y1="6" x2="14" y2="6" className="chart__whisker" />
          <line x1="14" y1="1" x2="14" y2="11" className="chart__whisker" />
        </svg>
        90e centile (9 parcours sur 10 plus courts)
      </li>
    </ul>
  );
  return (
    <ChartFigure
      id={id}
      title={title}
      description={description}
      height={plotHeight + AXIS_HEIGHT}
      table={table}
      legend={legend}
    >
      {ticks.map((tick) => (
        <g key={tick}>
          <line x1={scale(tick)} y1={0} x2={scale(tick)} y2={plotHeight} className="chart__grid" />
          <text
            x={scale(tick)}
            y={plotHeight + 16}
            textAnchor={tick === 0 ? "start" : "middle"}
            className="chart__tick"
          >
            {`${formatNumber(tick)} ${unit}`}
          </text>
        </g>
      ))}
      {rows.map((row, index) => {
        const top = index * ROW_HEIGHT;
        const barTop = top + LABEL_HEIGHT + 4;
        const summary =
          row.median === null || row.p90 === null
            ? "aucun parcours terminé"
            : `médiane ${formatNumber(row.median)} ${unit}, 90e centile ${formatNumber(row.p90)} ${unit}`;
        return (
          <g key={row.label}>
            <text x={0} y={top + 13} className="chart__label">
              {row.label}
            </text>
            <text x={0} y={top + 30} className="chart__tick">
              {summary}
            </text>
            {row.median !== null && row.p90 !== null ? (
              <>
                <line
                  x1={scale(row.median)}
                  y1={barTop + BAR_HEIGHT / 2}
                  x2={scale(row.p90)}
                  y2={barTop + BAR_HEIGHT / 2}
                  className="chart__whisker"
                />
                <line
                  x1={scale(row.p90)}
                  y1={barTop}
                  x2={scale(row.p90)}
                  y2={barTop + BAR_HEIGHT}
                  className="chart__whisker"
                  data-value={row.p90}
                />
                <rect
                  x={0}
                  y={barTop}
                  width={scale(row.median)}
                  height={BAR_HEIGHT}
                  className="chart__bar"
                  data-value={row.median}
                />
              </>
            ) : null}
          </g>
        );
      })}
    </ChartFigure>
  );
}
