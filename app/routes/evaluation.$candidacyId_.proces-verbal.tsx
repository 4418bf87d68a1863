// The minutes (procès-verbal) for the pair: final scores, bloc decisions explained, the recommendations to write for
// every bloc not awarded (locked once anyone has signed), and the signature — an explicit step that asks for the
// evaluator's password again. After both signatures the PDF of the signed minutes can be downloaded.
import { type ActionFunctionArgs, type LoaderFunctionArgs, json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { EvaluationHeader } from "~/components/evaluation-header";
import { TableScroll } from "~/components/table-scroll";
import { FormAlert } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
import { minutesView, saveRecommendations, signMinutes } from "~/services/minutes.server";
import { clientIp } from "~/utils/auth.server";
import { type EvaluatorFormAnswer, formAnswer, requireEvaluatorCandidacy } from "~/utils/evaluator-route.server";
import { MAX_RECOMMENDATION_LENGTH } from "~/utils/evaluation-limits";
import { formatDateTime } from "~/utils/format";
import { readFormData } from "~/utils/http.server";

export const meta = () => [{ title: "Procès-verbal d'évaluation — Portail VAE" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, candidacyId, db } = await requireEvaluatorCandidacy(request, params);
  const view = await minutesView(db, user.id, candidacyId);
  if (!view.ok) throw json({ message: view.message }, { status: view.status });
  return json(view);
}

const intentSchema = z.object({ intent: z.enum(["recommendations", "sign"]) });

const answer = formAnswer();
type ActionData = EvaluatorFormAnswer;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, candidacyId, db } = await requireEvaluatorCandidacy(request, params);
  const formData = await readFormData(request);
  const parsed = intentSchema.safeParse({ intent: formData.get("intent") });
  if (!parsed.success) return answer({ intent: "", formError: "Action inconnue." }, 400);
  const { intent } = parsed.data;
  if (intent === "sign") {
    const password = String(formData.get("password") ?? "");
    if (password === "") {
      const message = "Saisissez votre mot de passe pour signer.";
      return answer({ intent, fieldErrors: { password: message } }, 400);
    }
    const outcome = await signMinutes(db, user.id, candidacyId, { password, ip: clientIp(context) });
    if (!outcome.ok) {
      return answer({ intent, formError: outcome.message, fieldErrors: outcome.fieldErrors ?? {} }, outcome.status);
    }
    throw redirect(`/evaluation/${candidacyId}/proces-verbal?fait=signature`);
  }
  const texts: Record<string, string> = {};
  for (const key of new Set(formData.keys())) {
    if (!key.startsWith("recommendation-")) continue;
    const bloc = key.slice("recommendation-".length);
    if (!/^[A-Z0-9][A-Z0-9.]{0,15}$/.test(bloc)) continue;
    texts[bloc] = String(formData.get(key) ?? "").slice(0, MAX_RECOMMENDATION_LENGTH + 1000);
  }
  const values = Object.fromEntries(Object.entries(texts).map(([bloc, text]) => [`recommendation-${bloc}`, text]));
  const outcome = await saveRecommendations(db, user.id, candidacyId, texts);
  if (!outcome.ok) {
    return answer(
      { intent, formError: outcome.message, fieldErrors: outcome.fieldErrors ?? {}, values },
      outcome.status,
    );
  }
  throw redirect(`/evaluation/${candidacyId}/proces-verbal?fait=recommandations`);
}

const STATUS_LABEL = {
  awarded: "Bloc validé",
  not_awarded: "Bloc non validé",
  acquired_before: "Bloc acquis antérieurement",
} as const;
const ORIGIN_LABEL = {
  mean: "moyenne des deux",
  evaluators: "accord du binôme",
  president: "voix du président",
} as const;

