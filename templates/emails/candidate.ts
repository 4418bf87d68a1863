// The e-mails a candidate receives along their candidacy: wording and layout only, never a rule.
import { type Block, type TemplateOutput, dayCount, frenchDate, inDays } from "./layout";
import type {
  AdmissibleBySilenceData,
  AdmissibleData,
  CertificateIssuedData,
  DossierReceivedData,
  DossierSentBackData,
  InadmissibleData,
  RequestIncompleteData,
  RequestReceivedData,
  ResultData,
  ValidityExpiryReminderData,
} from "./types";

const SPACE = { type: "action", label: "Accéder à mon espace candidat", path: "/candidat" } as const satisfies Block;

function validityParagraph(validityEndsOn: AdmissibleData["validityEndsOn"]): Block[] {
  return validityEndsOn
    ? [
        {
          type: "paragraph",
          text: `Cette recevabilité est valable jusqu'au ${frenchDate(validityEndsOn)} : déposez votre dossier avant cette date.`,
        },
      ]
    : [];
}

export function requestReceived(data: RequestReceivedData): TemplateOutput {
  return {
    subject: "Votre demande de recevabilité a bien été reçue",
    blocks: [
      {
        type: "paragraph",
        text: `Nous avons bien reçu votre demande de validation des acquis de l'expérience (VAE) pour le CQP « ${data.certificationTitle} ».`,
      },
      {
        type: "facts",
        items: [
          ["Certification", data.certificationTitle],
          ["Demande déposée le", frenchDate(data.requestedAt)],
        ],
      },
      {
        type: "paragraph",
        text: "Elle va être examinée par l'organisme chargé de la recevabilité, qui vous répondra dans un délai de deux mois. Vous pouvez suivre son avancement dans votre espace candidat.",
      },
      SPACE,
    ],
  };
}

export function requestIncomplete(data: RequestIncompleteData): TemplateOutput {
  return {
    subject: "Votre demande de recevabilité est incomplète",
    blocks: [
      {
        type: "paragraph",
        text: `Votre demande de VAE pour le CQP « ${data.certificationTitle} » a été examinée : elle est incomplète et ne peut pas encore faire l'objet d'une décision.`,
      },
      { type: "quote", label: "Motif", text: data.reason },
      {
        type: "paragraph",
        text: "Complétez votre demande dans votre espace candidat en apportant les éléments indiqués, puis transmettez-la à nouveau. Le délai de réponse de deux mois court à partir du moment où votre demande est complète.",
      },
      { type: "action", label: "Compléter ma demande", path: "/candidat" },
    ],
  };
}

export function admissible(data: AdmissibleData): TemplateOutput {
  return {
    subject: "Votre demande de VAE est recevable",
    blocks: [
      {
        type: "paragraph",
        text: `Bonne nouvelle : votre demande de VAE pour le CQP « ${data.certificationTitle} » est recevable.`,
      },
      {
        type: "paragraph",
        text: "Prochaine étape : rédiger votre dossier déclaratif. Pour chaque compétence du référentiel, décrivez votre expérience et joignez les pièces justificatives qui l'illustrent.",
      },
      ...validityParagraph(data.validityEndsOn),
      { type: "action", label: "Rédiger mon dossier", path: "/candidat" },
    ],
  };
}

export function inadmissible(data: InadmissibleData): TemplateOutput {
  return {
    subject: "Décision sur votre demande de recevabilité",
    blocks: [
      {
        type: "paragraph",
        text: `Votre demande de VAE pour le CQP « ${data.certificationTitle} » a été examinée : elle n'est pas recevable.`,
      },
      { type: "quote", label: "Motif de la décision", text: data.reason },
      {
        type: "paragraph",
        text: "Vous pouvez demander des explications sur cette décision à l'organisme qui a examiné votre demande et, si vous l'estimez utile, exercer les voies de recours prévues par la réglementation.",
      },
      { type: "action", label: "Consulter ma demande", path: "/candidat" },
    ],
  };
}

