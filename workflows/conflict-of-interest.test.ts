import { describe, expect, it } from "vitest";
import {
  type EligibilityInput,
  REASONS,
  checkEvaluatorEligibility,
  extractSirens,
  isAvailableOn,
  isValidSiret,
  normalizeEmployerName,
  normalizeSiret,
  pairCompositionWarnings,
} from "./conflict-of-interest";

// Valid keys (Luhn): SIREN 442821039, its establishments 44282103900017 and 44282103900025; SIREN 552418071.
const SIRET = "44282103900017";
const OTHER_ESTABLISHMENT = "44282103900025";

function input(overrides: Partial<EligibilityInput> = {}, evaluator: Partial<EligibilityInput["evaluator"]> = {}) {
  const base: EligibilityInput = {
    evaluator: {
      id: "eval-1",
      employerName: "Fromagerie Dupont",
      employerSiret: null,
      isActive: true,
      qualifiedCertificationCodes: ["CQP-CSSA"],
      availabilities: [],
      ...evaluator,
    },
    candidacy: {
      id: "cand-1",
      certificationCode: "CQP-CSSA",
      candidateId: "candidate-1",
      candidateEmployers: ["Boulangerie Martin", "Épicerie fine du Marché"],
    },
    involvements: [],
    sessionDate: null,
  };
  return { ...base, ...overrides };
}

describe("normalizeEmployerName", () => {
  it("reduces two spellings of one employer to the same text", () => {
    const same = [
      "Boulangerie Martin",
      "BOULANGERIE MARTIN",
      "SARL Boulangerie Martin",
      "Boulangerie Martin S.A.R.L.",
      "Société   Boulangerie-Martin",
      "boulangerie martin, SAS",
      "Boulangerie Martin (SASU)",
      "Boulangerie Martin EURL",
      "Boulangerie Martin SA",
    ];
    for (const name of same) expect(normalizeEmployerName(name), name).toBe("boulangerie martin");
  });

  it("removes accents, ligatures and punctuation, and keeps the words that tell employers apart", () => {
    expect(normalizeEmployerName("Épicerie fine « Le Cœur d'Or »")).toBe("epicerie fine le coeur d or");
    expect(normalizeEmployerName("Martin & Fils")).toBe("martin et fils");
    expect(normalizeEmployerName("Boulangerie Martin")).not.toBe(normalizeEmployerName("Boulangerie Martine"));
  });

  it("drops a SIRET written in the name, and gives an empty text when nothing identifies the employer", () => {
    expect(normalizeEmployerName(`Boulangerie Martin SIRET ${SIRET}`)).toBe("boulangerie martin");
    expect(normalizeEmployerName("Boulangerie Martin n° 442 821 039")).toBe("boulangerie martin");
    expect(normalizeEmployerName("  SARL  ")).toBe("");
    expect(normalizeEmployerName("")).toBe("");
  });
});

describe("SIRET and SIREN", () => {
  it("checks the 14 digits and their key, spaces allowed", () => {
    expect(isValidSiret(SIRET)).toBe(true);
    expect(isValidSiret("442 821 039 00017")).toBe(true);
    expect(isValidSiret("44282103900018")).toBe(false);
    expect(isValidSiret("4428210390001")).toBe(false);
    expect(isValidSiret("4428210390001A")).toBe(false);
    // La Poste: one SIREN, keys by the sum of digits.
    expect(isValidSiret("35600000000010")).toBe(true);
    expect(normalizeSiret("442 821 039 00017")).toBe(SIRET);
    expect(normalizeSiret("12345")).toBeNull();
  });

  it("finds SIRENs written in a free text, ignoring numbers whose key is wrong", () => {
    expect(extractSirens(`Boulangerie Martin, SIRET ${SIRET}`)).toEqual(["442821039"]);
    expect(extractSirens("Boulangerie Martin (SIREN 442 821 039)")).toEqual(["442821039"]);
    expect(extractSirens("Tél. 01 23 45 67 89, SIRET 44282103900018")).toEqual([]);
    expect(extractSirens("Boulangerie Martin")).toEqual([]);
  });
});

