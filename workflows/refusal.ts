// The one shape of a refusal across the services: a code for the program, an HTTP status for the route, a French
// message shown to the user as is, and, for a form, the message of each field at fault.

export type RefusalStatus = 400 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

export interface Refusal {
  ok: false;
  code: string;
  status: RefusalStatus;
  message: string;
  fieldErrors?: Record<string, string>;
}

/** A refusal; 400 unless said otherwise (403: not this person's to do, 404: not theirs to see, 409: not now). */
export function refuse(
  code: string,
  message: string,
  options: { status?: RefusalStatus; fieldErrors?: Record<string, string> } = {},
): Refusal {
  return {
    ok: false,
    code,
    status: options.status ?? 400,
    message,
    ...(options.fieldErrors ? { fieldErrors: options.fieldErrors } : {}),
  };
}

export function isRefusal(value: unknown): value is Refusal {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { ok?: unknown }).ok === false &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** The code of a refusal whose only message is the fields': the form shows them beside the fields, no banner. */
export const INVALID_FIELDS = "invalid_fields";
const INVALID_FIELDS_MESSAGE = "Vérifiez les champs signalés.";

/** A form refused field by field. */
export function refuseFields(fieldErrors: Record<string, string>, status: RefusalStatus = 400): Refusal {
  return refuse(INVALID_FIELDS, INVALID_FIELDS_MESSAGE, { status, fieldErrors });
}

/** What a form shows above its fields for this refusal: nothing when the fields say it all. */
export function formAlertOf(refusal: Pick<Refusal, "code" | "message">): string | null {
  return refusal.code === INVALID_FIELDS ? null : refusal.message;
}

/** A refusal's code from its status, where the service only knew the status. */
export function codeOfStatus(status: RefusalStatus): string {
  switch (status) {
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 409:
      return "wrong_state";
    case 413:
      return "too_large";
    case 415:
      return "unsupported_type";
    case 429:
      return "throttled";
    case 503:
      return "unavailable";
    default:
      return "invalid";
  }
}

/** The HTTP status of a statechart rule's refusal code. */
export function statusOfRuleCode(code: string): RefusalStatus {
  switch (code) {
    case "not_found":
      return 404;
    case "wrong_role":
    case "not_owner":
    case "system_only":
    case "role_conflict":
    case "not_assigned":
    case "not_president":
      return 403;
    case "wrong_state":
    case "already_started":
    case "already_submitted":
    case "already_signed":
    case "send_back_used":
    case "scoring_started":
    case "session_held":
    case "attendance_recorded":
    case "candidacy_in_progress":
      return 409;
    case "quota_same_certification":
    case "quota_per_year":
      return 422;
    default:
      return 400;
  }
}
