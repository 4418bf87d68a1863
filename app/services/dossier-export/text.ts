// Text as a PDF font can draw it, and greedy line wrapping. Kept apart from pdf-lib so it is tested on its own.

// Controls (but the newline), and the invisible characters that reorder or hide text: bidi marks and overrides,
// zero-width characters, the soft hyphen and the BOM. Drawn, they would be missing glyphs or silently reorder a line.
const INVISIBLE =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/gu;
// Variation selectors and emoji skin-tone modifiers only alter the character before them: dropped with it.
const MODIFIER = /^[\ufe00-\ufe0f\u{e0100}-\u{e01ef}\u{1f3fb}-\u{1f3ff}\u{e0020}-\u{e007f}]$/u;
const SPACE = /^\p{Zs}$/u;
const MARK = /^\p{M}$/u;

/**
 * The text with only characters the font has: NFC-composed, line ends as "\n", tabs as spaces, invisible characters
 * removed, unknown spaces as " ", unknown combining marks dropped, anything else (emoji, scripts the font lacks) as
 * `replacement` — one for a run of them, so a composed emoji does not turn into a row of boxes.
 */
export function drawableText(text: string, has: (codePoint: number) => boolean, replacement: string): string {
  const normalized = String(text)
    .normalize("NFC")
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, "    ")
    .replace(INVISIBLE, "");
  let out = "";
  let replaced = false;
  for (const char of normalized) {
    const codePoint = char.codePointAt(0)!;
    if (char === "\n" || has(codePoint)) {
      out += char;
      replaced = false;
    } else if (SPACE.test(char)) {
      out += " ";
      replaced = false;
    } else if (MARK.test(char) || MODIFIER.test(char)) {
    } else if (!replaced) {
      out += replacement;
      replaced = true;
    }
  }
  return out;
}

const graphemes = new Intl.Segmenter("fr", { granularity: "grapheme" });

/**
 * Lines no wider than maxWidth (as measured): paragraphs split on "\n" (an empty one gives an empty line), words
 * broken at spaces only (so a no-break space keeps "Contexte :" together), a word wider than a line cut between
 * graphemes. A paragraph's leading spaces are kept; spaces at a line break are dropped.
 * A line's width is the sum of its words' and spaces' widths, each measured once: measuring every candidate line
 * whole made a 30 000-character narrative take half a second. Kerning across a space is ignored; it is a fraction
 * of a point, which `slack` absorbs.
 */
export function wrapText(text: string, maxWidth: number, measure: (text: string) => number, slack = 0.5): string[] {
  const widths = new Map<string, number>();
  const width = (part: string) => {
    let known = widths.get(part);
    if (known === undefined) {
      known = measure(part);
      widths.set(part, known);
    }
    return known;
  };
  const limit = maxWidth - slack;
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    let lineWidth = 0;
    let pendingSpace = "";
    let first = true;
    for (const token of paragraph.split(/( +)/)) {
      if (token === "") continue;
      if (token.startsWith(" ")) {
        pendingSpace = token;
        continue;
      }
      const gap = line !== "" || first ? pendingSpace : "";
      first = false;
      pendingSpace = "";
      const tokenWidth = width(token);
      const candidateWidth = lineWidth + (gap === "" ? 0 : width(gap)) + tokenWidth;
      if (candidateWidth <= limit) {
        line += gap + token;
        lineWidth = candidateWidth;
        continue;
      }
      if (line !== "") lines.push(line);
      line = "";
      lineWidth = 0;
      if (tokenWidth <= limit) {
        line = token;
        lineWidth = tokenWidth;
        continue;
      }
      for (const { segment } of graphemes.segment(token)) {
        const segmentWidth = width(segment);
        if (line !== "" && lineWidth + segmentWidth > limit) {
          lines.push(line);
          line = "";
          lineWidth = 0;
        }
        line += segment;
        lineWidth += segmentWidth;
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}
