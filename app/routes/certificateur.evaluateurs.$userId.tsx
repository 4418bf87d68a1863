// One evaluator of the pool for certifier staff: the profile as it stands (qualifications, employer, load), its
// changes, the availability periods (added and removed one by one), and the history of the profile.
import { type ActionFunctionArgs, type LoaderFunctionArgs, json } from "@remix-run/node";
import { Form, Link, type Params, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { listAuditEvents } from "../../db/queries/audit";
import {
  getEvaluatorProfile,
  listCertificationChoices,
  listEvaluatorCandidacies,
} from "../../db/queries/evaluator-pool";
import { stateLabel } from "../../workflows/candidacy-machine";
import {
  PROFILE_NOT_FOUND_MESSAGE,
  addAvailability,
  availabilitySchema,
  profileFieldsSchema,
  removeAvailability,
  updateEvaluatorProfile,
} from "~/services/evaluator-pool.server";
import { EvaluatorProfileFields, submittedProfileValues } from "~/components/evaluator-profile-fields";
import { FormAlert, FormField } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
import { auditActionLabel } from "~/utils/audit-labels";
import { clientIp, requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { formatDate, formatDateTime } from "~/utils/format";
import { parseForm } from "~/utils/forms";
import { notFound, parseIdParam, readFormData } from "~/utils/http.server";

export const meta = () => [{ title: "Fiche évaluateur — Portail VAE" }];

async function loadProfile(params: Params) {
  const userId = parseIdParam(params, "userId", PROFILE_NOT_FOUND_MESSAGE);
  const profile = await getEvaluatorProfile(await getDb(), userId);
  if (!profile) throw notFound(PROFILE_NOT_FOUND_MESSAGE);
  return profile;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "certifier_staff");
  const profile = await loadProfile(params);
  const db = await getDb();
  const [certifications, events, candidacies] = await Promise.all([
    listCertificationChoices(db),
    listAuditEvents(db, { subjectType: "user", subjectId: profile.userId, limit: 50 }),
    listEvaluatorCandidacies(db, profile.userId),
  ]);
  return json({
    profile,
    certifications,
    candidacies: candidacies.map((c) => ({
      id: c.id,
      candidateName: c.candidateName,
      certificationTitle: c.certificationTitle,
      stateLabel: stateLabelOf(c.state),
    })),
    events: events.map((e) => ({
      id: e.id,
      occurredAt: e.occurredAt,
      label: auditActionLabel(e.action),
      actorName: e.actorName,
      actorRole: e.actorRole,
    })),
  });
}

/** A state this version of the machine does not know still shows, as its key. */
function stateLabelOf(state: string): string {
  try {
    return stateLabel(state as Parameters<typeof stateLabel>[0]);
  } catch {
    return state;
  }
}

const intentSchema = z.object({ intent: z.enum(["update", "add-availability", "remove-availability"]) });

type ActionData = {
  intent: string;
  ok: boolean;
  message: string | null;
  fieldErrors: Record<string, string>;
  values: Record<string, unknown>;
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const staff = await requireRole(request, "certifier_staff");
  const profile = await loadProfile(params);
  const formData = await readFormData(request);
  const intent = intentSchema.safeParse({ intent: formData.get("intent") });
  if (!intent.success) throw json({ message: "Action inconnue." }, { status: 400 });
  const actor = { userId: staff.id, role: "certifier_staff" as const };
  const ip = { ip: clientIp(context) };
  const db = await getDb();
  const answer = (data: Omit<ActionData, "intent">, status = 200) =>
    json<ActionData>({ intent: intent.data.intent, ...data }, { status });

  if (intent.data.intent === "update") {
    const values = submittedProfileValues(formData);
    const form = parseForm(profileFieldsSchema, formData);
    if (!form.ok) return answer({ ok: false, message: null, fieldErrors: form.fieldErrors, values }, 400);
    const outcome = await updateEvaluatorProfile(db, actor, profile.userId, form.data, ip);
    if (!outcome.ok) {
      return answer(
        {
          ok: false,
          message: outcome.fieldErrors ? null : outcome.message,
          fieldErrors: outcome.fieldErrors ?? {},
          values,
        },
        outcome.status,
      );
    }
    return answer({ ok: true, message: "Le profil est enregistré.", fieldErrors: {}, values: {} });
  }

  if (intent.data.intent === "add-availability") {
    const form = parseForm(availabilitySchema, formData);
    const values = {
      startsOn: String(formData.get("startsOn") ?? ""),
      endsOn: String(formData.get("endsOn") ?? ""),
      note: String(formData.get("note") ?? ""),
    };
    if (!form.ok) return answer({ ok: false, message: null, fieldErrors: form.fieldErrors, values }, 400);
    const outcome = await addAvailability(db, actor, profile.userId, form.data, ip);
    if (!outcome.ok) {
      return answer(
        { ok: false, message: outcome.message, fieldErrors: outcome.fieldErrors ?? {}, values },
        outcome.status,
      );
    }
    return answer({ ok: true, message: "La période de disponibilité est ajoutée.", fieldErrors: {}, values: {} });
  }

  const availabilityId = String(formData.get("availabilityId") ?? "");
  const outcome = await removeAvailability(db, actor, profile.userId, availabilityId, ip);
  if (!outcome.ok) throw json({ message: outcome.message }, { status: outcome.status });
  return answer({ ok: true, message: "La période de disponibilité est retirée.", fieldErrors: {}, values: {} });
}

export default function EvaluatorProfilePage() {
  const { profile, certifications, events, candidacies } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const created = params.get("cree");
  const updateData = actionData?.intent === "update" ? actionData : null;
  const availabilityData = actionData?.intent === "add-availability" ? actionData : null;
  const updateErrors: Record<string, string | undefined> = updateData?.fieldErrors ?? {};
  const availabilityErrors: Record<string, string | undefined> = availabilityData?.fieldErrors ?? {};
  const availabilityValues = (availabilityData && !availabilityData.ok ? availabilityData.values : {}) as Record<
    string,
    string | undefined
  >;
  const formValues =
    updateData && !updateData.ok
      ? updateData.values
      : {
          fullName: profile.fullName,
          civility: profile.civility ?? "",
          employerName: profile.employerName,
          employerSiret: profile.employerSiret ?? "",
          sectors: profile.sectors.join("\n"),
          certificationIds: profile.qualifications.map((q) => q.certificationId),
          isActive: profile.isActive,
        };
  return (
    <div className="narrow">
      <p>
        <Link to="/certificateur/evaluateurs">← Vivier d'évaluateurs</Link>
      </p>
      <h1>
        {profile.civility ? `${profile.civility} ` : ""}
        {profile.fullName}
      </h1>
      <p className="muted" style={{ overflowWrap: "anywhere" }}>
        {profile.email} — dans le vivier depuis le {formatDate(profile.createdAt)}
      </p>
      {created ? (
        <div className="alert alert--success" role="status">
          {created === "compte"
            ? "Le compte et le profil d'évaluateur sont créés. Transmettez le mot de passe initial par un canal sûr."
            : "Le compte existant a reçu le rôle d'évaluateur et son profil est créé."}
        </div>
      ) : null}
      {actionData?.ok ? (
        <div className="alert alert--success" role="status">
          {actionData.message}
        </div>
      ) : null}

      <section className="card">
        <h2>En bref</h2>
        <dl className="parameters" style={{ overflowWrap: "anywhere" }}>
          <dt>Statut</dt>
          <dd>
            <span className={profile.isActive ? "badge badge--active" : "badge badge--retired"}>
              {profile.isActive ? "Actif" : "Inactif"}
            </span>
            {!profile.accountActive ? " — compte désactivé par un administrateur" : ""}
          </dd>
          <dt>Employeur</dt>
          <dd>
            {profile.employerName}
            {profile.employerSiret ? ` (SIRET ${profile.employerSiret})` : ""}
          </dd>
          <dt>Habilité pour</dt>
          <dd>{profile.qualifications.map((q) => q.title).join(", ") || "—"}</dd>
          <dt>Secteurs</dt>
          <dd>{profile.sectors.join(", ") || "—"}</dd>
          <dt>Dossiers en cours</dt>
          <dd>{profile.load}</dd>
        </dl>
        {candidacies.length > 0 ? (
          <ul>
            {candidacies.map((c) => (
              <li key={c.id}>
                <Link to={`/certificateur/candidatures/${c.id}`}>{c.candidateName}</Link> — {c.certificationTitle} (
                {c.stateLabel})
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <section>
        <h2>Modifier le profil</h2>
        <Form method="post" noValidate className="form" key={String(profile.updatedAt)}>
          <input type="hidden" name="intent" value="update" />
          <FormAlert
            message={
              updateData && !updateData.ok ? (updateData.message ?? "Corrigez les champs signalés ci-dessous.") : null
            }
          />
          <EvaluatorProfileFields values={formValues} errors={updateErrors} certifications={certifications} />
          <button type="submit" className="button">
            Enregistrer le profil
          </button>
        </Form>
      </section>

      <section>
        <h2>Disponibilités</h2>
        <p className="muted">
          Les périodes où l'évaluateur peut siéger. Sans période renseignée, il est considéré comme disponible.
        </p>
        {profile.availabilities.length === 0 ? (
          <p className="empty">Aucune période renseignée.</p>
        ) : (
          <ul className="timeline">
            {profile.availabilities.map((a) => (
              <li key={a.id}>
                Du {formatDate(a.startsOn)} au {formatDate(a.endsOn)}
                {a.note ? ` — ${a.note}` : ""}{" "}
                <Form method="post" style={{ display: "inline" }}>
                  <input type="hidden" name="intent" value="remove-availability" />
                  <input type="hidden" name="availabilityId" value={a.id} />
                  <button type="submit" className="button button--ghost">
                    Retirer la période du {formatDate(a.startsOn)}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        )}
        <Form method="post" noValidate className="form">
          <input type="hidden" name="intent" value="add-availability" />
          <h3>Ajouter une période</h3>
          <FormField
            name="startsOn"
            label="Du"
            type="date"
            defaultValue={availabilityValues.startsOn}
            error={availabilityErrors.startsOn}
          />
          <FormField
            name="endsOn"
            label="Au"
            type="date"
            defaultValue={availabilityValues.endsOn}
            error={availabilityErrors.endsOn}
          />
          <FormField
            name="note"
            label="Note (facultative)"
            hint="Par exemple : le mardi et le jeudi seulement."
            defaultValue={availabilityValues.note}
            error={availabilityErrors.note}
          />
          <button type="submit" className="button">
            Ajouter la période
          </button>
        </Form>
      </section>

      <section>
        <h2>Historique</h2>
        <ul className="timeline">
          {events.map((e) => (
            <li key={e.id}>
              <time dateTime={String(e.occurredAt)}>{formatDateTime(e.occurredAt)}</time> — {e.label}
              {e.actorName ? ` par ${e.actorName}` : e.actorRole === "system" ? " par le système" : ""}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
