// One referential version in full, with its rule parameters, for certifier staff.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getReferentialVersion } from "../../db/queries/referential";
import { BlocsView, ValidationRule } from "~/components/referential-view";
import { GeneralErrorBoundary } from "~/components/status-page";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDecimal } from "~/utils/format";
import { parseIdParam } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "certifier_staff");
  const referential = await getReferentialVersion(
    await getDb(),
    parseIdParam(params, "versionId", "Référentiel introuvable."),
  );
  if (!referential) throw json({ message: "Référentiel introuvable." }, { status: 404 });
  return json({ referential });
}

export default function ReferentialVersionPage() {
  const { referential } = useLoaderData<typeof loader>();
  return (
    <>
      <p>
        <Link to="/certificateur/referentiels">← Tous les référentiels</Link>
      </p>
      <p className="eyebrow">
        Référentiel {referential.certification.code} — version {referential.version} —{" "}
        {referential.status === "active" ? "en vigueur" : "archivée"}
      </p>
      <h1>{referential.certification.title}</h1>
      <section className="card">
        <h2>Paramètres de la règle de décision</h2>
        <dl className="parameters">
          <dt>Seuil de la moyenne d'un bloc</dt>
          <dd>{formatDecimal(referential.rule.blocMeanThresholdPercent)} %</dd>
          <dt>Plancher de chaque compétence</dt>
          <dd>{formatDecimal(referential.rule.competencyFloorPercent)} %</dd>
          <dt>Écart toléré entre les deux évaluateurs</dt>
          <dd>{formatDecimal(referential.rule.evaluatorTolerancePoints)} points</dd>
        </dl>
      </section>
      <ValidationRule referential={referential} />
      <BlocsView referential={referential} />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
