// What the Express server checks and adds on every request before Remix sees it: the origin of any request that
// may change something (forged cross-origin requests are refused with a 403), and the security headers, with a
// fresh Content-Security-Policy nonce per request for the inline scripts Remix renders. See docs/decisions/014.
import { randomBytes } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { loggerFor } from "../app/utils/logger.server";

const log = loggerFor("request-guards");

/** Methods that never change anything, so that any page may send them (links, images, prefetches). */
const SAFE_METHODS = new Set(["GET", "HEAD"]);

export type OriginVerdict = { allowed: true } | { allowed: false; reason: string };

export interface RequestOriginFacts {
  method: string;
  /** The Origin header, "null" included. */
  origin?: string | undefined;
  /** The Sec-Fetch-Site header that browsers set and pages cannot forge. */
  secFetchSite?: string | undefined;
  referer?: string | undefined;
}

/** The origin of a URL ("https://vae.exemple.fr"), or null when it is not an http(s) URL. */
export function originOf(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin : null;
  } catch {
    return null;
  }
}

/**
 * Whether a request may reach the portal's actions. Any method but GET and HEAD must come from one of
 * `allowedOrigins`: a browser says where a request comes from with Sec-Fetch-Site (every current browser) and
 * Origin (on every POST); both are checked when present. A request with neither comes from a client that is not a
 * browser (curl, a script), which cannot carry a user's session cookie anyway, or from a browser too old to send
 * them: it passes unless its Referer names another origin.
 */
export function checkRequestOrigin(facts: RequestOriginFacts, allowedOrigins: readonly string[]): OriginVerdict {
  if (SAFE_METHODS.has(facts.method.toUpperCase())) return { allowed: true };
  const allowed = new Set(allowedOrigins.map((o) => originOf(o)).filter((o): o is string => o !== null));
  const site = facts.secFetchSite?.trim().toLowerCase();
  // "same-site" is refused too: another origin of the same site (a sibling subdomain) is not the portal.
  if (site && site !== "same-origin") return { allowed: false, reason: `Sec-Fetch-Site is ${site}` };
  if (facts.origin !== undefined) {
    const origin = originOf(facts.origin);
    if (!origin || !allowed.has(origin))
      return { allowed: false, reason: `Origin ${facts.origin.slice(0, 200)} is not the portal's` };
    return { allowed: true };
  }
  if (site) return { allowed: true };
  if (facts.referer !== undefined) {
    const origin = originOf(facts.referer);
    if (!origin || !allowed.has(origin)) return { allowed: false, reason: "Referer is not a page of the portal" };
  }
  return { allowed: true };
}

/**
 * The origin the client addressed: the protocol Express derived (X-Forwarded-Proto when the proxy is trusted) and
 * the host, from X-Forwarded-Host only when the proxy is trusted, as Express itself decides for req.hostname.
 */
export function ownOrigin(req: Request): string | null {
  const trust = req.app.get("trust proxy fn") as ((address: string | undefined, hop: number) => boolean) | undefined;
  const forwarded = req.get("x-forwarded-host");
  const host = forwarded && trust?.(req.socket.remoteAddress, 0) ? forwarded.split(",")[0]!.trim() : req.get("host");
  return host ? originOf(`${req.protocol}://${host}`) : null;
}

const REFUSAL_PAGE = `<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Requête refusée — Portail VAE</title></head>
<body>
<h1>Requête refusée</h1>
<p>Cette action n'a pas été envoyée depuis une page du portail VAE : par sécurité, elle est refusée et rien n'a été modifié.</p>
<p>Ouvrez le portail à son adresse habituelle, rechargez la page et recommencez.</p>
<p><a href="/">Retour à l'accueil du portail</a></p>
</body>
</html>
`;

/** Refuses, with a 403 and a short French page, any state-changing request that does not come from the portal. */
export function originGuard(options: { publicUrl: string }): RequestHandler {
  const publicOrigin = originOf(options.publicUrl);
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const allowedOrigins = [ownOrigin(req), publicOrigin].filter((o): o is string => o !== null);
    const verdict = checkRequestOrigin(
      {
        method: req.method,
        origin: req.get("origin"),
        secFetchSite: req.get("sec-fetch-site"),
        referer: req.get("referer"),
      },
      allowedOrigins,
    );
    if (verdict.allowed) return next();
    // The path only, without its query: enough to see what was targeted, nothing personal.
    log.warn(
      { method: req.method, path: req.path, reason: verdict.reason, allowedOrigins },
      "Cross-origin request refused",
    );
    res.status(403).set({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }).send(REFUSAL_PAGE);
  };
}

/** The Content-Security-Policy of every response: scripts only from the portal or carrying this request's nonce. */
export function contentSecurityPolicy(nonce: string, options: { devServer: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    // Vite's dev overlay injects <style> elements; the built portal has none. Style attributes are allowed because
    // the admin's preview of a stored e-mail (a srcdoc frame, which inherits this policy) is styled inline.
    options.devServer ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    // Vite's hot reload talks over a WebSocket on its own port.
    options.devServer ? "connect-src 'self' ws: wss:" : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Headers of every response. HSTS only in production, where the portal is reached over HTTPS; elsewhere it would
 * pin a developer's browser to HTTPS on localhost.
 */
export function securityHeaders(options: { production: boolean; devServer: boolean }): RequestHandler {
  return (_req, res, next) => {
    const nonce = randomBytes(16).toString("base64");
    // Handed to Remix through the load context (getLoadContext in server/index.ts).
    res.locals.cspNonce = nonce;
    res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce, options));
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
    if (options.production) res.setHeader("Strict-Transport-Security", "max-age=31536000");
    next();
  };
}
