import { describe, expect, it } from "vitest";
import {
  atRiskUntil,
  daysLeft,
  decodeCursor,
  encodeCursor,
  foldForSearch,
  isAtRisk,
  officerViewStates,
  SEARCH_FOLD_FROM,
  SEARCH_FOLD_TO,
  searchPattern,
  startOfParisDay,
} from "./candidacy-queues";

const ID = "0b4f3c2e-1a2b-4c3d-8e9f-001122334455";

describe("page cursor", () => {
  it("round-trips the sort key and the id, microseconds included", () => {
    const cursor = { key: "2026-11-30T09:15:42.123456Z", id: ID };
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual(cursor);
  });

  it("reads a tampered, truncated or foreign cursor as page 1, never as an error", () => {
    const good = encodeCursor({ key: "2026-11-30T09:15:42.123Z", id: ID });
    for (const bad of [
      undefined,
      null,
      "",
      "!!!",
      good.slice(0, 10),
      `${good}x`,
      encodeCursor({ key: "2026-11-30T09:15:42Z'; drop table users;--", id: ID }),
      encodeCursor({ key: "2026-11-30T09:15:42.123Z", id: "not-a-uuid" }),
      encodeCursor({ key: "2026-13-45T99:99:99Z", id: ID }),
      btoa(`2026-11-30T09:15:42.123Z|${ID}|extra`),
      "a".repeat(500),
    ]) {
      expect(decodeCursor(bad)).toBeNull();
    }
  });
});

describe("search folding", () => {
  it("folds accents and case the same way as the SQL translate", () => {
    expect(SEARCH_FOLD_FROM.length).toBe(SEARCH_FOLD_TO.length);
    expect([...SEARCH_FOLD_FROM].length).toBe(SEARCH_FOLD_TO.length);
    expect(foldForSearch("  Hélène   LÉGER ")).toBe("helene leger");
    expect(foldForSearch("François Çà")).toBe("francois ca");
    expect(foldForSearch("E\u0301lodie")).toBe("elodie");
    expect(foldForSearch("Łukasz Żółć")).toBe("lukasz zolc");
    expect(foldForSearch("Lœuvre ŒUVRARD Æbelø Straße ẞ Đorđe Ħal")).toBe(
      "loeuvre oeuvrard aebelo strasse ss dorde hal",
    );
  });

  it("escapes LIKE wildcards and ignores an empty search", () => {
    expect(searchPattern("100%_a\\b")).toBe("%100\\%\\_a\\\\b%");
    expect(searchPattern("   ")).toBeNull();
  });
});

describe("deadlines and views", () => {
  const now = new Date("2026-11-30T12:00:00Z");
  it("counts days left and flags 7 days or fewer, or overdue, as at risk", () => {
    expect(daysLeft("2026-12-07T12:00:00Z", now)).toBe(7);
    expect(isAtRisk("2026-12-07T12:00:00Z", now)).toBe(true);
    expect(isAtRisk("2026-12-07T12:00:01Z", now)).toBe(false);
    expect(isAtRisk("2026-11-01T00:00:00Z", now)).toBe(true);
    expect(isAtRisk(null, now)).toBe(false);
    expect(atRiskUntil(now).toISOString()).toBe("2026-12-07T12:00:00.000Z");
  });

  it("narrows a view to the state chosen, or to nothing when the state is not the view's", () => {
    expect(officerViewStates("a-traiter")).toEqual(["admissibility.pending", "admissibility.review"]);
    expect(officerViewStates("a-traiter", "admissibility.review")).toEqual(["admissibility.review"]);
    expect(officerViewStates("incompletes", "admissible")).toEqual([]);
  });

  it("starts a French calendar day at midnight in Paris, summer and winter", () => {
    expect(startOfParisDay("2026-01-15")?.toISOString()).toBe("2026-01-14T23:00:00.000Z");
    expect(startOfParisDay("2026-07-15")?.toISOString()).toBe("2026-07-14T22:00:00.000Z");
  });
});
