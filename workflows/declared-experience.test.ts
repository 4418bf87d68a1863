import { describe, expect, it } from "vitest";
import { declaredExperience, formatExperience } from "./declared-experience";

describe("declaredExperience", () => {
  it("adds up periods, both ends inclusive", () => {
    const result = declaredExperience([
      { start: "2024-01-01", end: "2024-01-31", relatedToCqp: true },
      { start: "2024-03-01", end: "2024-03-10", relatedToCqp: true },
    ]);
    expect(result.days).toBe(41);
    expect(result.periods).toEqual([
      { start: "2024-01-01", end: "2024-01-31" },
      { start: "2024-03-01", end: "2024-03-10" },
    ]);
  });

  it("counts overlapping proofs of the same months once, and joins adjacent periods", () => {
    const result = declaredExperience([
      { start: "2023-01-01", end: "2023-12-31", relatedToCqp: true }, // contract
      { start: "2023-06-01", end: "2023-08-31", relatedToCqp: true }, // payslips of the same job
      { start: "2024-01-01", end: "2024-06-30", relatedToCqp: true }, // next job, starting the next day
    ]);
    expect(result.periods).toEqual([{ start: "2023-01-01", end: "2024-06-30" }]);
    expect(result.days).toBe(365 + 182);
    expect(result.from).toBe("2023-01-01");
    expect(result.to).toBe("2024-06-30");
  });

  it("leaves out activity not related to the CQP", () => {
    const result = declaredExperience([
      { start: "2020-01-01", end: "2020-12-31", relatedToCqp: false },
      { start: "2021-01-01", end: "2021-01-10", relatedToCqp: true },
    ]);
    expect(result.days).toBe(10);
  });

  it("counts whole calendar months, then the days left over", () => {
    expect(declaredExperience([{ start: "2024-01-01", end: "2024-03-31", relatedToCqp: true }])).toMatchObject({
      months: 3,
      remainingDays: 0,
    });
    expect(declaredExperience([{ start: "2024-01-15", end: "2024-02-14", relatedToCqp: true }])).toMatchObject({
      months: 1,
      remainingDays: 0,
    });
    expect(declaredExperience([{ start: "2024-01-15", end: "2024-02-20", relatedToCqp: true }])).toMatchObject({
      months: 1,
      remainingDays: 6,
    });
    // Two separate 20-day periods: 40 days left over make a month and 10 days.
    expect(
      declaredExperience([
        { start: "2024-01-01", end: "2024-01-20", relatedToCqp: true },
        { start: "2024-03-01", end: "2024-03-20", relatedToCqp: true },
      ]),
    ).toMatchObject({ days: 40, months: 1, remainingDays: 10 });
  });

  it("is empty without periods", () => {
    expect(declaredExperience([])).toMatchObject({ days: 0, months: 0, from: null, to: null, periods: [] });
  });

  it("refuses impossible dates and reversed periods rather than guessing", () => {
    expect(() => declaredExperience([{ start: "2024-02-30", end: "2024-03-01", relatedToCqp: true }])).toThrow(
      RangeError,
    );
    expect(() => declaredExperience([{ start: "2024-03-01", end: "2024-02-01", relatedToCqp: true }])).toThrow(
      RangeError,
    );
  });

  it("does not depend on the order of the proofs", () => {
    const periods = [
      { start: "2022-05-01", end: "2022-09-30", relatedToCqp: true },
      { start: "2021-01-01", end: "2022-06-15", relatedToCqp: true },
      { start: "2023-02-01", end: "2023-02-28", relatedToCqp: true },
    ];
    expect(declaredExperience([...periods].reverse())).toEqual(declaredExperience(periods));
  });
});

describe("formatExperience", () => {
  it("speaks French", () => {
    expect(formatExperience({ days: 0, months: 0, remainingDays: 0 })).toBe("aucune");
    expect(formatExperience({ days: 1, months: 0, remainingDays: 1 })).toBe("1 jour");
    expect(formatExperience({ days: 17, months: 0, remainingDays: 17 })).toBe("17 jours");
    expect(formatExperience(declaredExperience([{ start: "2023-01-01", end: "2024-06-30", relatedToCqp: true }]))).toBe(
      "1 an et 6 mois",
    );
    expect(formatExperience(declaredExperience([{ start: "2022-01-01", end: "2023-12-31", relatedToCqp: true }]))).toBe(
      "2 ans",
    );
  });
});
