// What happens to each demo candidacy, decided up front from its own seeded generator (pure: no I/O). The
// proportions are those of a certifier's year; how far each candidacy gets also depends on when it started, since
// the simulation stops at the end of the period (docs/decisions/031).
import type { Random } from "./random";

export type Fate =
  /** Started, a document or two, never filed. */
  | "abandoned_draft"
  /** Filed, then withdrawn by the candidate before any decision. */
  | "withdrawn_request"
  | "inadmissible"
  /** Admissible with a validity end, and no dossier filed before it: the worker lapses it. */
  | "lapsed"
  /** Withdrawn while writing the dossier. */
  | "withdrawn_dossier"
  /** Through the evaluation to the validated result. */
  | "completed";

export interface CandidacyPlan {
  fate: Fate;
  /** Declared incomplete once, then completed by the candidate. */
  incomplete: boolean;
  /** The officer never answers: two months of silence make it admissible. */
  silence: boolean;
  /** Months of validity given with the admissibility, or none. */
  validityMonths: number | null;
  /** Staff send the filed dossier back once before the session. */
  sendBack: boolean;
  evidenceCount: number;
  /** The candidate's general level, in percent: where their scores centre. */
  level: number;
  /** Competencies on which the two evaluators differ beyond the tolerance (a deliberation follows). */
  disputedCount: number;
  /** Validated results that staff later close. */
  closes: boolean;
  /** The candidate does not attend the first session (it is set again). */
  missesSession: boolean;
  /** Where the candidacy stalls (nobody acts on it any more): see COVERAGE. */
  stopAt: StopAt | null;
}

/** The live states a candidacy can stall in; the final ones come from the fates. */
export type StopAt =
  | "admissibility.pending"
  | "admissibility.review"
  | "admissibility.incomplete"
  | "admissible"
  | "dossier.inProgress"
  | "dossier.submitted"
  | "evaluation"
  | "deliberation"
  | "minutes"
  | "decided";

/**
 * The first candidacies of every load, one per state, so that even a small load holds every state of the
 * statechart (files stall in real portfolios too): each with its fate, where it stalls, and when it starts (days
 * before the end of the period) so that it gets there and no timer moves it on.
 */
export const COVERAGE: ReadonlyArray<{ fate: Fate; stopAt: StopAt | null; daysBeforeEnd: [number, number] }> = [
  { fate: "abandoned_draft", stopAt: null, daysBeforeEnd: [5, 300] },
  { fate: "completed", stopAt: "admissibility.pending", daysBeforeEnd: [15, 25] },
  { fate: "completed", stopAt: "admissibility.review", daysBeforeEnd: [32, 40] },
  { fate: "completed", stopAt: "admissibility.incomplete", daysBeforeEnd: [40, 60] },
  { fate: "completed", stopAt: "admissible", daysBeforeEnd: [150, 250] },
  { fate: "completed", stopAt: "dossier.inProgress", daysBeforeEnd: [200, 300] },
  { fate: "completed", stopAt: "dossier.submitted", daysBeforeEnd: [250, 300] },
  { fate: "completed", stopAt: "evaluation", daysBeforeEnd: [350, 400] },
  { fate: "completed", stopAt: "deliberation", daysBeforeEnd: [350, 400] },
  { fate: "completed", stopAt: "minutes", daysBeforeEnd: [350, 400] },
  { fate: "completed", stopAt: "decided", daysBeforeEnd: [350, 400] },
  { fate: "completed", stopAt: null, daysBeforeEnd: [500, 600] },
  { fate: "completed", stopAt: null, daysBeforeEnd: [500, 600] },
  { fate: "inadmissible", stopAt: null, daysBeforeEnd: [100, 600] },
  { fate: "withdrawn_request", stopAt: null, daysBeforeEnd: [100, 600] },
  { fate: "lapsed", stopAt: null, daysBeforeEnd: [400, 600] },
];

const FATES: ReadonlyArray<[Fate, number]> = [
  ["abandoned_draft", 0.03],
  ["withdrawn_request", 0.03],
  ["inadmissible", 0.07],
  ["lapsed", 0.03],
  ["withdrawn_dossier", 0.04],
  ["completed", 0.8],
];

