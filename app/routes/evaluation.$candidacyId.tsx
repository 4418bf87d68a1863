// One dossier for an assigned evaluator. First opening: the explicit declaration of no link with the candidate, or
// of a conflict of interest (which takes the dossier off them). Then the grid, competency by competency under bloc
// headings: the statement and criteria, the candidate's narrative and evidence beside the evaluator's own score
// (0–100, one decimal, "," or "."), criteria met and comment; saved as a draft at any time (a plain form post),
// the bloc means shown as they type (exact rule, display only), transmitted once after the session with a
// confirmation that lists what is missing. Nothing of the other evaluator shows but "transmis / pas encore".
import { type ActionFunctionArgs, type LoaderFunctionArgs, json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { NARRATIVE_PARTS, NARRATIVE_PART_LABELS } from "../../workflows/dossier-coverage";
import { EvaluationHeader } from "~/components/evaluation-header";
import { CheckboxField, FormAlert } from "~/components/form-field";
import { LiveBlocMean } from "~/components/live-bloc-mean";
import { GeneralErrorBoundary } from "~/components/status-page";
import {
  type DraftEntry,
  declareConflict,
  declareNoLink,
  evaluatorWorkspace,
  saveDraft,
  submitScores,
} from "~/services/evaluation.server";
import { type EvaluatorFormAnswer, formAnswer, requireEvaluatorCandidacy } from "~/utils/evaluator-route.server";
import { formatDateTime } from "~/utils/format";
import { notFound, readFormData } from "~/utils/http.server";

export const meta = () => [{ title: "Évaluation d'un dossier — Portail VAE" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, candidacyId, db } = await requireEvaluatorCandidacy(request, params);
  const workspace = await evaluatorWorkspace(db, user.id, candidacyId);
  if (!workspace) throw notFound("Candidature introuvable.");
  return json(workspace);
}

const CODE = /^[A-Z0-9][A-Z0-9.]{0,15}$/;
const intentSchema = z.object({ intent: z.enum(["declare", "conflict", "save", "review", "submit"]) });

const answer = formAnswer({ ticks: {} as Record<string, number[]> });
type ActionData = EvaluatorFormAnswer & { ticks: Record<string, number[]> };

/** The grid's fields: score-<code>, comment-<code>, criteria-<code> (several). */
function gridEntries(formData: FormData): { entries: DraftEntry[]; values: Record<string, string> } {
  const entries: DraftEntry[] = [];
  const values: Record<string, string> = {};
  for (const key of new Set(formData.keys())) {
    if (!key.startsWith("score-")) continue;
    const code = key.slice("score-".length);
    if (!CODE.test(code)) continue;
    const score = String(formData.get(key) ?? "").slice(0, 20);
    const comment = String(formData.get(`comment-${code}`) ?? "");
    const criteriaMet = formData
      .getAll(`criteria-${code}`)
      .map((v) => Number(v))
      .filter((n) => Number.isInteger(n));
    entries.push({ competencyCode: code, score, comment, criteriaMet });
    values[`score-${code}`] = score;
    values[`comment-${code}`] = comment;
  }
  return { entries, values };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, candidacyId, db } = await requireEvaluatorCandidacy(request, params);
  const formData = await readFormData(request);
  const parsed = intentSchema.safeParse({ intent: formData.get("intent") });
  if (!parsed.success) return answer({ intent: "", formError: "Action inconnue." }, 400);
  const { intent } = parsed.data;

  if (intent === "declare") {
    if (formData.get("noLink") !== "on") {
      const message = "Cochez la déclaration pour confirmer que vous n'avez aucun lien avec le candidat.";
      return answer({ intent, fieldErrors: { noLink: message } }, 400);
    }
    const outcome = await declareNoLink(db, user.id, candidacyId);
    if (!outcome.ok) return answer({ intent, formError: outcome.message }, outcome.status);
    throw redirect(`/evaluation/${candidacyId}?fait=declaration`);
  }
  if (intent === "conflict") {
    const reason = String(formData.get("reason") ?? "");
    const outcome = await declareConflict(db, user.id, candidacyId, reason);
    if (!outcome.ok) {
      return answer(
        { intent, formError: outcome.message, fieldErrors: outcome.fieldErrors ?? {}, values: { reason } },
        outcome.status,
      );
    }
    throw redirect("/evaluation?conflit=1");
  }
  if (intent === "submit") {
    const outcome = await submitScores(db, user.id, candidacyId);
    if (!outcome.ok) return answer({ intent, formError: outcome.message }, outcome.status);
    throw redirect(`/evaluation/${candidacyId}?fait=transmission`);
  }
  // save, review: the grid is saved as a draft first; review then shows what is missing before transmission.
  const { entries, values } = gridEntries(formData);
  const ticks = Object.fromEntries(entries.map((e) => [e.competencyCode, e.criteriaMet]));
  const saved = await saveDraft(db, user.id, candidacyId, entries);
  if (!saved.ok) {
    return answer(
      { intent, formError: saved.message, fieldErrors: saved.fieldErrors ?? {}, values, ticks },
      saved.status,
    );
  }
  // Post/redirect/get: the page is read afresh, and a reload does not post the grid again.
  throw redirect(`/evaluation/${candidacyId}?fait=${intent === "review" ? "verification" : "brouillon"}`);
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type Grid = NonNullable<LoaderData["grid"]>;

function Declaration({ actionData, busy }: { actionData: ActionData | undefined; busy: boolean }) {
  const errors = actionData?.fieldErrors ?? {};
  return (
    <section className="card" aria-labelledby="declaration-title">
      <h2 id="declaration-title">Avant d'ouvrir le dossier : votre déclaration</h2>
      <p>
        Un évaluateur ne doit avoir aucun lien professionnel ou personnel, présent ou passé, avec le candidat, ni
        l'avoir accompagné dans sa démarche de VAE (Code du travail, article D6412-6). Le dossier s'ouvre une fois votre
        déclaration faite ; elle est enregistrée avec sa date et son heure.
      </p>
      <Form method="post" className="form" noValidate>
        <input type="hidden" name="intent" value="declare" />
        <CheckboxField id="noLink" name="noLink" error={actionData?.intent === "declare" ? errors.noLink : undefined}>
          Je déclare n'avoir aucun lien professionnel ou personnel avec {"le candidat"} et ne pas l'avoir accompagné
          dans sa VAE.
        </CheckboxField>
        <button type="submit" className="button" disabled={busy}>
          Confirmer et ouvrir le dossier
        </button>
      </Form>
      <h3>Vous connaissez le candidat ?</h3>
      <Form method="post" className="form" noValidate>
        <input type="hidden" name="intent" value="conflict" />
        <div className={actionData?.intent === "conflict" && errors.reason ? "field field--error" : "field"}>
          <label htmlFor="reason">Nature du lien (transmise au certificateur)</label>
          <textarea
            id="reason"
            name="reason"
            rows={3}
            maxLength={2000}
            defaultValue={actionData?.intent === "conflict" ? actionData.values.reason : undefined}
            aria-invalid={actionData?.intent === "conflict" && errors.reason ? true : undefined}
            aria-describedby={actionData?.intent === "conflict" && errors.reason ? "reason-error" : undefined}
          />
          {actionData?.intent === "conflict" && errors.reason ? (
            <p className="field__error" id="reason-error" role="alert">
              {errors.reason}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button button--ghost" disabled={busy}>
          Déclarer un conflit d'intérêts et me retirer du dossier
        </button>
      </Form>
    </section>
  );
}

function SubmitConfirmation({ grid }: { grid: Grid }) {
  const { unscored, uncommented, sessionPending } = grid.missing;
  const blocked = unscored.length > 0 || sessionPending;
  return (
    <section className="card" aria-labelledby="confirm-title" data-testid="submit-confirmation">
      <h2 id="confirm-title">Transmettre vos notes</h2>
      <p>Votre brouillon est enregistré. Une fois transmises, vos notes ne pourront plus être modifiées.</p>
      {blocked || uncommented.length > 0 ? (
        <ul>
          {sessionPending ? (
            <li>
              La session d'évaluation n'a pas encore eu lieu (ou la présence du candidat n'est pas encore enregistrée) :
              vous transmettrez vos notes après avoir rencontré le candidat.
            </li>
          ) : null}
          {unscored.length > 0 ? <li>Compétences sans note : {unscored.join(", ")}.</li> : null}
          {uncommented.length > 0 ? (
            <li>Compétences sans commentaire (facultatif) : {uncommented.join(", ")}.</li>
          ) : null}
        </ul>
      ) : (
        <p>Toutes les compétences sont notées et commentées.</p>
      )}
      {blocked ? (
        <p>
          <strong>Complétez ce qui manque avant de transmettre.</strong>
        </p>
      ) : (
        <Form method="post">
          <input type="hidden" name="intent" value="submit" />
          <button type="submit" className="button">
            Confirmer la transmission de mes notes
          </button>
        </Form>
      )}
    </section>
  );
}

function CompetencyCard({
  competency,
  editable,
  actionData,
  onScore,
}: {
  competency: Grid["blocs"][number]["competencies"][number];
  editable: boolean;
  actionData: ActionData | undefined;
  onScore: (code: string, value: string) => void;
}) {
  const c = competency;
  const kept = actionData && !actionData.done && ["save", "review"].includes(actionData.intent);
  const scoreError = kept ? actionData.fieldErrors[`score-${c.code}`] : undefined;
  const scoreValue = kept ? actionData.values[`score-${c.code}`] : (c.draft.score?.replace(".", ",") ?? "");
  const commentValue = kept ? actionData.values[`comment-${c.code}`] : c.draft.comment;
  const ticked = kept ? (actionData.ticks[c.code] ?? []) : c.draft.criteriaMet;
  return (
    <article className="competency" aria-labelledby={`title-${c.code}`} data-testid={`competency-${c.code}`}>
      <h3 id={`title-${c.code}`}>
        <span className="code">{c.code}</span> {c.statement}
      </h3>
      <div className="competency__columns">
        <div>
          <h4>Récit du candidat</h4>
          {c.narrative ? (
            NARRATIVE_PARTS.map((part) =>
              c.narrative![part].trim() ? (
                <div key={part}>
                  <p className="muted">{NARRATIVE_PART_LABELS[part]}</p>
                  <p className="narrative">{c.narrative![part]}</p>
                </div>
              ) : null,
            )
          ) : (
            <p className="empty">Le candidat n'a rien rédigé pour cette compétence.</p>
          )}
          <h4>Pièces justificatives</h4>
          {c.evidence.length === 0 ? (
            <p className="empty">Aucune pièce liée à cette compétence.</p>
          ) : (
            <ul>
              {c.evidence.map((e) => (
                <li key={e.documentId}>
                  {e.inline ? (
                    <a href={`/fichiers/${e.documentId}`} target="_blank" rel="noreferrer">
                      {e.originalName} (ouvrir dans un nouvel onglet)
                    </a>
                  ) : (
                    <a href={`/fichiers/${e.documentId}?telecharger`}>{e.originalName} (télécharger)</a>
                  )}
                  {e.caption ? <span className="muted"> — {e.caption}</span> : null}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <fieldset className="field">
            <legend>Critères d'évaluation {editable ? "(cochez ceux qui sont atteints)" : ""}</legend>
            {c.criteria.map((cr) =>
              editable ? (
                <div className="checkbox" key={cr.position}>
                  <input
                    type="checkbox"
                    id={`criteria-${c.code}-${cr.position}`}
                    name={`criteria-${c.code}`}
                    value={cr.position}
                    defaultChecked={ticked.includes(cr.position)}
                  />
                  <label htmlFor={`criteria-${c.code}-${cr.position}`}>{cr.text}</label>
                </div>
              ) : (
                <p key={cr.position}>
                  {ticked.includes(cr.position) ? "✓ atteint — " : ""}
                  {cr.text}
                </p>
              ),
            )}
          </fieldset>
          {editable ? (
            <>
              <div className={scoreError ? "field field--error" : "field"}>
                <label htmlFor={`score-${c.code}`}>Note de {c.code} (en %, de 0 à 100)</label>
                <p className="field__hint" id={`score-${c.code}-hint`}>
                  Une décimale au plus, avec une virgule ou un point : 72,5
                </p>
                <input
                  type="text"
                  inputMode="decimal"
                  id={`score-${c.code}`}
                  name={`score-${c.code}`}
                  defaultValue={scoreValue}
                  maxLength={6}
                  size={6}
                  autoComplete="off"
                  onChange={(event) => onScore(c.code, event.currentTarget.value)}
                  aria-invalid={scoreError ? true : undefined}
                  aria-describedby={[`score-${c.code}-hint`, scoreError ? `score-${c.code}-error` : null]
                    .filter(Boolean)
                    .join(" ")}
                />
                {scoreError ? (
                  <p className="field__error" id={`score-${c.code}-error`} role="alert">
                    {scoreError}
                  </p>
                ) : null}
              </div>
              <div className="field">
                <label htmlFor={`comment-${c.code}`}>Commentaire sur {c.code}</label>
                <textarea
                  id={`comment-${c.code}`}
                  name={`comment-${c.code}`}
                  rows={3}
                  maxLength={4000}
                  defaultValue={commentValue}
                />
              </div>
            </>
          ) : (
            <dl className="parameters">
              <dt>Votre note</dt>
              <dd>{c.draft.score ? `${c.draft.score.replace(".", ",")} %` : "—"}</dd>
              <dt>Votre commentaire</dt>
              <dd className="narrative">{c.draft.comment || "—"}</dd>
            </dl>
          )}
        </div>
      </div>
    </article>
  );
}

function ScoringGrid({
  grid,
  editable,
  actionData,
  busy,
}: {
  grid: Grid;
  editable: boolean;
  actionData: ActionData | undefined;
  busy: boolean;
}) {
  const initial: Record<string, string> = {};
  for (const bloc of grid.blocs) {
    for (const c of bloc.competencies) {
      const kept = actionData && !actionData.done ? actionData.values[`score-${c.code}`] : undefined;
      initial[c.code] = kept ?? c.draft.score ?? "";
    }
  }
  const [scores, setScores] = useState(initial);
  const onScore = (code: string, value: string) => setScores((s) => ({ ...s, [code]: value }));
  const content = grid.blocs.map((bloc) => (
    <section key={bloc.code} className="bloc" aria-labelledby={`bloc-${bloc.code}`}>
      <h2 id={`bloc-${bloc.code}`}>
        Bloc {bloc.number} – {bloc.title}
      </h2>
      <LiveBlocMean
        blocCode={bloc.code}
        competencyCodes={bloc.competencies.map((c) => c.code)}
        scores={scores}
        thresholds={grid.thresholds}
      />
      {bloc.competencies.map((c) => (
        <CompetencyCard key={c.code} competency={c} editable={editable} actionData={actionData} onScore={onScore} />
      ))}
    </section>
  ));
  if (!editable) return <>{content}</>;
  return (
    <Form method="post" noValidate>
      {content}
      <div className="card sticky-actions">
        <p className="muted">
          Enregistrez votre brouillon quand vous le souhaitez ; une note peut rester vide dans un brouillon.
        </p>
        <button type="submit" name="intent" value="save" className="button" disabled={busy}>
          Enregistrer le brouillon
        </button>{" "}
        <button type="submit" name="intent" value="review" className="button button--ghost" disabled={busy}>
          Transmettre mes notes…
        </button>
      </div>
    </Form>
  );
}

export default function EvaluationPage() {
  const { header, grid } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state !== "idle";
  const editable = Boolean(header.can["scores.edit"]);
  const [params] = useSearchParams();
  // After a post that succeeded, the action redirects here with what was done; a refused post keeps the form.
  const done = actionData ? null : params.get("fait");
  return (
    <>
      <EvaluationHeader header={header} current="Grille d'évaluation" />
      <FormAlert message={actionData?.formError} />
      {done === "brouillon" ? (
        <div className="alert alert--success" role="status">
          Brouillon enregistré.
        </div>
      ) : null}
      {done === "declaration" ? (
        <div className="alert alert--success" role="status">
          Déclaration enregistrée : vous pouvez évaluer le dossier.
        </div>
      ) : null}
      {done === "transmission" ? (
        <div className="alert alert--success" role="status">
          Vos notes sont transmises.
        </div>
      ) : null}
      {header.can["evaluation.declare"] ? <Declaration actionData={actionData} busy={busy} /> : null}
      {header.declaredAt ? (
        <p className="muted">Absence de lien avec le candidat déclarée le {formatDateTime(header.declaredAt)}.</p>
      ) : null}
      {grid && done === "verification" && editable ? <SubmitConfirmation grid={grid} /> : null}
      {grid ? (
        <>
          <p>
            {grid.version
              ? `Version ${grid.version.number} du dossier, déposée le ${formatDateTime(grid.version.frozenAt)}. `
              : "Aucune version déposée. "}
            <Link to={`/dossiers/${header.id}`}>Lire le dossier complet</Link>
          </p>
          {header.mine === "submitted" ? (
            <p className="alert alert--success">
              Vos notes sont transmises.{" "}
              {header.otherSubmitted
                ? ""
                : "Les notes de l'autre évaluateur vous seront visibles quand il aura transmis les siennes."}
            </p>
          ) : null}
          <ScoringGrid grid={grid} editable={editable} actionData={actionData} busy={busy} />
        </>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
