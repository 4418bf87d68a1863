// The dossier of one frozen version as a single PDF, for the evaluators and the candidate: a cover with a summary,
// the narrative of every competency bloc by bloc, an index of the pieces, then the pieces themselves (PDF pages
// copied, JPEG and PNG images one per page); other formats are linked to the portal. See docs/decisions/008.
import type { Readable } from "node:stream";
import fontkit from "@pdf-lib/fontkit";
import {
  PDFDocument,
  type PDFFont,
  type PDFPage,
  PDFString,
  type RGB,
  concatTransformationMatrix,
  degrees,
  drawObject,
  popGraphicsState,
  pushGraphicsState,
  rgb,
} from "pdf-lib";
import { formatDate } from "../../utils/format";
import { loadFontFiles } from "./fonts.server";
import {
  type DossierExport,
  type EvidenceItem,
  type OpenObject,
  formatByteSize,
  pieceUrl,
  piecesInOrder,
} from "./model";
import { drawableText, wrapText } from "./text";

export interface DossierPdfOptions {
  /** The portal's public address (PUBLIC_URL): links to pieces are `${publicUrl}${downloadPath}`. */
  publicUrl: string;
  /** Pieces larger than this are linked, not appended (default 100 MiB): each is read whole into memory. */
  maxAppendedBytes?: number;
}

const DEFAULT_MAX_APPENDED_BYTES = 100 * 1024 * 1024;
// A PNG is decoded to raw pixels before it is embedded (4 bytes a pixel, twice over while it is compressed again):
// past this, a single image would take gigabytes. JPEG data is copied as is and has no such limit.
const MAX_PNG_PIXELS = 40_000_000;

const A4: [number, number] = [595.28, 841.89];
const MARGIN = { top: 62, bottom: 66, left: 60, right: 60 };
const FOOTER_BASELINE = 32;
const NBSP = "\u00a0";

const COLOR = {
  text: rgb(0.11, 0.12, 0.14),
  heading: rgb(0.07, 0.22, 0.44),
  muted: rgb(0.38, 0.4, 0.45),
  link: rgb(0.04, 0.3, 0.66),
  rule: rgb(0.78, 0.8, 0.85),
  notice: rgb(0.6, 0.15, 0.1),
};

interface Style {
  size: number;
  bold?: boolean;
  color?: RGB;
  /** Line height as a multiple of the size. */
  leading?: number;
}

const STYLE = {
  title: { size: 24, bold: true, color: COLOR.heading, leading: 1.25 },
  subtitle: { size: 15, bold: true, color: COLOR.text, leading: 1.3 },
  kicker: { size: 10, color: COLOR.muted },
  bloc: { size: 16, bold: true, color: COLOR.heading, leading: 1.3 },
  competency: { size: 12.5, bold: true, color: COLOR.heading, leading: 1.3 },
  section: { size: 10.5, bold: true, color: COLOR.text },
  body: { size: 10.5, color: COLOR.text, leading: 1.42 },
  label: { size: 9.5, color: COLOR.muted },
  value: { size: 11, color: COLOR.text },
  small: { size: 9, color: COLOR.muted, leading: 1.35 },
  mono: { size: 8.5, color: COLOR.text, leading: 1.35 },
  link: { size: 9, color: COLOR.link, leading: 1.35 },
  empty: { size: 10.5, color: COLOR.muted },
  footer: { size: 8, color: COLOR.muted },
} satisfies Record<string, Style>;

const NARRATIVE_PARTS = [
  ["context", "Contexte"],
  ["actions", "Ce que j'ai fait"],
  ["results", "Résultats"],
] as const;

