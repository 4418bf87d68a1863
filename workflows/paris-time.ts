// Dates and times as people read them in France. Staff type calendar days and wall-clock times, the law counts
// calendar days, and the database keeps instants: these conversions are the one place that knows Paris is UTC+1 in
// winter and UTC+2 in summer. Pure.

const parisParts = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Paris",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** The date ("2026-06-10") and time ("10:00") an instant shows on a clock in France. */
export function parisDateAndTime(instant: string | Date): { date: string; time: string } {
  const parts = Object.fromEntries(
    parisParts.formatToParts(typeof instant === "string" ? new Date(instant) : instant).map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** The calendar date (YYYY-MM-DD) an instant falls on in France. */
export function parisCalendarDate(instant: Date): string {
  return parisDateAndTime(instant).date;
}

/**
 * The instant (ISO, UTC) of a date and time read on a clock in France, or null when they are not a real date and
 * time. Around the autumn change the earlier of the two instants is taken; a time skipped in spring moves forward.
 */
export function parisInstant(date: string, time: string): string | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) return null;
  const [year, month, day, hour, minute] = [d[1], d[2], d[3], t[1], t[2]].map(Number) as number[];
  if (hour! > 23 || minute! > 59) return null;
  const asUtc = Date.UTC(year!, month! - 1, day!, hour!, minute!);
  const check = new Date(asUtc);
  if (check.getUTCMonth() !== month! - 1 || check.getUTCDate() !== day!) return null;
  // Paris is UTC+1 or UTC+2: try both offsets, keep the one whose wall clock matches.
  for (const offsetHours of [2, 1]) {
    const instant = new Date(asUtc - offsetHours * 3600_000);
    const shown = parisDateAndTime(instant);
    if (shown.date === date && shown.time === time) return instant.toISOString();
  }
  return new Date(asUtc - 3600_000).toISOString();
}

/** The instant a calendar day (YYYY-MM-DD) starts in France, or null when it is not a real day. */
export function startOfParisDay(day: string): Date | null {
  const instant = parisInstant(day, "00:00");
  return instant ? new Date(instant) : null;
}

/** The calendar day after a calendar day (YYYY-MM-DD). */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
