// The French pages shown for refusals and failures (403, 404, 500): what happened and where to go next.
import { Link, isRouteErrorResponse, useRouteError } from "@remix-run/react";

const COPY: Record<number, { title: string; text: string }> = {
  400: {
    title: "Requête invalide",
    text: "Le portail n'a pas pu lire ce qui a été envoyé. Rechargez la page et recommencez.",
  },
  403: { title: "Accès refusé", text: "Vous n'avez pas accès à cette page avec votre compte." },
  404: { title: "Page introuvable", text: "La page demandée n'existe pas ou n'est plus disponible." },
  429: {
    title: "Trop de requêtes",
    text: "Trop de demandes ont été reçues depuis votre connexion. Par sécurité, réessayez dans quelques minutes.",
  },
  500: {
    title: "Une erreur est survenue",
    text: "Le portail n'a pas pu traiter votre demande. Réessayez dans un instant ; si le problème persiste, contactez le support.",
  },
};

export function StatusPage({ status }: { status: number }) {
  const copy = COPY[status] ?? COPY[500]!;
  return (
    <div className="status-page">
      <p className="status-page__code">Erreur {status}</p>
      <h1>{copy.title}</h1>
      <p>{copy.text}</p>
      <p>
        <Link to="/">Retour à l'accueil</Link>
      </p>
    </div>
  );
}

/** Route error boundary: known HTTP refusals get their page; anything else is logged and shown as a 500. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) return <StatusPage status={error.status} />;
  if (typeof document !== "undefined") console.error(error);
  return <StatusPage status={500} />;
}