/** The dossier as PDF bytes. Pieces are read one at a time, each released before the next is opened. */
export async function buildDossierPdf(
  model: DossierExport,
  openObject: OpenObject,
  options: DossierPdfOptions,
): Promise<Uint8Array> {
  const maxAppendedBytes = options.maxAppendedBytes ?? DEFAULT_MAX_APPENDED_BYTES;
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const files = await loadFontFiles();
  const type = new Typesetter(
    await doc.embedFont(files.regular, { subset: true }),
    await doc.embedFont(files.bold, { subset: true }),
  );

  const pieces = piecesInOrder(model);
  const plans = pieces.map((piece) => planPiece(piece, maxAppendedBytes));

  // Pages are made in the order their numbers are known: the narrative, then the appended pieces; the index (which
  // gives the page of each piece) and the cover (whose summary gives the page of each part) are then inserted
  // before them, their own length measured first by a dry run of the same layout.
  const content = new Flow(doc, type);
  const blocStarts = layoutNarrative(content, model, pieces);
  const contentPages = doc.getPageCount();

  const annexLabels = new Map<PDFPage["ref"], string>();
  const outcomes = new Map<string, AnnexOutcome>();
  for (const plan of plans) {
    if (plan.kind === "link") continue;
    outcomes.set(plan.piece.id, await appendPiece(doc, type, plan, openObject, options.publicUrl, annexLabels));
  }
  const annexPages = doc.getPageCount() - contentPages;

  const indexArgs = (pageOffset: number) => ({ plans, outcomes, publicUrl: options.publicUrl, pageOffset });
  const indexDry = new Flow(doc, type, { dry: true });
  layoutIndex(indexDry, indexArgs(0));
  const indexPages = indexDry.pageCount;

  const coverArgs = (coverPages: number): CoverArgs => ({
    model,
    blocPages: blocStarts.map((start) => coverPages + start + 1),
    indexPage: coverPages + contentPages + 1,
    annexPage: annexPages > 0 ? coverPages + contentPages + indexPages + 1 : null,
  });
  const coverDry = new Flow(doc, type, { dry: true });
  layoutCover(coverDry, coverArgs(1));
  const coverPages = coverDry.pageCount;

  // An appended piece's page number: cover, narrative and index come before it.
  layoutIndex(new Flow(doc, type, { insertAt: contentPages }), indexArgs(coverPages + indexPages));
  layoutCover(new Flow(doc, type, { insertAt: 0 }), coverArgs(coverPages));

  const pages = doc.getPages();
  const left = `${model.candidacyReference} · Version ${model.version}`;
  pages.forEach((page, index) => {
    const label = annexLabels.get(page.ref);
    drawFooter(
      page,
      type,
      label ? `${left} · ${label}` : left,
      `page ${index + 1} / ${pages.length}`,
      label !== undefined,
    );
  });

  doc.setTitle(`Dossier de validation VAE – ${model.candidate.fullName} – Version ${model.version}`);
  doc.setSubject(`${model.certification.code} – ${model.certification.title}`);
  doc.setAuthor(model.candidate.fullName);
  doc.setKeywords([model.candidacyReference, `Version ${model.version}`]);
  doc.setLanguage("fr-FR");
  doc.setCreator("Portail VAE");
  doc.setProducer("Portail VAE (pdf-lib)");
  return doc.save();
}

// ---------------------------------------------------------------------------------------------------------------
// Text: what the fonts can draw, measured and wrapped.

class Typesetter {
  private readonly charsets: Map<PDFFont, Set<number>>;

  constructor(
    readonly regular: PDFFont,
    readonly bold: PDFFont,
  ) {
    this.charsets = new Map([
      [regular, new Set(regular.getCharacterSet())],
      [bold, new Set(bold.getCharacterSet())],
    ]);
  }

  font(style: Style): PDFFont {
    return style.bold ? this.bold : this.regular;
  }

  /** Only characters this font has (see drawableText); the bold face lacks some scripts the regular one has. */
  clean(text: string, font: PDFFont): string {
    const charset = this.charsets.get(font)!;
    return drawableText(text, (codePoint) => charset.has(codePoint), charset.has(0xfffd) ? "\ufffd" : "?");
  }

  width(text: string, style: Style): number {
    return this.font(style).widthOfTextAtSize(text, style.size);
  }

  wrap(text: string, style: Style, maxWidth: number): string[] {
    const font = this.font(style);
    return wrapText(this.clean(text, font), maxWidth, (line) => font.widthOfTextAtSize(line, style.size));
  }
}

interface Paragraph {
  lines: string[];
  style: Style;
  indent: number;
  link?: string;
  /** Space after the paragraph. */
  after: number;
}

interface TextOptions {
  indent?: number;
  /** Narrower than the text column (which is the default), e.g. to leave room for a page number. */
  maxWidth?: number;
  /** The whole paragraph is a link to this address. */
  link?: string;
  after?: number;
  /** Height that must fit on the page below the first line (keeps a heading with what follows it). */
  keepWithNext?: number;
}

