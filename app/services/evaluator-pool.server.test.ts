import { describe, expect, it } from "vitest";
import { INVALID_SIRET_MESSAGE, parseSectors, profileFieldsSchema } from "./evaluator-pool.server";

const CQP = "5b1f2a64-0000-4000-8000-000000000001";

describe("the evaluator profile form", () => {
  it("reads sectors one per line or separated by commas, each once whatever its case", () => {
    expect(parseSectors("Boulangerie, crèmerie\nBOULANGERIE ;  Fromagerie   affinée \n\n")).toEqual([
      "Boulangerie",
      "crèmerie",
      "Fromagerie affinée",
    ]);
    expect(parseSectors("")).toEqual([]);
  });

  it("keeps a SIRET typed with spaces and refuses one whose key is wrong, in French", () => {
    const base = { fullName: "Léa Roux", employerName: "Boulangerie Martin", certificationIds: CQP };
    const ok = profileFieldsSchema.safeParse({ ...base, employerSiret: "442 821 039 00017", isActive: "on" });
    expect(ok.success && ok.data).toMatchObject({
      employerSiret: "442 821 039 00017",
      certificationIds: [CQP],
      civility: null,
      isActive: true,
      sectors: [],
    });
    const wrongKey = profileFieldsSchema.safeParse({ ...base, employerSiret: "44282103900018" });
    expect(wrongKey.success ? null : wrongKey.error.issues.map((i) => i.message)).toEqual([INVALID_SIRET_MESSAGE]);
    const short = profileFieldsSchema.safeParse({ ...base, employerSiret: "4428" });
    expect(short.success ? null : short.error.issues[0]?.message).toBe("Le SIRET compte 14 chiffres (espaces permis).");
  });
});
