// The funnel of a cohort: one centred bar per step, as wide as the share of the first step still there, with the
// count and that share written beside the step's name.
import { formatShare, linearScale } from "../../../workflows/statistics";
import { CHART_WIDTH, ChartFigure, type ChartTable } from "./chart-figure";

export interface FunnelStep {
  label: string;
  count: number;
}

const STEP_HEIGHT = 44;
const LABEL_HEIGHT = 16;
const BAR_HEIGHT = 22;

export function FunnelChart({
  id,
  title,
  description,
  steps,
  table,
}: {
  id: string;
  title: string;
  description: string;
  steps: readonly FunnelStep[];
  table: ChartTable;
}) {
  const first = steps[0]?.count ?? 0;
  const scale = linearScale(first, CHART_WIDTH);
  return (
    <ChartFigure id={id} title={title} description={description} height={steps.length * STEP_HEIGHT} table={table}>
      {steps.map((step, index) => {
        const width = first > 0 ? Math.max(1, scale(step.count)) : 0;
        const top = index * STEP_HEIGHT;
        return (
          <g key={step.label}>
            <text x={0} y={top + 12} className="chart__label">
              {`${step.label} : ${step.count}${index > 0 ? ` (${formatShare(step.count, first)})` : ""}`}
            </text>
            <rect
              x={(CHART_WIDTH - width) / 2}
              y={top + LABEL_HEIGHT}
              width={width}
              height={BAR_HEIGHT}
              className="chart__bar"
              data-value={step.count}
            />
          </g>
        );
      })}
    </ChartFigure>
  );
}