export default function MinutesPage() {
  const view = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const [params] = useSearchParams();
  const done = actionData ? null : params.get("fait");
  const { header, minutes } = view;
  const editable = header.can["recommendations.edit"] && !view.locked;
  const kept = actionData?.intent === "recommendations" && !actionData.done ? actionData : undefined;
  const failed = minutes.blocs.filter((b) => b.status === "not_awarded");
  return (
    <>
      <EvaluationHeader header={header} current="Procès-verbal" />
      <FormAlert message={actionData?.formError} />
      {done === "signature" || done === "recommandations" ? (
        <div className="alert alert--success" role="status">
          {done === "signature" ? "Votre signature est enregistrée." : "Recommandations enregistrées."}
        </div>
      ) : null}
      <h2>Procès-verbal d'évaluation</h2>
      <p>
        Résultat : <strong data-testid="minutes-result">{minutes.resultLabel}</strong>
        {minutes.route === "deliberation" ? " — après délibération du binôme." : "."}
      </p>
      {minutes.blocs.map((bloc) => (
        <section key={bloc.code} className="card" aria-labelledby={`pv-${bloc.code}`}>
          <h3 id={`pv-${bloc.code}`}>
            Bloc {bloc.number} – {bloc.title}
          </h3>
          <p data-testid={`pv-status-${bloc.code}`}>
            <strong>{STATUS_LABEL[bloc.status]}</strong>
            {bloc.meanDisplay ? ` — moyenne ${bloc.meanDisplay} %` : ""}
          </p>
          {bloc.explanation.length > 0 ? (
            <ul>
              {bloc.explanation.map((sentence) => (
                <li key={sentence}>{sentence}</li>
              ))}
            </ul>
          ) : null}
          {bloc.competencies.length > 0 ? (
            <TableScroll label={`Notes retenues du bloc ${bloc.number}`}>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Compétence</th>
                    <th scope="col">A</th>
                    <th scope="col">B</th>
                    <th scope="col">Note retenue</th>
                    <th scope="col">Origine</th>
                  </tr>
                </thead>
                <tbody>
                  {bloc.competencies.map((c) => (
                    <tr key={c.code}>
                      <th scope="row">{c.code}</th>
                      <td>{c.scoreA} %</td>
                      <td>{c.scoreB} %</td>
                      <td>{c.joint} %</td>
                      <td>{ORIGIN_LABEL[c.origin]}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          ) : null}
          {bloc.status === "not_awarded" && !editable ? (
            <>
              <h4>Recommandations au candidat</h4>
              <p className="narrative">{bloc.recommendation || "Pas encore rédigées."}</p>
            </>
          ) : null}
        </section>
      ))}

      {editable && failed.length > 0 ? (
        <section className="card" aria-labelledby="recommendations-title">
          <h2 id="recommendations-title">Recommandations au candidat</h2>
          <p>
            Pour chaque bloc non validé, dites au candidat ce qu'il doit renforcer et comment revenir. Elles sont
            obligatoires avant de signer et ne peuvent plus changer dès qu'un évaluateur a signé.
          </p>
          <Form method="post" className="form" noValidate>
            <input type="hidden" name="intent" value="recommendations" />
            {failed.map((bloc) => {
              const name = `recommendation-${bloc.code}`;
              const error = kept?.fieldErrors[name];
              return (
                <div key={bloc.code} className={error ? "field field--error" : "field"}>
                  <label htmlFor={name}>
                    Bloc {bloc.number} – {bloc.title}
                  </label>
                  <textarea
                    id={name}
                    name={name}
                    rows={5}
                    maxLength={MAX_RECOMMENDATION_LENGTH}
                    defaultValue={kept?.values[name] ?? bloc.recommendation ?? ""}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error ? `${name}-error` : undefined}
                  />
                  {error ? (
                    <p className="field__error" id={`${name}-error`} role="alert">
                      {error}
                    </p>
                  ) : null}
                </div>
              );
            })}
            <button type="submit" className="button" disabled={busy}>
              Enregistrer les recommandations
            </button>
          </Form>
        </section>
      ) : null}

      <section className="card" aria-labelledby="signatures-title">
        <h2 id="signatures-title">Signatures</h2>
        {minutes.signatures.length === 0 ? (
          <p>Personne n'a encore signé.</p>
        ) : (
          <ul data-testid="signatures">
            {minutes.signatures.map((s) => (
              <li key={s.slot}>
                Évaluateur {s.slot}
                {s.president ? " (président)" : ""} : {s.fullName} — signé le {formatDateTime(s.signedAt)}
              </li>
            ))}
          </ul>
        )}
        {header.can["minutes.sign"] && !view.signedByMe ? (
          view.missingRecommendations.length > 0 ? (
            <p>
              Rédigez d'abord les recommandations des blocs non validés ({view.missingRecommendations.join(", ")}) pour
              pouvoir signer.
            </p>
          ) : (
            <Form method="post" className="form" noValidate>
              <input type="hidden" name="intent" value="sign" />
              <p>
                En signant, vous confirmez les notes retenues, les décisions et les recommandations ci-dessus. Votre
                nom, l'heure et votre adresse IP sont enregistrés ; après les deux signatures, plus rien ne peut
                changer.
              </p>
              <div
                className={
                  actionData?.intent === "sign" && actionData.fieldErrors.password ? "field field--error" : "field"
                }
              >
                <label htmlFor="password">Votre mot de passe, pour confirmer votre identité</label>
                <input
                  type="password"
                  id="password"
                  name="password"
                  autoComplete="current-password"
                  aria-invalid={actionData?.intent === "sign" && actionData.fieldErrors.password ? true : undefined}
                  aria-describedby={
                    actionData?.intent === "sign" && actionData.fieldErrors.password ? "password-error" : undefined
                  }
                />
                {actionData?.intent === "sign" && actionData.fieldErrors.password ? (
                  <p className="field__error" id="password-error" role="alert">
                    {actionData.fieldErrors.password}
                  </p>
                ) : null}
              </div>
              <button type="submit" className="button" disabled={busy}>
                Signer le procès-verbal
              </button>
            </Form>
          )
        ) : null}
        {view.pdf ? (
          <p>
            <a className="button" href={`/proces-verbaux/${header.id}`}>
              Télécharger le procès-verbal signé (PDF)
            </a>{" "}
            <span className="muted hash">SHA-256 : {view.pdf.sha256}</span>
          </p>
        ) : minutes.signatures.length === 2 ? (
          <p className="muted">
            Le PDF du procès-verbal signé est en cours de préparation : rechargez la page dans un instant.
          </p>
        ) : null}
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
