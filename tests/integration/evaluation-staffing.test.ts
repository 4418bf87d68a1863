// Certifier staff staffing an evaluation against a real database and a real SMTP server: the pair chosen among the
// qualified evaluators (a conflicting one refused with the reason), a replacement after a declared conflict, the
// jury session set and moved (convocations with the same calendar UID and a new SEQUENCE), attendance, the dossier
// sent back once; and the staff page's loader and action answering 403/404 to whoever may not see them.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCandidacy, sendCandidacyEvent } from "../../app/services/candidacies.server";
import { emailDeliverer } from "../../app/services/email-delivery.server";
import {
  assignPair,
  loadStaffingView,
  parisDateAndTime,
  parisInstant,
  recordAttendance,
  replaceEvaluator,
  scheduleSession,
  sendBackDossier,
  sessionsToSchedule,
  staffingOverview,
  staffingQueue,
} from "../../app/services/evaluation-staffing.server";
import { createMailer } from "../../app/services/mailer.server";
import { deliverOutbox } from "../../app/services/worker.server";
import { installDatabaseHandle } from "../../app/utils/db.server";
import { startSession } from "../../app/utils/session.server";
import { action, loader } from "../../app/routes/certificateur.candidatures.$candidacyId";
import type { Database, Role } from "../../db/schema";
import type { EventActor } from "../../workflows/candidacy-machine";
import { normalizeEmployerName } from "../../workflows/conflict-of-interest";
import { CQP_CODE, attachRequestDocuments, createUser, seedCertifications } from "./support/fixtures";
import { type SmtpTestServer, startSmtpTestServer } from "./support/smtp-test-server";
import { type TestDatabase, createTestDatabase, truncateAll } from "./support/test-database";

let testDb: TestDatabase;
let db: Kysely<Database>;
let smtp: SmtpTestServer;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.handle.db;
  installDatabaseHandle(testDb.handle);
  smtp = await startSmtpTestServer();
});
afterAll(async () => {
  await smtp?.close();
  await testDb?.drop();
});

type Person = "candidate" | "officer" | "staff" | "paul" | "anne" | "karim" | "luc" | "unqualified";
let ids: Record<Person, string>;

/** An evaluator of the pool, qualified for the CQP. */
async function addEvaluator(name: string, civility: "M." | "Mme" | null, employer: string): Promise<string> {
  const userId = await createUser(db, "evaluator", name);
  const { id: certificationId } = await db
    .selectFrom("certifications")
    .select("id")
    .where("code", "=", CQP_CODE)
    .executeTakeFirstOrThrow();
  await db
    .insertInto("evaluator_profiles")
    .values({
      user_id: userId,
      civility,
      employer_name: employer,
      employer_name_normalized: normalizeEmployerName(employer),
      employer_siret: null,
      sectors: JSON.stringify(["Épicerie"]),
      is_active: true,
      created_by: null,
    })
    .execute();
  await db
    .insertInto("evaluator_qualifications")
    .values({ user_id: userId, certification_id: certificationId })
    .execute();
  return userId;
}

beforeEach(async () => {
  await truncateAll(testDb.handle);
  await seedCertifications(db);
  smtp.received.length = 0;
  ids = {
    candidate: await createUser(db, "candidate", "Inès Candidate"),
    officer: await createUser(db, "admissibility_officer", "Olivier Officier"),
    staff: await createUser(db, "certifier_staff", "Claire Certificatrice"),
    paul: await addEvaluator("Paul Martin", "M.", "Boulangerie Dupont"),
    anne: await addEvaluator("Anne Leroy", "Mme", "Fromagerie Lambert"),
    // The candidate's proof of activity names "Épicerie fine" (fixtures): the same employer, spelt otherwise.
    karim: await addEvaluator("Karim Benali", "M.", "SARL Épicerie Fine"),
    luc: await addEvaluator("Luc Morel", "M.", "Cave Durand"),
    unqualified: await createUser(db, "evaluator", "Hors vivier"),
  };
});

