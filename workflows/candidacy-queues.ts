// The officer's queue and staff's registry, as pure rules: which states each view shows, which timer is each
// state's legal deadline, when a deadline is at risk, the page cursor, and the normalised form of a search.
// No I/O: db/queries/candidacy-queues.ts turns these into SQL. See docs/decisions/029.
import type { CandidacyStateKey } from "./candidacy-machine";

export const QUEUE_PAGE_SIZE = 50;

/** Counters stop counting past this: "plus de 1 000" (the dashboard has the exact totals). */
export const COUNTER_CAP = 1000;

/** A count as shown, given counts are cut at COUNTER_CAP + 1. */
export function counterText(count: number): string {
  return count > COUNTER_CAP ? `plus de ${COUNTER_CAP.toLocaleString("fr-FR")}` : String(count);
}

/** A deadline this close (or passed) is shown "à risque". */
export const AT_RISK_DAYS = 7;

/**
 * The legal deadline of each step, as the timer the service schedules for it, and the states in which it runs
 * (the same as workflows/candidacy-effects.ts' timerStillRelevant): 2 months to answer a complete request, the
 * admissibility's validity end, the session before the end of the 3rd month after the filing, the result within
 * 15 days of the session. A timer outside its states is history (fired, or left behind by the step it ended).
 */
export const DEADLINE_TIMERS = {
  ADMISSIBILITY_SILENCE: ["admissibility.pending", "admissibility.review"],
  VALIDITY_EXPIRY: ["admissible", "dossier.inProgress"],
  EVALUATION_OVERDUE: ["dossier.submitted", "evaluation", "deliberation", "dossier.inProgress"],
  RESULT_OVERDUE: ["decided"],
} as const satisfies Record<string, readonly CandidacyStateKey[]>;

export type DeadlineKind = keyof typeof DEADLINE_TIMERS;
export const DEADLINE_KINDS = Object.keys(DEADLINE_TIMERS) as DeadlineKind[];

export const DEADLINE_LABELS: Record<DeadlineKind, string> = {
  ADMISSIBILITY_SILENCE: "Réponse de recevabilité",
  VALIDITY_EXPIRY: "Fin de validité de la recevabilité",
  EVALUATION_OVERDUE: "Séance d'évaluation",
  RESULT_OVERDUE: "Notification du résultat",
};

/** The officer's three views: requests to answer, incomplete ones waiting for the candidate, decided ones. */
export const OFFICER_VIEWS = {
  "a-traiter": ["admissibility.pending", "admissibility.review"],
  incompletes: ["admissibility.incomplete"],
  decidees: [
    "admissible",
    "inadmissible",
    "dossier.inProgress",
    "dossier.submitted",
    "evaluation",
    "deliberation",
    "minutes",
    "decided",
    "certified",
    "closed",
    "lapsed",
  ],
} as const satisfies Record<string, readonly CandidacyStateKey[]>;

export type OfficerView = keyof typeof OFFICER_VIEWS;
export const OFFICER_VIEW_KEYS = Object.keys(OFFICER_VIEWS) as OfficerView[];

/** The states an officer's "état" filter narrows a view to: the view's own states, or only the one chosen. */
export function officerViewStates(view: OfficerView, state?: CandidacyStateKey): CandidacyStateKey[] {
  const states: readonly CandidacyStateKey[] = OFFICER_VIEWS[view];
  if (state === undefined) return [...states];
  return states.includes(state) ? [state] : [];
}

/** Whole days left before a deadline (negative once passed), rounded up as people count them. */
export function daysLeft(deadline: Date | string, now: Date): number {
  return Math.ceil((new Date(deadline).getTime() - now.getTime()) / 86_400_000);
}

export function isAtRisk(deadline: Date | string | null, now: Date): boolean {
  return deadline !== null && daysLeft(deadline, now) <= AT_RISK_DAYS;
}

/** The instant up to which a deadline counts as at risk. */
export function atRiskUntil(now: Date): Date {
  return new Date(now.getTime() + AT_RISK_DAYS * 86_400_000);
}

// ---------------------------------------------------------------------------------------------------------------
// Cursor: the last row's sort key (a timestamp, written by the database to the microsecond) and its id.

export interface QueueCursor {
  key: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export function encodeCursor(cursor: QueueCursor): string {
  // ASCII only (a timestamp and a uuid): btoa suffices, made URL-safe.
  return btoa(`${cursor.key}|${cursor.id}`).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The cursor in a link, or null for anything else (edited, truncated, from another version): page 1 then. */
export function decodeCursor(text: string | null | undefined): QueueCursor | null {
  if (!text || text.length > 200 || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  let decoded: string;
  try {
    decoded = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return null;
  }
  const [key, id, ...rest] = decoded.split("|");
  if (rest.length > 0 || key === undefined || id === undefined) return null;
  if (!KEY.test(key) || !UUID.test(id) || !Number.isFinite(Date.parse(key))) return null;
  return { key, id: id.toLowerCase() };
}

// ---------------------------------------------------------------------------------------------------------------
// Search: accents and case folded the same way in JavaScript and in SQL (translate + lower of ASCII), so that
// PGlite and PostgreSQL agree whatever their locale, with no extension (unaccent, pg_trgm).

/**
 * Accented letters of French and neighbouring languages, and what they fold to (same length, one to one; SQL's
 * translate). The migration that stores users.search_text keeps its own copy (2026-11-30-0130).
 */
export const SEARCH_FOLD_FROM =
  "àáâãäåāçćčèéêëēėęìíîïīñńòóôõöøōùúûüūýÿžźżÀÁÂÃÄÅĀÇĆČÈÉÊËĒĖĘÌÍÎÏĪÑŃÒÓÔÕÖØŌÙÚÛÜŪÝŸŽŹŻłŁđĐħĦı";
export const SEARCH_FOLD_TO =
  "aaaaaaaccceeeeeeeiiiiinnooooooouuuuuyyzzzaaaaaaaccceeeeeeeiiiiinnooooooouuuuuyyzzzllddhhi";
/** Letters a keyboard without them spells with two (SQL's replace, after translate): Lœuvre is searched "loeuvre". */
export const SEARCH_FOLD_SPELLED: ReadonlyArray<readonly [string, string]> = [
  ["œ", "oe"],
  ["Œ", "oe"],
  ["æ", "ae"],
  ["Æ", "ae"],
  ["ß", "ss"],
  ["ẞ", "ss"],
];

const FOLD = new Map([
  ...[...SEARCH_FOLD_FROM].map((c, i) => [c, SEARCH_FOLD_TO[i] as string] as const),
  ...SEARCH_FOLD_SPELLED,
]);

/** The text as the search compares it: accents folded, ASCII lower-cased, spaces collapsed. */
export function foldForSearch(text: string): string {
  return [...text.normalize("NFC")]
    .map((c) => FOLD.get(c) ?? c)
    .join("")
    .replace(/[A-Z]/g, (c) => c.toLowerCase())
    .replace(/\s+/g, " ")
    .trim();
}

/** A LIKE pattern matching the folded term anywhere, its wildcards escaped. */
export function searchPattern(term: string): string | null {
  const folded = foldForSearch(term);
  if (folded === "") return null;
  return `%${folded.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// ---------------------------------------------------------------------------------------------------------------
// "Reçue entre": calendar days in France.

export { nextDay, startOfParisDay } from "./paris-time";
