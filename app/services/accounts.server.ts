// Accounts: candidates' sign-up, staff accounts created by an admin, authentication with throttling, and the
// admin's changes to roles and activation. Each function takes the database first and returns a typed outcome
// whose refusals carry French messages for the form that called it.
import type { Kysely } from "kysely";
import { appendAuditEvent } from "../../db/queries/audit";
import { enqueueOutbox } from "../../db/queries/candidacies";
import {
  type ThrottleLimit,
  clearThrottleHits,
  deleteSessionsOfUser,
  deleteThrottleHitsBefore,
  releaseThrottleHits,
  reserveThrottleHits,
} from "../../db/queries/sessions";
import {
  type UserWithRoles,
  findUserByEmail,
  getUserWithRoles,
  grantRoles,
  insertUser,
  normalizeEmail,
  setUserActive,
  setUserRoles,
} from "../../db/queries/users";
import type { Database, Role } from "../../db/schema";
import { passwordProblem } from "../utils/password-policy";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "./passwords.server";

export type FieldErrors<K extends string> = Partial<Record<K, string>>;
export type Outcome<T, K extends string> =
  | { ok: true; value: T }
  | { ok: false; fieldErrors: FieldErrors<K>; formError?: string };

export const DUPLICATE_EMAIL_MESSAGE =
  "Un compte existe déjà avec cette adresse e-mail. Connectez-vous ou utilisez une autre adresse.";
export const INVALID_CREDENTIALS_MESSAGE = "Adresse e-mail ou mot de passe incorrect.";

/** Failed attempts tolerated in the window, per e-mail (whether or not the account exists) and per IP address. */
export const LOGIN_THROTTLE = { windowMinutes: 15, perEmail: 5, perIp: 30 } as const;

export interface Actor {
  userId: string;
  role: Role;
}

/**
 * How a password is hashed: argon2id, unless a caller creating many accounts with one known password (demo data)
 * passes a hasher that computes it once, since argon2 per account would take hours at 100 000 accounts.
 */
export type PasswordHasher = (password: string) => Promise<string>;

export async function signUpCandidate(
  db: Kysely<Database>,
  input: { email: string; fullName: string; password: string },
  context: { ip: string | null; hashPassword?: PasswordHasher },
): Promise<Outcome<{ userId: string }, "email" | "fullName" | "password">> {
  const problem = passwordProblem(input.password, input);
  if (problem) return { ok: false, fieldErrors: { password: problem } };
  const passwordHash = await (context.hashPassword ?? hashPassword)(input.password);
  return db.transaction().execute(async (trx) => {
    const created = await insertUser(trx, { email: input.email, fullName: input.fullName, passwordHash });
    if (!created) return { ok: false as const, fieldErrors: { email: DUPLICATE_EMAIL_MESSAGE } };
    await grantRoles(trx, created.id, ["candidate"], null);
    await appendAuditEvent(trx, {
      actor: { userId: created.id, role: "candidate" },
      action: "ACCOUNT_SIGNED_UP",
      subjectType: "user",
      subjectId: created.id,
      ip: context.ip,
    });
    return { ok: true as const, value: { userId: created.id } };
  });
}

/** Sign-ups tolerated per IP address in the window: a training centre signing up a group shares one address. */
export const SIGN_UP_THROTTLE = { windowMinutes: 60, perIp: 20 } as const;
export const SIGN_UP_THROTTLED_MESSAGE =
  "Trop de comptes ont été demandés depuis cette connexion. Par sécurité, réessayez dans une heure.";

/**
 * The sign-up form's request. Whether the address is new or already has an account, the answer is the same and
 * takes about as long (the password is hashed, one transaction writes, one e-mail is queued): a new address gets
 * its account and a welcome e-mail, an existing one gets nothing but an e-mail to its owner. So the page cannot
 * tell anyone which addresses have an account (docs/decisions/014). Refused only for what the form shows: a weak
 * password, or too many sign-ups from one IP address.
 */
export async function requestCandidateSignUp(
  db: Kysely<Database>,
  input: { email: string; fullName: string; password: string },
  context: { ip: string; now?: Date },
): Promise<
  { ok: true } | { ok: false; fieldErrors: FieldErrors<"email" | "fullName" | "password">; formError?: string }
> {
  const now = context.now ?? new Date();
  const problem = passwordProblem(input.password, input);
  if (problem) return { ok: false, fieldErrors: { password: problem } };
  const limits: ThrottleLimit[] = [
    {
      bucket: "signup-ip",
      key: context.ip,
      limit: SIGN_UP_THROTTLE.perIp,
      windowSeconds: SIGN_UP_THROTTLE.windowMinutes * 60,
    },
  ];
  if (!(await reserveThrottleHits(db, limits, now)).ok)
    return { ok: false, fieldErrors: {}, formError: SIGN_UP_THROTTLED_MESSAGE };
  const passwordHash = await hashPassword(input.password);
  await db.transaction().execute(async (trx) => {
    const created = await insertUser(trx, { email: input.email, fullName: input.fullName, passwordHash });
    if (created) {
      await grantRoles(trx, created.id, ["candidate"], null);
      await appendAuditEvent(trx, {
        actor: { userId: created.id, role: "candidate" },
        action: "ACCOUNT_SIGNED_UP",
        subjectType: "user",
        subjectId: created.id,
        ip: context.ip,
      });
    }
    const owner = created ?? (await findUserByEmail(trx, input.email));
    if (!owner) return;
    if (!created) {
      await appendAuditEvent(trx, {
        actor: "system",
        action: "ACCOUNT_SIGN_UP_REPEATED",
        subjectType: "user",
        subjectId: owner.id,
        ip: context.ip,
      });
    }
    await enqueueOutbox(trx, [
      {
        topic: "email",
        payload: {
          email: created ? "sign_up_welcome" : "sign_up_existing_account",
          recipientId: owner.id,
          facts: created ? {} : { attemptedAt: now.toISOString() },
        },
        candidacyId: null,
        availableAt: now,
      },
    ]);
  });
  return { ok: true };
}

