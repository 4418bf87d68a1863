// The e-mails staff receive: evaluators (assignment, deadlines), admissibility officers and certifier staff
// (reminders and escalations). They name a candidacy by its reference, never by more personal data than needed.
import { type TemplateOutput, dayCount, frenchDate, inDays } from "./layout";
import type {
  AdmissibilityDeadlineReminderData,
  EvaluationDeadlineReminderData,
  EvaluationOverdueData,
  EvaluatorsAssignedData,
  ResultNotificationReminderData,
} from "./types";

export function evaluatorsAssigned(data: EvaluatorsAssignedData): TemplateOutput {
  return {
    subject: `Nouvelle évaluation VAE : candidature ${data.candidacyReference}`,
    blocks: [
      {
        type: "paragraph",
        text: `Vous faites partie du binôme d'évaluateurs désigné pour évaluer le dossier de la candidature ${data.candidacyReference} au CQP « ${data.certificationTitle} ».`,
      },
      {
        type: "facts",
        items: [
          ["Candidature", data.candidacyReference],
          ["Certification", data.certificationTitle],
          ["Votre rôle", data.isPresident ? "Président du binôme (voix prépondérante)" : "Évaluateur"],
          ["Évaluation au plus tard le", frenchDate(data.evaluationDeadline)],
        ],
      },
      {
        type: "paragraph",
        text: "Avant d'ouvrir le dossier, vous devrez déclarer dans votre espace que vous n'avez aucun conflit d'intérêts : aucun lien professionnel ou personnel, présent ou passé, avec le candidat, et que vous n'avez pas été son accompagnateur VAE. Si un tel lien existe, signalez-le sans ouvrir le dossier.",
      },
      {
        type: "paragraph",
        text: "Chaque évaluateur note les compétences indépendamment : les notes de l'autre évaluateur ne vous seront visibles qu'une fois les deux évaluations transmises.",
      },
      { type: "action", label: "Accéder à mes évaluations", path: "/evaluation" },
    ],
  };
}

export function admissibilityDeadlineReminder(data: AdmissibilityDeadlineReminderData): TemplateOutput {
  return {
    subject: `Recevabilité : décision attendue avant le ${frenchDate(data.deadline)} (${data.candidacyReference})`,
    blocks: [
      {
        type: "paragraph",
        text: `La demande de recevabilité de ${data.candidateName} pour le CQP « ${data.certificationTitle} » attend une décision.`,
      },
      {
        type: "facts",
        items: [
          ["Candidature", data.candidacyReference],
          ["Candidat", data.candidateName],
          ["Échéance", frenchDate(data.deadline)],
          ["Temps restant", data.daysLeft <= 0 ? "moins d'un jour" : dayCount(data.daysLeft)],
        ],
      },
      {
        type: "paragraph",
        text: `Sans décision d'ici le ${frenchDate(data.deadline)} (${inDays(data.daysLeft)}), la demande sera réputée recevable : au terme de deux mois, le silence vaut acceptation.`,
      },
      { type: "action", label: "Examiner les demandes", path: "/recevabilite" },
    ],
  };
}

export function evaluationDeadlineReminder(data: EvaluationDeadlineReminderData): TemplateOutput {
  const evaluator = data.audience === "evaluator";
  return {
    subject: `Évaluation de la candidature ${data.candidacyReference} : échéance le ${frenchDate(data.deadline)}`,
    blocks: [
      {
        type: "paragraph",
        text: `L'évaluation du dossier de la candidature ${data.candidacyReference} (CQP « ${data.certificationTitle} ») doit avoir lieu au plus tard le ${frenchDate(data.deadline)}, soit ${inDays(data.daysLeft)}.`,
      },
      {
        type: "paragraph",
        text: evaluator
          ? "Si ce n'est pas déjà fait, saisissez et transmettez vos notes dans votre espace évaluateur."
          : "Vérifiez l'avancement de l'évaluation auprès du binôme d'évaluateurs.",
      },
      evaluator
        ? { type: "action", label: "Accéder à mes évaluations", path: "/evaluation" }
        : { type: "action", label: "Accéder à l'espace certificateur", path: "/certificateur" },
    ],
  };
}

export function evaluationOverdue(data: EvaluationOverdueData): TemplateOutput {
  return {
    subject: `Évaluation en retard : candidature ${data.candidacyReference}`,
    blocks: [
      {
        type: "paragraph",
        text: `L'évaluation du dossier de la candidature ${data.candidacyReference} (CQP « ${data.certificationTitle} ») devait avoir lieu au plus tard le ${frenchDate(data.deadline)} : l'échéance est dépassée de ${dayCount(Math.max(1, data.daysOverdue))}.`,
      },
      ...(data.pendingEvaluators && data.pendingEvaluators.length > 0
        ? [
            { type: "paragraph" as const, text: "Évaluateurs n'ayant pas encore transmis leurs notes :" },
            { type: "list" as const, items: data.pendingEvaluators },
          ]
        : []),
      {
        type: "paragraph",
        text: "Prenez contact avec le binôme d'évaluateurs pour que l'évaluation ait lieu au plus vite, et informez le candidat du nouveau délai.",
      },
      { type: "action", label: "Accéder à l'espace certificateur", path: "/certificateur" },
    ],
  };
}

export function resultNotificationReminder(data: ResultNotificationReminderData): TemplateOutput {
  return {
    subject: `Résultat à notifier avant le ${frenchDate(data.notifyBy)} : candidature ${data.candidacyReference}`,
    blocks: [
      {
        type: "paragraph",
        text: `La décision sur la candidature ${data.candidacyReference} (CQP « ${data.certificationTitle} ») a été prise le ${frenchDate(data.decidedAt)}. Le résultat doit être notifié au candidat dans les 15 jours.`,
      },
      {
        type: "facts",
        items: [
          ["Décision prise le", frenchDate(data.decidedAt)],
          ["À notifier au plus tard le", frenchDate(data.notifyBy)],
          ["Temps restant", data.daysLeft <= 0 ? "moins d'un jour" : dayCount(data.daysLeft)],
        ],
      },
      {
        type: "paragraph",
        text: `Validez la décision et notifiez le résultat ${data.daysLeft <= 0 ? "aujourd'hui" : `d'ici le ${frenchDate(data.notifyBy)}`}.`,
      },
      { type: "action", label: "Accéder à l'espace certificateur", path: "/certificateur" },
    ],
  };
}
