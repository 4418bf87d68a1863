// The admissibility officer's home: the queue of admissibility requests to decide.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/status-page";
import { requireRole } from "~/utils/auth.server";

export const meta = () => [{ title: "Recevabilité — Portail VAE" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "admissibility_officer");
  return json({ fullName: user.fullName });
}

export default function OfficerHome() {
  const { fullName } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Demandes de recevabilité</h1>
      <p className="muted">Connecté en tant que {fullName}</p>
      <section className="card">
        <h2>À traiter</h2>
        <p>
          Chaque demande doit recevoir une réponse dans les deux mois suivant sa complétude : passé ce délai, le silence
          vaut acceptation.
        </p>
        <table className="table">
          <caption className="visually-hidden">Demandes de recevabilité à traiter</caption>
          <thead>
            <tr>
              <th scope="col">Candidat</th>
              <th scope="col">Certification</th>
              <th scope="col">Reçue le</th>
              <th scope="col">Jours restants</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td colSpan={4} className="empty">
                Aucune demande en attente.
              </td>
            </tr>
          </tbody>
        </table>
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
