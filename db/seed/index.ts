// The referentials the portal ships with, loaded at every start (idempotent) and by `npm run db:seed`.
import type { Kysely } from "kysely";
import type { Database } from "../schema";
import { cqpCommercialSedentaire } from "./cqp-commercial-sedentaire";
import type { CertificationDefinition } from "./referential-definition";
import { type SeedReferentialResult, seedReferential } from "./seed-referential";

export const SHIPPED_CERTIFICATIONS: readonly CertificationDefinition[] = [cqpCommercialSedentaire];

export async function seedShippedReferentials(
  db: Kysely<Database>,
): Promise<{ code: string; version: string; result: SeedReferentialResult }[]> {
  const results = [];
  for (const definition of SHIPPED_CERTIFICATIONS) {
    results.push({
      code: definition.code,
      version: definition.referential.version,
      result: await seedReferential(db, definition),
    });
  }
  return results;
}
