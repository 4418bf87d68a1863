// Sessions and the role gate through the same functions the routes call, against a real database:
// a tampered or expired cookie is nobody, a candidate gets a 403 on staff pages, logout ends the session.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStaffAccount, signUpCandidate } from "../../app/services/accounts.server";
import { getOptionalUser, requireRole, requireUser } from "../../app/utils/auth.server";
import { installDatabaseHandle } from "../../app/utils/db.server";
import { SESSION_COOKIE_NAME, endSession, getSessionUserId, startSession } from "../../app/utils/session.server";
import { loader as adminLoader } from "../../app/routes/admin._index";
import { loader as accountLoader } from "../../app/routes/admin.comptes.$userId";
import { type TestDatabase, createTestDatabase } from "./support/test-database";

let testDb: TestDatabase;
let candidateId: string;
let adminId: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  installDatabaseHandle(testDb.handle);
  const candidate = await signUpCandidate(
    testDb.handle.db,
    { email: "c@exemple.fr", fullName: "Can Didat", password: "Tartelette-2026" },
    { ip: null },
  );
  const admin = await createStaffAccount(testDb.handle.db, "system", {
    email: "a@exemple.fr",
    fullName: "Ad Min",
    password: "Clafoutis-2026",
    roles: ["admin"],
  });
  candidateId = candidate.ok ? candidate.value.userId : "";
  adminId = admin.ok ? admin.value.userId : "";
});
afterAll(async () => {
  await testDb?.drop();
});

function cookiePair(setCookie: string) {
  return setCookie.split(";")[0]!;
}

async function loggedInRequest(userId: string, url = "http://localhost/admin") {
  const setCookie = await startSession(new Request(url), userId, { ip: "127.0.0.1" });
  return { request: new Request(url, { headers: { Cookie: cookiePair(setCookie) } }), setCookie };
}

async function thrownBy(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
  throw new Error("expected a thrown Response");
}

describe(`sessions and role gate (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("sets an httpOnly, SameSite=Lax session cookie with an expiry, holding no user data", async () => {
    const { setCookie } = await loggedInRequest(candidateId);
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE_NAME}=`));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Max-Age=\d+/);
    expect(setCookie).not.toContain(candidateId);
    const stored = await testDb.handle.db.selectFrom("sessions").select("token_hash").execute();
    expect(stored.every((s) => /^[0-9a-f]{64}$/.test(s.token_hash))).toBe(true);
  });

  it("recognises the user from a valid cookie", async () => {
    const { request } = await loggedInRequest(candidateId);
    expect(await getSessionUserId(request)).toBe(candidateId);
    expect((await requireUser(request)).roles).toEqual(["candidate"]);
  });

  it("looks the reader up once per request of the same load context, and again for a new request or an action", async () => {
    const { request } = await loggedInRequest(candidateId);
    const context = { clientIp: "127.0.0.1", cspNonce: "" };
    const first = requireUser(request, context);
    // The root loader and the page's loader of one reading share one lookup...
    expect(getOptionalUser(new Request(request), context)).toBe(getOptionalUser(request, context));
    expect((await first).id).toBe(candidateId);
    // ...which stays with that request: once the session ends, the next request is nobody's.
    await endSession(request);
    expect((await thrownBy(requireUser(request, { clientIp: "127.0.0.1", cspNonce: "" }))).status).toBe(302);
    const post = new Request(request.url, { method: "POST", headers: request.headers });
    expect((await thrownBy(requireUser(post, context))).status).toBe(302);
  });

  it("treats a tampered cookie as no session", async () => {
    const { request } = await loggedInRequest(adminId);
    const cookie = request.headers.get("Cookie")!;
    const value = decodeURIComponent(cookie.split("=").slice(1).join("="));
    const forged = `${SESSION_COOKIE_NAME}=${encodeURIComponent(btoa(JSON.stringify("forged-token")) + value.slice(value.lastIndexOf(".")))}`;
    const tampered = new Request("http://localhost/admin", { headers: { Cookie: forged } });
    expect(await getSessionUserId(tampered)).toBeNull();
    const flipped = cookie.slice(0, -2) + (cookie.endsWith("A") ? "BB" : "AA");
    expect(await getSessionUserId(new Request("http://localhost/admin", { headers: { Cookie: flipped } }))).toBeNull();
    const response = await thrownBy(adminLoader({ request: tampered, params: {}, context: { clientIp: "127.0.0.1" } }));
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/connexion?redirectTo=%2Fadmin");
  });

  it("treats an expired session as no session", async () => {
    const { request } = await loggedInRequest(candidateId);
    expect(await getSessionUserId(request, new Date(Date.now() + 13 * 3600_000))).toBeNull();
  });

  it("rotates the session at login: the previous token of the browser stops working", async () => {
    const { request: first } = await loggedInRequest(candidateId);
    const second = await startSession(first, candidateId, { ip: null });
    expect(await getSessionUserId(first)).toBeNull();
    expect(await getSessionUserId(new Request("http://localhost/", { headers: { Cookie: cookiePair(second) } }))).toBe(
      candidateId,
    );
  });

  it("gives a candidate a 403 on a staff page, with a message that names nothing", async () => {
    const { request } = await loggedInRequest(candidateId);
    const response = await thrownBy(adminLoader({ request, params: {}, context: { clientIp: "127.0.0.1" } }));
    expect(response.status).toBe(403);
    const body = await response.json();
    expect(body).toEqual({ message: "Vous n'avez pas accès à cette page." });
    const other = await thrownBy(
      accountLoader({ request, params: { userId: adminId }, context: { clientIp: "127.0.0.1" } }),
    );
    expect(other.status).toBe(403);
    expect(JSON.stringify(await other.json())).not.toContain("a@exemple.fr");
  });

  it("lets the admin through, and answers 404 for an unknown account id", async () => {
    const { request } = await loggedInRequest(adminId);
    const admin = await requireRole(request, "admin");
    expect(admin.actingRole).toBe("admin");
    const response = await thrownBy(
      accountLoader({ request, params: { userId: "not-a-uuid" }, context: { clientIp: "127.0.0.1" } }),
    );
    expect(response.status).toBe(404);
  });

  it("ends the session at logout and clears the cookie", async () => {
    const { request } = await loggedInRequest(candidateId);
    const response = await endSession(request, "/connexion");
    expect(response.headers.get("Set-Cookie")).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
    expect(await getSessionUserId(request)).toBeNull();
  });

  it("ends the sessions of a deactivated account", async () => {
    const { request } = await loggedInRequest(candidateId);
    await testDb.handle.db.updateTable("users").set({ is_active: false }).where("id", "=", candidateId).execute();
    expect(await getSessionUserId(request)).toBeNull();
    await testDb.handle.db.updateTable("users").set({ is_active: true }).where("id", "=", candidateId).execute();
  });
});
