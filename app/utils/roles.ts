// Each role's French name and home page; shared by the navigation, the role gate and the admin forms.
import type { Role } from "../../db/schema";

export const ROLE_LABELS: Record<Role, string> = {
  candidate: "Candidat",
  admissibility_officer: "Chargé de recevabilité",
  evaluator: "Évaluateur",
  certifier_staff: "Certificateur",
  admin: "Administrateur",
};

export const ROLE_HOME: Record<Role, string> = {
  candidate: "/candidat",
  admissibility_officer: "/recevabilite",
  evaluator: "/evaluation",
  certifier_staff: "/certificateur",
  admin: "/admin",
};

/** Where a user lands after logging in: their only space, or the page that lists their spaces. */
export function homeFor(roles: readonly Role[]): string {
  if (roles.length === 1) return ROLE_HOME[roles[0]!];
  return "/espace";
}

/** Only same-site paths are followed after login, so a crafted link cannot send a user elsewhere. */
export function safeRedirectPath(target: string | null | undefined, fallback: string): string {
  if (!target || !target.startsWith("/") || target.startsWith("//") || target.startsWith("/\\")) return fallback;
  return target;
}
