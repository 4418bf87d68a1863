// The declarative dossier: the candidate writes, per competency of the blocs they aim at, a narrative and attaches
// evidence files, each supporting one or more competencies (and, optionally, criteria). Submitting freezes the
// version being written (N) in the same transaction as the workflow's SUBMIT_DOSSIER event; a send-back opens
// version N+1, a copy the candidate amends, while version N stays exactly as the evaluators read it.
import type { Kysely, Transaction } from "kysely";
import { z } from "zod";
import { getCandidacySummary, lockCandidacy } from "../../db/queries/candidacies";
import { insertDocument } from "../../db/queries/documents";
import {
  type DossierVersionRow,
  type EvidenceRow,
  createDraftVersion,
  deleteEvidence,
  findEvidenceOfDocument,
  freezeDossierVersion,
  replaceEvidenceDocument,
  insertEvidence,
  listDossierVersions,
  listEvidence,
  listNarratives,
  replaceEvidenceLinks,
  touchDossierVersion,
  updateEvidenceCaption,
  upsertNarrative,
} from "../../db/queries/dossiers";
import { type ReferentialView, getReferentialVersion } from "../../db/queries/referential";
import type { Database, Role } from "../../db/schema";
import { can } from "../../workflows/candidacy-access";
import { type CandidacyContext, type CandidacySnapshot, stateKey, stateLabel } from "../../workflows/candidacy-machine";
import { restoreSnapshot } from "../../workflows/candidacy-snapshot";
import { type DossierChanges, compareDossierVersions } from "../../workflows/dossier-compare";
import {
  type DossierCoverage,
  NARRATIVE_PARTS,
  type NarrativeParts,
  dossierCoverage,
} from "../../workflows/dossier-coverage";
import { type EvidenceLinksForm, evidenceLinksSchema } from "../utils/document-forms";
import { applyCandidacyEvent } from "./candidacies.server";
import type { DossierExport } from "./dossier-export/model";
import { candidacyReference } from "./email-delivery.server";
import type { RefusalStatus } from "../../workflows/refusal";
import {
  type DocumentRefusal,
  type UploadLimits,
  documentOfUpload,
  documentRefusal,
  receiveOneFile,
} from "./documents.server";
import type { ObjectStorage } from "./storage";
import { BoundedCache } from "../utils/bounded-cache";

/** The only state in which the candidate writes their dossier. */
/** Enough for the richest dossier reviewers have seen, bounded so that a script cannot fill the store. */
export const MAX_EVIDENCE_PER_VERSION = 150;

const refusal = (status: RefusalStatus, formError: string | null, fieldErrors: Record<string, string> = {}) =>
  documentRefusal(status, formError, fieldErrors);

export interface ScopeCompetency {
  code: string;
  statement: string;
  blocCode: string;
  activities: string[];
  criteria: Array<{ id: string; text: string }>;
}

export interface DossierScope {
  referentialVersion: string;
  blocs: Array<{ code: string; number: number; title: string; competencies: ScopeCompetency[] }>;
  competencies: ScopeCompetency[];
}

// A referential version never changes once published: once read, it is kept for the life of the process. It is read
// through the caller's executor (inside a transaction, the transaction: see docs/decisions/011), and only a completed
// read is kept, so that no caller ever waits on a read running on another one's connection.
const referentialCache = new Map<string, ReferentialView>();

/** The blocs and competencies a candidacy must prove: the referential's, less the blocs already acquired. */
export async function dossierScope(
  db: Kysely<Database> | Transaction<Database>,
  referentialVersionId: string,
  targetBlocCodes: string[],
): Promise<DossierScope> {
  let referential = referentialCache.get(referentialVersionId);
  if (!referential) {
    const read = await getReferentialVersion(db, referentialVersionId);
    if (!read) throw new Error(`Referential version ${referentialVersionId} not found`);
    referentialCache.set(referentialVersionId, read);
    referential = read;
  }
  const blocs = referential.blocs
    .filter((bloc) => targetBlocCodes.includes(bloc.code))
    .map((bloc) => ({
      code: bloc.code,
      number: bloc.number,
      title: bloc.title,
      competencies: bloc.competencies.map((c) => ({
        code: c.code,
        statement: c.statement,
        blocCode: bloc.code,
        activities: c.activities,
        criteria: c.criteria,
      })),
    }));
  return { referentialVersion: referential.version, blocs, competencies: blocs.flatMap((b) => b.competencies) };
}

