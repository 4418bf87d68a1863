// A real SMTP server (smtp-server) for tests: it keeps every message it accepts with its Message-ID, can answer
// slowly (a slow relay), and can refuse chosen recipients with a permanent 550.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedMessage {
  messageId: string;
  to: string[];
  raw: string;
}

export interface SmtpTestServer {
  url: string;
  received: ReceivedMessage[];
  /** Message-IDs of the messages left hanging (never acknowledged). */
  hanging: string[];
  /** How many times each Message-ID (without its angle brackets) was received. */
  countsByMessageId(): Map<string, number>;
  close(): Promise<void>;
}

export interface SmtpTestServerOptions {
  /** Milliseconds the server waits before accepting a message: a slow relay (may depend on the message). */
  delayMs?: number | ((messageId: string) => number);
  /** Recipients refused at RCPT TO with a permanent error (550). */
  rejectRecipients?: (address: string) => boolean;
  /** Messages whose data is never acknowledged: a relay that hangs mid-send. */
  hang?: (messageId: string) => boolean;
}

export async function startSmtpTestServer(options: SmtpTestServerOptions = {}): Promise<SmtpTestServer> {
  const received: ReceivedMessage[] = [];
  const hanging: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    // Connections left hanging on purpose are cut soon after close().
    closeTimeout: 200,
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipients?.(address.address)) {
        const error = new Error("No such user here") as Error & { responseCode: number };
        error.responseCode = 550;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const messageId = /^Message-ID:\s*<([^>]+)>/im.exec(raw)?.[1] ?? "";
        if (options.hang?.(messageId)) {
          hanging.push(messageId);
          return;
        }
        const delay = typeof options.delayMs === "function" ? options.delayMs(messageId) : (options.delayMs ?? 0);
        setTimeout(() => {
          received.push({ messageId, to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        }, delay);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    received,
    hanging,
    countsByMessageId() {
      const counts = new Map<string, number>();
      for (const m of received) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
      return counts;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
