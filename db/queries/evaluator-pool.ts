// Queries of the evaluator pool: profiles with their qualifications, availability periods and current load, the
// list's filters, and the suggestions for a candidacy with the conflict-of-interest verdict of each evaluator
// (workflows/conflict-of-interest.ts). The load and the roles held are read from the candidacies' snapshot JSON
// (`context.evaluation.pair`, `context.involvement`), so they follow every machine version that keeps those keys.
import { type Kysely, type Transaction, sql } from "kysely";
import {
  type AvailabilityPeriod,
  type Civility,
  checkEvaluatorEligibility,
} from "../../workflows/conflict-of-interest";
import type { Database } from "../schema";

type Db = Kysely<Database> | Transaction<Database>;

/** The states in which a candidacy keeps its evaluators busy: "dossiers in progress". */
export const LOAD_STATES = ["evaluation", "deliberation", "minutes"] as const;

export interface EvaluatorAvailability extends AvailabilityPeriod {
  id: string;
  note: string;
}

export interface EvaluatorProfile {
  userId: string;
  fullName: string;
  email: string;
  civility: Civility | null;
  employerName: string;
  employerSiret: string | null;
  sectors: string[];
  /** The profile is active in the pool. */
  isActive: boolean;
  /** The account may log in (an admin can deactivate it). */
  accountActive: boolean;
  qualifications: Array<{ certificationId: string; code: string; title: string }>;
  availabilities: EvaluatorAvailability[];
  /** Candidacies in evaluation, deliberation or minutes whose pair holds this evaluator. */
  load: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface EvaluatorPoolFilter {
  certificationId?: string;
  isActive?: boolean;
  /** Exact sector, any case. */
  sector?: string;
  /** YYYY-MM-DD: evaluators without periods, or with one that covers the date. */
  availableOn?: string;
  /** Part of the name or e-mail address. */
  search?: string;
}

const pairMember = (slot: "evaluatorAId" | "evaluatorBId") =>
  sql<string | null>`snapshot->'context'->'evaluation'->'pair'->>${sql.lit(slot)}`;

/** Load per evaluator id: candidacies in progress whose pair names them (either slot). */
export async function evaluatorLoads(db: Db, userIds?: readonly string[]): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("candidacies")
    .select([pairMember("evaluatorAId").as("a"), pairMember("evaluatorBId").as("b")])
    .where("state", "in", [...LOAD_STATES])
    .execute();
  const wanted = userIds ? new Set(userIds) : null;
  const loads = new Map<string, number>();
  for (const row of rows) {
    for (const id of new Set([row.a, row.b])) {
      if (!id || (wanted && !wanted.has(id))) continue;
      loads.set(id, (loads.get(id) ?? 0) + 1);
    }
  }
  return loads;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

async function profiles(db: Db, filter: EvaluatorPoolFilter & { userId?: string }): Promise<EvaluatorProfile[]> {
  let query = db
    .selectFrom("evaluator_profiles as p")
    .innerJoin("users as u", "u.id", "p.user_id")
    .select([
      "p.user_id as userId",
      "u.full_name as fullName",
      "u.email",
      "u.is_active as accountActive",
      "p.civility",
      "p.employer_name as employerName",
      "p.employer_siret as employerSiret",
      "p.sectors",
      "p.is_active as isActive",
      "p.created_at as createdAt",
      "p.updated_at as updatedAt",
    ])
    .orderBy("u.full_name")
    .orderBy("p.user_id")
    .limit(1000);
  if (filter.userId) query = query.where("p.user_id", "=", filter.userId);
  if (filter.isActive !== undefined) query = query.where("p.is_active", "=", filter.isActive);
  if (filter.certificationId) {
    const certificationId = filter.certificationId;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom("evaluator_qualifications as q")
          .select("q.user_id")
          .whereRef("q.user_id", "=", "p.user_id")
          .where("q.certification_id", "=", certificationId),
      ),
    );
  }
  if (filter.sector) {
    const sector = filter.sector.trim().toLowerCase();
    query = query.where(
      sql<boolean>`exists (select 1 from jsonb_array_elements_text(p.sectors) as s(name) where lower(s.name) = ${sector})`,
    );
  }
  if (filter.availableOn) {
    const date = filter.availableOn;
    query = query.where((eb) =>
      eb.or([
        eb.not(
          eb.exists(
            eb.selectFrom("evaluator_availabilities as a").select("a.id").whereRef("a.user_id", "=", "p.user_id"),
          ),
        ),
        eb.exists(
          eb
            .selectFrom("evaluator_availabilities as a")
            .select("a.id")
            .whereRef("a.user_id", "=", "p.user_id")
            .where("a.starts_on", "<=", date)
            .where("a.ends_on", ">=", date),
        ),
      ]),
    );
  }
  if (filter.search?.trim()) {
    const pattern = `%${escapeLike(filter.search.trim())}%`;
    query = query.where((eb) => eb.or([eb("u.email", "ilike", pattern), eb("u.full_name", "ilike", pattern)]));
  }
  const rows = await query.execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.userId);
  const [qualifications, availabilities, loads] = await Promise.all([
    db
      .selectFrom("evaluator_qualifications as q")
      .innerJoin("certifications as c", "c.id", "q.certification_id")
      .select(["q.user_id as userId", "c.id as certificationId", "c.code", "c.title"])
      .where("q.user_id", "in", ids)
      .orderBy("c.code")
      .execute(),
    db
      .selectFrom("evaluator_availabilities")
      .select(["id", "user_id as userId", "starts_on as startsOn", "ends_on as endsOn", "note"])
      .where("user_id", "in", ids)
      .orderBy("starts_on")
      .orderBy("id")
      .execute(),
    evaluatorLoads(db, ids),
  ]);
  return rows.map((r) => ({
    ...r,
    civility: r.civility,
    sectors: r.sectors ?? [],
    qualifications: qualifications
      .filter((q) => q.userId === r.userId)
      .map(({ certificationId, code, title }) => ({ certificationId, code, title })),
    availabilities: availabilities
      .filter((a) => a.userId === r.userId)
      .map(({ id, startsOn, endsOn, note }) => ({ id, startsOn, endsOn, note })),
    load: loads.get(r.userId) ?? 0,
  }));
}

