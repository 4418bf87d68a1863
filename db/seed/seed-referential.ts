// Loads a certification's referential definition into the database as one referential version. Idempotent: the
// same definition loaded twice changes nothing; a changed definition under an existing version label is refused,
// because candidacies point to a version and must keep reading what they started on.
import { createHash } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema";
import type { CertificationDefinition } from "./referential-definition";

export type SeedReferentialResult =
  | { status: "created"; referentialVersionId: string }
  | { status: "unchanged"; referentialVersionId: string };

export class ReferentialConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReferentialConflictError";
  }
}

/** A stable fingerprint of the definition: key order of the data file does not matter, content does. */
export function referentialContentHash(definition: CertificationDefinition): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return createHash("sha256")
    .update(JSON.stringify(canonical(definition)))
    .digest("hex");
}

export async function seedReferential(
  db: Kysely<Database>,
  definition: CertificationDefinition,
): Promise<SeedReferentialResult> {
  const hash = referentialContentHash(definition);
  return db.transaction().execute(async (trx) => {
    const certificationId = await upsertCertification(trx, definition);
    const existing = await trx
      .selectFrom("referential_versions")
      .select(["id", "content_hash"])
      .where("certification_id", "=", certificationId)
      .where("version", "=", definition.referential.version)
      .executeTakeFirst();
    if (existing) {
      if (existing.content_hash !== hash) {
        throw new ReferentialConflictError(
          `Referential ${definition.code} version ${definition.referential.version} is already loaded with different ` +
            `content. Published versions are immutable: give the changed definition a new version label.`,
        );
      }
      return { status: "unchanged", referentialVersionId: existing.id };
    }
    const referentialVersionId = await insertReferentialVersion(trx, certificationId, definition, hash);
    await trx
      .insertInto("audit_events")
      .values({
        actor_user_id: null,
        actor_role: "system",
        action: "REFERENTIAL_LOADED",
        subject_type: "referential_version",
        subject_id: referentialVersionId,
        payload: JSON.stringify({ certification: definition.code, version: definition.referential.version }),
        ip: null,
      })
      .execute();
    return { status: "created", referentialVersionId };
  });
}

async function upsertCertification(trx: Transaction<Database>, definition: CertificationDefinition) {
  const row = await trx
    .insertInto("certifications")
    .values({
      code: definition.code,
      title: definition.title,
      sector: definition.sector,
      purpose: definition.purpose,
      hierarchical_position: definition.hierarchicalPosition,
    })
    .onConflict((oc) => oc.column("code").doNothing())
    .returning("id")
    .executeTakeFirst();
  if (row) return row.id;
  const found = await trx
    .selectFrom("certifications")
    .select("id")
    .where("code", "=", definition.code)
    .executeTakeFirstOrThrow();
  return found.id;
}

async function insertReferentialVersion(
  trx: Transaction<Database>,
  certificationId: string,
  definition: CertificationDefinition,
  hash: string,
): Promise<string> {
  const { referential } = definition;
  const rule = referential.validationRule;
  const hasActive = await trx
    .selectFrom("referential_versions")
    .select("id")
    .where("certification_id", "=", certificationId)
    .where("status", "=", "active")
    .executeTakeFirst();
  const version = await trx
    .insertInto("referential_versions")
    .values({
      certification_id: certificationId,
      version: referential.version,
      // A newly loaded version does not silently replace the one in use: certifier staff switch versions.
      status: hasActive ? "retired" : "active",
      bloc_mean_threshold_percent: String(rule.blocMeanThresholdPercent),
      competency_floor_percent: String(rule.competencyFloorPercent),
      evaluator_tolerance_points: String(rule.evaluatorTolerancePoints),
      validation_rule_text: rule.text,
      vae_steps: JSON.stringify(referential.vaeRoute.steps),
      award_statements: JSON.stringify(referential.vaeRoute.awardStatements),
      content_hash: hash,
    })
    .returning("id")
    .executeTakeFirstOrThrow();

  await trx
    .insertInto("evaluation_weights")
    .values(
      rule.weights.map((w) => ({
        referential_version_id: version.id,
        kind: w.kind,
        label: w.label,
        weight_percent: w.weightPercent,
      })),
    )
    .execute();

  for (const bloc of referential.blocs) {
    const blocRow = await trx
      .insertInto("blocs")
      .values({ referential_version_id: version.id, code: bloc.code, number: bloc.number, title: bloc.title })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (bloc.modalities.length > 0) {
      await trx
        .insertInto("evaluation_modalities")
        .values(
          bloc.modalities.map((m) => ({
            bloc_id: blocRow.id,
            rank: m.rank,
            kind: m.kind,
            title: m.title,
            description: m.description,
            duration: m.duration,
            location: m.location,
            evaluators: m.evaluators,
          })),
        )
        .execute();
    }
    for (const [index, competency] of bloc.competencies.entries()) {
      const competencyRow = await trx
        .insertInto("competencies")
        .values({
          referential_version_id: version.id,
          bloc_id: blocRow.id,
          code: competency.code,
          position: index + 1,
          statement: competency.statement,
          activities_code: competency.activitiesCode,
          criteria_heading: competency.criterionGroup.heading,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      if (competency.activities.length > 0) {
        await trx
          .insertInto("activities")
          .values(competency.activities.map((text, i) => ({ competency_id: competencyRow.id, position: i + 1, text })))
          .execute();
      }
      if (competency.criterionGroup.criteria.length > 0) {
        await trx
          .insertInto("criteria")
          .values(
            competency.criterionGroup.criteria.map((text, i) => ({
              competency_id: competencyRow.id,
              position: i + 1,
              text,
            })),
          )
          .execute();
      }
    }
  }
  return version.id;
}