export function planCandidacy(random: Random, index: number): CandidacyPlan {
  const plan = drawPlan(random);
  const coverage = COVERAGE[index];
  if (!coverage) return plan;
  // The stalled ones go straight there: no silence, no validity end, no detour that a timer or a rule could move.
  return {
    ...plan,
    fate: coverage.fate,
    stopAt: coverage.stopAt,
    silence: false,
    incomplete: coverage.stopAt === "admissibility.incomplete",
    validityMonths: coverage.fate === "lapsed" ? 5 : null,
    sendBack: false,
    missesSession: false,
    disputedCount: coverage.stopAt === "deliberation" ? 2 : 0,
    // Index 11 is validated and stays so; index 12 is closed afterwards.
    closes: index === 12,
  };
}

function drawPlan(random: Random): CandidacyPlan {
  let roll = random.next();
  let fate: Fate = "completed";
  for (const [candidate, share] of FATES) {
    if (roll < share) {
      fate = candidate;
      break;
    }
    roll -= share;
  }
  const silence = fate !== "inadmissible" && random.chance(0.05);
  return {
    fate,
    incomplete: !silence && random.chance(0.22),
    silence,
    validityMonths: fate === "lapsed" ? random.int(4, 8) : random.chance(0.3) ? random.int(18, 24) : null,
    sendBack: random.chance(0.03),
    evidenceCount: random.int(1, 4),
    level: clamp(random.normal(76, 11), 30, 98),
    disputedCount: random.chance(0.12) ? random.int(1, 3) : 0,
    closes: random.chance(0.4),
    missesSession: random.chance(0.03),
    stopAt: null,
  };
}

export interface PairScores {
  a: Record<string, string>;
  b: Record<string, string>;
}

/**
 * The two evaluators' scores: each competency centres on the candidate's level, and the evaluators differ by a few
 * points, except on the disputed competencies where they differ by more than the 15-point tolerance.
 */
export function pairScores(plan: CandidacyPlan, random: Random, competencyCodes: readonly string[]): PairScores {
  const disputed = new Set<string>();
  while (disputed.size < Math.min(plan.disputedCount, competencyCodes.length))
    disputed.add(random.pick(competencyCodes));
  const a: Record<string, string> = {};
  const b: Record<string, string> = {};
  for (const code of competencyCodes) {
    const base = plan.level + random.normal(0, 9);
    const scoreA = base + random.normal(0, 2.5);
    // A disputed gap points towards the middle of the scale, so that clamping to 0–100 never shrinks it.
    const gap = disputed.has(code) ? (scoreA >= 50 ? -1 : 1) * random.int(16, 25) : random.normal(0, 2.5);
    a[code] = tenths(scoreA);
    b[code] = tenths(scoreA + gap);
  }
  return { a, b };
}

function clamp(value: number, min: number, max: number) {
  return Math.min(max, Math.max(min, value));
}

function tenths(score: number): string {
  return (Math.round(clamp(score, 0, 100) * 10) / 10).toFixed(1);
}

// ---------------------------------------------------------------------------------------------------------------
// Words: names, employers and narratives, drawn from small banks
// ---------------------------------------------------------------------------------------------------------------

