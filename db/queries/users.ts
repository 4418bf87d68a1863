// Queries of accounts and their roles.
import type { Kysely, Transaction } from "kysely";
import type { Database, Role } from "../schema";
import { ROLES } from "../schema";

type Db = Kysely<Database> | Transaction<Database>;

export interface UserWithRoles {
  id: string;
  email: string;
  fullName: string;
  isActive: boolean;
  createdAt: Date;
  roles: Role[];
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const roleOrder = (a: Role, b: Role) => ROLES.indexOf(a) - ROLES.indexOf(b);

export async function findUserByEmail(db: Db, email: string) {
  return db.selectFrom("users").selectAll().where("email", "=", normalizeEmail(email)).executeTakeFirst();
}

export async function getUserWithRoles(db: Db, userId: string): Promise<UserWithRoles | null> {
  const user = await db
    .selectFrom("users")
    .select(["id", "email", "full_name", "is_active", "created_at"])
    .where("id", "=", userId)
    .executeTakeFirst();
  if (!user) return null;
  const roles = await db.selectFrom("user_roles").select("role").where("user_id", "=", userId).execute();
  return {
    id: user.id,
    email: user.email,
    fullName: user.full_name,
    isActive: user.is_active,
    createdAt: user.created_at,
    roles: roles.map((r) => r.role).sort(roleOrder),
  };
}

export async function insertUser(
  db: Db,
  values: { email: string; fullName: string; passwordHash: string },
): Promise<{ id: string } | null> {
  // ON CONFLICT keeps a duplicate e-mail a normal outcome rather than an aborted transaction.
  const row = await db
    .insertInto("users")
    .values({
      email: normalizeEmail(values.email),
      full_name: values.fullName.trim(),
      password_hash: values.passwordHash,
    })
    .onConflict((oc) => oc.column("email").doNothing())
    .returning("id")
    .executeTakeFirst();
  return row ?? null;
}

export async function grantRoles(db: Db, userId: string, roles: readonly Role[], grantedBy: string | null) {
  if (roles.length === 0) return;
  await db
    .insertInto("user_roles")
    .values(roles.map((role) => ({ user_id: userId, role, granted_by: grantedBy })))
    .onConflict((oc) => oc.columns(["user_id", "role"]).doNothing())
    .execute();
}

export async function setUserRoles(db: Db, userId: string, roles: readonly Role[], grantedBy: string | null) {
  await db
    .deleteFrom("user_roles")
    .where("user_id", "=", userId)
    .where("role", "not in", [...roles, "__none__" as Role])
    .execute();
  await grantRoles(db, userId, roles, grantedBy);
}

export async function setUserActive(db: Db, userId: string, isActive: boolean) {
  await db.updateTable("users").set({ is_active: isActive, updated_at: new Date() }).where("id", "=", userId).execute();
}

export async function listUsersWithRoles(
  db: Db,
  filter: { role?: Role; search?: string } = {},
): Promise<UserWithRoles[]> {
  let query = db
    .selectFrom("users as u")
    .select(["u.id", "u.email", "u.full_name", "u.is_active", "u.created_at"])
    .orderBy("u.created_at", "desc")
    .limit(500);
  if (filter.role) {
    const role = filter.role;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom("user_roles as r")
          .select("r.user_id")
          .whereRef("r.user_id", "=", "u.id")
          .where("r.role", "=", role),
      ),
    );
  }
  if (filter.search) {
    const pattern = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb("u.email", "ilike", pattern), eb("u.full_name", "ilike", pattern)]));
  }
  const users = await query.execute();
  if (users.length === 0) return [];
  const roles = await db
    .selectFrom("user_roles")
    .select(["user_id", "role"])
    .where(
      "user_id",
      "in",
      users.map((u) => u.id),
    )
    .execute();
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    fullName: u.full_name,
    isActive: u.is_active,
    createdAt: u.created_at,
    roles: roles
      .filter((r) => r.user_id === u.id)
      .map((r) => r.role)
      .sort(roleOrder),
  }));
}
