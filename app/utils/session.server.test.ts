import { describe, expect, it } from "vitest";
import { createSessionCookie } from "./session.server";

const secrets = ["s".repeat(32)];

describe("createSessionCookie", () => {
  it("is httpOnly, SameSite=Lax, expiring, and Secure in production", async () => {
    const header = await createSessionCookie({
      isProduction: true,
      sessionSecrets: secrets,
      sessionTtlHours: 12,
    }).serialize("token");
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Lax/);
    expect(header).toMatch(/Max-Age=43200/);
    expect(header).toMatch(/Secure/);
  });

  it("is not Secure outside production, so the embedded default works over http://localhost", async () => {
    const header = await createSessionCookie({
      isProduction: false,
      sessionSecrets: secrets,
      sessionTtlHours: 12,
    }).serialize("token");
    expect(header).not.toMatch(/Secure/);
  });

  it("rejects a value signed with another secret", async () => {
    const signed = await createSessionCookie({
      isProduction: false,
      sessionSecrets: ["o".repeat(32)],
      sessionTtlHours: 1,
    }).serialize("token");
    const cookie = createSessionCookie({ isProduction: false, sessionSecrets: secrets, sessionTtlHours: 1 });
    expect(await cookie.parse(signed.split(";")[0]!)).toBeNull();
  });
});
