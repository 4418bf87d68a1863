// The candidate's files end to end through the services, on a real database and on both storage backends (a local
// folder, and an S3-protocol server started here): typed admissibility documents and the experience they declare,
// who may read which file, identity documents removed once admissibility is decided, the dossier with evidence
// mapped to competencies, frozen versions, send-back and comparison, exports, the orphan sweep, and the refusals.
import { formAlertOf } from "../../workflows/refusal";
import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { Kysely } from "kysely";
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type CandidacyOutcome, createCandidacy, sendCandidacyEvent } from "../../app/services/candidacies.server";
import { buildDossierPdf } from "../../app/services/dossier-export/dossier-pdf.server";
import {
  addAdmissibilityDocument,
  findReadableDocument,
  readAdmissibilityDocuments,
  removeAdmissibilityDocument,
  sweepOrphanObjects,
} from "../../app/services/documents.server";
import {
  addEvidence,
  readCandidateDossier,
  readDossierExport,
  readFiledDossier,
  removeEvidence,
  replaceEvidenceFile,
  saveNarrative,
  submitDossier,
  updateEvidence,
} from "../../app/services/dossiers.server";
import { createMailer } from "../../app/services/mailer.server";
import { outboxDeliverer } from "../../app/services/outbox-delivery.server";
import { type ObjectStorage, createStorage } from "../../app/services/storage";
import { deliverOutbox } from "../../app/services/worker.server";
import type { Database, Role } from "../../db/schema";
import type { CandidacyEvent } from "../../workflows/candidacy-machine";
import { elfBytes, multipartRequest, pdfBytes, pngBytes } from "./support/candidate-files";
import { CQP_CODE, attachRequestDocuments, createUser, seedCertifications } from "./support/fixtures";
import { type TestS3Server, startS3Server } from "./support/s3-server";
import { s3StorageOn } from "./support/storage-backends";
import { type TestDatabase, createTestDatabase, truncateAll } from "./support/test-database";

const LIMIT = 256 * 1024;
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

let testDb: TestDatabase;
let db: Kysely<Database>;
let s3: TestS3Server;
let folder: string;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.handle.db;
  s3 = await startS3Server();
  folder = mkdtempSync(path.join(tmpdir(), "vae-documents-"));
});
afterAll(async () => {
  await testDb?.drop();
  await s3?.stop();
  await rm(folder, { recursive: true, force: true });
});

const backends: Array<[string, () => ObjectStorage]> = [
  [
    "local folder",
    () => createStorage({ kind: "local", root: path.join(folder, `run-${Date.now()}-${Math.random()}`) }),
  ],
  ["S3 server", () => s3StorageOn(s3)],
];

async function storedKeys(storage: ObjectStorage, prefix = "candidacies/"): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of storage.list(prefix)) keys.push(object.key);
  return keys.sort();
}