export interface VersionContent {
  version: DossierVersionRow;
  narratives: Map<string, NarrativeParts>;
  evidence: EvidenceRow[];
  coverage: DossierCoverage;
}

async function readVersionContent(
  db: Kysely<Database> | Transaction<Database>,
  scope: DossierScope,
  version: DossierVersionRow,
) {
  const [narratives, evidence] = await Promise.all([listNarratives(db, version.id), listEvidence(db, version.id)]);
  const map = new Map(
    narratives.map((n) => [n.competencyCode, { context: n.context, actions: n.actions, results: n.results }]),
  );
  const coverage = dossierCoverage(
    scope.competencies.map((c) => ({ code: c.code, title: c.statement, blocCode: c.blocCode })),
    map,
    evidence,
  );
  return { version, narratives: map, evidence, coverage } satisfies VersionContent;
}

// A filed version never changes (the database refuses it: trigger dossier_versions_frozen), so its content, once
// read, serves every reader of the dossier page and its exports: two queries (the evidence with its links, the
// narratives) fewer per page. Bounded: about 50 KB per 100-file version, the last 64 read. Docs/decisions/035.
const filedContentCache = new BoundedCache<string, VersionContent>(64);

async function readFiledVersionContent(db: Kysely<Database>, scope: DossierScope, version: DossierVersionRow) {
  if (!version.frozenAt) return readVersionContent(db, scope, version);
  // The coverage depends on the blocs in scope as well as on the version.
  const key = `${version.id}:${scope.referentialVersion}:${scope.blocs.map((b) => b.code).join(",")}`;
  const kept = filedContentCache.get(key);
  if (kept) return kept;
  const content = await readVersionContent(db, scope, version);
  filedContentCache.set(key, content);
  return content;
}

/**
 * The candidate's dossier page: the version being written (or, before one is opened, the last one filed), its
 * coverage, and every version filed so far.
 */
export async function readCandidateDossier(db: Kysely<Database>, candidate: { id: string }, candidacyId: string) {
  const candidacy = await getCandidacySummary(db, candidacyId);
  if (!candidacy || candidacy.candidateId !== candidate.id) return null;
  const context = restoreSnapshot(candidacy.snapshot).context;
  const scope = await dossierScope(db, context.referentialVersionId, candidacy.targetBlocCodes);
  const versions = await listDossierVersions(db, candidacyId);
  const current = versions.find((v) => !v.frozenAt) ?? versions.at(-1) ?? null;
  const content = current ? await readVersionContent(db, scope, current) : null;
  const editable = can(
    restoreSnapshot(candidacy.snapshot),
    { userId: candidate.id, role: "candidate" },
    "dossier.edit",
  ).ok;
  const emptyCoverage = dossierCoverage(
    scope.competencies.map((c) => ({ code: c.code, title: c.statement, blocCode: c.blocCode })),
    new Map(),
    [],
  );
  return {
    candidacy: { ...candidacy, stateLabel: stateLabel(candidacy.state) },
    context,
    scope,
    editable,
    /** The version number the candidate is writing: the next to be filed. */
    nextVersion: context.dossier.currentVersion + 1,
    current: content,
    coverage: content?.coverage ?? emptyCoverage,
    versions,
    sentBack: editable ? context.dossier.sentBack : undefined,
  };
}

type LockedCandidacy = NonNullable<Awaited<ReturnType<typeof lockCandidacy>>>;

/** Why the candidate cannot write in their dossier now, or null when they can (the capability table's answer). */
function editRefusal(candidacy: { snapshot: unknown } | undefined, candidate: { id: string }): DocumentRefusal | null {
  if (!candidacy) return refusal(404, "Candidature introuvable.");
  const snapshot = restoreSnapshot(candidacy.snapshot);
  const permission = can(snapshot, { userId: candidate.id, role: "candidate" }, "dossier.edit");
  if (permission.ok) return null;
  if (permission.status === 404) return refusal(404, "Candidature introuvable.");
  const state = stateKey(snapshot);
  return refusal(
    409,
    state === "admissible"
      ? "Commencez votre dossier depuis la page de votre candidature avant d'y écrire."
      : `Votre dossier ne peut plus être modifié à cette étape (${stateLabel(state)}).`,
  );
}

