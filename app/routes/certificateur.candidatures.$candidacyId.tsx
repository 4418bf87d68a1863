// One candidacy for certifier staff: its facts and journal, and the work of staffing its evaluation — the pair
// chosen among the qualified evaluators (each with why they can or cannot be chosen) and its president, a
// replacement when an evaluator leaves, the jury session (set, moved, attendance) with every date ever set, and the
// dossier sent back to the candidate. Every form works without JavaScript and keeps what was typed on a refusal.
import { type ActionFunctionArgs, type LoaderFunctionArgs, json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { AdmissibilityDocumentList, DeclaredExperienceSummary } from "~/components/admissibility-documents";
import { CandidacyFacts, StaffJournal } from "~/components/candidacy-journal";
import { FormAlert } from "~/components/form-field";
import { GeneralErrorBoundary } from "~/components/status-page";
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
import { formatDate, formatDateTime } from "~/utils/format";
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
  const current = view.session ? parisDateAndTime(view.session.startsAt) : null;
  return json({ ...view, documents, experience, sessionDefaults: current, now: new Date().toISOString() });
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

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

const PROGRESS_LABELS = {
  pending: "Déclaration d'absence de lien attendue",
  scoring: "Notation en cours",
  submitted: "Notes transmises",
  vacant: "Poste vacant : à remplacer",
} as const;

/**
 * The last day to hold the session: the deadline is the first instant (UTC) after the 3rd month, so its day before,
 * as a calendar date (an instant just before midnight UTC is already the next day in Paris).
 */
const lastDay = (deadline: string) => formatDate(new Date(Date.parse(deadline) - 1).toISOString().slice(0, 10));

const ATTENDANCE_LABELS = { attended: "Présent", excused: "Excusé", absent: "Absent" } as const;
const MODE_LABELS = { in_person: "Sur place", video: "En visioconférence" } as const;

function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p className="field__error" id={id} role="alert">
      {message}
    </p>
  );
}

/** The props that wire a control to its error message. */
function invalid(idBase: string, message?: string) {
  return message ? { "aria-invalid": true as const, "aria-describedby": `${idBase}-error` } : {};
}

function suggestionLabel(s: LoaderData["suggestions"][number]) {
  return `${s.fullName}${s.eligible ? "" : " — ne peut pas être choisi"} (${s.load} en cours)`;
}

