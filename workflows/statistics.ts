// The arithmetic behind the certifier's dashboard, free of I/O: the percentile definition the database uses, the
// reporting period, and the geometry of the charts (scales, round ticks, bar lengths), so each is unit-tested.
import { parisCalendarDate } from "./paris-time";

/**
 * The p-quantile of a sample by linear interpolation between closest ranks: PostgreSQL's `percentile_cont` (also
 * Excel's PERCENTILE.INC, R's type 7). Rank h = (n − 1)·p from 0; the value lies between the ⌊h⌋-th and ⌈h⌉-th
 * smallest. The dashboard's queries compute it in the database; this is the definition the tests check them against.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile: p must be within [0, 1], got ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * p;
  const below = Math.floor(rank);
  const above = Math.ceil(rank);
  const low = sorted[below]!;
  const high = sorted[above]!;
  return low + (high - low) * (rank - below);
}

/** Where a rank (from 0) falls in a histogram: its bucket and its place among that bucket's values (from 0). */
export interface RankInBucket {
  lower: number;
  offset: number;
}

/**
 * `percentile`'s two closest ranks, located in a histogram of counts (buckets in increasing order), and the weight
 * of the higher: the p-quantile is low + (high − low) × fraction, where low and high are the values at those places
 * of their buckets, the bucket's values sorted. Exact whatever the buckets' width: the dashboard's time per stage
 * (db/queries/statistics.ts `measureStageDurations`) counts durations in whole-day buckets, then reads only the
 * durations of the one or two buckets located (ADR 030, addendum). Null for an empty histogram.
 */
export function locateQuantile(
  buckets: readonly { lower: number; count: number }[],
  p: number,
): { low: RankInBucket; high: RankInBucket; fraction: number } | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`locateQuantile: p must be within [0, 1], got ${p}`);
  const total = buckets.reduce((sum, b) => sum + Math.max(0, b.count), 0);
  if (total === 0) return null;
  const locate = (rank: number): RankInBucket => {
    let below = 0;
    for (const bucket of buckets) {
      if (bucket.count > 0 && rank < below + bucket.count) return { lower: bucket.lower, offset: rank - below };
      below += Math.max(0, bucket.count);
    }
    throw new RangeError(`locateQuantile: rank ${rank} beyond ${total} values`);
  };
  const rank = (total - 1) * p;
  return { low: locate(Math.floor(rank)), high: locate(Math.ceil(rank)), fraction: rank - Math.floor(rank) };
}

// ---------------------------------------------------------------------------------------------------------------
// The reporting period
// ---------------------------------------------------------------------------------------------------------------

/** A period of calendar dates in France (YYYY-MM-DD), both days included. */
export interface Period {
  from: string;
  to: string;
}

export { parisCalendarDate };

/**
 * The default period: the last 12 months up to today, i.e. from the day after the same date a year earlier
 * (1 December 2025 – 30 November 2026), so that twelve whole months of decisions are compared.
 */
export function defaultPeriod(today: Date): Period {
  const to = parisCalendarDate(today);
  const [year, month, day] = to.split("-").map(Number) as [number, number, number];
  // 29 February a year back is the 28th: the period then starts on 1 March, not 2 March.
  const lastDayAYearBack = new Date(Date.UTC(year - 1, month, 0)).getUTCDate();
  const from = new Date(Date.UTC(year - 1, month - 1, Math.min(day, lastDayAYearBack) + 1));
  return { from: from.toISOString().slice(0, 10), to };
}

/**
 * The period cut where the stage histograms are kept: the whole months it covers (their first days, from and to,
 * both included; null when it covers none) and the days before and after them (zero to two ranges).
 */
