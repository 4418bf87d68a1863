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
  // Each of these leaves the portal in some browser, or breaks the Location header.
  it.each([
    ["an absolute URL", "https://evil.example"],
    ["a protocol-relative URL", "//evil.example"],
    ["a backslash read as a slash", "/\\evil.example"],
    ["a backslash further on", "/\\/evil.example"],
    ["a tab the browser strips", "/\t/evil.example"],
    ["a line feed the browser strips", "/\n/evil.example"],
    ["a carriage return", "/\r\n/evil.example"],
    ["a header injection", "/candidat\r\nSet-Cookie: x=1"],
    ["a leading space", " /candidat"],
    ["a space inside", "/ /evil.example"],
    ["a no-break space", "/\u00a0/evil.example"],
    ["a zero-width space", "/\u200b/evil.example"],
    ["a NUL", "/\u0000/evil.example"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a relative path", "candidat"],
    ["a data: URL", "data:text/html,<script>alert(1)</script>"],
    ["an empty string", ""],
    ["nothing", null],
    ["an overlong path", "/" + "a".repeat(3000)],
    ["dot segments that climb to //", "/.//evil.example"],
    ["a path that normalises to //", "/.//evil.example"],
  ])("refuses %s", (_label, target) => {
    expect(safeRedirectPath(target, "/candidat")).toBe("/candidat");
  });

  it.each([
    ["/certificateur/referentiels?x=1", "/certificateur/referentiels?x=1"],
    ["/candidat", "/candidat"],
    ["/dossiers/abc#v2", "/dossiers/abc#v2"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["/a/../candidat", "/candidat"],
  ])("keeps the same-origin path %s", (target, expected) => {
    expect(safeRedirectPath(target, "/")).toBe(expected);
  });
});
