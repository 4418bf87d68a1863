// The dates of the candidacy's legal clocks. Pure: parsing and calendar arithmetic only, never the clock.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** An ISO 8601 timestamp with a time zone (Z or ±hh:mm), e.g. "2025-03-01T09:30:00Z". */
export function isIsoTimestamp(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const match = ISO_TIMESTAMP.exec(value);
  return match !== null && isIsoDate(match[1]) && Number.isFinite(Date.parse(value));
}

/** The UTC calendar date (YYYY-MM-DD) of a timestamp. */
export function utcDateOf(timestamp: string): string {
  return new Date(timestamp).toISOString().slice(0, 10);
}

/**
 * When 2 months of silence after a complete admissibility request count as acceptance: the same time two calendar
 * months later (UTC), or the last day of that month when it has no such day (31 Dec → 28/29 Feb). The service
 * schedules the ADMISSIBILITY_SILENCE_ELAPSED timer at this time; the guard refuses the event before it.
 */
export function admissibilitySilenceDeadline(completedAt: string): string {
  const start = new Date(completedAt);
  const monthIndex = start.getUTCMonth() + 2;
  const year = start.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      year,
      month,
      Math.min(start.getUTCDate(), lastDay),
      start.getUTCHours(),
      start.getUTCMinutes(),
      start.getUTCSeconds(),
      start.getUTCMilliseconds(),
    ),
  ).toISOString();
}

/** The validity end date is inclusive: the admissibility has expired once the UTC date of `at` is after it. */
export function isValidityExpired(validityEndsOn: string, at: string): boolean {
  return utcDateOf(at) > validityEndsOn;
}

// ---------------------------------------------------------------------------------------------------------------
// Rules: one predicate per event type, shared by the machine's guard and by checkEvent / explainRefusal

/**
 * The evaluation must take place before the end of the 3rd month after the dossier is filed: a dossier filed any
 * day of January is due by the end of April. Returns the first instant (UTC) after that period.
 */
export function evaluationDeadline(submittedAt: string): string {
  const filed = new Date(submittedAt);
  return new Date(Date.UTC(filed.getUTCFullYear(), filed.getUTCMonth() + 4, 1)).toISOString();
}
