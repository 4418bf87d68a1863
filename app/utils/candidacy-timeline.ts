// The journal of a candidacy in plain French: as the candidate reads it (their own timeline: each step of the
// evaluation, never an evaluator's scores, comments or reasons) and as staff read it (every event, with who did it).
import { formatDate, formatDateTime } from "./format";

export interface JournalEntry {
  eventType: string;
  actorRole: string;
  actorName: string | null;
  payload: Record<string, unknown>;
  occurredAt: string | Date;
}

const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");

/** "le 12 mars 2026 à 14:00", or "" when the payload holds no usable instant. */
function when(value: unknown): string {
  if (typeof value !== "string" || Number.isNaN(Date.parse(value))) return "";
  return formatDateTime(value);
}

function sessionPlace(p: Record<string, unknown>): string {
  if (p.mode === "video") return "en visioconférence (le lien figure dans votre convocation)";
  return text(p.location) ? `à l'adresse suivante : ${text(p.location)}` : "";
}

const RESULT_LABELS: Record<string, string> = {
  full: "tous les blocs visés",
  partial: "une partie des blocs visés",
  none: "aucun bloc",
};

/** The candidate's sentence for an event, or null when the step is internal to the evaluation. */
export function candidateTimelineText(entry: JournalEntry): string | null {
  const p = entry.payload;
  switch (entry.eventType) {
    case "CANDIDACY_CREATED":
      return "Vous avez ouvert votre candidature.";
    case "SUBMIT_REQUEST":
      return "Vous avez déposé votre demande de recevabilité et signé l'engagement sur l'honneur.";
    case "OPEN_REVIEW":
      return "L'organisme évaluateur VAE a commencé l'examen de votre demande.";
    case "MARK_INCOMPLETE":
      return `Votre demande a été déclarée incomplète. Motif : ${text(p.reason)}`;
    case "COMPLETE_REQUEST":
      return "Vous avez complété votre demande.";
    case "DECLARE_ADMISSIBLE": {
      const decided =
        typeof p.validityEndsOn === "string"
          ? `Votre demande a été déclarée recevable, jusqu'au ${formatDate(p.validityEndsOn)}.`
          : "Votre demande a été déclarée recevable.";
      const prior = Array.isArray(p.priorBlocCodes) ? p.priorBlocCodes.map(String) : [];
      return prior.length === 0
        ? decided
        : prior.length === 1
          ? `${decided} Votre certificat est accepté : le bloc ${prior[0]} vous est acquis et ne sera pas évalué.`
          : `${decided} Vos certificats sont acceptés : les blocs ${prior.join(", ")} vous sont acquis et ne seront pas évalués.`;
    }
    case "DECLARE_INADMISSIBLE":
      return `Votre demande a été déclarée irrecevable. Motif : ${text(p.reason)}`;
    case "ADMISSIBILITY_SILENCE_ELAPSED":
      return "Sans réponse dans le délai de deux mois, votre demande est réputée recevable.";
    case "START_DOSSIER":
      return "Vous avez commencé votre dossier déclaratif.";
    case "SUBMIT_DOSSIER":
      return `Vous avez déposé votre dossier déclaratif (version ${String(p.version ?? "")}).`;
    case "SEND_BACK_DOSSIER":
      return `Les évaluateurs vous demandent des précisions sur votre dossier : ${text(p.reason)}`;
    case "ASSIGN_PAIR":
      return "Deux évaluateurs professionnels ont été désignés pour examiner votre dossier.";
    case "DECLARE_CONFLICT":
      // The evaluator's reason is theirs and staff's: the candidate only learns that someone else will be named.
      return "Un évaluateur s'est retiré de l'examen de votre dossier : un autre évaluateur va être désigné.";
    case "REPLACE_EVALUATOR":
      return "Un nouvel évaluateur a été désigné pour examiner votre dossier.";
    case "SCHEDULE_SESSION": {
      const at = when(p.startsAt);
      const place = sessionPlace(p);
      return `Votre session d'évaluation est fixée${at ? ` au ${at}` : ""}${place ? `, ${place}` : ""}. Une convocation vous a été envoyée par courriel.`;
    }
    case "RECORD_ATTENDANCE":
      if (p.attendance === "attended") return "Votre présence à la session d'évaluation a été enregistrée.";
      if (p.attendance === "excused")
        return "Votre absence excusée à la session d'évaluation a été enregistrée : une nouvelle date va vous être proposée.";
      return "Votre absence à la session d'évaluation a été enregistrée. L'organisme certificateur vous recontactera.";
    case "START_SCORING":
      return "Un évaluateur a déclaré n'avoir aucun lien avec vous et a commencé l'examen de votre dossier.";
    case "SUBMIT_SCORES":
      // Never the scores nor the outcome: the result is told only once certifier staff have validated it.
      return "Un évaluateur a terminé l'évaluation de votre dossier.";
    case "RECORD_DELIBERATION":
      return "Les deux évaluateurs ont délibéré ensemble sur votre dossier.";
    case "SIGN_MINUTES":
      return "Un évaluateur a signé le procès-verbal de l'évaluation.";
    case "VALIDATE_DECISION":
      return "L'organisme certificateur a validé la décision des évaluateurs : votre résultat vous a été notifié.";
    case "CLOSE":
      return "Votre candidature est clôturée.";
    case "WITHDRAW":
      return "Vous avez abandonné votre candidature.";
    case "VALIDITY_EXPIRED":
      return "La durée de validité de votre recevabilité est dépassée sans dépôt de dossier : votre candidature est caduque.";
    // Certificates (app/services/certificate-issuing.server.ts): the number, never the revocation's reason, which is
    // shown on the certificates page where its context is.
    case "CERTIFICATE_ISSUED":
      return p.kind === "full"
        ? `Votre certificat n° ${text(p.number)} a été délivré : il est téléchargeable dans « Mes certifications ».`
        : `Votre attestation de blocs de compétences n° ${text(p.number)} a été délivrée : elle est téléchargeable dans « Mes certifications ».`;
    case "CERTIFICATE_DUPLICATE_ISSUED":
      return `Un duplicata de votre document n° ${text(p.number)} a été délivré.`;
    case "CERTIFICATE_REVOKED":
      return `Votre document n° ${text(p.number)} a été révoqué par l'organisme certificateur.`;
    default:
      return null;
  }
}

