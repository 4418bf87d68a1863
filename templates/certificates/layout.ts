// Typesetting shared by the certificate templates: A4 pages in black and grey only (they are printed and
// photocopied), the embedded DejaVu Sans of the dossier PDF (accents, apostrophes, Greek, Cyrillic, Vietnamese…),
// text wrapped and paginated, the verification block (QR code in vector squares, number, code, URL) at the foot of
// the first page, a footer on every page and the "DUPLICATA" mark on a reissue.
// Deterministic: no clock, no random name; the document dates come from the data (see documentDate).
import fontkit from "@pdf-lib/fontkit";
import {
  PDFDocument,
  type PDFFont,
  type PDFPage,
  type Color,
  fill,
  grayscale,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  setFillingGrayscaleColor,
} from "pdf-lib";
import { type FontFiles, loadFontFiles } from "../../app/services/dossier-export/fonts.server";
import { drawableText, wrapText } from "../../app/services/dossier-export/text";
import { formatDate } from "../../app/utils/format";
import { QR_QUIET_ZONE, qrMatrix } from "./qr-code";
import type { CertificateDocumentData } from "./types";

export const A4: [number, number] = [595.28, 841.89];
export const MARGIN = { top: 56, bottom: 64, left: 56, right: 56 };
/** Height kept at the foot of the first page for the verification block. */
const VERIFICATION_BAND = 150;
const QR_SIDE = 96;

const INK = grayscale(0);
const MUTED = grayscale(0.3);
const RULE = grayscale(0.6);

export interface TextStyle {
  size: number;
  bold?: boolean;
  color?: Color;
  /** Line height as a multiple of the size. */
  leading?: number;
}

export const STYLE = {
  certifier: { size: 12, bold: true, leading: 1.3 },
  kicker: { size: 9.5, color: MUTED, leading: 1.3 },
  title: { size: 21, bold: true, leading: 1.2 },
  certification: { size: 14, bold: true, leading: 1.3 },
  holder: { size: 19, bold: true, leading: 1.25 },
  body: { size: 10.5, leading: 1.45 },
  bodyBold: { size: 10.5, bold: true, leading: 1.45 },
  heading: { size: 12, bold: true, leading: 1.35 },
  item: { size: 9.5, leading: 1.4 },
  small: { size: 8.5, color: MUTED, leading: 1.35 },
  verification: { size: 9, leading: 1.4 },
  verificationBold: { size: 9, bold: true, leading: 1.4 },
  footer: { size: 7.5, color: MUTED },
  duplicate: { size: 15, bold: true },
} satisfies Record<string, TextStyle>;

const lineHeight = (style: TextStyle) => style.size * (style.leading ?? 1.35);

type Fontkit = Parameters<PDFDocument["registerFontkit"]>[0];
const parsedFonts = new WeakMap<Uint8Array, ReturnType<Fontkit["create"]>>();
/**
 * fontkit, remembering each parsed font file: pdf-lib parses the whole TrueType file again for every document, which
 * was half the time of a certificate (two DejaVu faces). Sharing one parsed font between documents is safe: fontkit
 * only caches glyphs in it, each document gets its own subset, and none of its calls yields to another render.
 */
const cachingFontkit: Fontkit = {
  create(buffer, postscriptName) {
    let font = parsedFonts.get(buffer);
    if (!font) {
      font = fontkit.create(buffer, postscriptName);
      memoiseLayout(font);
      parsedFonts.set(buffer, font);
    }
    return font;
  },
};
/** Strings shaped per font, at most: the names, titles and labels of a few thousand documents. */
const LAYOUT_MEMORY = 5_000;
/**
 * Remembers the font's shaping (OpenType layout) of each string. pdf-lib shapes a string to measure it and again to
 * draw it, and certificates repeat the same titles and labels: shaping was most of an attestation's rendering. The
 * glyph runs are only read (glyph ids, advances), never changed, so one run can serve every document.
 */
