// The sections of certifier staff's candidacy page: the dossier sent back, the evaluator pair (chosen among the
// qualified evaluators, replaced when one leaves) and the jury session (set, moved, attendance, every date set).
// Each form posts to the page's action and works without JavaScript; a refusal comes back beside its field.
import { Form, Link, useActionData } from "@remix-run/react";
import type { action, loader } from "~/routes/certificateur.candidatures.$candidacyId";
import type { useLoaderData } from "@remix-run/react";
import { formatDate, formatDateTime } from "~/utils/format";

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
export const lastDay = (deadline: string) => formatDate(new Date(Date.parse(deadline) - 1).toISOString().slice(0, 10));

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

export function PairSection({ data, busy }: { data: LoaderData; busy: boolean }) {
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

export function SessionSection({ data, busy }: { data: LoaderData; busy: boolean }) {
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

export function SendBackSection({ data, busy }: { data: LoaderData; busy: boolean }) {
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
