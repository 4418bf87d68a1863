// One candidacy for certifier staff: its facts and journal, and the work of staffing its evaluation — the pair
// chosen among the qualified evaluators (each with why they can or cannot be chosen) and its president, a
// replacement when an evaluator leaves, the jury session (set, moved, attendance) with every date ever set, and the
// dossier sent back to the candidate. Every form works without JavaScript and keeps what was typed on a refusal.
import { type ActionFunctionArgs, type LoaderFunctionArgs, json } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { AdmissibilityDocumentList, DeclaredExperienceSummary } from "~/components/admissibility-documents";
import { CandidacyCertificates } from "~/components/candidacy-certificates";
import { CandidacyFacts, StaffJournal } from "~/components/candidacy-journal";
import { FormAlert } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
import { PairSection, SendBackSection, SessionSection, lastDay } from "~/components/staff-candidacy-sections";
import { listCertificatesOfCandidacy } from "~/services/certificate-screens.server";
import { readAdmissibilityDocuments } from "~/services/documents.server";
import {
  assignPair,
  loadStaffingView,
  parisDateAndTime,
  parisInstant,
  recordAttendance,
  replaceEvaluator,
  scheduleSession,
  sendBackDossier,
} from "~/services/evaluation-staffing.server";
import { requireRole } from "~/utils/auth.server";
import { requireCandidacy } from "~/utils/candidacy-access.server";
import { getDb } from "~/utils/db.server";
import { parseForm } from "~/utils/forms";
import { readFormData } from "~/utils/http.server";

