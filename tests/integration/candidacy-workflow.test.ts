// The candidacy service against a real database: events are all-or-nothing, refusals change nothing, concurrent
// events never lose an update, the R335-7 quotas hold across year boundaries, effects are written with the event.
import type { Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listCandidacyEvents } from "../../db/queries/candidacies";
import type { AdmissibilityDocumentKind, Database } from "../../db/schema";
import { saveScores, submitScores } from "../../app/services/evaluation.server";
import {
  type CandidacyOutcome,
  calendarYearInFrance,
  createCandidacy,
  sendCandidacyEvent,
} from "../../app/services/candidacies.server";
import type { CandidacyEvent, EventActor, Role } from "../../workflows/candidacy-machine";
import { CQP_CODE, attachRequestDocuments, createUser, seedCertifications } from "./support/fixtures";
import { type TestDatabase, createTestDatabase, truncateAll } from "./support/test-database";

let testDb: TestDatabase;
let db: Kysely<Database>;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.handle.db;
});
afterAll(async () => {
  await testDb?.drop();
});

let candidateId: string;
let officerId: string;
let staffId: string;
let evaluatorA: string;
let evaluatorB: string;
beforeEach(async () => {
  await truncateAll(testDb.handle);
  await seedCertifications(db, ["CQP-B", "CQP-C", "CQP-D"]);
  candidateId = await createUser(db, "candidate", "Camille Candidate");
  officerId = await createUser(db, "admissibility_officer");
  staffId = await createUser(db, "certifier_staff");
  evaluatorA = await createUser(db, "evaluator");
  evaluatorB = await createUser(db, "evaluator");
});

const as = (userId: string, role: Role): EventActor => ({ type: "user", userId, role });
const candidate = () => as(candidateId, "candidate");
const officer = () => as(officerId, "admissibility_officer");

function ok(outcome: CandidacyOutcome) {
  if (!outcome.ok) throw new Error(`refused: ${outcome.code} ${outcome.message}`);
  return outcome;
}

/** A draft candidacy whose request holds the documents it cannot be filed without. */
async function newCandidacy(code = CQP_CODE, who = candidateId) {
  const id = ok(await createCandidacy(db, who, code)).candidacyId;
  await attachRequestDocuments(db, id);
  return id;
}

async function send(id: string, event: CandidacyEvent) {
  return sendCandidacyEvent(db, id, event);
}

