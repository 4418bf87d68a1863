// The mailer for real: .eml files on the embedded default (written atomically, one file per message id, read back
// with mailparser), and SMTP against a real local SMTP server started by the test.
import { mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMailer, listStoredEmails, readStoredEmail, smtpOptionsFromUrl } from "../../app/services/mailer.server";
import { renderEmail } from "../../templates/emails";

const from = "Portail VAE <ne-pas-repondre@vae.localhost>";
const publicUrl = "http://localhost:3000";

const incomplete = renderEmail(
  "request_incomplete",
  {
    recipientName: "Élodie Marchand",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    reason: "Il manque l'attestation de l'employeur : ajoutez-la à votre demande.",
  },
  { publicUrl },
);

describe("mailer writing .eml files (no SMTP server)", () => {
  let mailDir: string;
  beforeAll(() => {
    mailDir = path.join(mkdtempSync(path.join(tmpdir(), "vae-mail-")), "mail");
  });
  afterAll(() => {
    rmSync(path.dirname(mailDir), { recursive: true, force: true });
  });

  it("writes one .eml per message id, readable with its French accents, and overwrites it on resend", async () => {
    const mailer = createMailer({ from, smtpUrl: undefined, mailDir });
    expect(mailer.mode).toBe("files");
    const sent = await mailer.send({ to: "elodie.marchand@exemple.fr", ...incomplete, messageId: "outbox-1" });
    expect(sent).toEqual({ messageId: "outbox-1", file: path.join(mailDir, "outbox-1.eml") });
    expect(readdirSync(mailDir)).toEqual(["outbox-1.eml"]);

    const parsed = await simpleParser(readFileSync(sent.file!));
    expect(parsed.subject).toBe("Votre demande de recevabilité est incomplète");
    expect(parsed.messageId).toBe("<outbox-1@vae-portal>");
    expect(parsed.from?.text).toBe('"Portail VAE" <ne-pas-repondre@vae.localhost>');
    expect(Array.isArray(parsed.to) ? null : parsed.to?.value[0]?.address).toBe("elodie.marchand@exemple.fr");
    expect(parsed.text).toContain("Bonjour Élodie Marchand,");
    expect(parsed.text).toContain("Il manque l'attestation de l'employeur : ajoutez-la à votre demande.");
    expect(parsed.html).toContain("Complétez votre demande");

    await mailer.send({ to: "elodie.marchand@exemple.fr", ...incomplete, messageId: "outbox-1" });
    expect(readdirSync(mailDir)).toEqual(["outbox-1.eml"]);
    mailer.close();
  });

  it("lists stored messages most recent first, and reads one back", async () => {
    const mailer = createMailer({ from, smtpUrl: undefined, mailDir });
    await mailer.send({
      to: ["a@exemple.fr", "b@exemple.fr"],
      subject: "Deuxième",
      text: "Deux",
      html: "<p>Deux</p>",
      messageId: "outbox-2",
    });
    await mailer.send({
      to: "c@exemple.fr",
      subject: "Troisième",
      text: "Trois",
      html: "<p>Trois</p>",
      messageId: "outbox-3",
    });
    // Make the order explicit rather than rely on the file system's clock resolution.
    const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes));
    utimesSync(path.join(mailDir, "outbox-1.eml"), at(1), at(1));
    utimesSync(path.join(mailDir, "outbox-2.eml"), at(3), at(3));
    utimesSync(path.join(mailDir, "outbox-3.eml"), at(2), at(2));

    const listed = await listStoredEmails(mailDir, { limit: 10 });
    expect(listed.map((e) => e.fileName)).toEqual(["outbox-2.eml", "outbox-3.eml", "outbox-1.eml"]);
    expect(listed[0]).toMatchObject({ subject: "Deuxième", to: "a@exemple.fr, b@exemple.fr" });
    expect(listed[0]!.from).toContain("ne-pas-repondre@vae.localhost");
    expect(Number.isNaN(Date.parse(listed[0]!.date))).toBe(false);
    expect((await listStoredEmails(mailDir, { limit: 2 })).map((e) => e.fileName)).toEqual([
      "outbox-2.eml",
      "outbox-3.eml",
    ]);

    const one = await readStoredEmail(mailDir, "outbox-1.eml");
    expect(one).toMatchObject({
      fileName: "outbox-1.eml",
      subject: "Votre demande de recevabilité est incomplète",
      to: "elodie.marchand@exemple.fr",
      messageId: "<outbox-1@vae-portal>",
    });
    expect(one!.text).toContain("Élodie");
    expect(one!.html).toContain("<!DOCTYPE html>");
    mailer.close();
  });

  it("reads only bare .eml names inside the mail folder", async () => {
    expect(await readStoredEmail(mailDir, "absent.eml")).toBeNull();
    for (const name of [
      "../x.eml",
      "..%2Fx.eml",
      "sub/outbox-1.eml",
      "/etc/passwd.eml",
      "a\\b.eml",
      "outbox-1",
      "outbox-1.eml.txt",
      "",
    ]) {
      expect(await readStoredEmail(mailDir, name), name).toBeNull();
    }
    expect(await listStoredEmails(path.join(mailDir, "absent"), { limit: 5 })).toEqual([]);
  });

  it("refuses a message id that cannot be a file name, and a message without recipient", async () => {
    const mailer = createMailer({ from, smtpUrl: undefined, mailDir });
    const base = { to: "a@exemple.fr", subject: "s", text: "t", html: "<p>t</p>" };
    await expect(mailer.send({ ...base, messageId: "../evil" })).rejects.toThrow(/Invalid messageId/);
    await expect(mailer.send({ ...base, messageId: "a/b" })).rejects.toThrow(/Invalid messageId/);
    await expect(mailer.send({ ...base, to: [], messageId: "outbox-9" })).rejects.toThrow(/no recipient/);
    expect(readdirSync(mailDir).sort()).toEqual(["outbox-1.eml", "outbox-2.eml", "outbox-3.eml"]);
    mailer.close();
  });
});

