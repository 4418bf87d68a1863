import { describe, expect, it } from "vitest";
import { type CalendarInviteInput, calendarContentType, calendarInvite, escapeText, foldLine } from "./ics";

const encoder = new TextEncoder();

interface Property {
  name: string;
  params: Record<string, string>;
  value: string;
}

/** A small, independent reader: unfold, split each line at the first ':' outside quotes, read parameters. */
function parse(text: string): Property[] {
  const unfolded = text.replace(/\r\n[ \t]/g, "");
  const lines = unfolded.split("\r\n");
  expect(lines.pop()).toBe(""); // the text ends with CRLF
  return lines.map((line) => {
    let inQuotes = false;
    let colon = -1;
    for (let index = 0; index < line.length; index++) {
      if (line[index] === '"') inQuotes = !inQuotes;
      if (line[index] === ":" && !inQuotes) {
        colon = index;
        break;
      }
    }
    const [name, ...rawParams] = line.slice(0, colon).split(";");
    const params = Object.fromEntries(
      rawParams.map((param) => {
        const [key, ...rest] = param.split("=");
        return [key as string, rest.join("=").replace(/^"|"$/g, "")];
      }),
    );
    return { name: name as string, params, value: line.slice(colon + 1) };
  });
}

function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, character: string) =>
    character === "n" || character === "N" ? "\n" : character,
  );
}

function property(properties: Property[], name: string): Property {
  const found = properties.filter((entry) => entry.name === name);
  expect(found, name).toHaveLength(1);
  return found[0] as Property;
}

const base: CalendarInviteInput = {
  uid: "evaluation-session-0f3c@vae.example",
  sequence: 0,
  startsAt: "2026-12-14T09:30:00+01:00",
  durationMinutes: 90,
  summary: "Entretien d'évaluation VAE — CQP Commercial sédentaire",
  description:
    "Bonjour,\nVous êtes convoqué(e) à l'entretien d'évaluation de votre dossier VAE ; merci d'apporter une pièce d'identité.\nÀ bientôt.",
  location: "Maison de l'Alimentation, 12 rue de la Paix, 75002 Paris",
  url: "https://vae.example/candidat/candidatures/0f3c",
  organizer: { name: "Service certification", email: "certification@vae.example" },
  attendees: [
    { name: "Élodie Lefèvre", email: "elodie.lefevre@example.fr" },
    { name: 'Jean "Jo" Dupont', email: "jean.dupont@example.fr" },
  ],
  method: "REQUEST",
  now: new Date("2026-11-30T07:00:00Z"),
};