const as = (userId: string, role: Role): EventActor => ({ type: "user", userId, role });
const staff = () => ({ userId: ids.staff });
const FILED_AT = "2026-05-10T09:00:00.000Z";

async function send(id: string, event: Parameters<typeof sendCandidacyEvent>[2]) {
  const outcome = await sendCandidacyEvent(db, id, event);
  if (!outcome.ok) throw new Error(`${event.type} refused: ${outcome.message}`);
}

/** A candidacy whose dossier was filed on 10 May 2026 (evaluation due by the end of August). */
async function filed(): Promise<string> {
  const created = await createCandidacy(db, ids.candidate, CQP_CODE);
  if (!created.ok) throw new Error(created.message);
  const id = created.candidacyId;
  await attachRequestDocuments(db, id);
  const candidate = as(ids.candidate, "candidate");
  const officer = as(ids.officer, "admissibility_officer");
  await send(id, { type: "SUBMIT_REQUEST", sworn: true, actor: candidate, at: "2026-03-02T09:00:00.000Z" });
  await send(id, { type: "OPEN_REVIEW", actor: officer, at: "2026-03-03T09:00:00.000Z" });
  await send(id, { type: "DECLARE_ADMISSIBLE", actor: officer, at: "2026-03-04T09:00:00.000Z" });
  await send(id, { type: "START_DOSSIER", actor: candidate, at: "2026-03-05T09:00:00.000Z" });
  await send(id, { type: "SUBMIT_DOSSIER", version: 1, actor: candidate, at: FILED_AT });
  return id;
}

async function withPair(): Promise<string> {
  const id = await filed();
  const outcome = await assignPair(
    db,
    id,
    staff(),
    { evaluatorAId: ids.paul, evaluatorBId: ids.anne, presidentId: ids.anne },
    new Date("2026-05-12T09:00:00.000Z"),
  );
  if (!outcome.ok) throw new Error(outcome.message);
  return id;
}

const stateOf = async (id: string) =>
  await db.selectFrom("candidacies").select(["state", "row_version"]).where("id", "=", id).executeTakeFirstOrThrow();

const outboxEmails = async (id: string) =>
  (await db.selectFrom("outbox").select(["payload"]).where("candidacy_id", "=", id).orderBy("id").execute()).map(
    (r) => r.payload as { email: string; recipientId?: string; recipientRole?: string; facts: Record<string, unknown> },
  );

async function deliver(now: string) {
  const mailer = createMailer({
    from: "Portail VAE <ne-pas-repondre@vae.exemple.fr>",
    smtpUrl: smtp.url,
    mailDir: mkdtempSync(path.join(tmpdir(), "vae-mail-")),
  });
  const email = emailDeliverer(db, mailer, "https://vae.exemple.fr");
  try {
    // Only the e-mails matter here (the identity documents' removal has no storage behind these rows).
    return await deliverOutbox(db, (m) => (m.topic === "email" ? email(m) : Promise.resolve()), new Date(now));
  } finally {
    mailer.close();
  }
}

async function emailOf(userId: string) {
  const row = await db.selectFrom("users").select("email").where("id", "=", userId).executeTakeFirstOrThrow();
  return row.email;
}

/** The received message's subject, decoded from its MIME encoded-words. */
function subjectOf(raw: string): string {
  const header = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1] ?? "";
  return header
    .replace(/\r\n[ \t]/g, " ")
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_m, enc: string, text: string) =>
      enc.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(
            text
              .replace(/_/g, " ")
              .replace(/=([0-9A-F]{2})/gi, (_h, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            "latin1",
          ).toString("utf8"),
    );
}

