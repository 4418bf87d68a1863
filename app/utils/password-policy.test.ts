import { describe, expect, it } from "vitest";
import { passwordProblem, unpredictableCharacters } from "./password-policy";

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
    ["password12", "trop courant"],
    ["Password2026!", "trop courant"],
    ["2026-Soleil!!", "trop courant"],
    ["iloveyou123", "trop courant"],
    ["motdepasse1", "trop courant"],
    ["qwertyuiop1", "trop courant"],
    ["Marseille13013", "trop courant"],
    ["aaaaaaaaa1", "trop prévisible"],
    ["abcdefghij1", "trop prévisible"],
    ["abcabcabc1!", "trop prévisible"],
    ["azazazaz12", "trop prévisible"],
    ["zyxwvutsr9", "trop prévisible"],
    ["1234567890ab", "trop prévisible"],
    ["aabbccddee1", "trop prévisible"],
    ["x".repeat(129), "dépasser 128"],
  ])("refuses %s with a French reason", (password, reason) => {
    expect(passwordProblem(password)).toContain(reason);
  });

  it.each([
    "Tartelette-2026",
    "Kouign-amann-29",
    "Camembert-2026",
    "Madeleine-2026-demo",
    "Fixture-password-2026",
    "Far-breton-2026",
  ])("accepts %s, a word with more around it than digits", (password) => {
    expect(passwordProblem(password)).toBeNull();
  });

  it("counts the characters that do not follow from the one before", () => {
    expect(unpredictableCharacters("aaaaaaaaa1")).toBe(2);
    expect(unpredictableCharacters("abcdefghij")).toBe(1);
    expect(unpredictableCharacters("Tartelette-2026")).toBeGreaterThan(10);
  });

  it("refuses a password built on the e-mail address", () => {
    expect(passwordProblem("camille.durand2026", { email: "camille.durand@example.fr" })).toContain("adresse e-mail");
  });
});
