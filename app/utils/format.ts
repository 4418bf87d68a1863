// French formatting of dates for display; the portal's users are in France.
const dateTime = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeStyle: "short", timeZone: "Europe/Paris" });
const date = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "Europe/Paris" });

// French writes the first day of a month as an ordinal: "1er janvier 2027", but "5 mars 2027".
const firstOfMonth = (text: string) => text.replace(/^1 /, "1er ");

export function formatDateTime(value: string | Date): string {
  return firstOfMonth(dateTime.format(typeof value === "string" ? new Date(value) : value));
}

export function formatDate(value: string | Date): string {
  return firstOfMonth(date.format(typeof value === "string" ? new Date(value) : value));
}

/** A decimal kept as a string (PostgreSQL numeric) in French: "70.0" → "70", "69.5" → "69,5". No float involved. */
export function formatDecimal(value: string): string {
  const [whole, fraction = ""] = value.split(".");
  const kept = fraction.replace(/0+$/, "");
  return kept ? `${whole},${kept}` : whole!;
}

const sizeFormat = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

/** A file size as French users read it: "850 octets", "12,4 Ko", "3,2 Mo" (powers of 1024, as file managers do). */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} octet${bytes > 1 ? "s" : ""}`;
  if (bytes < 1024 * 1024) return `${sizeFormat.format(bytes / 1024)} Ko`;
  if (bytes < 1024 * 1024 * 1024) return `${sizeFormat.format(bytes / (1024 * 1024))} Mo`;
  return `${sizeFormat.format(bytes / (1024 * 1024 * 1024))} Go`;
}