/** Locks the candidate's candidacy and checks it is theirs and open for writing. */
async function lockEditable(
  trx: Transaction<Database>,
  candidate: { id: string },
  candidacyId: string,
): Promise<{ refusal: DocumentRefusal; row?: undefined } | { refusal?: undefined; row: LockedCandidacy }> {
  const row = await lockCandidacy(trx, candidacyId);
  const refused = editRefusal(row, candidate);
  // No refusal means the row exists, is the candidate's and is being written.
  return refused ? { refusal: refused } : { row: row! };
}

/** Checked before an upload's body is read, and again under the lock once the file is stored. */
async function refuseUploadUnlessEditable(db: Kysely<Database>, candidate: { id: string }, candidacyId: string) {
  return editRefusal(await getCandidacySummary(db, candidacyId), candidate);
}

/** The version being written, opened on first use (a copy of the last filed version after a send-back). */
async function ensureDraft(trx: Transaction<Database>, row: LockedCandidacy): Promise<DossierVersionRow> {
  const versions = await listDossierVersions(trx, row.id);
  const draft = versions.find((v) => !v.frozenAt);
  if (draft) return draft;
  const context: CandidacyContext = restoreSnapshot(row.snapshot).context;
  const lastFrozen = versions.at(-1) ?? null;
  return createDraftVersion(trx, row.id, context.dossier.currentVersion + 1, lastFrozen?.id ?? null);
}

/** Inside a write: read with the transaction, never with db (with a pool of one, db would wait for this very trx). */
async function scopeOf(trx: Transaction<Database>, row: LockedCandidacy) {
  return dossierScope(trx, row.referential_version_id, row.target_bloc_codes);
}

export async function saveNarrative(
  db: Kysely<Database>,
  candidate: { id: string },
  candidacyId: string,
  competencyCode: string,
  parts: NarrativeParts,
  now: Date = new Date(),
): Promise<{ ok: true } | DocumentRefusal> {
  return db.transaction().execute(async (trx) => {
    const locked = await lockEditable(trx, candidate, candidacyId);
    if (locked.refusal) return locked.refusal;
    const scope = await scopeOf(trx, locked.row);
    if (!scope.competencies.some((c) => c.code === competencyCode))
      return refusal(404, "Compétence introuvable dans votre dossier.");
    const draft = await ensureDraft(trx, locked.row);
    await upsertNarrative(trx, draft.id, competencyCode, parts, now);
    return { ok: true as const };
  });
}

/** Checks links against the dossier's scope: competencies it aims at, criteria of those competencies only. */
function checkLinks(scope: DossierScope, links: EvidenceLinksForm): Record<string, string> {
  const known = new Map(scope.competencies.map((c) => [c.code, c]));
  const unknown = links.competencyCodes.filter((code) => !known.has(code));
  if (unknown.length > 0)
    return { competencyCodes: `Compétence inconnue ou hors de votre dossier : ${unknown.join(", ")}.` };
  const allowedCriteria = new Set(links.competencyCodes.flatMap((code) => known.get(code)!.criteria.map((c) => c.id)));
  if (links.criterionIds.some((id) => !allowedCriteria.has(id))) {
    return { criterionIds: "Un critère coché n'appartient à aucune des compétences cochées." };
  }
  return {};
}

