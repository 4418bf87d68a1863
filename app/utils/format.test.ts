import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatDecimal, formatFileSize } from "./format";

describe("formatDecimal", () => {
  it.each([
    ["70.0", "70"],
    ["69.5", "69,5"],
    ["15", "15"],
    ["100.00", "100"],
    ["0.1", "0,1"],
  ])("formats %s as %s", (value, expected) => {
    expect(formatDecimal(value)).toBe(expected);
  });
});

describe("formatDate", () => {
  it("uses French wording and the Paris time zone", () => {
    expect(formatDate("2026-12-31T23:30:00Z")).toBe("1er janvier 2027");
    expect(formatDate("2027-03-05")).toBe("5 mars 2027");
    expect(formatDateTime("2026-12-31T23:30:00Z")).toBe("1er janvier 2027 à 00:30");
  });
});

describe("formatFileSize", () => {
  it("writes sizes the French way", () => {
    expect(formatFileSize(1)).toBe("1 octet");
    expect(formatFileSize(850)).toBe("850 octets");
    expect(formatFileSize(12.4 * 1024)).toBe("12,4 Ko");
    expect(formatFileSize(50 * 1024 * 1024)).toBe("50 Mo");
  });
});
