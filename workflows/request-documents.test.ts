import { describe, expect, it } from "vitest";
import { checkRequestDocuments, missingRequestDocuments } from "./request-documents";

describe("the documents an admissibility request is filed with", () => {
  it("needs an identity document, a proof of activity and the sworn statement; the other kinds are optional", () => {
    expect(checkRequestDocuments(["identity", "activity_proof", "sworn_statement"])).toEqual({ complete: true });
    expect(checkRequestDocuments(["sworn_statement", "activity_proof", "activity_proof", "other", "identity"])).toEqual(
      { complete: true },
    );
    expect(missingRequestDocuments(["prior_certificate", "other"])).toEqual([
      "identity",
      "activity_proof",
      "sworn_statement",
    ]);
  });

  it("lists in French what is missing, and only that", () => {
    expect(checkRequestDocuments([])).toEqual({
      complete: false,
      missing: ["identity", "activity_proof", "sworn_statement"],
      message:
        "Votre demande ne peut pas encore être déposée : joignez une pièce d'identité en cours de validité, au moins un " +
        "justificatif d'activité (attestation d'employeur, bulletins de salaire, contrat…) et la déclaration sur " +
        "l'honneur signée depuis la page « Pièces de ma demande ».",
    });
    const noProof = checkRequestDocuments(["identity", "sworn_statement", "other"]);
    expect(noProof).toMatchObject({ complete: false, missing: ["activity_proof"] });
    expect(!noProof.complete && noProof.message).toBe(
      "Votre demande ne peut pas encore être déposée : joignez au moins un justificatif d'activité (attestation " +
        "d'employeur, bulletins de salaire, contrat…) depuis la page « Pièces de ma demande ».",
    );
    const twoMissing = checkRequestDocuments(["activity_proof"]);
    expect(!twoMissing.complete && twoMissing.message).toContain(
      "joignez une pièce d'identité en cours de validité et la déclaration sur l'honneur signée depuis",
    );
  });
});
