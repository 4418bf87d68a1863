// The evaluator pool against a real database: staff create or link evaluator accounts with their profile, change
// it, record availability periods; the list's filters and the load; the suggestions for a candidacy with the
// conflict-of-interest verdict (employer by normalised name or SIREN, another role on the candidate's candidacies);
// refusals in French that change nothing; and the pages' role gate (403) and unknown ids (404).
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { insertAdmissibilityDocument, insertDocument } from "../../db/queries/documents";
import {
  getEvaluatorProfile,
  listEvaluatorCandidacies,
  listEvaluatorProfiles,
  listEvaluatorSectors,
  listEvaluatorSuggestions,
} from "../../db/queries/evaluator-pool";
import type { Database } from "../../db/schema";
import { authenticate } from "../../app/services/accounts.server";
import { createCandidacy, sendCandidacyEvent } from "../../app/services/candidacies.server";
import {
  ALREADY_IN_POOL_MESSAGE,
  type CreateProfileInput,
  DUPLICATE_EVALUATOR_EMAIL_MESSAGE,
  INVALID_SIRET_MESSAGE,
  UNKNOWN_ACCOUNT_MESSAGE,
  UNKNOWN_CERTIFICATION_MESSAGE,
  addAvailability,
  createEvaluatorProfile,
  removeAvailability,
  updateEvaluatorProfile,
} from "../../app/services/evaluator-pool.server";
import { installDatabaseHandle } from "../../app/utils/db.server";
import { startSession } from "../../app/utils/session.server";
import { loader as poolLoader } from "../../app/routes/certificateur.evaluateurs._index";
import { action as createAction } from "../../app/routes/certificateur.evaluateurs.nouveau";
import { action as profileAction, loader as profileLoader } from "../../app/routes/certificateur.evaluateurs.$userId";
import type { EventActor, Role } from "../../workflows/candidacy-machine";
import { CQP_CODE, attachRequestDocuments, createUser, seedCertifications } from "./support/fixtures";
import { type TestDatabase, createTestDatabase, truncateAll } from "./support/test-database";

let testDb: TestDatabase;
let db: Kysely<Database>;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.handle.db;
  installDatabaseHandle(testDb.handle);
});
afterAll(async () => {
  await testDb?.drop();
});

// Valid keys (Luhn): SIREN 442821039 with its establishments …00017 and …00025; SIREN 552418071.
const SIRET_MARTIN = "44282103900017";
const SIRET_MARTIN_OTHER_SHOP = "44282103900025";
const SIRET_ELSEWHERE = "55241807100015";

let staffId: string;
let staff: { userId: string; role: Role };
let cqpId: string;
let otherCertificationId: string;
beforeEach(async () => {
  await truncateAll(testDb.handle);
  await seedCertifications(db, ["CQP-AUTRE"]);
  staffId = await createUser(db, "certifier_staff", "Claire Certificatrice");
  staff = { userId: staffId, role: "certifier_staff" };
  const certifications = await db.selectFrom("certifications").select(["id", "code"]).execute();
  cqpId = certifications.find((c) => c.code === CQP_CODE)!.id;
  otherCertificationId = certifications.find((c) => c.code === "CQP-AUTRE")!.id;
});

let emailCounter = 0;
function newProfile(overrides: Partial<CreateProfileInput> = {}): CreateProfileInput {
  return {
    account: "new",
    email: `evaluateur.${++emailCounter}@exemple.fr`,
    fullName: `Évaluateur ${emailCounter}`,
    password: "Kouign-amann-2026",
    civility: null,
    employerName: "Fromagerie Dupont",
    employerSiret: "",
    sectors: ["Crèmerie"],
    certificationIds: [cqpId],
    isActive: true,
    ...overrides,
  };
}

async function addToPool(overrides: Partial<CreateProfileInput> = {}): Promise<string> {
  const outcome = await createEvaluatorProfile(db, staff, newProfile(overrides));
  if (!outcome.ok) throw new Error(`${outcome.message} ${JSON.stringify(outcome.fieldErrors)}`);
  return outcome.userId;
}