/** Adds one evidence file to the version being written: streamed to storage, checked, recorded with its links. */
export async function addEvidence(
  db: Kysely<Database>,
  storage: ObjectStorage,
  candidate: { id: string },
  candidacyId: string,
  request: Request,
  limits: UploadLimits,
  now: () => Date = () => new Date(),
): Promise<{ ok: true; documentId: string } | DocumentRefusal> {
  const refused = await refuseUploadUnlessEditable(db, candidate, candidacyId);
  if (refused) return refused;
  const received = await receiveOneFile(storage, candidacyId, request, limits, evidenceLinksSchema);
  if (!received.ok) return received;
  const { file, fields: links, record } = received;
  return record(() =>
    db.transaction().execute(async (trx) => {
      const locked = await lockEditable(trx, candidate, candidacyId);
      if (locked.refusal) return locked.refusal;
      const scope = await scopeOf(trx, locked.row);
      const linkErrors = checkLinks(scope, links);
      if (Object.keys(linkErrors).length > 0) return refusal(400, null, linkErrors);
      const draft = await ensureDraft(trx, locked.row);
      const { count } = await trx
        .selectFrom("dossier_evidence")
        .select((eb) => eb.fn.countAll<string>().as("count"))
        .where("dossier_version_id", "=", draft.id)
        .executeTakeFirstOrThrow();
      if (Number(count) >= MAX_EVIDENCE_PER_VERSION) {
        return refusal(
          409,
          `Un dossier compte au plus ${MAX_EVIDENCE_PER_VERSION} pièces : retirez-en une avant d'en ajouter.`,
        );
      }
      const documentId = await insertDocument(
        trx,
        documentOfUpload(file, candidacyId, "evidence", candidate.id, now()),
      );
      await insertEvidence(trx, draft.id, documentId, links.caption, links);
      await touchDossierVersion(trx, draft.id, now());
      return { ok: true as const, documentId };
    }),
  );
}

/** Changes the caption and links of a piece in the version being written (identified by its file). */
export async function updateEvidence(
  db: Kysely<Database>,
  candidate: { id: string },
  candidacyId: string,
  documentId: string,
  links: EvidenceLinksForm,
  now: Date = new Date(),
): Promise<{ ok: true } | DocumentRefusal> {
  return db.transaction().execute(async (trx) => {
    const locked = await lockEditable(trx, candidate, candidacyId);
    if (locked.refusal) return locked.refusal;
    const scope = await scopeOf(trx, locked.row);
    const linkErrors = checkLinks(scope, links);
    if (Object.keys(linkErrors).length > 0) return refusal(400, null, linkErrors);
    const draft = await ensureDraft(trx, locked.row);
    const evidence = await findEvidenceOfDocument(trx, draft.id, documentId);
    if (!evidence) return refusal(404, "Pièce introuvable dans votre dossier.");
    await updateEvidenceCaption(trx, evidence.id, links.caption);
    await replaceEvidenceLinks(trx, evidence.id, links);
    await touchDossierVersion(trx, draft.id, now);
    return { ok: true as const };
  });
}

/**
 * Replaces the file of a piece in the version being written (a clearer scan, the right attestation): caption and
 * links stay. A filed version that holds the former file keeps it.
 */
export async function replaceEvidenceFile(
  db: Kysely<Database>,
  storage: ObjectStorage,
  candidate: { id: string },
  candidacyId: string,
  documentId: string,
  request: Request,
  limits: UploadLimits,
  now: () => Date = () => new Date(),
): Promise<{ ok: true; documentId: string } | DocumentRefusal> {
  const refused = await refuseUploadUnlessEditable(db, candidate, candidacyId);
  if (refused) return refused;
  const received = await receiveOneFile(storage, candidacyId, request, limits, z.object({}).passthrough());
  if (!received.ok) return received;
  const { file, record } = received;
  const outcome = await record(() =>
    db.transaction().execute(async (trx) => {
      const locked = await lockEditable(trx, candidate, candidacyId);
      if (locked.refusal) return locked.refusal;
      const draft = await ensureDraft(trx, locked.row);
      const evidence = await findEvidenceOfDocument(trx, draft.id, documentId);
      if (!evidence) return refusal(404, "Pièce introuvable dans votre dossier.");
      const replacement = await insertDocument(
        trx,
        documentOfUpload(file, candidacyId, "evidence", candidate.id, now()),
      );
      const formerKey = await replaceEvidenceDocument(trx, evidence.id, documentId, replacement);
      await touchDossierVersion(trx, draft.id, now());
      return { ok: true as const, documentId: replacement, formerKey };
    }),
  );
  if (!outcome.ok) return outcome;
  // A failure here leaves an object without a row: the orphan sweep removes it.
  if (outcome.formerKey) await storage.delete(outcome.formerKey).catch(() => undefined);
  return { ok: true, documentId: outcome.documentId };
}

