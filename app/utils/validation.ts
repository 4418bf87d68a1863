// Zod schemas of the account forms, shared by the routes (server) and the forms (client-side hints).
import { z } from "zod";
import { ROLES } from "../../db/schema";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password-policy";

export const emailField = z
  .string({ required_error: "Indiquez votre adresse e-mail." })
  .trim()
  .min(1, "Indiquez votre adresse e-mail.")
  .max(254, "Cette adresse e-mail est trop longue.")
  .email("Cette adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr).");

export const fullNameField = z
  .string({ required_error: "Indiquez le nom complet." })
  .trim()
  .min(2, "Indiquez le prénom et le nom.")
  .max(120, "Le nom ne peut pas dépasser 120 caractères.")
  .refine((v) => !/[\u0000-\u001f\u007f<>]/.test(v), "Le nom contient des caractères non autorisés.");

export const newPasswordField = z
  .string({ required_error: "Choisissez un mot de passe." })
  .min(PASSWORD_MIN_LENGTH, `Le mot de passe doit contenir au moins ${PASSWORD_MIN_LENGTH} caractères.`)
  .max(PASSWORD_MAX_LENGTH, `Le mot de passe ne peut pas dépasser ${PASSWORD_MAX_LENGTH} caractères.`);

export const loginSchema = z.object({
  email: emailField,
  password: z.string({ required_error: "Indiquez votre mot de passe." }).min(1, "Indiquez votre mot de passe."),
  redirectTo: z.string().optional(),
});

export const signUpSchema = z
  .object({
    fullName: fullNameField,
    email: emailField,
    password: newPasswordField,
    passwordConfirmation: z.string({ required_error: "Confirmez le mot de passe." }),
    acceptTerms: z.literal("on", {
      errorMap: () => ({
        message: "Vous devez accepter les conditions d'utilisation et la politique de confidentialité.",
      }),
    }),
  })
  .refine((v) => v.password === v.passwordConfirmation, {
    path: ["passwordConfirmation"],
    message: "Les deux mots de passe ne sont pas identiques.",
  });

const roleList = z.preprocess(
  (v) => (Array.isArray(v) ? v : typeof v === "string" && v ? [v] : []),
  z.array(z.enum(ROLES, { errorMap: () => ({ message: "Rôle inconnu." }) })).min(1, "Choisissez au moins un rôle."),
);

export const createAccountSchema = z.object({
  fullName: fullNameField,
  email: emailField,
  password: newPasswordField,
  roles: roleList,
});

export const updateAccountSchema = z.object({
  roles: roleList,
  isActive: z.enum(["true", "false"]).transform((v) => v === "true"),
});
