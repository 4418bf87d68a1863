// Certificate data for tests and previews: the shipped CQP's three blocs, with names that test the font and the
// wrapping (accents, both apostrophes, long compound names, Polish, Greek and Vietnamese letters).
import type { CertificateBlocLine, CertificateDocumentData } from "./types";

export const TRICKY_NAMES = [
  "Marie-Thérèse de La Tour d'Auvergne-Lauraguais",
  "Jean-Loïc O’Connor-Œuvray",
  "Łukasz Żółć",
  "Ἀλέξανδρος Παπαδόπουλος",
  "Nguyễn Thị Minh Khai",
] as const;

const BLOC_1: CertificateBlocLine = {
  code: "B1",
  title: "Gérer la relation client et l'accueil en point de vente alimentaire",
  acquiredAt: "2025-06-12",
  competencies: [
    { code: "C1.1", title: "Accueillir le client et identifier ses besoins" },
    { code: "C1.2", title: "Conseiller le client sur les produits alimentaires, leur conservation et leur origine" },
    { code: "C1.3", title: "Traiter les réclamations d’un client mécontent" },
  ],
};

const BLOC_2: CertificateBlocLine = {
  code: "B2",
  title: "Développer l'activité commerciale",
  acquiredAt: "2026-11-20T10:00:00.000Z",
  competencies: [
    { code: "C2.1", title: "Prospecter de nouveaux clients professionnels" },
    { code: "C2.2", title: "Élaborer une offre « sur mesure » et la négocier" },
  ],
};

const BLOC_3 = {
  code: "B3",
  title: "Gérer les commandes, les stocks et l'approvisionnement",
  competencies: [
    { code: "C3.1", title: "Saisir et suivre les commandes" },
    { code: "C3.2", title: "Contrôler les livraisons et la chaîne du froid" },
  ],
};

export function attestationData(overrides: Partial<CertificateDocumentData> = {}): CertificateDocumentData {
  return {
    number: "CSSA-2026-000042",
    verificationCode: "7KQ2-M9XD-4TPA-R3WB-HC",
    verificationUrl: "https://vae.example.fr/verifier/7KQ2-M9XD-4TPA-R3WB-HC",
    issuedAt: "2026-11-30T09:15:00.000Z",
    issuedIn: "Paris",
    certifier: {
      name: "Commission paritaire nationale de l'emploi des industries alimentaires",
      signatoryName: "Hélène Lefèvre-N’Diaye",
      signatoryTitle: "Présidente de la CPNE",
    },
    certification: { code: "CQP-CSSA", title: "Commercial sédentaire du secteur alimentaire" },
    holder: { fullName: TRICKY_NAMES[0], birthDate: "1990-03-01" },
    blocsHeld: [BLOC_1, BLOC_2],
    blocsMissing: [BLOC_3],
    duplicate: null,
    ...overrides,
  };
}

export function certificateData(overrides: Partial<CertificateDocumentData> = {}): CertificateDocumentData {
  return attestationData({
    number: "CSSA-2026-000043",
    blocsHeld: [BLOC_1, BLOC_2, { ...BLOC_3, acquiredAt: "2026-11-20" }],
    blocsMissing: [],
    ...overrides,
  });
}
