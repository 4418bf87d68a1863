// One way to read a submitted form: parse it with a zod schema, and on failure hand back the first French message
// per field together with what was typed, so the form can show both.
import type { z } from "zod";

export type FormResult<T> =
  | { ok: true; data: T }
  | { ok: false; fieldErrors: Record<string, string>; values: Record<string, string> };

export function parseForm<S extends z.ZodTypeAny>(schema: S, formData: FormData): FormResult<z.infer<S>> {
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(formData.keys())) {
    const all = formData.getAll(key).filter((v): v is string => typeof v === "string");
    raw[key] = all.length > 1 ? all : (all[0] ?? "");
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data };
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? "form");
    fieldErrors[key] ??= issue.message;
  }
  // Passwords are never sent back to the browser.
  const values = Object.fromEntries(
    Object.entries(raw)
      .filter(([k]) => !k.toLowerCase().includes("password"))
      .map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v]),
  );
  return { ok: false, fieldErrors, values };
}
