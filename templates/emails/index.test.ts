// Every notification e-mail renders in French with its key data, escapes what it interpolates into HTML and links
// absolutely under the portal's public URL.
import { describe, expect, it } from "vitest";
import { EMAIL_KINDS, type EmailData, type EmailKind, renderEmail } from "./index";

const publicUrl = "https://vae.example.fr/portail";

const FIXTURES: { [K in EmailKind]: EmailData[K] } = {
  request_received: {
    recipientName: "Élodie Marchand",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    requestedAt: "2026-03-12T09:30:00Z",
  },
  request_incomplete: {
    recipientName: "Élodie Marchand",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    reason: "Il manque l'attestation de l'employeur.",
  },
  admissible: {
    recipientName: "Élodie Marchand",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    validityEndsOn: "2027-03-31",
  },
  inadmissible: {
    recipientName: "Élodie Marchand",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    reason: "Les activités décrites ne correspondent pas au CQP.",
  },
  admissible_by_silence: {
    recipientName: "Élodie Marchand",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    completedAt: "2026-01-15T10:00:00Z",
    deemedAdmissibleOn: "2026-03-15T10:00:00Z",
  },
  dossier_received: {
    recipientName: "Élodie Marchand",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    version: 2,
    submittedAt: "2026-05-04T08:00:00Z",
    evaluationDeadline: "2026-08-31",
  },
  dossier_sent_back: {
    recipientName: "Élodie Marchand",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    version: 1,
    reason: "Précisez votre rôle dans la négociation des tarifs (C2.3).",
  },
  evaluators_assigned: {
    recipientName: "Jean Évaluateur",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    candidacyReference: "VAE-2026-0042",
    evaluationDeadline: "2026-08-31",
    isPresident: true,
  },
  result: {
    recipientName: "Élodie Marchand",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    certificationAwarded: false,
    blocMeanThreshold: "70 %",
    competencyFloor: "50 %",
    resultPath: "/candidat/candidatures/abc/resultat",
    blocs: [
      {
        code: "B1",
        title: "Gérer la relation client",
        awarded: true,
        meanDisplay: "78,5 %",
        meanReached: true,
        competenciesUnderFloor: [],
      },
      {
        code: "B2",
        title: "Développer les ventes",
        awarded: false,
        meanDisplay: "74 %",
        meanReached: true,
        competenciesUnderFloor: ["C2.3 Négocier les conditions de vente (45,0 %)"],
        recommendation: "Décrivez une négociation que vous avez menée de bout en bout.",
      },
      {
        code: "B3",
        title: "Gérer les commandes",
        awarded: false,
        meanDisplay: "62,0 %",
        meanReached: false,
        competenciesUnderFloor: [],
      },
    ],
  },
  certificate_issued: {
    recipientName: "Élodie Marchand",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    kind: "blocs",
    link: "/candidat/certificats/abc",
  },
  admissibility_deadline_reminder: {
    recipientName: "Chargé Recevabilité",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    candidacyReference: "VAE-2026-0042",
    candidateName: "Élodie Marchand",
    deadline: "2026-03-15T10:00:00Z",
    daysLeft: 7,
  },
  validity_expiry_reminder: {
    recipientName: "Élodie Marchand",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    validityEndsOn: "2027-03-31",
    daysLeft: 30,
  },
  evaluation_deadline_reminder: {
    recipientName: "Jean Évaluateur",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    candidacyReference: "VAE-2026-0042",
    audience: "evaluator",
    deadline: "2026-08-31",
    daysLeft: 1,
  },
  evaluation_overdue: {
    recipientName: "Claire Certificatrice",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    candidacyReference: "VAE-2026-0042",
    deadline: "2026-08-31",
    daysOverdue: 3,
    pendingEvaluators: ["Jean Évaluateur"],
  },
  result_notification_reminder: {
    recipientName: "Claire Certificatrice",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    candidacyReference: "VAE-2026-0042",
    decidedAt: "2026-09-01T14:00:00Z",
    notifyBy: "2026-09-16T14:00:00Z",
    daysLeft: 4,
  },
  sign_up_welcome: { recipientName: "Élodie Marchand" },
  sign_up_existing_account: { recipientName: "Élodie Marchand", attemptedAt: "2026-11-30T09:15:00Z" },
  session_convocation: {
    recipientName: "Élodie Marchand",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    candidacyReference: "VAE-2026-0042",
    audience: "candidate",
    startsAt: "2026-06-10T08:00:00Z",
    durationMinutes: 90,
    mode: "in_person",
    location: "Maison de l'alimentation, 12 rue des Halles, Lyon",
  },
  session_moved: {
    recipientName: "Jean Évaluateur",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    candidacyReference: "VAE-2026-0042",
    audience: "evaluator",
    startsAt: "2026-06-17T12:30:00Z",
    durationMinutes: 90,
    mode: "video",
    location: "https://visio.exemple.fr/jury-42",
    isPresident: true,
    previousStartsAt: "2026-06-10T08:00:00Z",
  },
  evaluator_conflict_declared: {
    recipientName: "Claire Certificatrice",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    candidacyReference: "VAE-2026-0042",
    candidacyId: "0b7d7d0e-4a8e-4a55-9d43-2f3c9e0f1a42",
    slot: "B",
    evaluationDeadline: "2026-08-31",
  },
  evaluator_replaced: {
    recipientName: "Jean Évaluateur",
    certificationTitle: "Commercial sédentaire du secteur alimentaire",
    candidacyReference: "VAE-2026-0042",
  },
};

