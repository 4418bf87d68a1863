// The parts the officer's queue and staff's registry share: the filter form (GET, works without JavaScript), the
// counters per state, the deadline badge and the keyset pager ("Page suivante", back to the start).
import { Link, useLocation } from "@remix-run/react";
import type { ReactNode } from "react";
import { FilterBar } from "~/components/filters";

export interface QueueFilterValues {
  etat: string;
  certification: string;
  du: string;
  au: string;
  agent: string;
  q: string;
}

function Select({
  name,
  label,
  allLabel,
  value,
  options,
}: {
  name: string;
  label: string;
  allLabel: string;
  value: string;
  options: readonly { value: string; label: string }[];
}) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={value}>
        <option value="">{allLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function DateFilter({ name, label, value, error }: { name: string; label: string; value: string; error?: string }) {
  const errorId = `filtre-${name}-erreur`;
  return (
    <label>
      {label}
      <input
        type="date"
        name={name}
        defaultValue={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
      />
      {error ? (
        <span className="field__error" id={errorId}>
          {error}
        </span>
      ) : null}
    </label>
  );
}

/** The filters both lists share; `children` adds a list's own (hidden view, at-risk box, sort). */
export function QueueFilters({
  values,
  fieldErrors,
  states,
  certifications,
  officers,
  children,
}: {
  values: QueueFilterValues;
  fieldErrors: Record<string, string>;
  states: readonly { value: string; label: string }[];
  certifications: readonly { code: string; title: string }[];
  officers: readonly { id: string; fullName: string }[];
  children?: ReactNode;
}) {
  return (
    <FilterBar search>
      <label>
        Nom ou courriel du candidat
        <input type="search" name="q" defaultValue={values.q} maxLength={100} />
      </label>
      <Select name="etat" label="État" allLabel="Tous" value={values.etat} options={states} />
      <Select
        name="certification"
        label="Certification"
        allLabel="Toutes"
        value={values.certification}
        options={certifications.map((c) => ({ value: c.code, label: c.title }))}
      />
      <DateFilter name="du" label="Reçue du" value={values.du} error={fieldErrors.du} />
      <DateFilter name="au" label="au" value={values.au} error={fieldErrors.au} />
      <Select
        name="agent"
        label="Chargé de recevabilité"
        allLabel="Tous"
        value={values.agent}
        options={officers.map((o) => ({ value: o.id, label: o.fullName }))}
      />
      {children}
    </FilterBar>
  );
}

export function StateCounters({
  label,
  counters,
}: {
  label: string;
  counters: readonly { state: string; label: string; text: string }[];
}) {
  return (
    <section aria-label={label}>
      <h2 className="visually-hidden">{label}</h2>
      <ul className="counters">
        {counters.map((c) => (
          <li key={c.state}>
            <span className="counters__count">{c.text}</span> {c.label}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function DeadlineBadge({ daysLeft, atRisk }: { daysLeft: number | null; atRisk: boolean }) {
  if (daysLeft === null) return <>—</>;
  const text = daysLeft < 0 ? `Dépassée de ${-daysLeft} j` : daysLeft === 0 ? "Aujourd'hui" : `${daysLeft} j`;
  return (
    <span className={atRisk ? "badge badge--urgent" : "badge badge--active"}>
      {text}
      {atRisk ? " — à risque" : ""}
    </span>
  );
}

/** The current URL with some parameters replaced (null removes one). */
export function useQueueHref() {
  const location = useLocation();
  return (changes: Record<string, string | null>) => {
    const params = new URLSearchParams(location.search);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) params.delete(name);
      else params.set(name, value);
    }
    const query = params.toString();
    return `${location.pathname}${query ? `?${query}` : ""}`;
  };
}

export function QueuePager({ next, isFirstPage }: { next: string | null; isFirstPage: boolean }) {
  const href = useQueueHref();
  if (!next && isFirstPage) return null;
  return (
    <nav className="pager" aria-label="Pages de la liste">
      {isFirstPage ? null : <Link to={href({ apres: null })}>Retour au début</Link>}
      {next ? (
        <Link to={href({ apres: next })} rel="next">
          Page suivante
        </Link>
      ) : (
        <span className="muted">Dernière page</span>
      )}
    </nav>
  );
}