const lineHeight = (style: Style) => style.size * (style.leading ?? 1.35);

/**
 * Lays text down the pages it creates, from the top margin to the bottom one, breaking pages as lines run out.
 * In a dry run no page is created and nothing is drawn, but the same lines and breaks are computed: that is how
 * the index and the cover know how many pages they will take before the numbers they print are final.
 */
class Flow {
  pageCount = 0;
  page: PDFPage | null = null;
  y = 0;
  private size: [number, number] = A4;
  private readonly dry: boolean;
  private insertAt: number | undefined;

  constructor(
    private readonly doc: PDFDocument,
    readonly type: Typesetter,
    options: { dry?: boolean; insertAt?: number } = {},
  ) {
    this.dry = options.dry ?? false;
    this.insertAt = options.insertAt;
  }

  get width(): number {
    return this.size[0] - MARGIN.left - MARGIN.right;
  }

  newPage(size: [number, number] = A4): void {
    this.pageCount += 1;
    this.size = size;
    this.y = size[1] - MARGIN.top;
    if (this.dry) return;
    this.page = this.insertAt === undefined ? this.doc.addPage(size) : this.doc.insertPage(this.insertAt++, size);
  }

  /** A new page unless `height` still fits above the bottom margin. */
  ensure(height: number): void {
    if (this.pageCount === 0 || this.y - height < MARGIN.bottom) this.newPage();
  }

  space(height: number): void {
    this.y -= height;
  }

  paragraph(text: string, style: Style, options: TextOptions = {}): Paragraph {
    const indent = options.indent ?? 0;
    const width = Math.min(options.maxWidth ?? Infinity, this.width - indent);
    return { lines: this.type.wrap(text, style, width), style, indent, link: options.link, after: options.after ?? 0 };
  }

  text(text: string, style: Style, options: TextOptions = {}): void {
    this.draw([this.paragraph(text, style, options)], options.keepWithNext ?? 0);
  }

  /** Paragraphs kept on one page when they fit on one (an entry of the index, a piece in a list). */
  block(paragraphs: Paragraph[]): void {
    const height = paragraphs.reduce((sum, p) => sum + p.lines.length * lineHeight(p.style) + p.after, 0);
    if (height <= this.size[1] - MARGIN.top - MARGIN.bottom) this.ensure(height);
    this.draw(paragraphs, 0);
  }

  rule(after = 10): void {
    this.ensure(1 + after);
    this.page?.drawLine({
      start: { x: MARGIN.left, y: this.y },
      end: { x: this.size[0] - MARGIN.right, y: this.y },
      thickness: 0.6,
      color: COLOR.rule,
    });
    this.y -= after;
  }

  private draw(paragraphs: Paragraph[], keepWithNext: number): void {
    paragraphs.forEach((paragraph, p) => {
      const { style, lines } = paragraph;
      const height = lineHeight(style);
      const font = this.type.font(style);
      lines.forEach((line, i) => {
        this.ensure(height + (p === 0 && i === 0 ? keepWithNext : 0));
        const baseline = this.y - style.size;
        const x = MARGIN.left + paragraph.indent;
        if (this.page && line !== "") {
          this.page.drawText(line, { x, y: baseline, size: style.size, font, color: style.color ?? COLOR.text });
          if (paragraph.link) {
            const width = font.widthOfTextAtSize(line, style.size);
            addLink(
              this.doc,
              this.page,
              [x, baseline - style.size * 0.3, x + width, baseline + style.size],
              paragraph.link,
            );
          }
        }
        this.y -= height;
      });
      this.y -= paragraph.after;
    });
  }
}

function addLink(doc: PDFDocument, page: PDFPage, rect: [number, number, number, number], uri: string): void {
  const annotation = doc.context.obj({
    Type: "Annot",
    Subtype: "Link",
    Rect: rect,
    Border: [0, 0, 0],
    A: { Type: "Action", S: "URI", URI: PDFString.of(uri) },
  });
  page.node.addAnnot(doc.context.register(annotation));
}

// ---------------------------------------------------------------------------------------------------------------
// Cover.

interface CoverArgs {
  model: DossierExport;
  /** Page number of each bloc, in model order. */
  blocPages: number[];
  indexPage: number;
  annexPage: number | null;
}

