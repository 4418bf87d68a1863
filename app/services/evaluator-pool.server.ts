// The evaluator pool, managed by certifier staff: creating a profile (with a new evaluator account, or by giving an
// existing account the evaluator role), changing it, and its availability periods. Each change is one transaction
// with its audit entry; every refusal is a French message, beside the field it concerns when there is one.
import type { Kysely, Transaction } from "kysely";
import { z } from "zod";
import { appendAuditEvent } from "../../db/queries/audit";
import { getEvaluatorProfile } from "../../db/queries/evaluator-pool";
import { findUserByEmail, getUserWithRoles, grantRoles, insertUser, normalizeEmail } from "../../db/queries/users";
import type { Database, Role } from "../../db/schema";
import { CIVILITIES, normalizeEmployerName, normalizeSiret } from "../../workflows/conflict-of-interest";
import { type Refusal, refuse } from "../../workflows/refusal";
import { passwordProblem } from "../utils/password-policy";
import { emailField, fullNameField } from "../utils/validation";
import { hashPassword } from "./passwords.server";

export interface StaffActor {
  userId: string;
  role: Role;
}

export const PROFILE_NOT_FOUND_MESSAGE = "Profil d'évaluateur introuvable.";
export const FORM_HAS_ERRORS_MESSAGE = "Corrigez les champs signalés ci-dessous.";
export const DUPLICATE_EVALUATOR_EMAIL_MESSAGE =
  "Un compte existe déjà avec cette adresse e-mail : choisissez « Rattacher un compte existant » pour lui donner le rôle d'évaluateur.";
export const UNKNOWN_ACCOUNT_MESSAGE =
  "Aucun compte n'a cette adresse e-mail : vérifiez-la, ou choisissez « Créer un nouveau compte ».";
export const ALREADY_IN_POOL_MESSAGE = "Ce compte a déjà un profil d'évaluateur : modifiez-le depuis sa fiche.";
export const INVALID_SIRET_MESSAGE =
  "Ce SIRET n'est pas valide : il compte 14 chiffres dont le dernier est une clé de contrôle. Vérifiez-le ou laissez le champ vide.";
export const UNKNOWN_CERTIFICATION_MESSAGE = "Certification inconnue : cochez une certification de la liste.";

const SECTORS_MAX = 20;
const SECTOR_MAX_LENGTH = 80;

/** Sectors typed as a free list: one per line or separated by commas, each kept once (any case). */
export function parseSectors(text: string): string[] {
  const seen = new Set<string>();
  const sectors: string[] = [];
  for (const raw of text.split(/[,;\n]/)) {
    const sector = raw.trim().replace(/\s+/g, " ");
    if (!sector || seen.has(sector.toLowerCase())) continue;
    seen.add(sector.toLowerCase());
    sectors.push(sector);
  }
  return sectors;
}

const listOf = (v: unknown) => (Array.isArray(v) ? v : typeof v === "string" && v ? [v] : []);

/** The profile's fields, as the create and edit forms send them. */
export const profileFieldsSchema = z.object({
  fullName: fullNameField,
  civility: z
    .union([z.enum(CIVILITIES), z.literal("")], {
      errorMap: () => ({ message: "Choisissez M., Mme ou « Non précisée »." }),
    })
    .optional()
    .transform((v) => (v ? v : null)),
  employerName: z
    .string({ required_error: "Indiquez l'employeur de l'évaluateur." })
    .trim()
    .min(2, "Indiquez l'employeur de l'évaluateur.")
    .max(160, "Le nom de l'employeur ne peut pas dépasser 160 caractères."),
  employerSiret: z
    .string()
    .optional()
    .transform((v) => (v ?? "").trim())
    .refine(
      (v) => v === "" || /^\d{14}$/.test(v.replace(/[\s.]/g, "")),
      "Le SIRET compte 14 chiffres (espaces permis).",
    )
    .refine((v) => v === "" || normalizeSiret(v) !== null, INVALID_SIRET_MESSAGE),
  sectors: z
    .string()
    .optional()
    .transform((v) => parseSectors(v ?? ""))
    .refine((v) => v.length <= SECTORS_MAX, `Indiquez au plus ${SECTORS_MAX} secteurs.`)
    .refine(
      (v) => v.every((s) => s.length <= SECTOR_MAX_LENGTH),
      `Un secteur ne peut pas dépasser ${SECTOR_MAX_LENGTH} caractères.`,
    ),
  certificationIds: z.preprocess(
    listOf,
    z
      .array(z.string().uuid(UNKNOWN_CERTIFICATION_MESSAGE))
      .min(1, "Cochez au moins une certification pour laquelle l'évaluateur est habilité."),
  ),
  isActive: z
    .string()
    .optional()
    .transform((v) => v === "on" || v === "true"),
});
export type ProfileFields = z.infer<typeof profileFieldsSchema>;

