// Outgoing e-mail. With SMTP_URL the portal sends through that server; without it (the embedded default) each message
// is written as an .eml file under DATA_DIR/mail, which admins read at /admin/courriels. Either way the caller gives
// a stable id ("outbox-42"): it becomes the Message-ID and the file name, so sending the same message twice is
// harmless (see docs/decisions/004-outgoing-email.md).
import { randomBytes } from "node:crypto";
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { type AddressObject, simpleParser } from "mailparser";
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { type PortalConfig, getConfig } from "../utils/env.server";

export type MailConfig = PortalConfig["mail"];

export interface OutgoingEmail {
  to: string | string[];
  subject: string;
  text: string;
  html: string;
  /** A stable id chosen by the caller (e.g. "outbox-42"): letters, digits, ".", "_" and "-", at most 128. */
  messageId: string;
  /**
   * A calendar invitation (RFC 5545 text, app/utils/ics.ts): sent as a `text/calendar; method=…` alternative, which
   * mail clients show as an invitation, and as an .ics attachment for the others.
   */
  calendar?: CalendarAttachment;
}

export interface CalendarAttachment {
  method: "REQUEST" | "CANCEL";
  content: string;
  /** The attachment's name, e.g. "convocation.ics". */
  filename: string;
}

export interface SentEmail {
  messageId: string;
  /** The .eml file written, when no SMTP server is configured. */
  file?: string;
}

export interface Mailer {
  readonly mode: "smtp" | "files";
  /** The sender ("Portail VAE <ne-pas-repondre@…>"): the organizer of the calendar invitations. */
  readonly from: string;
  send(email: OutgoingEmail): Promise<SentEmail>;
  close(): void;
}

const MESSAGE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MESSAGE_ID_DOMAIN = "vae-portal";

/** The Message-ID header of a message id given by a caller: `<outbox-42@vae-portal>`. */
export function messageIdHeader(messageId: string): string {
  return `<${messageId}@${MESSAGE_ID_DOMAIN}>`;
}

// Query parameters accepted on SMTP_URL, e.g. smtp://mail.local:25?ignoreTLS=true.
const SMTP_BOOLEAN_OPTIONS = ["ignoreTLS", "requireTLS", "rejectUnauthorized"] as const;

/**
 * SMTP transport options from an smtp:// or smtps:// URL: host, port, credentials (percent-decoded), TLS from the
 * scheme (smtps: implicit TLS; smtp: STARTTLS when the server offers it), and the query options ignoreTLS,
 * requireTLS, rejectUnauthorized (true/false) and name (the EHLO host name). Any other option is refused.
 */
export function smtpOptionsFromUrl(smtpUrl: string): SMTPTransport.Options {
  const url = new URL(smtpUrl);
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new Error("SMTP_URL must start with smtp:// or smtps://");
  }
  const secure = url.protocol === "smtps:";
  const options: SMTPTransport.Options = {
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  };
  if (url.username || url.password) {
    options.auth = { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) };
  }
  for (const [key, value] of url.searchParams) {
    if ((SMTP_BOOLEAN_OPTIONS as readonly string[]).includes(key)) {
      if (value !== "true" && value !== "false") throw new Error(`SMTP_URL option ${key} must be true or false`);
      if (key === "rejectUnauthorized") options.tls = { rejectUnauthorized: value === "true" };
      else options[key as "ignoreTLS" | "requireTLS"] = value === "true";
    } else if (key === "name") {
      options.name = value;
    } else {
      throw new Error(
        `SMTP_URL option ${key} is not supported (use ignoreTLS, requireTLS, rejectUnauthorized or name)`,
      );
    }
  }
  return options;
}

function checkEmail(email: OutgoingEmail): void {
  if (!MESSAGE_ID.test(email.messageId)) {
    throw new Error(`Invalid messageId "${email.messageId}": use letters, digits, ".", "_" and "-" (at most 128)`);
  }
  if ((Array.isArray(email.to) ? email.to : [email.to]).every((to) => to.trim() === "")) {
    throw new Error(`E-mail ${email.messageId} has no recipient`);
  }
}

/** Nodemailer's invitation: the text/calendar alternative with its method, and the same text as an attachment. */
function calendarOptions(calendar: CalendarAttachment | undefined) {
  if (!calendar) return {};
  return { icalEvent: { method: calendar.method, filename: calendar.filename, content: calendar.content } };
}

