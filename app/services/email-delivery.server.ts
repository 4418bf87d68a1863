// Delivers the outbox's e-mail messages: the outbox row names the notification, its recipient and the facts of
// the event; the rest (names, titles, references) is read fresh at delivery time, then the French template is
// rendered and handed to the mailer under the stable id "outbox-<row id>" (resending overwrites, never duplicates).
import type { Kysely } from "kysely";
import { getCandidacySummary } from "../../db/queries/candidacies";
import type { Database } from "../../db/schema";
import { ACCOUNT_EMAIL_KINDS, type EmailData, type EmailKind, renderEmail } from "../../templates/emails/index";
import { restoreSnapshot } from "../../workflows/candidacy-snapshot";
import { evaluationDeadline } from "../../workflows/candidacy-effects";
import type { OutboxMessage } from "./worker.server";
import type { CalendarAttachment, Mailer } from "./mailer.server";
import { sessionCancellation, sessionConvocationEmail } from "./session-convocation.server";
import { resultEmailData } from "./results.server";

type Facts = Record<string, string | number | undefined>;

/** How staff refer to a candidacy in the portal and in e-mails. */
export function candidacyReference(candidacyId: string, requestedAt: Date | null, createdAt: Date): string {
  const year = (requestedAt ?? createdAt).getUTCFullYear();
  return `VAE-${year}-${candidacyId.slice(0, 8).toUpperCase()}`;
}

/**
 * A message that no retry can deliver (unknown topic, missing data, a recipient the SMTP server refuses for good):
 * the worker makes it a dead letter at once instead of retrying it.
 */
export class UndeliverableError extends Error {
  override name = "UndeliverableError";
}

/** The SMTP server refused the recipient for good (a 5xx answer to RCPT TO, e.g. 550 no such mailbox). */
export function isPermanentRecipientRefusal(error: unknown): boolean {
  const e = error as { responseCode?: unknown; command?: unknown; code?: unknown } | null;
  return (
    typeof e?.responseCode === "number" &&
    e.responseCode >= 500 &&
    e.responseCode < 600 &&
    (e.command === "RCPT TO" || e.code === "EENVELOPE")
  );
}

export function emailDeliverer(db: Kysely<Database>, mailer: Mailer, publicUrl: string) {
  return async function deliver(message: OutboxMessage): Promise<void> {
    if (message.topic !== "email") throw new UndeliverableError(`Unknown outbox topic ${message.topic}`);
    const payload = message.payload as { email: EmailKind; recipientId: string; facts: Facts };
    const recipient = await db
      .selectFrom("users")
      .select(["email", "full_name", "is_active"])
      .where("id", "=", payload.recipientId)
      .executeTakeFirst();
    // A deleted or deactivated account receives nothing: the message is done, there is no one to tell.
    if (!recipient?.is_active) return;
    if ((ACCOUNT_EMAIL_KINDS as readonly string[]).includes(payload.email)) {
      // About the account itself: no candidacy to read, the recipient and the facts are all there is.
      const data = { recipientName: recipient.full_name, ...payload.facts };
      const rendered = renderEmail(payload.email, data as never, { publicUrl });
      await mailer.send({ to: recipient.email, ...rendered, messageId: `outbox-${message.id}` });
      return;
    }
    const candidacy = message.candidacy_id ? await getCandidacySummary(db, message.candidacy_id) : undefined;
    if (!candidacy) return;
    let rendered: ReturnType<typeof renderEmail>;
    let calendar: CalendarAttachment | undefined;
    if (payload.email === "session_convocation") {
      // The convocation is built from the session's history row, with its calendar invitation.
      const convocation = await sessionConvocationEmail(db, {
        candidacy,
        reference: candidacyReference(candidacy.id, candidacy.requestedAt, candidacy.createdAt),
        recipient: { id: payload.recipientId, fullName: recipient.full_name, email: recipient.email },
        facts: payload.facts,
        organizer: mailer.from,
      });
      if (!convocation) return;
      rendered = renderEmail(convocation.kind, convocation.data as never, { publicUrl });
      calendar = convocation.calendar;
    } else if (payload.email === "evaluator_replaced" && payload.facts.scheduledAt) {
      // Taken off the pair after the date was set: the same calendar event, cancelled for them.
      const reference = candidacyReference(candidacy.id, candidacy.requestedAt, candidacy.createdAt);
      calendar =
        (await sessionCancellation(db, {
          candidacy,
          reference,
          recipient: { id: payload.recipientId, fullName: recipient.full_name, email: recipient.email },
          scheduledAt: String(payload.facts.scheduledAt),
          organizer: mailer.from,
        })) ?? undefined;
      rendered = renderEmail(
        "evaluator_replaced",
        {
          recipientName: recipient.full_name,
          certificationTitle: candidacy.certificationTitle,
          candidacyReference: reference,
          sessionCancelled: calendar !== undefined,
          conflictDeclared: payload.facts.conflictDeclared === 1,
        },
        { publicUrl },
      );
    } else {
      const data =
        payload.email === "result"
          ? await resultData(db, candidacy, recipient.full_name)
          : emailData(payload.email, payload.facts, {
              recipientName: recipient.full_name,
              recipientId: payload.recipientId,
              candidacy,
            });
      rendered = renderEmail(payload.email, data as never, { publicUrl });
    }
    try {
      await mailer.send({ to: recipient.email, ...rendered, messageId: `outbox-${message.id}`, calendar });
    } catch (error) {
      // Other SMTP failures (connection, 4xx, authentication) may pass later: they are retried.
      if (isPermanentRecipientRefusal(error)) {
        throw new UndeliverableError(`The SMTP server refused the recipient: ${(error as Error).message}`, {
          cause: error,
        });
      }
      throw error;
    }
  };
}

