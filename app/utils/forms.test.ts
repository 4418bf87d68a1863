import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseForm } from "./forms";

const schema = z.object({
  email: z.string().email("Adresse e-mail invalide."),
  password: z.string().min(3, "Trop court."),
  roles: z.preprocess((v) => (Array.isArray(v) ? v : v ? [v] : []), z.array(z.string())),
});

function form(entries: [string, string][]) {
  const data = new FormData();
  for (const [k, v] of entries) data.append(k, v);
  return data;
}

describe("parseForm", () => {
  it("returns the parsed data", () => {
    const result = parseForm(
      schema,
      form([
        ["email", "a@b.fr"],
        ["password", "secret"],
        ["roles", "x"],
        ["roles", "y"],
      ]),
    );
    expect(result).toEqual({ ok: true, data: { email: "a@b.fr", password: "secret", roles: ["x", "y"] } });
  });

  it("returns one French message per field and the typed values, never the password", () => {
    const result = parseForm(
      schema,
      form([
        ["email", "pas-une-adresse"],
        ["password", "x"],
      ]),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fieldErrors).toEqual({ email: "Adresse e-mail invalide.", password: "Trop court." });
    expect(result.values).toEqual({ email: "pas-une-adresse" });
  });
});
