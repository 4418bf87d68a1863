// One way for a route to read what a client sends: an id in the URL that is not well-formed answers the same 404
// as an id that does not exist, and a body that cannot be parsed answers a 400, never a 500. Routes call these
// before anything reaches a service or the database.
import { json } from "@remix-run/node";
import type { Params } from "@remix-run/react";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const NOT_FOUND_MESSAGE = "Page introuvable.";
export const BAD_REQUEST_MESSAGE = "Le formulaire envoyé n'a pas pu être lu. Rechargez la page et recommencez.";

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/** The thrown 404 of a route: the French page, with a message for routes that show one. */
export function notFound(message = NOT_FOUND_MESSAGE): Response {
  return json({ message }, { status: 404 });
}

/** The UUID in `params[name]`, lower-cased; anything else throws a 404. */
export function parseIdParam(params: Params, name: string, message = NOT_FOUND_MESSAGE): string {
  const value = params[name];
  if (!isUuid(value)) throw notFound(message);
  return value.toLowerCase();
}

/** A whole number in `params[name]` (a version number) between 1 and `max`; anything else throws a 404. */
export function parseNumberParam(
  params: Params,
  name: string,
  options: { max?: number; message?: string } = {},
): number {
  const value = params[name];
  const number = value && /^[1-9]\d{0,8}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number > (options.max ?? 9999)) throw notFound(options.message);
  return number;
}

/**
 * The submitted form (URL-encoded or multipart). A body that is not a form (JSON, a truncated multipart, a
 * missing boundary) throws a 400 with a French message.
 */
export async function readFormData(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw json({ message: BAD_REQUEST_MESSAGE }, { status: 400 });
  }
}
