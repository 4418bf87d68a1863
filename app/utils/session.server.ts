// Login sessions: a random token in a signed, httpOnly cookie; the database keeps only the token's SHA-256, its
// user and its expiry, so logging out or deactivating an account ends the session for real.
import { createHash, randomBytes } from "node:crypto";
import { createCookie, redirect } from "@remix-run/node";
import { deleteSession, findLiveSession, insertSession } from "../../db/queries/sessions";
import { getDb } from "./db.server";
import { type PortalConfig, getConfig } from "./env.server";

export const SESSION_COOKIE_NAME = "vae_session";

/** The session cookie for a configuration: Secure in production, where the portal is only reached over HTTPS. */
export function createSessionCookie(config: Pick<PortalConfig, "isProduction" | "sessionSecrets" | "sessionTtlHours">) {
  return createCookie(SESSION_COOKIE_NAME, {
    httpOnly: true,
    sameSite: "lax",
    secure: config.isProduction,
    path: "/",
    secrets: config.sessionSecrets,
    maxAge: config.sessionTtlHours * 3600,
  });
}

let cookie: ReturnType<typeof createCookie> | undefined;
function sessionCookie() {
  cookie ??= createSessionCookie(getConfig());
  return cookie;
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The raw token from the cookie, or null when absent or when its signature does not match (tampered). */
async function readToken(request: Request): Promise<string | null> {
  const value = await sessionCookie().parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 ? value : null;
}

export async function getSessionUserId(request: Request, now = new Date()): Promise<string | null> {
  const token = await readToken(request);
  if (!token) return null;
  const session = await findLiveSession(await getDb(), hashToken(token), now);
  return session?.userId ?? null;
}

/**
 * Starts a new session and returns the Set-Cookie header. The previous session of this browser, if any, is ended:
 * a fresh token at each login prevents session fixation.
 */
export async function startSession(request: Request, userId: string, context: { ip: string | null }): Promise<string> {
  const db = await getDb();
  const previous = await readToken(request);
  if (previous) await deleteSession(db, hashToken(previous));
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + getConfig().sessionTtlHours * 3600_000);
  await insertSession(db, {
    tokenHash: hashToken(token),
    userId,
    expiresAt,
    ip: context.ip,
    userAgent: request.headers.get("User-Agent"),
  });
  return sessionCookie().serialize(token);
}

/** Ends the browser's session and returns a redirect that clears the cookie. */
export async function endSession(request: Request, redirectTo = "/"): Promise<Response> {
  const token = await readToken(request);
  if (token) await deleteSession(await getDb(), hashToken(token));
  return redirect(redirectTo, {
    headers: { "Set-Cookie": await sessionCookie().serialize("", { maxAge: 0, expires: new Date(0) }) },
  });
}
