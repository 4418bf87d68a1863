import { describe, expect, it } from "vitest";
import { parseIdParam, parseNumberParam, readFormData } from "./http.server";

async function thrown(fn: () => unknown): Promise<Response> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("nothing was thrown");
}

describe("parseIdParam", () => {
  it("returns a well-formed UUID, lower-cased", () => {
    expect(parseIdParam({ candidacyId: "0E6F1B4A-36A5-4F3B-9C1D-0A6D7E2F9B10" }, "candidacyId")).toBe(
      "0e6f1b4a-36a5-4f3b-9c1d-0a6d7e2f9b10",
    );
  });

  it.each([
    "abc",
    "",
    "0e6f1b4a-36a5-4f3b-9c1d-0a6d7e2f9b1",
    "0e6f1b4a-36a5-4f3b-9c1d-0a6d7e2f9b10x",
    "1; drop table users",
    undefined,
  ])("throws a 404 for %s", async (value) => {
    const response = await thrown(() =>
      parseIdParam({ candidacyId: value }, "candidacyId", "Candidature introuvable."),
    );
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: "Candidature introuvable." });
  });
});

describe("parseNumberParam", () => {
  it("reads a version number", () => {
    expect(parseNumberParam({ version: "3" }, "version")).toBe(3);
  });
  it.each(["0", "-1", "1.5", "abc", "01", "99999999999999999999", ""])("throws a 404 for %s", async (value) => {
    expect((await thrown(() => parseNumberParam({ version: value }, "version"))).status).toBe(404);
  });
});

describe("readFormData", () => {
  it("reads a URL-encoded form", async () => {
    const request = new Request("http://x/", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "a=1",
    });
    expect((await readFormData(request)).get("a")).toBe("1");
  });

  it.each([
    ["JSON", "application/json", '{"a":1}'],
    ["a multipart body without boundary", "multipart/form-data", "--x\r\n"],
    [
      "a truncated multipart body",
      "multipart/form-data; boundary=x",
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1',
    ],
    ["plain text", "text/plain", "a=1"],
  ])("answers 400 to %s", async (_label, type, body) => {
    const request = new Request("http://x/", { method: "POST", headers: { "Content-Type": type }, body });
    const response = await thrown(() => readFormData(request));
    expect(response.status).toBe(400);
    expect((await response.json()).message).toMatch(/n'a pas pu être lu/);
  });
});