function layoutCover(flow: Flow, { model, blocPages, indexPage, annexPage }: CoverArgs): void {
  flow.newPage();
  flow.space(40);
  flow.text("Validation des acquis de l'expérience (VAE)", STYLE.kicker, { after: 8 });
  flow.text("Dossier de validation", STYLE.title, { after: 14 });
  flow.text(`CQP ${model.certification.title}`, STYLE.subtitle, { after: 4 });
  flow.text(`${model.certification.code} · ${model.referentialLabel}`, STYLE.kicker, { after: 26 });
  flow.rule(18);

  const count = model.evidence.length;
  const rows: Array<[string, string]> = [
    ["Candidat", `${model.candidate.fullName} (${model.candidate.email})`],
    ["Référence de la candidature", model.candidacyReference],
    ["Version du dossier", `Version ${model.version}`],
    // An unreadable instant is shown as given: Intl would throw, and the cover must still be made.
    ["Déposé le", Number.isNaN(Date.parse(model.frozenAt)) ? model.frozenAt : formatDate(model.frozenAt)],
    ["Pièces justificatives", count === 0 ? "Aucune" : `${count} pièce${count > 1 ? "s" : ""}`],
  ];
  for (const [label, value] of rows) {
    flow.block([flow.paragraph(label, STYLE.label, { after: 1 }), flow.paragraph(value, STYLE.value, { after: 10 })]);
  }
  flow.space(8);
  flow.rule(18);

  flow.text("Sommaire", STYLE.section, { after: 8, keepWithNext: 40 });
  const entries: Array<[string, number]> = model.blocs.map((bloc, i) => [
    `Bloc ${bloc.number} – ${bloc.title}`,
    blocPages[i]!,
  ]);
  entries.push(["Index des pièces justificatives", indexPage]);
  if (annexPage !== null) entries.push(["Pièces annexées", annexPage]);
  for (const [title, page] of entries) summaryLine(flow, title, page);
}