async function counts() {
  const [users, profiles, roles, audit] = await Promise.all([
    db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("evaluator_profiles")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("user_roles")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("audit_events")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow(),
  ]);
  return { users: users.n, profiles: profiles.n, roles: roles.n, audit: audit.n };
}

const as = (userId: string, role: Role): EventActor => ({ type: "user", userId, role });
let clock = Date.parse("2026-03-02T09:00:00.000Z");
const tick = () => {
  clock += 3600_000;
  return new Date(clock).toISOString();
};
async function send(id: string, event: Parameters<typeof sendCandidacyEvent>[2]) {
  const outcome = await sendCandidacyEvent(db, id, event);
  if (!outcome.ok) throw new Error(`${event.type} refused: ${outcome.message}`);
}

/** A proof of activity with this employer text on the candidacy (a row only: no object behind it). */
async function declareEmployer(candidacyId: string, candidateId: string, employer: string) {
  const documentId = await insertDocument(db, {
    candidacyId,
    purpose: "admissibility",
    storageKey: `candidacies/${candidacyId}/files/${randomBytes(16).toString("hex")}`,
    originalName: "attestation.pdf",
    mediaType: "application/pdf",
    byteSize: 1024,
    sha256: randomBytes(32).toString("hex"),
    uploadedBy: candidateId,
    uploadedAt: new Date("2026-01-15T09:00:00.000Z"),
  });
  await insertAdmissibilityDocument(db, documentId, candidacyId, {
    kind: "activity_proof",
    proofType: "employer_attestation",
    periodStart: "2019-01-01",
    periodEnd: "2020-12-31",
    employer,
    jobTitle: "Vendeur",
    relatedToCqp: true,
    priorBlocCodes: [],
    description: "",
  });
}

/** A candidacy whose dossier is filed (waiting for its pair), admitted by `officerId`. */
async function filedCandidacy(candidateId: string, officerId: string, employers: string[] = []) {
  const created = await createCandidacy(db, candidateId, CQP_CODE);
  if (!created.ok) throw new Error(created.message);
  const id = created.candidacyId;
  await attachRequestDocuments(db, id);
  for (const employer of employers) await declareEmployer(id, candidateId, employer);
  await send(id, { type: "SUBMIT_REQUEST", sworn: true, actor: as(candidateId, "candidate"), at: tick() });
  await send(id, { type: "OPEN_REVIEW", actor: as(officerId, "admissibility_officer"), at: tick() });
  await send(id, { type: "DECLARE_ADMISSIBLE", actor: as(officerId, "admissibility_officer"), at: tick() });
  await send(id, { type: "START_DOSSIER", actor: as(candidateId, "candidate"), at: tick() });
  await send(id, { type: "SUBMIT_DOSSIER", version: 1, actor: as(candidateId, "candidate"), at: tick() });
  return id;
}

async function assignPair(candidacyId: string, a: string, b: string) {
  await send(candidacyId, {
    type: "ASSIGN_PAIR",
    evaluatorAId: a,
    evaluatorBId: b,
    presidentId: a,
    actor: as(staffId, "certifier_staff"),
    at: tick(),
  });
}

async function request(userId: string, url: string, body?: Record<string, string | string[]>) {
  const setCookie = await startSession(new Request(url), userId, { ip: "127.0.0.1" });
  const headers: Record<string, string> = { Cookie: setCookie.split(";")[0]! };
  if (!body) return new Request(url, { headers });
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(body)) {
    for (const v of Array.isArray(value) ? value : [value]) form.append(key, v);
  }
  headers["Content-Type"] = "application/x-www-form-urlencoded";
  return new Request(url, { method: "POST", headers, body: form.toString() });
}

async function thrownBy(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
  throw new Error("expected a thrown Response");
}

const context = { clientIp: "127.0.0.1" };
const BASE = "http://localhost/certificateur/evaluateurs";