describe("checkEvaluatorEligibility", () => {
  it("accepts an active, qualified evaluator without any link to the candidate", () => {
    expect(checkEvaluatorEligibility(input())).toEqual({ eligible: true, reasons: [] });
  });

  it("refuses an evaluator whose employer is one of the candidate's, whatever the spelling, and says which", () => {
    const verdict = checkEvaluatorEligibility(input({}, { employerName: "SARL BOULANGERIE MARTIN" }));
    expect(verdict.eligible).toBe(false);
    expect(verdict.reasons).toEqual([
      "Son employeur (SARL BOULANGERIE MARTIN) est aussi celui d'une expérience déclarée par le candidat : un évaluateur ne doit pas connaître le candidat (D6412-6).",
    ]);
  });

  it("refuses on the SIREN when the names differ: another establishment of the same company", () => {
    const base = input({}, { employerName: "Groupe Martin Distribution", employerSiret: OTHER_ESTABLISHMENT });
    const withSiret = {
      ...base,
      candidacy: { ...base.candidacy, candidateEmployers: [`Boulangerie du Centre — SIRET ${SIRET}`] },
    };
    const verdict = checkEvaluatorEligibility(withSiret);
    expect(verdict.eligible).toBe(false);
    expect(verdict.reasons[0]).toContain("Le SIREN de son employeur (442 821 039)");
    const unrelated = {
      ...withSiret,
      evaluator: { ...withSiret.evaluator, employerSiret: "55241807100015" },
    };
    expect(checkEvaluatorEligibility(unrelated).eligible).toBe(true);
  });

  it("never matches an employer name that normalises to nothing", () => {
    const base = input({}, { employerName: "SARL" });
    expect(
      checkEvaluatorEligibility({ ...base, candidacy: { ...base.candidacy, candidateEmployers: ["SAS", ""] } }),
    ).toEqual({ eligible: true, reasons: [] });
  });

  it("refuses an inactive profile and one not qualified for the CQP, listing every reason", () => {
    const verdict = checkEvaluatorEligibility(input({}, { isActive: false, qualifiedCertificationCodes: ["OTHER"] }));
    expect(verdict).toEqual({ eligible: false, reasons: [REASONS.inactive, REASONS.notQualified] });
    expect(verdict.reasons).toEqual(["Profil inactif.", "Non habilité pour ce CQP."]);
  });

  it("refuses whoever holds another role on any candidacy of the candidate", () => {
    const officer = checkEvaluatorEligibility(
      input({ involvements: [{ candidacyId: "earlier", role: "admissibility_officer" }] }),
    );
    expect(officer).toEqual({ eligible: false, reasons: ["A instruit la recevabilité de ce candidat."] });
    const staff = checkEvaluatorEligibility(
      input({ involvements: [{ candidacyId: "cand-1", role: "certifier_staff" }] }),
    );
    expect(staff.eligible).toBe(false);
    expect(staff.reasons[0]).toContain("certificateur");
    const unknownRole = checkEvaluatorEligibility(input({ involvements: [{ candidacyId: "x", role: "tutor" }] }));
    expect(unknownRole.reasons).toEqual([REASONS.otherRole]);
  });

  it("does not count being an evaluator of the candidate's candidacies as another role", () => {
    const verdict = checkEvaluatorEligibility(
      input({
        involvements: [
          { candidacyId: "cand-1", role: "evaluator" },
          { candidacyId: "earlier", role: "evaluator" },
        ],
      }),
    );
    expect(verdict).toEqual({ eligible: true, reasons: [] });
  });

  it("refuses the candidate themselves and an evaluator who declared a link with the candidate", () => {
    expect(checkEvaluatorEligibility(input({}, { id: "candidate-1" })).reasons).toContain(REASONS.isCandidate);
    expect(checkEvaluatorEligibility(input({ declaredConflicts: [{ candidacyId: "cand-1" }] })).reasons).toEqual([
      REASONS.declaredConflict,
    ]);
  });

  it("refuses an evaluator unavailable on the session's date, and says nothing before a date is set", () => {
    const periods = [
      { startsOn: "2027-01-01", endsOn: "2027-01-31" },
      { startsOn: "2027-03-01", endsOn: "2027-03-15" },
    ];
    expect(checkEvaluatorEligibility(input({ sessionDate: "2027-02-10" }, { availabilities: periods }))).toEqual({
      eligible: false,
      reasons: ["Indisponible à la date de la séance."],
    });
    expect(checkEvaluatorEligibility(input({ sessionDate: "2027-03-15" }, { availabilities: periods })).eligible).toBe(
      true,
    );
    expect(checkEvaluatorEligibility(input({ sessionDate: null }, { availabilities: periods })).eligible).toBe(true);
    expect(checkEvaluatorEligibility(input({ sessionDate: "2027-02-10" })).eligible).toBe(true);
  });
});

describe("isAvailableOn", () => {
  it("includes both ends, and treats no recorded period as no restriction", () => {
    const periods = [{ startsOn: "2027-01-01", endsOn: "2027-01-31" }];
    expect(isAvailableOn(periods, "2027-01-01")).toBe(true);
    expect(isAvailableOn(periods, "2027-01-31")).toBe(true);
    expect(isAvailableOn(periods, "2027-02-01")).toBe(false);
    expect(isAvailableOn([], "2030-01-01")).toBe(true);
  });
});

describe("pairCompositionWarnings", () => {
  it("warns when both civilités are known and the same", () => {
    expect(pairCompositionWarnings(["Mme", "Mme"])).toEqual([
      "Le binôme réunit deux femmes : la réglementation demande, autant que possible, une représentation équilibrée des femmes et des hommes parmi les évaluateurs.",
    ]);
    expect(pairCompositionWarnings(["M.", "M."])[0]).toContain("deux hommes");
  });

  it("says nothing for a mixed pair or when a civilité is unknown", () => {
    expect(pairCompositionWarnings(["M.", "Mme"])).toEqual([]);
    expect(pairCompositionWarnings(["M.", null])).toEqual([]);
    expect(pairCompositionWarnings([undefined, undefined])).toEqual([]);
    expect(pairCompositionWarnings(["Mme"])).toEqual([]);
  });
});
