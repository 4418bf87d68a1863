// Adding an evaluator to the pool: a new evaluator account with an initial password chosen by staff, or an existing
// account (found by its e-mail address) given the evaluator role; then the profile.
import { type ActionFunctionArgs, type LoaderFunctionArgs, json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { listCertificationChoices } from "../../db/queries/evaluator-pool";
import { createEvaluatorProfile, createProfileSchema } from "~/services/evaluator-pool.server";
import { EvaluatorProfileFields, submittedProfileValues } from "~/components/evaluator-profile-fields";
import { FormAlert, FormField } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
import { clientIp, requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { parseForm } from "~/utils/forms";
import { readFormData } from "~/utils/http.server";
import { PASSWORD_MIN_LENGTH, passwordProblem } from "~/utils/password-policy";
import { fullNameField } from "~/utils/validation";

export const meta = () => [{ title: "Ajouter un évaluateur — Portail VAE" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "certifier_staff");
  return json({ certifications: await listCertificationChoices(await getDb()) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireRole(request, "certifier_staff");
  const formData = await readFormData(request);
  const values = submittedProfileValues(formData);
  const form = parseForm(createProfileSchema, formData);
  if (!form.ok) {
    const fieldErrors = { ...form.fieldErrors };
    // The name is only asked for a new account; say it with the other errors rather than after them.
    if (values.account !== "existing" && !fullNameField.safeParse(values.fullName).success) {
      fieldErrors.fullName ??= fullNameField.safeParse(values.fullName).error?.issues[0]?.message ?? "";
    }
    if (values.account !== "existing") {
      const password = formData.get("password");
      const problem = passwordProblem(typeof password === "string" ? password : "", {
        email: values.email,
        fullName: values.fullName,
      });
      if (problem) fieldErrors.password ??= problem;
    }
    return json({ fieldErrors, formError: null as string | null, values }, { status: 400 });
  }
  const outcome = await createEvaluatorProfile(
    await getDb(),
    { userId: staff.id, role: "certifier_staff" },
    form.data,
    { ip: clientIp(context) },
  );
  if (!outcome.ok) {
    return json(
      {
        fieldErrors: outcome.fieldErrors ?? {},
        formError: outcome.fieldErrors ? null : outcome.message,
        values,
      },
      { status: outcome.status },
    );
  }
  return redirect(`/certificateur/evaluateurs/${outcome.userId}?cree=${outcome.accountCreated ? "compte" : "profil"}`);
}

export default function NewEvaluator() {
  const { certifications } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors: Record<string, string | undefined> = actionData?.fieldErrors ?? {};
  const values: Partial<ReturnType<typeof submittedProfileValues>> = actionData?.values ?? {};
  const account = values.account === "existing" ? "existing" : "new";
  const busy = useNavigation().state === "submitting";
  return (
    <div className="narrow">
      <p>
        <Link to="/certificateur/evaluateurs">← Vivier d'évaluateurs</Link>
      </p>
      <h1>Ajouter un évaluateur</h1>
      <p>
        Créez le compte de l'évaluateur avec un mot de passe initial à lui transmettre par un canal sûr, ou rattachez un
        compte qui existe déjà : il reçoit alors le rôle d'évaluateur.
      </p>
      <Form method="post" noValidate className="form">
        <FormAlert
          message={
            actionData?.formError ?? (Object.keys(errors).length ? "Corrigez les champs signalés ci-dessous." : null)
          }
        />
        <fieldset className={errors.account ? "field field--error" : "field"}>
          <legend>Compte de l'évaluateur</legend>
          <label className="checkbox">
            <input type="radio" name="account" value="new" defaultChecked={account === "new"} /> Créer un nouveau compte
          </label>
          <label className="checkbox">
            <input type="radio" name="account" value="existing" defaultChecked={account === "existing"} /> Rattacher un
            compte existant (par son adresse e-mail)
          </label>
          {errors.account ? (
            <p className="field__error" role="alert">
              {errors.account}
            </p>
          ) : null}
        </fieldset>
        <FormField
          name="email"
          label="Adresse e-mail"
          type="email"
          autoComplete="off"
          defaultValue={values.email}
          error={errors.email}
        />
        <FormField
          name="fullName"
          label="Prénom et nom"
          autoComplete="off"
          hint="Pour un nouveau compte ; un compte existant garde son nom."
          defaultValue={values.fullName}
          error={errors.fullName}
        />
        <FormField
          name="password"
          label="Mot de passe initial"
          type="password"
          autoComplete="new-password"
          hint={`Pour un nouveau compte : au moins ${PASSWORD_MIN_LENGTH} caractères, avec des lettres et au moins un chiffre ou un symbole.`}
          error={errors.password}
        />
        <EvaluatorProfileFields
          values={actionData ? values : { isActive: true }}
          errors={errors}
          certifications={certifications}
          nameField={false}
        />
        <button type="submit" className="button" disabled={busy}>
          Ajouter au vivier
        </button>
      </Form>
    </div>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
