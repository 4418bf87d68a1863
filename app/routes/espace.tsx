// The list of a user's spaces when they hold several roles; a single-role user goes straight to theirs.
import { type LoaderFunctionArgs, json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/status-page";
import { requireUser } from "~/utils/auth.server";
import { ROLE_HOME, ROLE_LABELS } from "~/utils/roles";

export const meta = () => [{ title: "Mes espaces — Portail VAE" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (user.roles.length === 1) throw redirect(ROLE_HOME[user.roles[0]!]);
  return json({
    fullName: user.fullName,
    spaces: user.roles.map((role) => ({ to: ROLE_HOME[role], label: ROLE_LABELS[role] })),
  });
}

export default function Spaces() {
  const { fullName, spaces } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Bonjour {fullName}</h1>
      {spaces.length === 0 ? (
        <p className="empty">Aucun rôle n'est attribué à votre compte. Contactez l'administrateur du portail.</p>
      ) : (
        <>
          <p>Choisissez l'espace dans lequel vous souhaitez travailler.</p>
          <ul className="cards">
            {spaces.map((s) => (
              <li key={s.to} className="card">
                <Link to={s.to}>Espace {s.label.toLowerCase()}</Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