function Suggestions({ suggestions }: { suggestions: LoaderData["suggestions"] }) {
  if (suggestions.length === 0) {
    return (
      <p className="muted">
        Aucun évaluateur n'est habilité pour ce CQP : ajoutez-en depuis le{" "}
        <Link to="/certificateur/evaluateurs">vivier d'évaluateurs</Link>.
      </p>
    );
  }
  return (
    <ul className="cards" aria-label="Évaluateurs habilités pour ce CQP">
      {suggestions.map((s) => (
        <li key={s.userId} className="card">
          <p>
            <strong>{s.fullName}</strong>
            {s.civility ? ` (${s.civility})` : ""} — {s.employerName || "employeur non renseigné"}
          </p>
          <p className="muted">
            {s.load === 0 ? "Aucun dossier en cours" : `${s.load} dossier${s.load > 1 ? "s" : ""} en cours`}
          </p>
          {s.eligible ? (
            <p>
              <span className="badge badge--active">Peut être choisi</span>
            </p>
          ) : (
            <>
              <p>
                <span className="badge badge--retired">Ne peut pas être choisi</span>
              </p>
              <ul>
                {s.reasons.map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

function AssignPairForm({ data, busy }: { data: LoaderData; busy: boolean }) {
  const actionData = useActionData<typeof action>();
  const mine = actionData?.intent === "assign_pair";
  const errors = mine ? actionData.fieldErrors : {};
  const values = mine ? actionData.values : {};
  return (
    <Form method="post" className="form" noValidate>
      <input type="hidden" name="intent" value="assign_pair" />
      {(["A", "B"] as const).map((slot) => {
        const name = slot === "A" ? "evaluatorAId" : "evaluatorBId";
        const fieldId = `assign-${name}`;
        return (
          <div key={slot} className={errors[name] ? "field field--error" : "field"}>
            <label htmlFor={fieldId}>{slot === "A" ? "Premier évaluateur" : "Second évaluateur"}</label>
            <select id={fieldId} name={name} defaultValue={values[name] ?? ""} {...invalid(fieldId, errors[name])}>
              <option value="">— Choisir —</option>
              {data.suggestions.map((s) => (
                <option key={s.userId} value={s.userId}>
                  {suggestionLabel(s)}
                </option>
              ))}
            </select>
            <FieldError id={`${fieldId}-error`} message={errors[name]} />
          </div>
        );
      })}
      <fieldset className={errors.president ? "field field--error" : "field"}>
        <legend>Président du jury (voix prépondérante)</legend>
        {(["A", "B"] as const).map((slot) => (
          <div className="checkbox" key={slot}>
            <input
              type="radio"
              id={`assign-president-${slot}`}
              name="president"
              value={slot}
              defaultChecked={(values.president ?? "A") === slot}
            />
            <label htmlFor={`assign-president-${slot}`}>
              {slot === "A" ? "Le premier évaluateur" : "Le second évaluateur"}
            </label>
          </div>
        ))}
        <FieldError id="assign-president-error" message={errors.president} />
      </fieldset>
      <button type="submit" className="button" disabled={busy}>
        Désigner le binôme
      </button>
    </Form>
  );
}

function ReplaceForm({ data, busy }: { data: LoaderData; busy: boolean }) {
  const actionData = useActionData<typeof action>();
  const mine = actionData?.intent === "replace_evaluator";
  const errors = mine ? actionData.fieldErrors : {};
  const values = mine ? actionData.values : {};
  const replaceable = data.pair.filter((m) => m.progress !== "submitted");
  const defaultSlot = values.slot ?? data.vacantSlots[0] ?? replaceable[0]?.slot ?? "A";
  const inPair = new Set(data.pair.map((m) => m.userId));
  return (
    <Form method="post" className="form" noValidate>
      <input type="hidden" name="intent" value="replace_evaluator" />
      <div className={errors.slot ? "field field--error" : "field"}>
        <label htmlFor="replace-slot">Évaluateur à remplacer</label>
        <select id="replace-slot" name="slot" defaultValue={defaultSlot} {...invalid("replace-slot", errors.slot)}>
          {replaceable.map((m) => (
            <option key={m.slot} value={m.slot}>
              {m.userId ? `${m.fullName} (évaluateur ${m.slot})` : `Poste vacant (évaluateur ${m.slot})`}
            </option>
          ))}
        </select>
        <FieldError id="replace-slot-error" message={errors.slot} />
      </div>
      <div className={errors.evaluatorId ? "field field--error" : "field"}>
        <label htmlFor="replace-evaluatorId">Nouvel évaluateur</label>
        <select
          id="replace-evaluatorId"
          name="evaluatorId"
          defaultValue={values.evaluatorId ?? ""}
          {...invalid("replace-evaluatorId", errors.evaluatorId)}
        >
          <option value="">— Choisir —</option>
          {data.suggestions
            .filter((s) => !inPair.has(s.userId))
            .map((s) => (
              <option key={s.userId} value={s.userId}>
                {suggestionLabel(s)}
              </option>
            ))}
        </select>
        <FieldError id="replace-evaluatorId-error" message={errors.evaluatorId} />
      </div>
      <fieldset className={errors.president ? "field field--error" : "field"}>
        <legend>Président du jury</legend>
        {(
          [
            ["new", "Le nouvel évaluateur"],
            ["other", "L'autre évaluateur du binôme"],
          ] as const
        ).map(([value, label]) => (
          <div className="checkbox" key={value}>
            <input
              type="radio"
              id={`replace-president-${value}`}
              name="president"
              value={value}
              defaultChecked={(values.president ?? (data.vacantSlots.length > 0 ? "new" : "other")) === value}
            />
            <label htmlFor={`replace-president-${value}`}>{label}</label>
          </div>
        ))}
        <FieldError id="replace-president-error" message={errors.president} />
      </fieldset>
      <button type="submit" className="button" disabled={busy}>
        Remplacer l'évaluateur
      </button>
    </Form>
  );
}

function PairSection({ data, busy }: { data: LoaderData; busy: boolean }) {
  const can = data.capabilities;
  if (!can["pair.assign"] && data.pair.length === 0) return null;
  return (
    <section className="card" aria-labelledby="pair-heading">
      <h2 id="pair-heading">Binôme d'évaluateurs</h2>
      {data.pair.length > 0 ? (
        <ul className="cards" aria-label="Évaluateurs du binôme">
          {data.pair.map((m) => (
            <li key={m.slot} className="card">
              <p>
                <strong>Évaluateur {m.slot}</strong> :{" "}
                {m.userId ? m.fullName : <span className="badge badge--urgent">Poste vacant</span>}
                {m.isPresident ? " — président du jury" : ""}
              </p>
              {m.progress ? <p className="muted">{PROGRESS_LABELS[m.progress]}</p> : null}
              {m.declaredAt ? (
                <p className="muted">Absence de lien avec le candidat déclarée le {formatDateTime(m.declaredAt)}</p>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {data.pairWarnings.map((warning) => (
        <div key={warning} className="alert" role="note">
          {warning}
        </div>
      ))}
      {data.vacantSlots.length > 0 ? (
        <div className="alert alert--error" role="status">
          Un évaluateur s'est retiré du dossier après avoir déclaré un lien avec le candidat : désignez un remplaçant.
        </div>
      ) : null}
      {data.conflicts.length > 0 ? (
        <>
          <h3>Conflits d'intérêts déclarés</h3>
          <ul>
            {data.conflicts.map((c) => (
              <li key={`${c.evaluatorId}-${c.at}`}>
                {formatDateTime(c.at)} — {c.evaluatorName} (évaluateur {c.slot}) : « {c.reason} »
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {data.replacements.length > 0 ? (
        <>
          <h3>Remplacements</h3>
          <ul>
            {data.replacements.map((r) => (
              <li key={`${r.evaluatorId}-${r.at}`}>
                {formatDateTime(r.at)} — évaluateur {r.slot} : {r.previousName ?? "poste vacant"} remplacé par{" "}
                {r.evaluatorName}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {can["pair.assign"] || can["evaluator.replace"] ? (
        <>
          <h3>Évaluateurs habilités, du moins chargé au plus chargé</h3>
          <p className="muted">
            Un évaluateur ne doit avoir aucun lien professionnel ou personnel avec le candidat (article D6412-6 du Code
            du travail) ; la réglementation demande aussi, autant que possible, un binôme mixte.
          </p>
          <Suggestions suggestions={data.suggestions} />
        </>
      ) : null}
      {can["pair.assign"] ? <AssignPairForm data={data} busy={busy} /> : null}
      {can["evaluator.replace"] && data.pair.some((m) => m.progress !== "submitted") ? (
        <>
          <h3>Remplacer un évaluateur</h3>
          <p className="muted">Un évaluateur peut être remplacé tant qu'il n'a pas transmis ses notes.</p>
          <ReplaceForm data={data} busy={busy} />
        </>
      ) : null}
    </section>
  );
}

function SessionForm({ data, busy }: { data: LoaderData; busy: boolean }) {
  const actionData = useActionData<typeof action>();
  const mine = actionData?.intent === "schedule_session";
  const errors = mine ? actionData.fieldErrors : {};
  const values = mine ? actionData.values : {};
  const moving = data.session !== null && data.session.attendance === undefined;
  const mode = values.mode ?? data.session?.mode ?? "in_person";
  return (
    <Form method="post" className="form" noValidate>
      <input type="hidden" name="intent" value="schedule_session" />
      <div className={errors.date ? "field field--error" : "field"}>
        <label htmlFor="session-date">Date de la séance</label>
        <input
          type="date"
          id="session-date"
          name="date"
          defaultValue={values.date ?? (moving ? data.sessionDefaults?.date : "")}
          {...invalid("session-date", errors.date)}
        />
        <FieldError id="session-date-error" message={errors.date} />
      </div>
      <div className={errors.time ? "field field--error" : "field"}>
        <label htmlFor="session-time">Heure (heure de Paris)</label>
        <input
          type="time"
          id="session-time"
          name="time"
          defaultValue={values.time ?? (moving ? data.sessionDefaults?.time : "")}
          {...invalid("session-time", errors.time)}
        />
        <FieldError id="session-time-error" message={errors.time} />
      </div>
      <fieldset className={errors.mode ? "field field--error" : "field"}>
        <legend>Modalité</legend>
        {(["in_person", "video"] as const).map((value) => (
          <div className="checkbox" key={value}>
            <input
              type="radio"
              id={`session-mode-${value}`}
              name="mode"
              value={value}
              defaultChecked={mode === value}
            />
            <label htmlFor={`session-mode-${value}`}>{MODE_LABELS[value]}</label>
          </div>
        ))}
        <FieldError id="session-mode-error" message={errors.mode} />
      </fieldset>
      <div className={errors.location ? "field field--error" : "field"}>
        <label htmlFor="session-location">Adresse du lieu ou lien de la visioconférence</label>
        <input
          type="text"
          id="session-location"
          name="location"
          maxLength={500}
          defaultValue={values.location ?? (moving ? data.session?.location : "")}
          {...invalid("session-location", errors.location)}
        />
        <FieldError id="session-location-error" message={errors.location} />
      </div>
      <div className={errors.lateReason ? "field field--error" : "field"}>
        <label htmlFor="session-lateReason">Motif d'une date tardive</label>
        {data.deadline ? (
          <p className="field__hint" id="session-lateReason-hint">
            Obligatoire si la séance a lieu après le {lastDay(data.deadline)}, fin du troisième mois qui suit le dépôt
            du dossier.
          </p>
        ) : null}
        <textarea
          id="session-lateReason"
          name="lateReason"
          rows={3}
          maxLength={2000}
          defaultValue={values.lateReason ?? ""}
          aria-invalid={errors.lateReason ? true : undefined}
          aria-describedby={
            [data.deadline ? "session-lateReason-hint" : null, errors.lateReason ? "session-lateReason-error" : null]
              .filter(Boolean)
              .join(" ") || undefined
          }
        />
        <FieldError id="session-lateReason-error" message={errors.lateReason} />
      </div>
      <button type="submit" className="button" disabled={busy}>
        {moving ? "Déplacer la séance" : "Fixer la séance"}
      </button>
    </Form>
  );
}

function AttendanceForm({ busy }: { busy: boolean }) {
  const actionData = useActionData<typeof action>();
  const mine = actionData?.intent === "record_attendance";
  const errors = mine ? actionData.fieldErrors : {};
  const values = mine ? actionData.values : {};
  return (
    <Form method="post" className="form" noValidate>
      <input type="hidden" name="intent" value="record_attendance" />
      <fieldset className={errors.attendance ? "field field--error" : "field"}>
        <legend>Le candidat était-il présent à la séance ?</legend>
        {(
          [
            ["attended", "Présent : le jury l'a entendu"],
            ["excused", "Excusé : une nouvelle séance sera fixée"],
            ["absent", "Absent sans excuse : consigné au journal"],
          ] as const
        ).map(([value, label]) => (
          <div className="checkbox" key={value}>
            <input
              type="radio"
              id={`attendance-${value}`}
              name="attendance"
              value={value}
              defaultChecked={values.attendance === value}
            />
            <label htmlFor={`attendance-${value}`}>{label}</label>
          </div>
        ))}
        <FieldError id="attendance-error" message={errors.attendance} />
      </fieldset>
      <button type="submit" className="button" disabled={busy}>
        Enregistrer la présence
      </button>
    </Form>
  );
}

function SessionSection({ data, busy }: { data: LoaderData; busy: boolean }) {
  const can = data.capabilities;
  if (!data.session && data.sessions.length === 0 && !can["session.schedule"]) return null;
  const session = data.session;
  return (
    <section className="card" aria-labelledby="session-heading">
      <h2 id="session-heading">Séance d'évaluation (entretien avec le jury)</h2>
      {data.deadline ? (
        <p>
          À tenir au plus tard le {lastDay(data.deadline)} (fin du troisième mois qui suit le dépôt du dossier
          {data.filedAt ? `, déposé le ${formatDate(data.filedAt)}` : ""}).
        </p>
      ) : null}
      {session ? (
        <dl className="parameters">
          <dt>Date</dt>
          <dd>{formatDateTime(session.startsAt)}</dd>
          <dt>Modalité</dt>
          <dd>{MODE_LABELS[session.mode]}</dd>
          <dt>{session.mode === "video" ? "Lien" : "Lieu"}</dt>
          <dd>{session.location}</dd>
          <dt>Présence</dt>
          <dd>{session.attendance ? ATTENDANCE_LABELS[session.attendance] : "Non encore enregistrée"}</dd>
        </dl>
      ) : (
        <p className="muted">Aucune séance n'est encore fixée.</p>
      )}
      {data.sessionLate && session ? (
        <div className="alert alert--error" role="status">
          Échéance à risque : la séance a lieu après la fin du troisième mois qui suit le dépôt du dossier. Motif
          indiqué : « {session.lateReason} »
        </div>
      ) : null}
      {session?.attendance === "absent" ? (
        <div className="alert" role="status">
          Le candidat était absent sans excuse : décidez d'une nouvelle date ou de la suite à donner.
        </div>
      ) : null}
      {can["session.attendance"] && session && Date.parse(session.startsAt) <= Date.parse(data.now) ? (
        <AttendanceForm busy={busy} />
      ) : null}
      {can["session.schedule"] ? (
        <>
          <h3>{session && !session.attendance ? "Déplacer la séance" : "Fixer la séance"}</h3>
          <SessionForm data={data} busy={busy} />
        </>
      ) : null}
      {data.sessions.length > 0 ? (
        <>
          <h3>Historique des dates</h3>
          <ol className="timeline" aria-label="Dates de séance fixées">
            {data.sessions.map((s) => (
              <li key={s.id}>
                <strong>{formatDateTime(s.startsAt)}</strong> — {MODE_LABELS[s.mode]}, {s.location}. Fixée le{" "}
                {formatDateTime(s.scheduledAt)}
                {s.scheduledByName ? ` par ${s.scheduledByName}` : ""}.
                {s.lateReason ? ` Motif du retard : « ${s.lateReason} ».` : ""}
                {s.attendance ? ` Présence : ${ATTENDANCE_LABELS[s.attendance].toLowerCase()}.` : ""}
                {s.supersededAt ? " Remplacée par une date suivante." : " Date actuelle."}
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}

function SendBackSection({ data, busy }: { data: LoaderData; busy: boolean }) {
  const actionData = useActionData<typeof action>();
  const mine = actionData?.intent === "send_back";
  const errors = mine ? actionData.fieldErrors : {};
  const values = mine ? actionData.values : {};
  if (data.sentBack) {
    return (
      <p className="muted">
        Dossier renvoyé au candidat le {formatDateTime(data.sentBack.at)} (version {data.sentBack.version}) : «{" "}
        {data.sentBack.reason} »
      </p>
    );
  }
  if (!data.capabilities["dossier.sendBack"]) return null;
  return (
    <Form method="post" className="form" noValidate>
      <input type="hidden" name="intent" value="send_back" />
      <div className={errors.reason ? "field field--error" : "field"}>
        <label htmlFor="send-back-reason">Précisions attendues du candidat (renvoi du dossier, une seule fois)</label>
        <textarea
          id="send-back-reason"
          name="reason"
          rows={3}
          maxLength={4000}
          defaultValue={values.reason ?? ""}
          {...invalid("send-back-reason", errors.reason)}
        />
        <FieldError id="send-back-reason-error" message={errors.reason} />
      </div>
      <button type="submit" className="button button--ghost" disabled={busy}>
        Renvoyer le dossier au candidat
      </button>
    </Form>
  );
}

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