/** The name is asked only for a new account (an existing one keeps its own), so the service checks it. */
export const createProfileSchema = profileFieldsSchema.omit({ fullName: true }).extend({
  account: z.enum(["new", "existing"], {
    errorMap: () => ({ message: "Choisissez de créer un compte ou de rattacher un compte existant." }),
  }),
  email: emailField,
  fullName: z
    .string()
    .optional()
    .transform((v) => (v ?? "").trim()),
  password: z.string().optional(),
});
export type CreateProfileInput = z.infer<typeof createProfileSchema>;

export const availabilitySchema = z
  .object({
    startsOn: z
      .string({ required_error: "Indiquez la date de début." })
      .regex(/^\d{4}-\d{2}-\d{2}$/, "Indiquez la date de début."),
    endsOn: z
      .string({ required_error: "Indiquez la date de fin." })
      .regex(/^\d{4}-\d{2}-\d{2}$/, "Indiquez la date de fin."),
    note: z
      .string()
      .optional()
      .transform((v) => (v ?? "").trim())
      .refine((v) => v.length <= 200, "La note ne peut pas dépasser 200 caractères."),
  })
  .refine((v) => isCalendarDate(v.startsOn), { path: ["startsOn"], message: "Cette date n'existe pas." })
  .refine((v) => isCalendarDate(v.endsOn), { path: ["endsOn"], message: "Cette date n'existe pas." })
  .refine((v) => v.endsOn >= v.startsOn, {
    path: ["endsOn"],
    message: "La date de fin ne peut pas précéder la date de début.",
  });
export type AvailabilityInput = z.infer<typeof availabilitySchema>;

function isCalendarDate(date: string): boolean {
  const time = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === date;
}

function requireStaff(actor: StaffActor): Refusal | null {
  return actor.role === "certifier_staff"
    ? null
    : refuse("wrong_role", "Seuls les certificateurs gèrent le vivier d'évaluateurs.", { status: 403 });
}

/** Business checks the form's schema cannot make: the SIRET's key, the certifications that exist. */
async function checkProfileFields(
  trx: Transaction<Database>,
  fields: Omit<ProfileFields, "fullName">,
): Promise<{ siret: string | null; fieldErrors: Record<string, string> }> {
  const fieldErrors: Record<string, string> = {};
  let siret: string | null = null;
  if (fields.employerSiret) {
    siret = normalizeSiret(fields.employerSiret);
    if (!siret) fieldErrors.employerSiret = INVALID_SIRET_MESSAGE;
  }
  const ids = [...new Set(fields.certificationIds)];
  if (ids.length === 0) {
    fieldErrors.certificationIds = "Cochez au moins une certification pour laquelle l'évaluateur est habilité.";
  } else {
    const valid = ids.every((id) => z.string().uuid().safeParse(id).success);
    const found = valid ? await trx.selectFrom("certifications").select("id").where("id", "in", ids).execute() : [];
    if (found.length !== ids.length) fieldErrors.certificationIds = UNKNOWN_CERTIFICATION_MESSAGE;
  }
  if (!normalizeEmployerName(fields.employerName)) {
    fieldErrors.employerName = "Indiquez le nom de l'employeur (pas seulement sa forme juridique).";
  }
  return { siret, fieldErrors };
}

async function writeQualifications(trx: Transaction<Database>, userId: string, certificationIds: string[]) {
  await trx.deleteFrom("evaluator_qualifications").where("user_id", "=", userId).execute();
  const ids = [...new Set(certificationIds)];
  if (ids.length > 0) {
    await trx
      .insertInto("evaluator_qualifications")
      .values(ids.map((certification_id) => ({ user_id: userId, certification_id })))
      .execute();
  }
}

/**
 * Adds an evaluator to the pool. `account: "new"` creates the account (role evaluator) with the password staff
 * chose and pass on by a safe channel; `"existing"` gives the account with this e-mail the evaluator role.
 */
