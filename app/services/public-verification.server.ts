// The public verification page's service: every look-up (a code typed or followed, a PDF or a credential checked)
// first takes one hit of the per-IP throttle shared with the login form (throttle_hits), so that nobody can walk the
// code space or hammer the page; then it asks the verification service. The page itself shows only what
// verifyByCode returns (docs/decisions/028).
import type { Kysely } from "kysely";
import { type ThrottleLimit, reserveThrottleHits } from "../../db/queries/sessions";
import type { Database } from "../../db/schema";
import { type Refusal, refuse } from "../../workflows/refusal";
import {
  type PublicVerification,
  verifyByCode,
  verifyCredentialText,
  verifyPdfBytes,
} from "./certificate-verification.server";
import { issuingDepsFromConfig } from "./certificate-screens.server";
import { publishedJwks } from "./credentials/issuer.server";

/**
 * Look-ups tolerated per IP address in the window. An employer checks a handful of documents; a training centre
 * behind one address may check a group's. Far too few to enumerate 80-bit codes at any rate.
 */
export const VERIFICATION_THROTTLE = { windowMinutes: 10, perIp: 60 } as const;
export const VERIFICATION_THROTTLED_MESSAGE = `Trop de vérifications ont été demandées depuis cette connexion. Par sécurité, réessayez dans ${VERIFICATION_THROTTLE.windowMinutes} minutes.`;

export interface VisitorContext {
  ip: string;
  now?: Date;
}

export type CredentialCheck = Awaited<ReturnType<typeof verifyCredentialText>>;
export type PdfCheck = Awaited<ReturnType<typeof verifyPdfBytes>>;

async function takeHit(db: Kysely<Database>, context: VisitorContext): Promise<Refusal | null> {
  const limit: ThrottleLimit = {
    bucket: "verify-ip",
    key: context.ip,
    limit: VERIFICATION_THROTTLE.perIp,
    windowSeconds: VERIFICATION_THROTTLE.windowMinutes * 60,
  };
  const reservation = await reserveThrottleHits(db, [limit], context.now ?? new Date());
  return reservation.ok ? null : refuse("throttled", VERIFICATION_THROTTLED_MESSAGE, { status: 429 });
}

/** What the page shows for a code: the same shape whether the code is valid, revoked or unknown. */
export async function lookUpVerificationCode(
  db: Kysely<Database>,
  code: string,
  context: VisitorContext,
): Promise<{ ok: true; verification: PublicVerification } | Refusal> {
  const throttled = await takeHit(db, context);
  if (throttled) return throttled;
  return { ok: true, verification: await verifyByCode(db, code) };
}

/** A PDF brought to the page, compared byte for byte (SHA-256) with every issued edition of the page's code. */
export async function comparePdfWithIssued(
  db: Kysely<Database>,
  code: string,
  bytes: Uint8Array,
  context: VisitorContext,
): Promise<{ ok: true; pdf: PdfCheck } | Refusal> {
  const throttled = await takeHit(db, context);
  if (throttled) return throttled;
  return { ok: true, pdf: await verifyPdfBytes(db, code, bytes) };
}

/** A credential brought to the page: its signature, its certificate's status and that it says what was issued. */
export async function checkCredential(
  db: Kysely<Database>,
  text: string,
  context: VisitorContext,
): Promise<{ ok: true; credential: CredentialCheck } | Refusal> {
  const throttled = await takeHit(db, context);
  if (throttled) return throttled;
  // Every published key, retired ones included: a credential signed before a rotation still verifies here.
  const deps = { ...issuingDepsFromConfig(), publishedKeys: () => publishedJwks() };
  return { ok: true, credential: await verifyCredentialText(db, deps, text) };
}
