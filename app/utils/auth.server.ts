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

// The root loader and the page's loader both ask who is reading; Remix gives every loader of a request the same
// load context (server/index.ts), so a reading (GET) looks the session and the user up once, not once per loader
// (docs/decisions/035). Not for other methods: an action may change the session before the loaders run.
const readersOfRequest = new WeakMap<AppLoadContext, Promise<UserWithRoles | null>>();

async function lookUpUser(request: Request): Promise<UserWithRoles | null> {
  const userId = await getSessionUserId(request);
  if (!userId) return null;
  return getUserWithRoles(await getDb(), userId);
}

export function getOptionalUser(request: Request, context?: AppLoadContext): Promise<UserWithRoles | null> {
  if (!context || (request.method !== "GET" && request.method !== "HEAD")) return lookUpUser(request);
  let user = readersOfRequest.get(context);
  if (!user) {
    user = lookUpUser(request);
    readersOfRequest.set(context, user);
  }
  return user;
}

/** The logged-in user, or a redirect to the login page that comes back here afterwards. */
export async function requireUser(request: Request, context?: AppLoadContext): Promise<UserWithRoles> {
  const user = await getOptionalUser(request, context);
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