export async function createEvaluatorProfile(
  db: Kysely<Database>,
  actor: StaffActor,
  input: CreateProfileInput,
  context: { ip: string | null } = { ip: null },
): Promise<{ ok: true; userId: string; accountCreated: boolean } | Refusal> {
  const denied = requireStaff(actor);
  if (denied) return denied;
  const email = normalizeEmail(input.email);
  let passwordHash: string | null = null;
  if (input.account === "new") {
    const name = fullNameField.safeParse(input.fullName);
    if (!name.success) {
      return refuse("invalid_form", FORM_HAS_ERRORS_MESSAGE, {
        fieldErrors: { fullName: name.error.issues[0]?.message ?? "Indiquez le prénom et le nom." },
      });
    }
    const fullName = name.data;
    const problem = passwordProblem(input.password ?? "", { email, fullName });
    if (problem) return refuse("invalid_form", FORM_HAS_ERRORS_MESSAGE, { fieldErrors: { password: problem } });
    passwordHash = await hashPassword(input.password ?? "");
  }
  return db.transaction().execute(async (trx) => {
    const { siret, fieldErrors } = await checkProfileFields(trx, input);
    let userId: string;
    let roleGranted = false;
    if (input.account === "new") {
      if (Object.keys(fieldErrors).length > 0) return refuse("invalid_form", FORM_HAS_ERRORS_MESSAGE, { fieldErrors });
      const created = await insertUser(trx, { email, fullName: input.fullName, passwordHash: passwordHash! });
      if (!created) {
        return refuse("duplicate_email", DUPLICATE_EVALUATOR_EMAIL_MESSAGE, {
          status: 409,
          fieldErrors: { email: DUPLICATE_EVALUATOR_EMAIL_MESSAGE },
        });
      }
      userId = created.id;
      await grantRoles(trx, userId, ["evaluator"], actor.userId);
      roleGranted = true;
      await appendAuditEvent(trx, {
        actor,
        action: "ACCOUNT_CREATED",
        subjectType: "user",
        subjectId: userId,
        payload: { email, roles: ["evaluator"] },
        ip: context.ip,
      });
    } else {
      const existing = await findUserByEmail(trx, email);
      if (!existing) fieldErrors.email = UNKNOWN_ACCOUNT_MESSAGE;
      else {
        const inPool = await trx
          .selectFrom("evaluator_profiles")
          .select("user_id")
          .where("user_id", "=", existing.id)
          .executeTakeFirst();
        if (inPool) fieldErrors.email = ALREADY_IN_POOL_MESSAGE;
      }
      if (Object.keys(fieldErrors).length > 0 || !existing) {
        return refuse(
          fieldErrors.email ? "account_not_linkable" : "invalid_form",
          fieldErrors.email ?? FORM_HAS_ERRORS_MESSAGE,
          {
            status: fieldErrors.email === ALREADY_IN_POOL_MESSAGE ? 409 : 400,
            fieldErrors,
          },
        );
      }
      userId = existing.id;
      const roles = (await getUserWithRoles(trx, userId))?.roles ?? [];
      if (!roles.includes("evaluator")) {
        await grantRoles(trx, userId, ["evaluator"], actor.userId);
        roleGranted = true;
      }
    }
    const inserted = await trx
      .insertInto("evaluator_profiles")
      .values({
        user_id: userId,
        civility: input.civility,
        employer_name: input.employerName.trim(),
        employer_name_normalized: normalizeEmployerName(input.employerName),
        employer_siret: siret,
        sectors: JSON.stringify(input.sectors),
        is_active: input.isActive,
        created_by: actor.userId,
      })
      .onConflict((oc) => oc.column("user_id").doNothing())
      .returning("user_id")
      .executeTakeFirst();
    if (!inserted) {
      return refuse("already_in_pool", ALREADY_IN_POOL_MESSAGE, {
        status: 409,
        fieldErrors: { email: ALREADY_IN_POOL_MESSAGE },
      });
    }
    await writeQualifications(trx, userId, input.certificationIds);
    await appendAuditEvent(trx, {
      actor,
      action: "EVALUATOR_PROFILE_CREATED",
      subjectType: "user",
      subjectId: userId,
      payload: {
        accountCreated: input.account === "new",
        roleGranted,
        ...profilePayload({ ...input, employerSiret: siret }),
      },
      ip: context.ip,
    });
    return { ok: true as const, userId, accountCreated: input.account === "new" };
  });
}

function profilePayload(fields: Omit<ProfileFields, "fullName" | "employerSiret"> & { employerSiret: string | null }) {
  return {
    civility: fields.civility,
    employerName: fields.employerName.trim(),
    employerSiret: fields.employerSiret || null,
    sectors: fields.sectors,
    certificationIds: [...new Set(fields.certificationIds)].sort(),
    isActive: fields.isActive,
  };
}