/** "Bloc 1 – Title …… 3": the title wraps within a column that leaves room for any page number. */
function summaryLine(flow: Flow, title: string, page: number): void {
  const style = STYLE.body;
  const numberColumn = 40;
  const paragraph = flow.paragraph(title, style, { after: 3, maxWidth: flow.width - numberColumn });
  flow.block([paragraph]);
  if (!flow.page) return;
  // On the paragraph's last line: block() keeps a title this short on one page, the current one.
  const lastBaseline = flow.y + paragraph.after + lineHeight(style) - style.size;
  const text = String(page);
  const width = flow.type.width(text, style);
  flow.page.drawText(text, {
    x: A4[0] - MARGIN.right - width,
    y: lastBaseline,
    size: style.size,
    font: flow.type.font(style),
    color: style.color,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Narrative, bloc by bloc.

/** Lays out every bloc, each from a new page; returns the index (from 0) of each bloc's first page. */
function layoutNarrative(flow: Flow, model: DossierExport, pieces: EvidenceItem[]): number[] {
  const byId = new Map(pieces.map((piece) => [piece.id, piece]));
  const starts: number[] = [];
  if (model.blocs.length === 0) {
    flow.newPage();
    flow.text("Aucun bloc de compétences dans ce dossier.", STYLE.empty);
  }
  for (const bloc of model.blocs) {
    flow.newPage();
    starts.push(flow.pageCount - 1);
    flow.text(`Bloc ${bloc.number} – ${bloc.title}`, STYLE.bloc, { after: 6 });
    flow.rule(14);
    bloc.competencies.forEach((competency, index) => {
      if (index > 0) flow.space(14);
      flow.text(`${competency.code} – ${competency.title}`, STYLE.competency, {
        after: 6,
        keepWithNext: 3 * lineHeight(STYLE.body),
      });
      if (competency.narrative === null) {
        flow.text("Aucun récit rédigé", STYLE.empty, { after: 8 });
      } else {
        for (const [key, label] of NARRATIVE_PARTS) {
          const text = competency.narrative[key];
          flow.text(label, STYLE.section, { after: 2, keepWithNext: 2 * lineHeight(STYLE.body) });
          flow.text(text.trim() === "" ? "Non renseigné" : text, text.trim() === "" ? STYLE.empty : STYLE.body, {
            after: 8,
          });
        }
      }
      const supporting = competency.evidenceIds
        .map((id) => byId.get(id))
        .filter((p): p is EvidenceItem => p !== undefined);
      supporting.sort((a, b) => a.position - b.position);
      flow.text(
        supporting.length > 0 ? `Pièces à l'appui${NBSP}:` : "Aucune pièce à l'appui",
        supporting.length > 0 ? STYLE.section : STYLE.empty,
        {
          after: 3,
          keepWithNext: lineHeight(STYLE.body),
        },
      );
      for (const piece of supporting) {
        const caption = piece.caption.trim() === "" ? "" : ` – ${piece.caption.trim()}`;
        flow.block([
          flow.paragraph(`Pièce ${piece.position}${NBSP}: ${piece.originalName}${caption}`, STYLE.body, {
            indent: 12,
            after: 2,
          }),
        ]);
      }
    });
  }
  return starts;
}

// ---------------------------------------------------------------------------------------------------------------
// Pieces: what is appended, and the index that says where each one is.

type PieceKind = "pdf" | "jpeg" | "png";

type PiecePlan = { piece: EvidenceItem; kind: PieceKind } | { piece: EvidenceItem; kind: "link"; why: string };

type AnnexOutcome =
  | { appended: true; firstPage: number; pageCount: number }
  | { appended: false; firstPage: number; why: string };

function planPiece(piece: EvidenceItem, maxAppendedBytes: number): PiecePlan {
  const mediaType = piece.mediaType.split(";")[0]!.trim().toLowerCase();
  const kind: PieceKind | null =
    mediaType === "application/pdf"
      ? "pdf"
      : mediaType === "image/jpeg" || mediaType === "image/pjpeg"
        ? "jpeg"
        : mediaType === "image/png"
          ? "png"
          : null;
  if (kind === null) return { piece, kind: "link", why: `format ${formatName(piece)} non intégrable au PDF` };
  if (piece.byteSize > maxAppendedBytes)
    return { piece, kind: "link", why: `fichier de plus de ${formatByteSize(maxAppendedBytes)}` };
  return { piece, kind };
}

function formatName(piece: EvidenceItem): string {
  const known: Record<string, string> = {
    "image/webp": "WebP",
    "image/heic": "HEIC",
    "image/heif": "HEIF",
    "image/gif": "GIF",
    "image/tiff": "TIFF",
  };
  const mediaType = piece.mediaType.split(";")[0]!.trim().toLowerCase();
  if (known[mediaType]) return known[mediaType];
  const extension = /\.([a-z0-9]{1,8})$/i.exec(piece.originalName)?.[1];
  return extension ? extension.toUpperCase() : mediaType;
}

const pieceTitle = (piece: EvidenceItem) => `Pièce ${piece.position} – ${piece.originalName}`;

class PieceUnavailable extends Error {}

async function appendPiece(
  doc: PDFDocument,
  type: Typesetter,
  plan: { piece: EvidenceItem; kind: PieceKind },
  openObject: OpenObject,
  publicUrl: string,
  labels: Map<PDFPage["ref"], string>,
): Promise<AnnexOutcome> {
  const { piece } = plan;
  const firstPage = doc.getPageCount();
  try {
    const bytes = await readPiece(piece, openObject);
    if (plan.kind === "pdf") {
      const pages = await copyPdfPages(doc, bytes);
      for (const [i, page] of pages.entries())
        labels.set(page.ref, `Pièce ${piece.position}, page ${i + 1}/${pages.length}`);
      return { appended: true, firstPage, pageCount: pages.length };
    }
    const page = await appendImage(doc, type, piece, bytes, plan.kind);
    labels.set(page.ref, `Pièce ${piece.position}`);
    return { appended: true, firstPage, pageCount: 1 };
  } catch (error) {
    const why =
      error instanceof PieceUnavailable
        ? error.message
        : plan.kind === "pdf"
          ? "le fichier PDF est illisible ou endommagé"
          : "l'image est illisible ou endommagée";
    // Nothing of a failed piece is left in the document: pages are only added once all of them were copied.
    const flow = new Flow(doc, type);
    flow.newPage();
    flow.text(pieceTitle(piece), STYLE.bloc, { after: 6 });
    if (piece.caption.trim() !== "") flow.text(piece.caption, STYLE.body, { after: 10 });
    flow.rule(14);
    flow.text(
      "Cette pièce n'a pas pu être ajoutée à ce document",
      { ...STYLE.section, color: COLOR.notice },
      { after: 4 },
    );
    flow.text(`Motif${NBSP}: ${why}.`, STYLE.body, { after: 10 });
    flow.text(`Elle reste consultable sur le portail${NBSP}:`, STYLE.body, { after: 2 });
    const url = pieceUrl(publicUrl, piece.downloadPath);
    flow.text(url, STYLE.link, { link: url, after: 10 });
    flow.text(
      `Type déclaré${NBSP}: ${piece.mediaType} · ${formatByteSize(piece.byteSize)} · SHA-256${NBSP}: ${piece.sha256}`,
      STYLE.small,
    );
    labels.set(flow.page!.ref, `Pièce ${piece.position}`);
    return { appended: false, firstPage, why };
  }
}

/** The whole file: pdf-lib parses from memory. At most maxAppendedBytes (checked by the plan) plus a margin. */
async function readPiece(piece: EvidenceItem, openObject: OpenObject): Promise<Uint8Array> {
  let body: Readable | null;
  try {
    body = await openObject(piece.storageKey);
  } catch {
    throw new PieceUnavailable("le fichier n'a pas pu être lu dans l'espace de stockage du portail");
  }
  if (body === null) throw new PieceUnavailable("le fichier est introuvable dans l'espace de stockage du portail");
  // A stored size that lies must not make the export read without end.
  const limit = Math.max(piece.byteSize, 0) + 1024 * 1024;
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      const bytes: Uint8Array = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      total += bytes.length;
      if (total > limit) throw new PieceUnavailable("le fichier est plus grand que la taille enregistrée au dépôt");
      chunks.push(bytes);
    }
  } catch (error) {
    body.destroy();
    if (error instanceof PieceUnavailable) throw error;
    throw new PieceUnavailable("la lecture du fichier a échoué dans l'espace de stockage du portail");
  }
  // A fresh array of its own, not a Buffer: pdf-lib's JPEG reader views `bytes.buffer` from offset 0, which for a
  // small Buffer (cut from Node's shared pool) is someone else's memory ("SOI not found in JPEG").
  const whole = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.length;
  }
  return whole;
}