export const meta = () => [{ title: "Candidature — Portail VAE" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "certifier_staff");
  const { candidacy } = await requireCandidacy(user, "certifier_staff", params);
  const db = await getDb();
  const view = await loadStaffingView(db, candidacy.id, { userId: user.id });
  if (!view.ok) throw json({ message: view.message }, { status: view.status });
  const { documents, experience } = await readAdmissibilityDocuments(db, candidacy.id);
  const issued = await listCertificatesOfCandidacy(db, { userId: user.id, role: "certifier_staff" }, candidacy.id);
  const certificates = issued.ok ? issued.certificates : [];
  const current = view.session ? parisDateAndTime(view.session.startsAt) : null;
  return json({
    ...view,
    documents,
    experience,
    certificates,
    sessionDefaults: current,
    now: new Date().toISOString(),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Forms
// ---------------------------------------------------------------------------------------------------------------

const id = (message: string) => z.string({ required_error: message }).uuid(message);

const pairSchema = z
  .object({
    intent: z.literal("assign_pair"),
    evaluatorAId: id("Choisissez le premier évaluateur."),
    evaluatorBId: id("Choisissez le second évaluateur."),
    president: z.enum(["A", "B"], {
      errorMap: () => ({ message: "Désignez le président du jury parmi les deux évaluateurs." }),
    }),
  })
  .refine((v) => v.evaluatorAId !== v.evaluatorBId, {
    path: ["evaluatorBId"],
    message: "Choisissez deux évaluateurs différents.",
  });

const replaceSchema = z.object({
  intent: z.literal("replace_evaluator"),
  slot: z.enum(["A", "B"], { errorMap: () => ({ message: "Indiquez l'évaluateur à remplacer." }) }),
  evaluatorId: id("Choisissez le nouvel évaluateur."),
  president: z.enum(["new", "other"], {
    errorMap: () => ({ message: "Désignez le président du jury." }),
  }),
});

const sessionSchema = z.object({
  intent: z.literal("schedule_session"),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Indiquez la date de la séance (jj/mm/aaaa)."),
  time: z.string().regex(/^\d{2}:\d{2}$/, "Indiquez l'heure de la séance (hh:mm)."),
  mode: z.enum(["in_person", "video"], {
    errorMap: () => ({ message: "Indiquez si la séance a lieu sur place ou en visioconférence." }),
  }),
  location: z
    .string()
    .trim()
    .min(1, "Indiquez l'adresse du lieu ou le lien de la visioconférence.")
    .max(500, "500 caractères au plus."),
  lateReason: z.string().trim().max(2000, "2 000 caractères au plus.").optional(),
});

const attendanceSchema = z.object({
  intent: z.literal("record_attendance"),
  attendance: z.enum(["attended", "excused", "absent"], {
    errorMap: () => ({ message: "Indiquez si le candidat était présent, excusé ou absent." }),
  }),
});

const sendBackSchema = z.object({
  intent: z.literal("send_back"),
  reason: z
    .string()
    .trim()
    .min(1, "Indiquez au candidat les précisions attendues : le motif est obligatoire.")
    .max(4000, "4 000 caractères au plus."),
});

const INTENTS = ["assign_pair", "replace_evaluator", "schedule_session", "record_attendance", "send_back"] as const;
type Intent = (typeof INTENTS)[number];

const DONE: Record<Intent, string> = {
  assign_pair: "Le binôme est désigné ; chaque évaluateur en est informé par e-mail.",
  replace_evaluator: "Le nouvel évaluateur est désigné et informé par e-mail.",
  schedule_session:
    "La séance est fixée ; le candidat et les deux évaluateurs reçoivent leur convocation avec l'invitation de calendrier.",
  record_attendance: "La présence du candidat est enregistrée.",
  send_back: "Le dossier est renvoyé au candidat, qui en est informé par e-mail avec le motif.",
};

type ActionData = {
  intent: Intent | null;
  fieldErrors: Record<string, string>;
  formError: string | null;
  values: Record<string, string>;
  done: string | null;
  warnings: string[];
};

const answer = (data: Partial<ActionData> & { intent: Intent | null }, status = 200) =>
  json<ActionData>({ fieldErrors: {}, formError: null, values: {}, done: null, warnings: [], ...data }, { status });

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "certifier_staff");
  // 404 for an id that is malformed or not there; the capability of the intent is asked again by the service,
  // under the row lock, whose refusal (wrong state, already done) is shown beside the form.
  const { candidacy, context } = await requireCandidacy(user, "certifier_staff", params);
  const formData = await readFormData(request);
  const raw = String(formData.get("intent") ?? "");
  if (!(INTENTS as readonly string[]).includes(raw)) {
    return answer({ intent: null, formError: "Cette action n'existe pas : rechargez la page et recommencez." }, 400);
  }
  const intent = raw as Intent;
  const db = await getDb();
  const actor = { userId: user.id };
  const values = Object.fromEntries(
    [...formData.entries()].filter(([, v]) => typeof v === "string").map(([k, v]) => [k, String(v)]),
  );
  const refused = (outcome: { message: string; status: number; fieldErrors?: Record<string, string> }) =>
    answer(
      {
        intent,
        values,
        fieldErrors: outcome.fieldErrors ?? {},
        formError: outcome.fieldErrors ? null : outcome.message,
      },
      outcome.status,
    );

  switch (intent) {
    case "assign_pair": {
      const form = parseForm(pairSchema, formData);
      if (!form.ok) return answer({ intent, values, fieldErrors: form.fieldErrors }, 400);
      const { evaluatorAId, evaluatorBId, president } = form.data;
      const outcome = await assignPair(db, candidacy.id, actor, {
        evaluatorAId,
        evaluatorBId,
        presidentId: president === "A" ? evaluatorAId : evaluatorBId,
      });
      if (!outcome.ok) return refused(outcome);
      return answer({ intent, done: DONE[intent], warnings: outcome.warnings });
    }
    case "replace_evaluator": {
      const form = parseForm(replaceSchema, formData);
      if (!form.ok) return answer({ intent, values, fieldErrors: form.fieldErrors }, 400);
      const { slot, evaluatorId, president } = form.data;
      const pair = context.evaluation.pair;
      const other = slot === "A" ? pair?.evaluatorBId : pair?.evaluatorAId;
      if (president === "other" && !other) {
        return answer(
          {
            intent,
            values,
            fieldErrors: {
              president: "L'autre poste du binôme est vacant : le nouvel évaluateur sera président du jury.",
            },
          },
          400,
        );
      }
      const outcome = await replaceEvaluator(db, candidacy.id, actor, {
        slot,
        evaluatorId,
        presidentId: president === "new" ? evaluatorId : other!,
      });
      if (!outcome.ok) return refused(outcome);
      return answer({ intent, done: DONE[intent], warnings: outcome.warnings });
    }
    case "schedule_session": {
      const form = parseForm(sessionSchema, formData);
      if (!form.ok) return answer({ intent, values, fieldErrors: form.fieldErrors }, 400);
      const startsAt = parisInstant(form.data.date, form.data.time);
      if (!startsAt) {
        return answer({ intent, values, fieldErrors: { date: "Cette date n'existe pas au calendrier." } }, 400);
      }
      const outcome = await scheduleSession(db, candidacy.id, actor, {
        startsAt,
        mode: form.data.mode,
        location: form.data.location,
        lateReason: form.data.lateReason,
      });
      if (!outcome.ok) return refused(outcome);
      return answer({ intent, done: DONE[intent] });
    }
    case "record_attendance": {
      const form = parseForm(attendanceSchema, formData);
      if (!form.ok) return answer({ intent, values, fieldErrors: form.fieldErrors }, 400);
      const outcome = await recordAttendance(db, candidacy.id, actor, form.data.attendance);
      if (!outcome.ok) return refused(outcome);
      return answer({
        intent,
        done:
          form.data.attendance === "attended"
            ? DONE[intent]
            : `${DONE[intent]} Fixez une nouvelle date de séance ci-dessous si le candidat doit être reconvoqué.`,
      });
    }
    case "send_back": {
      const form = parseForm(sendBackSchema, formData);
      if (!form.ok) return answer({ intent, values, fieldErrors: form.fieldErrors }, 400);
      const outcome = await sendBackDossier(db, candidacy.id, actor, form.data.reason);
      if (!outcome.ok) return refused(outcome);
      return answer({ intent, done: DONE[intent] });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Page
// ---------------------------------------------------------------------------------------------------------------

export default function StaffCandidacyPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const { candidacy } = data;
  return (
    <>
      <p>
        <Link to="/certificateur/candidatures">← Candidatures</Link>
      </p>
      <p className="eyebrow">Candidature {candidacy.reference}</p>
      <h1>{candidacy.candidateName}</h1>
      <CandidacyFacts candidacy={candidacy}>
        {data.deadline ? (
          <>
            <dt>Évaluation au plus tard le</dt>
            <dd>
              {lastDay(data.deadline)}
              {data.sessionLate ? " — échéance à risque" : ""}
            </dd>
          </>
        ) : null}
      </CandidacyFacts>
      {data.capabilities["minutes.view"] ? (
        <p>
          <Link className="button" to={`/certificateur/candidatures/${candidacy.id}/validation`}>
            {data.capabilities["decision.validate"]
              ? "Valider la décision (procès-verbal)"
              : "Procès-verbal et décision"}
          </Link>
        </p>
      ) : null}
      <CandidacyCertificates certificates={data.certificates} />
      <FormAlert message={actionData?.formError} />
      {actionData?.done && !busy ? (
        <div className="alert alert--success" role="status">
          {actionData.done}
        </div>
      ) : null}
      {actionData?.warnings
        ?.filter((warning) => !data.pairWarnings.includes(warning))
        .map((warning) => (
          <div key={warning} className="alert" role="note">
            {warning}
          </div>
        ))}
      <section className="card">
        <h2>Dossier de validation</h2>
        {candidacy.filedVersions > 0 ? (
          <p>
            <Link className="button" to={`/dossiers/${candidacy.id}`}>
              Lire le dossier déposé{candidacy.filedVersions > 1 ? ` (${candidacy.filedVersions} versions)` : ""}
            </Link>
          </p>
        ) : (
          <p className="muted">Aucune version du dossier n'a encore été déposée.</p>
        )}
        <SendBackSection data={data} busy={busy} />
      </section>
      <PairSection data={data} busy={busy} />
      <SessionSection data={data} busy={busy} />
      <section>
        <h2>Pièces de la demande de recevabilité</h2>
        <DeclaredExperienceSummary experience={data.experience} />
        <AdmissibilityDocumentList documents={data.documents} />
      </section>
      <h2>Journal</h2>
      <StaffJournal entries={data.journal} />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
