// The public verification page of one code, reached from the URL or QR code printed on a document: the verdict and
// the documented facts only (docs/decisions/028), the same page whatever the code; and two checks of a document
// someone holds: a PDF compared byte for byte with the issued one, a credential (.jwt) checked for its signature,
// status and content. Rate-limited per IP; not indexed; lists nothing.
import {
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  MaxPartSizeExceededError,
  json,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { FormAlert } from "~/components/form-field";
import { VerificationFacts, VerificationVerdict } from "~/components/certificate-verification";
import { GeneralErrorBoundary } from "~/components/status-page";
import { VerificationCodeForm } from "~/components/verification-code-form";
import {
  type CredentialCheck,
  type PdfCheck,
  checkCredential,
  comparePdfWithIssued,
  lookUpVerificationCode,
} from "~/services/public-verification.server";
import { clientIp } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDate, formatFileSize } from "~/utils/format";
import { BAD_REQUEST_MESSAGE } from "~/utils/http.server";
import { CREDENTIAL_TEXT_MAX_CHARS, VERIFICATION_UPLOAD_MAX_BYTES } from "~/utils/verification-limits";

export const meta = () => [
  { title: "Vérification d'un document — Portail VAE" },
  { name: "robots", content: "noindex" },
];

// Nothing here is to be kept by a shared cache or a search engine: the status may change (revocation).
const PAGE_HEADERS = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex" };
export const headers: HeadersFunction = () => PAGE_HEADERS;

const codeSchema = z.string().trim().min(1).max(64);

function codeOf(params: { code?: string }): string {
  const parsed = codeSchema.safeParse(params.code ?? "");
  // An absurd code is looked up like any other: it answers "unknown" with the same page.
  return parsed.success ? parsed.data : (params.code ?? "").slice(0, 64);
}

export async function loader({ params, context }: LoaderFunctionArgs) {
  const code = codeOf(params);
  const outcome = await lookUpVerificationCode(await getDb(), code, { ip: clientIp(context) });
  if (!outcome.ok) throw json({ message: outcome.message }, { status: outcome.status, headers: PAGE_HEADERS });
  return json({ code, verification: outcome.verification }, { headers: PAGE_HEADERS });
}

type ActionData =
  | { error: string; intent: "pdf" | "credential" }
  | { intent: "pdf"; pdf: PdfCheck; fileName: string; byteSize: number }
  | { intent: "credential"; credential: CredentialCheck };

/** The body: multipart read in memory with a cap on each part and on the whole, never stored anywhere. */
async function readSubmission(request: Request): Promise<FormData | string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  const tooLarge = `Le fichier dépasse la taille maximale acceptée (${formatFileSize(VERIFICATION_UPLOAD_MAX_BYTES)}).`;
  if (declared > VERIFICATION_UPLOAD_MAX_BYTES + 64 * 1024) return tooLarge;
  let total = 0;
  const memory = unstable_createMemoryUploadHandler({ maxPartSize: VERIFICATION_UPLOAD_MAX_BYTES });
  try {
    return await unstable_parseMultipartFormData(request, async (part) => {
      const value = await memory(part);
      total += typeof value === "string" ? value.length : (value?.size ?? 0);
      if (total > VERIFICATION_UPLOAD_MAX_BYTES + 64 * 1024) throw new MaxPartSizeExceededError(part.name, total);
      return value;
    });
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return tooLarge;
    return BAD_REQUEST_MESSAGE;
  }
}

const fileOf = (form: FormData, name: string) => {
  const value = form.get(name);
  return value instanceof File && value.size > 0 ? value : null;
};

const PDF_MAGIC = "%PDF-";

export async function action({ request, params, context }: ActionFunctionArgs) {
  const code = codeOf(params);
  const form = await readSubmission(request);
  if (typeof form === "string") {
    return json<ActionData>({ error: form, intent: "pdf" }, { status: form === BAD_REQUEST_MESSAGE ? 400 : 413 });
  }
  const intent = form.get("intent") === "credential" ? "credential" : "pdf";
  const db = await getDb();
  const ip = { ip: clientIp(context) };
  if (intent === "pdf") {
    const file = fileOf(form, "pdf");
    if (!file) return json<ActionData>({ error: "Choisissez le fichier PDF à comparer.", intent }, { status: 400 });
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (new TextDecoder().decode(bytes.subarray(0, 5)) !== PDF_MAGIC) {
      return json<ActionData>(
        { error: "Ce fichier n'est pas un PDF : choisissez le PDF du certificat ou de l'attestation.", intent },
        { status: 415 },
      );
    }
    const outcome = await comparePdfWithIssued(db, code, bytes, ip);
    if (!outcome.ok) return json<ActionData>({ error: outcome.message, intent }, { status: outcome.status });
    return json<ActionData>({ intent, pdf: outcome.pdf, fileName: file.name, byteSize: file.size });
  }
  const pasted = form.get("credential");
  const file = fileOf(form, "credentialFile");
  const text = (file ? await file.text() : typeof pasted === "string" ? pasted : "").trim();
  if (!text) {
    return json<ActionData>(
      { error: "Collez le contenu du fichier .jwt ou choisissez le fichier de l'attestation numérique.", intent },
      { status: 400 },
    );
  }
  if (text.length > CREDENTIAL_TEXT_MAX_CHARS) {
    return json<ActionData>(
      { error: "Ce texte est trop long pour être une attestation numérique.", intent },
      { status: 413 },
    );
  }
  const outcome = await checkCredential(db, text, ip);
  if (!outcome.ok) return json<ActionData>({ error: outcome.message, intent }, { status: outcome.status });
  return json<ActionData>({ intent, credential: outcome.credential });
}