type Summary = NonNullable<Awaited<ReturnType<typeof getCandidacySummary>>>;

/** The result e-mail: per bloc aimed at, awarded or not, and why (app/services/results.server.ts). */
async function resultData(
  db: Kysely<Database>,
  candidacy: Summary,
  recipientName: string,
): Promise<EmailData["result"]> {
  const data = await resultEmailData(db, candidacy.id, recipientName);
  if (!data) throw new UndeliverableError(`Candidacy ${candidacy.id} has no recorded decision`);
  return data;
}

function emailData(
  kind: EmailKind,
  facts: Facts,
  ctx: { recipientName: string; recipientId: string; candidacy: Summary },
): EmailData[EmailKind] {
  const { candidacy } = ctx;
  const context = restoreSnapshot(candidacy.snapshot).context;
  const base = { recipientName: ctx.recipientName, certificationTitle: candidacy.certificationTitle };
  const about = {
    ...base,
    candidacyReference: candidacyReference(candidacy.id, candidacy.requestedAt, candidacy.createdAt),
  };
  const str = (key: string) => String(facts[key] ?? "");
  const num = (key: string) => Number(facts[key] ?? 0);
  const firstFiling = context.dossier.submittedAt ?? new Date().toISOString();
  switch (kind) {
    case "request_received":
      return { ...base, requestedAt: str("requestedAt") || (context.admissibility.requestedAt ?? candidacy.createdAt) };
    case "request_incomplete":
      return { ...base, reason: str("reason") };
    case "admissible":
      return { ...base, validityEndsOn: context.admissibility.validityEndsOn ?? null };
    case "inadmissible":
      return { ...base, reason: str("reason") };
    case "admissible_by_silence":
      return {
        ...base,
        completedAt: context.admissibility.completedAt ?? candidacy.createdAt,
        deemedAdmissibleOn: context.admissibility.decidedAt ?? new Date(),
        validityEndsOn: context.admissibility.validityEndsOn ?? null,
      };
    case "dossier_received":
      return {
        ...base,
        version: num("version"),
        submittedAt: str("submittedAt"),
        evaluationDeadline: str("evaluationDeadline"),
      };
    case "dossier_sent_back":
      return { ...base, version: context.dossier.currentVersion + 1, reason: str("reason") };
    case "evaluators_assigned":
      return {
        ...about,
        evaluationDeadline: evaluationDeadline(firstFiling),
        isPresident: context.evaluation.pair?.presidentId === ctx.recipientId,
      };
    case "admissibility_deadline_reminder":
      return { ...about, candidateName: candidacy.candidateName, deadline: str("deadline"), daysLeft: num("daysLeft") };
    case "validity_expiry_reminder":
      return { ...base, validityEndsOn: str("validityEndsOn"), daysLeft: num("daysLeft") };
    case "evaluation_deadline_reminder":
      return {
        ...about,
        audience:
          context.evaluation.pair &&
          [context.evaluation.pair.evaluatorAId, context.evaluation.pair.evaluatorBId].includes(ctx.recipientId)
            ? "evaluator"
            : "certifier_staff",
        deadline: str("deadline"),
        daysLeft: num("daysLeft"),
      };
    case "evaluation_overdue":
      return { ...about, deadline: str("deadline"), daysOverdue: 0 };
    case "result_notification_reminder":
      return { ...about, decidedAt: str("decidedAt"), notifyBy: str("due"), daysLeft: num("daysLeft") };
    case "result":
      throw new UndeliverableError("The result e-mail is built from the recorded decision (resultData)");
    case "certificate_issued":
      // Enqueued by the issuing (app/services/certificate-issuing.server.ts) once the document is recorded.
      return { ...base, kind: str("kind") === "full" ? "full" : "blocs", link: "/candidat/certifications" };
    case "sign_up_welcome":
    case "sign_up_existing_account":
      throw new UndeliverableError("Account e-mails are rendered without a candidacy");
    case "evaluator_conflict_declared":
      return {
        ...about,
        candidacyId: candidacy.id,
        slot: str("slot") === "B" ? "B" : "A",
        // The last day of the period, as a calendar date: the deadline is the first instant after it.
        evaluationDeadline: new Date(
          Date.parse(evaluationDeadline(context.dossier.firstSubmittedAt ?? firstFiling)) - 1,
        )
          .toISOString()
          .slice(0, 10),
      };
    case "evaluator_replaced":
      return about;
    case "session_convocation":
    case "session_moved":
      throw new UndeliverableError("Convocations are built from the recorded session (sessionEmail)");
  }
}
