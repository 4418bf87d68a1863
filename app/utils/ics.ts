// Calendar invitations (iCalendar, RFC 5545, with the iTIP methods of RFC 5546) attached to the convocation
// e-mails of an evaluation session, so that the candidate and both evaluators can add it to their calendar in
// one click. Pure: the text only; sending is the e-mail outbox's business.
//
// A session that is moved keeps its UID and gets a higher SEQUENCE (calendars then update the event instead of
// adding a second one); a cancelled session is sent with METHOD:CANCEL and STATUS:CANCELLED, same UID.

export interface CalendarPerson {
  readonly name: string;
  readonly email: string;
}

export interface CalendarInviteInput {
  /** Stable per session (e.g. "evaluation-session-<candidacyId>@<host>"): the same for every move and the cancel. */
  readonly uid: string;
  /** 0 for the first convocation, then one more for each change (move, cancellation). */
  readonly sequence: number;
  readonly startsAt: Date | string;
  readonly durationMinutes: number;
  readonly summary: string;
  readonly description: string;
  /** The address, or the video link. */
  readonly location: string;
  /** A page of the portal about the session. */
  readonly url?: string;
  readonly organizer: CalendarPerson;
  readonly attendees: ReadonlyArray<CalendarPerson>;
  readonly method: "REQUEST" | "CANCEL";
  /** DTSTAMP, when the invitation is created; defaults to the current time. */
  readonly now?: Date | string;
}

const PRODID = "-//Portail VAE CQP//Convocations//FR";
const CRLF = "\r\n";
const MAX_LINE_OCTETS = 75;

/** `Content-Type` of the attachment: iTIP clients look at the method parameter too. */
export function calendarContentType(method: CalendarInviteInput["method"]): string {
  return `text/calendar; charset=UTF-8; method=${method}`;
}

function toDate(value: Date | string, field: string): Date {
  const date = value instanceof Date ? new Date(value.getTime()) : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Invalid date for ${field}: ${String(value)}`);
  return date;
}

/** UTC date-time, form #2 of RFC 5545 §3.3.5: 20261130T073000Z. */
export function formatUtcDateTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return (
    `${String(date.getUTCFullYear()).padStart(4, "0")}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`
  );
}

// Control characters other than the tab have no place in a content line (RFC 5545 §3.1); line breaks are
// handled before this is applied.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

/** TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, and line breaks as "\n". */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n")
    .replace(CONTROL, "");
}

/**
 * A parameter value (CN): always quoted; a quoted string cannot hold a double quote, so it becomes an
 * apostrophe, and line breaks become spaces (a name is one line).
 */
function quoteParameter(value: string): string {
  return `"${value
    .replace(/\r\n|\r|\n/g, " ")
    .replace(CONTROL, "")
    .replace(/"/g, "'")}"`;
}

/** A mailto: URI; refuses what would break the line or the URI rather than send a broken invitation. */
function mailto(email: string): string {
  const trimmed = email.trim();
  if (!/^[^\s@<>"]+@[^\s@<>"]+$/.test(trimmed)) throw new RangeError(`Invalid e-mail address: ${email}`);
  return `mailto:${trimmed}`;
}

/** A URI value is not TEXT (no escaping), so it must not hold anything that would end or split the line. */
function uriValue(url: string): string {
  const trimmed = url.trim();
  if (/[\s"<>]/.test(trimmed) || trimmed.length === 0) throw new RangeError(`Invalid URL: ${url}`);
  return trimmed;
}

/**
 * Folds a content line at 75 octets (RFC 5545 §3.1): CRLF then one space, the space counting in the next line's
 * 75. Counts UTF-8 octets and cuts only between code points, so "é" (2 octets) or an emoji (4) is never split.
 */
export function foldLine(line: string): string {
  const encoder = new TextEncoder();
  const pieces: string[] = [];
  let current = "";
  let octets = 0;
  let limit = MAX_LINE_OCTETS;
  for (const character of line) {
    const size = encoder.encode(character).length;
    if (octets + size > limit) {
      pieces.push(current);
      current = "";
      octets = 0;
      limit = MAX_LINE_OCTETS - 1; // the leading space of a continuation line
    }
    current += character;
    octets += size;
  }
  pieces.push(current);
  return pieces.join(`${CRLF} `);
}

function person(property: "ORGANIZER" | "ATTENDEE", who: CalendarPerson, extra: string[] = []): string {
  return [`${property};CN=${quoteParameter(who.name)}`, ...extra].join(";") + `:${mailto(who.email)}`;
}

/**
 * The invitation: a VCALENDAR with one VEVENT, CRLF line ends, folded lines, escaped text, times in UTC.
 * Throws RangeError on an invalid date, duration, sequence, e-mail address or URL (a programming error upstream:
 * these come from validated records).
 */
export function calendarInvite(input: CalendarInviteInput): string {
  if (!Number.isInteger(input.sequence) || input.sequence < 0) {
    throw new RangeError(`Invalid sequence: ${input.sequence}`);
  }
  if (!Number.isInteger(input.durationMinutes) || input.durationMinutes <= 0) {
    throw new RangeError(`Invalid duration: ${input.durationMinutes}`);
  }
  const start = toDate(input.startsAt, "startsAt");
  const end = new Date(start.getTime() + input.durationMinutes * 60_000);
  const stamp = toDate(input.now ?? new Date(), "now");
  const cancelled = input.method === "CANCEL";

  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    `PRODID:${PRODID}`,
    "CALSCALE:GREGORIAN",
    `METHOD:${input.method}`,
    "BEGIN:VEVENT",
    `UID:${escapeText(input.uid)}`,
    `SEQUENCE:${input.sequence}`,
    `DTSTAMP:${formatUtcDateTime(stamp)}`,
    `DTSTART:${formatUtcDateTime(start)}`,
    `DTEND:${formatUtcDateTime(end)}`,
    `SUMMARY;LANGUAGE=fr:${escapeText(input.summary)}`,
    `DESCRIPTION;LANGUAGE=fr:${escapeText(input.description)}`,
    `LOCATION;LANGUAGE=fr:${escapeText(input.location)}`,
    ...(input.url === undefined ? [] : [`URL:${uriValue(input.url)}`]),
    person("ORGANIZER", input.organizer),
    ...input.attendees.map((attendee) =>
      person("ATTENDEE", attendee, ["CUTYPE=INDIVIDUAL", "ROLE=REQ-PARTICIPANT", "PARTSTAT=NEEDS-ACTION"]),
    ),
    `STATUS:${cancelled ? "CANCELLED" : "CONFIRMED"}`,
    "TRANSP:OPAQUE",
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return lines.map(foldLine).join(CRLF) + CRLF;
}
