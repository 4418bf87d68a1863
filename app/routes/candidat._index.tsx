// The candidate's home: their candidacies, and starting one for a CQP they have none in progress for.
import { type ActionFunctionArgs, type LoaderFunctionArgs, json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { listCandidaciesOfCandidate } from "../../db/queries/candidacies";
import { listCertifications } from "../../db/queries/referential";
import { listCertificationsFullyHeld } from "../../db/queries/results";
import { FINAL_STATE_KEYS, stateLabel } from "../../workflows/candidacy-machine";
import { createCandidacy } from "~/services/candidacies.server";
import { FormAlert } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDate } from "~/utils/format";
import { parseForm } from "~/utils/forms";
import { readFormData } from "~/utils/http.server";
import { TableScroll } from "~/components/table-scroll";

export const meta = () => [{ title: "Mes candidatures — Portail VAE" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "candidate");
  const db = await getDb();
  const [candidacies, certifications, fullyHeld] = await Promise.all([
    listCandidaciesOfCandidate(db, user.id),
    listCertifications(db),
    listCertificationsFullyHeld(db, user.id),
  ]);
  // A candidacy whose decision is validated ("certified") no longer holds the CQP: the next aims at the missing blocs.
  const inProgress = new Set(
    candidacies
      .filter((c) => !(FINAL_STATE_KEYS as readonly string[]).includes(c.state) && c.state !== "certified")
      .map((c) => c.certificationCode),
  );
  const validated = new Set(candidacies.filter((c) => c.state === "certified").map((c) => c.certificationCode));
  return json({
    fullName: user.fullName,
    candidacies: candidacies.map((c) => ({ ...c, stateLabel: stateLabel(c.state) })),
    certifications: certifications.map((c) => ({
      ...c,
      canStart: c.activeVersion !== null && !inProgress.has(c.code) && !fullyHeld.includes(c.code),
      held: fullyHeld.includes(c.code),
      afterResult: validated.has(c.code),
    })),
  });
}

const startSchema = z.object({ certificationCode: z.string().min(1, "Choisissez une certification.") });

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "candidate");
  const form = parseForm(startSchema, await readFormData(request));
  if (!form.ok) return json({ formError: form.fieldErrors.certificationCode ?? "Demande invalide." }, { status: 400 });
  const outcome = await createCandidacy(await getDb(), user.id, form.data.certificationCode);
  if (!outcome.ok) return json({ formError: outcome.message }, { status: 400 });
  return redirect(`/candidat/candidatures/${outcome.candidacyId}`);
}

export default function CandidateHome() {
  const { fullName, candidacies, certifications } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <h1>Mes candidatures</h1>
      <p className="muted">Connecté en tant que {fullName}</p>
      <p>
        <Link to="/candidat/certifications">Mes certifications : blocs acquis, certificats et attestations</Link>
      </p>
      <FormAlert message={actionData?.formError} />
      <section className="card">
        <h2>Candidatures</h2>
        {candidacies.length === 0 ? (
          <p className="empty">Vous n'avez pas encore de candidature.</p>
        ) : (
          <TableScroll label="Mes candidatures">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Certification</th>
                  <th scope="col">Étape</th>
                  <th scope="col">Ouverte le</th>
                  <th scope="col">Dernière activité</th>
                </tr>
              </thead>
              <tbody>
                {candidacies.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/candidat/candidatures/${c.id}`}>{c.certificationTitle}</Link>
                      {c.state === "certified" || c.state === "closed" ? (
                        <>
                          {" "}
                          · <Link to={`/candidat/candidatures/${c.id}/resultat`}>Voir mon résultat</Link>
                        </>
                      ) : null}
                    </td>
                    <td>{c.stateLabel}</td>
                    <td>{formatDate(c.createdAt)}</td>
                    <td>{formatDate(c.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
      <section className="card">
        <h2>Démarrer une candidature</h2>
        <p>
          Lisez d'abord le référentiel du CQP visé : votre dossier décrira votre expérience pour chacune de ses
          compétences.
        </p>
        <ul className="cards">
          {certifications.map((c) => (
            <li key={c.code} className="card">
              <h3>{c.title}</h3>
              <p>
                <Link to={`/certifications/${encodeURIComponent(c.code)}`}>Lire le référentiel</Link>
              </p>
              {c.canStart ? (
                <Form method="post">
                  <input type="hidden" name="certificationCode" value={c.code} />
                  <button type="submit" className="button">
                    {c.afterResult
                      ? "Déposer une nouvelle demande pour les blocs manquants"
                      : "Démarrer ma candidature"}
                  </button>
                </Form>
              ) : (
                <p className="muted">
                  {c.held ? "Vous détenez tous les blocs de ce CQP." : "Une candidature est déjà en cours pour ce CQP."}
                </p>
              )}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
