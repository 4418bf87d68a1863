// The shared shape of every e-mail: a template returns a subject and a list of blocks; this file renders the blocks
// twice, as plain text and as simple inline-styled HTML in which every interpolated value is escaped.
import { formatDate } from "../../app/utils/format";

/** A date as the services hold it: a Date, or an ISO string (timestamp or calendar date "2026-06-30"). */
export type DateInput = Date | string;

/** A path inside the portal, such as "/candidat"; e-mails turn it into an absolute link with the public URL. */
export type PortalPath = `/${string}`;

export type Block =
  | { type: "paragraph"; text: string }
  | { type: "heading"; text: string }
  | { type: "facts"; items: readonly (readonly [label: string, value: string])[] }
  | { type: "list"; items: readonly string[] }
  | { type: "quote"; label: string; text: string }
  | { type: "action"; label: string; path: PortalPath };

export interface TemplateOutput {
  subject: string;
  blocks: Block[];
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** "12 mars 2026", in the Europe/Paris time zone. */
export function frenchDate(value: DateInput): string {
  return formatDate(value);
}

/** "aujourd'hui", "demain", "dans 12 jours". */
export function inDays(days: number): string {
  if (days <= 0) return "aujourd'hui";
  if (days === 1) return "demain";
  return `dans ${days} jours`;
}

/** "1 jour", "3 jours". */
export function dayCount(days: number): string {
  return days === 1 ? "1 jour" : `${days} jours`;
}

/** The public URL without trailing slash; refuses anything but an absolute http(s) URL. */
export function normalizePublicUrl(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new Error(`publicUrl must be an absolute URL, got "${publicUrl}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`publicUrl must be an http(s) URL, got "${publicUrl}"`);
  }
  return publicUrl.replace(/\/+$/, "");
}

export function absoluteUrl(publicUrl: string, path: PortalPath): string {
  return normalizePublicUrl(publicUrl) + path;
}

const FOOTER = "Ce message automatique vous est envoyé par le portail VAE. Merci de ne pas y répondre.";

export function renderLayout(recipientName: string, output: TemplateOutput, publicUrl: string): RenderedEmail {
  const base = normalizePublicUrl(publicUrl);
  // A subject is one header line: no line breaks, whatever the data holds.
  const subject = output.subject.replace(/\s+/g, " ").trim();
  const greeting = `Bonjour ${recipientName},`;
  return {
    subject,
    text: renderText(greeting, output.blocks, base),
    html: renderHtml(subject, greeting, output.blocks, base),
  };
}

function renderText(greeting: string, blocks: readonly Block[], base: string): string {
  const parts = [greeting];
  for (const block of blocks) {
    switch (block.type) {
      case "paragraph":
        parts.push(block.text);
        break;
      case "heading":
        parts.push(`${block.text}\n${"-".repeat(Math.min(block.text.length, 72))}`);
        break;
      case "facts":
        parts.push(block.items.map(([label, value]) => `${label} : ${value}`).join("\n"));
        break;
      case "list":
        parts.push(block.items.map((item) => `- ${item}`).join("\n"));
        break;
      case "quote":
        parts.push(
          `${block.label} :\n${block.text
            .split(/\r?\n/)
            .map((line) => `  ${line}`)
            .join("\n")}`,
        );
        break;
      case "action":
        parts.push(`${block.label} : ${base}${block.path}`);
        break;
    }
  }
  parts.push(`-- \n${FOOTER}\n${base}`);
  return parts.join("\n\n") + "\n";
}

const FONT = "font-family: Arial, Helvetica, sans-serif; color: #1e1e1e; font-size: 15px; line-height: 1.5;";
const BLUE = "#1d3f8f";

function renderHtml(subject: string, greeting: string, blocks: readonly Block[], base: string): string {
  const body = [`<p style="margin: 0 0 16px;">${escapeHtml(greeting)}</p>`];
  for (const block of blocks) {
    switch (block.type) {
      case "paragraph":
        body.push(`<p style="margin: 0 0 16px;">${escapeHtml(block.text)}</p>`);
        break;
      case "heading":
        body.push(`<h2 style="font-size: 17px; margin: 24px 0 8px; color: ${BLUE};">${escapeHtml(block.text)}</h2>`);
        break;
      case "facts":
        body.push(
          `<table role="presentation" style="border-collapse: collapse; margin: 0 0 16px;">${block.items
            .map(
              ([label, value]) =>
                `<tr><th scope="row" style="text-align: left; padding: 4px 16px 4px 0; vertical-align: top; font-weight: bold;">${escapeHtml(label)}</th>` +
                `<td style="padding: 4px 0; vertical-align: top;">${escapeHtml(value)}</td></tr>`,
            )
            .join("")}</table>`,
        );
        break;
      case "list":
        body.push(
          `<ul style="margin: 0 0 16px; padding-left: 22px;">${block.items
            .map((item) => `<li style="margin: 0 0 4px;">${escapeHtml(item)}</li>`)
            .join("")}</ul>`,
        );
        break;
      case "quote":
        body.push(
          `<p style="margin: 0 0 4px; font-weight: bold;">${escapeHtml(block.label)} :</p>` +
            `<blockquote style="margin: 0 0 16px; padding: 8px 12px; border-left: 4px solid ${BLUE}; background: #e8edf8; white-space: pre-line;">${escapeHtml(block.text)}</blockquote>`,
        );
        break;
      case "action": {
        const href = escapeHtml(base + block.path);
        body.push(
          `<p style="margin: 8px 0 20px;"><a href="${href}" style="display: inline-block; background: ${BLUE}; color: #ffffff; padding: 10px 18px; border-radius: 6px; text-decoration: none; font-weight: bold;">${escapeHtml(block.label)}</a></p>` +
            `<p style="margin: 0 0 16px; font-size: 13px; color: #5a5a66;">Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur : ${href}</p>`,
        );
        break;
      }
    }
  }
  const baseEscaped = escapeHtml(base);
  return `<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin: 0; padding: 0; background: #f6f6f8;">
<div style="max-width: 600px; margin: 0 auto; padding: 24px 16px; ${FONT}">
<div style="border-bottom: 4px solid ${BLUE}; padding: 0 0 8px; margin: 0 0 20px; font-weight: bold; color: ${BLUE};">Portail VAE</div>
<div style="background: #ffffff; border: 1px solid #d0d3dc; border-radius: 6px; padding: 20px;">
${body.join("\n")}
</div>
<p style="margin: 16px 0 0; font-size: 12px; color: #5a5a66;">${escapeHtml(FOOTER)}<br><a href="${baseEscaped}" style="color: ${BLUE};">${baseEscaped}</a></p>
</div>
</body>
</html>
`;
}
