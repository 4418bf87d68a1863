// Creating a staff account (admissibility officer, evaluator, certifier staff, admin) by an admin.
import { type ActionFunctionArgs, type LoaderFunctionArgs, json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import type { Role } from "../../db/schema";
import { createStaffAccount } from "~/services/accounts.server";
import { FormAlert, FormField } from "~/components/form-field";
import { RoleCheckboxes } from "~/components/role-checkboxes";
import { GeneralErrorBoundary } from "~/components/status-page";
import { clientIp, requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { parseForm } from "~/utils/forms";
import { PASSWORD_MIN_LENGTH } from "~/utils/password-policy";
import { createAccountSchema } from "~/utils/validation";
import { readFormData } from "~/utils/http.server";

export const meta = () => [{ title: "Créer un compte — Portail VAE" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin");
  const formData = await readFormData(request);
  const selectedRoles = formData.getAll("roles").map(String);
  const form = parseForm(createAccountSchema, formData);
  if (!form.ok) return json({ fieldErrors: form.fieldErrors, values: form.values, selectedRoles }, { status: 400 });
  const outcome = await createStaffAccount(await getDb(), { userId: admin.id, role: "admin" }, form.data, {
    ip: clientIp(context),
  });
  if (!outcome.ok) {
    return json(
      {
        fieldErrors: outcome.fieldErrors as Record<string, string>,
        values: { fullName: form.data.fullName, email: form.data.email },
        selectedRoles,
      },
      { status: 400 },
    );
  }
  return redirect("/admin?cree=1");
}

export default function NewAccount() {
  const actionData = useActionData<typeof action>();
  const errors = actionData?.fieldErrors ?? {};
  const values = (actionData?.values ?? {}) as Record<string, string | undefined>;
  const busy = useNavigation().state === "submitting";
  return (
    <div className="narrow">
      <p>
        <Link to="/admin">← Comptes</Link>
      </p>
      <h1>Créer un compte</h1>
      <p>
        Les candidats créent leur compte eux-mêmes. Créez ici les comptes des chargés de recevabilité, des évaluateurs,
        des certificateurs et des administrateurs ; communiquez le mot de passe initial à la personne par un canal sûr.
      </p>
      <Form method="post" noValidate className="form">
        <FormAlert message={Object.keys(errors).length ? "Corrigez les champs signalés ci-dessous." : null} />
        <FormField
          name="fullName"
          label="Prénom et nom"
          required
          defaultValue={values.fullName}
          error={errors.fullName}
        />
        <FormField
          name="email"
          label="Adresse e-mail"
          type="email"
          required
          defaultValue={values.email}
          error={errors.email}
        />
        <FormField
          name="password"
          label="Mot de passe initial"
          type="password"
          autoComplete="new-password"
          required
          hint={`Au moins ${PASSWORD_MIN_LENGTH} caractères, avec des lettres et au moins un chiffre ou un symbole.`}
          error={errors.password}
        />
        <RoleCheckboxes selected={(actionData?.selectedRoles ?? []) as Role[]} error={errors.roles} />
        <button type="submit" className="button" disabled={busy}>
          Créer le compte
        </button>
      </Form>
    </div>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
