// Persisted candidacy snapshots: what is stored, how it is checked when read back, and how a snapshot written by an
// older version of the statechart is brought up to date. A stored snapshot is data from the past: it is validated
// before the machine resolves it, so that a damaged or foreign row fails loudly instead of driving the workflow.
//
// Each change to the statechart that older snapshots cannot satisfy bumps CANDIDACY_MACHINE_VERSION and adds one
// small function to MIGRATIONS, from version N to N + 1; a snapshot is migrated through the chain in order.
import type { StateValue } from "xstate";
import { z } from "zod";
import {
  CANDIDACY_MACHINE_VERSION,
  type CandidacyContext,
  type CandidacySnapshot,
  candidacyMachine,
  stateKey,
} from "./candidacy-machine";

/** The JSON stored in `candidacies.snapshot`. */
export interface StoredSnapshot {
  /** The statechart version that wrote it; absent in snapshots written by version 1. */
  machineVersion?: number;
  value: StateValue;
  context: Record<string, unknown>;
  [key: string]: unknown;
}

/** A stored snapshot that cannot be read: unknown version, broken shape, or a state the machine does not have. */
export class SnapshotError extends Error {
  override readonly name = "SnapshotError";
}

type Migration = (snapshot: StoredSnapshot) => StoredSnapshot;

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/**
 * Version 1 → 2 (evaluation in the browser): the pair may have vacant slots, evaluators declare they have no link
 * with the candidate, staff schedule a session, and the minutes are signed. Version-1 snapshots get the empty
 * records; an evaluator who had started scoring counts as having declared (they opened the dossier under the old
 * rules), and the first filing is taken to be the last one known.
 */
function version1To2(snapshot: StoredSnapshot): StoredSnapshot {
  const context = asRecord(snapshot.context);
  const dossier = asRecord(context.dossier);
  const evaluation = asRecord(context.evaluation);
  const decision = asRecord(context.decision);
  const declaredAt = typeof evaluation.assignedAt === "string" ? evaluation.assignedAt : undefined;
  const declarations: Record<string, string> = {};
  if (evaluation.startedA === true && declaredAt) declarations.A = declaredAt;
  if (evaluation.startedB === true && declaredAt) declarations.B = declaredAt;
  return {
    ...snapshot,
    machineVersion: 2,
    context: {
      ...context,
      dossier: {
        ...dossier,
        ...(typeof dossier.submittedAt === "string" && dossier.firstSubmittedAt === undefined
          ? { firstSubmittedAt: dossier.submittedAt }
          : {}),
      },
      evaluation: {
        ...evaluation,
        declarations: { ...declarations, ...asRecord(evaluation.declarations) },
        conflicts: Array.isArray(evaluation.conflicts) ? evaluation.conflicts : [],
        replacements: Array.isArray(evaluation.replacements) ? evaluation.replacements : [],
      },
      decision: { ...decision, signatures: asRecord(decision.signatures) },
    },
  };
}

/** MIGRATIONS[n] turns a version-n snapshot into a version n + 1 one. */
const MIGRATIONS: Record<number, Migration> = { 1: version1To2 };

const isoString = z.string().min(1);
const slotRecord = z.object({ A: isoString.optional(), B: isoString.optional() }).strict();
const nullableId = z.string().min(1).nullable();

/** The parts of the context the workflow relies on; extra fields are kept as they are. */
const contextSchema = z
  .object({
    candidacyId: z.string().min(1),
    candidateId: z.string().min(1),
    certificationCode: z.string().min(1),
    referentialVersionId: z.string().min(1),
    admissibility: z.object({}).passthrough(),
    dossier: z
      .object({
        currentVersion: z.number().int().min(0),
        submittedVersions: z.array(z.number().int().min(1)),
        sentBackOnce: z.boolean(),
      })
      .passthrough(),
    evaluation: z
      .object({
        pair: z.object({ evaluatorAId: nullableId, evaluatorBId: nullableId, presidentId: nullableId }).optional(),
        declarations: slotRecord,
        conflicts: z.array(z.object({ slot: z.enum(["A", "B"]), evaluatorId: z.string() }).passthrough()),
        replacements: z.array(z.object({ slot: z.enum(["A", "B"]), evaluatorId: z.string() }).passthrough()),
        session: z
          .object({
            startsAt: isoString,
            mode: z.enum(["in_person", "video"]),
            location: z.string(),
            attendance: z.enum(["attended", "excused", "absent"]).optional(),
          })
          .passthrough()
          .optional(),
      })
      .passthrough(),
    decision: z
      .object({
        result: z.enum(["full", "partial", "none"]).optional(),
        signatures: slotRecord,
      })
      .passthrough(),
    involvement: z.record(z.enum(["candidate", "admissibility_officer", "evaluator", "certifier_staff"])),
  })
  .passthrough();