async function copyPdfPages(doc: PDFDocument, bytes: Uint8Array): Promise<PDFPage[]> {
  // Loaded even when encrypted, to tell that case apart (pdf-lib's EncryptedPDFError fails `instanceof`: it is
  // compiled to ES5). pdf-lib cannot decrypt, so such pages would be unreadable once copied.
  const source = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true });
  if (source.isEncrypted) {
    throw new PieceUnavailable(
      "le fichier est protégé (chiffré ou par un mot de passe) : ses pages ne peuvent pas être recopiées",
    );
  }
  const indices = source.getPageIndices();
  if (indices.length === 0) throw new Error("PDF without pages");
  const pages = await doc.copyPages(source, indices);
  return pages.map((page) => doc.addPage(page));
}

async function appendImage(
  doc: PDFDocument,
  type: Typesetter,
  piece: EvidenceItem,
  bytes: Uint8Array,
  kind: "jpeg" | "png",
): Promise<PDFPage> {
  if (kind === "png") {
    const size = pngSize(bytes);
    if (size && size.width * size.height > MAX_PNG_PIXELS) {
      throw new PieceUnavailable(
        `l'image est trop grande pour être intégrée (${Math.round((size.width * size.height) / 1e6)} millions de pixels)`,
      );
    }
  }
  const image = kind === "jpeg" ? await doc.embedJpg(bytes) : await doc.embedPng(bytes);
  const orientation = kind === "jpeg" ? jpegOrientation(bytes) : 1;
  // Orientations 5 to 8 turn the picture a quarter: its displayed width is its stored height.
  const [shownWidth, shownHeight] = orientation >= 5 ? [image.height, image.width] : [image.width, image.height];
  const pageSize: [number, number] = shownWidth > shownHeight ? [A4[1], A4[0]] : A4;

  const flow = new Flow(doc, type);
  flow.newPage(pageSize);
  flow.text(pieceTitle(piece), STYLE.competency, { after: 2 });
  const caption = flow.paragraph(piece.caption, STYLE.small, { after: 0 });
  if (caption.lines.length > 4)
    caption.lines = [...caption.lines.slice(0, 3), `${caption.lines[3]!.replace(/\s*\S*$/, "")} […]`];
  if (piece.caption.trim() !== "") flow.block([caption]);
  flow.space(10);

  const page = flow.page!;
  const boxWidth = pageSize[0] - MARGIN.left - MARGIN.right;
  const boxHeight = flow.y - MARGIN.bottom;
  // Never enlarged past 96 dpi (1 px = 0.75 pt): a small picture stays sharp rather than a blur filling the page.
  const scale = Math.min(boxWidth / shownWidth, boxHeight / shownHeight, 0.75);
  const width = shownWidth * scale;
  const height = shownHeight * scale;
  const x = MARGIN.left + (boxWidth - width) / 2;
  const y = MARGIN.bottom + (boxHeight - height) / 2;
  const name = page.node.newXObject("Image", image.ref);
  page.pushOperators(
    pushGraphicsState(),
    concatTransformationMatrix(...orientationMatrix(orientation, x, y, width, height)),
    drawObject(name),
    popGraphicsState(),
  );
  return page;
}