export async function createStaffAccount(
  db: Kysely<Database>,
  actor: Actor | "system",
  input: { email: string; fullName: string; password: string; roles: readonly Role[] },
  context: { ip: string | null; hashPassword?: PasswordHasher } = { ip: null },
): Promise<Outcome<{ userId: string }, "email" | "fullName" | "password" | "roles">> {
  if (input.roles.length === 0) return { ok: false, fieldErrors: { roles: "Choisissez au moins un rôle." } };
  const problem = passwordProblem(input.password, input);
  if (problem) return { ok: false, fieldErrors: { password: problem } };
  const passwordHash = await (context.hashPassword ?? hashPassword)(input.password);
  return db.transaction().execute(async (trx) => {
    const created = await insertUser(trx, { email: input.email, fullName: input.fullName, passwordHash });
    if (!created) return { ok: false as const, fieldErrors: { email: DUPLICATE_EMAIL_MESSAGE } };
    await grantRoles(trx, created.id, input.roles, actor === "system" ? null : actor.userId);
    await appendAuditEvent(trx, {
      actor,
      action: "ACCOUNT_CREATED",
      subjectType: "user",
      subjectId: created.id,
      payload: { email: normalizeEmail(input.email), roles: [...input.roles] },
      ip: context.ip,
    });
    return { ok: true as const, value: { userId: created.id } };
  });
}

export type AuthenticationOutcome =
  | { ok: true; user: UserWithRoles }
  | { ok: false; reason: "invalid"; message: string }
  | { ok: false; reason: "throttled"; message: string };

export async function authenticate(
  db: Kysely<Database>,
  input: { email: string; password: string },
  context: { ip: string; now?: Date },
): Promise<AuthenticationOutcome> {
  const now = context.now ?? new Date();
  const email = normalizeEmail(input.email);
  const windowSeconds = LOGIN_THROTTLE.windowMinutes * 60;
  // The attempt is counted before the password is checked, atomically with the count: of N parallel attempts,
  // only as many as the limits leave room for get a password verification.
  const reservation = await reserveThrottleHits(
    db,
    [
      { bucket: "login-email", key: email, limit: LOGIN_THROTTLE.perEmail, windowSeconds },
      { bucket: "login-ip", key: context.ip, limit: LOGIN_THROTTLE.perIp, windowSeconds },
    ],
    now,
  );
  if (!reservation.ok) {
    return {
      ok: false,
      reason: "throttled",
      message: `Trop de tentatives de connexion. Par sécurité, réessayez dans ${LOGIN_THROTTLE.windowMinutes} minutes.`,
    };
  }

  const user = await findUserByEmail(db, email);
  const valid = user
    ? await verifyPassword(user.password_hash, input.password)
    : await verifyAgainstDummy(input.password);
  if (!user || !valid || !user.is_active) {
    // The reserved hits stay: they are the record of this failure. Old rows serve no purpose once out of every
    // window; pruning here keeps the table small without a job.
    await deleteThrottleHitsBefore(db, new Date(now.getTime() - 24 * 3600_000));
    return { ok: false, reason: "invalid", message: INVALID_CREDENTIALS_MESSAGE };
  }
  await releaseThrottleHits(db, reservation.hitIds);
  await clearThrottleHits(db, "login-email", email);
  const withRoles = await getUserWithRoles(db, user.id);
  return { ok: true, user: withRoles! };
}

export async function updateAccount(
  db: Kysely<Database>,
  actor: Actor,
  userId: string,
  change: { roles: readonly Role[]; isActive: boolean },
  context: { ip: string | null } = { ip: null },
): Promise<Outcome<UserWithRoles, "roles" | "isActive">> {
  if (change.roles.length === 0) return { ok: false, fieldErrors: { roles: "Un compte garde au moins un rôle." } };
  if (userId === actor.userId && (!change.isActive || !change.roles.includes("admin"))) {
    return {
      ok: false,
      fieldErrors: {},
      formError: "Vous ne pouvez ni désactiver votre propre compte ni lui retirer le rôle administrateur.",
    };
  }
  return db.transaction().execute(async (trx) => {
    const before = await getUserWithRoles(trx, userId);
    if (!before) return { ok: false as const, fieldErrors: {}, formError: "Ce compte n'existe pas." };
    await setUserRoles(trx, userId, change.roles, actor.userId);
    await setUserActive(trx, userId, change.isActive);
    // Any change of rights ends open sessions so that no page keeps what was taken away.
    await deleteSessionsOfUser(trx, userId);
    await appendAuditEvent(trx, {
      actor,
      action: "ACCOUNT_UPDATED",
      subjectType: "user",
      subjectId: userId,
      payload: {
        before: { roles: before.roles, isActive: before.isActive },
        after: { roles: [...change.roles], isActive: change.isActive },
      },
      ip: context.ip,
    });
    return { ok: true as const, value: (await getUserWithRoles(trx, userId))! };
  });
}
