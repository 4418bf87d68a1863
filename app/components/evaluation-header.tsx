// The head of every evaluator page on one dossier: who, which CQP, the session, the deadline, and each side's
// progress — of the other evaluator only "transmis / pas encore" (blind scoring).
import { Link } from "@remix-run/react";
import { formatDate, formatDateTime } from "~/utils/format";

export interface EvaluationHeaderData {
  id: string;
  reference: string;
  candidateName: string;
  certificationTitle: string;
  state: string;
  stateLabel: string;
  slot: "A" | "B";
  isPresident: boolean;
  declaredAt: string | null;
  mine: string | null;
  otherSubmitted: boolean;
  session: { startsAt: string; mode: "in_person" | "video"; location: string; attendance: string | null } | null;
  evaluationDueBy: string | null;
  can: Record<string, boolean>;
}

const MODE_LABEL = { in_person: "en présentiel", video: "en visioconférence" } as const;
const ATTENDANCE_LABEL: Record<string, string> = {
  attended: "session tenue",
  excused: "candidat excusé : une nouvelle session sera fixée",
  absent: "candidat absent",
};

export function EvaluationHeader({ header, current }: { header: EvaluationHeaderData; current: string }) {
  const afterScoring = !["evaluation", "dossier.inProgress", "dossier.submitted"].includes(header.state);
  const pages = [
    { to: `/evaluation/${header.id}`, label: "Grille d'évaluation" },
    ...(header.can["evaluation.compare"]
      ? [{ to: `/evaluation/${header.id}/deliberation`, label: "Comparaison et délibération" }]
      : []),
    ...(afterScoring && header.can["minutes.view"]
      ? [{ to: `/evaluation/${header.id}/proces-verbal`, label: "Procès-verbal" }]
      : []),
  ];
  return (
    <>
      <p>
        <Link to="/evaluation">← Mes dossiers</Link>
      </p>
      <p className="eyebrow">
        Évaluation — {header.reference} — évaluateur {header.slot}
        {header.isPresident ? " (président du binôme)" : ""}
      </p>
      <h1>{header.candidateName}</h1>
      <dl className="parameters">
        <dt>Certification</dt>
        <dd>{header.certificationTitle}</dd>
        <dt>Étape</dt>
        <dd>{header.stateLabel}</dd>
        <dt>Session</dt>
        <dd>
          {header.session
            ? `${formatDateTime(header.session.startsAt)}, ${MODE_LABEL[header.session.mode]} — ${header.session.location}${header.session.attendance ? ` (${ATTENDANCE_LABEL[header.session.attendance] ?? header.session.attendance})` : ""}`
            : "Pas encore fixée par le certificateur"}
        </dd>
        <dt>À évaluer avant le</dt>
        <dd>{header.evaluationDueBy ? formatDate(new Date(Date.parse(header.evaluationDueBy) - 1)) : "—"}</dd>
        <dt>Vos notes</dt>
        <dd data-testid="own-progress">
          {header.mine === "submitted" || afterScoring ? "transmises" : "pas encore transmises"}
        </dd>
        <dt>L'autre évaluateur</dt>
        <dd data-testid="other-progress">{header.otherSubmitted || afterScoring ? "transmis" : "pas encore"}</dd>
      </dl>
      {pages.length > 1 ? (
        <nav aria-label="Pages du dossier" className="filters">
          {pages.map((p) => (
            <Link
              key={p.to}
              to={p.to}
              className={p.label === current ? "badge badge--active" : "badge"}
              aria-current={p.label === current ? "page" : undefined}
            >
              {p.label}
            </Link>
          ))}
        </nav>
      ) : null}
    </>
  );
}