/** The text/calendar part of a received message, unfolded. */
function calendarOf(raw: string): string {
  const part =
    /Content-Type: text\/calendar; charset=utf-8; method=REQUEST\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/.exec(
      raw,
    )?.[1];
  if (!part) throw new Error("no text/calendar part");
  const encoding = /Content-Type: text\/calendar[^\r\n]*\r\nContent-Transfer-Encoding: (\S+)/.exec(raw)?.[1];
  const text =
    encoding === "base64"
      ? Buffer.from(part.replace(/\s+/g, ""), "base64").toString("utf8")
      : encoding === "quoted-printable"
        ? Buffer.from(
            part
              .replace(/=\r\n/g, "")
              .replace(/=([0-9A-F]{2})/gi, (_h, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            "latin1",
          ).toString("utf8")
        : part;
  return text.replace(/\r\n[ \t]/g, "");
}

describe(`staffing an evaluation (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("reads Paris wall-clock times both ways, summer and winter", () => {
    expect(parisInstant("2026-06-10", "10:00")).toBe("2026-06-10T08:00:00.000Z");
    expect(parisInstant("2026-12-10", "10:00")).toBe("2026-12-10T09:00:00.000Z");
    expect(parisInstant("2026-02-30", "10:00")).toBeNull();
    expect(parisInstant("2026-06-10", "25:00")).toBeNull();
    expect(parisDateAndTime("2026-06-10T08:00:00.000Z")).toEqual({ date: "2026-06-10", time: "10:00" });
  });

  it("lists the qualified evaluators, the eligible first by load, each with why they can or cannot be chosen", async () => {
    const id = await filed();
    const view = await loadStaffingView(db, id, staff());
    if (!view.ok) throw new Error(view.message);
    expect(view.capabilities["pair.assign"]).toBe(true);
    const names = view.suggestions.map((s) => s.fullName);
    expect(names).toContain("Paul Martin");
    expect(names).not.toContain("Hors vivier");
    const karim = view.suggestions.find((s) => s.userId === ids.karim)!;
    expect(karim.eligible).toBe(false);
    expect(karim.reasons.join(" ")).toMatch(/employeur/i);
    expect(names.at(-1)).toBe("Karim Benali");
    const queue = await staffingQueue(db);
    expect(queue.map((q) => [q.id, q.vacancy])).toEqual([[id, "pair"]]);
  });

  it("refuses a conflicting evaluator with the French reason and changes nothing, then assigns the pair", async () => {
    const id = await filed();
    const before = await stateOf(id);
    const refused = await assignPair(db, id, staff(), {
      evaluatorAId: ids.paul,
      evaluatorBId: ids.karim,
      presidentId: ids.paul,
    });
    expect(refused).toMatchObject({ ok: false, code: "conflict_of_interest", status: 400 });
    if (refused.ok) throw new Error("unreachable");
    expect(refused.fieldErrors?.evaluatorBId).toMatch(/^Karim Benali ne peut pas évaluer ce dossier : .*employeur/);
    expect(await stateOf(id)).toEqual(before);

    const outsider = await assignPair(db, id, staff(), {
      evaluatorAId: ids.unqualified,
      evaluatorBId: ids.paul,
      presidentId: ids.paul,
    });
    expect(outsider).toMatchObject({ ok: false, code: "not_qualified" });
    if (outsider.ok) throw new Error("unreachable");
    expect(outsider.fieldErrors?.evaluatorAId).toMatch(/n'est pas un évaluateur habilité pour ce CQP/);

    const samePerson = await assignPair(db, id, staff(), {
      evaluatorAId: ids.paul,
      evaluatorBId: ids.paul,
      presidentId: ids.paul,
    });
    expect(samePerson.ok).toBe(false);
    expect(await stateOf(id)).toEqual(before);

    // Two men: assigned, with the warning the decree's balance asks for.
    const assigned = await assignPair(db, id, staff(), {
      evaluatorAId: ids.paul,
      evaluatorBId: ids.luc,
      presidentId: ids.luc,
    });
    expect(assigned).toMatchObject({ ok: true });
    if (!assigned.ok) throw new Error(assigned.message);
    expect(assigned.warnings.join(" ")).toMatch(/deux hommes/);
    expect((await stateOf(id)).state).toBe("evaluation");
    const emails = await outboxEmails(id);
    expect(emails.filter((e) => e.email === "evaluators_assigned").map((e) => e.recipientId)).toEqual(
      expect.arrayContaining([ids.paul, ids.luc]),
    );
    const view = await loadStaffingView(db, id, staff());
    if (!view.ok) throw new Error(view.message);
    expect(view.pair.map((m) => [m.slot, m.fullName, m.isPresident])).toEqual([
      ["A", "Paul Martin", false],
      ["B", "Luc Morel", true],
    ]);
    expect(view.pairWarnings).toHaveLength(1);
    expect(await staffingQueue(db)).toEqual([]);
    // Assigned once: a second assignment is not the time any more.
    const again = await assignPair(db, id, staff(), {
      evaluatorAId: ids.anne,
      evaluatorBId: ids.luc,
      presidentId: ids.luc,
    });
    expect(again).toMatchObject({ ok: false, status: 409 });
  });

  it("convenes the candidate and both evaluators with a calendar invitation, and moves the session with the same UID and a new SEQUENCE", async () => {
    const id = await withPair();
    const first = await scheduleSession(
      db,
      id,
      staff(),
      { startsAt: "2026-06-10T08:00:00.000Z", mode: "in_person", location: "12 rue des Halles, 69001 Lyon" },
      new Date("2026-05-20T09:00:00.000Z"),
    );
    expect(first).toEqual({ ok: true, sequence: 0 });
    expect(await deliver("2026-05-20T09:00:01.000Z")).toMatchObject({ failed: 0 });
    const convocations = smtp.received.filter((m) => /method=REQUEST/.test(m.raw));
    const candidateEmail = await emailOf(ids.candidate);
    expect(convocations.flatMap((m) => m.to).sort()).toEqual(
      [await emailOf(ids.candidate), await emailOf(ids.paul), await emailOf(ids.anne)].sort(),
    );
    const toCandidate = convocations.find((m) => m.to.includes(candidateEmail))!;
    expect(subjectOf(toCandidate.raw)).toBe("Convocation à l'entretien avec le jury le 10 juin 2026 à 10:00");
    const ics = calendarOf(toCandidate.raw);
    expect(ics).toContain(`UID:seance-${id}@vae-portal`);
    expect(ics).toContain("SEQUENCE:0");
    expect(ics).toContain("DTSTART:20260610T080000Z");
    expect(ics).toContain("LOCATION;LANGUAGE=fr:12 rue des Halles\\, 69001 Lyon");
    expect(toCandidate.raw).toMatch(/filename=convocation\.ics/);
    // Each invitation names its own recipient only.
    expect(ics).toContain(await emailOf(ids.candidate));
    expect(ics).not.toContain(await emailOf(ids.paul));

    smtp.received.length = 0;
    const moved = await scheduleSession(
      db,
      id,
      staff(),
      { startsAt: "2026-06-17T12:30:00.000Z", mode: "video", location: "https://visio.exemple.fr/jury-42" },
      new Date("2026-05-25T09:00:00.000Z"),
    );
    expect(moved).toEqual({ ok: true, sequence: 1 });
    await deliver("2026-05-25T09:00:01.000Z");
    expect(smtp.received).toHaveLength(3);
    for (const message of smtp.received) {
      const text = calendarOf(message.raw);
      expect(text).toContain(`UID:seance-${id}@vae-portal`);
      expect(text).toContain("SEQUENCE:1");
      expect(text).toContain("DTSTART:20260617T123000Z");
    }
    const subjects = smtp.received.map((m) => subjectOf(m.raw)).sort();
    expect(subjects[0]).toMatch(/^Jury déplacé au 17 juin 2026 à 14:30 : candidature VAE-2026-/);
    expect(subjects[1]).toMatch(/^Jury déplacé au 17 juin 2026 à 14:30 : candidature VAE-2026-/);
    expect(subjects[2]).toBe("Nouvelle date de votre entretien avec le jury : 17 juin 2026 à 14:30");

    const view = await loadStaffingView(db, id, staff());
    if (!view.ok) throw new Error(view.message);
    expect(view.sessions.map((s) => [s.sequence, s.mode, s.supersededAt === null])).toEqual([
      [0, "in_person", false],
      [1, "video", true],
    ]);
    expect(view.session).toMatchObject({ startsAt: "2026-06-17T12:30:00.000Z", mode: "video" });
    expect(view.sessionLate).toBe(false);
  });

  it("refuses a session after the end of the 3rd month without a written reason, and shows it at risk with one", async () => {
    const id = await withPair();
    const late = { startsAt: "2026-09-02T08:00:00.000Z", mode: "in_person" as const, location: "Lyon" };
    const before = await stateOf(id);
    const refused = await scheduleSession(db, id, staff(), late, new Date("2026-05-20T09:00:00.000Z"));
    expect(refused).toMatchObject({ ok: false, code: "late_reason_required" });
    if (refused.ok) throw new Error("unreachable");
    expect(refused.fieldErrors?.lateReason).toMatch(/troisième mois/);
    expect(await stateOf(id)).toEqual(before);
    expect(await db.selectFrom("evaluation_sessions").selectAll().execute()).toEqual([]);

    const beforeFiling = await scheduleSession(
      db,
      id,
      staff(),
      { ...late, startsAt: "2026-05-01T08:00:00.000Z" },
      new Date("2026-05-20T09:00:00.000Z"),
    );
    expect(beforeFiling).toMatchObject({ ok: false, code: "invalid_session" });

    const withReason = await scheduleSession(
      db,
      id,
      staff(),
      { ...late, lateReason: "Le candidat est en arrêt maladie tout l'été." },
      new Date("2026-05-20T09:00:00.000Z"),
    );
    expect(withReason).toMatchObject({ ok: true });
    const view = await loadStaffingView(db, id, staff());
    if (!view.ok) throw new Error(view.message);
    expect(view.sessionLate).toBe(true);
    expect(view.sessions[0]?.lateReason).toBe("Le candidat est en arrêt maladie tout l'été.");
    // Staff's home lists it among the deadlines at risk.
    expect((await staffingOverview(db)).lateSessions).toEqual([
      expect.objectContaining({ candidacyId: id, lateReason: "Le candidat est en arrêt maladie tout l'été." }),
    ]);
  });

  it("records attendance only after the session and once; excused, a new session is set", async () => {
    const id = await withPair();
    expect((await sessionsToSchedule(db)).map((c) => [c.id, c.attendance])).toEqual([[id, null]]);
    await scheduleSession(
      db,
      id,
      staff(),
      { startsAt: "2026-06-10T08:00:00.000Z", mode: "in_person", location: "Lyon" },
      new Date("2026-05-20T09:00:00.000Z"),
    );
    const early = await recordAttendance(db, id, staff(), "attended", new Date("2026-06-10T07:59:00.000Z"));
    expect(early).toMatchObject({ ok: false, code: "session_not_started" });
    if (early.ok) throw new Error("unreachable");
    expect(early.message).toMatch(/n'a pas encore eu lieu/);

    expect(await recordAttendance(db, id, staff(), "excused", new Date("2026-06-10T10:00:00.000Z"))).toEqual({
      ok: true,
    });
    expect((await sessionsToSchedule(db)).map((c) => [c.id, c.attendance])).toEqual([[id, "excused"]]);
    const twice = await recordAttendance(db, id, staff(), "attended", new Date("2026-06-10T11:00:00.000Z"));
    expect(twice).toMatchObject({ ok: false, status: 409 });

    const again = await scheduleSession(
      db,
      id,
      staff(),
      { startsAt: "2026-06-24T08:00:00.000Z", mode: "in_person", location: "Lyon" },
      new Date("2026-06-11T09:00:00.000Z"),
    );
    expect(again).toEqual({ ok: true, sequence: 1 });
    expect(await recordAttendance(db, id, staff(), "attended", new Date("2026-06-24T10:00:00.000Z"))).toEqual({
      ok: true,
    });
    const rows = await db
      .selectFrom("evaluation_sessions")
      .select(["sequence", "attendance"])
      .where("candidacy_id", "=", id)
      .orderBy("sequence")
      .execute();
    expect(rows).toEqual([
      { sequence: 0, attendance: "excused" },
      { sequence: 1, attendance: "attended" },
    ]);
    // Held with the candidate present: the session can no longer move.
    const move = await scheduleSession(
      db,
      id,
      staff(),
      { startsAt: "2026-06-30T08:00:00.000Z", mode: "in_person", location: "Lyon" },
      new Date("2026-06-25T09:00:00.000Z"),
    );
    expect(move).toMatchObject({ ok: false, status: 409 });
  });

  it("puts a dossier back in the queue when an evaluator declares a conflict, tells staff, and takes a replacement", async () => {
    const id = await withPair();
    await scheduleSession(
      db,
      id,
      staff(),
      { startsAt: "2026-06-10T08:00:00.000Z", mode: "in_person", location: "Lyon" },
      new Date("2026-05-20T09:00:00.000Z"),
    );
    await deliver("2026-05-20T09:00:01.000Z");
    smtp.received.length = 0;
    await send(id, {
      type: "DECLARE_CONFLICT",
      reason: "J'ai travaillé avec la candidate en 2022.",
      actor: as(ids.paul, "evaluator"),
      at: "2026-05-21T09:00:00.000Z",
    });
    expect((await staffingQueue(db)).map((q) => [q.id, q.vacancy])).toEqual([[id, "A"]]);
    await deliver("2026-05-21T09:00:01.000Z");
    const toStaff = smtp.received.filter((m) => /Évaluateur à remplacer/.test(subjectOf(m.raw)));
    expect(toStaff.flatMap((m) => m.to)).toEqual([await emailOf(ids.staff)]);
    expect(toStaff[0]!.raw).not.toContain("travaillé avec la candidate");
    // Paul leaves the pair at once: the session comes off his calendar (same UID, METHOD:CANCEL).
    const paulEmail = await emailOf(ids.paul);
    const toPaul = smtp.received.filter((m) => m.to.includes(paulEmail));
    expect(toPaul.map((m) => subjectOf(m.raw))).toEqual([expect.stringMatching(/^Vous n'évaluez plus la candidature/)]);
    expect(toPaul[0]!.raw).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=CANCEL/);
    expect(toPaul[0]!.raw).toContain("Vous avez d=C3=A9clar=C3=A9 un lien");

    const view = await loadStaffingView(db, id, staff());
    if (!view.ok) throw new Error(view.message);
    expect(view.vacantSlots).toEqual(["A"]);
    expect(view.conflicts[0]).toMatchObject({ slot: "A", evaluatorName: "Paul Martin" });
    // Paul declared a link with this candidate: never suggested again for her.
    expect(view.suggestions.find((s) => s.userId === ids.paul)?.eligible).toBe(false);

    const refused = await replaceEvaluator(
      db,
      id,
      staff(),
      { slot: "A", evaluatorId: ids.karim, presidentId: ids.anne },
      new Date("2026-05-22T09:00:00.000Z"),
    );
    expect(refused).toMatchObject({ ok: false, code: "conflict_of_interest" });

    smtp.received.length = 0;
    const replaced = await replaceEvaluator(
      db,
      id,
      staff(),
      { slot: "A", evaluatorId: ids.luc, presidentId: ids.anne },
      new Date("2026-05-22T09:00:00.000Z"),
    );
    expect(replaced).toMatchObject({ ok: true, warnings: [] });
    expect(await staffingQueue(db)).toEqual([]);
    await deliver("2026-05-22T09:00:01.000Z");
    const lucEmail = await emailOf(ids.luc);
    const lucSubjects = smtp.received.filter((m) => m.to.includes(lucEmail)).map((m) => subjectOf(m.raw));
    expect(lucSubjects).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Nouvelle évaluation VAE/),
        expect.stringMatching(/^Convocation au jury le 10 juin 2026 à 10:00/),
      ]),
    );

    // Anne has not submitted: she can be replaced too, and is told.
    smtp.received.length = 0;
    expect(
      await replaceEvaluator(
        db,
        id,
        staff(),
        { slot: "B", evaluatorId: ids.paul, presidentId: ids.luc },
        new Date("2026-05-23T09:00:00.000Z"),
      ),
    ).toMatchObject({ ok: false, code: "conflict_of_interest" });
    expect(
      await replaceEvaluator(
        db,
        id,
        staff(),
        { slot: "B", evaluatorId: ids.karim, presidentId: ids.luc },
        new Date("2026-05-23T09:00:00.000Z"),
      ),
    ).toMatchObject({ ok: false });
    const anneOff = await replaceEvaluator(
      db,
      id,
      staff(),
      { slot: "B", evaluatorId: await addEvaluator("Nina Petit", "Mme", "Traiteur Roux"), presidentId: ids.luc },
      new Date("2026-05-23T09:00:00.000Z"),
    );
    expect(anneOff).toMatchObject({ ok: true });
    await deliver("2026-05-23T09:00:01.000Z");
    const anneEmail = await emailOf(ids.anne);
    expect(smtp.received.filter((m) => m.to.includes(anneEmail)).map((m) => subjectOf(m.raw))).toEqual([
      expect.stringMatching(/^Vous n'évaluez plus la candidature/),
    ]);
    // With the cancellation of the session for her calendar: same UID, METHOD:CANCEL.
    const toAnne = smtp.received.find((m) => m.to.includes(anneEmail))!;
    expect(toAnne.raw).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=CANCEL/);
    expect(toAnne.raw).toMatch(/filename=annulation\.ics/);
  });

  it("sends the dossier back to the candidate once, with the reason", async () => {
    const id = await filed();
    const empty = await sendBackDossier(db, id, staff(), "   ", new Date("2026-05-11T09:00:00.000Z"));
    expect(empty).toMatchObject({ ok: false, code: "reason_required" });
    if (empty.ok) throw new Error("unreachable");
    expect(empty.fieldErrors?.reason).toMatch(/motif du renvoi est obligatoire/);
    const sent = await sendBackDossier(
      db,
      id,
      staff(),
      "Précisez votre rôle dans la négociation des tarifs (C2.3).",
      new Date("2026-05-11T09:00:00.000Z"),
    );
    expect(sent).toEqual({ ok: true });
    expect((await stateOf(id)).state).toBe("dossier.inProgress");
    expect((await outboxEmails(id)).filter((e) => e.email === "dossier_sent_back")).toHaveLength(1);
    await send(id, {
      type: "SUBMIT_DOSSIER",
      version: 2,
      actor: as(ids.candidate, "candidate"),
      at: "2026-05-15T09:00:00.000Z",
    });
    const twice = await sendBackDossier(db, id, staff(), "Encore une précision.", new Date("2026-05-16T09:00:00.000Z"));
    expect(twice).toMatchObject({ ok: false, status: 409 });
    if (twice.ok) throw new Error("unreachable");
    expect(twice.message).toMatch(/déjà été renvoyé/);
  });
});

describe(`the staff candidacy page (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  async function requestAs(userId: string, url: string, init?: RequestInit) {
    const setCookie = await startSession(new Request(url), userId, { ip: "127.0.0.1" });
    return new Request(url, {
      ...init,
      headers: { ...(init?.headers ?? {}), Cookie: setCookie.split(";")[0]! },
    });
  }
  async function thrown(promise: Promise<unknown>): Promise<Response> {
    try {
      await promise;
    } catch (error) {
      if (error instanceof Response) return error;
      throw error;
    }
    throw new Error("expected a thrown Response");
  }
  const base = "http://localhost/certificateur/candidatures";
  const form = (fields: Record<string, string>) => ({
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });

  it("answers 404 to a malformed or unknown id and 403 to another role; the action likewise", async () => {
    const id = await filed();
    const call = async (userId: string, candidacyId: string) =>
      thrown(
        loader({
          request: await requestAs(userId, `${base}/${candidacyId}`),
          params: { candidacyId },
          context: { clientIp: "127.0.0.1" },
        }),
      );
    expect((await call(ids.staff, "pas-un-uuid")).status).toBe(404);
    expect((await call(ids.staff, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await call(ids.candidate, id)).status).toBe(403);
    expect((await call(ids.paul, id)).status).toBe(403);
    const post = async (userId: string, candidacyId: string) =>
      thrown(
        action({
          request: await requestAs(userId, `${base}/${candidacyId}`, form({ intent: "send_back", reason: "x" })),
          params: { candidacyId },
          context: { clientIp: "127.0.0.1" },
        }),
      );
    expect((await post(ids.staff, "pas-un-uuid")).status).toBe(404);
    expect((await post(ids.staff, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await post(ids.officer, id)).status).toBe(403);
    expect((await stateOf(id)).state).toBe("dossier.submitted");
  });

  it("shows the suggestions, and answers a refused assignment with the reason beside the field and the input kept", async () => {
    const id = await filed();
    const response = await loader({
      request: await requestAs(ids.staff, `${base}/${id}`),
      params: { candidacyId: id },
      context: { clientIp: "127.0.0.1" },
    });
    const data = await response.json();
    expect(data.suggestions.map((s: { fullName: string }) => s.fullName)).toContain("Karim Benali");

    const refused = await action({
      request: await requestAs(
        ids.staff,
        `${base}/${id}`,
        form({ intent: "assign_pair", evaluatorAId: ids.karim, evaluatorBId: ids.anne, president: "B" }),
      ),
      params: { candidacyId: id },
      context: { clientIp: "127.0.0.1" },
    });
    expect(refused.status).toBe(400);
    const body = await refused.json();
    expect(body.fieldErrors.evaluatorAId).toMatch(/^Karim Benali ne peut pas évaluer ce dossier/);
    expect(body.values).toMatchObject({ evaluatorAId: ids.karim, evaluatorBId: ids.anne, president: "B" });

    const incomplete = await action({
      request: await requestAs(ids.staff, `${base}/${id}`, form({ intent: "schedule_session", date: "", time: "" })),
      params: { candidacyId: id },
      context: { clientIp: "127.0.0.1" },
    });
    // Not the time yet: no pair, so no session.
    expect([400, 409]).toContain(incomplete.status);

    const ok = await action({
      request: await requestAs(
        ids.staff,
        `${base}/${id}`,
        form({ intent: "assign_pair", evaluatorAId: ids.paul, evaluatorBId: ids.anne, president: "B" }),
      ),
      params: { candidacyId: id },
      context: { clientIp: "127.0.0.1" },
    });
    expect(ok.status).toBe(200);
    expect((await ok.json()).done).toMatch(/binôme est désigné/);
    expect((await stateOf(id)).state).toBe("evaluation");

    const missing = await action({
      request: await requestAs(
        ids.staff,
        `${base}/${id}`,
        form({ intent: "schedule_session", date: "2026-06-10", time: "", mode: "video", location: "" }),
      ),
      params: { candidacyId: id },
      context: { clientIp: "127.0.0.1" },
    });
    expect(missing.status).toBe(400);
    const errors = (await missing.json()) as { fieldErrors: Record<string, string>; values: Record<string, string> };
    expect(errors.fieldErrors).toMatchObject({
      time: expect.stringMatching(/heure/),
      location: expect.stringMatching(/adresse du lieu ou le lien/),
    });
    expect(errors.values.date).toBe("2026-06-10");
  });
});
