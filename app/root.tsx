import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import {
  Form,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { GeneralErrorBoundary } from "./components/status-page";
import stylesUrl from "./styles/app.css?url";
import { getOptionalUser } from "./utils/auth.server";
import { isCurrent, navigationFor } from "./utils/navigation";
import { useNonce } from "./utils/nonce";
import { ROLE_LABELS } from "./utils/roles";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesUrl },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  { rel: "icon", href: "/favicon.ico", sizes: "32x32" },
];

export const meta: MetaFunction = () => [
  { title: "Portail VAE — CQP du secteur alimentaire" },
  { name: "description", content: "Validation des acquis de l'expérience pour les CQP de la filière alimentaire." },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  // Looked up once per request with the page's own loader (docs/decisions/035).
  const user = await getOptionalUser(request, context);
  return json({ user: user ? { fullName: user.fullName, email: user.email, roles: user.roles } : null });
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const user = data?.user ?? null;
  const { pathname } = useLocation();
  const nonce = useNonce();
  return (
    <html lang="fr">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#contenu">
          Aller au contenu
        </a>
        <header className="site-header">
          <div className="site-header__inner">
            <a href="/" className="brand">
              <span className="brand__mark" aria-hidden="true">
                VAE
              </span>
              <span>
                Portail VAE
                <small>CQP de la filière alimentaire</small>
              </span>
            </a>
            <nav aria-label="Navigation principale" className="main-nav">
              <ul>
                <li>
                  <NavLink to="/certifications">Le CQP</NavLink>
                </li>
                {user
                  ? navigationFor(user.roles).map((item) => (
                      <li key={item.to}>
                        <Link
                          to={item.to}
                          className={isCurrent(item, pathname) ? "active" : undefined}
                          aria-current={isCurrent(item, pathname) ? "page" : undefined}
                        >
                          {item.label}
                        </Link>
                      </li>
                    ))
                  : null}
              </ul>
            </nav>
            <div className="account">
              {user ? (
                <>
                  <span className="account__name" title={user.email}>
                    {user.fullName}
                    <small>{user.roles.map((r) => ROLE_LABELS[r]).join(", ")}</small>
                  </span>
                  <Form method="post" action="/deconnexion">
                    <button type="submit" className="button button--ghost">
                      Se déconnecter
                    </button>
                  </Form>
                </>
              ) : (
                <>
                  <NavLink to="/connexion" className="button button--ghost">
                    Se connecter
                  </NavLink>
                  <NavLink to="/inscription" className="button">
                    Créer un compte
                  </NavLink>
                </>
              )}
            </div>
          </div>
        </header>
        <main id="contenu" className="page">
          {children}
        </main>
        <footer className="site-footer">
          <p>
            Portail de validation des acquis de l'expérience — <a href="/confidentialite">Données personnelles</a> —{" "}
            <a href="/verifier">Vérifier un certificat</a>
          </p>
        </footer>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export const ErrorBoundary = GeneralErrorBoundary;