describe("mailer through SMTP", () => {
  const received: { from: string; to: string[]; raw: Buffer }[] = [];
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  it("delivers the message with its stable Message-ID, subject and accents", async () => {
    const mailDir = mkdtempSync(path.join(tmpdir(), "vae-mail-smtp-"));
    const mailer = createMailer({ from, smtpUrl: `smtp://127.0.0.1:${port}`, mailDir });
    expect(mailer.mode).toBe("smtp");
    const sent = await mailer.send({
      to: ["elodie.marchand@exemple.fr", "conseil@exemple.fr"],
      ...incomplete,
      messageId: "outbox-42",
    });
    mailer.close();
    expect(sent).toEqual({ messageId: "outbox-42" });
    expect(readdirSync(mailDir)).toEqual([]);
    rmSync(mailDir, { recursive: true, force: true });

    expect(received).toHaveLength(1);
    expect(received[0]!.from).toBe("ne-pas-repondre@vae.localhost");
    expect(received[0]!.to).toEqual(["elodie.marchand@exemple.fr", "conseil@exemple.fr"]);
    const parsed = await simpleParser(received[0]!.raw);
    expect(parsed.messageId).toBe("<outbox-42@vae-portal>");
    expect(parsed.subject).toBe("Votre demande de recevabilité est incomplète");
    expect(parsed.text).toContain("Bonjour Élodie Marchand,");
  });

  it("reads transport options from the URL", () => {
    expect(smtpOptionsFromUrl("smtps://user%40x.fr:p%C3%A0ss@smtp.example.fr")).toMatchObject({
      host: "smtp.example.fr",
      port: 465,
      secure: true,
      auth: { user: "user@x.fr", pass: "pàss" },
    });
    expect(smtpOptionsFromUrl("smtp://mail.local:2525?ignoreTLS=true&name=vae.example.fr")).toMatchObject({
      host: "mail.local",
      port: 2525,
      secure: false,
      ignoreTLS: true,
      name: "vae.example.fr",
    });
    expect(smtpOptionsFromUrl("smtp://mail.local?rejectUnauthorized=false").tls).toEqual({ rejectUnauthorized: false });
    expect(() => smtpOptionsFromUrl("smtp://mail.local?pool=true")).toThrow(/option pool is not supported/);
    expect(() => smtpOptionsFromUrl("smtp://mail.local?ignoreTLS=yes")).toThrow(/must be true or false/);
  });
});
