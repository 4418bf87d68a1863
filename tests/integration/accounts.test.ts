// Accounts against a real database: sign-up, staff accounts, authentication with throttling, admin changes.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { emailDeliverer } from "../../app/services/email-delivery.server";
import { createMailer, listStoredEmails, readStoredEmail } from "../../app/services/mailer.server";
import { listAuditEvents } from "../../db/queries/audit";
import { findUserByEmail, getUserWithRoles } from "../../db/queries/users";
import {
  DUPLICATE_EMAIL_MESSAGE,
  INVALID_CREDENTIALS_MESSAGE,
  LOGIN_THROTTLE,
  SIGN_UP_THROTTLE,
  SIGN_UP_THROTTLED_MESSAGE,
  authenticate,
  createStaffAccount,
  requestCandidateSignUp,
  signUpCandidate,
  updateAccount,
} from "../../app/services/accounts.server";
import { type TestDatabase, createTestDatabase, truncateAll } from "./support/test-database";

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(async () => {
  await testDb?.drop();
});
beforeEach(async () => {
  await truncateAll(testDb.handle);
});

const db = () => testDb.handle.db;
const candidate = { email: "Camille.Roux@Exemple.fr ", fullName: "Camille Roux", password: "Tartelette-2026" };

async function userCount() {
  return Number(
    (
      await db()
        .selectFrom("users")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );
}

describe(`accounts (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("signs up a candidate with a normalised e-mail, an argon2id hash, the candidate role and an audit event", async () => {
    const outcome = await signUpCandidate(db(), candidate, { ip: "203.0.113.7" });
    expect(outcome.ok).toBe(true);
    const row = (await findUserByEmail(db(), "camille.roux@exemple.fr"))!;
    expect(row.email).toBe("camille.roux@exemple.fr");
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(candidate.password);
    expect((await getUserWithRoles(db(), row.id))!.roles).toEqual(["candidate"]);
    const [event] = await listAuditEvents(db(), { subjectType: "user", subjectId: row.id });
    expect(event).toMatchObject({ action: "ACCOUNT_SIGNED_UP", actorRole: "candidate", ip: "203.0.113.7" });
  });

  it("refuses a duplicate e-mail whatever its case, and creates nothing", async () => {
    await signUpCandidate(db(), candidate, { ip: null });
    const outcome = await signUpCandidate(db(), { ...candidate, email: "CAMILLE.ROUX@exemple.fr" }, { ip: null });
    expect(outcome).toEqual({ ok: false, fieldErrors: { email: DUPLICATE_EMAIL_MESSAGE } });
    expect(await userCount()).toBe(1);
  });

  it("refuses a weak password with a French reason, and creates nothing", async () => {
    const outcome = await signUpCandidate(db(), { ...candidate, password: "azerty1234" }, { ip: null });
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.fieldErrors.password).toMatch(/trop courant/);
    expect(await userCount()).toBe(0);
  });

  it("answers a sign-up with an address that has an account exactly as a new one, and e-mails the owner instead", async () => {
    await signUpCandidate(db(), candidate, { ip: null });
    const owner = (await findUserByEmail(db(), candidate.email))!;
    const fresh = await requestCandidateSignUp(
      db(),
      { email: "nouvelle@exemple.fr", fullName: "Nina Nouvelle", password: "Quiche-lorraine-57" },
      { ip: "203.0.113.8" },
    );
    const repeated = await requestCandidateSignUp(
      db(),
      { email: "CAMILLE.ROUX@exemple.fr", fullName: "Intrus", password: "Quiche-lorraine-57" },
      { ip: "203.0.113.9" },
    );
    expect(repeated).toEqual(fresh);
    expect(fresh).toEqual({ ok: true });
    // The owner's account is untouched; the new address got its account.
    expect(await findUserByEmail(db(), candidate.email)).toEqual(owner);
    expect(await userCount()).toBe(2);
    const [event] = await listAuditEvents(db(), { subjectType: "user", subjectId: owner.id });
    expect(event).toMatchObject({ action: "ACCOUNT_SIGN_UP_REPEATED", ip: "203.0.113.9" });

    // Each gets its e-mail through the outbox: a welcome to the new address, a warning to the owner.
    const mailDir = mkdtempSync(path.join(tmpdir(), "vae-mail-"));
    const deliver = emailDeliverer(
      db(),
      createMailer({ from: "Portail VAE <ne-pas-repondre@vae.localhost>", smtpUrl: undefined, mailDir }),
      "https://vae.exemple.fr",
    );
    const messages = await db().selectFrom("outbox").selectAll().orderBy("id").execute();
    expect(messages.map((m) => [m.topic, m.payload.email, m.candidacy_id])).toEqual([
      ["email", "sign_up_welcome", null],
      ["email", "sign_up_existing_account", null],
    ]);
    for (const message of messages) await deliver(message);
    const stored = await listStoredEmails(mailDir);
    const byRecipient = Object.fromEntries(stored.map((e) => [e.to, e]));
    expect(byRecipient["nouvelle@exemple.fr"]!.subject).toBe("Votre compte candidat est créé");
    const warning = byRecipient["camille.roux@exemple.fr"]!;
    expect(warning.subject).toBe("Tentative d'inscription avec votre adresse e-mail");
    const text = (await readStoredEmail(mailDir, warning.fileName))!.text;
    expect(text).toContain("Bonjour Camille Roux,");
    expect(text).toContain("aucun nouveau compte n'a été créé");
    expect(text).toContain("https://vae.exemple.fr/connexion");
    expect(text).not.toContain("Intrus");
  });

  it("takes about as long for an address that has an account as for a new one", async () => {
    await signUpCandidate(db(), candidate, { ip: null });
    const time = async (email: string) => {
      const start = performance.now();
      await requestCandidateSignUp(
        db(),
        { email, fullName: "Tim Ing", password: "Quiche-lorraine-57" },
        { ip: "203.0.113.10" },
      );
      return performance.now() - start;
    };
    const fresh: number[] = [];
    const repeated: number[] = [];
    for (let i = 0; i < 5; i++) {
      fresh.push(await time(`nouveau${i}@exemple.fr`));
      repeated.push(await time(candidate.email));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[2]!;
    // Both hash the password (the bulk of the time); broad bounds, since the machine is shared.
    expect(median(repeated) / median(fresh)).toBeGreaterThan(0.4);
    expect(median(repeated) / median(fresh)).toBeLessThan(2.5);
  });

  it("limits sign-ups per IP address, even when they arrive at once, and tells why", async () => {
    const attempts = SIGN_UP_THROTTLE.perIp + 5;
    const outcomes = await Promise.all(
      Array.from({ length: attempts }, (_, i) =>
        requestCandidateSignUp(
          db(),
          { email: `groupe${i}@exemple.fr`, fullName: `Membre ${i}`, password: "Quiche-lorraine-57" },
          { ip: "198.51.100.33" },
        ),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(SIGN_UP_THROTTLE.perIp);
    expect(outcomes.filter((o) => !o.ok)).toEqual(
      Array(5).fill({ ok: false, fieldErrors: {}, formError: SIGN_UP_THROTTLED_MESSAGE }),
    );
    expect(await userCount()).toBe(SIGN_UP_THROTTLE.perIp);
    const other = await requestCandidateSignUp(
      db(),
      { email: "ailleurs@exemple.fr", fullName: "Ail Leurs", password: "Quiche-lorraine-57" },
      { ip: "198.51.100.34" },
    );
    expect(other).toEqual({ ok: true });
  });

  it("refuses a weak password at sign-up without counting it against the IP address", async () => {
    const outcome = await requestCandidateSignUp(
      db(),
      { ...candidate, password: "password12" },
      { ip: "198.51.100.35" },
    );
    expect(outcome).toMatchObject({ ok: false, fieldErrors: { password: expect.stringMatching(/trop courant/) } });
    expect(await userCount()).toBe(0);
    expect(await db().selectFrom("throttle_hits").selectAll().execute()).toEqual([]);
  });

  it("creates staff accounts with their roles, recording the admin who did it", async () => {
    const admin = await createStaffAccount(db(), "system", {
      email: "admin@exemple.fr",
      fullName: "Admin",
      password: "Clafoutis-2026",
      roles: ["admin"],
    });
    expect(admin.ok).toBe(true);
    const adminId = admin.ok ? admin.value.userId : "";
    const evaluator = await createStaffAccount(
      db(),
      { userId: adminId, role: "admin" },
      {
        email: "eval@exemple.fr",
        fullName: "Éva Luatrice",
        password: "Camembert-2026",
        roles: ["evaluator", "certifier_staff"],
      },
    );
    expect(evaluator.ok).toBe(true);
    const user = (await getUserWithRoles(db(), evaluator.ok ? evaluator.value.userId : ""))!;
    expect(user.roles).toEqual(["evaluator", "certifier_staff"]);
    const roleRows = await db().selectFrom("user_roles").selectAll().where("user_id", "=", user.id).execute();
    expect(roleRows.every((r) => r.granted_by === adminId)).toBe(true);
    expect(
      await createStaffAccount(db(), "system", {
        email: "x@exemple.fr",
        fullName: "X Y",
        password: "Camembert-2026",
        roles: [],
      }),
    ).toMatchObject({ ok: false, fieldErrors: { roles: "Choisissez au moins un rôle." } });
  });

  it("authenticates with the right password only, with one generic message for a wrong password and an unknown account", async () => {
    await signUpCandidate(db(), candidate, { ip: null });
    const ok = await authenticate(
      db(),
      { email: "camille.roux@exemple.fr", password: candidate.password },
      { ip: "198.51.100.1" },
    );
    expect(ok.ok && ok.user.roles).toEqual(["candidate"]);
    const wrong = await authenticate(
      db(),
      { email: candidate.email, password: "Tartelette-2027" },
      { ip: "198.51.100.1" },
    );
    const unknown = await authenticate(
      db(),
      { email: "personne@exemple.fr", password: "Tartelette-2026" },
      { ip: "198.51.100.1" },
    );
    expect(wrong).toEqual({ ok: false, reason: "invalid", message: INVALID_CREDENTIALS_MESSAGE });
    expect(unknown).toEqual(wrong);
  });

  it("refuses a deactivated account with the same generic message", async () => {
    const created = await signUpCandidate(db(), candidate, { ip: null });
    await db()
      .updateTable("users")
      .set({ is_active: false })
      .where("id", "=", created.ok ? created.value.userId : "")
      .execute();
    expect(await authenticate(db(), candidate, { ip: "198.51.100.1" })).toMatchObject({ ok: false, reason: "invalid" });
  });

  it("throttles an e-mail after repeated failures, even with the right password, until the window has passed", async () => {
    await signUpCandidate(db(), candidate, { ip: null });
    const start = new Date("2026-11-28T10:00:00Z");
    for (let i = 0; i < LOGIN_THROTTLE.perEmail; i++) {
      const attempt = await authenticate(
        db(),
        { email: candidate.email, password: `Mauvais-${i}-passe` },
        {
          ip: `198.51.100.${i + 10}`,
          now: start,
        },
      );
      expect(attempt).toMatchObject({ reason: "invalid" });
    }
    const throttled = await authenticate(db(), candidate, { ip: "198.51.100.99", now: start });
    expect(throttled).toMatchObject({ ok: false, reason: "throttled" });
    expect(!throttled.ok && throttled.message).toMatch(/Trop de tentatives/);
    const later = new Date(start.getTime() + (LOGIN_THROTTLE.windowMinutes + 1) * 60_000);
    expect((await authenticate(db(), candidate, { ip: "198.51.100.99", now: later })).ok).toBe(true);
  });

  it("throttles an IP address that tries many accounts", async () => {
    const now = new Date("2026-11-28T11:00:00Z");
    for (let i = 0; i < LOGIN_THROTTLE.perIp; i++) {
      await authenticate(
        db(),
        { email: `inconnu${i}@exemple.fr`, password: "Nimporte-quoi-1" },
        { ip: "192.0.2.50", now },
      );
    }
    await signUpCandidate(db(), candidate, { ip: null });
    expect(await authenticate(db(), candidate, { ip: "192.0.2.50", now })).toMatchObject({ reason: "throttled" });
    expect((await authenticate(db(), candidate, { ip: "192.0.2.51", now })).ok).toBe(true);
  });

  it("checks at most the allowed number of passwords when 25 wrong ones arrive at once for one account", async () => {
    await signUpCandidate(db(), candidate, { ip: null });
    const outcomes = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        authenticate(db(), { email: candidate.email, password: `Mauvais-${i}-passe` }, { ip: `198.51.100.${i + 1}` }),
      ),
    );
    // "invalid" is answered only after a password verification; "throttled" before any.
    const reasons = outcomes.map((o) => (o.ok ? "ok" : o.reason));
    expect(reasons.filter((r) => r === "invalid")).toHaveLength(LOGIN_THROTTLE.perEmail);
    expect(reasons.filter((r) => r === "throttled")).toHaveLength(25 - LOGIN_THROTTLE.perEmail);
    // Even the right password is refused now, and no more attempts were recorded than were checked.
    expect(await authenticate(db(), candidate, { ip: "198.51.100.200" })).toMatchObject({ reason: "throttled" });
    const hits = await db().selectFrom("throttle_hits").select("key").where("bucket", "=", "login-email").execute();
    expect(hits).toHaveLength(LOGIN_THROTTLE.perEmail);
  });

  it("lets one IP address check at most its allowed number of passwords when many arrive at once", async () => {
    const attempts = LOGIN_THROTTLE.perIp + 10;
    const outcomes = await Promise.all(
      Array.from({ length: attempts }, (_, i) =>
        authenticate(db(), { email: `inconnu${i}@exemple.fr`, password: "Nimporte-quoi-1" }, { ip: "192.0.2.77" }),
      ),
    );
    const reasons = outcomes.map((o) => (o.ok ? "ok" : o.reason));
    expect(reasons.filter((r) => r === "invalid")).toHaveLength(LOGIN_THROTTLE.perIp);
    expect(reasons.filter((r) => r === "throttled")).toHaveLength(10);
  });

  it("gives back the IP's slot and clears the e-mail's failures on a successful login", async () => {
    await signUpCandidate(db(), candidate, { ip: null });
    const now = new Date("2026-11-28T12:00:00Z");
    await authenticate(db(), { email: candidate.email, password: "Mauvais-mot-2-passe" }, { ip: "192.0.2.9", now });
    expect((await authenticate(db(), candidate, { ip: "192.0.2.9", now })).ok).toBe(true);
    const hits = await db().selectFrom("throttle_hits").select(["bucket", "key"]).execute();
    expect(hits).toEqual([{ bucket: "login-ip", key: "192.0.2.9" }]);
  });

  it("lets an admin change roles and deactivate an account, ending its sessions", async () => {
    const admin = await createStaffAccount(db(), "system", {
      email: "a@exemple.fr",
      fullName: "Ad Min",
      password: "Clafoutis-2026",
      roles: ["admin"],
    });
    const target = await createStaffAccount(db(), "system", {
      email: "t@exemple.fr",
      fullName: "Ta Rget",
      password: "Camembert-2026",
      roles: ["evaluator"],
    });
    const adminId = admin.ok ? admin.value.userId : "";
    const targetId = target.ok ? target.value.userId : "";
    await db()
      .insertInto("sessions")
      .values({
        token_hash: "h1",
        user_id: targetId,
        expires_at: new Date(Date.now() + 3600_000),
        ip: null,
        user_agent: null,
      })
      .execute();
    const outcome = await updateAccount(db(), { userId: adminId, role: "admin" }, targetId, {
      roles: ["admissibility_officer"],
      isActive: false,
    });
    expect(outcome.ok && outcome.value).toMatchObject({ roles: ["admissibility_officer"], isActive: false });
    expect(await db().selectFrom("sessions").selectAll().where("user_id", "=", targetId).execute()).toEqual([]);
    const [event] = await listAuditEvents(db(), { subjectType: "user", subjectId: targetId });
    expect(event).toMatchObject({ action: "ACCOUNT_UPDATED", actorRole: "admin" });
  });

  it("refuses that an admin deactivates themselves or drops their own admin role, changing nothing", async () => {
    const admin = await createStaffAccount(db(), "system", {
      email: "a@exemple.fr",
      fullName: "Ad Min",
      password: "Clafoutis-2026",
      roles: ["admin"],
    });
    const adminId = admin.ok ? admin.value.userId : "";
    const outcome = await updateAccount(db(), { userId: adminId, role: "admin" }, adminId, {
      roles: ["evaluator"],
      isActive: true,
    });
    expect(outcome).toMatchObject({ ok: false, formError: expect.stringMatching(/propre compte/) });
    expect((await getUserWithRoles(db(), adminId))!.roles).toEqual(["admin"]);
    expect(
      await updateAccount(db(), { userId: adminId, role: "admin" }, adminId, { roles: [], isActive: true }),
    ).toMatchObject({
      ok: false,
      fieldErrors: { roles: "Un compte garde au moins un rôle." },
    });
  });
});