function memoiseLayout(font: ReturnType<Fontkit["create"]>) {
  const layout = font.layout.bind(font);
  const runs = new Map<string, ReturnType<typeof layout>>();
  font.layout = ((text: string, features?: unknown, ...rest: unknown[]) => {
    if (typeof text !== "string" || rest.length > 0)
      return (layout as (...args: unknown[]) => never)(text, features, ...rest);
    const key = `${JSON.stringify(features ?? null)}\u0000${text}`;
    let run = runs.get(key);
    if (!run) {
      if (runs.size >= LAYOUT_MEMORY) runs.clear();
      run = layout(text, features as never);
      runs.set(key, run);
    }
    return run;
  }) as typeof font.layout;
}
const charsets = new WeakMap<Uint8Array, Set<number>>();
const knownWidths = new WeakMap<Uint8Array, Map<string, number>>();
function widthsOf(file: Uint8Array): Map<string, number> {
  let widths = knownWidths.get(file);
  if (!widths) {
    widths = new Map();
    knownWidths.set(file, widths);
  }
  return widths;
}
/** The code points a font file has glyphs for, listed once per process (6,000 of them in DejaVu Sans). */
function charsetOf(file: Uint8Array, font: PDFFont): Set<number> {
  let charset = charsets.get(file);
  if (!charset) {
    charset = new Set(font.getCharacterSet());
    charsets.set(file, charset);
  }
  return charset;
}

/** The date the document carries in its metadata: the reissue's for a duplicate, the otherwise. */
export function documentDate(data: CertificateDocumentData): Date {
  return new Date(data.duplicate?.reissuedAt ?? data.issuedAt);
}

/** "1er mars 1990" from "1990-03-01", read as a calendar date (no time zone can move it to the day before). */
export function formatBirthDate(isoDate: string): string {
  return formatDate(`${isoDate.slice(0, 10)}T12:00:00Z`);
}

export interface TextOptions {
  /** Space after the paragraph, in points. */
  after?: number;
  indent?: number;
  /** Extra height that must fit below the first line, so a heading is not left alone at the foot of a page. */
  keep?: number;
  align?: "left" | "center";
}

/** One certificate being laid out: call the flow methods top to bottom, then `finish`. */
export class CertificateLayout {
  private page: PDFPage | null = null;
  private y = 0;
  readonly width = A4[0] - MARGIN.left - MARGIN.right;
  private readonly charsets: Map<PDFFont, Set<number>>;
  private readonly widths: { regular: Map<string, number>; bold: Map<string, number> };

  private constructor(
    private readonly doc: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
    private readonly data: CertificateDocumentData,
    private readonly label: string,
    files: FontFiles,
  ) {
    this.widths = { regular: widthsOf(files.regular), bold: widthsOf(files.bold) };
    this.charsets = new Map([
      [regular, charsetOf(files.regular, regular)],
      [bold, charsetOf(files.bold, bold)],
    ]);
  }

  static async start(data: CertificateDocumentData, label: string): Promise<CertificateLayout> {
    const doc = await PDFDocument.create({ updateMetadata: false });
    doc.registerFontkit(cachingFontkit);
    const files = await loadFontFiles();
    const layout = new CertificateLayout(
      doc,
      await doc.embedFont(files.regular, { subset: true }),
      await doc.embedFont(files.bold, { subset: true }),
      data,
      label,
      files,
    );
    const stamp = documentDate(data);
    doc.setTitle(`${label} n° ${data.number} — ${data.holder.fullName}`);
    doc.setSubject(`${data.certification.title} (${data.certification.code})`);
    doc.setAuthor(data.certifier.name);
    doc.setCreator("Portail VAE");
    doc.setProducer("Portail VAE");
    doc.setLanguage("fr-FR");
    doc.setCreationDate(stamp);
    doc.setModificationDate(stamp);
    return layout;
  }

  private font(style: TextStyle) {
    return style.bold ? this.bold : this.regular;
  }

  private clean(text: string, style: TextStyle) {
    const charset = this.charsets.get(this.font(style))!;
    return drawableText(text, (c) => charset.has(c), charset.has(0xfffd) ? "\ufffd" : "?");
  }

  private lines(text: string, style: TextStyle, width: number) {
    return wrapText(this.clean(text, style), width, (part) => this.measure(part, style));
  }

  /** Widths at size 1 are kept per face: the same words (labels, titles, codes) come back in every certificate. */
  private measure(text: string, style: TextStyle) {
    const widths = style.bold ? this.widths.bold : this.widths.regular;
    let width = widths.get(text);
    if (width === undefined) {
      width = this.font(style).widthOfTextAtSize(text, 1);
      if (widths.size > 20_000) widths.clear();
      widths.set(text, width);
    }
    return width * style.size;
  }

