// Queries of the declarative dossier: its numbered versions, the narrative per competency, the evidence files and
// the competencies and criteria each one supports. A frozen version is read-only (a database trigger enforces it).
import { type Kysely, type Transaction, sql } from "kysely";
import type { Database } from "../schema";

type Db = Kysely<Database> | Transaction<Database>;

export async function listDossierVersions(db: Db, candidacyId: string) {
  return db
    .selectFrom("dossier_versions")
    .select([
      "id",
      "version",
      "created_at as createdAt",
      "updated_at as updatedAt",
      "frozen_at as frozenAt",
      "frozen_by as frozenBy",
    ])
    .where("candidacy_id", "=", candidacyId)
    .orderBy("version")
    .execute();
}

export type DossierVersionRow = Awaited<ReturnType<typeof listDossierVersions>>[number];

/**
 * Creates the version being written, starting from the last frozen one when there is one (a send-back: the
 * candidate amends what they filed). Rows are copied; files are shared, since a stored file never changes.
 */
export async function createDraftVersion(
  trx: Transaction<Database>,
  candidacyId: string,
  version: number,
  from: string | null,
) {
  const draft = await trx
    .insertInto("dossier_versions")
    .values({ candidacy_id: candidacyId, version })
    .returning([
      "id",
      "version",
      "created_at as createdAt",
      "updated_at as updatedAt",
      "frozen_at as frozenAt",
      "frozen_by as frozenBy",
    ])
    .executeTakeFirstOrThrow();
  if (from) {
    await sql`insert into dossier_narratives (dossier_version_id, competency_code, context, actions, results, updated_at)
      select ${draft.id}, competency_code, context, actions, results, updated_at
      from dossier_narratives where dossier_version_id = ${from}`.execute(trx);
    // New evidence ids, and a map from the old ones to copy the links.
    await sql`with copied as (
        insert into dossier_evidence (dossier_version_id, document_id, caption, position, created_at)
        select ${draft.id}, document_id, caption, position, created_at from dossier_evidence where dossier_version_id = ${from}
        returning id, document_id
      ),
      pairs as (
        select c.id as new_id, e.id as old_id from copied c
        join dossier_evidence e on e.document_id = c.document_id and e.dossier_version_id = ${from}
      ),
      competencies as (
        insert into dossier_evidence_competencies (evidence_id, competency_code)
        select p.new_id, l.competency_code from pairs p join dossier_evidence_competencies l on l.evidence_id = p.old_id
      )
      insert into dossier_evidence_criteria (evidence_id, criterion_id)
      select p.new_id, l.criterion_id from pairs p join dossier_evidence_criteria l on l.evidence_id = p.old_id`.execute(
      trx,
    );
  }
  return draft;
}

export async function touchDossierVersion(db: Db, versionId: string, at: Date) {
  await db
    .updateTable("dossier_versions")
    .set({ updated_at: at })
    .where("id", "=", versionId)
    .where("frozen_at", "is", null)
    .execute();
}