describe(`evaluator pool (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("creates the evaluator's account and profile, who can then log in; the audit log keeps both", async () => {
    const userId = await addToPool({
      email: "Lea.Roux@Exemple.fr",
      fullName: "Léa Roux",
      civility: "Mme",
      employerName: "SARL Boulangerie Martin",
      employerSiret: "442 821 039 00017",
      sectors: ["Boulangerie", "Pâtisserie"],
      certificationIds: [cqpId, otherCertificationId],
    });
    const profile = await getEvaluatorProfile(db, userId);
    expect(profile).toMatchObject({
      fullName: "Léa Roux",
      email: "lea.roux@exemple.fr",
      civility: "Mme",
      employerName: "SARL Boulangerie Martin",
      employerSiret: SIRET_MARTIN,
      sectors: ["Boulangerie", "Pâtisserie"],
      isActive: true,
      accountActive: true,
      load: 0,
      availabilities: [],
    });
    expect(profile!.qualifications.map((q) => q.code).sort()).toEqual(["CQP-AUTRE", CQP_CODE].sort());
    const stored = await db
      .selectFrom("evaluator_profiles")
      .select(["employer_name_normalized", "created_by"])
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ employer_name_normalized: "boulangerie martin", created_by: staffId });
    const login = await authenticate(
      db,
      { email: "lea.roux@exemple.fr", password: "Kouign-amann-2026" },
      { ip: "127.0.0.1" },
    );
    expect(login.ok && login.user.roles).toEqual(["evaluator"]);
    const audit = await db
      .selectFrom("audit_events")
      .select(["action", "actor_user_id"])
      .where("subject_id", "=", userId)
      .orderBy("id")
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(["ACCOUNT_CREATED", "EVALUATOR_PROFILE_CREATED"]);
    expect(audit.every((a) => a.actor_user_id === staffId)).toBe(true);
  });

  it("links an existing account by its e-mail, adding the evaluator role and keeping its other roles", async () => {
    const officerId = await createUser(db, "admissibility_officer", "Olivier Officier");
    const { email } = await db
      .selectFrom("users")
      .select("email")
      .where("id", "=", officerId)
      .executeTakeFirstOrThrow();
    const outcome = await createEvaluatorProfile(
      db,
      staff,
      newProfile({ account: "existing", email: email.toUpperCase(), fullName: "", password: "" }),
    );
    expect(outcome).toEqual({ ok: true, userId: officerId, accountCreated: false });
    const roles = await db.selectFrom("user_roles").select("role").where("user_id", "=", officerId).execute();
    expect(roles.map((r) => r.role).sort()).toEqual(["admissibility_officer", "evaluator"]);
    expect((await getEvaluatorProfile(db, officerId))?.fullName).toBe("Olivier Officier");
    const entry = await db
      .selectFrom("audit_events")
      .select("payload")
      .where("action", "=", "EVALUATOR_PROFILE_CREATED")
      .where("subject_id", "=", officerId)
      .executeTakeFirstOrThrow();
    expect(entry.payload).toMatchObject({ accountCreated: false, roleGranted: true });

    // A second profile for the same account, or an address nobody has, is refused and changes nothing.
    const before = await counts();
    const again = await createEvaluatorProfile(db, staff, newProfile({ account: "existing", email }));
    expect(again).toMatchObject({ ok: false, status: 409, fieldErrors: { email: ALREADY_IN_POOL_MESSAGE } });
    const unknown = await createEvaluatorProfile(
      db,
      staff,
      newProfile({ account: "existing", email: "personne@exemple.fr" }),
    );
    expect(unknown).toMatchObject({ ok: false, status: 400, fieldErrors: { email: UNKNOWN_ACCOUNT_MESSAGE } });
    expect(await counts()).toEqual(before);
  });

  it("refuses a new account with an e-mail already taken, an invalid SIRET or an unknown certification, in French, changing nothing", async () => {
    const existing = await addToPool({ email: "deja@exemple.fr" });
    const before = await counts();
    const duplicate = await createEvaluatorProfile(db, staff, newProfile({ email: " DEJA@exemple.fr " }));
    expect(duplicate).toMatchObject({
      ok: false,
      status: 409,
      fieldErrors: { email: DUPLICATE_EVALUATOR_EMAIL_MESSAGE },
    });
    const badSiret = await createEvaluatorProfile(db, staff, newProfile({ employerSiret: "44282103900018" }));
    expect(badSiret).toMatchObject({ ok: false, status: 400, fieldErrors: { employerSiret: INVALID_SIRET_MESSAGE } });
    const unknownCertification = await createEvaluatorProfile(
      db,
      staff,
      newProfile({ certificationIds: ["5b1f2a64-0000-4000-8000-000000000000"] }),
    );
    expect(unknownCertification).toMatchObject({
      ok: false,
      fieldErrors: { certificationIds: UNKNOWN_CERTIFICATION_MESSAGE },
    });
    const weakPassword = await createEvaluatorProfile(db, staff, newProfile({ password: "motdepasse" }));
    expect(weakPassword).toMatchObject({ ok: false, fieldErrors: { password: expect.stringMatching(/mot de passe/) } });
    const notStaff = await createEvaluatorProfile(db, { userId: existing, role: "evaluator" }, newProfile());
    expect(notStaff).toMatchObject({ ok: false, status: 403 });
    expect(await counts()).toEqual(before);
  });

  it("changes a profile and keeps the values before and after in the audit log; refuses an invalid change", async () => {
    const userId = await addToPool({ fullName: "Marc Petit", civility: "M." });
    const outcome = await updateEvaluatorProfile(db, staff, userId, {
      fullName: "Marc Petit-Jean",
      civility: null,
      employerName: "Épicerie Lefèvre",
      employerSiret: SIRET_ELSEWHERE,
      sectors: ["Épicerie fine"],
      certificationIds: [otherCertificationId],
      isActive: false,
    });
    expect(outcome).toEqual({ ok: true });
    expect(await getEvaluatorProfile(db, userId)).toMatchObject({
      fullName: "Marc Petit-Jean",
      civility: null,
      employerName: "Épicerie Lefèvre",
      employerSiret: SIRET_ELSEWHERE,
      sectors: ["Épicerie fine"],
      isActive: false,
      qualifications: [{ code: "CQP-AUTRE" }],
    });
    const entry = await db
      .selectFrom("audit_events")
      .select("payload")
      .where("action", "=", "EVALUATOR_PROFILE_UPDATED")
      .executeTakeFirstOrThrow();
    expect(entry.payload).toMatchObject({
      before: { fullName: "Marc Petit", civility: "M.", isActive: true },
      after: { fullName: "Marc Petit-Jean", civility: null, isActive: false, employerSiret: SIRET_ELSEWHERE },
    });

    const before = await counts();
    const refused = await updateEvaluatorProfile(db, staff, userId, {
      fullName: "Marc Petit-Jean",
      civility: null,
      employerName: "SARL",
      employerSiret: "12345678901234",
      sectors: [],
      certificationIds: [],
      isActive: true,
    });
    expect(refused).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: {
        employerSiret: INVALID_SIRET_MESSAGE,
        employerName: expect.stringContaining("nom de l'employeur"),
        certificationIds: expect.stringContaining("Cochez au moins une certification"),
      },
    });
    expect(await counts()).toEqual(before);
    expect((await getEvaluatorProfile(db, userId))?.isActive).toBe(false);
    const missing = await updateEvaluatorProfile(db, staff, staffId, {
      fullName: "X Y",
      civility: null,
      employerName: "Z",
      employerSiret: "",
      sectors: [],
      certificationIds: [cqpId],
      isActive: true,
    });
    expect(missing).toMatchObject({ ok: false, status: 404 });
  });

  it("adds and removes availability periods, refusing an end before the start and another evaluator's period", async () => {
    const userId = await addToPool();
    const other = await addToPool();
    const added = await addAvailability(db, staff, userId, {
      startsOn: "2027-01-04",
      endsOn: "2027-02-26",
      note: "Le mardi seulement",
    });
    expect(added.ok).toBe(true);
    const refused = await addAvailability(db, staff, userId, {
      startsOn: "2027-03-10",
      endsOn: "2027-03-01",
      note: "",
    });
    expect(refused).toMatchObject({
      ok: false,
      fieldErrors: { endsOn: "La date de fin ne peut pas précéder la date de début." },
    });
    expect((await getEvaluatorProfile(db, userId))?.availabilities).toEqual([
      {
        id: added.ok ? added.availabilityId : "",
        startsOn: "2027-01-04",
        endsOn: "2027-02-26",
        note: "Le mardi seulement",
      },
    ]);
    const availabilityId = added.ok ? added.availabilityId : "";
    expect(await removeAvailability(db, staff, other, availabilityId)).toMatchObject({ ok: false, status: 404 });
    expect(await removeAvailability(db, staff, userId, availabilityId)).toEqual({ ok: true });
    expect((await getEvaluatorProfile(db, userId))?.availabilities).toEqual([]);
    const actions = await db.selectFrom("audit_events").select("action").where("subject_id", "=", userId).execute();
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(["EVALUATOR_AVAILABILITY_ADDED", "EVALUATOR_AVAILABILITY_REMOVED"]),
    );
  });

  it("filters the list by certification, status, sector, availability on a date and name or e-mail", async () => {
    const ana = await addToPool({ fullName: "Ana Bernard", email: "ana@exemple.fr", sectors: ["Boulangerie"] });
    const bruno = await addToPool({
      fullName: "Bruno Caron",
      email: "bruno.caron@exemple.fr",
      sectors: ["boulangerie", "Charcuterie"],
      certificationIds: [otherCertificationId],
    });
    const chloe = await addToPool({ fullName: "Chloé Diallo", email: "chloe@exemple.fr", isActive: false });
    await addAvailability(db, staff, ana, { startsOn: "2027-01-01", endsOn: "2027-01-31", note: "" });
    const ids = async (filter: Parameters<typeof listEvaluatorProfiles>[1]) =>
      (await listEvaluatorProfiles(db, filter)).map((p) => p.userId);

    expect(await ids({})).toEqual([ana, bruno, chloe]);
    expect(await ids({ certificationId: cqpId })).toEqual([ana, chloe]);
    expect(await ids({ isActive: true })).toEqual([ana, bruno]);
    expect(await ids({ isActive: false })).toEqual([chloe]);
    expect(await ids({ sector: "BOULANGERIE" })).toEqual([ana, bruno]);
    expect(await ids({ sector: "Charcuterie" })).toEqual([bruno]);
    // Ana recorded January only; the others recorded nothing, so nothing restricts them.
    expect(await ids({ availableOn: "2027-01-15" })).toEqual([ana, bruno, chloe]);
    expect(await ids({ availableOn: "2027-02-01" })).toEqual([bruno, chloe]);
    expect(await ids({ search: "caron" })).toEqual([bruno]);
    expect(await ids({ search: "CHLOE@" })).toEqual([chloe]);
    expect(await ids({ search: "100%_" })).toEqual([]);
    expect(await listEvaluatorSectors(db)).toEqual(["Boulangerie", "Charcuterie", "Crèmerie"]);
  });

  it("counts as load the candidacies in evaluation whose pair holds the evaluator, and no others", async () => {
    const officer = await createUser(db, "admissibility_officer");
    const a = await addToPool({ fullName: "Alice A" });
    const b = await addToPool({ fullName: "Benoît B" });
    const c = await addToPool({ fullName: "Cécile C" });
    const first = await filedCandidacy(await createUser(db, "candidate"), officer);
    const second = await filedCandidacy(await createUser(db, "candidate"), officer);
    const third = await filedCandidacy(await createUser(db, "candidate"), officer);
    await assignPair(first, a, b);
    await assignPair(second, a, c);
    await assignPair(third, b, c);
    await send(third, { type: "WITHDRAW", actor: as(staffId, "certifier_staff"), at: tick() }).catch(async () => {
      const { candidate_id } = await db
        .selectFrom("candidacies")
        .select("candidate_id")
        .where("id", "=", third)
        .executeTakeFirstOrThrow();
      await send(third, { type: "WITHDRAW", actor: as(candidate_id, "candidate"), at: tick() });
    });
    const loads = Object.fromEntries((await listEvaluatorProfiles(db)).map((p) => [p.fullName, p.load]));
    expect(loads).toEqual({ "Alice A": 2, "Benoît B": 1, "Cécile C": 1 });
    expect((await listEvaluatorCandidacies(db, a)).map((k) => k.id)).toEqual([first, second]);
    const page = (await profileLoader({
      request: await request(staffId, `${BASE}/${b}`),
      params: { userId: b },
      context,
    })) as Response;
    const body = await page.json();
    expect(body.profile.load).toBe(1);
    expect(body.candidacies).toEqual([expect.objectContaining({ id: first, stateLabel: expect.any(String) })]);
  });

  it("suggests the qualified evaluators, eligible first by load, with the French reasons of the others", async () => {
    const officer = await createUser(db, "admissibility_officer", "Odile Officière");
    const candidate = await createUser(db, "candidate", "Inès Candidate");
    // The candidate worked for "Boulangerie Martin" and, under another name, for an establishment of SIREN 552418071.
    const candidacy = await filedCandidacy(candidate, officer, [
      "Boulangerie Martin",
      `Le Fournil du Centre (SIRET ${SIRET_ELSEWHERE})`,
    ]);
    const sameName = await addToPool({ fullName: "Nadia Nom", employerName: "SARL BOULANGERIE-MARTIN" });
    const sameSiren = await addToPool({
      fullName: "Simon Siren",
      employerName: "Groupe Fournil",
      employerSiret: "552 418 071 00056",
    });
    const busy = await addToPool({ fullName: "Bérénice Busy", civility: "Mme", employerName: "Crèmerie Lenoir" });
    const free = await addToPool({ fullName: "Fabien Free", civility: "M.", employerName: "Maison Perrin" });
    const inactive = await addToPool({ fullName: "Ines Inactive", employerName: "Charcuterie Roy", isActive: false });
    await addToPool({ fullName: "Otto Other", certificationIds: [otherCertificationId] });
    // The officer who admitted this candidate is also in the pool.
    const { email: officerEmail } = await db
      .selectFrom("users")
      .select("email")
      .where("id", "=", officer)
      .executeTakeFirstOrThrow();
    await createEvaluatorProfile(
      db,
      staff,
      newProfile({ account: "existing", email: officerEmail, employerName: "Organisme VAE" }),
    );
    // Bérénice already evaluates another candidate's dossier.
    const elsewhere = await filedCandidacy(
      await createUser(db, "candidate"),
      await createUser(db, "admissibility_officer"),
    );
    await assignPair(elsewhere, busy, inactive);

    const suggestions = await listEvaluatorSuggestions(db, candidacy);
    expect(suggestions.map((s) => [s.fullName, s.eligible, s.load])).toEqual([
      ["Fabien Free", true, 0],
      ["Bérénice Busy", true, 1],
      ["Nadia Nom", false, 0],
      ["Odile Officière", false, 0],
      ["Simon Siren", false, 0],
      ["Ines Inactive", false, 1],
    ]);
    const byName = Object.fromEntries(suggestions.map((s) => [s.fullName, s]));
    expect(byName["Fabien Free"]).toMatchObject({
      userId: free,
      civility: "M.",
      employerName: "Maison Perrin",
      reasons: [],
    });
    expect(byName["Nadia Nom"]!.reasons).toEqual([
      "Son employeur (SARL BOULANGERIE-MARTIN) est aussi celui d'une expérience déclarée par le candidat : un évaluateur ne doit pas connaître le candidat (D6412-6).",
    ]);
    expect(byName["Nadia Nom"]!.userId).toBe(sameName);
    expect(byName["Simon Siren"]!.userId).toBe(sameSiren);
    expect(byName["Simon Siren"]!.reasons).toEqual([
      expect.stringContaining("Le SIREN de son employeur (552 418 071)"),
    ]);
    expect(byName["Odile Officière"]!.reasons).toEqual(["A instruit la recevabilité de ce candidat."]);
    expect(byName["Ines Inactive"]!.reasons).toEqual(["Profil inactif."]);
    expect(suggestions.some((s) => s.fullName === "Otto Other")).toBe(false);
    expect(Object.keys(suggestions[0]!).sort()).toEqual(
      ["civility", "eligible", "email", "employerName", "fullName", "load", "reasons", "userId"].sort(),
    );
    expect(await listEvaluatorSuggestions(db, "5b1f2a64-0000-4000-8000-000000000000")).toEqual([]);
    // The staffing service calls it inside its transaction.
    expect(await db.transaction().execute((trx) => listEvaluatorSuggestions(trx, candidacy))).toEqual(suggestions);
  });

  it("refuses an evaluator who declared a link with the candidate, and one unavailable on the session's date", async () => {
    const officer = await createUser(db, "admissibility_officer");
    const candidate = await createUser(db, "candidate");
    const candidacy = await filedCandidacy(candidate, officer);
    const declared = await addToPool({ fullName: "Daniel Déclarant", civility: "M." });
    const other = await addToPool({ fullName: "Mona Membre", civility: "Mme" });
    const away = await addToPool({ fullName: "Agathe Absente" });
    const present = await addToPool({ fullName: "Paul Présent" });
    await addAvailability(db, staff, away, { startsOn: "2026-04-01", endsOn: "2026-04-10", note: "" });
    await addAvailability(db, staff, present, { startsOn: "2026-04-15", endsOn: "2026-04-30", note: "" });
    await assignPair(candidacy, declared, other);
    await send(candidacy, {
      type: "DECLARE_CONFLICT",
      reason: "J'ai travaillé avec la candidate en 2019.",
      actor: as(declared, "evaluator"),
      at: tick(),
    });
    // 23:30 in UTC on 14 April is 01:30 on 15 April in Paris: the session's day is the 15th.
    await send(candidacy, {
      type: "SCHEDULE_SESSION",
      startsAt: "2026-04-14T23:30:00.000Z",
      mode: "video",
      location: "https://visio.exemple.fr/jury",
      actor: as(staffId, "certifier_staff"),
      at: tick(),
    });
    const byName = Object.fromEntries((await listEvaluatorSuggestions(db, candidacy)).map((s) => [s.fullName, s]));
    expect(byName["Daniel Déclarant"]).toMatchObject({
      eligible: false,
      reasons: ["A déclaré un lien avec ce candidat (conflit d'intérêts) sur une de ses candidatures."],
    });
    expect(byName["Agathe Absente"]).toMatchObject({
      eligible: false,
      reasons: ["Indisponible à la date de la séance."],
    });
    expect(byName["Paul Présent"]).toMatchObject({ eligible: true, reasons: [] });
    // The remaining member of the pair is still an evaluator of this candidacy, not another role.
    expect(byName["Mona Membre"]).toMatchObject({ eligible: true, load: 1, civility: "Mme" });
  });

  it("finds the candidate's employers on their earlier candidacies too", async () => {
    const officer = await createUser(db, "admissibility_officer");
    const candidate = await createUser(db, "candidate");
    const earlier = await filedCandidacy(candidate, officer, ["Épicerie Vasseur & Fils"]);
    await send(earlier, { type: "WITHDRAW", actor: as(candidate, "candidate"), at: tick() });
    await db.updateTable("candidacies").set({ request_year: 2025 }).where("id", "=", earlier).execute();
    const current = await filedCandidacy(candidate, officer);
    await addToPool({ fullName: "Véra Vasseur", employerName: "Epicerie VASSEUR et fils" });
    const [suggestion] = await listEvaluatorSuggestions(db, current);
    expect(suggestion).toMatchObject({ fullName: "Véra Vasseur", eligible: false });
  });

  describe("pages", () => {
    it("answer 403 to anyone but certifier staff, on the list, the profile and the forms", async () => {
      const evaluator = await addToPool();
      const candidate = await createUser(db, "candidate");
      for (const userId of [evaluator, candidate]) {
        const list = await thrownBy(poolLoader({ request: await request(userId, BASE), params: {}, context }));
        expect(list.status).toBe(403);
        const profile = await thrownBy(
          profileLoader({
            request: await request(userId, `${BASE}/${evaluator}`),
            params: { userId: evaluator },
            context,
          }),
        );
        expect(profile.status).toBe(403);
        expect(JSON.stringify(await profile.json())).not.toContain("@exemple.fr");
        const post = await thrownBy(
          createAction({
            request: await request(userId, `${BASE}/nouveau`, { account: "new", email: "x@exemple.fr" }),
            params: {},
            context,
          }),
        );
        expect(post.status).toBe(403);
      }
    });

    it("answer 404 for a malformed id, an unknown id and an account that is not in the pool", async () => {
      for (const userId of ["pas-un-uuid", "5b1f2a64-0000-4000-8000-000000000000", staffId]) {
        const response = await thrownBy(
          profileLoader({ request: await request(staffId, `${BASE}/${userId}`), params: { userId }, context }),
        );
        expect(response.status).toBe(404);
        expect(await response.json()).toEqual({ message: "Profil d'évaluateur introuvable." });
      }
    });

    it("send the form's errors back beside the fields with the input kept, and create nothing", async () => {
      const before = await counts();
      const response = (await createAction({
        request: await request(staffId, `${BASE}/nouveau`, {
          account: "new",
          email: "jeanne.martin@exemple.fr",
          fullName: "Jeanne Martin",
          password: "Kouign-amann-2026",
          employerName: "Boulangerie Martin",
          employerSiret: "442 821 039 00018",
          sectors: "Boulangerie",
          certificationIds: [cqpId],
          isActive: "on",
        }),
        params: {},
        context,
      })) as Response;
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body.fieldErrors).toEqual({ employerSiret: INVALID_SIRET_MESSAGE });
      expect(body.values).toMatchObject({
        email: "jeanne.martin@exemple.fr",
        employerName: "Boulangerie Martin",
        employerSiret: "442 821 039 00018",
        certificationIds: [cqpId],
      });
      expect(JSON.stringify(body)).not.toContain("Kouign-amann-2026");
      expect(await counts()).toEqual(before);

      const created = (await createAction({
        request: await request(staffId, `${BASE}/nouveau`, {
          account: "new",
          email: "jeanne.martin@exemple.fr",
          fullName: "Jeanne Martin",
          password: "Kouign-amann-2026",
          employerName: "Boulangerie Martin",
          employerSiret: SIRET_MARTIN_OTHER_SHOP,
          certificationIds: [cqpId],
        }),
        params: {},
        context,
      })) as Response;
      expect(created.status).toBe(302);
      const userId = created.headers.get("Location")!.match(/evaluateurs\/([0-9a-f-]{36})\?cree=compte$/)![1]!;
      expect(await getEvaluatorProfile(db, userId)).toMatchObject({
        isActive: false,
        employerSiret: SIRET_MARTIN_OTHER_SHOP,
      });

      const update = (await profileAction({
        request: await request(staffId, `${BASE}/${userId}`, {
          intent: "update",
          fullName: "Jeanne Martin",
          civility: "Madame",
          employerName: "Boulangerie Martin",
          certificationIds: ["pas-un-uuid"],
        }),
        params: { userId },
        context,
      })) as Response;
      expect(update.status).toBe(400);
      expect((await update.json()).fieldErrors).toEqual({
        civility: "Choisissez M., Mme ou « Non précisée ».",
        certificationIds: UNKNOWN_CERTIFICATION_MESSAGE,
      });
    });
  });
});
