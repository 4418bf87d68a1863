// Once both evaluators have transmitted: the comparison (per competency A, B, difference, joint score; per bloc the
// outcome of A's, B's and the joint scores, with the reason the pair must deliberate), and, while deliberating,
// each evaluator's proposals, the president's casting vote and "Clore la délibération".
import { type ActionFunctionArgs, type LoaderFunctionArgs, json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { EvaluationHeader } from "~/components/evaluation-header";
import { TableScroll } from "~/components/table-scroll";
import { FormAlert } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
import {
  type ProposedScore,
  castVote,
  closeDeliberation,
  comparisonView,
  proposeScores,
} from "~/services/evaluation-deliberation.server";
import { type EvaluatorFormAnswer, formAnswer, requireEvaluatorCandidacy } from "~/utils/evaluator-route.server";
import { formatDateTime } from "~/utils/format";
import { readFormData } from "~/utils/http.server";

export const meta = () => [{ title: "Comparaison et délibération — Portail VAE" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, candidacyId, db } = await requireEvaluatorCandidacy(request, params);
  const view = await comparisonView(db, user.id, candidacyId);
  if (!view.ok) throw json({ message: view.message }, { status: view.status });
  return json(view);
}

const intentSchema = z.object({ intent: z.enum(["propose", "vote", "close"]) });

const answer = formAnswer();
type ActionData = EvaluatorFormAnswer;

function proposals(formData: FormData): { list: ProposedScore[]; values: Record<string, string> } {
  const list: ProposedScore[] = [];
  const values: Record<string, string> = {};
  for (const key of new Set(formData.keys())) {
    if (!key.startsWith("score-")) continue;
    const code = key.slice("score-".length);
    if (!/^[A-Z0-9][A-Z0-9.]{0,15}$/.test(code)) continue;
    const score = String(formData.get(key) ?? "").slice(0, 20);
    const comment = String(formData.get(`comment-${code}`) ?? "").slice(0, 2000);
    list.push({ competencyCode: code, score, comment });
    values[key] = score;
    values[`comment-${code}`] = comment;
  }
  return { list, values };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, candidacyId, db } = await requireEvaluatorCandidacy(request, params);
  const formData = await readFormData(request);
  const parsed = intentSchema.safeParse({ intent: formData.get("intent") });
  if (!parsed.success) return answer({ intent: "", formError: "Action inconnue." }, 400);
  const { intent } = parsed.data;
  if (intent === "close") {
    const outcome = await closeDeliberation(db, user.id, candidacyId);
    if (!outcome.ok) return answer({ intent, formError: outcome.message }, outcome.status);
    throw redirect(`/evaluation/${candidacyId}/proces-verbal`);
  }
  const { list, values } = proposals(formData);
  const outcome =
    intent === "vote"
      ? await castVote(db, user.id, candidacyId, list)
      : await proposeScores(db, user.id, candidacyId, list);
  if (!outcome.ok) {
    return answer(
      { intent, formError: outcome.message, fieldErrors: outcome.fieldErrors ?? {}, values },
      outcome.status,
    );
  }
  throw redirect(`/evaluation/${candidacyId}/deliberation?fait=${intent === "vote" ? "voix" : "proposition"}`);
}

const STATUS = { awarded: "validé", not_awarded: "non validé" } as const;

