// A candidacy as staff see it: its key facts, and its journal (the candidate's plain-French timeline, or the staff's
// full audit trail).
import type { ReactNode } from "react";
import { ROLE_LABELS } from "~/utils/roles";
import {
  type CandidateTimelineItem,
  type JournalEntry,
  staffEventDetails,
  staffEventLabel,
} from "~/utils/candidacy-timeline";
import { formatDateTime } from "~/utils/format";
import { TableScroll } from "~/components/table-scroll";

/** The candidate's timeline, worded on the server (`candidateTimeline`): no journal payload reaches the browser. */
export function CandidateTimeline({ items }: { items: CandidateTimelineItem[] }) {
  return (
    <ol className="timeline" aria-label="Historique de la candidature">
      {items.map((e) => (
        <li key={e.id}>
          <time dateTime={e.occurredAt}>{formatDateTime(e.occurredAt)}</time> — {e.sentence}
        </li>
      ))}
    </ol>
  );
}

export function StaffJournal({
  entries,
}: {
  entries: (JournalEntry & { id: string; fromState: string | null; toState: string })[];
}) {
  return (
    <TableScroll label="Journal de la candidature">
      <table className="table">
        <caption className="visually-hidden">Journal de la candidature</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Événement</th>
            <th scope="col">Par</th>
            <th scope="col">Détails</th>
          </tr>
        </thead>
        <tbody>
          {[...entries].reverse().map((e) => (
            <tr key={e.id}>
              <td>{formatDateTime(e.occurredAt)}</td>
              <td>{staffEventLabel(e.eventType)}</td>
              <td>
                {e.actorRole === "system"
                  ? "Système (échéance)"
                  : `${e.actorName ?? "Compte supprimé"} (${ROLE_LABELS[e.actorRole as keyof typeof ROLE_LABELS] ?? e.actorRole})`}
              </td>
              <td>{staffEventDetails(e).join(" · ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** The facts staff check first on a candidacy; pages add their own rows as children. */
export function CandidacyFacts({
  candidacy,
  children,
}: {
  candidacy: { certificationTitle: string; referentialVersion: string; targetBlocCodes: string[]; stateLabel: string };
  children?: ReactNode;
}) {
  return (
    <dl className="parameters">
      <dt>Certification</dt>
      <dd>
        {candidacy.certificationTitle} (référentiel {candidacy.referentialVersion})
      </dd>
      <dt>Blocs visés</dt>
      <dd>{candidacy.targetBlocCodes.join(", ")}</dd>
      <dt>Étape</dt>
      <dd>{candidacy.stateLabel}</dd>
      {children}
    </dl>
  );
}