export async function listEvaluatorProfiles(db: Db, filter: EvaluatorPoolFilter = {}): Promise<EvaluatorProfile[]> {
  return profiles(db, filter);
}

export async function getEvaluatorProfile(db: Db, userId: string): Promise<EvaluatorProfile | null> {
  return (await profiles(db, { userId }))[0] ?? null;
}

/** Every sector written in a profile, once (any case), for the list's filter. */
export async function listEvaluatorSectors(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select min(s.name) as name from evaluator_profiles p, jsonb_array_elements_text(p.sectors) as s(name)
    group by lower(s.name) order by lower(s.name)`.execute(db);
  return rows.map((r) => r.name);
}

export interface EvaluatorSuggestion {
  userId: string;
  fullName: string;
  email: string;
  civility: Civility | null;
  employerName: string;
  load: number;
  eligible: boolean;
  /** Why this evaluator cannot be chosen, in French; empty when eligible. */
  reasons: string[];
}

/** The calendar date in France of an ISO timestamp (a session at 00:30 in Paris is on that Paris day). */
function parisDate(iso: string): string | null {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return null;
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(new Date(time));
}

interface SnapshotFacts {
  context?: {
    involvement?: Record<string, unknown>;
    evaluation?: {
      session?: { startsAt?: unknown };
      conflicts?: Array<{ evaluatorId?: unknown }>;
    };
  };
}

/**
 * The evaluators qualified for the candidacy's certification (active or not), each with the conflict-of-interest
 * verdict and its reasons, the eligible first, then by load, then by name. [] when the candidacy does not exist.
 */
export async function listEvaluatorSuggestions(db: Db, candidacyId: string): Promise<EvaluatorSuggestion[]> {
  const candidacy = await db
    .selectFrom("candidacies as k")
    .innerJoin("certifications as c", "c.id", "k.certification_id")
    .select(["k.id", "k.candidate_id as candidateId", "k.certification_id as certificationId", "c.code", "k.snapshot"])
    .where("k.id", "=", candidacyId)
    .executeTakeFirst();
  if (!candidacy) return [];

  const [pool, employers, candidacies] = await Promise.all([
    profiles(db, { certificationId: candidacy.certificationId }),
    // The employers of the candidate's declared experience, on every candidacy they filed.
    db
      .selectFrom("admissibility_documents as a")
      .innerJoin("documents as d", "d.id", "a.document_id")
      .innerJoin("candidacies as k", "k.id", "d.candidacy_id")
      .select("a.employer")
      .where("k.candidate_id", "=", candidacy.candidateId)
      .where("a.kind", "=", "activity_proof")
      .execute(),
    db.selectFrom("candidacies").select(["id", "snapshot"]).where("candidate_id", "=", candidacy.candidateId).execute(),
  ]);
  const candidateEmployers = employers.map((e) => e.employer).filter((e) => e.trim() !== "");

  const startsAt = (candidacy.snapshot as SnapshotFacts)?.context?.evaluation?.session?.startsAt;
  const sessionDate = typeof startsAt === "string" ? parisDate(startsAt) : null;

  const suggestions = pool.map((profile): EvaluatorSuggestion => {
    const involvements: Array<{ candidacyId: string; role: string }> = [];
    const declaredConflicts: Array<{ candidacyId: string }> = [];
    for (const other of candidacies) {
      const context = (other.snapshot as SnapshotFacts)?.context;
      const role = context?.involvement?.[profile.userId];
      if (typeof role === "string") involvements.push({ candidacyId: other.id, role });
      if ((context?.evaluation?.conflicts ?? []).some((c) => c?.evaluatorId === profile.userId)) {
        declaredConflicts.push({ candidacyId: other.id });
      }
    }
    const verdict = checkEvaluatorEligibility({
      evaluator: {
        id: profile.userId,
        employerName: profile.employerName,
        employerSiret: profile.employerSiret,
        isActive: profile.isActive && profile.accountActive,
        qualifiedCertificationCodes: profile.qualifications.map((q) => q.code),
        availabilities: profile.availabilities,
      },
      candidacy: {
        id: candidacy.id,
        certificationCode: candidacy.code,
        candidateId: candidacy.candidateId,
        candidateEmployers,
      },
      involvements,
      declaredConflicts,
      sessionDate,
    });
    return {
      userId: profile.userId,
      fullName: profile.fullName,
      email: profile.email,
      civility: profile.civility,
      employerName: profile.employerName,
      load: profile.load,
      eligible: verdict.eligible,
      reasons: verdict.reasons,
    };
  });
  return suggestions.sort(
    (x, y) =>
      Number(y.eligible) - Number(x.eligible) ||
      x.load - y.load ||
      x.fullName.localeCompare(y.fullName, "fr") ||
      x.userId.localeCompare(y.userId),
  );
}

/** The certifications an evaluator can be qualified for. */
export async function listCertificationChoices(db: Db) {
  return db.selectFrom("certifications").select(["id", "code", "title"]).orderBy("title").orderBy("code").execute();
}

/** The candidacies that make up an evaluator's load, with the candidate's name, oldest first. */
export async function listEvaluatorCandidacies(db: Db, userId: string) {
  return db
    .selectFrom("candidacies as k")
    .innerJoin("users as u", "u.id", "k.candidate_id")
    .innerJoin("certifications as c", "c.id", "k.certification_id")
    .select([
      "k.id",
      "k.state",
      "u.full_name as candidateName",
      "c.title as certificationTitle",
      "k.updated_at as updatedAt",
    ])
    .where("k.state", "in", [...LOAD_STATES])
    .where((eb) =>
      eb.or([
        eb(sql<string>`k.snapshot->'context'->'evaluation'->'pair'->>'evaluatorAId'`, "=", userId),
        eb(sql<string>`k.snapshot->'context'->'evaluation'->'pair'->>'evaluatorBId'`, "=", userId),
      ]),
    )
    .orderBy("k.created_at")
    .execute();
}