export const FIRST_NAMES = [
  "Camille",
  "Léa",
  "Manon",
  "Chloé",
  "Inès",
  "Sarah",
  "Julie",
  "Emma",
  "Lucie",
  "Nadia",
  "Fatou",
  "Sophie",
  "Hugo",
  "Lucas",
  "Thomas",
  "Nicolas",
  "Karim",
  "Mehdi",
  "Julien",
  "Antoine",
  "Paul",
  "Yanis",
  "Louis",
  "Mathieu",
];
export const LAST_NAMES = [
  "Martin",
  "Bernard",
  "Dubois",
  "Thomas",
  "Robert",
  "Richard",
  "Petit",
  "Durand",
  "Leroy",
  "Moreau",
  "Simon",
  "Laurent",
  "Lefebvre",
  "Michel",
  "Garcia",
  "David",
  "Bertrand",
  "Roux",
  "Vincent",
  "Fournier",
  "Morel",
  "Girard",
  "André",
  "Mercier",
  "Dupont",
  "Lambert",
  "Bonnet",
  "François",
  "Martinez",
  "Diallo",
  "Nguyen",
  "Benali",
];
/** Candidates' employers; the evaluators' are different, so no pair is refused for a shared employer. */
export const CANDIDATE_EMPLOYERS = [
  "Fromagerie des Alpes",
  "Épicerie fine Lafayette",
  "Boulangerie Pain d'Antan",
  "Cave et Terroir",
  "Primeurs du Marché",
  "Charcuterie Bellecour",
  "Biscuiterie de l'Ouest",
  "Maison du Thé",
  "Chocolaterie Rivoire",
  "Conserverie Atlantique",
  "Brasserie du Nord",
  "Coopérative laitière du Jura",
];
export const EVALUATOR_EMPLOYERS = [
  "Groupement des détaillants alimentaires",
  "Chambre de commerce de Lyon",
  "Institut du commerce alimentaire",
  "Fédération des épiceries",
  "Centre de formation Agora",
  "Syndicat des grossistes",
  "Marché de Rungis conseil",
  "Association Saveurs et Métiers",
];
export const JOB_TITLES = ["Vendeur sédentaire", "Attaché commercial", "Assistant commercial", "Télévendeur"];

const CONTEXTS = [
  "Dans l'épicerie fine où je travaille depuis quatre ans, je gère le portefeuille des clients professionnels.",
  "Au service commercial d'une coopérative, je réponds aux demandes des restaurateurs de la région.",
  "En boutique et au téléphone, je suis la première personne que les clients rencontrent.",
  "Pendant la saison des fêtes, notre équipe traite trois fois plus de commandes que d'habitude.",
];
const ACTIONS = [
  "J'ai préparé un argumentaire par famille de produits, puis je l'ai testé avec deux collègues avant de l'utiliser.",
  "J'ai repris chaque commande en litige, vérifié les stocks et proposé au client une solution de remplacement.",
  "J'ai construit un tableau de suivi des relances et je l'ai mis à jour chaque matin avec le responsable.",
  "J'ai présenté la nouvelle gamme à nos clients réguliers en m'appuyant sur des fiches produit que j'ai rédigées.",
];
const RESULTS = [
  "Le panier moyen a augmenté de 12 % sur le trimestre et deux nouveaux restaurants ont ouvert un compte.",
  "Les réclamations ont baissé de moitié et le client a renouvelé son contrat annuel.",
  "Mon responsable m'a confié ensuite la formation des nouveaux vendeurs sur ce point.",
  "Les délais de livraison annoncés ont été tenus pour toutes les commandes de décembre.",
];

export function narrativeText(random: Random, competencyCode: string) {
  return {
    context: `${random.pick(CONTEXTS)} (${competencyCode})`,
    actions: `${random.pick(ACTIONS)} ${random.pick(ACTIONS)}`,
    results: random.pick(RESULTS),
  };
}

export const INCOMPLETE_REASONS = [
  "L'attestation d'employeur ne précise pas la période d'emploi.",
  "La déclaration sur l'honneur n'est pas signée.",
  "La pièce d'identité est illisible.",
];
export const INADMISSIBLE_REASONS = [
  "L'expérience déclarée en rapport avec le CQP est inférieure à un an.",
  "Les activités décrites ne relèvent pas du commerce alimentaire sédentaire.",
];
export const WITHDRAW_REASONS = ["Changement de situation professionnelle.", "Raisons personnelles.", ""];
export const RECOMMENDATION_TEXTS = [
  "Décrivez une situation que vous avez menée de bout en bout, avec ses résultats chiffrés.",
  "Appuyez chaque compétence sur un exemple précis et une pièce qui le montre.",
  "Développez la relation avec les clients professionnels : négociation, suivi, fidélisation.",
];