/** Takes a piece out of the version being written; its file goes too unless a filed version holds it. */
export async function removeEvidence(
  db: Kysely<Database>,
  storage: ObjectStorage,
  candidate: { id: string },
  candidacyId: string,
  documentId: string,
  now: Date = new Date(),
): Promise<{ ok: true } | DocumentRefusal> {
  const outcome = await db.transaction().execute(async (trx) => {
    const locked = await lockEditable(trx, candidate, candidacyId);
    if (locked.refusal) return locked.refusal;
    const draft = await ensureDraft(trx, locked.row);
    const evidence = await findEvidenceOfDocument(trx, draft.id, documentId);
    if (!evidence) return refusal(404, "Pièce introuvable dans votre dossier.");
    const storageKey = await deleteEvidence(trx, evidence.id, documentId);
    await touchDossierVersion(trx, draft.id, now);
    return { ok: true as const, storageKey };
  });
  if (!outcome.ok) return outcome;
  // A failure here leaves an object without a row: the orphan sweep removes it.
  if (outcome.storageKey) await storage.delete(outcome.storageKey).catch(() => undefined);
  return { ok: true };
}

export type SubmitDossierOutcome =
  | { ok: true; version: number }
  | (DocumentRefusal & { missingNarratives?: string[]; withoutEvidence?: string[]; needsConfirmation?: boolean });

/**
 * Files the version being written: every competency must have a narrative; a competency without evidence needs
 * the candidate's explicit confirmation. The version is frozen in the transaction of the workflow event.
 */
export async function submitDossier(
  db: Kysely<Database>,
  candidate: { id: string },
  candidacyId: string,
  options: { confirmWithoutEvidence: boolean },
  now: Date = new Date(),
): Promise<SubmitDossierOutcome> {
  return db.transaction().execute(async (trx): Promise<SubmitDossierOutcome> => {
    const locked = await lockEditable(trx, candidate, candidacyId);
    if (locked.refusal) return locked.refusal;
    const scope = await scopeOf(trx, locked.row);
    const draft = await ensureDraft(trx, locked.row);
    const { coverage } = await readVersionContent(trx, scope, draft);
    if (!coverage.canSubmit) {
      return {
        ...refusal(
          409,
          `Votre dossier ne peut pas être déposé : rédigez d'abord le récit de ${coverage.withoutNarrative.length > 1 ? "ces compétences" : "cette compétence"} : ` +
            `${coverage.withoutNarrative.map((c) => c.code).join(", ")}.`,
        ),
        missingNarratives: coverage.withoutNarrative.map((c) => c.code),
      };
    }
    if (coverage.needsConfirmation && !options.confirmWithoutEvidence) {
      return {
        ...refusal(
          409,
          `Aucune pièce n'illustre ${coverage.withoutEvidence.length > 1 ? "les compétences" : "la compétence"} ` +
            `${coverage.withoutEvidence.map((c) => c.code).join(", ")}. Ajoutez-en, ou confirmez le dépôt sans pièce pour ` +
            `${coverage.withoutEvidence.length > 1 ? "celles-ci" : "celle-ci"}.`,
        ),
        withoutEvidence: coverage.withoutEvidence.map((c) => c.code),
        needsConfirmation: true,
      };
    }
    const outcome = await applyCandidacyEvent(
      trx,
      candidacyId,
      {
        type: "SUBMIT_DOSSIER",
        version: draft.version,
        actor: { type: "user", userId: candidate.id, role: "candidate" },
        at: now.toISOString(),
      },
      locked.row,
    );
    if (!outcome.ok) return refusal(409, outcome.message);
    await freezeDossierVersion(trx, draft.id, candidate.id, now);
    return { ok: true, version: draft.version };
  });
}

/**
 * In which role this person reads the filed dossier, by the capability table's `dossier.view`: the candidate
 * their own, certifier staff, and the assigned evaluators once they have declared no link with the candidate.
 */
