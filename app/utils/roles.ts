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

// Any origin works: a path is safe when resolving it against one origin stays on that origin.
const PROBE_ORIGIN = "http://portal.invalid";

/**
 * Only a path of this portal is followed after login, so a crafted link cannot send a user elsewhere. Browsers
 * strip tabs and line breaks from URLs and read "\\" as "/", so "/\t/evil.example" or "/\\evil.example" would
 * leave the site: any control or whitespace character and any backslash is refused, then the path must resolve
 * to the same origin. What is returned is the resolved path, never the raw input.
 */
export function safeRedirectPath(target: string | null | undefined, fallback: string): string {
  if (!target || target.length > 2048 || !target.startsWith("/")) return fallback;
  if (/[\s\p{C}\\]/u.test(target)) return fallback;
  let url: URL;
  try {
    url = new URL(target, PROBE_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PROBE_ORIGIN || !url.pathname.startsWith("/") || url.pathname.startsWith("//")) return fallback;
  return url.pathname + url.search + url.hash;
}