export function admissibleBySilence(data: AdmissibleBySilenceData): TemplateOutput {
  return {
    subject: "Votre demande de VAE est réputée recevable",
    blocks: [
      {
        type: "paragraph",
        text: `Votre demande de VAE pour le CQP « ${data.certificationTitle} », complète depuis le ${frenchDate(data.completedAt)}, n'a pas reçu de réponse dans le délai de deux mois.`,
      },
      {
        type: "paragraph",
        text: `Le silence vaut acceptation : votre demande est réputée recevable depuis le ${frenchDate(data.deemedAdmissibleOn)}.`,
      },
      {
        type: "paragraph",
        text: "Prochaine étape : rédiger votre dossier déclaratif, compétence par compétence, avec vos pièces justificatives.",
      },
      ...validityParagraph(data.validityEndsOn),
      { type: "action", label: "Rédiger mon dossier", path: "/candidat" },
    ],
  };
}

export function dossierReceived(data: DossierReceivedData): TemplateOutput {
  return {
    subject: `Votre dossier de VAE (version ${data.version}) a bien été reçu`,
    blocks: [
      {
        type: "paragraph",
        text: `Nous avons bien reçu votre dossier déclaratif pour le CQP « ${data.certificationTitle} ». Cette version est désormais figée : c'est elle que liront les évaluateurs.`,
      },
      {
        type: "facts",
        items: [
          ["Version", String(data.version)],
          ["Déposée le", frenchDate(data.submittedAt)],
          ["Évaluation au plus tard le", frenchDate(data.evaluationDeadline)],
        ],
      },
      {
        type: "paragraph",
        text: "Votre dossier sera évalué par deux évaluateurs professionnels avant la fin du troisième mois suivant son dépôt. Le résultat vous sera communiqué par courriel.",
      },
      SPACE,
    ],
  };
}

export function dossierSentBack(data: DossierSentBackData): TemplateOutput {
  const next = data.version + 1;
  return {
    subject: "Votre dossier de VAE vous est renvoyé pour précisions",
    blocks: [
      {
        type: "paragraph",
        text: `Les évaluateurs de votre dossier pour le CQP « ${data.certificationTitle} » vous le renvoient afin que vous le précisiez avant qu'ils ne l'évaluent.`,
      },
      { type: "quote", label: "Précisions demandées", text: data.reason },
      {
        type: "paragraph",
        text: `Modifiez votre dossier dans votre espace candidat, puis déposez-le à nouveau : il deviendra la version ${next}. La version ${data.version} reste conservée telle que vous l'aviez déposée.`,
      },
      { type: "action", label: "Modifier mon dossier", path: "/candidat" },
    ],
  };
}

