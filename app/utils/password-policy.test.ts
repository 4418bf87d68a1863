import { describe, expect, it } from "vitest";
import { passwordProblem } from "./password-policy";

describe("passwordProblem", () => {
  it("accepts a long password mixing letters and digits or symbols", () => {
    expect(passwordProblem("Fromage-de-Brie-2026")).toBeNull();
    expect(passwordProblem("boulangerie7tours")).toBeNull();
  });

  it.each([
    ["court1", "au moins 10 caractères"],
    ["abcdefghijkl", "lettres et au moins un chiffre"],
    ["123456789012", "lettres et au moins un chiffre"],
    ["Azerty1234", "trop courant"],
    ["x".repeat(129), "dépasser 128"],
  ])("refuses %s with a French reason", (password, reason) => {
    expect(passwordProblem(password)).toContain(reason);
  });

  it("refuses a password built on the e-mail address", () => {
    expect(passwordProblem("camille.durand2026", { email: "camille.durand@example.fr" })).toContain("adresse e-mail");
  });
});