export async function freezeDossierVersion(db: Db, versionId: string, frozenBy: string, at: Date) {
  const result = await db
    .updateTable("dossier_versions")
    .set({ frozen_at: at, frozen_by: frozenBy, updated_at: at })
    .where("id", "=", versionId)
    .where("frozen_at", "is", null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new Error(`Dossier version ${versionId} is not a draft`);
}

export async function listNarratives(db: Db, versionId: string) {
  return db
    .selectFrom("dossier_narratives")
    .select(["competency_code as competencyCode", "context", "actions", "results", "updated_at as updatedAt"])
    .where("dossier_version_id", "=", versionId)
    .execute();
}

/**
 * Writes one narrative and stamps its draft version as just written, in one statement: a save is the dossier's
 * most frequent write (19 per dossier, more as the candidate rewrites), so it costs one round trip, not two.
 */
export async function upsertNarrative(
  db: Db,
  versionId: string,
  competencyCode: string,
  parts: { context: string; actions: string; results: string },
  at: Date,
) {
  await db
    .with("saved", (q) =>
      q
        .insertInto("dossier_narratives")
        .values({ dossier_version_id: versionId, competency_code: competencyCode, ...parts, updated_at: at })
        .onConflict((oc) =>
          oc.columns(["dossier_version_id", "competency_code"]).doUpdateSet({ ...parts, updated_at: at }),
        )
        .returning("dossier_version_id"),
    )
    .updateTable("dossier_versions")
    .set({ updated_at: at })
    .where("id", "=", versionId)
    .where("frozen_at", "is", null)
    .execute();
}

/** The evidence of a version with its file and what it supports, in the candidate's order. */
export async function listEvidence(db: Db, versionId: string) {
  const rows = await db
    .selectFrom("dossier_evidence as e")
    .innerJoin("documents as d", "d.id", "e.document_id")
    .select([
      "e.id",
      "e.caption",
      "e.position",
      "e.created_at as createdAt",
      "d.id as documentId",
      "d.storage_key as storageKey",
      "d.original_name as originalName",
      "d.media_type as mediaType",
      "d.byte_size as byteSize",
      "d.sha256",
      sql<string[]>`coalesce((select array_agg(c.competency_code order by c.competency_code)
        from dossier_evidence_competencies c where c.evidence_id = e.id), '{}')`.as("competencyCodes"),
      sql<string[]>`coalesce((select array_agg(c.criterion_id::text order by c.criterion_id)
        from dossier_evidence_criteria c where c.evidence_id = e.id), '{}')`.as("criterionIds"),
    ])
    .where("e.dossier_version_id", "=", versionId)
    .orderBy("e.position")
    .orderBy("e.created_at")
    .execute();
  return rows.map((r) => ({ ...r, byteSize: Number(r.byteSize) }));
}

export type EvidenceRow = Awaited<ReturnType<typeof listEvidence>>[number];

export async function insertEvidence(
  trx: Db,
  versionId: string,
  documentId: string,
  caption: string,
  links: { competencyCodes: string[]; criterionIds: string[] },
): Promise<string> {
  const { next } = await trx
    .selectFrom("dossier_evidence")
    .select(sql<number>`coalesce(max(position), 0) + 1`.as("next"))
    .where("dossier_version_id", "=", versionId)
    .executeTakeFirstOrThrow();
  const row = await trx
    .insertInto("dossier_evidence")
    .values({ dossier_version_id: versionId, document_id: documentId, caption, position: next })
    .returning("id")
    .executeTakeFirstOrThrow();
  await replaceEvidenceLinks(trx, row.id, links);
  return row.id;
}

export async function replaceEvidenceLinks(
  trx: Db,
  evidenceId: string,
  links: { competencyCodes: string[]; criterionIds: string[] },
) {
  await trx.deleteFrom("dossier_evidence_competencies").where("evidence_id", "=", evidenceId).execute();
  await trx.deleteFrom("dossier_evidence_criteria").where("evidence_id", "=", evidenceId).execute();
  if (links.competencyCodes.length > 0) {
    await trx
      .insertInto("dossier_evidence_competencies")
      .values([...new Set(links.competencyCodes)].map((code) => ({ evidence_id: evidenceId, competency_code: code })))
      .execute();
  }
  if (links.criterionIds.length > 0) {
    await trx
      .insertInto("dossier_evidence_criteria")
      .values([...new Set(links.criterionIds)].map((id) => ({ evidence_id: evidenceId, criterion_id: id })))
      .execute();
  }
}

export async function updateEvidenceCaption(trx: Db, evidenceId: string, caption: string) {
  await trx.updateTable("dossier_evidence").set({ caption }).where("id", "=", evidenceId).execute();
}

/** The piece of a version that holds this file (a file is the same piece in every version that has it). */
export async function findEvidenceOfDocument(db: Db, versionId: string, documentId: string) {
  return db
    .selectFrom("dossier_evidence")
    .select("id")
    .where("dossier_version_id", "=", versionId)
    .where("document_id", "=", documentId)
    .executeTakeFirst();
}

/** Deletes a file's row when no version refers to it any more; returns its storage key to delete after commit. */
async function dropDocumentIfUnused(trx: Db, documentId: string): Promise<string | null> {
  const stillUsed = await trx
    .selectFrom("dossier_evidence")
    .select("id")
    .where("document_id", "=", documentId)
    .executeTakeFirst();
  if (stillUsed) return null;
  const removed = await trx
    .deleteFrom("documents")
    .where("id", "=", documentId)
    .where("purpose", "=", "evidence")
    .returning("storage_key as storageKey")
    .executeTakeFirst();
  return removed?.storageKey ?? null;
}

/**
 * Removes a piece of evidence from a draft. The file itself goes too when no other version refers to it (a frozen
 * version keeps its files for good); returns the storage key to delete after commit, if any.
 */
export async function deleteEvidence(trx: Db, evidenceId: string, documentId: string): Promise<string | null> {
  await trx.deleteFrom("dossier_evidence").where("id", "=", evidenceId).execute();
  return dropDocumentIfUnused(trx, documentId);
}

/**
 * Puts another file behind a piece of a draft, keeping its caption, position and links. The former file goes when
 * no other version refers to it; returns its storage key to delete after commit, if any.
 */
export async function replaceEvidenceDocument(
  trx: Db,
  evidenceId: string,
  formerDocumentId: string,
  documentId: string,
) {
  await trx.updateTable("dossier_evidence").set({ document_id: documentId }).where("id", "=", evidenceId).execute();
  return dropDocumentIfUnused(trx, formerDocumentId);
}