/** Per kind: what the subject says, and data that must appear in the text. */
const EXPECTED: { [K in EmailKind]: { subject: RegExp; text: string[]; path: string } } = {
  request_received: { subject: /demande de recevabilité a bien été reçue/, text: ["12 mars 2026"], path: "/candidat" },
  request_incomplete: {
    subject: /incomplète/,
    text: ["Il manque l'attestation de l'employeur.", "Complétez"],
    path: "/candidat",
  },
  admissible: { subject: /est recevable/, text: ["31 mars 2027", "dossier déclaratif"], path: "/candidat" },
  inadmissible: {
    subject: /Décision sur votre demande de recevabilité/,
    text: ["Les activités décrites ne correspondent pas au CQP.", "demander des explications", "voies de recours"],
    path: "/candidat",
  },
  admissible_by_silence: {
    subject: /réputée recevable/,
    text: ["Le silence vaut acceptation", "15 janvier 2026", "15 mars 2026"],
    path: "/candidat",
  },
  dossier_received: {
    subject: /version 2\) a bien été reçu/,
    text: ["Version : 2", "4 mai 2026", "31 août 2026", "troisième mois"],
    path: "/candidat",
  },
  dossier_sent_back: {
    subject: /renvoyé pour précisions/,
    text: ["Précisez votre rôle dans la négociation des tarifs (C2.3).", "version 2", "La version 1 reste"],
    path: "/candidat",
  },
  evaluators_assigned: {
    subject: /Nouvelle évaluation VAE : candidature VAE-2026-0042/,
    text: ["31 août 2026", "conflit d'intérêts", "Président du binôme"],
    path: "/evaluation",
  },
  result: {
    subject: /Résultat de l'évaluation/,
    text: [
      "B1 — Gérer la relation client",
      "Bloc obtenu (moyenne des compétences : 78,5 %)",
      "Bloc non obtenu (moyenne des compétences : 74 %)",
      "cette compétence est sous le minimum de 50 %",
      "- C2.3 Négocier les conditions de vente (45,0 %)",
      "Décrivez une négociation que vous avez menée de bout en bout.",
      "La moyenne des compétences du bloc n'atteint pas les 70 % requis.",
      "validation partielle",
    ],
    path: "/candidat/candidatures/abc/resultat",
  },
  certificate_issued: {
    subject: /attestation de blocs de compétences est disponible/,
    text: ["télécharger"],
    path: "/candidat/certificats/abc",
  },
  admissibility_deadline_reminder: {
    subject: /décision attendue avant le 15 mars 2026 \(VAE-2026-0042\)/,
    text: ["Élodie Marchand", "dans 7 jours", "le silence vaut acceptation"],
    path: "/recevabilite",
  },
  validity_expiry_reminder: {
    subject: /prend fin le 31 mars 2027/,
    text: ["dans 30 jours", "caduque"],
    path: "/candidat",
  },
  evaluation_deadline_reminder: {
    subject: /échéance le 31 août 2026/,
    text: ["demain", "transmettez vos notes"],
    path: "/evaluation",
  },
  evaluation_overdue: {
    subject: /Évaluation en retard : candidature VAE-2026-0042/,
    text: ["dépassée de 3 jours", "- Jean Évaluateur"],
    path: "/certificateur",
  },
  result_notification_reminder: {
    subject: /Résultat à notifier avant le 16 septembre 2026/,
    text: ["1er septembre 2026", "dans les 15 jours", "Temps restant : 4 jours"],
    path: "/certificateur",
  },
  sign_up_welcome: {
    subject: /compte candidat est créé/,
    text: ["mot de passe que vous avez choisi", "pas à l'origine"],
    path: "/connexion",
  },
  sign_up_existing_account: {
    subject: /Tentative d'inscription avec votre adresse e-mail/,
    text: [
      "30 novembre 2026",
      "aucun nouveau compte n'a été créé",
      "Si c'était vous",
      "oublié votre mot de passe",
      "Si ce n'était pas vous",
    ],
    path: "/connexion",
  },
  session_convocation: {
    subject: /Convocation à l'entretien avec le jury le 10 juin 2026 à 10:00/,
    text: ["Lieu : Maison de l'alimentation, 12 rue des Halles, Lyon", "pièce d'identité", ".ics"],
    path: "/candidat",
  },
  session_moved: {
    subject: /Jury déplacé au 17 juin 2026 à 14:30 : candidature VAE-2026-0042/,
    text: [
      "remplace la précédente",
      "10 juin 2026 à 10:00",
      "Lien de la visioconférence : https://visio.exemple.fr/jury-42",
      "Président du jury",
    ],
    path: "/evaluation",
  },
  evaluator_conflict_declared: {
    subject: /Évaluateur à remplacer : candidature VAE-2026-0042/,
    text: ["Poste vacant : Évaluateur B", "31 août 2026"],
    path: "/certificateur/candidatures/0b7d7d0e-4a8e-4a55-9d43-2f3c9e0f1a42",
  },
  evaluator_replaced: {
    subject: /Vous n'évaluez plus la candidature VAE-2026-0042/,
    text: ["autre évaluateur"],
    path: "/evaluation",
  },
};

