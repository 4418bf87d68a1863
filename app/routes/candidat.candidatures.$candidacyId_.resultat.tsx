// The candidate's result, once certifier staff have validated the decision: each bloc aimed at, awarded or not and
// why, the evaluators' recommendations, the blocs held across candidacies, and a new candidacy for the missing blocs.
import { type ActionFunctionArgs, type LoaderFunctionArgs, json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CandidateTimeline } from "~/components/candidacy-journal";
import { FormAlert } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
import { readResult, startCandidacyForMissingBlocs } from "~/services/results.server";
import { requireRole } from "~/utils/auth.server";
import { requireCandidacy } from "~/utils/candidacy-access.server";
import { getDb } from "~/utils/db.server";
import { formatDate } from "~/utils/format";

export const meta = () => [{ title: "Mon résultat — Portail VAE" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "candidate");
  const { candidacy } = await requireCandidacy(user, "candidate", params, "result.view");
  const result = await readResult(await getDb(), { userId: user.id, role: "candidate" }, candidacy.id);
  if (!result.ok) throw json({ message: result.message }, { status: result.status });
  return json({ candidacyId: candidacy.id, result });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "candidate");
  const { candidacy } = await requireCandidacy(user, "candidate", params, "result.view");
  const outcome = await startCandidacyForMissingBlocs(await getDb(), user.id, candidacy.id);
  if (!outcome.ok) return json({ formError: outcome.message }, { status: outcome.status });
  return redirect(`/candidat/candidatures/${outcome.candidacyId}`);
}

function Summary({ result }: { result: ReturnType<typeof useLoaderData<typeof loader>>["result"] }) {
  if (result.certificationAwarded) {
    return (
      <p>
        Vous détenez tous les blocs de compétences : le CQP « {result.certificationTitle} » vous est attribué. Vous
        recevrez un courriel dès que votre certificat sera disponible.
      </p>
    );
  }
  if (result.blocs.some((b) => b.status === "awarded")) {
    return (
      <p>
        Validation partielle : les blocs obtenus vous restent acquis. Une nouvelle candidature peut porter uniquement
        sur les blocs manquants.
      </p>
    );
  }
  return (
    <p>
      Aucun bloc de compétences n'est obtenu à l'issue de cette évaluation. Vous pouvez demander des explications sur ce
      résultat à l'organisme certificateur.
    </p>
  );
}

export default function ResultPage() {
  const { candidacyId, result } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <>
      <p>
        <Link to={`/candidat/candidatures/${candidacyId}`}>← Ma candidature</Link>
      </p>
      <p className="eyebrow">{result.certificationTitle}</p>
      <h1>Mon résultat</h1>
      {result.resultLabel ? (
        <p>
          <strong className="badge badge--active">{result.resultLabel}</strong>
          {result.validatedAt ? <> — décision validée le {formatDate(result.validatedAt)}</> : null}
        </p>
      ) : null}
      <Summary result={result} />
      <FormAlert message={actionData?.formError} />

      <h2>Les blocs évalués</h2>
      <p className="muted">
        Un bloc est obtenu lorsque la moyenne de ses compétences atteint au moins {result.thresholds.blocMean} et que
        chaque compétence atteint au moins {result.thresholds.competencyFloor}.
      </p>
      {result.blocs.map((bloc) => (
        <section key={bloc.code} className="card" aria-labelledby={`bloc-${bloc.code}`}>
          <h3 id={`bloc-${bloc.code}`}>
            {bloc.code} — {bloc.title} :{" "}
            <span className={`badge ${bloc.status === "awarded" ? "badge--active" : "badge--urgent"}`}>
              {bloc.status === "awarded" ? "bloc obtenu" : "bloc non obtenu"}
            </span>
          </h3>
          <p>Moyenne des compétences : {bloc.mean} %.</p>
          {bloc.status === "not_awarded" ? (
            <>
              {!bloc.meanReached ? (
                <p>La moyenne n'atteint pas les {result.thresholds.blocMean} requis.</p>
              ) : (
                <p>
                  La moyenne atteint les {result.thresholds.blocMean} requis, mais une compétence au moins est trop
                  basse.
                </p>
              )}
              {bloc.competenciesUnderFloor.length > 0 ? (
                <>
                  <p>Compétences sous le minimum de {result.thresholds.competencyFloor} :</p>
                  <ul>
                    {bloc.competenciesUnderFloor.map((c) => (
                      <li key={c.code}>
                        {c.code} {c.title} : {c.score} %
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
              <h4>Recommandations des évaluateurs</h4>
              {bloc.recommendation ? (
                <p className="prose">{bloc.recommendation}</p>
              ) : (
                <p className="muted">Les évaluateurs n'ont pas rédigé de recommandation pour ce bloc.</p>
              )}
            </>
          ) : null}
        </section>
      ))}

      <section className="card">
        <h2>Mes blocs acquis pour ce CQP</h2>
        {result.held.length === 0 ? (
          <p className="empty">Vous ne détenez encore aucun bloc de ce CQP.</p>
        ) : (
          <ul>
            {result.held.map((b) => (
              <li key={b.code}>
                {b.code} — {b.title} (
                {b.source === "prior_certificate"
                  ? "acquis sur certificat"
                  : b.thisCandidacy
                    ? "obtenu à l'issue de cette candidature"
                    : "obtenu lors d'une candidature précédente"}
                , le {formatDate(b.acquiredAt)})
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link to="/candidat/certifications">Mes certifications : télécharger mes attestations et certificats</Link>
        </p>
        {result.missing.length > 0 ? (
          <p>Blocs manquants : {result.missing.map((b) => `${b.code} — ${b.title}`).join(" ; ")}.</p>
        ) : null}
      </section>

      {result.missing.length > 0 ? (
        <section className="card">
          <h2>Obtenir les blocs manquants</h2>
          {result.nextCandidacy ? (
            <p>
              Votre nouvelle candidature pour les blocs {result.nextCandidacy.targetBlocCodes.join(", ")} est ouverte (
              {result.nextCandidacy.stateLabel}).{" "}
              <Link to={`/candidat/candidatures/${result.nextCandidacy.id}`}>Suivre ma nouvelle candidature</Link>
            </p>
          ) : (
            <>
              <p>
                Une nouvelle candidature portera uniquement sur les blocs manquants (
                {result.missing.map((b) => b.code).join(", ")}) : les blocs que vous détenez ne seront pas évalués de
                nouveau.
              </p>
              {result.requestFilingFrom ? (
                <p id="filing-date">
                  Le Code de l'éducation (article R335-7) n'autorise qu'une demande de recevabilité par année civile
                  pour un même CQP, et trois au plus pour des certifications différentes : vous pourrez déposer la
                  nouvelle demande à partir du <strong>{formatDate(result.requestFilingFrom)}</strong>. Vous pouvez dès
                  maintenant ouvrir la candidature et préparer vos pièces.
                </p>
              ) : null}
              <Form method="post">
                <button
                  type="submit"
                  className="button"
                  disabled={busy}
                  aria-describedby={result.requestFilingFrom ? "filing-date" : undefined}
                >
                  Déposer une nouvelle demande pour les blocs manquants
                </button>
              </Form>
            </>
          )}
        </section>
      ) : null}

      <section>
        <h2>Historique</h2>
        <CandidateTimeline items={result.timeline} />
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
