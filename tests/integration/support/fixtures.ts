// People and referentials that integration tests create in their own database.
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { insertAdmissibilityDocument, insertDocument } from "../../../db/queries/documents";
import type { Database, Role } from "../../../db/schema";
import { cqpCommercialSedentaire } from "../../../db/seed/cqp-commercial-sedentaire";
import { seedReferential } from "../../../db/seed/seed-referential";
import { createStaffAccount, signUpCandidate } from "../../../app/services/accounts.server";

let counter = 0;

/** Creates an account with the given role and returns its id. */
export async function createUser(db: Kysely<Database>, role: Role, name = `${role} ${++counter}`): Promise<string> {
  const email = `${role}.${Date.now()}.${++counter}@exemple.fr`;
  const password = "Fixture-password-2026";
  const outcome =
    role === "candidate"
      ? await signUpCandidate(db, { email, fullName: name, password }, { ip: null })
      : await createStaffAccount(db, "system", { email, fullName: name, password, roles: [role] });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.fieldErrors));
  return outcome.value.userId;
}

export const CQP_CODE = cqpCommercialSedentaire.code;

/** Loads the shipped CQP and, when asked, other certifications built from it under other codes. */
export async function seedCertifications(db: Kysely<Database>, extraCodes: string[] = []): Promise<void> {
  await seedReferential(db, cqpCommercialSedentaire);
  for (const code of extraCodes) {
    await seedReferential(db, { ...structuredClone(cqpCommercialSedentaire), code, title: `CQP ${code}` });
  }
}

/**
 * Records the documents a request cannot be filed without (identity, a proof of activity, the sworn statement) as
 * rows only, for tests about what happens after filing: no object is stored behind them.
 */
export async function attachRequestDocuments(db: Kysely<Database>, candidacyId: string): Promise<void> {
  const { candidate_id: candidateId } = await db
    .selectFrom("candidacies")
    .select("candidate_id")
    .where("id", "=", candidacyId)
    .executeTakeFirstOrThrow();
  const facts = {
    proofType: null,
    periodStart: null,
    periodEnd: null,
    employer: "",
    jobTitle: "",
    relatedToCqp: true,
    priorBlocCodes: [],
    description: "",
  };
  const kinds = [
    { kind: "identity" as const, ...facts },
    {
      kind: "activity_proof" as const,
      ...facts,
      proofType: "employer_attestation" as const,
      periodStart: "2021-01-01",
      periodEnd: "2023-12-31",
      employer: "Épicerie fine",
    },
    { kind: "sworn_statement" as const, ...facts },
  ];
  for (const document of kinds) {
    const documentId = await insertDocument(db, {
      candidacyId,
      purpose: "admissibility",
      storageKey: `candidacies/${candidacyId}/files/${randomBytes(16).toString("hex")}`,
      originalName: `${document.kind}.pdf`,
      mediaType: "application/pdf",
      byteSize: 1024,
      sha256: randomBytes(32).toString("hex"),
      uploadedBy: candidateId,
      uploadedAt: new Date("2026-01-15T09:00:00.000Z"),
    });
    await insertAdmissibilityDocument(db, documentId, candidacyId, document);
  }
}