function render<K extends EmailKind>(kind: K, data: EmailData[K] = FIXTURES[kind]) {
  return renderEmail(kind, data, { publicUrl });
}

describe("renderEmail", () => {
  it("has a fixture for every kind", () => {
    expect(Object.keys(FIXTURES).sort()).toEqual([...EMAIL_KINDS].sort());
  });

  describe.each(EMAIL_KINDS)("%s", (kind) => {
    const email = render(kind);

    it("has a French subject with its key data", () => {
      expect(email.subject.trim().length).toBeGreaterThan(10);
      expect(email.subject).toMatch(EXPECTED[kind].subject);
      expect(email.subject).not.toMatch(/\n/);
    });

    it("greets its recipient and carries its key data in text and HTML", () => {
      const greeting = `Bonjour ${FIXTURES[kind].recipientName},`;
      expect(email.text.startsWith(greeting)).toBe(true);
      expect(email.html).toContain(greeting);
      for (const fragment of EXPECTED[kind].text) {
        expect(email.text).toContain(fragment);
        if (!fragment.startsWith("- ") && !fragment.includes(" : ")) {
          expect(email.html).toContain(fragment.replace(/&/g, "&amp;").replace(/'/g, "&#39;"));
        }
      }
      expect(email.html).toMatch(/^<!DOCTYPE html>\n<html lang="fr">/);
    });

    it("links absolutely under the public URL and ends with the footer", () => {
      const link = `${publicUrl}${EXPECTED[kind].path}`;
      expect(email.text).toContain(link);
      expect(email.html).toContain(`href="${link}"`);
      const hrefs = [...email.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
      expect(hrefs.length).toBeGreaterThan(0);
      for (const href of hrefs) expect(href.startsWith(publicUrl)).toBe(true);
      expect(email.text.trimEnd().endsWith(publicUrl)).toBe(true);
      expect(email.text).toContain("Ce message automatique vous est envoyé par le portail VAE");
      expect(email.html).toContain("Ce message automatique vous est envoyé par le portail VAE");
    });
  });

  it("escapes every interpolated value in the HTML", () => {
    const evil = `<script>alert("x")</script>`;
    const samples = [
      render("request_incomplete", { ...FIXTURES.request_incomplete, recipientName: evil, reason: evil }),
      render("inadmissible", { ...FIXTURES.inadmissible, reason: `${evil} & <img src=x onerror=alert(1)>` }),
      render("admissibility_deadline_reminder", { ...FIXTURES.admissibility_deadline_reminder, candidateName: evil }),
      render("result", {
        ...FIXTURES.result,
        blocs: [
          {
            code: "B1",
            title: evil,
            awarded: false,
            meanDisplay: evil,
            meanReached: true,
            competenciesUnderFloor: [evil],
            recommendation: evil,
          },
        ],
      }),
      render("evaluators_assigned", { ...FIXTURES.evaluators_assigned, candidacyReference: `"><script>x</script>` }),
    ];
    for (const email of samples) {
      expect(email.html).not.toMatch(/<script|<img/i);
      expect(email.html).toContain("&lt;script&gt;");
      // Plain text is not HTML: it keeps the value as it was.
      expect(email.text).toContain("<script>");
    }
    expect(samples[1]!.html).toContain("&amp; &lt;img src=x onerror=alert(1)&gt;");
  });

  it("keeps the subject on one line whatever the data holds", () => {
    const email = render("evaluators_assigned", {
      ...FIXTURES.evaluators_assigned,
      candidacyReference: "VAE-1\r\nBcc: someone@example.org",
    });
    expect(email.subject).toBe("Nouvelle évaluation VAE : candidature VAE-1 Bcc: someone@example.org");
  });

  it("keeps the reason's line breaks in both versions", () => {
    const email = render("request_incomplete", { ...FIXTURES.request_incomplete, reason: "Ligne un\nLigne deux" });
    expect(email.text).toContain("Motif :\n  Ligne un\n  Ligne deux");
    expect(email.html).toContain('white-space: pre-line;">Ligne un\nLigne deux</blockquote>');
  });

  it("does not put the candidate's name in the evaluators' e-mail", () => {
    const email = render("evaluators_assigned");
    expect(email.text).not.toContain("Élodie");
    expect(email.html).not.toContain("Élodie");
  });

  it("tells apart a full award, a partial one and none", () => {
    const full = render("result", {
      ...FIXTURES.result,
      certificationAwarded: true,
      blocs: FIXTURES.result.blocs.map((b) => ({ ...b, awarded: true, competenciesUnderFloor: [] })),
    });
    expect(full.text).toContain("le CQP « Commercial sédentaire du secteur alimentaire » vous est attribué");
    expect(full.text).not.toContain("sous le minimum");
    const none = render("result", {
      ...FIXTURES.result,
      blocs: FIXTURES.result.blocs.map((b) => ({ ...b, awarded: false })),
    });
    expect(none.text).toContain("Aucun bloc de compétences n'est obtenu");
  });

  it("names only the competencies under the floor of a bloc not awarded, or that its mean was short", () => {
    const email = render("result");
    const lines = email.text.split("\n").filter((line) => line.trim().startsWith("- "));
    expect(lines.map((line) => line.trim())).toEqual(["- C2.3 Négocier les conditions de vente (45,0 %)"]);
    expect(email.text).not.toContain("restant à évaluer");
    expect(email.text).toContain(
      "Consulter mon résultat : https://vae.example.fr/portail/candidat/candidatures/abc/resultat",
    );
  });

  it("names a full certificate differently from an attestation of blocs", () => {
    const email = render("certificate_issued", { ...FIXTURES.certificate_issued, kind: "full", link: "/candidat" });
    expect(email.subject).toBe("Votre certificat de CQP est disponible");
    expect(email.text).toContain("Télécharger mon certificat : https://vae.example.fr/portail/candidat");
  });

  it("omits the validity sentence when the certifier set no end date", () => {
    const email = render("admissible", { ...FIXTURES.admissible, validityEndsOn: null });
    expect(email.text).not.toContain("valable jusqu'au");
  });

  it("tells an evaluator who declared a link that they leave the pair, and that the session is cancelled for them", () => {
    const email = render("evaluator_replaced", {
      ...FIXTURES.evaluator_replaced,
      conflictDeclared: true,
      sessionCancelled: true,
    });
    expect(email.text).toContain("Vous avez déclaré un lien avec le candidat");
    expect(email.text).not.toContain("à votre place");
    expect(email.text).toContain("annulation jointe (fichier .ics)");
  });

  it("writes dates in French, in the Paris time zone", () => {
    const email = render("request_received", { ...FIXTURES.request_received, requestedAt: "2026-12-31T23:30:00Z" });
    expect(email.text).toContain("Demande déposée le : 1er janvier 2027");
  });

  it("accepts a public URL with a trailing slash and refuses a relative one", () => {
    const email = renderEmail("admissible", FIXTURES.admissible, { publicUrl: "http://localhost:3000/" });
    expect(email.text).toContain("http://localhost:3000/candidat");
    expect(email.text).not.toContain("3000//");
    expect(() => renderEmail("admissible", FIXTURES.admissible, { publicUrl: "/portail" })).toThrow(/absolute URL/);
  });
});
