// The role gate every loader and action starts with: who is asking, and may they be here.
import { type AppLoadContext, json, redirect } from "@remix-run/node";
import { type UserWithRoles, getUserWithRoles } from "../../db/queries/users";
import type { Role } from "../../db/schema";
import { getDb } from "./db.server";
import { getSessionUserId } from "./session.server";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The client's address as the server sees it (behind a proxy only when TRUST_PROXY is set). */
    clientIp: string;
  }
}

export function clientIp(context: AppLoadContext | undefined): string {
  return context?.clientIp ?? "unknown";
}

export async function getOptionalUser(request: Request): Promise<UserWithRoles | null> {
  const userId = await getSessionUserId(request);
  if (!userId) return null;
  return getUserWithRoles(await getDb(), userId);
}

/** The logged-in user, or a redirect to the login page that comes back here afterwards. */
export async function requireUser(request: Request): Promise<UserWithRoles> {
  const user = await getOptionalUser(request);
  if (!user) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(`/connexion?${new URLSearchParams({ redirectTo: back })}`);
  }
  return user;
}

/**
 * The logged-in user holding one of the roles; anyone else gets the 403 page, which names no resource: a refusal
 * must not tell what is behind the door.
 */
export async function requireRole(
  request: Request,
  roles: Role | readonly Role[],
): Promise<UserWithRoles & { actingRole: Role }> {
  const user = await requireUser(request);
  const wanted = typeof roles === "string" ? [roles] : roles;
  const actingRole = wanted.find((r) => user.roles.includes(r));
  if (!actingRole) {
    throw json({ message: "Vous n'avez pas accès à cette page." }, { status: 403 });
  }
  return { ...user, actingRole };
}

export async function requireAnonymous(request: Request, to: string): Promise<void> {
  if (await getSessionUserId(request)) throw redirect(to);
}
