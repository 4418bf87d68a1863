// The signed minutes (procès-verbal) of an evaluation as a PDF: the candidacy, the session, per bloc the final
// scores (A, B, joint and where the joint score comes from), the decision with its explanation and the
// recommendations, then the two signatures with their time. Same typesetting as the dossier PDF (pdf-lib and the
// embedded DejaVu Sans, docs/decisions/008), simpler layout: text flowing down A4 pages.
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, type PDFFont, type PDFPage, type RGB, rgb } from "pdf-lib";
import { formatDateTime } from "../../utils/format";
import { loadFontFiles } from "../dossier-export/fonts.server";
import { drawableText, wrapText } from "../dossier-export/text";
import type { MinutesBloc, MinutesModel } from "./model";

const A4: [number, number] = [595.28, 841.89];
const MARGIN = { top: 60, bottom: 60, left: 56, right: 56 };

const COLOR = {
  text: rgb(0.11, 0.12, 0.14),
  heading: rgb(0.07, 0.22, 0.44),
  muted: rgb(0.38, 0.4, 0.45),
  rule: rgb(0.78, 0.8, 0.85),
  awarded: rgb(0.1, 0.42, 0.2),
  notAwarded: rgb(0.6, 0.15, 0.1),
};

interface Style {
  size: number;
  bold?: boolean;
  color?: RGB;
  leading?: number;
}

const STYLE = {
  title: { size: 20, bold: true, color: COLOR.heading, leading: 1.25 },
  kicker: { size: 10, color: COLOR.muted },
  bloc: { size: 13.5, bold: true, color: COLOR.heading, leading: 1.3 },
  section: { size: 10.5, bold: true, color: COLOR.text },
  body: { size: 10, color: COLOR.text, leading: 1.4 },
  cell: { size: 9, color: COLOR.text, leading: 1.3 },
  cellBold: { size: 9, bold: true, color: COLOR.text, leading: 1.3 },
  small: { size: 8.5, color: COLOR.muted, leading: 1.35 },
  footer: { size: 8, color: COLOR.muted },
} satisfies Record<string, Style>;

const ORIGIN_LABEL = { mean: "moyenne", evaluators: "accord du binôme", president: "voix du président" } as const;
const STATUS_LABEL = {
  awarded: "Bloc validé",
  not_awarded: "Bloc non validé",
  acquired_before: "Bloc acquis antérieurement",
} as const;

const lineHeight = (style: Style) => style.size * (style.leading ?? 1.35);

class Page {
  page: PDFPage | null = null;
  y = 0;
  readonly width = A4[0] - MARGIN.left - MARGIN.right;
  private readonly charsets: Map<PDFFont, Set<number>>;

  constructor(
    private readonly doc: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.charsets = new Map([
      [regular, new Set(regular.getCharacterSet())],
      [bold, new Set(bold.getCharacterSet())],
    ]);
  }

  font(style: Style) {
    return style.bold ? this.bold : this.regular;
  }

  clean(text: string, style: Style) {
    const charset = this.charsets.get(this.font(style))!;
    return drawableText(text, (c) => charset.has(c), charset.has(0xfffd) ? "\ufffd" : "?");
  }

  lines(text: string, style: Style, width: number) {
    const font = this.font(style);
    return wrapText(this.clean(text, style), width, (line) => font.widthOfTextAtSize(line, style.size));
  }

  ensure(height: number) {
    if (!this.page || this.y - height < MARGIN.bottom) {
      this.page = this.doc.addPage(A4);
      this.y = A4[1] - MARGIN.top;
    }
  }

  text(text: string, style: Style, options: { after?: number; indent?: number; keep?: number } = {}) {
    const indent = options.indent ?? 0;
    const lines = this.lines(text, style, this.width - indent);
    lines.forEach((line, i) => {
      this.ensure(lineHeight(style) + (i === 0 ? (options.keep ?? 0) : 0));
      if (line !== "") {
        this.page!.drawText(line, {
          x: MARGIN.left + indent,
          y: this.y - style.size,
          size: style.size,
          font: this.font(style),
          color: style.color ?? COLOR.text,
        });
      }
      this.y -= lineHeight(style);
    });
    this.y -= options.after ?? 0;
  }

  /** One table row: cells wrapped within their column, the row kept on one page. */
  row(cells: string[], widths: number[], style: Style) {
    const wrapped = cells.map((cell, i) => this.lines(cell, style, widths[i]! - 6));
    const height = Math.max(...wrapped.map((l) => l.length)) * lineHeight(style) + 4;
    this.ensure(height);
    let x = MARGIN.left;
    wrapped.forEach((lines, i) => {
      lines.forEach((line, l) => {
        if (line === "") return;
        this.page!.drawText(line, {
          x,
          y: this.y - style.size - l * lineHeight(style),
          size: style.size,
          font: this.font(style),
          color: style.color ?? COLOR.text,
        });
      });
      x += widths[i]!;
    });
    this.y -= height;
    this.rule(2);
  }

  rule(after = 8) {
    this.ensure(1 + after);
    this.page!.drawLine({
      start: { x: MARGIN.left, y: this.y },
      end: { x: A4[0] - MARGIN.right, y: this.y },
      thickness: 0.5,
      color: COLOR.rule,
    });
    this.y -= after;
  }
}

