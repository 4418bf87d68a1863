// Whether an evaluator of the pool may evaluate a candidacy, and why not, in French: qualified for the CQP, active,
// available on the session's date, and without a link to the candidate (Code du travail D6412-6; the booklet's
// "2 professionnels métiers extérieurs à l'entreprise, ne connaissant pas le candidat"). Pure: the caller gathers
// the facts (profile, the candidate's employers, the roles held on the candidate's candidacies) and shows the
// reasons. docs/decisions/020 says how employers are matched and where the matching stops.

export const CIVILITIES = ["M.", "Mme"] as const;
export type Civility = (typeof CIVILITIES)[number];

/** A period in which the evaluator can sit on a jury; calendar dates (YYYY-MM-DD), both inclusive. */
export interface AvailabilityPeriod {
  startsOn: string;
  endsOn: string;
}

export interface EligibilityInput {
  evaluator: {
    id: string;
    employerName: string;
    employerSiret: string | null;
    isActive: boolean;
    qualifiedCertificationCodes: readonly string[];
    availabilities: readonly AvailabilityPeriod[];
  };
  candidacy: {
    id: string;
    certificationCode: string;
    candidateId: string;
    /**
     * The employer texts of the candidate's declared experience (proofs of activity of all their candidacies), as
     * typed: a SIRET or SIREN written in them is found here.
     */
    candidateEmployers: readonly string[];
  };
  /** The roles the evaluator holds on the candidate's candidacies (each snapshot's `involvement` map). */
  involvements: ReadonlyArray<{ candidacyId: string; role: string }>;
  /** Conflicts of interest the evaluator declared on one of the candidate's candidacies. */
  declaredConflicts?: ReadonlyArray<{ candidacyId: string }>;
  /** The session's calendar date (YYYY-MM-DD, France) when it is set. */
  sessionDate?: string | null;
}

export interface Eligibility {
  eligible: boolean;
  reasons: string[];
}

export const REASONS = {
  isCandidate: "C'est le candidat lui-même.",
  inactive: "Profil inactif.",
  notQualified: "Non habilité pour ce CQP.",
  unavailable: "Indisponible à la date de la séance.",
  declaredConflict: "A déclaré un lien avec ce candidat (conflit d'intérêts) sur une de ses candidatures.",
  employerName: (name: string) =>
    `Son employeur (${name}) est aussi celui d'une expérience déclarée par le candidat : un évaluateur ne doit pas connaître le candidat (D6412-6).`,
  employerSiren: (siren: string) =>
    `Le SIREN de son employeur (${formatSiren(siren)}) figure dans une expérience déclarée par le candidat : un évaluateur ne doit pas connaître le candidat (D6412-6).`,
  role: {
    admissibility_officer: "A instruit la recevabilité de ce candidat.",
    certifier_staff: "Suit déjà une candidature de ce candidat comme certificateur.",
    candidate: "C'est le candidat lui-même.",
  } as Record<string, string>,
  otherRole: "Tient déjà un autre rôle sur une candidature de ce candidat.",
} as const;

// Legal forms and generic words that do not tell one employer from another ("SARL Boulangerie Martin" is
// "Boulangerie Martin"). Compared after accents and punctuation are gone, as whole words.
const LEGAL_FORMS = new Set([
  "sarl",
  "sas",
  "sasu",
  "sa",
  "eurl",
  "snc",
  "sca",
  "scs",
  "sci",
  "scop",
  "scic",
  "selarl",
  "ei",
  "eirl",
  "societe",
  "ste",
  "ets",
  "etablissements",
  "etablissement",
  "cie",
  "compagnie",
  "siret",
  "siren",
  "n",
  "no",
]);

/**
 * The employer's name reduced to what identifies it: lower case, no accents, no punctuation, no legal form
 * ("SARL", "S.A.S.", "société"), no SIRET or SIREN written in it, single spaces. Two spellings of one employer
 * give the same text; "" when nothing is left.
 */
export function normalizeEmployerName(name: string): string {
  const plain = withoutCompanyNumbers(name)
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/œ/g, "oe")
    .replace(/æ/g, "ae")
    // "S.A.R.L." is "sarl": dots between single letters join them before punctuation becomes spaces.
    .replace(/\b(?:[a-z]\.){2,}/g, (m) => m.replace(/\./g, ""))
    .replace(/&/g, " et ")
    .replace(/[^\p{L}\p{N}]+/gu, " ");
  return plain
    .split(" ")
    .filter((word) => word && !LEGAL_FORMS.has(word))
    .join(" ");
}

/** Luhn's check over the digits (the INSEE key of SIREN and SIRET numbers). */
function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// La Poste's establishments share one SIREN and do not follow Luhn's key: their digits add up to a multiple of 5.
const LA_POSTE_SIREN = "356000000";

/** A SIRET: 14 digits (spaces allowed when typed) whose key is right. */
export function isValidSiret(value: string): boolean {
  const digits = value.replace(/[\s.]/g, "");
  if (!/^\d{14}$/.test(digits)) return false;
  if (digits.startsWith(LA_POSTE_SIREN)) {
    return [...digits].reduce((sum, d) => sum + Number(d), 0) % 5 === 0;
  }
  return luhnValid(digits);
}

