// The portal's notification e-mails, in French: renderEmail(kind, data, { publicUrl }) gives the subject, the plain
// text and the HTML (every interpolated value escaped) of one message. Services call it after their transaction
// commits and hand the result to the mailer; templates hold wording and layout only, never a rule.
import * as account from "./account";
import * as candidate from "./candidate";
import { type RenderedEmail, type TemplateOutput, renderLayout } from "./layout";
import * as sessions from "./sessions";
import * as staff from "./staff";
import type { EmailData, EmailKind } from "./types";

export { ACCOUNT_EMAIL_KINDS, EMAIL_KINDS } from "./types";
export type * from "./types";
export type { DateInput, PortalPath, RenderedEmail } from "./layout";

export interface RenderOptions {
  /** The portal's public address (getConfig().publicUrl): every link in the e-mail is absolute under it. */
  publicUrl: string;
}

const TEMPLATES: { [K in EmailKind]: (data: EmailData[K]) => TemplateOutput } = {
  request_received: candidate.requestReceived,
  request_incomplete: candidate.requestIncomplete,
  admissible: candidate.admissible,
  inadmissible: candidate.inadmissible,
  admissible_by_silence: candidate.admissibleBySilence,
  dossier_received: candidate.dossierReceived,
  dossier_sent_back: candidate.dossierSentBack,
  evaluators_assigned: staff.evaluatorsAssigned,
  result: candidate.result,
  certificate_issued: candidate.certificateIssued,
  admissibility_deadline_reminder: staff.admissibilityDeadlineReminder,
  validity_expiry_reminder: candidate.validityExpiryReminder,
  evaluation_deadline_reminder: staff.evaluationDeadlineReminder,
  evaluation_overdue: staff.evaluationOverdue,
  result_notification_reminder: staff.resultNotificationReminder,
  sign_up_welcome: account.signUpWelcome,
  sign_up_existing_account: account.signUpExistingAccount,
  session_convocation: sessions.sessionConvocation,
  session_moved: sessions.sessionMoved,
  evaluator_conflict_declared: sessions.evaluatorConflictDeclared,
  evaluator_replaced: sessions.evaluatorReplaced,
};

export function renderEmail<K extends EmailKind>(kind: K, data: EmailData[K], options: RenderOptions): RenderedEmail {
  const template = TEMPLATES[kind] as (data: EmailData[K]) => TemplateOutput;
  if (!template) throw new Error(`Unknown e-mail kind "${String(kind)}"`);
  return renderLayout(data.recipientName, template(data), options.publicUrl);
}