function ScoresForm({
  intent,
  items,
  actionData,
  busy,
  button,
  legend,
}: {
  intent: "propose" | "vote";
  items: { code: string; statement: string }[];
  actionData: ActionData | undefined;
  busy: boolean;
  button: string;
  legend: string;
}) {
  const mine = actionData?.intent === intent && !actionData.done ? actionData : undefined;
  return (
    <Form method="post" className="form" noValidate>
      <input type="hidden" name="intent" value={intent} />
      <fieldset className="field">
        <legend>{legend}</legend>
        {items.map((item) => {
          const id = `${intent}-score-${item.code}`;
          const error = mine?.fieldErrors[`score-${item.code}`];
          return (
            <div key={item.code} className={error ? "field field--error" : "field"}>
              <label htmlFor={id}>
                {item.code} — {item.statement} (note en %)
              </label>
              <input
                type="text"
                inputMode="decimal"
                id={id}
                name={`score-${item.code}`}
                size={6}
                maxLength={6}
                autoComplete="off"
                defaultValue={mine?.values[`score-${item.code}`]}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${id}-error` : undefined}
              />
              {error ? (
                <p className="field__error" id={`${id}-error`} role="alert">
                  {error}
                </p>
              ) : null}
              <label htmlFor={`${intent}-comment-${item.code}`}>Justification pour {item.code} (facultatif)</label>
              <textarea
                id={`${intent}-comment-${item.code}`}
                name={`comment-${item.code}`}
                rows={2}
                maxLength={2000}
                defaultValue={mine?.values[`comment-${item.code}`]}
              />
            </div>
          );
        })}
      </fieldset>
      <button type="submit" className="button" disabled={busy}>
        {button}
      </button>
    </Form>
  );
}

export default function DeliberationPage() {
  const view = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const [params] = useSearchParams();
  const done = actionData ? null : params.get("fait");
  const { header } = view;
  const open = header.state === "deliberation";
  const disputed = view.deliberation.map((d) => ({ code: d.code, statement: d.statement }));
  const toVote = view.deliberation.filter((d) => !d.agreed).map((d) => ({ code: d.code, statement: d.statement }));
  return (
    <>
      <EvaluationHeader header={header} current="Comparaison et délibération" />
      <FormAlert message={actionData?.formError} />
      {done === "voix" || done === "proposition" ? (
        <div className="alert alert--success" role="status">
          {done === "voix" ? "Voix prépondérante enregistrée." : "Proposition enregistrée."}
        </div>
      ) : null}
      <section aria-labelledby="comparison-title">
        <h2 id="comparison-title">Comparaison des notes</h2>
        <p>
          {view.deliberationRequired
            ? "Les notes conjointes ne confirment pas ce que chacun de vous a conclu : le binôme délibère sur les compétences signalées."
            : "Les notes concordent : la note retenue de chaque compétence est la moyenne des deux."}{" "}
          Écart toléré : {view.tolerancePoints} points. Un bloc est validé avec une moyenne d'au moins{" "}
          {view.thresholds.blocMeanPercent} % et chaque compétence à {view.thresholds.competencyFloorPercent} % ou plus.
        </p>
        {view.blocs.map((bloc) => (
          <section key={bloc.code} className="card" aria-labelledby={`cmp-${bloc.code}`}>
            <h3 id={`cmp-${bloc.code}`}>
              Bloc {bloc.number} – {bloc.title}
            </h3>
            <ul className={bloc.outcomesDiffer ? "facts alert alert--error" : "facts"}>
              <li>
                Selon l'évaluateur A : {STATUS[bloc.statusA]} (moyenne {bloc.meanA} %)
              </li>
              <li>
                Selon l'évaluateur B : {STATUS[bloc.statusB]} (moyenne {bloc.meanB} %)
              </li>
              <li>
                Selon les notes conjointes : {STATUS[bloc.statusJoint]} (moyenne {bloc.meanJoint} %)
              </li>
            </ul>
            <p data-testid={`joint-explanation-${bloc.code}`}>Selon les notes conjointes : {bloc.jointExplanation}</p>
            {bloc.reasons.length > 0 ? (
              <>
                <p>
                  <strong>À délibérer :</strong>
                </p>
                <ul data-testid={`reasons-${bloc.code}`}>
                  {bloc.reasons.map((reason) => (
                    <li key={reason}>{reason}</li>
                  ))}
                </ul>
              </>
            ) : null}
            <TableScroll label={`Notes du bloc ${bloc.number}`}>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Compétence</th>
                    <th scope="col">A</th>
                    <th scope="col">B</th>
                    <th scope="col">Écart</th>
                    <th scope="col">Note conjointe</th>
                  </tr>
                </thead>
                <tbody>
                  {bloc.competencies.map((c) => (
                    <tr
                      key={c.code}
                      className={c.overTolerance ? "row--alert" : undefined}
                      data-testid={`row-${c.code}`}
                    >
                      <th scope="row">
                        {c.code}
                        {c.disputed ? " (en délibération)" : ""}
                      </th>
                      <td>{c.a} %</td>
                      <td>{c.b} %</td>
                      <td>
                        {c.difference} pts{c.overTolerance ? ` — au-delà de ${view.tolerancePoints} pts` : ""}
                      </td>
                      <td>{c.joint} %</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </section>
        ))}
      </section>

      {view.deliberation.length > 0 ? (
        <section aria-labelledby="deliberation-title">
          <h2 id="deliberation-title">Délibération</h2>
          <p>
            Chacun propose une note pour chaque compétence en délibération. Quand vos dernières propositions sont
            égales, la compétence est accordée ; sinon le président tranche par sa voix prépondérante.
          </p>
          <TableScroll label="État de la délibération">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Compétence</th>
                  <th scope="col">Proposition de A</th>
                  <th scope="col">Proposition de B</th>
                  <th scope="col">État</th>
                </tr>
              </thead>
              <tbody>
                {view.deliberation.map((d) => (
                  <tr key={d.code} data-testid={`deliberation-${d.code}`}>
                    <th scope="row">{d.code}</th>
                    <td>{d.latestA ? `${d.latestA.score} %` : "—"}</td>
                    <td>{d.latestB ? `${d.latestB.score} %` : "—"}</td>
                    <td>
                      {d.agreed
                        ? `Accord à ${d.latestA?.score} %`
                        : d.vote
                          ? `Voix du président : ${d.vote.score} %`
                          : "Pas d'accord"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          {open && header.can["deliberation.propose"] ? (
            <ScoresForm
              intent="propose"
              items={disputed}
              actionData={actionData}
              busy={busy}
              legend="Vos propositions"
              button="Proposer ces notes"
            />
          ) : null}
          {open && header.can["deliberation.castingVote"] && toVote.length > 0 ? (
            <ScoresForm
              intent="vote"
              items={toVote}
              actionData={actionData}
              busy={busy}
              legend="Voix prépondérante du président (compétences sans accord)"
              button="Trancher par ma voix prépondérante"
            />
          ) : null}
          {open && header.can["deliberation.close"] ? (
            <Form method="post" className="card">
              <input type="hidden" name="intent" value="close" />
              {view.unresolved.length > 0 ? (
                <p>Encore sans accord ni voix du président : {view.unresolved.join(", ")}.</p>
              ) : (
                <p>Toutes les compétences en délibération sont réglées.</p>
              )}
              <button type="submit" className="button" disabled={busy}>
                Clore la délibération
              </button>
            </Form>
          ) : null}
          {view.entries.length > 0 ? (
            <details className="card">
              <summary>Historique des propositions ({view.entries.length})</summary>
              <ul>
                {view.entries.map((e) => (
                  <li key={e.id}>
                    {formatDateTime(e.at)} — {e.authorName}
                    {e.kind === "casting_vote" ? " (voix prépondérante)" : ""} : {e.competencyCode} à {e.score} %
                    {e.comment ? ` — « ${e.comment} »` : ""}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
