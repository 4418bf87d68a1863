// The dashboard's arithmetic: percentile_cont's definition, the default period and its months, round ticks and
// bar geometry proportional to the values.
import { describe, expect, it } from "vitest";
import {
  defaultPeriod,
  formatShare,
  horizontalBars,
  locateQuantile,
  linearScale,
  monthLabel,
  monthsOf,
  niceTicks,
  percentile,
  splitIntoMonths,
  stackedSegments,
} from "./statistics";

/** `locateQuantile` applied as the dashboard's query applies it: whole-day buckets, then the located values. */
function quantileThroughBuckets(values: readonly number[], p: number): number | null {
  const sorted = [...values].sort((x, y) => x - y);
  const lowers = [...new Set(sorted.map(Math.floor))];
  const located = locateQuantile(
    lowers.map((lower) => ({ lower, count: sorted.filter((v) => Math.floor(v) === lower).length })),
    p,
  );
  if (!located) return null;
  const at = ({ lower, offset }: { lower: number; offset: number }) =>
    sorted.filter((v) => Math.floor(v) === lower)[offset]!;
  return at(located.low) + (at(located.high) - at(located.low)) * located.fraction;
}

describe("percentile (PostgreSQL's percentile_cont)", () => {
  it("interpolates linearly between closest ranks", () => {
    expect(percentile([1, 2, 3, 4, 10], 0.5)).toBe(3);
    // rank 0.9 × 4 = 3.6: 4 + 0.6 × (10 − 4)
    expect(percentile([10, 1, 4, 3, 2], 0.9)).toBeCloseTo(7.6, 10);
    expect(percentile([2, 4], 0.5)).toBe(3);
    expect(percentile([5, 1, 3, 2], 0.5)).toBe(2.5);
  });

  it("answers the only value of a single sample, the extremes at 0 and 1, and null for no value", () => {
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([3, 9, 1], 0)).toBe(1);
    expect(percentile([3, 9, 1], 1)).toBe(9);
    expect(percentile([], 0.5)).toBeNull();
  });

  it("refuses a p outside [0, 1]", () => {
    expect(() => percentile([1], 1.5)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe("locateQuantile (the time per stage, from whole-day buckets)", () => {
  it("places the two closest ranks in their buckets: the values read there give percentile_cont exactly", () => {
    const samples = [
      [10, 20, 60, 5],
      [3.25, 7.5, 7.5, 7.5, 12.9, 40.01],
      [6.9, 6.95, 6.99, 8, 30],
      // A deterministic spread of many durations, most buckets holding several.
      Array.from({ length: 2001 }, (_, i) => ((i * 7919) % 2001) / 40 + (i % 13) / 17),
    ];
    for (const sample of samples) {
      for (const p of [0, 0.1, 0.25, 0.5, 0.9, 1]) {
        expect(quantileThroughBuckets(sample, p)).toBe(percentile(sample, p));
      }
    }
  });

  it("gives each rank's bucket, its place there and the weight of the higher rank", () => {
    // Ranks 0–1 in bucket 3, 2–4 in bucket 7, 5 in bucket 9. p90: rank 4.5, between bucket 7's third and bucket 9's.
    const buckets = [
      { lower: 3, count: 2 },
      { lower: 5, count: 0 },
      { lower: 7, count: 3 },
      { lower: 9, count: 1 },
    ];
    expect(locateQuantile(buckets, 0.9)).toEqual({
      low: { lower: 7, offset: 2 },
      high: { lower: 9, offset: 0 },
      fraction: 0.5,
    });
    // p50: rank 2.5, both in bucket 7.
    expect(locateQuantile(buckets, 0.5)).toEqual({
      low: { lower: 7, offset: 0 },
      high: { lower: 7, offset: 1 },
      fraction: 0.5,
    });
  });

  it("answers null without values and refuses a p outside [0, 1]", () => {
    expect(locateQuantile([], 0.5)).toBeNull();
    expect(locateQuantile([{ lower: 3, count: 0 }], 0.5)).toBeNull();
    expect(() => locateQuantile([{ lower: 1, count: 1 }], 2)).toThrow(RangeError);
  });
});

describe("splitIntoMonths (where the stage histograms are read)", () => {
  it("reads whole months from the monthly rows and the days around them from the daily rows", () => {
    expect(splitIntoMonths({ from: "2025-12-01", to: "2026-11-30" })).toEqual({
      months: { from: "2025-12-01", to: "2026-11-01" },
      days: [],
    });
    expect(splitIntoMonths({ from: "2025-11-16", to: "2026-11-15" })).toEqual({
      months: { from: "2025-12-01", to: "2026-10-01" },
      days: [
        { from: "2025-11-16", to: "2025-11-30" },
        { from: "2026-11-01", to: "2026-11-15" },
      ],
    });
    // February of a leap year, whole; a period ending on the last day of its month.
    expect(splitIntoMonths({ from: "2024-01-31", to: "2024-02-29" })).toEqual({
      months: { from: "2024-02-01", to: "2024-02-01" },
      days: [{ from: "2024-01-31", to: "2024-01-31" }],
    });
  });

  it("keeps to days when the period covers no whole month", () => {
    expect(splitIntoMonths({ from: "2026-01-15", to: "2026-01-20" })).toEqual({
      months: null,
      days: [{ from: "2026-01-15", to: "2026-01-20" }],
    });
    expect(splitIntoMonths({ from: "2026-01-02", to: "2026-02-27" })).toEqual({
      months: null,
      days: [{ from: "2026-01-02", to: "2026-02-27" }],
    });
    expect(splitIntoMonths({ from: "2026-03-01", to: "2026-03-01" })).toEqual({
      months: null,
      days: [{ from: "2026-03-01", to: "2026-03-01" }],
    });
  });
});

describe("the reporting period", () => {
  it("defaults to twelve whole months ending today in France", () => {
    expect(defaultPeriod(new Date("2026-11-30T10:00:00Z"))).toEqual({ from: "2025-12-01", to: "2026-11-30" });
    // 23:30 UTC on 31 December is already 1 January in Paris.
    expect(defaultPeriod(new Date("2026-12-31T23:30:00Z"))).toEqual({ from: "2026-01-02", to: "2027-01-01" });
    expect(defaultPeriod(new Date("2028-02-29T12:00:00Z"))).toEqual({ from: "2027-03-01", to: "2028-02-29" });
  });

  it("lists every month the period touches, across a year's end", () => {
    expect(monthsOf({ from: "2025-11-15", to: "2026-02-01" })).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]);
    expect(monthsOf({ from: "2026-03-01", to: "2026-03-31" })).toEqual(["2026-03"]);
    expect(monthsOf(defaultPeriod(new Date("2026-11-30T10:00:00Z")))).toHaveLength(12);
    expect(monthLabel("2026-03")).toBe("mars 2026");
  });
});

describe("scales and ticks", () => {
  it("chooses round steps of 1, 2 or 5 and ends at or above the maximum", () => {
    expect(niceTicks(100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(37)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(7, 4)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(0.3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(0)).toEqual([0, 1]);
    for (const max of [1, 3, 9.5, 42, 180, 1234]) {
      const ticks = niceTicks(max);
      expect(ticks.at(-1)!).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(11);
    }
  });

  it("maps values linearly and clamps outside the domain", () => {
    const scale = linearScale(50, 200);
    expect(scale(25)).toBe(100);
    expect(scale(60)).toBe(200);
    expect(scale(-1)).toBe(0);
    expect(linearScale(0, 200)(5)).toBe(0);
  });

  it("draws bars whose widths are proportional to their values, one per row", () => {
    const bars = horizontalBars([10, 20, 5], { axisMax: 40, plotWidth: 300, rowHeight: 20, barRatio: 0.5 });
    expect(bars.map((b) => b.width)).toEqual([75, 150, 37.5]);
    expect(bars.map((b) => b.y)).toEqual([5, 25, 45]);
    expect(bars.every((b) => b.height === 10)).toBe(true);
  });

  it("lays stacked segments end to end", () => {
    expect(stackedSegments([3, 1], linearScale(8, 80))).toEqual([
      { x: 0, width: 30 },
      { x: 30, width: 10 },
    ]);
  });

  it("writes shares in French, and a dash when there is nothing to divide", () => {
    expect(formatShare(1, 3)).toBe("33,3 %");
    expect(formatShare(2, 2)).toBe("100 %");
    expect(formatShare(0, 0)).toBe("—");
  });
});
