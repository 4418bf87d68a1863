import { describe, expect, it } from "vitest";
import { drawableText, wrapText } from "./text";

// A font that has ASCII, Latin-1 and a few French typographic characters, as a stand-in for the real one.
const latin = (codePoint: number) => codePoint < 0x250 || [0x2019, 0x2026, 0x0153, 0x0152].includes(codePoint);
// Every character one unit wide: widths are character counts.
const count = (text: string) => Array.from(text).length;

describe("drawableText", () => {
  it("keeps what the font has and composes accents typed as combining marks", () => {
    expect(drawableText("Cœur « été » l’an", latin, "?")).toBe("Cœur « été » l’an");
    expect(drawableText("e\u0301te\u0301", latin, "?")).toBe("été");
  });

  it("turns line ends into \\n, tabs into spaces, and drops controls and bidi overrides", () => {
    expect(drawableText("a\r\nb\rc\td", latin, "?")).toBe("a\nb\nc    d");
    expect(drawableText("x\u0000y\u202Ez\u200Bw\u00ADv", latin, "?")).toBe("xyzwv");
  });

  it("replaces a run of missing characters once, maps unknown spaces to a space and drops modifiers", () => {
    expect(drawableText("ok 👍🏽 👨‍👩‍👧 fin", latin, "\ufffd")).toBe("ok \ufffd \ufffd fin");
    expect(drawableText("Привет мир", latin, "?")).toBe("? ?");
    expect(drawableText("1\u202f000\u2003€", (c) => c !== 0x202f && c !== 0x2003 && latin(c), "?")).toBe("1 000 ?");
    expect(drawableText("q\u0303", latin, "?")).toBe("q");
  });
});

describe("wrapText", () => {
  it("breaks at spaces, never past the width, and keeps paragraphs and blank lines", () => {
    const lines = wrapText("un deux trois quatre cinq\n\nsix", 11, count, 0);
    expect(lines).toEqual(["un deux", "trois", "quatre cinq", "", "six"]);
    expect(lines.every((line) => count(line) <= 11)).toBe(true);
  });

  it("cuts a word longer than a line between graphemes", () => {
    const lines = wrapText("abcdefghij é\u0301x", 4, count, 0);
    expect(lines).toEqual(["abcd", "efgh", "ij", "é\u0301x"]);
  });

  it("keeps a paragraph's indentation and a no-break space", () => {
    expect(wrapText("  retrait", 20, count, 0)).toEqual(["  retrait"]);
    expect(wrapText("Contexte\u00a0: texte", 11, count, 0)).toEqual(["Contexte\u00a0:", "texte"]);
  });

  it("wraps 30 000 characters quickly, measuring each distinct word once", () => {
    const text = "Le client demande un conseil sur les fromages affinés. ".repeat(550);
    let measures = 0;
    const lines = wrapText(text, 80, (s) => {
      measures += 1;
      return count(s);
    });
    expect(lines.length).toBeGreaterThan(350);
    expect(measures).toBeLessThan(20);
  });
});
