import { describe, expect, it } from "vitest";
import { homeFor, safeRedirectPath } from "./roles";

describe("homeFor", () => {
  it("sends a single-role user to that role's space", () => {
    expect(homeFor(["candidate"])).toBe("/candidat");
    expect(homeFor(["certifier_staff"])).toBe("/certificateur");
  });
  it("sends a user with several roles to the list of spaces", () => {
    expect(homeFor(["evaluator", "admin"])).toBe("/espace");
  });
});

describe("safeRedirectPath", () => {
  it.each(["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", "", null])(
    "refuses %s",
    (target) => {
      expect(safeRedirectPath(target, "/candidat")).toBe("/candidat");
    },
  );
  it("keeps a same-site path", () => {
    expect(safeRedirectPath("/certificateur/referentiels?x=1", "/")).toBe("/certificateur/referentiels?x=1");
  });
});
