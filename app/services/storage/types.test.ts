import { describe, expect, it } from "vitest";
import { assertValidContentType, assertValidKey, assertValidPrefix, isValidKey } from "./types";

describe("storage keys", () => {
  it.each([
    "a",
    "candidacies/42/evidence/3f9c2b1e-7d4a-4c1b-9a55-0e0f6b1c2d3e",
    "exports/2026-01-15/certificats_v2.zip",
    ".hidden/..dots/a..b",
    ["a".repeat(200), "b".repeat(200), "c".repeat(110)].join("/"),
  ])("accepts %j", (key) => {
    expect(isValidKey(key)).toBe(true);
    expect(() => assertValidKey(key)).not.toThrow();
  });

  it.each([
    "",
    "/a",
    "a/",
    "a//b",
    "..",
    "a/../b",
    "./a",
    "A",
    "a b",
    "é",
    "a\\b",
    "a~b",
    "a\u0000b",
    "a".repeat(201),
    [..."abc"].map((c) => c.repeat(200)).join("/"),
  ])("refuses %j", (key) => {
    expect(isValidKey(key)).toBe(false);
    expect(() => assertValidKey(key)).toThrow(TypeError);
    expect(() => assertValidKey(key)).toThrow(/^Invalid storage key/);
  });

  it("refuses what is not a string", () => {
    expect(isValidKey(undefined as unknown as string)).toBe(false);
    expect(() => assertValidKey(42 as unknown as string)).toThrow(/Invalid storage key/);
  });

  it("takes the beginning of a key as a list prefix", () => {
    for (const prefix of ["", "candidacies/", "candidacies/4", "a.", "a/.."])
      expect(() => assertValidPrefix(prefix)).not.toThrow();
    for (const prefix of ["/", "/a", "a//", "../", "A/"])
      expect(() => assertValidPrefix(prefix)).toThrow(/Invalid storage prefix/);
  });

  it("accepts MIME types and refuses anything that could break a header", () => {
    for (const type of [
      "application/pdf",
      "image/jpeg",
      "text/plain; charset=utf-8",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]) {
      expect(() => assertValidContentType(type)).not.toThrow();
    }
    for (const type of ["", "pdf", "text/", "text/plain\r\nX: 1", "text/plain; name=é", "a/b c"]) {
      expect(() => assertValidContentType(type)).toThrow(/Invalid content type/);
    }
  });
});
