import { describe, expect, it } from "vitest";
import { checkRequestOrigin, contentSecurityPolicy, originOf } from "./request-guards";

const PORTAL = ["http://127.0.0.1:3000", "https://vae.exemple.fr"];

describe("checkRequestOrigin", () => {
  it.each([
    ["a same-origin form", { method: "POST", origin: "http://127.0.0.1:3000", secFetchSite: "same-origin" }],
    [
      "a form on PUBLIC_URL's origin",
      { method: "POST", origin: "https://vae.exemple.fr", secFetchSite: "same-origin" },
    ],
    ["an origin written with its default port", { method: "POST", origin: "https://VAE.exemple.fr:443" }],
    ["a GET from anywhere", { method: "GET", origin: "https://evil.example", secFetchSite: "cross-site" }],
    ["a HEAD from anywhere", { method: "HEAD", secFetchSite: "cross-site" }],
    ["a client that is not a browser (no Origin, no Sec-Fetch-Site, no Referer)", { method: "POST" }],
    ["an old browser with a same-origin Referer", { method: "POST", referer: "http://127.0.0.1:3000/connexion" }],
    ["Sec-Fetch-Site same-origin without Origin", { method: "DELETE", secFetchSite: "same-origin" }],
  ])("lets through %s", (_label, facts) => {
    expect(checkRequestOrigin(facts, PORTAL)).toEqual({ allowed: true });
  });

  it.each([
    ["a foreign Origin", { method: "POST", origin: "https://evil.example" }],
    [
      "a foreign Origin on a Remix data request",
      { method: "POST", origin: "http://127.0.0.1:4000", secFetchSite: "same-site" },
    ],
    ["another port of the same host", { method: "POST", origin: "http://127.0.0.1:4000" }],
    ["http instead of https", { method: "POST", origin: "http://vae.exemple.fr" }],
    [
      "a sibling subdomain (same site)",
      { method: "POST", origin: "https://autre.exemple.fr", secFetchSite: "same-site" },
    ],
    [
      "Sec-Fetch-Site cross-site even with a portal Origin",
      { method: "POST", origin: "https://vae.exemple.fr", secFetchSite: "cross-site" },
    ],
    ["Sec-Fetch-Site none", { method: "POST", secFetchSite: "none" }],
    ["an opaque origin", { method: "POST", origin: "null" }],
    ["a garbled origin", { method: "POST", origin: "not a url" }],
    ["a non-http origin", { method: "POST", origin: "file://" }],
    ["a foreign Referer without Origin", { method: "POST", referer: "https://evil.example/page" }],
    ["PUT, PATCH and DELETE alike", { method: "PATCH", origin: "https://evil.example" }],
    ["OPTIONS", { method: "OPTIONS", origin: "https://evil.example" }],
    [
      "a same-origin Sec-Fetch-Site with a foreign Origin",
      { method: "POST", origin: "https://evil.example", secFetchSite: "same-origin" },
    ],
  ])("refuses %s", (_label, facts) => {
    expect(checkRequestOrigin(facts, PORTAL)).toMatchObject({ allowed: false });
  });
});

describe("originOf", () => {
  it("normalises an http(s) URL to its origin and refuses anything else", () => {
    expect(originOf("HTTPS://Vae.Exemple.fr:443/connexion?x=1")).toBe("https://vae.exemple.fr");
    expect(originOf("http://localhost:3000/")).toBe("http://localhost:3000");
    expect(originOf("javascript:alert(1)")).toBeNull();
    expect(originOf("")).toBeNull();
    expect(originOf(undefined)).toBeNull();
  });
});

describe("contentSecurityPolicy", () => {
  it("allows scripts only from the portal or with this response's nonce, and no framing, plugin or base change", () => {
    const policy = contentSecurityPolicy("abc123", { devServer: false });
    expect(policy).toContain("script-src 'self' 'nonce-abc123'");
    expect(policy).not.toContain("unsafe-eval");
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("base-uri 'none'");
    expect(policy).toContain("form-action 'self'");
  });

  it("lets Vite's dev server reload over its WebSocket, only in development", () => {
    expect(contentSecurityPolicy("n", { devServer: true })).toContain("connect-src 'self' ws: wss:");
    expect(contentSecurityPolicy("n", { devServer: false })).toContain("connect-src 'self';");
  });
});