export function isValidSiren(value: string): boolean {
  const digits = value.replace(/[\s.]/g, "");
  return /^\d{9}$/.test(digits) && (digits === LA_POSTE_SIREN || luhnValid(digits));
}

/** A SIRET as typed ("123 456 789 00012") reduced to its 14 digits, or null when it is not a valid SIRET. */
export function normalizeSiret(value: string): string | null {
  const digits = value.replace(/[\s.]/g, "");
  return isValidSiret(digits) ? digits : null;
}

function formatSiren(siren: string): string {
  return siren.replace(/^(\d{3})(\d{3})(\d{3})$/, "$1 $2 $3");
}

// Runs of digits possibly split by single spaces or dots, as people type SIRET numbers ("123 456 789 00012").
const NUMBER_RUN = /\d(?:[\s.]?\d)*/g;

/**
 * The SIRENs (the company, 9 digits) found in a free text: every valid 14-digit SIRET gives its first 9 digits,
 * every valid 9-digit number is taken as a SIREN. Numbers whose key is wrong are ignored (a phone number, a typo).
 */
export function extractSirens(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(NUMBER_RUN)) {
    const digits = match[0].replace(/[\s.]/g, "");
    if (digits.length === 14 && isValidSiret(digits)) found.add(digits.slice(0, 9));
    else if (digits.length === 9 && isValidSiren(digits)) found.add(digits);
  }
  return [...found];
}

function withoutCompanyNumbers(text: string): string {
  return text.replace(NUMBER_RUN, (run) => {
    const digits = run.replace(/[\s.]/g, "");
    return (digits.length === 14 && isValidSiret(digits)) || (digits.length === 9 && isValidSiren(digits)) ? " " : run;
  });
}

/** Whether the date falls in one of the periods; an evaluator who recorded no period has not restricted it. */
export function isAvailableOn(periods: readonly AvailabilityPeriod[], date: string): boolean {
  if (periods.length === 0) return true;
  return periods.some((p) => p.startsOn <= date && date <= p.endsOn);
}

/**
 * The verdict on one evaluator for one candidacy. Every reason that applies is listed, so that staff see them all
 * at once; eligible means none applies.
 */
export function checkEvaluatorEligibility(input: EligibilityInput): Eligibility {
  const { evaluator, candidacy } = input;
  const reasons: string[] = [];
  if (evaluator.id === candidacy.candidateId) reasons.push(REASONS.isCandidate);
  if (!evaluator.isActive) reasons.push(REASONS.inactive);
  if (!evaluator.qualifiedCertificationCodes.includes(candidacy.certificationCode)) reasons.push(REASONS.notQualified);

  const employerReason = employerConflict(evaluator, candidacy.candidateEmployers);
  if (employerReason) reasons.push(employerReason);

  for (const involvement of input.involvements) {
    // Being an evaluator of this candidacy (or of an earlier one of this candidate) is the role asked for here.
    if (involvement.role === "evaluator") continue;
    if (involvement.role === "candidate" && evaluator.id === candidacy.candidateId) continue;
    const reason = REASONS.role[involvement.role] ?? REASONS.otherRole;
    if (!reasons.includes(reason)) reasons.push(reason);
  }
  if ((input.declaredConflicts ?? []).length > 0) reasons.push(REASONS.declaredConflict);
  if (input.sessionDate && !isAvailableOn(evaluator.availabilities, input.sessionDate)) {
    reasons.push(REASONS.unavailable);
  }
  return { eligible: reasons.length === 0, reasons };
}

function employerConflict(
  evaluator: EligibilityInput["evaluator"],
  candidateEmployers: readonly string[],
): string | null {
  const name = normalizeEmployerName(evaluator.employerName);
  if (name && candidateEmployers.some((employer) => normalizeEmployerName(employer) === name)) {
    return REASONS.employerName(evaluator.employerName.trim());
  }
  const siret = evaluator.employerSiret ? normalizeSiret(evaluator.employerSiret) : null;
  const siren = siret?.slice(0, 9);
  if (siren && candidateEmployers.some((employer) => extractSirens(employer).includes(siren))) {
    return REASONS.employerSiren(siren);
  }
  return null;
}

/**
 * Warnings, not refusals, on a pair's composition: the decree asks for a balanced representation of women and men.
 * Said only when both civilités are known and the same; nothing is assumed from an unknown one.
 */
export function pairCompositionWarnings(civilities: ReadonlyArray<Civility | null | undefined>): string[] {
  const [a, b] = civilities;
  if (civilities.length !== 2 || !a || !b || a !== b) return [];
  const who = a === "Mme" ? "deux femmes" : "deux hommes";
  return [
    `Le binôme réunit ${who} : la réglementation demande, autant que possible, une représentation équilibrée des femmes et des hommes parmi les évaluateurs.`,
  ];
}
