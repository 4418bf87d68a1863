import { describe, expect, it } from "vitest";
import { NAVIGATION, isCurrent, navigationFor } from "./navigation";

const item = (to: string) => [...NAVIGATION.admin, ...NAVIGATION.certifier_staff].find((i) => i.to === to)!;

describe("navigation", () => {
  it("marks one admin entry current per page", () => {
    expect(isCurrent(item("/admin"), "/admin")).toBe(true);
    expect(isCurrent(item("/admin"), "/admin/comptes/0b4c")).toBe(true);
    expect(isCurrent(item("/admin"), "/admin/courriels")).toBe(false);
    expect(isCurrent(item("/admin/courriels"), "/admin/courriels/outbox-1.eml")).toBe(true);
  });

  it("keeps the certifier's home entry to its own page", () => {
    expect(isCurrent(item("/certificateur"), "/certificateur")).toBe(true);
    expect(isCurrent(item("/certificateur"), "/certificateur/referentiels")).toBe(false);
    expect(isCurrent(item("/certificateur/referentiels"), "/certificateur/referentiels/abc")).toBe(true);
  });

  it("keeps the candidate's certificates apart from their candidacies", () => {
    const [candidacies, certificates] = NAVIGATION.candidate;
    expect(isCurrent(candidacies!, "/candidat/candidatures/0b4c/resultat")).toBe(true);
    expect(isCurrent(candidacies!, "/candidat/certifications")).toBe(false);
    expect(isCurrent(certificates!, "/candidat/certifications")).toBe(true);
    expect(isCurrent(item("/certificateur/certificats"), "/certificateur/certificats/0b4c")).toBe(true);
  });

  it("lists each entry once for a person with several roles", () => {
    const entries = navigationFor(["certifier_staff", "admin"]).map((i) => i.to);
    expect(entries.filter((to) => to === "/journal")).toHaveLength(1);
  });
});
