// The sizes the public verification page accepts, shown on the page and enforced by its action.

/** The longest PDF or credential file accepted: issued documents weigh a few hundred kilobytes. */
export const VERIFICATION_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
/** A compact JWT of an issued credential is a few kilobytes; anything much longer is not one of ours. */
export const CREDENTIAL_TEXT_MAX_CHARS = 64 * 1024;
