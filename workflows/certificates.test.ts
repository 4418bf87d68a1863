import { describe, expect, it } from "vitest";
import {
  VERIFICATION_CODE_BYTES,
  certificateNumber,
  certificateToIssue,
  checkReason,
  decodeRegistryCursor,
  derivedCertificatePrefix,
  encodeRegistryCursor,
  groupVerificationCode,
  normaliseVerificationCode,
  searchableName,
  verificationCodeFromBytes,
} from "./certificates";

const BLOCS = ["B1", "B2", "B3"];

describe("what a validated decision issues", () => {
  it("issues the full certificate when every bloc is held, here or before", () => {
    expect(
      certificateToIssue({ result: "full", heldBlocCodes: ["B3", "B1", "B2"], referentialBlocCodes: BLOCS }),
    ).toEqual({
      kind: "full",
      blocCodes: BLOCS,
    });
    // A partial result of this candidacy that completes the set with blocs held before: the full CQP on the union.
    expect(certificateToIssue({ result: "partial", heldBlocCodes: BLOCS, referentialBlocCodes: BLOCS })?.kind).toBe(
      "full",
    );
  });

  it("issues an attestation of the blocs held for a partial result, and nothing when no bloc is awarded", () => {
    expect(certificateToIssue({ result: "partial", heldBlocCodes: ["B2", "B1"], referentialBlocCodes: BLOCS })).toEqual(
      {
        kind: "blocs",
        blocCodes: ["B1", "B2"],
      },
    );
    expect(certificateToIssue({ result: "none", heldBlocCodes: ["B1"], referentialBlocCodes: BLOCS })).toBeNull();
    expect(certificateToIssue({ result: undefined, heldBlocCodes: ["B1"], referentialBlocCodes: BLOCS })).toBeNull();
    expect(certificateToIssue({ result: "partial", heldBlocCodes: [], referentialBlocCodes: BLOCS })).toBeNull();
  });
});

describe("numbers", () => {
  it("derives a prefix from the certification's code and writes the sequence on 6 digits", () => {
    expect(derivedCertificatePrefix("CQP-COMMERCIAL-SEDENTAIRE-ALIM")).toBe("CSA");
    expect(derivedCertificatePrefix("CQP-AUTRE-2")).toBe("A2");
    expect(derivedCertificatePrefix("CQP-AUTRE-12")).toBe("A12");
    expect(certificateNumber("CSA", 2026, 42)).toBe("CSA-2026-000042");
  });
});

describe("verification codes", () => {
  it("encodes 90 random bits as 18 Crockford characters, printed in groups of 4", () => {
    const code = verificationCodeFromBytes(new Uint8Array(VERIFICATION_CODE_BYTES).fill(0xff));
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{18}$/);
    expect(verificationCodeFromBytes(new Uint8Array(VERIFICATION_CODE_BYTES))).toBe("0".repeat(18));
    expect(groupVerificationCode("7KQ2M9XD4TPAR3WBHC")).toBe("7KQ2-M9XD-4TPA-R3WB-HC");
    expect(() => verificationCodeFromBytes(new Uint8Array(4))).toThrow();
  });

  it("reads a code as people type it: case, spaces, dashes and the letters I, L, O", () => {
    expect(normaliseVerificationCode("7kq2-m9xd 4tpa-r3wb-hc")).toBe("7KQ2M9XD4TPAR3WBHC");
    expect(normaliseVerificationCode("IL0O-0000-0000-0000-00")).toBe("1100000000000000" + "00");
    expect(normaliseVerificationCode("7KQ2-M9XD-4TPA-R3WB-H")).toBeNull();
    expect(normaliseVerificationCode("7KQ2-M9XD-4TPA-R3WB-HU")).toBeNull();
    expect(normaliseVerificationCode("")).toBeNull();
    expect(normaliseVerificationCode("' or 1=1 --")).toBeNull();
  });
});

describe("registry helpers", () => {
  it("compares names without accents or case", () => {
    expect(searchableName("  Hélène   ÉLOÏSE d’Arc ")).toBe("helene eloise d'arc");
    expect(searchableName("Łukasz Żółć")).toBe("lukasz zolc");
    expect(searchableName("Søren Lœuvre-Æbelø ẞ Straße Đorđe Ħal İlkay")).toBe(
      "soren loeuvre-aebelo ss strasse dorde hal ilkay",
    );
  });

  it("round-trips the registry cursor and refuses a forged one", () => {
    const row = { issuedAt: new Date("2026-05-01T10:00:00.123Z"), id: "0f8fad5b-d9cb-469f-a165-70867728950e" };
    expect(decodeRegistryCursor(encodeRegistryCursor(row))).toEqual(row);
    expect(decodeRegistryCursor("bm9wZQ")).toBeNull();
  });

  it("requires a reason of at least 10 characters", () => {
    expect(checkReason("")).toMatchObject({ ok: false });
    expect(checkReason("   perdu   ")).toMatchObject({ ok: false });
    expect(checkReason("  Document perdu lors d'un déménagement ")).toEqual({
      ok: true,
      reason: "Document perdu lors d'un déménagement",
    });
  });
});