function PdfVerdict({ data }: { data: Extract<ActionData, { pdf: PdfCheck }> }) {
  return data.pdf.identical ? (
    <div className="alert alert--success" role="status" id="pdf-verdict">
      <strong>Identique au document délivré</strong> (édition {data.pdf.edition}
      {data.pdf.duplicate ? ", duplicata" : ""}) : le fichier « {data.fileName} » n'a pas été modifié.
    </div>
  ) : (
    <div className="alert alert--error" role="status" id="pdf-verdict">
      <strong>Différent du document délivré</strong> : le fichier « {data.fileName} » ({formatFileSize(data.byteSize)})
      n'est pas, octet pour octet, un document délivré sous ce code. Il a pu être modifié.
    </div>
  );
}

const SIGNATURE_LABELS: Record<CredentialCheck["signature"], string> = {
  valid: "signature valide (clé publiée par le portail)",
  invalid: "signature invalide",
  malformed: "ce texte n'est pas une attestation numérique lisible",
};

function CredentialVerdict({ credential }: { credential: CredentialCheck }) {
  const valid = credential.signature === "valid" && credential.matches && credential.verification.status === "valid";
  const v = credential.verification;
  return (
    <div className={valid ? "alert alert--success" : "alert alert--error"} role="status" id="credential-verdict">
      <p>
        <strong>{valid ? "Attestation numérique valide." : "Attestation numérique non valide."}</strong>
      </p>
      <ul>
        <li>Signature : {SIGNATURE_LABELS[credential.signature]}.</li>
        <li>
          Contenu :{" "}
          {credential.matches ? "conforme au document délivré" : "ne correspond à aucun document délivré tel quel"}.
        </li>
        <li>
          Statut :{" "}
          {v.status === "valid"
            ? `document n° ${v.number} valide`
            : v.status === "revoked"
              ? `document n° ${v.number} révoqué${v.revokedAt ? ` le ${formatDate(v.revokedAt)}` : ""}`
              : "aucun document valide ne correspond"}
          .
        </li>
      </ul>
    </div>
  );
}

export default function VerificationPage() {
  const { code, verification } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const error = actionData && "error" in actionData ? actionData : null;
  return (
    <>
      <p>
        <Link to="/verifier">← Vérifier un autre code</Link>
      </p>
      <h1>Vérification d'un document</h1>
      <p>
        Code de vérification : <span className="code">{code}</span>
      </p>
      <VerificationVerdict verification={verification} />

      <section className="card" aria-labelledby="facts-heading">
        <h2 id="facts-heading">Ce que le portail atteste</h2>
        <VerificationFacts verification={verification} />
        <p className="muted">
          Le portail n'affiche rien d'autre sur le titulaire. Il ne publie aucune liste des documents délivrés.
        </p>
      </section>

      <section className="card" aria-labelledby="pdf-heading">
        <h2 id="pdf-heading">Comparer un PDF</h2>
        <p>
          Un PDF qu'on vous a remis est-il exactement celui qui a été délivré ? Le portail compare son empreinte
          (SHA-256) à celle du document délivré sous ce code ; le fichier n'est pas conservé.
        </p>
        {error?.intent === "pdf" ? <FormAlert message={error.error} /> : null}
        {actionData && "pdf" in actionData ? <PdfVerdict data={actionData} /> : null}
        <Form method="post" encType="multipart/form-data" className="form">
          <input type="hidden" name="intent" value="pdf" />
          <div className="field">
            <label htmlFor="field-pdf">Fichier PDF du document</label>
            <p className="field__hint" id="field-pdf-hint">
              PDF — {formatFileSize(VERIFICATION_UPLOAD_MAX_BYTES)} au maximum.
            </p>
            <input
              id="field-pdf"
              type="file"
              name="pdf"
              accept="application/pdf,.pdf"
              required
              aria-describedby="field-pdf-hint"
            />
          </div>
          <button type="submit" className="button" disabled={busy}>
            Comparer le PDF
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="credential-heading">
        <h2 id="credential-heading">Vérifier une attestation numérique</h2>
        <p>
          Le titulaire peut aussi transmettre son attestation numérique signée (fichier .jwt, au format Open Badges
          3.0). Collez son contenu ou choisissez le fichier : le portail vérifie la signature, le statut du document et
          que son contenu correspond au document délivré.
        </p>
        {error?.intent === "credential" ? <FormAlert message={error.error} /> : null}
        {actionData && "credential" in actionData ? <CredentialVerdict credential={actionData.credential} /> : null}
        <Form method="post" encType="multipart/form-data" className="form">
          <input type="hidden" name="intent" value="credential" />
          <div className="field">
            <label htmlFor="field-credential">Contenu de l'attestation numérique</label>
            <textarea id="field-credential" name="credential" rows={4} spellCheck={false} />
          </div>
          <div className="field">
            <label htmlFor="field-credentialFile">ou fichier .jwt</label>
            <input
              id="field-credentialFile"
              type="file"
              name="credentialFile"
              accept=".jwt,application/vc+jwt,text/plain"
            />
          </div>
          <button type="submit" className="button" disabled={busy}>
            Vérifier l'attestation numérique
          </button>
        </Form>
      </section>

      <section aria-labelledby="other-heading">
        <h2 id="other-heading">Un autre code</h2>
        <VerificationCodeForm />
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
