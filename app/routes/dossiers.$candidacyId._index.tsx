// A filed version of a dossier, as its readers see it: the candidate, the two assigned evaluators and certifier
// staff. Only frozen versions are shown here (evaluators read exactly what was filed); after a send-back, the
// changes since the previous version are marked and the previous text is one click away.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { NARRATIVE_PARTS, NARRATIVE_PART_LABELS } from "../../workflows/dossier-coverage";
import { CoverageMatrix } from "~/components/coverage-matrix";
import { GeneralErrorBoundary } from "~/components/status-page";
import { readFiledDossier } from "~/services/dossiers.server";
import { candidacyReference } from "~/services/email-delivery.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDateTime, formatFileSize } from "~/utils/format";
import { parseIdParam } from "~/utils/http.server";
import { TableScroll } from "~/components/table-scroll";

export const meta = () => [{ title: "Dossier de validation — Portail VAE" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const requested = new URL(request.url).searchParams.get("version");
  const version = requested && /^\d{1,4}$/.test(requested) ? Number(requested) : null;
  const dossier = await readFiledDossier(
    await getDb(),
    user,
    parseIdParam(params, "candidacyId", "Dossier introuvable."),
    version,
  );
  if (!dossier) throw json({ message: "Dossier introuvable." }, { status: 404 });
  const { candidacy, content, previous, changes } = dossier;
  const toView = (c: NonNullable<typeof content>) => ({
    version: c.version.version,
    frozenAt: c.version.frozenAt!.toISOString(),
    narratives: Object.fromEntries(c.narratives),
    evidence: c.evidence.map((e, i) => ({
      number: i + 1,
      documentId: e.documentId,
      originalName: e.originalName,
      mediaType: e.mediaType,
      byteSize: e.byteSize,
      sha256: e.sha256,
      caption: e.caption,
      competencyCodes: e.competencyCodes,
    })),
    coverage: c.coverage.competencies,
  });
  return json({
    readerRole: dossier.readerRole,
    candidacy: {
      id: candidacy.id,
      reference: candidacyReference(candidacy.id, candidacy.requestedAt, candidacy.createdAt),
      candidateName: candidacy.candidateName,
      certificationTitle: candidacy.certificationTitle,
      stateLabel: candidacy.stateLabel,
    },
    blocs: dossier.scope.blocs.map((b) => ({
      code: b.code,
      number: b.number,
      title: b.title,
      competencies: b.competencies.map((c) => ({ code: c.code, statement: c.statement })),
    })),
    versions: dossier.versions.map((v) => ({ version: v.version, frozenAt: v.frozenAt!.toISOString() })),
    requestedVersion: version,
    content: content ? toView(content) : null,
    previous: previous
      ? { version: previous.version.version, narratives: Object.fromEntries(previous.narratives) }
      : null,
    changes: changes
      ? {
          unchanged: changes.unchanged,
          narratives: Object.fromEntries(changes.narratives),
          added: changes.added.map((e) => e.originalName),
          removed: changes.removed.map((e) => e.originalName),
          changed: changes.changed.map((c) => c.after.originalName),
          competencies: [...changes.competencies],
        }
      : null,
  });
}

export default function FiledDossierPage() {
  const data = useLoaderData<typeof loader>();
  const { content, changes, previous } = data;
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
                Version {v.version} — {formatDateTime(v.frozenAt)}
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
          {changes && previous ? (
            <section className="card" data-testid="version-changes">
              <h2>Modifications depuis la version {previous.version}</h2>
              {changes.unchanged ? (
                <p>Aucune modification.</p>
              ) : (
                <ul>
                  {Object.entries(changes.narratives).map(([code, parts]) => (
                    <li key={code}>
                      Récit de {code} modifié : {parts.map((p) => NARRATIVE_PART_LABELS[p]).join(", ")}
                    </li>
                  ))}
                  {changes.added.map((name) => (
                    <li key={`+${name}`}>Pièce ajoutée : {name}</li>
                  ))}
                  {changes.removed.map((name) => (
                    <li key={`-${name}`}>Pièce retirée : {name}</li>
                  ))}
                  {changes.changed.map((name) => (
                    <li key={`~${name}`}>Légende ou compétences modifiées : {name}</li>
                  ))}
                </ul>
              )}
            </section>
          ) : null}

          <section>
            <h2>Couverture</h2>
            <CoverageMatrix rows={content.coverage} />
          </section>

          {data.blocs.map((bloc) => (
            <section key={bloc.code} className="bloc">
              <h2>
                Bloc {bloc.number} — {bloc.title}
              </h2>
              {bloc.competencies.map((competency) => {
                const narrative = content.narratives[competency.code];
                const changedParts = changes?.narratives[competency.code] ?? [];
                const pieces = content.evidence.filter((e) => e.competencyCodes.includes(competency.code));
                return (
                  <article key={competency.code} className="competency" id={competency.code}>
                    <h3>
                      {competency.code} — {competency.statement}{" "}
                      {changes?.competencies.includes(competency.code) ? (
                        <span className="badge badge--urgent">Modifiée</span>
                      ) : null}
                    </h3>
                    {narrative ? (
                      NARRATIVE_PARTS.map((part) => (
                        <div key={part}>
                          <h4>
                            {NARRATIVE_PART_LABELS[part]}
                            {changedParts.includes(part) ? <span className="muted"> (modifié)</span> : null}
                          </h4>
                          <p className="prose narrative">
                            {narrative[part] || <span className="muted">Non renseigné.</span>}
                          </p>
                          {changedParts.includes(part) && previous ? (
                            <details>
                              <summary>Texte de la version {previous.version}</summary>
                              <p className="prose narrative">
                                {previous.narratives[competency.code]?.[part] || "Non renseigné."}
                              </p>
                            </details>
                          ) : null}
                        </div>
                      ))
                    ) : (
                      <p className="muted">Aucun récit rédigé.</p>
                    )}
                    <p>
                      Pièces :{" "}
                      {pieces.length === 0
                        ? "aucune"
                        : pieces.map((p, i) => (
                            <span key={p.documentId}>
                              {i > 0 ? ", " : ""}
                              <a href={`/fichiers/${p.documentId}`} target="_blank" rel="noreferrer">
                                Pièce {p.number}
                              </a>
                            </span>
                          ))}
                    </p>
                  </article>
                );
              })}
            </section>
          ))}

          <section>
            <h2>Index des pièces</h2>
            <TableScroll label="Index des pièces">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">N°</th>
                    <th scope="col">Fichier</th>
                    <th scope="col">Légende</th>
                    <th scope="col">Compétences</th>
                    <th scope="col">Empreinte SHA-256</th>
                  </tr>
                </thead>
                <tbody>
                  {content.evidence.map((e) => (
                    <tr key={e.documentId}>
                      <td>{e.number}</td>
                      <td>
                        <a href={`/fichiers/${e.documentId}`} target="_blank" rel="noreferrer">
                          {e.originalName}
                        </a>
                        <div className="muted">{formatFileSize(e.byteSize)}</div>
                      </td>
                      <td>{e.caption}</td>
                      <td>{e.competencyCodes.join(", ")}</td>
                      <td>
                        <code className="code hash">{e.sha256}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </section>
        </>
      )}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
