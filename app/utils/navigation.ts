// The main navigation of each role, and which entry is current for a page.
import type { Role } from "../../db/schema";

/** A navigation entry is current on its own page and on the pages of its sections (default: below its path). */
export interface NavigationItem {
  to: string;
  label: string;
  sections?: string[];
}

export const NAVIGATION: Record<Role, NavigationItem[]> = {
  candidate: [
    { to: "/candidat", label: "Mes candidatures", sections: ["/candidat/candidatures"] },
    { to: "/candidat/certifications", label: "Mes certifications" },
  ],
  admissibility_officer: [{ to: "/recevabilite", label: "Recevabilité" }],
  evaluator: [{ to: "/evaluation", label: "Mes évaluations" }],
  certifier_staff: [
    { to: "/certificateur", label: "Certification", sections: [] },
    { to: "/certificateur/candidatures", label: "Candidatures" },
    { to: "/certificateur/evaluateurs", label: "Évaluateurs" },
    { to: "/certificateur/referentiels", label: "Référentiels" },
    { to: "/certificateur/certificats", label: "Certificats" },
    { to: "/journal", label: "Journal" },
  ],
  admin: [
    { to: "/admin", label: "Comptes", sections: ["/admin/comptes"] },
    { to: "/admin/courriels", label: "Courriels" },
    { to: "/admin/envois", label: "Envois en échec" },
    { to: "/journal", label: "Journal" },
  ],
};

export function isCurrent(item: NavigationItem, pathname: string) {
  return (
    pathname === item.to || (item.sections ?? [item.to]).some((p) => pathname === p || pathname.startsWith(`${p}/`))
  );
}

export function navigationFor(roles: Role[]) {
  const seen = new Set<string>();
  return roles.flatMap((role) => NAVIGATION[role]).filter((item) => !seen.has(item.to) && seen.add(item.to));
}