  private bottom() {
    return MARGIN.bottom + (this.doc.getPageCount() === 1 ? VERIFICATION_BAND : 0);
  }

  private ensure(height: number) {
    if (!this.page || this.y - height < this.bottom()) {
      this.page = this.doc.addPage(A4);
      this.y = A4[1] - MARGIN.top - (this.data.duplicate ? 30 : 0);
      // A loose continuation page still says whose document it belongs to.
      if (this.doc.getPageCount() > 1)
        this.text(`${this.label} — ${this.data.holder.fullName} (suite)`, STYLE.small, { after: 10 });
    }
  }

  private draw(page: PDFPage, text: string, x: number, baseline: number, style: TextStyle) {
    if (text === "") return;
    page.drawText(text, { x, y: baseline, size: style.size, font: this.font(style), color: style.color ?? INK });
  }

  /** A paragraph wrapped to the text width, continued on a new page when it does not fit. */
  text(text: string, style: TextStyle, options: TextOptions = {}) {
    const indent = options.indent ?? 0;
    const width = this.width - indent;
    this.lines(text, style, width).forEach((line, i) => {
      this.ensure(lineHeight(style) + (i === 0 ? (options.keep ?? 0) : 0));
      const x =
        MARGIN.left + indent + (options.align === "center" ? Math.max(0, (width - this.measure(line, style)) / 2) : 0);
      this.draw(this.page!, line, x, this.y - style.size, style);
      this.y -= lineHeight(style);
    });
    this.y -= options.after ?? 0;
  }

  gap(points: number) {
    this.ensure(0);
    this.y -= points;
  }

  rule(after = 10) {
    this.ensure(1 + after);
    this.page!.drawLine({
      start: { x: MARGIN.left, y: this.y },
      end: { x: A4[0] - MARGIN.right, y: this.y },
      thickness: 0.6,
      color: RULE,
    });
    this.y -= after;
  }

  /** The certifier, the document's title and the certification, centred at the top of the first page. */
  header() {
    const { data } = this;
    this.text(data.certifier.name, STYLE.certifier, { align: "center" });
    this.text("Validation des acquis de l'expérience (VAE)", STYLE.kicker, { align: "center", after: 18 });
    this.text(this.label, STYLE.title, { align: "center", after: 10 });
    this.text(`« ${data.certification.title} »`, STYLE.certification, { align: "center" });
    this.text(`Code ${data.certification.code} — n° ${data.number}`, STYLE.body, { align: "center", after: 16 });
  }

  /** "<certifier> certifie que", the holder's name large, the birth date when recorded. */
  holder(verb: string) {
    const { data } = this;
    this.text(`${data.certifier.name} ${verb} que`, STYLE.body, { align: "center", after: 6 });
    this.text(data.holder.fullName, STYLE.holder, { align: "center", after: 2 });
    if (data.holder.birthDate) {
      this.text(`né(e) le ${formatBirthDate(data.holder.birthDate)}`, STYLE.body, { align: "center" });
    }
    this.gap(10);
  }

  /**
   * The place, date and signatory, kept together on one page. A duplicate says it is one, and when: the original
   * date of issue stays the certificate's date.
   */
  signature() {
    const { data } = this;
    const lines: [string, TextStyle][] = [
      [`Fait à ${data.issuedIn}, le ${formatDate(data.issuedAt)}`, STYLE.body],
      [`Pour le certificateur, ${data.certifier.name}`, STYLE.body],
    ];
    if (data.certifier.signatoryName) lines.push([data.certifier.signatoryName, STYLE.bodyBold]);
    if (data.certifier.signatoryTitle) lines.push([data.certifier.signatoryTitle, STYLE.body]);
    if (data.duplicate) {
      lines.push([
        `Duplicata (édition n° ${data.duplicate.edition}) délivré le ${formatDate(data.duplicate.reissuedAt)}, qui remplace l'exemplaire délivré le ${formatDate(data.issuedAt)} sous le même numéro.`,
        STYLE.small,
      ]);
    }
    const height = lines.reduce(
      (sum, [text, style]) => sum + this.lines(text, style, this.width).length * lineHeight(style),
      12,
    );
    this.ensure(height);
    this.gap(12);
    for (const [text, style] of lines) this.text(text, style);
  }