/**
 * The matrix that draws an image (the unit square, stored rows top to bottom) into the box [x, x+w] × [y, y+h] as
 * the camera meant it to be seen: EXIF orientation 1 is as stored, 3 half a turn, 6 and 8 a quarter turn clockwise
 * and anticlockwise, 2, 4, 5 and 7 the same mirrored.
 */
export function orientationMatrix(
  orientation: number,
  x: number,
  y: number,
  w: number,
  h: number,
): [number, number, number, number, number, number] {
  switch (orientation) {
    case 2:
      return [-w, 0, 0, h, x + w, y];
    case 3:
      return [-w, 0, 0, -h, x + w, y + h];
    case 4:
      return [w, 0, 0, -h, x, y + h];
    case 5:
      return [0, -h, -w, 0, x + w, y + h];
    case 6:
      return [0, -h, w, 0, x, y + h];
    case 7:
      return [0, h, w, 0, x, y];
    case 8:
      return [0, h, -w, 0, x + w, y];
    default:
      return [w, 0, 0, h, x, y];
  }
}

/** The EXIF orientation (1 to 8) of a JPEG, 1 when it has none: phones store photos sideways and say so there. */
export function jpegOrientation(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (view.getUint16(0) !== 0xffd8) return 1;
    let offset = 2;
    while (offset + 4 <= view.byteLength) {
      if (view.getUint8(offset) !== 0xff) return 1;
      const marker = view.getUint8(offset + 1);
      if (marker === 0xff) {
        offset += 1;
        continue;
      }
      // Start of scan or end of image: the metadata segments are all before.
      if (marker === 0xda || marker === 0xd9) return 1;
      const length = view.getUint16(offset + 2);
      if (marker === 0xe1 && view.getUint32(offset + 4) === 0x45786966 && view.getUint16(offset + 8) === 0) {
        const tiff = offset + 10;
        const order = view.getUint16(tiff);
        if (order !== 0x4949 && order !== 0x4d4d) return 1;
        const little = order === 0x4949;
        const ifd = tiff + view.getUint32(tiff + 4, little);
        const count = view.getUint16(ifd, little);
        for (let i = 0; i < count; i += 1) {
          const entry = ifd + 2 + i * 12;
          if (view.getUint16(entry, little) === 0x0112) {
            const value = view.getUint16(entry + 8, little);
            return value >= 1 && value <= 8 ? value : 1;
          }
        }
        return 1;
      }
      offset += 2 + length;
    }
  } catch {
    // A truncated or lying segment: read as "no orientation", the image itself is pdf-lib's to judge.
  }
  return 1;
}

function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

interface IndexArgs {
  plans: PiecePlan[];
  outcomes: Map<string, AnnexOutcome>;
  publicUrl: string;
  /** Added to an appended page's index (from 0, among the pages made before the index) to give its number. */
  pageOffset: number;
}

