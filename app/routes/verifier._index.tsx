// The public entry of verification: a person types the code printed on a document and lands on /verifier/<code>.
import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { GeneralErrorBoundary } from "~/components/status-page";
import { VerificationCodeForm } from "~/components/verification-code-form";

export const meta = () => [{ title: "Vérifier un certificat — Portail VAE" }, { name: "robots", content: "noindex" }];

/** The form is sent with GET: the code goes into the address of its page, which a person can bookmark or share. */
export async function loader({ request }: LoaderFunctionArgs) {
  const code = (new URL(request.url).searchParams.get("code") ?? "").trim().slice(0, 64);
  if (code) throw redirect(`/verifier/${encodeURIComponent(code)}`);
  return null;
}

export default function VerifyHome() {
  return (
    <>
      <h1>Vérifier un certificat ou une attestation</h1>
      <p>
        Chaque certificat et chaque attestation de blocs de compétences délivrés par le portail portent un code de
        vérification et un QR code. Saisissez le code pour savoir si le document est authentique et s'il est toujours
        valide.
      </p>
      <VerificationCodeForm />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