  /** Footers, the verification block and the duplicate mark; then the bytes. */
  async finish(): Promise<Uint8Array> {
    this.ensure(0);
    const pages = this.doc.getPages();
    this.verificationBlock(pages[0]!);
    pages.forEach((page, i) => {
      const pageNumber = `page ${i + 1} / ${pages.length}`;
      const pageNumberWidth = this.measure(pageNumber, STYLE.footer);
      // Short enough for one line whatever the label: the number and the code must never be cut.
      const footer = `N° ${this.data.number} — code de vérification ${this.data.verificationCode}`;
      const [line = ""] = this.lines(footer, STYLE.footer, this.width - pageNumberWidth - 12);
      page.drawLine({
        start: { x: MARGIN.left, y: 44 },
        end: { x: A4[0] - MARGIN.right, y: 44 },
        thickness: 0.4,
        color: RULE,
      });
      this.draw(page, line, MARGIN.left, 32, STYLE.footer);
      this.draw(page, pageNumber, A4[0] - MARGIN.right - pageNumberWidth, 32, STYLE.footer);
      if (this.data.duplicate) this.duplicateMark(page);
    });
    // No object streams: a plain cross-reference table, readable by every PDF tool an employer might use.
    return this.doc.save({ useObjectStreams: false });
  }

  private duplicateMark(page: PDFPage) {
    const text = "DUPLICATA";
    const style = STYLE.duplicate;
    const width = this.measure(text, style) + 20;
    const x = A4[0] - MARGIN.right - width;
    const y = A4[1] - MARGIN.top + 4;
    page.drawRectangle({ x, y: y - 24, width, height: 26, borderColor: INK, borderWidth: 1.5 });
    this.draw(page, text, x + 10, y - 17, style);
  }

  /** QR code and what it encodes, in words: an employer without a phone types the URL or the code. */
  private verificationBlock(page: PDFPage) {
    const top = MARGIN.bottom + VERIFICATION_BAND - 14;
    page.drawLine({
      start: { x: MARGIN.left, y: top + 8 },
      end: { x: A4[0] - MARGIN.right, y: top + 8 },
      thickness: 0.6,
      color: RULE,
    });
    drawQrCode(page, this.data.verificationUrl, MARGIN.left, top - QR_SIDE, QR_SIDE);
    const x = MARGIN.left + QR_SIDE + 16;
    const width = A4[0] - MARGIN.right - x;
    let y = top - 2;
    const write = (text: string, style: TextStyle) => {
      for (const line of this.lines(text, style, width)) {
        this.draw(page, line, x, y - style.size, style);
        y -= lineHeight(style);
      }
    };
    write("Vérifier l'authenticité de ce document", STYLE.verificationBold);
    write(`Numéro : ${this.data.number}`, STYLE.verification);
    write(`Code de vérification : ${this.data.verificationCode}`, STYLE.verification);
    write(this.data.verificationUrl, STYLE.verificationBold);
    y -= 3;
    write(
      "Scannez le code QR ou saisissez l'adresse ci-dessus : la page indique le titulaire, la certification, les blocs, la date de délivrance et si le document est valide ou révoqué. Elle peut aussi comparer un fichier PDF à l'original.",
      STYLE.small,
    );
  }
}

/**
 * The QR code of `text` as one filled path of squares (one `re` per dark module) inside its quiet zone, `side`
 * points wide including that zone, with its lower-left corner at (x, y).
 */
export function drawQrCode(page: PDFPage, text: string, x: number, y: number, side: number) {
  const { size, dark } = qrMatrix(text);
  const module = side / (size + 2 * QR_QUIET_ZONE);
  const origin = { x: x + QR_QUIET_ZONE * module, y: y + side - QR_QUIET_ZONE * module };
  const round = (n: number) => Math.round(n * 1000) / 1000;
  page.pushOperators(
    pushGraphicsState(),
    setFillingGrayscaleColor(0),
    ...dark.map(([row, column]) =>
      rectangle(round(origin.x + column * module), round(origin.y - (row + 1) * module), round(module), round(module)),
    ),
    fill(),
    popGraphicsState(),
  );
}
