// A filed version of a dossier, as its readers see it: the candidate, the two assigned evaluators and certifier
// staff. Only frozen versions are shown here (evaluators read exactly what was filed); after a send-back, the
// changes since the previous version are marked and the previous text is one click away.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { FiledDossierBody } from "~/components/filed-dossier-body";
import { Prerendered } from "~/components/prerendered";
import { GeneralErrorBoundary } from "~/components/status-page";
import { readFiledDossier } from "~/services/dossiers.server";
import { candidacyReference } from "~/services/email-delivery.server";
import { filedDossierBodyView, filedVersionKey } from "~/services/filed-dossier-view.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { parseIdParam } from "~/utils/http.server";
import { prerenderedPart } from "~/utils/prerendered.server";

export const meta = () => [{ title: "Dossier de validation — Portail VAE" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  // Who reads, and whether they may, is decided on every request; only what the version shows is kept.
  const user = await requireUser(request, context);
  const requested = new URL(request.url).searchParams.get("version");
  const version = requested && /^\d{1,4}$/.test(requested) ? Number(requested) : null;
  const dossier = await readFiledDossier(
    await getDb(),
    user,
    parseIdParam(params, "candidacyId", "Dossier introuvable."),
    version,
  );
  if (!dossier) throw json({ message: "Dossier introuvable." }, { status: 404 });
  const { candidacy, content, previous, changes, scope } = dossier;
  let shown: { version: number; key: string; html: string | null } | null = null;
  if (content) {
    // The body is rendered once per filed version and sent once: in the document, or as the data of a client-side
    // navigation (docs/decisions/035).
    const filed = { scope, content, previous, changes };
    const key = filedVersionKey(filed);
    const html = prerenderedPart(context, key, () => <FiledDossierBody view={filedDossierBodyView(filed)} />);
    shown = { version: content.version.version, key, html };
  }
  return json({
    readerRole: dossier.readerRole,
    candidacy: {
      id: candidacy.id,
      reference: candidacyReference(candidacy.id, candidacy.requestedAt, candidacy.createdAt),
      candidateName: candidacy.candidateName,
      certificationTitle: candidacy.certificationTitle,
      stateLabel: candidacy.stateLabel,
    },
    versions: dossier.versions.map((v) => ({ version: v.version, frozenAt: formatDateTime(v.frozenAt!) })),
    requestedVersion: version,
    content: shown,
  });
}

export default function FiledDossierPage() {
  const data = useLoaderData<typeof loader>();
  const { content } = data;
  const back =
    data.readerRole === "candidate"
      ? `/candidat/candidatures/${data.candidacy.id}/dossier`
      : data.readerRole === "evaluator"
        ? "/evaluation"
        : `/certificateur/candidatures/${data.candidacy.id}`;
  return (
    <>
      <p>
        <Link to={back}>← Retour</Link>
      </p>
      <p className="eyebrow">Dossier de validation — {data.candidacy.reference}</p>
      <h1>{data.candidacy.candidateName}</h1>
      <p className="muted">
        {data.candidacy.certificationTitle} — étape : {data.candidacy.stateLabel}
      </p>
      {!content ? (
        <p className="empty">
          {data.requestedVersion !== null && data.versions.length > 0
            ? `La version ${data.requestedVersion} n'existe pas.`
            : "Aucune version de ce dossier n'a encore été déposée."}
        </p>
      ) : (
        <>
          <nav aria-label="Versions" className="filters">
            {data.versions.map((v) => (
              <Link
                key={v.version}
                to={`?version=${v.version}`}
                aria-current={v.version === content.version ? "page" : undefined}
                className={v.version === content.version ? "badge badge--active" : "badge"}
              >
                Version {v.version} — {v.frozenAt}
              </Link>
            ))}
          </nav>
          <p>
            <a className="button" href={`/dossiers/${data.candidacy.id}/versions/${content.version}/pdf`}>
              Télécharger le dossier (PDF)
            </a>{" "}
            <a className="button button--ghost" href={`/dossiers/${data.candidacy.id}/versions/${content.version}/zip`}>
              Télécharger toutes les pièces (ZIP)
            </a>
          </p>
          <Prerendered cacheKey={content.key} html={content.html} className="filed-dossier" />
        </>
      )}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