/** The JSON-safe form of a snapshot, to store in the database (with CANDIDACY_MACHINE_VERSION beside it). */
export function persistSnapshot(snapshot: CandidacySnapshot): StoredSnapshot {
  const persisted = candidacyMachine.getPersistedSnapshot(snapshot) as unknown as StoredSnapshot;
  return { ...persisted, machineVersion: CANDIDACY_MACHINE_VERSION };
}

/**
 * Brings a stored snapshot to the current version. The version is the one written in the snapshot, else the
 * `machine_version` column's (`storedVersion`), else 1 (the only version that wrote none).
 */
export function migrateSnapshot(persisted: unknown, storedVersion?: number): StoredSnapshot {
  if (typeof persisted !== "object" || persisted === null || Array.isArray(persisted)) {
    throw new SnapshotError("The stored candidacy snapshot is not an object.");
  }
  let snapshot = persisted as StoredSnapshot;
  let version = snapshot.machineVersion ?? storedVersion ?? 1;
  if (!Number.isInteger(version) || version < 1 || version > CANDIDACY_MACHINE_VERSION) {
    throw new SnapshotError(`Unknown candidacy snapshot version: ${String(version)}.`);
  }
  while (version < CANDIDACY_MACHINE_VERSION) {
    const migrate = MIGRATIONS[version];
    if (!migrate) throw new SnapshotError(`No migration from candidacy snapshot version ${version}.`);
    snapshot = migrate(snapshot);
    version += 1;
  }
  return snapshot;
}

/**
 * Which stored snapshot a row holds: every write of a candidacy row bumps its version and sets its update instant
 * (docs/decisions/009), so the three together name one stored content.
 */
export interface StoredSnapshotIdentity {
  candidacyId: string;
  rowVersion: number;
  updatedAt: Date;
}

/**
 * Stored snapshots whose context this process has validated, or written itself (docs/decisions/033): validating
 * the context was the largest part of reading a candidacy, and the same row is read again at each of its events.
 * Bounded: the oldest identities are forgotten first.
 */
const validatedSnapshots = new Set<string>();
const VALIDATED_SNAPSHOTS_KEPT = 10_000;

const identityKey = ({ candidacyId, rowVersion, updatedAt }: StoredSnapshotIdentity) =>
  `${candidacyId}/${rowVersion}/${updatedAt.getTime()}`;

/** Marks a stored snapshot as known valid: validated when read, or written by this process from a valid one. */
export function rememberValidSnapshot(identity: StoredSnapshotIdentity): void {
  const key = identityKey(identity);
  if (validatedSnapshots.has(key)) return;
  if (validatedSnapshots.size >= VALIDATED_SNAPSHOTS_KEPT) {
    const oldest = validatedSnapshots.values().next().value;
    if (oldest !== undefined) validatedSnapshots.delete(oldest);
  }
  validatedSnapshots.add(key);
}

/**
 * A snapshot back from its stored JSON form, validated and migrated, ready for
 * `transition(candidacyMachine, snapshot, event)`. Throws SnapshotError when it cannot be trusted. Given the row's
 * identity, a snapshot this process has already validated (or written) under that identity skips the context's
 * validation; its version and state are still checked.
 */
export function restoreSnapshot(
  persisted: unknown,
  storedVersion?: number,
  identity?: StoredSnapshotIdentity,
): CandidacySnapshot {
  const snapshot = migrateSnapshot(persisted, storedVersion);
  try {
    stateKey(snapshot.value);
  } catch {
    throw new SnapshotError(`The stored candidacy snapshot is in an unknown state: ${JSON.stringify(snapshot.value)}.`);
  }
  if (!identity || !validatedSnapshots.has(identityKey(identity))) {
    const parsed = contextSchema.safeParse(snapshot.context);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new SnapshotError(
        `The stored candidacy snapshot has an invalid context at ${issue?.path.join(".") || "(root)"}: ${issue?.message}.`,
      );
    }
    if (identity) rememberValidSnapshot(identity);
  }
  return candidacyMachine.resolveState({
    value: snapshot.value,
    context: snapshot.context as unknown as CandidacyContext,
  });
}