describe("calendarInvite", () => {
  it("writes CRLF lines of at most 75 octets, folded without splitting a character", () => {
    const text = calendarInvite(base);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/); // no bare CR or LF
    for (const line of text.split("\r\n")) {
      expect(encoder.encode(line).length).toBeLessThanOrEqual(75);
      // A continuation line never starts with a broken character: the text decodes back cleanly.
      expect(line).not.toContain("\uFFFD");
    }
    expect(text).toContain("\r\n "); // the description was long enough to be folded
  });

  it("folds a long French line with accents at 75 octets, and unfolding gives it back", () => {
    const line = `DESCRIPTION:${"Évaluation à l'écrit et à l'oral, données élémentaires, œuvre, été. ".repeat(4)}😀 fin`;
    const folded = foldLine(line);
    const physical = folded.split("\r\n");
    expect(physical.length).toBeGreaterThan(3);
    physical.forEach((piece, index) => {
      const octets = encoder.encode(piece).length;
      expect(octets).toBeLessThanOrEqual(75);
      if (index > 0) expect(piece.startsWith(" ")).toBe(true);
      // Lines are filled: only a multi-byte character that does not fit ends a line before 75 octets.
      if (index < physical.length - 1) expect(octets).toBeGreaterThanOrEqual(72);
    });
    expect(folded.replace(/\r\n /g, "")).toBe(line);
    // Decoding each physical line on its own never meets half a character.
    for (const piece of physical) {
      const bytes = encoder.encode(piece);
      expect(new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toBe(piece);
    }
    expect(foldLine("SHORT:ok")).toBe("SHORT:ok");
  });

  it("escapes TEXT values: backslash, semicolon, comma and line breaks", () => {
    expect(escapeText("a\\b;c,d\ne\r\nf\rg")).toBe("a\\\\b\\;c\\,d\\ne\\nf\\ng");
    const text = calendarInvite({ ...base, summary: "Jury; salle 2, étage \\ B\nbis" });
    const summary = property(parse(text), "SUMMARY");
    expect(summary.value).toBe("Jury\\; salle 2\\, étage \\\\ B\\nbis");
    expect(unescapeText(summary.value)).toBe("Jury; salle 2, étage \\ B\nbis");
  });

  it("reads back: method, UID, sequence, UTC times, texts, organizer, attendees, status", () => {
    const properties = parse(calendarInvite(base));
    expect(properties[0]).toEqual({ name: "BEGIN", params: {}, value: "VCALENDAR" });
    expect(properties.at(-1)).toEqual({ name: "END", params: {}, value: "VCALENDAR" });
    expect(property(properties, "VERSION").value).toBe("2.0");
    expect(property(properties, "PRODID").value).toMatch(/^-\/\/.+\/\/FR$/);
    expect(property(properties, "METHOD").value).toBe("REQUEST");
    expect(property(properties, "UID").value).toBe(base.uid);
    expect(property(properties, "SEQUENCE").value).toBe("0");
    expect(property(properties, "DTSTAMP").value).toBe("20261130T070000Z");
    expect(property(properties, "DTSTART").value).toBe("20261214T083000Z"); // 9:30 in Paris (UTC+1)
    expect(property(properties, "DTEND").value).toBe("20261214T100000Z"); // + 90 minutes
    expect(unescapeText(property(properties, "SUMMARY").value)).toBe(base.summary);
    expect(unescapeText(property(properties, "DESCRIPTION").value)).toBe(base.description);
    expect(unescapeText(property(properties, "LOCATION").value)).toBe(base.location);
    expect(property(properties, "URL").value).toBe(base.url);
    expect(property(properties, "STATUS").value).toBe("CONFIRMED");
    const organizer = property(properties, "ORGANIZER");
    expect(organizer.value).toBe("mailto:certification@vae.example");
    expect(organizer.params.CN).toBe("Service certification");
    const attendees = properties.filter((entry) => entry.name === "ATTENDEE");
    expect(attendees.map((entry) => [entry.params.CN, entry.value])).toEqual([
      ["Élodie Lefèvre", "mailto:elodie.lefevre@example.fr"],
      ["Jean 'Jo' Dupont", "mailto:jean.dupont@example.fr"], // a double quote cannot sit in a quoted parameter
    ]);
    expect(attendees[0]?.params.ROLE).toBe("REQ-PARTICIPANT");
    expect(properties.filter((entry) => entry.name === "BEGIN").map((entry) => entry.value)).toEqual([
      "VCALENDAR",
      "VEVENT",
    ]);
  });

  it("moves a session with the same UID and a higher SEQUENCE, and cancels it with STATUS:CANCELLED", () => {
    const moved = parse(calendarInvite({ ...base, sequence: 1, startsAt: new Date("2026-12-16T13:00:00Z") }));
    expect(property(moved, "UID").value).toBe(base.uid);
    expect(property(moved, "SEQUENCE").value).toBe("1");
    expect(property(moved, "DTSTART").value).toBe("20261216T130000Z");
    const cancelled = parse(calendarInvite({ ...base, sequence: 2, method: "CANCEL" }));
    expect(property(cancelled, "METHOD").value).toBe("CANCEL");
    expect(property(cancelled, "STATUS").value).toBe("CANCELLED");
    expect(property(cancelled, "UID").value).toBe(base.uid);
    expect(calendarContentType("CANCEL")).toBe("text/calendar; charset=UTF-8; method=CANCEL");
  });

  it("leaves URL out when not given, and refuses what would break the invitation", () => {
    const { url: _url, ...withoutUrl } = base;
    expect(parse(calendarInvite(withoutUrl)).some((entry) => entry.name === "URL")).toBe(false);
    expect(() => calendarInvite({ ...base, startsAt: "pas une date" })).toThrow(RangeError);
    expect(() => calendarInvite({ ...base, durationMinutes: 0 })).toThrow(RangeError);
    expect(() => calendarInvite({ ...base, sequence: -1 })).toThrow(RangeError);
    expect(() =>
      calendarInvite({ ...base, attendees: [{ name: "X", email: "x@example.fr\r\nATTENDEE:mailto:y@z" }] }),
    ).toThrow(RangeError);
    expect(() => calendarInvite({ ...base, url: "https://vae.example/a b" })).toThrow(RangeError);
  });
});
