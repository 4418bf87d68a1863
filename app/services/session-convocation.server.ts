// The convocation to the evaluation session, as the outbox delivers it: the session is read from its history row
// (evaluation_sessions, found by the instant it was set), the French e-mail is the first convocation or the "moved"
// one (sequence > 0), and the calendar invitation keeps one UID per candidacy with the row's sequence as SEQUENCE,
// so calendars update the event instead of adding a second one. Each recipient's invitation names only them: the
// candidate and the evaluators do not learn each other's addresses from it.
import type { Kysely } from "kysely";
import { findSessionScheduledAt } from "../../db/queries/evaluation-sessions";
import type { getCandidacySummary } from "../../db/queries/candidacies";
import type { Database } from "../../db/schema";
import type { EmailData } from "../../templates/emails/index";
import { restoreSnapshot } from "../../workflows/candidacy-snapshot";
import { calendarInvite } from "../utils/ics";
import type { CalendarAttachment } from "./mailer.server";

/** The indicative length of the jury interview (booklet: presentation or role play, then questions, per bloc). */
export const SESSION_DURATION_MINUTES = 90;

/** One calendar event per candidacy: every date set is a new SEQUENCE of it. */
export function sessionUid(candidacyId: string): string {
  return `seance-${candidacyId}@vae-portal`;
}

type Summary = NonNullable<Awaited<ReturnType<typeof getCandidacySummary>>>;

export type SessionEmail =
  | { kind: "session_convocation"; data: EmailData["session_convocation"]; calendar: CalendarAttachment }
  | { kind: "session_moved"; data: EmailData["session_moved"]; calendar: CalendarAttachment };

/** The name and address of a From header ("Portail VAE <ne-pas-repondre@x>"). */
function organizerOf(from: string): { name: string; email: string } {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  return match
    ? { name: match[1] || "Portail VAE", email: match[2]!.trim() }
    : { name: "Portail VAE", email: from.trim() };
}

/**
 * The convocation of one recipient, or null when there is nothing to send any more: the session was moved again
 * before this message left (the later convocation follows), or the recipient is no longer part of the candidacy.
 */
export async function sessionConvocationEmail(
  db: Kysely<Database>,
  input: {
    candidacy: Summary;
    reference: string;
    recipient: { id: string; fullName: string; email: string };
    facts: Record<string, string | number | undefined>;
    organizer: string;
  },
): Promise<SessionEmail | null> {
  const { candidacy, recipient, facts } = input;
  const session = await findSessionScheduledAt(db, candidacy.id, String(facts.scheduledAt ?? ""));
  if (!session || session.supersededAt !== null) return null;
  const pair = restoreSnapshot(candidacy.snapshot).context.evaluation.pair;
  const isCandidate = recipient.id === candidacy.candidateId;
  if (!isCandidate && pair?.evaluatorAId !== recipient.id && pair?.evaluatorBId !== recipient.id) return null;

  const startsAt = session.startsAt.toISOString();
  const data: EmailData["session_convocation"] = {
    recipientName: recipient.fullName,
    certificationTitle: candidacy.certificationTitle,
    candidacyReference: input.reference,
    audience: isCandidate ? "candidate" : "evaluator",
    startsAt,
    durationMinutes: SESSION_DURATION_MINUTES,
    mode: session.mode,
    location: session.location,
    ...(isCandidate ? {} : { isPresident: pair?.presidentId === recipient.id }),
  };
  const calendar: CalendarAttachment = {
    method: "REQUEST",
    filename: "convocation.ics",
    content: calendarInvite({
      uid: sessionUid(candidacy.id),
      sequence: session.sequence,
      startsAt,
      durationMinutes: SESSION_DURATION_MINUTES,
      summary: isCandidate
        ? "Entretien avec le jury d'évaluation VAE"
        : `Jury d'évaluation VAE — candidature ${input.reference}`,
      description: `CQP « ${candidacy.certificationTitle} » — candidature ${input.reference}.`,
      location: session.location,
      url: session.mode === "video" ? session.location : undefined,
      organizer: organizerOf(input.organizer),
      attendees: [{ name: recipient.fullName, email: recipient.email }],
      method: "REQUEST",
    }),
  };
  // A newcomer to the pair (an evaluator replaced after the date was set) gets a first convocation.
  if (session.sequence > 0 && !facts.newcomer) {
    return {
      kind: "session_moved",
      data: { ...data, previousStartsAt: session.previousStartsAt?.toISOString() ?? null },
      calendar,
    };
  }
  return { kind: "session_convocation", data, calendar };
}

/**
 * The cancellation, for an evaluator taken off the pair, of the session they were convened to: the same UID and
 * the session's sequence, METHOD:CANCEL. Null when that session no longer exists.
 */
export async function sessionCancellation(
  db: Kysely<Database>,
  input: {
    candidacy: Summary;
    reference: string;
    recipient: { id: string; fullName: string; email: string };
    scheduledAt: string;
    organizer: string;
  },
): Promise<CalendarAttachment | null> {
  const session = await findSessionScheduledAt(db, input.candidacy.id, input.scheduledAt);
  if (!session) return null;
  return {
    method: "CANCEL",
    filename: "annulation.ics",
    content: calendarInvite({
      uid: sessionUid(input.candidacy.id),
      sequence: session.sequence,
      startsAt: session.startsAt.toISOString(),
      durationMinutes: SESSION_DURATION_MINUTES,
      summary: `Jury d'évaluation VAE — candidature ${input.reference}`,
      description: `Vous n'êtes plus évaluateur de la candidature ${input.reference} : cet entretien est annulé pour vous.`,
      location: session.location,
      organizer: organizerOf(input.organizer),
      attendees: [{ name: input.recipient.fullName, email: input.recipient.email }],
      method: "CANCEL",
    }),
  };
}