/** Changes a profile (and the account's full name); the audit entry keeps the values before and after. */
export async function updateEvaluatorProfile(
  db: Kysely<Database>,
  actor: StaffActor,
  userId: string,
  fields: ProfileFields,
  context: { ip: string | null } = { ip: null },
): Promise<{ ok: true } | Refusal> {
  const denied = requireStaff(actor);
  if (denied) return denied;
  return db.transaction().execute(async (trx) => {
    const before = await getEvaluatorProfile(trx, userId);
    if (!before) return refuse("not_found", PROFILE_NOT_FOUND_MESSAGE, { status: 404 });
    const { siret, fieldErrors } = await checkProfileFields(trx, fields);
    if (Object.keys(fieldErrors).length > 0) return refuse("invalid_form", FORM_HAS_ERRORS_MESSAGE, { fieldErrors });
    const now = new Date();
    await trx
      .updateTable("evaluator_profiles")
      .set({
        civility: fields.civility,
        employer_name: fields.employerName.trim(),
        employer_name_normalized: normalizeEmployerName(fields.employerName),
        employer_siret: siret,
        sectors: JSON.stringify(fields.sectors),
        is_active: fields.isActive,
        updated_at: now,
      })
      .where("user_id", "=", userId)
      .execute();
    await trx
      .updateTable("users")
      .set({ full_name: fields.fullName.trim(), updated_at: now })
      .where("id", "=", userId)
      .execute();
    await writeQualifications(trx, userId, fields.certificationIds);
    await appendAuditEvent(trx, {
      actor,
      action: "EVALUATOR_PROFILE_UPDATED",
      subjectType: "user",
      subjectId: userId,
      payload: {
        before: {
          fullName: before.fullName,
          ...profilePayload({
            ...before,
            certificationIds: before.qualifications.map((q) => q.certificationId),
          }),
        },
        after: { fullName: fields.fullName.trim(), ...profilePayload({ ...fields, employerSiret: siret }) },
      },
      ip: context.ip,
    });
    return { ok: true as const };
  });
}

export async function addAvailability(
  db: Kysely<Database>,
  actor: StaffActor,
  userId: string,
  period: AvailabilityInput,
  context: { ip: string | null } = { ip: null },
): Promise<{ ok: true; availabilityId: string } | Refusal> {
  const denied = requireStaff(actor);
  if (denied) return denied;
  const parsed = availabilitySchema.safeParse(period);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "form")] ??= issue.message;
    return refuse("invalid_form", FORM_HAS_ERRORS_MESSAGE, { fieldErrors });
  }
  return db.transaction().execute(async (trx) => {
    const profile = await trx
      .selectFrom("evaluator_profiles")
      .select("user_id")
      .where("user_id", "=", userId)
      .executeTakeFirst();
    if (!profile) return refuse("not_found", PROFILE_NOT_FOUND_MESSAGE, { status: 404 });
    const row = await trx
      .insertInto("evaluator_availabilities")
      .values({ user_id: userId, starts_on: parsed.data.startsOn, ends_on: parsed.data.endsOn, note: parsed.data.note })
      .returning("id")
      .executeTakeFirstOrThrow();
    await appendAuditEvent(trx, {
      actor,
      action: "EVALUATOR_AVAILABILITY_ADDED",
      subjectType: "user",
      subjectId: userId,
      payload: { availabilityId: row.id, ...parsed.data },
      ip: context.ip,
    });
    return { ok: true as const, availabilityId: row.id };
  });
}

export async function removeAvailability(
  db: Kysely<Database>,
  actor: StaffActor,
  userId: string,
  availabilityId: string,
  context: { ip: string | null } = { ip: null },
): Promise<{ ok: true } | Refusal> {
  const denied = requireStaff(actor);
  if (denied) return denied;
  if (!z.string().uuid().safeParse(availabilityId).success) {
    return refuse("not_found", "Période de disponibilité introuvable.", { status: 404 });
  }
  return db.transaction().execute(async (trx) => {
    const removed = await trx
      .deleteFrom("evaluator_availabilities")
      .where("id", "=", availabilityId)
      .where("user_id", "=", userId)
      .returning(["starts_on as startsOn", "ends_on as endsOn", "note"])
      .executeTakeFirst();
    if (!removed) return refuse("not_found", "Période de disponibilité introuvable.", { status: 404 });
    await appendAuditEvent(trx, {
      actor,
      action: "EVALUATOR_AVAILABILITY_REMOVED",
      subjectType: "user",
      subjectId: userId,
      payload: { availabilityId, ...removed },
      ip: context.ip,
    });
    return { ok: true as const };
  });
}
