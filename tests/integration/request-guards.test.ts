// The server's request guards mounted on a real Express server, as server/index.ts mounts them: what reaches the
// handlers behind them, with and without a trusted proxy, and the headers every response carries. The whole portal
// is probed by tests/e2e/security.test.ts.
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { originGuard, securityHeaders } from "../../server/request-guards";

interface Server {
  url: string;
  reached: string[];
  close(): Promise<void>;
}

async function serve(options: { trustProxy: boolean; production: boolean; publicUrl: string }): Promise<Server> {
  const app = express();
  app.set("trust proxy", options.trustProxy);
  app.use(securityHeaders({ production: options.production, devServer: false }));
  app.use(originGuard({ publicUrl: options.publicUrl }));
  const reached: string[] = [];
  app.all("*", (req, res) => {
    reached.push(`${req.method} ${req.originalUrl}`);
    res.type("text/plain").send(`nonce=${res.locals.cspNonce}`);
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    reached,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let direct: Server;
let proxied: Server;
beforeAll(async () => {
  direct = await serve({ trustProxy: false, production: false, publicUrl: "http://localhost:3000" });
  proxied = await serve({ trustProxy: true, production: true, publicUrl: "https://vae.exemple.fr" });
});
afterAll(async () => {
  await direct?.close();
  await proxied?.close();
});

const post = (server: Server, path: string, headers: Record<string, string>) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: "a=1",
  });

describe("request guards on a running Express server", () => {
  it("refuses a cross-origin Remix data request with a French 403 page, before any handler runs", async () => {
    const path = "/admin/comptes/nouveau?_data=routes%2Fadmin.comptes.nouveau";
    const response = await post(direct, path, { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" });
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await response.text()).toContain("Requête refusée");
    expect(direct.reached).not.toContain(`POST ${path}`);
  });

  it("lets through a request from the server's own origin, from PUBLIC_URL's, and from a client that is not a browser", async () => {
    expect((await post(direct, "/a", { Origin: direct.url, "Sec-Fetch-Site": "same-origin" })).status).toBe(200);
    expect((await post(direct, "/b", { Origin: "http://localhost:3000" })).status).toBe(200);
    expect((await post(direct, "/c", {})).status).toBe(200);
    expect(direct.reached).toEqual(expect.arrayContaining(["POST /a", "POST /b", "POST /c"]));
  });

  it("reads the address the client used from X-Forwarded-Host and -Proto only when the proxy is trusted", async () => {
    const forwarded = { "X-Forwarded-Host": "portail.exemple.fr", "X-Forwarded-Proto": "https" };
    expect((await post(proxied, "/d", { ...forwarded, Origin: "https://portail.exemple.fr" })).status).toBe(200);
    expect((await post(direct, "/e", { ...forwarded, Origin: "https://portail.exemple.fr" })).status).toBe(403);
    expect((await post(proxied, "/f", { ...forwarded, Origin: "http://portail.exemple.fr" })).status).toBe(403);
  });

  it("sends each security header once, a fresh CSP nonce per response, and HSTS only in production", async () => {
    const [first, second] = await Promise.all([fetch(`${direct.url}/`), fetch(`${direct.url}/`)]);
    for (const response of [first!, second!]) {
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("same-origin");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("strict-transport-security")).toBeNull();
    }
    const nonces = await Promise.all([first!, second!].map(async (r) => (await r.text()).replace("nonce=", "")));
    expect(nonces[0]).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonces[0]).not.toBe(nonces[1]);
    expect(first!.headers.get("content-security-policy")).toContain(`'nonce-${nonces[0]}'`);
    expect((await fetch(`${proxied.url}/`)).headers.get("strict-transport-security")).toBe("max-age=31536000");
  });
});