export function createMailer(config: MailConfig): Mailer {
  if (config.smtpUrl) {
    const transport = nodemailer.createTransport(smtpOptionsFromUrl(config.smtpUrl));
    return {
      mode: "smtp",
      from: config.from,
      async send(email) {
        checkEmail(email);
        await transport.sendMail({
          from: config.from,
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          messageId: messageIdHeader(email.messageId),
          ...calendarOptions(email.calendar),
        });
        return { messageId: email.messageId };
      },
      close: () => transport.close(),
    };
  }

  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "windows" });
  return {
    mode: "files",
    from: config.from,
    async send(email) {
      checkEmail(email);
      const info = await transport.sendMail({
        from: config.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: messageIdHeader(email.messageId),
        ...calendarOptions(email.calendar),
      });
      await mkdir(config.mailDir, { recursive: true });
      const file = path.join(config.mailDir, `${email.messageId}.eml`);
      // Write beside, then rename: a reader never sees half a message, and the same id replaces the same file.
      const temp = path.join(config.mailDir, `.${email.messageId}.${randomBytes(6).toString("hex")}.tmp`);
      try {
        await writeFile(temp, info.message as Buffer, { mode: 0o640 });
        await rename(temp, file);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return { messageId: email.messageId, file };
    },
    close: () => transport.close(),
  };
}

const mailerKey = Symbol.for("vae-portal.mailer");
type GlobalWithMailer = typeof globalThis & { [mailerKey]?: Mailer };

/** The process's mailer, built from getConfig().mail on first use (shared by the server entry and the bundle). */
export function getMailer(): Mailer {
  const g = globalThis as GlobalWithMailer;
  g[mailerKey] ??= createMailer(getConfig().mail);
  return g[mailerKey];
}

// Reading the stored messages back, for /admin/courriels.

const STORED_NAME = /^[A-Za-z0-9._-]+\.eml$/;

export interface StoredEmailSummary {
  fileName: string;
  /** ISO timestamp: the Date header, or the file's time when the header is missing. */
  date: string;
  from: string;
  to: string;
  subject: string;
}

export interface StoredEmail extends StoredEmailSummary {
  messageId: string | null;
  text: string;
  /** The HTML body as written; show it only in a sandboxed frame. */
  html: string | null;
}

/** True for a bare .eml file name (no folder, no path part). */
export function isStoredEmailName(fileName: string): boolean {
  return STORED_NAME.test(fileName) && path.basename(fileName) === fileName;
}

function addressText(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return "";
  return (Array.isArray(value) ? value : [value]).map((a) => a.text).join(", ");
}

async function parseStored(mailDir: string, fileName: string, mtime: Date) {
  const parsed = await simpleParser(await readFile(path.join(mailDir, fileName)));
  return {
    parsed,
    summary: {
      fileName,
      date: (parsed.date ?? mtime).toISOString(),
      from: addressText(parsed.from),
      to: addressText(parsed.to),
      subject: parsed.subject ?? "",
    } satisfies StoredEmailSummary,
  };
}

/** The stored messages, most recently written first, at most `limit` of them. An absent folder lists nothing. */
export async function listStoredEmails(
  mailDir: string,
  { limit = 100 }: { limit?: number } = {},
): Promise<StoredEmailSummary[]> {
  let names: string[];
  try {
    names = (await readdir(mailDir)).filter(isStoredEmailName);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const files = (
    await Promise.all(
      names.map(async (name) => {
        const info = await stat(path.join(mailDir, name)).catch(() => null);
        return info?.isFile() ? { name, mtime: info.mtime } : null;
      }),
    )
  ).filter((f) => f !== null);
  files.sort((a, b) => b.mtime.getTime() - a.mtime.getTime() || a.name.localeCompare(b.name));
  const newest = files.slice(0, Math.max(0, limit));
  const summaries = await Promise.all(
    newest.map((f) =>
      parseStored(mailDir, f.name, f.mtime).then(
        (r) => r.summary,
        () => null,
      ),
    ),
  );
  return summaries.filter((s) => s !== null);
}

/** One stored message, or null when the name is not a bare .eml file name or no such file exists. */
export async function readStoredEmail(mailDir: string, fileName: string): Promise<StoredEmail | null> {
  if (!isStoredEmailName(fileName)) return null;
  let info;
  try {
    info = await stat(path.join(mailDir, fileName));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  if (!info.isFile()) return null;
  const { parsed, summary } = await parseStored(mailDir, fileName, info.mtime);
  return {
    ...summary,
    messageId: parsed.messageId ?? null,
    text: parsed.text ?? "",
    html: typeof parsed.html === "string" ? parsed.html : null,
  };
}
