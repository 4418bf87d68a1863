// "Mes dossiers": the dossiers assigned to the evaluator, each with its session, its deadline and what is left to
// do (declare, score, transmit, deliberate, sign). Of the other evaluator nothing shows here (blind scoring).
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { listAssignedCandidacies } from "../../db/queries/evaluations";
import { evaluationDeadline } from "../../workflows/candidacy-effects";
import { evaluationProgress, evaluatorSlot, stateLabel } from "../../workflows/candidacy-machine";
import { restoreSnapshot } from "../../workflows/candidacy-snapshot";
import { GeneralErrorBoundary } from "~/components/status-page";
import { candidacyReference } from "~/services/email-delivery.server";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { evaluatorTodo } from "~/utils/evaluation-todo";
import { formatDate, formatDateTime } from "~/utils/format";

export const meta = () => [{ title: "Mes évaluations — Portail VAE" }];

const MODE_LABEL = { in_person: "en présentiel", video: "en visioconférence" } as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "evaluator");
  const rows = await listAssignedCandidacies(await getDb(), user.id);
  const actor = { type: "user" as const, userId: user.id, role: "evaluator" as const };
  return json({
    fullName: user.fullName,
    assignments: rows.flatMap((row) => {
      const snapshot = restoreSnapshot(row.snapshot);
      const context = snapshot.context;
      const slot = evaluatorSlot(context, actor);
      if (!slot) return [];
      const progress = evaluationProgress(snapshot);
      const session = context.evaluation.session;
      const firstFiled = context.dossier.firstSubmittedAt;
      const todo = evaluatorTodo({
        state: row.state,
        mine: progress ? (slot === "A" ? progress.evaluatorA : progress.evaluatorB) : null,
        sessionAttended: session?.attendance === "attended",
        scored: Number(row.scoredCount),
        total: Number(row.competencyCount),
        signedByMe: Boolean(row.signedByMe),
      });
      return [
        {
          id: row.id,
          reference: candidacyReference(row.id, row.requestedAt, row.createdAt),
          candidateName: row.candidateName,
          certificationTitle: row.certificationTitle,
          stateLabel: stateLabel(row.state),
          president: context.evaluation.pair?.presidentId === user.id,
          session: session
            ? {
                startsAt: session.startsAt,
                where: `${MODE_LABEL[session.mode]} — ${session.location}`,
                attendance: session.attendance ?? null,
              }
            : null,
          evaluationDueBy: firstFiled
            ? evaluationDeadline(firstFiled)
            : row.evaluationDueAt
              ? new Date(row.evaluationDueAt).toISOString()
              : null,
          todo,
        },
      ];
    }),
  });
}

const ATTENDANCE_LABEL = { attended: "tenue", excused: "candidat excusé", absent: "candidat absent" } as const;

export default function EvaluatorHome() {
  const { fullName, assignments } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <h1>Mes évaluations</h1>
      <p className="muted">Connecté en tant que {fullName}</p>
      {params.has("conflit") ? (
        <div className="alert alert--success" role="status">
          Votre déclaration de conflit d'intérêts est enregistrée : le dossier vous est retiré et le certificateur
          désignera un autre évaluateur.
        </div>
      ) : null}
      <section>
        <h2>Mes dossiers</h2>
        <p>
          Vous lisez la version déposée du dossier, telle que le candidat l'a figée. Vos notes restent invisibles de
          l'autre évaluateur jusqu'à ce que vous ayez tous deux transmis les vôtres.
        </p>
        {assignments.length === 0 ? (
          <p className="empty">Aucun dossier ne vous est attribué pour le moment.</p>
        ) : (
          <ul className="cards" aria-label="Dossiers attribués">
            {assignments.map((a) => (
              <li key={a.id} className="card" data-testid="assignment">
                <h3>
                  <Link to={`/evaluation/${a.id}${a.todo.path}`}>{a.candidateName}</Link>
                </h3>
                <p className="muted">
                  {a.reference} — {a.certificationTitle}
                </p>
                <dl className="parameters">
                  <dt>Étape</dt>
                  <dd>
                    {a.stateLabel}
                    {a.president ? " — vous présidez le binôme" : ""}
                  </dd>
                  <dt>Session</dt>
                  <dd>
                    {a.session
                      ? `${formatDateTime(a.session.startsAt)}, ${a.session.where}${a.session.attendance ? ` (${ATTENDANCE_LABEL[a.session.attendance]})` : ""}`
                      : "Pas encore fixée"}
                  </dd>
                  <dt>À évaluer avant le</dt>
                  <dd>{a.evaluationDueBy ? formatDate(new Date(Date.parse(a.evaluationDueBy) - 1)) : "—"}</dd>
                  <dt>À faire</dt>
                  <dd>
                    <strong>{a.todo.text}</strong>
                  </dd>
                </dl>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
