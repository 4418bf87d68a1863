// Certificates issued exactly once, against a real database and a local storage folder: staff validate, the outbox
// worker numbers, renders, stores and journals the document; 50 concurrent calls and two racing workers give one
// number and one object; a crash between rendering and recording is recovered with the same number and bytes; a
// partial result gives an attestation of blocs and a later candidacy completing the set gives the full certificate;
// the same on an S3 bucket (s3rver).
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { issueCertificatesForCandidacy } from "../../app/services/certificate-issuing.server";
import { createMailer, listStoredEmails, readStoredEmail } from "../../app/services/mailer.server";
import { outboxDeliverer } from "../../app/services/outbox-delivery.server";
import { saveRecommendations } from "../../app/services/minutes.server";
import { validateDecision } from "../../app/services/results.server";
import { createLocalStorage } from "../../app/services/storage/local";
import { deliverOutbox } from "../../app/services/worker.server";
import type { Database } from "../../db/schema";
import { BLOC_1, BLOC_2, BLOC_3, Lifecycle } from "./support/decided-candidacy";
import { CQP_CODE, createUser, seedCertifications } from "./support/fixtures";
import { type TestDatabase, createTestDatabase, truncateAll } from "./support/test-database";
import { type Cast, ISSUING, filesOf, issuingDeps } from "./support/certificates";
import { STORAGE_BACKENDS } from "./support/storage-backends";

let testDb: TestDatabase;
let db: Kysely<Database>;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.handle.db;
});
afterAll(async () => {
  await testDb?.drop();
});

let cast: Cast;
let storageRoot: string;
let deps: ReturnType<typeof issuingDeps>;
beforeEach(async () => {
  await truncateAll(testDb.handle);
  await seedCertifications(db);
  cast = {
    candidate: await createUser(db, "candidate", "Marie-Thérèse de La Tour d'Auvergne"),
    officer: await createUser(db, "admissibility_officer"),
    staff: await createUser(db, "certifier_staff", "Claire Certificatrice"),
    a: await createUser(db, "evaluator", "Évaluatrice Alpha"),
    b: await createUser(db, "evaluator", "Évaluateur Bravo"),
  };
  storageRoot = mkdtempSync(path.join(tmpdir(), "vae-certificates-"));
  deps = issuingDeps(createLocalStorage(storageRoot));
});

const ALL_PASS = Object.fromEntries([...BLOC_1, ...BLOC_2, ...BLOC_3].map((c) => [c, "80"]));
const ALL_FAIL = Object.fromEntries([...BLOC_1, ...BLOC_2, ...BLOC_3].map((c) => [c, "40"]));
const NUMBER = /^CSA-\d{4}-\d{6}$/;
const RECOMMENDATION_B1 = "Présentez une prospection téléphonique complète, du fichier à la relance.";

let mailDir: string;
function mailer() {
  mailDir = mkdtempSync(path.join(tmpdir(), "vae-certificates-mail-"));
  return createMailer({ from: "Portail VAE <ne-pas-repondre@vae.localhost>", smtpUrl: undefined, mailDir });
}

/** A decided candidacy validated by staff (clock in 2026 unless given). */
async function validated(scores?: Record<string, string>, start = "2026-03-02T09:00:00.000Z", candidate?: string) {
  const life = new Lifecycle(db, { ...cast, candidate: candidate ?? cast.candidate }, Date.parse(start));
  const id = await life.inEvaluation(CQP_CODE);
  const outcome = await life.scored(id, scores, scores);
  // The support writes recommendations for B2 and B3; a failed B1 needs its own before the minutes can be signed.
  if (outcome.blocs.some((b) => b.code === "B1" && b.status === "not_awarded")) {
    const saved = await saveRecommendations(db, cast.a, id, { B1: RECOMMENDATION_B1 }, new Date(life.tick()));
    if (!saved.ok) throw new Error(saved.message);
  }
  await life.sign(id, "a");
  await life.sign(id, "b");
  const validation = await validateDecision(
    db,
    { userId: cast.staff, role: "certifier_staff" },
    id,
    new Date(life.tick()),
  );
  if (!validation.ok) throw new Error(validation.message);
  return { id, life };
}

