import { type ActionFunctionArgs, type LoaderFunctionArgs, json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { authenticate } from "~/services/accounts.server";
import { FormAlert, FormField } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
import { clientIp, requireAnonymous } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { parseForm } from "~/utils/forms";
import { homeFor, safeRedirectPath } from "~/utils/roles";
import { startSession } from "~/utils/session.server";
import { loginSchema } from "~/utils/validation";
import { readFormData } from "~/utils/http.server";

export const meta = () => [{ title: "Connexion — Portail VAE" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request, "/espace");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = parseForm(loginSchema, await readFormData(request));
  if (!form.ok) return json({ fieldErrors: form.fieldErrors, formError: null, values: form.values }, { status: 400 });
  const ip = clientIp(context);
  const outcome = await authenticate(await getDb(), form.data, { ip });
  if (!outcome.ok) {
    return json(
      { fieldErrors: {} as Record<string, string>, formError: outcome.message, values: { email: form.data.email } },
      { status: outcome.reason === "throttled" ? 429 : 400 },
    );
  }
  const cookie = await startSession(request, outcome.user.id, { ip });
  return redirect(safeRedirectPath(form.data.redirectTo, homeFor(outcome.user.roles)), {
    headers: { "Set-Cookie": cookie },
  });
}

export default function Login() {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="narrow">
      <h1>Connexion</h1>
      {searchParams.get("inscription") && !actionData ? (
        <div className="alert alert--success" role="status">
          Votre demande d'inscription est enregistrée et un e-mail vous a été envoyé à l'adresse indiquée.
          Connectez-vous avec cette adresse et le mot de passe choisi.
        </div>
      ) : null}
      <Form method="post" noValidate className="form">
        <FormAlert message={actionData?.formError} />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <FormField
          name="email"
          label="Adresse e-mail"
          type="email"
          autoComplete="email"
          required
          defaultValue={actionData?.values?.email}
          error={actionData?.fieldErrors?.email}
        />
        <FormField
          name="password"
          label="Mot de passe"
          type="password"
          autoComplete="current-password"
          required
          error={actionData?.fieldErrors?.password}
        />
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Connexion…" : "Se connecter"}
        </button>
      </Form>
      <p>
        Pas encore de compte ? <Link to="/inscription">Créer un compte candidat</Link>
      </p>
    </div>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