export function splitIntoMonths(period: Period): { months: Period | null; days: Period[] } {
  const addDays = (date: string, days: number) =>
    new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  const firstOfMonth = (date: string) => `${date.slice(0, 7)}-01`;
  const nextMonth = (date: string) => {
    const [year, month] = date.split("-").map(Number) as [number, number];
    return new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);
  };
  // The first whole month starts on `from` if it is a first, else on the next first; the last whole month ends on
  // `to` if the day after it is a first.
  const start = period.from.endsWith("-01") ? period.from : nextMonth(period.from);
  const endExclusive = addDays(period.to, 1).endsWith("-01") ? addDays(period.to, 1) : firstOfMonth(period.to);
  if (start >= endExclusive) return { months: null, days: [period] };
  const days: Period[] = [];
  if (period.from < start) days.push({ from: period.from, to: addDays(start, -1) });
  if (endExclusive <= period.to) days.push({ from: endExclusive, to: period.to });
  return { months: { from: start, to: `${addDays(endExclusive, -1).slice(0, 8)}01` }, days };
}

/** Every month (YYYY-MM) the period touches, in order: months without any event still get their bar. */
export function monthsOf(period: Period): string[] {
  const months: string[] = [];
  let [year, month] = period.from.split("-").map(Number) as [number, number];
  const last = period.to.slice(0, 7);
  for (let guard = 0; guard < 240; guard++) {
    const key = `${year}-${String(month).padStart(2, "0")}`;
    months.push(key);
    if (key >= last) break;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

const monthFormat = new Intl.DateTimeFormat("fr-FR", { month: "short", year: "numeric", timeZone: "UTC" });

/** "2026-03" → "mars 2026". */
export function monthLabel(month: string): string {
  return monthFormat.format(new Date(`${month}-01T00:00:00Z`));
}

// ---------------------------------------------------------------------------------------------------------------
// Scales and ticks
// ---------------------------------------------------------------------------------------------------------------

/**
 * Round tick values from 0 to at least `max`: steps of 1, 2 or 5 times a power of ten, about `count` of them, the
 * last tick at or above the maximum so that the longest bar ends inside the axis.
 */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const rough = max / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  const last = Math.ceil(max / step - 1e-9) * step;
  // Multiplying rather than adding keeps 0.1-steps free of accumulated float error (0.30000000000000004).
  for (let i = 0; i * step <= last + step / 2; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** A linear scale from [0, domainMax] onto [0, rangeMax] pixels; values outside are clamped. */
export function linearScale(domainMax: number, rangeMax: number): (value: number) => number {
  if (!(domainMax > 0)) return () => 0;
  return (value) => Math.min(rangeMax, Math.max(0, (value / domainMax) * rangeMax));
}

export interface BarGeometry {
  /** The top of the bar in the chart's coordinates. */
  y: number;
  /** The bar's length: proportional to its value. */
  width: number;
  height: number;
}

/**
 * Horizontal bars, one per row: each row `rowHeight` tall with the bar centred in it (`barRatio` of the row), its
 * length proportional to the value on a scale whose end is `axisMax`.
 */
export function horizontalBars(
  values: readonly number[],
  options: { axisMax: number; plotWidth: number; rowHeight: number; top?: number; barRatio?: number },
): BarGeometry[] {
  const scale = linearScale(options.axisMax, options.plotWidth);
  const height = options.rowHeight * (options.barRatio ?? 0.6);
  const top = options.top ?? 0;
  return values.map((value, index) => ({
    y: top + index * options.rowHeight + (options.rowHeight - height) / 2,
    width: scale(value),
    height,
  }));
}

/** Segments of one stacked bar laid end to end: each starts where the previous one ended. */
export function stackedSegments(
  values: readonly number[],
  scale: (value: number) => number,
): { x: number; width: number }[] {
  let x = 0;
  return values.map((value) => {
    const width = scale(value);
    const segment = { x, width };
    x += width;
    return segment;
  });
}

/** A share as a French percentage with one decimal at most: 0.3333 → "33,3 %"; null (nothing to divide) → "—". */
export function formatShare(part: number, whole: number): string {
  if (whole <= 0) return "—";
  return `${formatNumber((part / whole) * 100)} %`;
}

const numberFormat = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

/** A number in French with one decimal at most: 12.25 → "12,3" (the narrow no-break space groups thousands). */
export function formatNumber(value: number): string {
  return numberFormat.format(value);
}