function layoutBloc(page: Page, bloc: MinutesBloc) {
  page.text(`Bloc ${bloc.number} – ${bloc.title}`, STYLE.bloc, { after: 4, keep: 60 });
  const status = STATUS_LABEL[bloc.status];
  page.text(
    bloc.meanDisplay ? `${status} — moyenne ${bloc.meanDisplay} %` : status,
    {
      ...STYLE.section,
      color: bloc.status === "not_awarded" ? COLOR.notAwarded : COLOR.awarded,
    },
    { after: 4 },
  );
  for (const sentence of bloc.explanation) page.text(sentence, STYLE.body, { after: 2 });
  if (bloc.competencies.length > 0) {
    page.text("", STYLE.small, { after: 2 });
    const widths = [46, page.width - 46 - 4 * 58 - 80, 58, 58, 58, 58, 80];
    page.row(["Code", "Compétence", "Éval. A", "Éval. B", "Écart", "Note retenue", "Origine"], widths, STYLE.cellBold);
    for (const c of bloc.competencies) {
      const difference = differenceDisplay(c.scoreA, c.scoreB);
      page.row(
        [c.code, c.statement, `${c.scoreA} %`, `${c.scoreB} %`, difference, `${c.joint} %`, ORIGIN_LABEL[c.origin]],
        widths,
        STYLE.cell,
      );
    }
  }
  if (bloc.status === "not_awarded") {
    page.text("Recommandations au candidat", STYLE.section, { after: 3, keep: 30 });
    page.text(bloc.recommendation?.trim() || "—", STYLE.body, { after: 4 });
  }
  page.text("", STYLE.body, { after: 8 });
}

/** |A − B| of two French display scores, in points with one decimal ("12,5"). */
function differenceDisplay(a: string, b: string): string {
  const tenths = (s: string) => Math.round(Number(s.replace(",", ".")) * 10);
  const d = Math.abs(tenths(a) - tenths(b));
  if (!Number.isFinite(d)) return "";
  return `${Math.floor(d / 10)},${d % 10}`;
}

/** The minutes as PDF bytes; the same model gives the same bytes (dates of the document fixed to the last signature). */
export async function buildMinutesPdf(model: MinutesModel): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const files = await loadFontFiles();
  const page = new Page(
    doc,
    await doc.embedFont(files.regular, { subset: true }),
    await doc.embedFont(files.bold, { subset: true }),
  );
  const lastSignature = model.signatures
    .map((s) => s.signedAt)
    .sort()
    .at(-1);
  const stamp = lastSignature ? new Date(lastSignature) : new Date(0);
  doc.setTitle(`Procès-verbal d'évaluation — ${model.candidacyReference}`);
  doc.setCreator("Portail VAE");
  doc.setProducer("Portail VAE");
  doc.setCreationDate(stamp);
  doc.setModificationDate(stamp);

  page.text("Validation des acquis de l'expérience (VAE)", STYLE.kicker, { after: 6 });
  page.text("Procès-verbal d'évaluation", STYLE.title, { after: 8 });
  page.text(`CQP ${model.certification.title} (${model.certification.code}) · ${model.referentialLabel}`, STYLE.body);
  page.text(`Candidat : ${model.candidate.fullName}`, STYLE.body);
  page.text(`Référence de la candidature : ${model.candidacyReference}`, STYLE.body);
  if (model.session) {
    page.text(
      `Session d'évaluation : ${formatDateTime(model.session.startsAt)} — ${model.session.modeLabel}, ${model.session.location}`,
      STYLE.body,
    );
  }
  const president = model.signatures.find((s) => s.president);
  page.text(
    `Binôme d'évaluateurs : ${model.signatures.map((s) => `${s.fullName} (évaluateur ${s.slot}${s.president ? ", président" : ""})`).join(" ; ")}`,
    STYLE.body,
  );
  page.text(
    model.route === "agreed"
      ? "Les notes des deux évaluateurs concordent : la note retenue de chaque compétence est leur moyenne."
      : `Le binôme a délibéré sur les compétences en désaccord${president ? ` ; le président, ${president.fullName}, a voix prépondérante` : ""}.`,
    STYLE.body,
  );
  page.text(
    `Règle de validation d'un bloc : moyenne des compétences ≥ ${model.thresholds.blocMeanPercent} % et chaque compétence ≥ ${model.thresholds.competencyFloorPercent} % (écart toléré entre évaluateurs : ${model.thresholds.tolerancePoints} points).`,
    STYLE.small,
    { after: 6 },
  );
  page.text(`Résultat : ${model.resultLabel}`, STYLE.section, { after: 8 });
  page.rule(10);
  for (const bloc of model.blocs) layoutBloc(page, bloc);

  page.rule(10);
  page.text("Signatures", STYLE.bloc, { after: 4, keep: 60 });
  page.text(
    "Chaque évaluateur a signé en confirmant son mot de passe sur le portail ; le procès-verbal ne peut plus être modifié.",
    STYLE.small,
    { after: 6 },
  );
  for (const signature of [...model.signatures].sort((a, b) => a.slot.localeCompare(b.slot))) {
    page.text(
      `Évaluateur ${signature.slot}${signature.president ? " (président)" : ""} : ${signature.fullName} <${signature.email}> — signé le ${formatDateTime(signature.signedAt)}`,
      STYLE.body,
      { after: 3 },
    );
  }

  const pages = doc.getPages();
  pages.forEach((p, i) => {
    const footer = `${model.candidacyReference} — procès-verbal — page ${i + 1} / ${pages.length}`;
    p.drawText(footer, {
      x: MARGIN.left,
      y: 30,
      size: STYLE.footer.size,
      font: page.font(STYLE.footer),
      color: COLOR.muted,
    });
  });
  return doc.save({ useObjectStreams: false });
}