async function readObject(storage: ObjectStorage, key: string): Promise<Buffer> {
  const object = await storage.get(key);
  if (!object) throw new Error(`no object at ${key}`);
  const chunks: Buffer[] = [];
  for await (const chunk of object.body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function ok(outcome: CandidacyOutcome) {
  if (!outcome.ok) throw new Error(`refused: ${outcome.code} ${outcome.message}`);
  return outcome;
}

const user = (id: string, role: Role) => ({ id, roles: [role] as Role[] });

describe.each(backends)("candidate files (%s)", (_name, makeStorage) => {
  let storage: ObjectStorage;
  let candidateId: string;
  let otherCandidateId: string;
  let officerId: string;
  let staffId: string;
  let evaluatorA: string;
  let evaluatorB: string;
  let outsiderEvaluator: string;
  let candidacyId: string;
  let clock: number;

  const at = () => new Date(clock).toISOString();
  const actor = (userId: string, role: Role) => ({ type: "user" as const, userId, role });
  const send = (event: CandidacyEvent) => sendCandidacyEvent(db, candidacyId, event);
  const addDocument = (
    fields: Record<string, string | string[]>,
    file: { name: string; bytes: Uint8Array } | null,
    who = candidateId,
  ) =>
    addAdmissibilityDocument(db, storage, { id: who }, candidacyId, multipartRequest(fields, file), {
      maxFileBytes: LIMIT,
    });
  const activityProof = {
    kind: "activity_proof",
    proofType: "employer_attestation",
    employer: "Boulangerie du Marché",
    periodStart: "2022-01-01",
    periodEnd: "2023-12-31",
  };
  /** The documents a request cannot be filed without, uploaded. */
  async function addRequiredDocuments() {
    for (const [fields, name] of [
      [{ kind: "identity" }, "cni.pdf"],
      [activityProof, "attestation.pdf"],
      [{ kind: "sworn_statement" }, "engagement.pdf"],
    ] as const) {
      expect(await addDocument(fields, { name, bytes: pdfBytes(name) })).toMatchObject({ ok: true });
    }
  }

  beforeEach(async () => {
    await truncateAll(testDb.handle);
    await seedCertifications(db);
    storage = makeStorage();
    // Each test starts from an empty store, as from an empty database.
    for (const key of await storedKeys(storage)) await storage.delete(key);
    candidateId = await createUser(db, "candidate", "Camille Martin");
    otherCandidateId = await createUser(db, "candidate", "Dominique Autre");
    officerId = await createUser(db, "admissibility_officer");
    staffId = await createUser(db, "certifier_staff");
    evaluatorA = await createUser(db, "evaluator");
    evaluatorB = await createUser(db, "evaluator");
    outsiderEvaluator = await createUser(db, "evaluator");
    candidacyId = ok(await createCandidacy(db, candidateId, CQP_CODE)).candidacyId;
    clock = Date.parse("2026-03-02T09:00:00.000Z");
  });

  describe("admissibility documents", () => {
    it("stores typed documents, adds up the declared experience once per day, and lets the candidate remove one", async () => {
      const identity = pdfBytes("identity");
      const added = await addDocument({ kind: "identity" }, { name: "carte-identite.pdf", bytes: identity });
      expect(added).toMatchObject({ ok: true });
      await addDocument(activityProof, { name: "attestation.pdf", bytes: pdfBytes("attestation") });
      // The payslips of months the attestation already covers add nothing; the next job adds six months.
      await addDocument(
        { ...activityProof, proofType: "payslips", periodStart: "2023-06-01", periodEnd: "2024-06-30" },
        { name: "bulletins.png", bytes: pngBytes() },
      );
      await addDocument(
        {
          ...activityProof,
          employer: "Garage",
          relatedToCqp: "no",
          periodStart: "2019-01-01",
          periodEnd: "2020-12-31",
        },
        { name: "garage.pdf", bytes: pdfBytes("garage") },
      );
      const read = await readAdmissibilityDocuments(db, candidacyId);
      expect(read.documents.map((d) => [d.kind, d.originalName, d.mediaType])).toEqual([
        ["identity", "carte-identite.pdf", "application/pdf"],
        ["activity_proof", "attestation.pdf", "application/pdf"],
        ["activity_proof", "bulletins.png", "image/png"],
        ["activity_proof", "garage.pdf", "application/pdf"],
      ]);
      expect(read.experience).toMatchObject({ months: 30, remainingDays: 0, from: "2022-01-01", to: "2024-06-30" });
      expect(read.hasIdentity && read.hasActivityProof).toBe(true);
      const identityRow = read.documents[0]!;
      expect(identityRow.sha256).toBe(sha256(identity));
      const row = await db
        .selectFrom("documents")
        .selectAll()
        .where("id", "=", identityRow.id)
        .executeTakeFirstOrThrow();
      expect(row.storage_key).toMatch(new RegExp(`^candidacies/${candidacyId}/files/[0-9a-f]{32}$`));
      expect(await readObject(storage, row.storage_key)).toEqual(identity);

      expect(await removeAdmissibilityDocument(db, storage, { id: candidateId }, candidacyId, identityRow.id)).toEqual({
        ok: true,
      });
      expect((await readAdmissibilityDocuments(db, candidacyId)).documents).toHaveLength(3);
      expect(await storage.head(row.storage_key)).toBeNull();
    });

    it("refuses bad input with a French message, writing no row and leaving no object", async () => {
      const refusals = [
        await addDocument(
          { kind: "activity_proof", proofType: "payslips" },
          { name: "sans-periode.pdf", bytes: pdfBytes() },
        ),
        await addDocument(
          { ...activityProof, periodEnd: "2021-01-01" },
          { name: "periode-inversee.pdf", bytes: pdfBytes() },
        ),
        await addDocument({ kind: "identity" }, { name: "vide.pdf", bytes: new Uint8Array() }),
        await addDocument({ kind: "identity" }, { name: "programme.pdf", bytes: elfBytes() }),
        await addDocument(
          { kind: "identity" },
          { name: "enorme.pdf", bytes: Buffer.concat([pdfBytes(), Buffer.alloc(LIMIT)]) },
        ),
        await addDocument({ kind: "identity" }, null),
        await addDocument({ kind: "prior_certificate", priorBlocCodes: "B9" }, { name: "bloc.pdf", bytes: pdfBytes() }),
      ];
      expect(refusals.map((r) => (r.ok ? "accepted" : (formAlertOf(r) ?? Object.values(r.fieldErrors)[0])))).toEqual([
        "Indiquez le début de la période couverte.",
        "La fin de la période doit suivre son début.",
        "Le fichier « vide.pdf » est vide.",
        expect.stringContaining("n'est pas d'un type accepté"),
        expect.stringMatching(/« enorme\.pdf » dépasse la taille maximale autorisée de 256 Ko/),
        "Choisissez le fichier à joindre.",
        "Bloc inconnu ou déjà acquis : B9.",
      ]);
      // What was typed comes back with the refusal, to fill the form in again (a page without JavaScript reloads).
      expect(refusals[0]).toMatchObject({ values: { kind: "activity_proof", proofType: "payslips" } });
      expect(refusals[3]).toMatchObject({ values: { kind: "identity" } });
      expect(refusals[6]).toMatchObject({ values: { kind: "prior_certificate", priorBlocCodes: "B9" } });
      expect(await db.selectFrom("documents").select("id").execute()).toEqual([]);
      expect(await storedKeys(storage)).toEqual([]);
    });

    it("keeps a clean display name and never uses it for the storage key", async () => {
      const outcome = await addDocument(
        { kind: "other" },
        { name: "../../etc/\u0007fact\u202Eure.pdf", bytes: pdfBytes() },
      );
      if (!outcome.ok) throw new Error(outcome.message);
      const row = await db
        .selectFrom("documents")
        .selectAll()
        .where("id", "=", outcome.documentId)
        .executeTakeFirstOrThrow();
      expect(row.original_name).toBe("facture.pdf");
      expect(row.storage_key).not.toContain("fact");
    });

    it("accepts documents only from the candidacy's candidate, and only while the request is open", async () => {
      const intruder = await addDocument({ kind: "identity" }, { name: "x.pdf", bytes: pdfBytes() }, otherCandidateId);
      expect(intruder).toMatchObject({ ok: false, status: 404, message: "Candidature introuvable." });
      expect(await db.selectFrom("documents").select("id").execute()).toEqual([]);
      expect(await storedKeys(storage)).toEqual([]);
      await addRequiredDocuments();
      ok(await send({ type: "SUBMIT_REQUEST", sworn: true, actor: actor(candidateId, "candidate"), at: at() }));
      const filedKeys = await storedKeys(storage);
      const late = await addDocument({ kind: "identity" }, { name: "x.pdf", bytes: pdfBytes() });
      expect(late).toMatchObject({ ok: false, status: 409 });
      expect(await db.selectFrom("documents").select("id").execute()).toHaveLength(3);
      expect(await storedKeys(storage)).toEqual(filedKeys);
      // Marked incomplete: the candidate completes the request.
      ok(await send({ type: "OPEN_REVIEW", actor: actor(officerId, "admissibility_officer"), at: at() }));
      ok(
        await send({
          type: "MARK_INCOMPLETE",
          reason: "Pièce d'identité manquante",
          actor: actor(officerId, "admissibility_officer"),
          at: at(),
        }),
      );
      expect(await addDocument({ kind: "identity" }, { name: "cni.pdf", bytes: pdfBytes() })).toMatchObject({
        ok: true,
      });
    });

    it("lets each role read only what it must, and removes the identity document once admissibility is decided", async () => {
      const identity = await addDocument({ kind: "identity" }, { name: "cni.pdf", bytes: pdfBytes("cni") });
      const proof = await addDocument(activityProof, { name: "attestation.pdf", bytes: pdfBytes("attestation") });
      if (!identity.ok || !proof.ok) throw new Error("upload refused");
      expect(
        await addDocument({ kind: "sworn_statement" }, { name: "engagement.pdf", bytes: pdfBytes("engagement") }),
      ).toMatchObject({ ok: true });
      const reads = async (documentId: string) => ({
        owner: !!(await findReadableDocument(db, user(candidateId, "candidate"), documentId)),
        otherCandidate: !!(await findReadableDocument(db, user(otherCandidateId, "candidate"), documentId)),
        officer: !!(await findReadableDocument(db, user(officerId, "admissibility_officer"), documentId)),
        evaluator: !!(await findReadableDocument(db, user(evaluatorA, "evaluator"), documentId)),
        staff: !!(await findReadableDocument(db, user(staffId, "certifier_staff"), documentId)),
      });
      // A draft request is the candidate's alone (and staff's).
      expect(await reads(proof.documentId)).toEqual({
        owner: true,
        otherCandidate: false,
        officer: false,
        evaluator: false,
        staff: true,
      });
      ok(await send({ type: "SUBMIT_REQUEST", sworn: true, actor: actor(candidateId, "candidate"), at: at() }));
      expect(await reads(proof.documentId)).toEqual({
        owner: true,
        otherCandidate: false,
        officer: true,
        evaluator: false,
        staff: true,
      });
      expect(await findReadableDocument(db, user(candidateId, "candidate"), "not-a-uuid")).toBeNull();

      ok(await send({ type: "OPEN_REVIEW", actor: actor(officerId, "admissibility_officer"), at: at() }));
      ok(await send({ type: "DECLARE_ADMISSIBLE", actor: actor(officerId, "admissibility_officer"), at: at() }));
      const mailer = createMailer({
        from: "Portail VAE <ne-pas-repondre@vae.localhost>",
        smtpUrl: undefined,
        mailDir: path.join(folder, `mail-${Date.now()}`),
      });
      const deliver = outboxDeliverer(db, mailer, storage, "https://vae.exemple.fr");
      // Delivered twice (at least once): the second run finds nothing left to do.
      await deliverOutbox(db, deliver, new Date(clock + 60_000));
      await db
        .updateTable("outbox")
        .set({ processed_at: null, locked_until: null })
        .where("topic", "=", "documents.purge_identity")
        .execute();
      const second = await deliverOutbox(db, deliver, new Date(clock + 120_000));
      expect(second.failed).toBe(0);

      const read = await readAdmissibilityDocuments(db, candidacyId);
      const [identityView, proofView] = read.documents;
      expect(identityView).toMatchObject({
        kind: "identity",
        purgedAt: expect.any(String),
        checkedAt: expect.any(String),
      });
      expect(proofView).toMatchObject({ purgedAt: null, checkedAt: expect.any(String) });
      const identityRow = await db
        .selectFrom("documents")
        .selectAll()
        .where("id", "=", identity.documentId)
        .executeTakeFirstOrThrow();
      expect(await storage.head(identityRow.storage_key)).toBeNull();
      const proofRow = await db
        .selectFrom("documents")
        .selectAll()
        .where("id", "=", proof.documentId)
        .executeTakeFirstOrThrow();
      expect(await storage.head(proofRow.storage_key)).not.toBeNull();
      const checkedBy = await db.selectFrom("admissibility_documents").select("checked_by").execute();
      expect(checkedBy.every((r) => r.checked_by === officerId)).toBe(true);
    });
  });

  it("refuses the identity document as soon as the admissibility decision is committed, before its removal runs", async () => {
    const identity = await addDocument({ kind: "identity" }, { name: "cni.pdf", bytes: pdfBytes("cni") });
    const proof = await addDocument(activityProof, { name: "attestation.pdf", bytes: pdfBytes("attestation") });
    if (!identity.ok || !proof.ok) throw new Error("upload refused");
    expect(
      await addDocument({ kind: "sworn_statement" }, { name: "engagement.pdf", bytes: pdfBytes("engagement") }),
    ).toMatchObject({ ok: true });
    ok(await send({ type: "SUBMIT_REQUEST", sworn: true, actor: actor(candidateId, "candidate"), at: at() }));
    ok(await send({ type: "OPEN_REVIEW", actor: actor(officerId, "admissibility_officer"), at: at() }));
    const officerReads = () => findReadableDocument(db, user(officerId, "admissibility_officer"), identity.documentId);
    // Before the decision the officer reads it to check it.
    expect(await officerReads()).toMatchObject({ id: identity.documentId, purgedAt: null });

    clock += 60_000;
    ok(
      await send({
        type: "DECLARE_INADMISSIBLE",
        reason: "Expérience sans rapport avec le CQP",
        actor: actor(officerId, "admissibility_officer"),
        at: at(),
      }),
    );
    // The removal is waiting in the outbox, the object is still stored: the file is nonetheless gone for everyone.
    expect(
      await db
        .selectFrom("outbox")
        .select("id")
        .where("topic", "=", "documents.purge_identity")
        .where("processed_at", "is", null)
        .execute(),
    ).toHaveLength(1);
    const row = await db
      .selectFrom("documents")
      .selectAll()
      .where("id", "=", identity.documentId)
      .executeTakeFirstOrThrow();
    expect(row.purged_at).toBeNull();
    expect(await storage.head(row.storage_key)).not.toBeNull();
    for (const reader of [
      user(officerId, "admissibility_officer"),
      user(candidateId, "candidate"),
      user(staffId, "certifier_staff"),
    ]) {
      expect((await findReadableDocument(db, reader, identity.documentId))?.purgedAt).toEqual(new Date(at()));
    }
    // Only the identity document goes: the proof of activity stays readable.
    expect(await findReadableDocument(db, user(officerId, "admissibility_officer"), proof.documentId)).toMatchObject({
      purgedAt: null,
    });
  });

  describe("the declarative dossier", () => {
    const narrative = (text: string) => ({
      context: `Contexte ${text}`,
      actions: `J'ai ${text}`,
      results: `Résultat ${text}`,
    });
    let competencies: string[];

    async function openDossier() {
      await attachRequestDocuments(db, candidacyId);
      ok(await send({ type: "SUBMIT_REQUEST", sworn: true, actor: actor(candidateId, "candidate"), at: at() }));
      ok(await send({ type: "OPEN_REVIEW", actor: actor(officerId, "admissibility_officer"), at: at() }));
      ok(await send({ type: "DECLARE_ADMISSIBLE", actor: actor(officerId, "admissibility_officer"), at: at() }));
      ok(await send({ type: "START_DOSSIER", actor: actor(candidateId, "candidate"), at: at() }));
      const dossier = await readCandidateDossier(db, { id: candidateId }, candidacyId);
      competencies = dossier!.scope.competencies.map((c) => c.code);
    }

    const evidence = (
      fields: Record<string, string | string[]>,
      name: string,
      bytes: Uint8Array = pdfBytes(name),
      who = candidateId,
    ) =>
      addEvidence(db, storage, { id: who }, candidacyId, multipartRequest(fields, { name, bytes }), {
        maxFileBytes: LIMIT,
      });

    async function writeAllNarratives() {
      for (const code of competencies) {
        expect(await saveNarrative(db, { id: candidateId }, candidacyId, code, narrative(code))).toEqual({ ok: true });
      }
    }

    it("maps one file to several competencies and criteria, and shows the coverage", async () => {
      await openDossier();
      const scope = (await readCandidateDossier(db, { id: candidateId }, candidacyId))!.scope;
      const criterion = scope.competencies[1]!.criteria[0]!;
      const added = await evidence(
        {
          caption: "Attestation de mon responsable",
          competencyCodes: [competencies[0]!, competencies[1]!],
          criterionIds: criterion.id,
        },
        "attestation.pdf",
      );
      expect(added).toMatchObject({ ok: true });
      await saveNarrative(db, { id: candidateId }, candidacyId, competencies[0]!, narrative("accueil"));
      const dossier = (await readCandidateDossier(db, { id: candidateId }, candidacyId))!;
      expect(dossier.nextVersion).toBe(1);
      expect(dossier.current!.evidence[0]).toMatchObject({
        caption: "Attestation de mon responsable",
        competencyCodes: [competencies[0], competencies[1]],
        criterionIds: [criterion.id],
      });
      const rows = new Map(dossier.coverage.competencies.map((c) => [c.code, c]));
      expect(rows.get(competencies[0]!)).toMatchObject({ hasNarrative: true, evidenceCount: 1 });
      expect(rows.get(competencies[1]!)).toMatchObject({ hasNarrative: false, evidenceCount: 1 });
      expect(rows.get(competencies[2]!)).toMatchObject({ hasNarrative: false, evidenceCount: 0 });
    });

    it("refuses evidence that maps nowhere or elsewhere, and edits by anyone but the candidate", async () => {
      await openDossier();
      const scope = (await readCandidateDossier(db, { id: candidateId }, candidacyId))!.scope;
      const foreignCriterion = scope.competencies[5]!.criteria[0]!.id;
      const refusals = [
        await evidence({ caption: "Sans compétence" }, "a.pdf"),
        await evidence({ caption: "Hors dossier", competencyCodes: "C9.9" }, "b.pdf"),
        await evidence(
          {
            caption: "Critère d'une autre compétence",
            competencyCodes: competencies[0]!,
            criterionIds: foreignCriterion,
          },
          "c.pdf",
        ),
        await evidence({ caption: "x", competencyCodes: competencies[0]! }, "d.pdf"),
        await evidence({ caption: "Exécutable", competencyCodes: competencies[0]! }, "e.pdf", elfBytes()),
        await evidence({ caption: "Intrus", competencyCodes: competencies[0]! }, "f.pdf", pdfBytes(), otherCandidateId),
      ];
      expect(refusals.map((r) => (r.ok ? "accepted" : (formAlertOf(r) ?? Object.values(r.fieldErrors)[0])))).toEqual([
        "Cochez au moins une compétence que cette pièce illustre.",
        "Compétence inconnue ou hors de votre dossier : C9.9.",
        "Un critère coché n'appartient à aucune des compétences cochées.",
        expect.stringContaining("Décrivez la pièce"),
        expect.stringContaining("n'est pas d'un type accepté"),
        "Candidature introuvable.",
      ]);
      expect(await db.selectFrom("documents").select("id").where("purpose", "=", "evidence").execute()).toEqual([]);
      expect(await storedKeys(storage)).toEqual([]);
      expect(
        await saveNarrative(db, { id: otherCandidateId }, candidacyId, competencies[0]!, narrative("x")),
      ).toMatchObject({ status: 404 });
      expect(await saveNarrative(db, { id: candidateId }, candidacyId, "C9.9", narrative("x"))).toMatchObject({
        status: 404,
      });
    });

    it("replaces the file of a piece never filed, removing the former object, and refuses a bad replacement", async () => {
      await openDossier();
      const first = await evidence(
        { caption: "Planning de la semaine", competencyCodes: competencies[0]! },
        "planning.pdf",
      );
      if (!first.ok) throw new Error("upload refused");
      const formerKey = (
        await db
          .selectFrom("documents")
          .select("storage_key")
          .where("id", "=", first.documentId)
          .executeTakeFirstOrThrow()
      ).storage_key;
      const replace = (name: string, bytes: Uint8Array) =>
        replaceEvidenceFile(
          db,
          storage,
          { id: candidateId },
          candidacyId,
          first.documentId,
          multipartRequest({}, { name, bytes }),
          {
            maxFileBytes: LIMIT,
          },
        );
      expect(await replace("programme.pdf", elfBytes())).toMatchObject({ ok: false, status: 415 });
      const replaced = await replace("planning-corrige.png", pngBytes());
      if (!replaced.ok) throw new Error("replace refused");
      expect(await storage.head(formerKey)).toBeNull();
      expect(
        await db.selectFrom("documents").select("id").where("id", "=", first.documentId).executeTakeFirst(),
      ).toBeUndefined();
      const [piece] = (await readCandidateDossier(db, { id: candidateId }, candidacyId))!.current!.evidence;
      expect(piece).toMatchObject({
        documentId: replaced.documentId,
        originalName: "planning-corrige.png",
        caption: "Planning de la semaine",
        position: 1,
      });
      expect(await storedKeys(storage)).toEqual([piece!.storageKey]);
    });

    it("takes 20 parallel uploads of one candidate, each whole and numbered once", async () => {
      await openDossier();
      const files = Array.from({ length: 20 }, (_, i) => pdfBytes(`piece-${i}`));
      const outcomes = await Promise.all(
        files.map((bytes, i) =>
          evidence({ caption: `Pièce numéro ${i}`, competencyCodes: competencies[i % 3]! }, `piece-${i}.pdf`, bytes),
        ),
      );
      expect(outcomes.every((o) => o.ok)).toBe(true);
      const dossier = (await readCandidateDossier(db, { id: candidateId }, candidacyId))!;
      expect(dossier.current!.evidence.map((e) => e.position)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      for (const piece of dossier.current!.evidence) {
        const index = Number(piece.caption.replace("Pièce numéro ", ""));
        expect(piece.sha256).toBe(sha256(files[index]!));
        expect(sha256(await readObject(storage, piece.storageKey))).toBe(piece.sha256);
      }
    });

    it("lists what is missing, asks confirmation for competencies without evidence, then freezes the version", async () => {
      await openDossier();
      await evidence(
        { caption: "Attestation de mon responsable", competencyCodes: competencies[0]! },
        "attestation.pdf",
      );
      const early = await submitDossier(db, { id: candidateId }, candidacyId, { confirmWithoutEvidence: true });
      expect(early).toMatchObject({ ok: false, status: 409, missingNarratives: competencies });
      expect(early.ok ? "" : early.message).toContain("rédigez d'abord le récit");

      await writeAllNarratives();
      const unconfirmed = await submitDossier(db, { id: candidateId }, candidacyId, { confirmWithoutEvidence: false });
      expect(unconfirmed).toMatchObject({ ok: false, needsConfirmation: true, withoutEvidence: competencies.slice(1) });
      const state = await db
        .selectFrom("candidacies")
        .select("state")
        .where("id", "=", candidacyId)
        .executeTakeFirstOrThrow();
      expect(state.state).toBe("dossier.inProgress");

      expect(await submitDossier(db, { id: candidateId }, candidacyId, { confirmWithoutEvidence: true })).toEqual({
        ok: true,
        version: 1,
      });
      const versions = await db
        .selectFrom("dossier_versions")
        .selectAll()
        .where("candidacy_id", "=", candidacyId)
        .execute();
      expect(versions).toMatchObject([{ version: 1, frozen_at: expect.any(Date), frozen_by: candidateId }]);
      const after = await db
        .selectFrom("candidacies")
        .select("state")
        .where("id", "=", candidacyId)
        .executeTakeFirstOrThrow();
      expect(after.state).toBe("dossier.submitted");

      // A filed version cannot be edited: neither through the service nor behind its back.
      expect(await saveNarrative(db, { id: candidateId }, candidacyId, competencies[0]!, narrative("x"))).toMatchObject(
        { ok: false, status: 409 },
      );
      const [piece] = (await readCandidateDossier(db, { id: candidateId }, candidacyId))!.current!.evidence;
      expect(await removeEvidence(db, storage, { id: candidateId }, candidacyId, piece!.documentId)).toMatchObject({
        ok: false,
        status: 409,
      });
      await expect(
        db
          .updateTable("dossier_narratives")
          .set({ actions: "altered" })
          .where("dossier_version_id", "=", versions[0]!.id)
          .execute(),
      ).rejects.toThrow(/frozen/);
      await expect(
        db.deleteFrom("dossier_evidence").where("dossier_version_id", "=", versions[0]!.id).execute(),
      ).rejects.toThrow(/frozen/);
      await expect(
        db.updateTable("dossier_versions").set({ frozen_at: null }).where("id", "=", versions[0]!.id).execute(),
      ).rejects.toThrow(/frozen/);
    });

    it("after a send-back, version 2 is amended while version 1 stays as filed, and readers see what changed", async () => {
      await openDossier();
      const kept = await evidence(
        { caption: "Attestation de mon responsable", competencyCodes: competencies[0]! },
        "attestation.pdf",
      );
      const dropped = await evidence(
        { caption: "Photo de mon rayon", competencyCodes: competencies[1]! },
        "rayon.png",
        pngBytes(),
      );
      if (!kept.ok || !dropped.ok) throw new Error("upload refused");
      await writeAllNarratives();
      expect(await submitDossier(db, { id: candidateId }, candidacyId, { confirmWithoutEvidence: true })).toEqual({
        ok: true,
        version: 1,
      });
      ok(
        await send({
          type: "ASSIGN_PAIR",
          evaluatorAId: evaluatorA,
          evaluatorBId: evaluatorB,
          presidentId: evaluatorA,
          actor: actor(staffId, "certifier_staff"),
          at: at(),
        }),
      );
      // The assigned evaluators read the filed files once they have declared no link with the candidate; another
      // evaluator never does.
      expect(await findReadableDocument(db, user(evaluatorA, "evaluator"), kept.documentId)).toBeNull();
      ok(await send({ type: "START_SCORING", noLink: true, actor: actor(evaluatorA, "evaluator"), at: at() }));
      expect(await findReadableDocument(db, user(evaluatorA, "evaluator"), kept.documentId)).not.toBeNull();
      expect(await findReadableDocument(db, user(outsiderEvaluator, "evaluator"), kept.documentId)).toBeNull();
      expect(await readFiledDossier(db, user(outsiderEvaluator, "evaluator"), candidacyId, null)).toBeNull();

      ok(
        await send({
          type: "SEND_BACK_DOSSIER",
          reason: "Précisez C1.2",
          actor: actor(evaluatorA, "evaluator"),
          at: at(),
        }),
      );
      const v1Files = await storedKeys(storage);
      expect(await removeEvidence(db, storage, { id: candidateId }, candidacyId, dropped.documentId)).toEqual({
        ok: true,
      });
      await saveNarrative(db, { id: candidateId }, candidacyId, competencies[1]!, {
        ...narrative(competencies[1]!),
        results: "Précisé",
      });
      const added = await evidence(
        { caption: "Fiche de suivi client", competencyCodes: competencies[1]! },
        "suivi.pdf",
      );
      if (!added.ok) throw new Error("upload refused");
      expect(
        await updateEvidence(db, { id: candidateId }, candidacyId, kept.documentId, {
          caption: "Attestation signée de mon responsable",
          competencyCodes: [competencies[0]!],
          criterionIds: [],
        }),
      ).toEqual({ ok: true });
      // A clearer scan for the kept piece: caption and links stay; version 1 keeps the former file.
      const scan = pdfBytes("scan-net");
      const replaced = await replaceEvidenceFile(
        db,
        storage,
        { id: candidateId },
        candidacyId,
        kept.documentId,
        multipartRequest({}, { name: "attestation-nette.pdf", bytes: scan }),
        { maxFileBytes: LIMIT },
      );
      if (!replaced.ok) throw new Error(replaced.message);
      expect(
        await replaceEvidenceFile(
          db,
          storage,
          { id: otherCandidateId },
          candidacyId,
          kept.documentId,
          multipartRequest({}, { name: "x.pdf", bytes: scan }),
          {
            maxFileBytes: LIMIT,
          },
        ),
      ).toMatchObject({ ok: false, status: 404 });
      // Version 1's files are all still there; the draft's new files are not readable by evaluators yet.
      expect(await storedKeys(storage)).toEqual(expect.arrayContaining(v1Files));
      expect(await findReadableDocument(db, user(evaluatorA, "evaluator"), dropped.documentId)).not.toBeNull();
      expect(await findReadableDocument(db, user(evaluatorA, "evaluator"), added.documentId)).toBeNull();
      expect(await findReadableDocument(db, user(evaluatorA, "evaluator"), replaced.documentId)).toBeNull();
      const v1 = await readFiledDossier(db, user(evaluatorA, "evaluator"), candidacyId, 1);
      expect(v1!.content!.evidence.map((e) => e.originalName)).toEqual(["attestation.pdf", "rayon.png"]);
      expect(v1!.content!.narratives.get(competencies[1]!)!.results).toBe(`Résultat ${competencies[1]}`);

      expect(await submitDossier(db, { id: candidateId }, candidacyId, { confirmWithoutEvidence: true })).toEqual({
        ok: true,
        version: 2,
      });
      // Evaluator A declared before the send-back and reads on; evaluator B reads once they declare too.
      expect(await readFiledDossier(db, user(evaluatorB, "evaluator"), candidacyId, null)).toBeNull();
      ok(await send({ type: "START_SCORING", noLink: true, actor: actor(evaluatorB, "evaluator"), at: at() }));
      const v2 = await readFiledDossier(db, user(evaluatorB, "evaluator"), candidacyId, null);
      expect(v2!.content!.version.version).toBe(2);
      expect(v2!.content!.evidence.map((e) => [e.originalName, e.caption])).toEqual([
        ["attestation-nette.pdf", "Attestation signée de mon responsable"],
        ["suivi.pdf", "Fiche de suivi client"],
      ]);
      expect(v2!.content!.evidence[0]!.sha256).toBe(sha256(scan));
      expect(Object.fromEntries(v2!.changes!.narratives)).toEqual({ [competencies[1]!]: ["results"] });
      expect(v2!.changes!.added.map((e) => e.originalName)).toEqual(["attestation-nette.pdf", "suivi.pdf"]);
      expect(v2!.changes!.removed.map((e) => e.originalName)).toEqual(["attestation.pdf", "rayon.png"]);
      expect(await findReadableDocument(db, user(evaluatorA, "evaluator"), added.documentId)).not.toBeNull();

      // The dossier as one PDF: cover and content pages, then the appended PDF pieces and the image.
      const model = await readDossierExport(db, user(evaluatorA, "evaluator"), candidacyId, 2);
      expect(model).toMatchObject({
        version: 2,
        evidence: [{ originalName: "attestation-nette.pdf" }, { originalName: "suivi.pdf" }],
      });
      expect(await readDossierExport(db, user(outsiderEvaluator, "evaluator"), candidacyId, 2)).toBeNull();
      expect(await readDossierExport(db, user(candidateId, "candidate"), candidacyId, 3)).toBeNull();
      const pdf = await buildDossierPdf(model!, async (key) => (await storage.get(key))?.body ?? null, {
        publicUrl: "https://vae.exemple.fr",
      });
      const parsed = await PDFDocument.load(pdf);
      expect(parsed.getPageCount()).toBeGreaterThan(3);
    });
  });

  it("sweeps objects no row refers to, and only those", async () => {
    const kept = await addDocument({ kind: "identity" }, { name: "cni.pdf", bytes: pdfBytes() });
    if (!kept.ok) throw new Error("upload refused");
    const orphan = `candidacies/${candidacyId}/files/${"ab".repeat(16)}`;
    await storage.put(orphan, Readable.from([pdfBytes()]), { contentType: "application/pdf" });
    // Within the grace period an object without a row may be an upload about to be recorded: it stays.
    expect((await sweepOrphanObjects(db, storage, new Date())).removed).toEqual([]);
    const later = new Date(Date.now() + 7 * 3600_000);
    expect((await sweepOrphanObjects(db, storage, later)).removed).toEqual([orphan]);
    const row = await db
      .selectFrom("documents")
      .select("storage_key")
      .where("id", "=", kept.documentId)
      .executeTakeFirstOrThrow();
    expect(await storedKeys(storage)).toEqual([row.storage_key]);
  });
});

describe("an upload when the S3 server stops in the middle", () => {
  it("is refused clearly and leaves no row", async () => {
    const server = await startS3Server({ bucket: "vae-stop" });
    await truncateAll(testDb.handle);
    await seedCertifications(db);
    const candidateId = await createUser(db, "candidate");
    const candidacyId = ok(await createCandidacy(db, candidateId, CQP_CODE)).candidacyId;
    const storage = s3StorageOn(server);
    server.onRequest((method) => {
      if (method === "PUT" || method === "POST") void server.stop();
    });
    // A body that keeps coming: the server goes away while it is being sent.
    const big = Buffer.concat([pdfBytes(), Buffer.alloc(6 * 1024 * 1024, 7)]);
    const outcome = await addAdmissibilityDocument(
      db,
      storage,
      { id: candidateId },
      candidacyId,
      multipartRequest({ kind: "identity" }, { name: "cni.pdf", bytes: big }),
      { maxFileBytes: 10 * 1024 * 1024 },
    );
    expect(outcome).toEqual({
      ok: false,
      code: "unavailable",
      status: 503,
      message: "L'envoi du fichier a échoué : réessayez dans quelques instants.",
      fieldErrors: {},
      values: { kind: "identity" },
    });
    expect(await db.selectFrom("documents").select("id").execute()).toEqual([]);
  });
});