export function result(data: ResultData): TemplateOutput {
  const blocks: Block[] = [
    {
      type: "paragraph",
      text: `Le résultat de l'évaluation de votre dossier de VAE pour le CQP « ${data.certificationTitle} » a été validé par l'organisme certificateur. Le voici, bloc de compétences par bloc de compétences.`,
    },
  ];
  for (const bloc of data.blocs) {
    blocks.push({ type: "heading", text: `${bloc.code} — ${bloc.title}` });
    if (bloc.awarded) {
      blocks.push({ type: "paragraph", text: `Bloc obtenu (moyenne des compétences : ${bloc.meanDisplay}).` });
      continue;
    }
    blocks.push({ type: "paragraph", text: `Bloc non obtenu (moyenne des compétences : ${bloc.meanDisplay}).` });
    const under = bloc.competenciesUnderFloor;
    if (!bloc.meanReached) {
      blocks.push({
        type: "paragraph",
        text:
          under.length === 0
            ? `La moyenne des compétences du bloc n'atteint pas les ${data.blocMeanThreshold} requis.`
            : `La moyenne des compétences du bloc n'atteint pas les ${data.blocMeanThreshold} requis, et ${under.length > 1 ? "ces compétences sont" : "cette compétence est"} sous le minimum de ${data.competencyFloor} :`,
      });
    } else {
      blocks.push({
        type: "paragraph",
        text: `La moyenne atteint les ${data.blocMeanThreshold} requis, mais ${under.length > 1 ? "ces compétences sont" : "cette compétence est"} sous le minimum de ${data.competencyFloor} exigé pour chaque compétence :`,
      });
    }
    if (under.length > 0) blocks.push({ type: "list", items: under });
    if (bloc.recommendation) {
      blocks.push({ type: "quote", label: "Recommandations des évaluateurs", text: bloc.recommendation });
    }
  }
  const anyAwarded = data.blocs.some((b) => b.awarded);
  blocks.push({ type: "heading", text: "En résumé" });
  if (data.certificationAwarded) {
    blocks.push({
      type: "paragraph",
      text: `Vous détenez désormais tous les blocs de compétences : le CQP « ${data.certificationTitle} » vous est attribué. Vous recevrez un courriel dès que votre certificat sera disponible dans votre espace.`,
    });
  } else if (anyAwarded) {
    blocks.push({
      type: "paragraph",
      text: "Vous obtenez une validation partielle : les blocs obtenus vous restent acquis. Une nouvelle candidature peut porter uniquement sur les blocs manquants ; vous pouvez la commencer depuis la page de votre résultat.",
    });
  } else {
    blocks.push({
      type: "paragraph",
      text: "Aucun bloc de compétences n'est obtenu à l'issue de cette évaluation. Vous pouvez demander des explications sur ce résultat à l'organisme certificateur, et présenter une nouvelle candidature depuis la page de votre résultat.",
    });
  }
  blocks.push({ type: "action", label: "Consulter mon résultat", path: data.resultPath });
  return { subject: "Résultat de l'évaluation de votre dossier de VAE", blocks };
}

export function certificateIssued(data: CertificateIssuedData): TemplateOutput {
  const full = data.kind === "full";
  return {
    subject: full
      ? "Votre certificat de CQP est disponible"
      : "Votre attestation de blocs de compétences est disponible",
    blocks: [
      {
        type: "paragraph",
        text: full
          ? `Votre certificat pour le CQP « ${data.certificationTitle} » a été délivré par l'organisme certificateur.`
          : `L'attestation des blocs de compétences que vous avez obtenus pour le CQP « ${data.certificationTitle} » a été délivrée par l'organisme certificateur.`,
      },
      {
        type: "paragraph",
        text: `Vous pouvez ${full ? "le" : "la"} télécharger dans votre espace candidat et ${full ? "le" : "la"} conserver.`,
      },
      { type: "action", label: full ? "Télécharger mon certificat" : "Télécharger mon attestation", path: data.link },
    ],
  };
}

export function validityExpiryReminder(data: ValidityExpiryReminderData): TemplateOutput {
  return {
    subject: `Votre recevabilité prend fin le ${frenchDate(data.validityEndsOn)}`,
    blocks: [
      {
        type: "paragraph",
        text: `La recevabilité de votre demande de VAE pour le CQP « ${data.certificationTitle} » est valable jusqu'au ${frenchDate(data.validityEndsOn)}, soit ${inDays(data.daysLeft)}.`,
      },
      {
        type: "facts",
        items: [
          ["Fin de validité", frenchDate(data.validityEndsOn)],
          ["Temps restant", data.daysLeft <= 0 ? "moins d'un jour" : dayCount(data.daysLeft)],
        ],
      },
      {
        type: "paragraph",
        text: "Si votre dossier déclaratif n'est pas déposé avant cette date, votre candidature deviendra caduque.",
      },
      { type: "action", label: "Terminer mon dossier", path: "/candidat" },
    ],
  };
}
