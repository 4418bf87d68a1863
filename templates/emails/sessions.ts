// The e-mails of the evaluation session and of the pair's staffing: the convocation (and its new version when the
// session moves) to the candidate and both evaluators, with the calendar invitation attached by the delivery; the
// alert to certifier staff when an evaluator declares a conflict of interest; the notice to an evaluator replaced.
import { type Block, type TemplateOutput, frenchDate } from "./layout";
import type {
  EvaluatorConflictDeclaredData,
  EvaluatorReplacedData,
  SessionConvocationData,
  SessionMovedData,
} from "./types";
import { formatDateTime } from "../../app/utils/format";

function sessionFacts(data: SessionConvocationData): Block {
  return {
    type: "facts",
    items: [
      ["Date et heure", formatDateTime(data.startsAt)],
      ["Durée indicative", `${data.durationMinutes} minutes`],
      data.mode === "video" ? ["Lien de la visioconférence", data.location] : ["Lieu", data.location],
      ...(data.audience === "evaluator"
        ? ([
            ["Candidature", data.candidacyReference],
            ["Votre rôle", data.isPresident ? "Président du jury (voix prépondérante)" : "Évaluateur"],
          ] as const)
        : []),
    ],
  };
}

function sessionBody(data: SessionConvocationData): Block[] {
  const blocks: Block[] = [sessionFacts(data)];
  if (data.audience === "candidate") {
    blocks.push(
      {
        type: "paragraph",
        text:
          data.mode === "video"
            ? "L'entretien a lieu en visioconférence : connectez-vous quelques minutes avant l'heure avec une caméra et un micro en état de marche."
            : "Présentez-vous quelques minutes avant l'heure, muni d'une pièce d'identité.",
      },
      {
        type: "paragraph",
        text: "Si vous ne pouvez pas être présent, prévenez le certificateur au plus tôt, justificatif à l'appui : une nouvelle date pourra être fixée.",
      },
      { type: "action", label: "Accéder à mon espace candidat", path: "/candidat" },
    );
  } else {
    blocks.push(
      {
        type: "paragraph",
        text: "Le jury se prononce après avoir rencontré le candidat : vos notes ne pourront être transmises qu'une fois l'entretien tenu.",
      },
      { type: "action", label: "Accéder à mes évaluations", path: "/evaluation" },
    );
  }
  blocks.push({
    type: "paragraph",
    text: "Une invitation de calendrier (fichier .ics) est jointe à ce message : ouvrez-la pour ajouter l'entretien à votre agenda.",
  });
  return blocks;
}

export function sessionConvocation(data: SessionConvocationData): TemplateOutput {
  const candidate = data.audience === "candidate";
  return {
    subject: candidate
      ? `Convocation à l'entretien avec le jury le ${formatDateTime(data.startsAt)}`
      : `Convocation au jury le ${formatDateTime(data.startsAt)} : candidature ${data.candidacyReference}`,
    blocks: [
      {
        type: "paragraph",
        text: candidate
          ? `Vous êtes convoqué à l'entretien avec le jury d'évaluation de votre VAE pour le CQP « ${data.certificationTitle} ».`
          : `Vous êtes convoqué au jury d'évaluation de la candidature ${data.candidacyReference} au CQP « ${data.certificationTitle} ».`,
      },
      ...sessionBody(data),
    ],
  };
}

export function sessionMoved(data: SessionMovedData): TemplateOutput {
  const candidate = data.audience === "candidate";
  return {
    subject: candidate
      ? `Nouvelle date de votre entretien avec le jury : ${formatDateTime(data.startsAt)}`
      : `Jury déplacé au ${formatDateTime(data.startsAt)} : candidature ${data.candidacyReference}`,
    blocks: [
      {
        type: "paragraph",
        text: candidate
          ? `L'entretien avec le jury d'évaluation de votre VAE pour le CQP « ${data.certificationTitle} » change de date : cette convocation remplace la précédente.`
          : `Le jury d'évaluation de la candidature ${data.candidacyReference} au CQP « ${data.certificationTitle} » change de date : cette convocation remplace la précédente.`,
      },
      ...(data.previousStartsAt
        ? [
            {
              type: "paragraph" as const,
              text: `Date précédente (annulée) : ${formatDateTime(data.previousStartsAt)}.`,
            },
          ]
        : []),
      ...sessionBody(data),
    ],
  };
}

export function evaluatorConflictDeclared(data: EvaluatorConflictDeclaredData): TemplateOutput {
  return {
    subject: `Évaluateur à remplacer : candidature ${data.candidacyReference}`,
    blocks: [
      {
        type: "paragraph",
        text: `Un évaluateur du binôme de la candidature ${data.candidacyReference} (CQP « ${data.certificationTitle} ») a déclaré un lien avec le candidat : il s'est retiré du dossier, qui attend un nouvel évaluateur.`,
      },
      {
        type: "facts",
        items: [
          ["Candidature", data.candidacyReference],
          ["Poste vacant", `Évaluateur ${data.slot}`],
          ["Évaluation au plus tard le", frenchDate(data.evaluationDeadline)],
        ],
      },
      {
        type: "paragraph",
        text: "Le motif déclaré figure sur la page de la candidature. Désignez un remplaçant parmi les évaluateurs qualifiés, puis vérifiez la date de l'entretien.",
      },
      { type: "action", label: "Désigner un remplaçant", path: `/certificateur/candidatures/${data.candidacyId}` },
    ],
  };
}

export function evaluatorReplaced(data: EvaluatorReplacedData): TemplateOutput {
  return {
    subject: `Vous n'évaluez plus la candidature ${data.candidacyReference}`,
    blocks: [
      {
        type: "paragraph",
        text: data.conflictDeclared
          ? `Vous avez déclaré un lien avec le candidat de la candidature ${data.candidacyReference} (CQP « ${data.certificationTitle} ») : vous ne l'évaluez pas, et le certificateur désigne un autre évaluateur. Ce dossier n'apparaît plus dans votre espace.`
          : `Le certificateur a désigné un autre évaluateur à votre place pour la candidature ${data.candidacyReference} (CQP « ${data.certificationTitle} »). Ce dossier n'apparaît plus dans votre espace.`,
      },
      {
        type: "paragraph",
        text: data.sessionCancelled
          ? "L'entretien avec le candidat prévu dans votre agenda est annulé pour vous : l'annulation jointe (fichier .ics) le retire de votre agenda. Merci de ne pas conserver de copie du dossier."
          : "Merci de ne pas conserver de copie du dossier.",
      },
      { type: "action", label: "Accéder à mes évaluations", path: "/evaluation" },
    ],
  };
}
