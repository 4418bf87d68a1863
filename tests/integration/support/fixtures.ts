// People and referentials that integration tests create in their own database.
import type { Kysely } from "kysely";
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