function layoutIndex(flow: Flow, { plans, outcomes, publicUrl, pageOffset }: IndexArgs): void {
  flow.newPage();
  flow.text("Index des pièces justificatives", STYLE.bloc, { after: 6 });
  flow.rule(14);
  if (plans.length === 0) {
    flow.text("Aucune pièce justificative n'a été déposée avec cette version du dossier.", STYLE.empty);
    return;
  }
  for (const plan of plans) {
    const { piece } = plan;
    const url = pieceUrl(publicUrl, piece.downloadPath);
    const paragraphs: Paragraph[] = [flow.paragraph(pieceTitle(piece), STYLE.section, { after: 2 })];
    const detail = (text: string, style: Style = STYLE.small, options: TextOptions = {}) =>
      paragraphs.push(flow.paragraph(text, style, { indent: 12, after: 1, ...options }));
    if (piece.caption.trim() !== "") detail(piece.caption, STYLE.body);
    detail(`Compétences${NBSP}: ${piece.competencyCodes.length > 0 ? piece.competencyCodes.join(", ") : "aucune"}`);
    if (piece.criteria.length > 0) detail(`Critères${NBSP}: ${piece.criteria.join(" ; ")}`);
    const exact = piece.byteSize >= 1024 ? ` (${piece.byteSize.toLocaleString("fr-FR")} octets)` : "";
    detail(`${formatName(piece)} · ${formatByteSize(piece.byteSize)}${exact}`);
    detail(`SHA-256${NBSP}: ${piece.sha256}`, STYLE.mono);
    const outcome = outcomes.get(piece.id);
    if (plan.kind === "link") {
      detail(`Non annexée (${plan.why}), à consulter sur le portail${NBSP}:`);
      detail(url, STYLE.link, { link: url });
    } else if (outcome?.appended) {
      const first = pageOffset + outcome.firstPage + 1;
      detail(
        outcome.pageCount > 1 ? `Annexée, pages ${first} à ${first + outcome.pageCount - 1}` : `Annexée, page ${first}`,
      );
    } else if (outcome) {
      detail(`Non annexée (${outcome.why}), voir la page ${pageOffset + outcome.firstPage + 1} et le portail${NBSP}:`);
      detail(url, STYLE.link, { link: url });
    }
    paragraphs[paragraphs.length - 1]!.after = 12;
    flow.block(paragraphs);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Footer, on every page including the appended ones, whatever their size and rotation.

function drawFooter(page: PDFPage, type: Typesetter, left: string, right: string, foreign: boolean): void {
  const style = STYLE.footer;
  const font = type.font(style);
  const box = page.getCropBox();
  // /Rotate turns the page clockwise when shown: the footer is written along the edge that is then at the bottom.
  const angle = (((Math.round(page.getRotation().angle / 90) * 90) % 360) + 360) % 360;
  const shownWidth = angle % 180 === 0 ? box.width : box.height;
  const at = (vx: number, vy: number): { x: number; y: number } => {
    switch (angle) {
      case 90:
        return { x: box.x + box.width - vy, y: box.y + vx };
      case 180:
        return { x: box.x + box.width - vx, y: box.y + box.height - vy };
      case 270:
        return { x: box.x + vy, y: box.y + box.height - vx };
      default:
        return { x: box.x + vx, y: box.y + vy };
    }
  };
  const rotate = degrees(angle);
  const margin = Math.min(MARGIN.left, shownWidth * 0.1);
  const baseline = Math.min(FOOTER_BASELINE, (angle % 180 === 0 ? box.height : box.width) * 0.04 + style.size);
  const rightText = type.clean(right, font);
  const rightWidth = font.widthOfTextAtSize(rightText, style.size);
  let leftText = type.clean(left, font);
  // On a narrow page the page number wins.
  if (font.widthOfTextAtSize(leftText, style.size) + rightWidth + 16 > shownWidth - 2 * margin) leftText = "";

  if (foreign) {
    // A scanned page may run to its edge: a light band keeps the footer readable. (pdf-lib wraps the page's own
    // content in q…Q before the first drawing, so a transformation or clip it leaves behind cannot move this.)
    const start = leftText === "" ? shownWidth - margin - rightWidth : margin;
    page.drawRectangle({
      ...at(start - 4, baseline - 4),
      width: shownWidth - margin - start + 8,
      height: style.size + 7,
      color: rgb(1, 1, 1),
      opacity: 0.85,
      rotate,
    });
  }
  if (leftText !== "")
    page.drawText(leftText, { ...at(margin, baseline), size: style.size, font, color: style.color, rotate });
  page.drawText(rightText, {
    ...at(shownWidth - margin - rightWidth, baseline),
    size: style.size,
    font,
    color: style.color,
    rotate,
  });
}
