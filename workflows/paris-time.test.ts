import { describe, expect, it } from "vitest";
import { nextDay, parisCalendarDate, parisDateAndTime, parisInstant, startOfParisDay } from "./paris-time";

describe("dates and times in France", () => {
  it("reads an instant on a clock in France, winter and summer", () => {
    expect(parisDateAndTime("2026-06-10T08:00:00.000Z")).toEqual({ date: "2026-06-10", time: "10:00" });
    expect(parisDateAndTime(new Date("2026-12-31T23:30:00.000Z"))).toEqual({ date: "2027-01-01", time: "00:30" });
    expect(parisCalendarDate(new Date("2026-03-28T23:30:00.000Z"))).toBe("2026-03-29");
  });

  it("turns a wall-clock time into its instant, refusing what is not a real date or time", () => {
    expect(parisInstant("2026-06-10", "10:00")).toBe("2026-06-10T08:00:00.000Z");
    expect(parisInstant("2026-12-10", "10:00")).toBe("2026-12-10T09:00:00.000Z");
    expect(parisInstant("2026-02-30", "10:00")).toBeNull();
    expect(parisInstant("2026-06-10", "25:00")).toBeNull();
    // 02:30 on the last Sunday of March does not exist in France: it moves forward.
    expect(parisInstant("2026-03-29", "02:30")).toBe("2026-03-29T01:30:00.000Z");
  });

  it("starts a calendar day at midnight in France, and steps to the next one", () => {
    expect(startOfParisDay("2026-01-15")?.toISOString()).toBe("2026-01-14T23:00:00.000Z");
    expect(startOfParisDay("2026-07-15")?.toISOString()).toBe("2026-07-14T22:00:00.000Z");
    expect(startOfParisDay("2026-02-30")).toBeNull();
    expect(startOfParisDay("15/01/2026")).toBeNull();
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
    expect(nextDay("2028-02-28")).toBe("2028-02-29");
  });
});