const deliverer = () => outboxDeliverer(db, mailer(), deps.storage, ISSUING.publicUrl, deps);
// After every event of the tests' clocks (2026-2027) and of now: every queued message is due.
const later = () => new Date(Math.max(Date.parse("2028-01-01T00:00:00.000Z"), Date.now() + 3600_000));

async function certificatesOf(candidacyId: string) {
  return db.selectFrom("certificates").selectAll().where("candidacy_id", "=", candidacyId).execute();
}

async function documentsOf(certificateId: string) {
  return db.selectFrom("certificate_documents").selectAll().where("certificate_id", "=", certificateId).execute();
}

describe(`issuing certificates (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("issues the attestation of blocs from the outbox once a partial decision is validated, stored, hashed and journaled", async () => {
    const { id } = await validated();
    const queued = await db.selectFrom("outbox").select(["topic", "payload"]).where("candidacy_id", "=", id).execute();
    expect(queued.filter((m) => m.topic === "certificates.issue")).toEqual([
      { topic: "certificates.issue", payload: { candidacyId: id } },
    ]);
    await deliverOutbox(db, deliverer(), later());
    const undelivered = await db
      .selectFrom("outbox")
      .select(["topic", "last_error"])
      .where("processed_at", "is", null)
      .execute();
    expect(undelivered).toEqual([]);

    const [certificate, ...others] = await certificatesOf(id);
    expect(others).toEqual([]);
    expect(certificate).toMatchObject({
      kind: "blocs",
      bloc_codes: ["B1"],
      holder_name: "Marie-Thérèse de La Tour d'Auvergne",
      holder_search: "marie-therese de la tour d'auvergne",
      sequence: 1,
      revoked_at: null,
    });
    expect(certificate!.number).toMatch(NUMBER);
    expect(certificate!.number).toBe(`CSA-${certificate!.year}-000001`);
    expect(certificate!.verification_code).toMatch(/^[0-9A-HJKMNP-TV-Z]{18}$/);

    const [document] = await documentsOf(certificate!.id);
    expect(document).toMatchObject({ edition: 1, reason: null, created_by: null });
    expect(document!.storage_key).toBe(`certificates/${certificate!.id}/edition-1.pdf`);
    const bytes = readFileSync(path.join(storageRoot, document!.storage_key));
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(document!.byte_size).toBe(bytes.byteLength);
    expect(document!.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(document!.credential_jwt.split(".")).toHaveLength(3);

    // The journal (staff's and the candidate's timeline) and the candidate's e-mail, once.
    const journal = await db
      .selectFrom("candidacy_events")
      .select(["event_type", "actor_role", "payload"])
      .where("candidacy_id", "=", id)
      .where("event_type", "like", "CERTIFICATE_%")
      .execute();
    expect(journal).toEqual([
      {
        event_type: "CERTIFICATE_ISSUED",
        actor_role: "system",
        payload: { certificateId: certificate!.id, number: certificate!.number, kind: "blocs", edition: 1 },
      },
    ]);
    const emails = await db
      .selectFrom("outbox")
      .select(["payload", "processed_at"])
      .where("candidacy_id", "=", id)
      .where(({ ref }) => ref("payload", "->>").key("email" as never), "=", "certificate_issued")
      .execute();
    expect(emails).toHaveLength(1);
    expect(emails[0]!.payload).toMatchObject({ recipientId: cast.candidate, facts: { kind: "blocs" } });
    expect(emails[0]!.processed_at).not.toBeNull();
    const sent = [];
    for (const summary of await listStoredEmails(mailDir))
      sent.push((await readStoredEmail(mailDir, summary.fileName))!);
    const issuedMail = sent.find((m) => m.subject.includes("attestation de blocs de compétences est disponible"));
    expect(issuedMail?.text).toContain("/candidat/certifications");

    // A second delivery of the same message changes nothing.
    const again = await issueCertificatesForCandidacy(db, deps, id);
    expect(again).toMatchObject({ issued: true, certificateId: certificate!.id, recorded: false });
    expect(await documentsOf(certificate!.id)).toHaveLength(1);
  });

  it("issues the full certificate when every bloc is awarded, and nothing when none is", async () => {
    const full = await validated(ALL_PASS);
    await deliverOutbox(db, deliverer(), later());
    const [certificate] = await certificatesOf(full.id);
    expect(certificate).toMatchObject({ kind: "full", bloc_codes: ["B1", "B2", "B3"] });

    const other = await createUser(db, "candidate", "Łukasz Żółć");
    const none = await validated(ALL_FAIL, "2026-03-02T09:00:00.000Z", other);
    await deliverOutbox(db, deliverer(), later());
    expect(await certificatesOf(none.id)).toEqual([]);
    expect(await issueCertificatesForCandidacy(db, deps, none.id)).toEqual({
      issued: false,
      reason: "nothing_to_issue",
    });
    const queued = await db.selectFrom("outbox").select("topic").where("candidacy_id", "=", none.id).execute();
    expect(queued.map((m) => m.topic)).not.toContain("certificates.issue");
  });

  it("issues the full certificate on the union of blocs when a later candidacy completes the set", async () => {
    const first = await validated();
    await deliverOutbox(db, deliverer(), later());
    const [attestation] = await certificatesOf(first.id);
    expect(attestation).toMatchObject({ kind: "blocs", bloc_codes: ["B1"] });

    // R335-7: the next request for the same CQP is filed the next calendar year; it aims at B2 and B3 only.
    const second = await validated(ALL_PASS, "2027-03-02T09:00:00.000Z");
    const target = await db
      .selectFrom("candidacies")
      .select("target_bloc_codes")
      .where("id", "=", second.id)
      .executeTakeFirstOrThrow();
    expect(target.target_bloc_codes).toEqual(["B2", "B3"]);
    await deliverOutbox(db, deliverer(), later());
    const [full] = await certificatesOf(second.id);
    expect(full).toMatchObject({ kind: "full", bloc_codes: ["B1", "B2", "B3"], candidate_id: cast.candidate });
    expect(full!.sequence).toBe(attestation!.sequence + 1);
    // The attestation stays: it was true when issued.
    expect(await certificatesOf(first.id)).toHaveLength(1);
  });

  it("gives one number, one document and one stored object to 50 concurrent calls and two racing workers", async () => {
    const { id } = await validated();
    const deliver = deliverer();
    const message = await db
      .selectFrom("outbox")
      .selectAll()
      .where("candidacy_id", "=", id)
      .where("topic", "=", "certificates.issue")
      .executeTakeFirstOrThrow();
    const outcomes = await Promise.all([
      ...Array.from({ length: 50 }, () => issueCertificatesForCandidacy(db, deps, id)),
      // Two workers holding the same row (a lease that ran out), and two workers claiming from the queue.
      deliver(message),
      deliver(message),
      deliverOutbox(db, deliver, later(), { owner: "worker-1" }),
      deliverOutbox(db, deliver, later(), { owner: "worker-2" }),
    ]);
    const issued = outcomes.slice(0, 50) as Awaited<ReturnType<typeof issueCertificatesForCandidacy>>[];
    const certificates = await certificatesOf(id);
    expect(certificates).toHaveLength(1);
    const certificate = certificates[0]!;
    expect(new Set(issued.map((o) => (o.issued ? o.number : null)))).toEqual(new Set([certificate.number]));
    expect(issued.filter((o) => o.issued && o.recorded).length).toBeLessThanOrEqual(1);
    expect(await documentsOf(certificate.id)).toHaveLength(1);
    expect(await filesOf(deps.storage, "certificates/")).toEqual([`certificates/${certificate.id}/edition-1.pdf`]);
    const sequences = await db.selectFrom("certificate_sequences").selectAll().execute();
    expect(sequences).toEqual([
      { certification_id: certificate.certification_id, year: certificate.year, last_number: 1 },
    ]);
    const journal = await db
      .selectFrom("candidacy_events")
      .select("event_type")
      .where("candidacy_id", "=", id)
      .where("event_type", "=", "CERTIFICATE_ISSUED")
      .execute();
    expect(journal).toHaveLength(1);

    // No gap: the next certificate of the certification takes the next number.
    const other = await createUser(db, "candidate", "Nguyễn Thị Minh Khai");
    const next = await validated(undefined, "2026-03-02T09:00:00.000Z", other);
    await deliverOutbox(db, deliverer(), later());
    const [nextCertificate] = await certificatesOf(next.id);
    expect(nextCertificate!.sequence).toBe(2);
    expect(nextCertificate!.number).toBe(`CSA-${certificate.year}-000002`);
  });

  it("recovers from a crash between rendering and recording: the retry reuses the number and the object key", async () => {
    const { id } = await validated();
    let crashes = 0;
    await expect(
      issueCertificatesForCandidacy(db, deps, id, {
        faults: {
          failBeforeRecord: () => {
            crashes += 1;
            throw new Error("worker killed between rendering and recording");
          },
        },
      }),
    ).rejects.toThrow(/worker killed/);
    expect(crashes).toBe(1);
    const [allocated] = await certificatesOf(id);
    expect(allocated!.sequence).toBe(1);
    expect(await documentsOf(allocated!.id)).toEqual([]);
    const key = `certificates/${allocated!.id}/edition-1.pdf`;
    expect(await filesOf(deps.storage, "certificates/")).toEqual([key]);
    const firstBytes = readFileSync(path.join(storageRoot, key));

    // The outbox runs the message again (here through the worker, as it would after the crash).
    await deliverOutbox(db, deliverer(), later());
    const certificates = await certificatesOf(id);
    expect(certificates.map((c) => c.number)).toEqual([allocated!.number]);
    const [document] = await documentsOf(allocated!.id);
    expect(document!.storage_key).toBe(key);
    expect(await filesOf(deps.storage, "certificates/")).toEqual([key]);
    const bytes = readFileSync(path.join(storageRoot, key));
    expect(Buffer.compare(bytes, firstBytes)).toBe(0);
    expect(document!.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(
      (await db.selectFrom("certificate_sequences").select("last_number").executeTakeFirstOrThrow()).last_number,
    ).toBe(1);
  });

  it("gives the number back when the certificate's transaction rolls back, and refuses to rewrite an issued certificate", async () => {
    const { id } = await validated();
    const certification = await db.selectFrom("certifications").select("id").executeTakeFirstOrThrow();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto("certificate_sequences")
          .values({ certification_id: certification.id, year: 2026, last_number: 1 })
          .execute();
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await db.selectFrom("certificate_sequences").selectAll().execute()).toEqual([]);

    await deliverOutbox(db, deliverer(), later());
    const [certificate] = await certificatesOf(id);
    for (const change of [
      { holder_name: "Quelqu'un d'autre" },
      { number: "CSA-2026-999999" },
      { verification_code: "0000000000000000AA" },
      { bloc_codes: JSON.stringify(["B1", "B2"]) },
    ]) {
      await expect(
        db.updateTable("certificates").set(change).where("id", "=", certificate!.id).execute(),
      ).rejects.toThrow(/immutable/);
    }
    await expect(
      db
        .updateTable("certificate_documents")
        .set({ sha256: "0".repeat(64) })
        .where("certificate_id", "=", certificate!.id)
        .execute(),
    ).rejects.toThrow(/immutable/);
    await expect(db.deleteFrom("certificates").where("id", "=", certificate!.id).execute()).rejects.toThrow();
  });

  it("stores the document in an S3 bucket the same way: a crash and its retry leave one object, the recorded bytes", async () => {
    const backend = await STORAGE_BACKENDS.find((b) => b.name === "s3")!.start();
    try {
      const onS3 = issuingDeps(backend.storage);
      const { id } = await validated();
      await expect(
        issueCertificatesForCandidacy(db, onS3, id, {
          faults: {
            failBeforeRecord: () => {
              throw new Error("worker killed between rendering and recording");
            },
          },
        }),
      ).rejects.toThrow(/worker killed/);
      const retried = await issueCertificatesForCandidacy(db, onS3, id);
      expect(retried).toMatchObject({ issued: true, recorded: true });
      const [certificate] = await certificatesOf(id);
      const [document] = await documentsOf(certificate!.id);
      expect(await filesOf(backend.storage, "certificates/")).toEqual([document!.storage_key]);
      const stored = await backend.storage.get(document!.storage_key);
      const chunks: Buffer[] = [];
      for await (const chunk of stored!.body) chunks.push(Buffer.from(chunk));
      const bytes = Buffer.concat(chunks);
      expect(stored!.contentType).toBe("application/pdf");
      expect(document!.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    } finally {
      await backend.stop();
    }
  });
});
