// One candidacy's audit trail for certifier staff: who did what, when, from which step to which.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listCandidacyEvents } from "../../db/queries/candidacies";
import { stateLabel } from "../../workflows/candidacy-machine";
import { CandidacyFacts, StaffJournal } from "~/components/candidacy-journal";
import { GeneralErrorBoundary } from "~/components/status-page";
import { AdmissibilityDocumentList, DeclaredExperienceSummary } from "~/components/admissibility-documents";
import { readAdmissibilityDocuments } from "~/services/documents.server";
import { candidacyReference } from "~/services/email-delivery.server";
import { requireRole } from "~/utils/auth.server";
import { requireCandidacy } from "~/utils/candidacy-access.server";
import { getDb } from "~/utils/db.server";

export const meta = () => [{ title: "Candidature — Portail VAE" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "certifier_staff");
  const { candidacy, context } = await requireCandidacy(user, "certifier_staff", params);
  const db = await getDb();
  const journal = await listCandidacyEvents(db, candidacy.id);
  const { documents, experience } = await readAdmissibilityDocuments(db, candidacy.id);
  return json({
    documents,
    experience,
    filedVersions: context.dossier.submittedVersions.length,
    candidacy: {
      id: candidacy.id,
      reference: candidacyReference(candidacy.id, candidacy.requestedAt, candidacy.createdAt),
      candidateName: candidacy.candidateName,
      certificationTitle: candidacy.certificationTitle,
      referentialVersion: candidacy.referentialVersion,
      stateLabel: stateLabel(candidacy.state),
      targetBlocCodes: candidacy.targetBlocCodes,
    },
    journal: journal.map((e) => ({ ...e, payload: e.payload as Record<string, unknown> })),
  });
}

export default function StaffCandidacyPage() {
  const { candidacy, journal, documents, experience, filedVersions } = useLoaderData<typeof loader>();
  return (
    <>
      <p>
        <Link to="/certificateur/candidatures">← Candidatures</Link>
      </p>
      <p className="eyebrow">Candidature {candidacy.reference}</p>
      <h1>{candidacy.candidateName}</h1>
      <CandidacyFacts candidacy={candidacy} />
      <section className="card">
        <h2>Dossier de validation</h2>
        {filedVersions > 0 ? (
          <Link className="button" to={`/dossiers/${candidacy.id}`}>
            Lire le dossier déposé{filedVersions > 1 ? ` (${filedVersions} versions)` : ""}
          </Link>
        ) : (
          <p className="muted">Aucune version du dossier n'a encore été déposée.</p>
        )}
      </section>
      <section>
        <h2>Pièces de la demande de recevabilité</h2>
        <DeclaredExperienceSummary experience={experience} />
        <AdmissibilityDocumentList documents={documents} />
      </section>
      <h2>Journal</h2>
      <StaffJournal entries={journal} />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
