// The experience a candidate declares in their admissibility request, from the periods their proofs of activity
// cover. Two proofs of the same job (a contract and the payslips of the same months) must not count twice, so the
// periods are merged before they are added up. Only activity related to the CQP counts. Pure: dates are calendar
// days ("YYYY-MM-DD"), both ends inclusive.

export interface DeclaredPeriod {
  start: string;
  end: string;
  relatedToCqp: boolean;
}

export interface DeclaredExperience {
  /** Calendar days covered at least once by a related period. */
  days: number;
  /**
   * Whole calendar months and remaining days, for display: 1 January – 31 March is 3 months; what is left of each
   * period beyond whole months is added up, 30 days making a month.
   */
  months: number;
  remainingDays: number;
  /** The merged related periods, in order. */
  periods: Array<{ start: string; end: string }>;
  /** The first and last day covered, or null when nothing is declared. */
  from: string | null;
  to: string | null;
}

const DAY = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function dayNumber(date: string): number {
  if (!ISO_DATE.test(date)) throw new RangeError(`Not a calendar date: ${date}`);
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date)
    throw new RangeError(`Not a calendar date: ${date}`);
  return Math.round(ms / DAY);
}

const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

/** Whole months from the first day (15 Jan – 14 Feb is one), then the days left over. */
function calendarMonths(startDay: number, endDay: number): { months: number; days: number } {
  const start = new Date(startDay * DAY);
  let months = 0;
  for (;;) {
    const next = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months + 1, start.getUTCDate());
    if (Math.round(next / DAY) - 1 > endDay) break;
    months += 1;
  }
  const monthsEnd = Math.round(
    Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months, start.getUTCDate()) / DAY,
  );
  return { months, days: endDay - monthsEnd + 1 };
}

export function declaredExperience(periods: DeclaredPeriod[]): DeclaredExperience {
  const ranges = periods
    .filter((p) => p.relatedToCqp)
    .map((p) => {
      const start = dayNumber(p.start);
      const end = dayNumber(p.end);
      if (end < start) throw new RangeError(`Period ends before it starts: ${p.start} – ${p.end}`);
      return { start, end };
    })
    .sort((a, b) => a.start - b.start);

  const merged: Array<{ start: number; end: number }> = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    // Adjacent periods (one ends on the 31st, the next starts on the 1st) make one continuous period.
    if (last && range.start <= last.end + 1) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  const days = merged.reduce((sum, r) => sum + (r.end - r.start + 1), 0);
  let wholeMonths = 0;
  let leftoverDays = 0;
  for (const range of merged) {
    const { months, days: rest } = calendarMonths(range.start, range.end);
    wholeMonths += months;
    leftoverDays += rest;
  }
  return {
    days,
    months: wholeMonths + Math.floor(leftoverDays / 30),
    remainingDays: leftoverDays % 30,
    periods: merged.map((r) => ({ start: dateOf(r.start), end: dateOf(r.end) })),
    from: merged.length > 0 ? dateOf(merged[0]!.start) : null,
    to: merged.length > 0 ? dateOf(merged.at(-1)!.end) : null,
  };
}

/** "2 ans et 3 mois", "11 mois", "17 jours", "aucune" — the duration in French words. */
export function formatExperience(experience: Pick<DeclaredExperience, "days" | "months" | "remainingDays">): string {
  if (experience.days === 0) return "aucune";
  if (experience.months === 0) return `${experience.days} jour${experience.days > 1 ? "s" : ""}`;
  const years = Math.floor(experience.months / 12);
  const months = experience.months % 12;
  const parts: string[] = [];
  if (years > 0) parts.push(`${years} an${years > 1 ? "s" : ""}`);
  if (months > 0) parts.push(`${months} mois`);
  return parts.join(" et ");
}