export interface CandidateTimelineItem {
  id: string;
  occurredAt: string;
  sentence: string;
}

/**
 * The candidate's timeline, newest first, worded on the server: only the sentences leave it, never the journal's
 * payloads (an evaluator's conflict reason, the outcome recorded before staff validate it).
 */
export function candidateTimeline(entries: (JournalEntry & { id: string })[]): CandidateTimelineItem[] {
  return entries
    .map((e) => ({
      id: e.id,
      occurredAt: new Date(e.occurredAt).toISOString(),
      sentence: candidateTimelineText(e),
    }))
    .filter((e): e is CandidateTimelineItem => e.sentence !== null)
    .reverse();
}

const STAFF_LABELS: Record<string, string> = {
  CANDIDACY_CREATED: "Candidature ouverte",
  SUBMIT_REQUEST: "Demande de recevabilité déposée (engagement sur l'honneur)",
  OPEN_REVIEW: "Examen de la recevabilité commencé",
  MARK_INCOMPLETE: "Demande déclarée incomplète",
  COMPLETE_REQUEST: "Demande complétée",
  DECLARE_ADMISSIBLE: "Demande déclarée recevable",
  DECLARE_INADMISSIBLE: "Demande déclarée irrecevable",
  ADMISSIBILITY_SILENCE_ELAPSED: "Recevable par silence de deux mois",
  START_DOSSIER: "Dossier commencé",
  SUBMIT_DOSSIER: "Dossier déposé",
  SEND_BACK_DOSSIER: "Dossier renvoyé pour précisions",
  ASSIGN_PAIR: "Binôme d'évaluateurs désigné",
  DECLARE_CONFLICT: "Conflit d'intérêts déclaré par un évaluateur",
  REPLACE_EVALUATOR: "Évaluateur remplacé",
  SCHEDULE_SESSION: "Séance d'évaluation fixée",
  RECORD_ATTENDANCE: "Présence du candidat à la séance enregistrée",
  START_SCORING: "Déclaration d'absence de lien",
  SUBMIT_SCORES: "Notes transmises",
  RECORD_DELIBERATION: "Délibération enregistrée",
  SIGN_MINUTES: "Procès-verbal signé",
  VALIDATE_DECISION: "Décision validée",
  CLOSE: "Candidature clôturée",
  WITHDRAW: "Candidature abandonnée",
  VALIDITY_EXPIRED: "Recevabilité expirée (caducité)",
  CERTIFICATE_ISSUED: "Document délivré",
  CERTIFICATE_DUPLICATE_ISSUED: "Duplicata délivré",
  CERTIFICATE_REVOKED: "Document révoqué",
};

export function staffEventLabel(eventType: string): string {
  return STAFF_LABELS[eventType] ?? eventType;
}

/** The event's details worth showing to staff (reasons, dates, versions), in French. */
export function staffEventDetails(entry: JournalEntry): string[] {
  const p = entry.payload;
  const details: string[] = [];
  if (text(p.reason)) details.push(`Motif : ${text(p.reason)}`);
  if (typeof p.validityEndsOn === "string") details.push(`Validité jusqu'au ${formatDate(p.validityEndsOn)}`);
  if (typeof p.version === "number") details.push(`Version ${p.version}`);
  if (Array.isArray(p.targetBlocCodes)) details.push(`Blocs visés : ${p.targetBlocCodes.join(", ")}`);
  if (Array.isArray(p.priorBlocCodes) && p.priorBlocCodes.length > 0) {
    details.push(`Blocs acquis sur certificat : ${p.priorBlocCodes.join(", ")}`);
  }
  if (p.noLink === true) details.push("Déclare n'avoir aucun lien avec le candidat");
  if (typeof p.result === "string" && RESULT_LABELS[p.result]) details.push(`Résultat : ${RESULT_LABELS[p.result]}`);
  if (p.jointOutcome === "agreed") details.push("Les deux évaluateurs sont d'accord");
  if (p.jointOutcome === "deliberation") details.push("Écarts entre évaluateurs : délibération nécessaire");
  // Staffing the evaluation (docs/decisions/022).
  if (p.slot === "A" || p.slot === "B") details.push(`Évaluateur ${p.slot}`);
  if (typeof p.startsAt === "string") {
    details.push(`Séance le ${formatDateTime(p.startsAt)}${p.mode === "video" ? " en visioconférence" : " sur place"}`);
  }
  if (text(p.location)) details.push(`${p.mode === "video" ? "Lien" : "Lieu"} : ${text(p.location)}`);
  if (text(p.lateReason)) details.push(`Motif d'une date tardive : ${text(p.lateReason)}`);
  if (p.attendance === "attended") details.push("Candidat présent");
  if (p.attendance === "excused") details.push("Candidat excusé");
  if (p.attendance === "absent") details.push("Candidat absent");
  if (typeof p.number === "string") details.push(`N° ${p.number}`);
  if (typeof p.edition === "number" && p.edition > 1) details.push(`Édition ${p.edition} (duplicata)`);
  return details;
}
