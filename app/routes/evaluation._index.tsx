// The evaluator's home: the dossiers assigned to them.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/status-page";
import { requireRole } from "~/utils/auth.server";

export const meta = () => [{ title: "Mes évaluations — Portail VAE" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "evaluator");
  return json({ fullName: user.fullName });
}

export default function EvaluatorHome() {
  const { fullName } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Mes évaluations</h1>
      <p className="muted">Connecté en tant que {fullName}</p>
      <section className="card">
        <h2>Dossiers qui vous sont attribués</h2>
        <p>
          Vous n'accédez à un dossier qu'après avoir déclaré n'avoir aucun lien professionnel ou personnel avec le
          candidat. Vos notes restent invisibles de l'autre évaluateur jusqu'à ce que vous ayez tous deux soumis.
        </p>
        <p className="empty">Aucun dossier ne vous est attribué pour le moment.</p>
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