export function dossierReaderRole(
  user: { id: string; roles: readonly Role[] },
  snapshot: CandidacySnapshot,
): "candidate" | "evaluator" | "certifier_staff" | null {
  const readers = ["candidate", "certifier_staff", "evaluator"] as const;
  return (
    readers.find((role) => user.roles.includes(role) && can(snapshot, { userId: user.id, role }, "dossier.view").ok) ??
    null
  );
}

/**
 * A filed version of a dossier as its readers see it, with what changed since the previous filed version. Drafts
 * are never shown here: evaluators read exactly what was filed.
 */
export async function readFiledDossier(
  db: Kysely<Database>,
  user: { id: string; roles: readonly Role[] },
  candidacyId: string,
  requestedVersion: number | null,
) {
  const candidacy = await getCandidacySummary(db, candidacyId);
  if (!candidacy) return null;
  const snapshot = restoreSnapshot(candidacy.snapshot);
  const context = snapshot.context;
  const readerRole = dossierReaderRole(user, snapshot);
  if (!readerRole) return null;
  const filed = (await listDossierVersions(db, candidacyId)).filter((v) => v.frozenAt);
  const scope = await dossierScope(db, context.referentialVersionId, candidacy.targetBlocCodes);
  const base = {
    candidacy: { ...candidacy, stateLabel: stateLabel(candidacy.state) },
    readerRole,
    scope,
    versions: filed,
  };
  if (filed.length === 0) return { ...base, content: null, previous: null, changes: null };
  const version = requestedVersion === null ? filed.at(-1)! : filed.find((v) => v.version === requestedVersion);
  if (!version) return { ...base, content: null, previous: null, changes: null };
  const content = await readFiledVersionContent(db, scope, version);
  const previousVersion = filed.filter((v) => v.version < version.version).at(-1);
  let previous: VersionContent | null = null;
  let changes: DossierChanges | null = null;
  if (previousVersion) {
    previous = await readFiledVersionContent(db, scope, previousVersion);
    changes = compareDossierVersions(previous, content);
  }
  return { ...base, content, previous, changes };
}

/**
 * A filed version as the dossier exports (PDF, ZIP of evidence) read it, for someone allowed to read it; null
 * (→ 404) when the version does not exist or was not filed, or the person may not read it.
 */
export async function readDossierExport(
  db: Kysely<Database>,
  user: { id: string; roles: readonly Role[] },
  candidacyId: string,
  version: number,
): Promise<DossierExport | null> {
  const dossier = await readFiledDossier(db, user, candidacyId, version);
  if (!dossier?.content) return null;
  const { candidacy, content, scope } = dossier;
  const criteriaText = new Map(scope.competencies.flatMap((c) => c.criteria.map((cr) => [cr.id, cr.text] as const)));
  const evidence = content.evidence.map((e, index) => ({
    id: e.documentId,
    position: index + 1,
    originalName: e.originalName,
    mediaType: e.mediaType,
    byteSize: e.byteSize,
    sha256: e.sha256,
    caption: e.caption,
    competencyCodes: e.competencyCodes,
    criteria: e.criterionIds.map((id) => criteriaText.get(id) ?? id),
    storageKey: e.storageKey,
    downloadPath: `/fichiers/${e.documentId}`,
  }));
  return {
    candidate: { fullName: candidacy.candidateName, email: candidacy.candidateEmail },
    certification: { code: candidacy.certificationCode, title: candidacy.certificationTitle },
    referentialLabel: `Référentiel ${scope.referentialVersion}`,
    version: content.version.version,
    frozenAt: content.version.frozenAt!.toISOString(),
    candidacyReference: candidacyReference(candidacy.id, candidacy.requestedAt, candidacy.createdAt),
    blocs: scope.blocs.map((bloc) => ({
      code: bloc.code,
      number: bloc.number,
      title: bloc.title,
      competencies: bloc.competencies.map((c) => {
        const narrative = content.narratives.get(c.code);
        return {
          code: c.code,
          title: c.statement,
          narrative: narrative && NARRATIVE_PARTS.some((p) => narrative[p].trim() !== "") ? narrative : null,
          evidenceIds: evidence.filter((e) => e.competencyCodes.includes(c.code)).map((e) => e.id),
        };
      }),
    })),
    evidence,
  };
}