async function row(id: string) {
  return db.selectFrom("candidacies").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

async function count(table: "candidacy_events" | "outbox" | "timers", id: string) {
  const r = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("candidacy_id", "=", id)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function admissibleCandidacy(at = "2026-03-02T09:00:00.000Z") {
  const id = await newCandidacy();
  ok(await send(id, { type: "SUBMIT_REQUEST", sworn: true, actor: candidate(), at }));
  ok(await send(id, { type: "OPEN_REVIEW", actor: officer(), at: "2026-03-05T09:00:00.000Z" }));
  ok(
    await send(id, {
      type: "DECLARE_ADMISSIBLE",
      validityEndsOn: "2027-03-05",
      actor: officer(),
      at: "2026-03-06T09:00:00.000Z",
    }),
  );
  return id;
}

describe(`candidacy workflow service (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("has the database refuse a state the statechart does not have", async () => {
    const id = await newCandidacy();
    await expect(
      db
        .updateTable("candidacies")
        .set({ state: "approved" as never })
        .where("id", "=", id)
        .execute(),
    ).rejects.toThrow(/candidacies_state_known/);
    expect((await row(id)).state).toBe("draft");
  });

  it("creates a draft aimed at every bloc, with its creation in the journal", async () => {
    const id = await newCandidacy();
    const created = await row(id);
    expect(created).toMatchObject({
      state: "draft",
      row_version: 0,
      machine_version: 2,
      target_bloc_codes: ["B1", "B2", "B3"],
    });
    const [event] = await listCandidacyEvents(db, id);
    expect(event).toMatchObject({ eventType: "CANDIDACY_CREATED", toState: "draft", actorUserId: candidateId });
    expect(await createCandidacy(db, candidateId, CQP_CODE)).toMatchObject({
      ok: false,
      code: "candidacy_in_progress",
    });
  });

  it("aims a new candidacy only at the blocs not yet acquired", async () => {
    const certification = await db
      .selectFrom("certifications")
      .select("id")
      .where("code", "=", CQP_CODE)
      .executeTakeFirstOrThrow();
    await db
      .insertInto("acquired_blocs")
      .values({
        candidate_id: candidateId,
        certification_id: certification.id,
        bloc_code: "B2",
        source: "evaluation",
        candidacy_id: null,
        acquired_at: new Date(),
      })
      .execute();
    const id = await newCandidacy();
    expect((await row(id)).target_bloc_codes).toEqual(["B1", "B3"]);
  });

  it("runs the whole lifecycle, one journal row and one row version per accepted event", async () => {
    const id = await admissibleCandidacy();
    const staff = as(staffId, "certifier_staff");
    for (const step of [
      { type: "START_DOSSIER", actor: candidate(), at: "2026-04-01T09:00:00.000Z" },
      { type: "SUBMIT_DOSSIER", version: 1, actor: candidate(), at: "2026-05-10T09:00:00.000Z" },
      {
        type: "ASSIGN_PAIR",
        evaluatorAId: evaluatorA,
        evaluatorBId: evaluatorB,
        presidentId: evaluatorA,
        actor: staff,
        at: "2026-05-12T09:00:00.000Z",
      },
      { type: "START_SCORING", noLink: true, actor: as(evaluatorA, "evaluator"), at: "2026-05-20T09:00:00.000Z" },
      { type: "START_SCORING", noLink: true, actor: as(evaluatorB, "evaluator"), at: "2026-05-21T09:00:00.000Z" },
      {
        type: "SCHEDULE_SESSION",
        startsAt: "2026-05-28T09:00:00.000Z",
        mode: "in_person",
        location: "CFA de Rungis",
        actor: staff,
        at: "2026-05-21T10:00:00.000Z",
      },
      { type: "RECORD_ATTENDANCE", attendance: "attended", actor: staff, at: "2026-05-28T12:00:00.000Z" },
    ] satisfies CandidacyEvent[]) {
      ok(await send(id, step));
    }
    const codes = (await db.selectFrom("competencies").select("code").orderBy("code").execute()).map((c) => c.code);
    const uniqueCodes = [...new Set(codes)];
    for (const [evaluator, score] of [
      [evaluatorA, "72"],
      [evaluatorB, "74,5"],
    ] as const) {
      const saved = await saveScores(
        db,
        evaluator,
        id,
        uniqueCodes.map((competencyCode) => ({ competencyCode, score })),
      );
      expect(saved).toEqual({ ok: true });
    }
    ok((await submitScores(db, evaluatorA, id, new Date("2026-06-01T09:00:00.000Z"))) as CandidacyOutcome);
    const second = (await submitScores(db, evaluatorB, id, new Date("2026-06-02T09:00:00.000Z"))) as CandidacyOutcome;
    expect(ok(second).state).toBe("minutes");
    ok(await send(id, { type: "SIGN_MINUTES", actor: as(evaluatorA, "evaluator"), at: "2026-06-03T09:00:00.000Z" }));
    ok(await send(id, { type: "SIGN_MINUTES", actor: as(evaluatorB, "evaluator"), at: "2026-06-03T10:00:00.000Z" }));
    ok(await send(id, { type: "VALIDATE_DECISION", actor: staff, at: "2026-06-05T09:00:00.000Z" }));
    ok(await send(id, { type: "CLOSE", actor: { type: "system" }, at: "2026-06-06T09:00:00.000Z" }));

    const final = await row(id);
    expect(final).toMatchObject({ state: "closed", row_version: 16, request_year: 2026 });
    const journal = await listCandidacyEvents(db, id);
    expect(journal.map((e) => e.rowVersion)).toEqual([...Array(journal.length).keys()]);
    expect(journal.map((e) => e.toState)).toEqual([
      "draft",
      "admissibility.pending",
      "admissibility.review",
      "admissible",
      "dossier.inProgress",
      "dossier.submitted",
      "evaluation",
      "evaluation",
      "evaluation",
      "evaluation",
      "evaluation",
      "evaluation",
      "minutes",
      "minutes",
      "decided",
      "certified",
      "closed",
    ]);
    expect(journal[1]).toMatchObject({
      eventType: "SUBMIT_REQUEST",
      actorRole: "candidate",
      fromState: "draft",
      payload: { sworn: true },
    });
    expect(journal[12]).toMatchObject({
      eventType: "SUBMIT_SCORES",
      payload: { jointOutcome: "agreed", result: "full" },
    });
    const decision = await db
      .selectFrom("candidacy_decisions")
      .selectAll()
      .where("candidacy_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(decision.route).toBe("agreed");
    expect(decision.joint_scores["C1.1"]).toEqual({ tenthsNumerator: 1465, denominator: 2 });
    expect(decision.outcome).toMatchObject({ awardedBlocCodes: ["B1", "B2", "B3"], certificationAwarded: true });
    const acquired = await db
      .selectFrom("acquired_blocs")
      .select(["bloc_code", "source"])
      .where("candidate_id", "=", candidateId)
      .orderBy("bloc_code")
      .execute();
    expect(acquired).toEqual([
      { bloc_code: "B1", source: "evaluation" },
      { bloc_code: "B2", source: "evaluation" },
      { bloc_code: "B3", source: "evaluation" },
    ]);
    const emails = await db
      .selectFrom("outbox")
      .select("payload")
      .where("candidacy_id", "=", id)
      .where("topic", "=", "email")
      .orderBy("id")
      .execute();
    expect(emails.map((e) => e.payload.email)).toEqual([
      "request_received",
      "admissible",
      "dossier_received",
      "evaluators_assigned",
      "evaluators_assigned",
      // The convocation to the session: the candidate and both evaluators.
      "session_convocation",
      "session_convocation",
      "session_convocation",
      "result",
    ]);
    const pendingTimers = await db
      .selectFrom("timers")
      .select("kind")
      .where("candidacy_id", "=", id)
      .where("cancelled_at", "is", null)
      .where("fired_at", "is", null)
      .execute();
    expect(pendingTimers).toEqual([]);
    expect(await createCandidacy(db, candidateId, CQP_CODE)).toMatchObject({
      ok: false,
      code: "nothing_left_to_assess",
    });
  });

  it("refuses score-carrying events outside the evaluation service", async () => {
    const id = await newCandidacy();
    await expect(
      send(id, { type: "SUBMIT_SCORES", actor: as(evaluatorA, "evaluator"), at: "2026-06-01T09:00:00.000Z" }),
    ).rejects.toThrow(/evaluation service/);
  });

  it("refuses an event from the wrong role, state or owner with a French message, changing nothing", async () => {
    const id = await newCandidacy();
    ok(await send(id, { type: "SUBMIT_REQUEST", sworn: true, actor: candidate(), at: "2026-03-02T09:00:00.000Z" }));
    const before = await row(id);
    const counts = {
      events: await count("candidacy_events", id),
      outbox: await count("outbox", id),
      timers: await count("timers", id),
    };
    const otherCandidate = await createUser(db, "candidate");
    const refusals: [CandidacyEvent, string][] = [
      [{ type: "DECLARE_ADMISSIBLE", actor: candidate(), at: "2026-03-03T09:00:00.000Z" }, "wrong_state"],
      [{ type: "OPEN_REVIEW", actor: candidate(), at: "2026-03-03T09:00:00.000Z" }, "wrong_role"],
      [{ type: "WITHDRAW", actor: as(otherCandidate, "candidate"), at: "2026-03-03T09:00:00.000Z" }, "not_owner"],
      [{ type: "ADMISSIBILITY_SILENCE_ELAPSED", actor: officer(), at: "2026-06-03T09:00:00.000Z" }, "system_only"],
      [
        { type: "ADMISSIBILITY_SILENCE_ELAPSED", actor: { type: "system" }, at: "2026-04-03T09:00:00.000Z" },
        "silence_not_elapsed",
      ],
    ];
    for (const [event, code] of refusals) {
      const outcome = await send(id, event);
      expect(outcome.ok, event.type).toBe(false);
      if (!outcome.ok) {
        expect(outcome.code).toBe(code);
        expect(outcome.message).toMatch(/[a-zé]/);
        expect(outcome.message).not.toMatch(/\b(the|is|not)\b/);
      }
    }
    ok(await send(id, { type: "OPEN_REVIEW", actor: officer(), at: "2026-03-05T09:00:00.000Z" }));
    const missingReason = await send(id, {
      type: "DECLARE_INADMISSIBLE",
      reason: "   ",
      actor: officer(),
      at: "2026-03-06T09:00:00.000Z",
    });
    expect(missingReason).toMatchObject({ ok: false, code: "reason_required" });
    const after = await row(id);
    expect(after.row_version).toBe(before.row_version + 1);
    expect(await count("candidacy_events", id)).toBe(counts.events + 1);
    expect(await count("outbox", id)).toBe(counts.outbox);
    expect(await count("timers", id)).toBe(counts.timers);
    expect(
      await send("00000000-0000-0000-0000-000000000000", {
        type: "OPEN_REVIEW",
        actor: officer(),
        at: "2026-03-05T09:00:00.000Z",
      }),
    ).toMatchObject({
      ok: false,
      code: "not_found",
    });
  });

  it("refuses to file or re-file a request without its identity document, proof of activity and sworn statement", async () => {
    const id = ok(await createCandidacy(db, candidateId, CQP_CODE)).candidacyId;
    const removeDocuments = async (kinds: AdmissibilityDocumentKind[]) => {
      const gone = await db
        .deleteFrom("admissibility_documents")
        .where("candidacy_id", "=", id)
        .where("kind", "in", kinds)
        .returning("document_id")
        .execute();
      if (gone.length > 0)
        await db
          .deleteFrom("documents")
          .where(
            "id",
            "in",
            gone.map((g) => g.document_id),
          )
          .execute();
    };
    const before = await row(id);
    const submit = () =>
      send(id, { type: "SUBMIT_REQUEST", sworn: true, actor: candidate(), at: "2026-03-02T09:00:00.000Z" });
    expect(await submit()).toEqual({
      ok: false,
      code: "missing_documents",
      status: 400,
      message:
        "Votre demande ne peut pas encore être déposée : joignez une pièce d'identité en cours de validité, au moins un " +
        "justificatif d'activité (attestation d'employeur, bulletins de salaire, contrat…) et la déclaration sur " +
        "l'honneur signée depuis la page « Pièces de ma demande ».",
    });
    await attachRequestDocuments(db, id);
    await removeDocuments(["sworn_statement"]);
    expect(await submit()).toMatchObject({
      ok: false,
      code: "missing_documents",
      message: expect.stringContaining("joignez la déclaration sur l'honneur signée depuis"),
    });
    // Nothing changed: still a draft, no journal row, no e-mail, no clock, not counted as a request of the year.
    expect(await row(id)).toEqual(before);
    expect(await count("candidacy_events", id)).toBe(1);
    expect(await count("outbox", id)).toBe(0);
    expect(await count("timers", id)).toBe(0);

    await attachRequestDocuments(db, id);
    ok(await submit());
    ok(await send(id, { type: "OPEN_REVIEW", actor: officer(), at: "2026-03-05T09:00:00.000Z" }));
    ok(
      await send(id, {
        type: "MARK_INCOMPLETE",
        reason: "Attestation illisible",
        actor: officer(),
        at: "2026-03-06T09:00:00.000Z",
      }),
    );
    // Completing the request: the candidate withdrew every proof of activity meanwhile.
    await removeDocuments(["activity_proof"]);
    const complete = () => send(id, { type: "COMPLETE_REQUEST", actor: candidate(), at: "2026-03-09T09:00:00.000Z" });
    expect(await complete()).toMatchObject({
      ok: false,
      code: "missing_documents",
      message: expect.stringContaining("joignez au moins un justificatif d'activité"),
    });
    expect((await row(id)).state).toBe("admissibility.incomplete");
    await attachRequestDocuments(db, id);
    expect(ok(await complete()).state).toBe("admissibility.pending");
  });

  it("lets exactly one of 20 concurrent identical decisions through: one state change, one journal row", async () => {
    const id = await newCandidacy();
    ok(await send(id, { type: "SUBMIT_REQUEST", sworn: true, actor: candidate(), at: "2026-03-02T09:00:00.000Z" }));
    ok(await send(id, { type: "OPEN_REVIEW", actor: officer(), at: "2026-03-05T09:00:00.000Z" }));
    const before = await row(id);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        send(id, {
          type: "DECLARE_ADMISSIBLE",
          validityEndsOn: "2027-03-05",
          actor: officer(),
          at: "2026-03-06T09:00:00.000Z",
        }),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok).every((o) => !o.ok && o.code === "wrong_state")).toBe(true);
    const after = await row(id);
    expect(after).toMatchObject({ state: "admissible", row_version: before.row_version + 1 });
    const decisions = (await listCandidacyEvents(db, id)).filter((e) => e.eventType === "DECLARE_ADMISSIBLE");
    expect(decisions).toHaveLength(1);
    const admissibleMails = await db.selectFrom("outbox").select("payload").where("candidacy_id", "=", id).execute();
    expect(admissibleMails.filter((m) => m.payload.email === "admissible")).toHaveLength(1);
  });

  it("serialises different concurrent events on one candidacy without losing any", async () => {
    const id = await admissibleCandidacy();
    const outcomes = await Promise.all([
      send(id, { type: "START_DOSSIER", actor: candidate(), at: "2026-04-01T09:00:00.000Z" }),
      send(id, {
        type: "WITHDRAW",
        reason: "Changement de projet",
        actor: candidate(),
        at: "2026-04-01T09:00:01.000Z",
      }),
    ]);
    const accepted = outcomes.filter((o) => o.ok).length;
    const journal = await listCandidacyEvents(db, id);
    expect(journal).toHaveLength(4 + accepted);
    expect((await row(id)).row_version).toBe(3 + accepted);
    expect(["withdrawn"]).toContain((await row(id)).state);
  });

  it("refuses a second request for the same CQP in the same calendar year (R335-7), French time", async () => {
    const first = await newCandidacy();
    ok(await send(first, { type: "SUBMIT_REQUEST", sworn: true, actor: candidate(), at: "2026-03-02T09:00:00.000Z" }));
    ok(await send(first, { type: "WITHDRAW", actor: candidate(), at: "2026-03-03T09:00:00.000Z" }));
    const second = await newCandidacy();
    // 31 December 2026, 23:30 in Paris: still 2026.
    const refused = await send(second, {
      type: "SUBMIT_REQUEST",
      sworn: true,
      actor: candidate(),
      at: "2026-12-31T22:30:00.000Z",
    });
    expect(refused).toMatchObject({ ok: false, code: "quota_same_certification" });
    expect(!refused.ok && refused.message).toContain("article R335-7");
    expect(!refused.ok && refused.message).toContain("1er janvier 2027");
    expect((await row(second)).state).toBe("draft");
    // 31 December 2026, 23:30 UTC is 1 January 2027 in Paris: a new year, a new request.
    const accepted = ok(
      await send(second, { type: "SUBMIT_REQUEST", sworn: true, actor: candidate(), at: "2026-12-31T23:30:00.000Z" }),
    );
    expect(accepted.state).toBe("admissibility.pending");
    expect((await row(second)).request_year).toBe(2027);
  });

  it("refuses a fourth request in a calendar year across certifications, and accepts it the next year", async () => {
    for (const code of [CQP_CODE, "CQP-B", "CQP-C"]) {
      const id = await newCandidacy(code);
      ok(await send(id, { type: "SUBMIT_REQUEST", sworn: true, actor: candidate(), at: "2026-02-01T09:00:00.000Z" }));
    }
    const fourth = await newCandidacy("CQP-D");
    const refused = await send(fourth, {
      type: "SUBMIT_REQUEST",
      sworn: true,
      actor: candidate(),
      at: "2026-12-31T22:59:59.000Z",
    });
    expect(refused).toMatchObject({ ok: false, code: "quota_per_year" });
    expect(!refused.ok && refused.message).toContain("3 demandes de recevabilité en 2026");
    ok(await send(fourth, { type: "SUBMIT_REQUEST", sworn: true, actor: candidate(), at: "2026-12-31T23:00:00.000Z" }));
  });

  it("counts concurrent requests of one candidate one after the other", async () => {
    const ids = [];
    for (const code of [CQP_CODE, "CQP-B", "CQP-C", "CQP-D"]) ids.push(await newCandidacy(code));
    const outcomes = await Promise.all(
      ids.map((id) =>
        send(id, { type: "SUBMIT_REQUEST", sworn: true, actor: candidate(), at: "2026-05-01T09:00:00.000Z" }),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
    expect(outcomes.filter((o) => !o.ok && o.code === "quota_per_year")).toHaveLength(1);
  });

  it("requires the sworn statement", async () => {
    const id = await newCandidacy();
    const outcome = await send(id, {
      type: "SUBMIT_REQUEST",
      sworn: false as never,
      actor: candidate(),
      at: "2026-03-02T09:00:00.000Z",
    });
    expect(outcome).toMatchObject({ ok: false, code: "sworn_statement_required" });
  });

  it("schedules the admissibility clock with the request and cancels it with the decision", async () => {
    const id = await newCandidacy();
    ok(await send(id, { type: "SUBMIT_REQUEST", sworn: true, actor: candidate(), at: "2026-03-02T09:00:00.000Z" }));
    const timers = await db
      .selectFrom("timers")
      .select(["kind", "due_at"])
      .where("candidacy_id", "=", id)
      .orderBy("due_at")
      .execute();
    expect(timers.map((t) => [t.kind, t.due_at.toISOString()])).toEqual([
      ["ADMISSIBILITY_REMINDER", "2026-04-17T09:00:00.000Z"],
      ["ADMISSIBILITY_REMINDER", "2026-04-27T09:00:00.000Z"],
      ["ADMISSIBILITY_SILENCE", "2026-05-02T09:00:00.000Z"],
    ]);
    ok(await send(id, { type: "OPEN_REVIEW", actor: officer(), at: "2026-03-05T09:00:00.000Z" }));
    ok(
      await send(id, {
        type: "DECLARE_INADMISSIBLE",
        reason: "Expérience sans lien avec le CQP.",
        actor: officer(),
        at: "2026-03-06T09:00:00.000Z",
      }),
    );
    const live = await db
      .selectFrom("timers")
      .select("kind")
      .where("candidacy_id", "=", id)
      .where("cancelled_at", "is", null)
      .execute();
    expect(live).toEqual([]);
  });

  it("knows the calendar year in France", () => {
    expect(calendarYearInFrance("2026-12-31T22:59:59Z")).toBe(2026);
    expect(calendarYearInFrance("2026-12-31T23:00:00Z")).toBe(2027);
    expect(calendarYearInFrance("2027-06-30T22:30:00Z")).toBe(2027);
  });
});
