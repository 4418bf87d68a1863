import { type ActionFunctionArgs, type LoaderFunctionArgs, json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { requestCandidateSignUp } from "~/services/accounts.server";
import { CheckboxField, FormAlert, FormField } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
import { clientIp, requireAnonymous } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { parseForm } from "~/utils/forms";
import { PASSWORD_MIN_LENGTH } from "~/utils/password-policy";
import { signUpSchema } from "~/utils/validation";
import { readFormData } from "~/utils/http.server";

export const meta = () => [{ title: "Créer un compte candidat — Portail VAE" }];

/** The query parameter with which the login page says that a sign-up was received. */
const SIGNED_UP_PARAM = "inscription";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request, "/espace");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = parseForm(signUpSchema, await readFormData(request));
  if (!form.ok) return json({ fieldErrors: form.fieldErrors, formError: null, values: form.values }, { status: 400 });
  const outcome = await requestCandidateSignUp(await getDb(), form.data, { ip: clientIp(context) });
  if (!outcome.ok) {
    const { password: _password, passwordConfirmation: _confirmation, ...values } = form.data;
    return json(
      { fieldErrors: outcome.fieldErrors as Record<string, string>, formError: outcome.formError ?? null, values },
      { status: outcome.formError ? 429 : 400 },
    );
  }
  // The same answer whether the address was new or already had an account (its owner gets an e-mail instead):
  // the page must not tell who has an account here. So nobody is logged in by signing up.
  return redirect(`/connexion?${SIGNED_UP_PARAM}=1`);
}

export default function SignUp() {
  const actionData = useActionData<typeof action>();
  const errors = actionData?.fieldErrors ?? {};
  const values = (actionData?.values ?? {}) as Record<string, string | undefined>;
  const busy = useNavigation().state === "submitting";
  return (
    <div className="narrow">
      <h1>Créer un compte candidat</h1>
      <p>
        Votre compte vous permet de déposer votre demande de VAE, de rédiger votre dossier et de suivre votre
        candidature. Les comptes des évaluateurs et des certificateurs sont créés par l'administrateur.
      </p>
      <Form method="post" noValidate className="form">
        <FormAlert
          message={
            actionData?.formError ?? (Object.keys(errors).length ? "Corrigez les champs signalés ci-dessous." : null)
          }
        />
        <FormField
          name="fullName"
          label="Prénom et nom"
          autoComplete="name"
          required
          defaultValue={values.fullName}
          error={errors.fullName}
        />
        <FormField
          name="email"
          label="Adresse e-mail"
          type="email"
          autoComplete="email"
          required
          defaultValue={values.email}
          error={errors.email}
        />
        <FormField
          name="password"
          label="Mot de passe"
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN_LENGTH}
          hint={`Au moins ${PASSWORD_MIN_LENGTH} caractères, avec des lettres et au moins un chiffre ou un symbole.`}
          error={errors.password}
        />
        <FormField
          name="passwordConfirmation"
          label="Confirmer le mot de passe"
          type="password"
          autoComplete="new-password"
          required
          error={errors.passwordConfirmation}
        />
        <CheckboxField id="field-acceptTerms" name="acceptTerms" error={errors.acceptTerms}>
          J'accepte les conditions d'utilisation et la <Link to="/confidentialite">politique de confidentialité</Link>.
        </CheckboxField>
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Création…" : "Créer mon compte"}
        </button>
      </Form>
      <p>
        Déjà inscrit ? <Link to="/connexion">Se connecter</Link>
      </p>
    </div>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
