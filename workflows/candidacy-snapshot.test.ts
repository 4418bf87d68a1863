// Stored snapshots: a version-1 snapshot written by the earlier statechart is migrated and goes on; damaged or
// unknown snapshots are refused before they can drive the workflow.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { initialTransition, transition } from "xstate";
import {
  CANDIDACY_MACHINE_VERSION,
  candidacyMachine,
  checkEvent,
  evaluationProgress,
  stateKey,
} from "./candidacy-machine";
import {
  SnapshotError,
  migrateSnapshot,
  persistSnapshot,
  rememberValidSnapshot,
  restoreSnapshot,
} from "./candidacy-snapshot";

const storedVersion1 = JSON.parse(
  readFileSync(new URL("./fixtures/candidacy-snapshot-v1-evaluation.json", import.meta.url), "utf8"),
);
const STAFF = {
  type: "user" as const,
  userId: "33333333-3333-4333-8333-333333333333",
  role: "certifier_staff" as const,
};
const EVALUATOR_B = {
  type: "user" as const,
  userId: "55555555-5555-4555-8555-555555555555",
  role: "evaluator" as const,
};

describe("stored candidacy snapshots", () => {
  it("restores a version-1 snapshot (no version inside) mid-evaluation and carries on with version 2's rules", () => {
    expect(storedVersion1.machineVersion).toBeUndefined();
    const snapshot = restoreSnapshot(storedVersion1, 1);
    expect(stateKey(snapshot)).toBe("evaluation");
    expect(evaluationProgress(snapshot)).toEqual({ evaluatorA: "scoring", evaluatorB: "pending" });
    // The evaluator who had started under version 1 counts as having declared; the records of version 2 exist.
    expect(snapshot.context.evaluation.declarations).toEqual({ A: "2025-01-17T09:00:00.000Z" });
    expect(snapshot.context.evaluation.conflicts).toEqual([]);
    expect(snapshot.context.dossier.firstSubmittedAt).toBe("2025-01-16T09:00:00.000Z");
    expect(snapshot.context.decision.signatures).toEqual({});

    let next = transition(candidacyMachine, snapshot, {
      type: "START_SCORING",
      noLink: true,
      actor: EVALUATOR_B,
      at: "2025-01-18T09:00:00.000Z",
    })[0];
    next = transition(candidacyMachine, next, {
      type: "SCHEDULE_SESSION",
      startsAt: "2025-01-20T09:00:00.000Z",
      mode: "video",
      location: "https://visio.example.fr/jury-42",
      actor: STAFF,
      at: "2025-01-18T10:00:00.000Z",
    })[0];
    expect(next.context.evaluation.session?.mode).toBe("video");
    const persisted = persistSnapshot(next);
    expect(persisted.machineVersion).toBe(CANDIDACY_MACHINE_VERSION);
    // Written back as version 2, it is read again without migration.
    const again = restoreSnapshot(JSON.parse(JSON.stringify(persisted)));
    expect(again.context).toEqual(next.context);
  });

  it("migrates the same with the version taken from the column when the JSON has none", () => {
    expect(migrateSnapshot(storedVersion1).machineVersion).toBe(2);
    expect(migrateSnapshot(storedVersion1, 1)).toEqual(migrateSnapshot(storedVersion1));
  });

  it("refuses a snapshot from an unknown (future) version", () => {
    expect(() => restoreSnapshot({ ...storedVersion1, machineVersion: 99 })).toThrow(SnapshotError);
    expect(() => restoreSnapshot(storedVersion1, 0)).toThrow(/version/);
  });

  it("refuses a snapshot in a state the machine does not have", () => {
    expect(() => restoreSnapshot({ ...storedVersion1, value: "approved" })).toThrow(/unknown state/);
  });

  it("refuses a damaged context, saying where", () => {
    const damaged = structuredClone(storedVersion1);
    damaged.context.involvement["44444444-4444-4444-8444-444444444444"] = "admin";
    expect(() => restoreSnapshot(damaged)).toThrow(/involvement/);
    const noCandidate = structuredClone(storedVersion1);
    delete noCandidate.context.candidateId;
    expect(() => restoreSnapshot(noCandidate)).toThrow(/candidateId/);
    expect(() => restoreSnapshot("not a snapshot")).toThrow(SnapshotError);
    expect(() => restoreSnapshot(null)).toThrow(SnapshotError);
  });

  it("round-trips a fresh version-2 snapshot", () => {
    const [initial] = initialTransition(candidacyMachine, {
      candidacyId: "c",
      candidateId: "u",
      certificationCode: "CQP",
      referentialVersionId: "r",
    });
    const restored = restoreSnapshot(JSON.parse(JSON.stringify(persistSnapshot(initial))));
    expect(restored.context).toEqual(initial.context);
    expect(
      checkEvent(restored, {
        type: "SUBMIT_REQUEST",
        sworn: true,
        actor: { type: "user", userId: "u", role: "candidate" },
        at: "2025-01-06T09:00:00.000Z",
      }),
    ).toEqual({ allowed: true });
  });

  describe("identities already validated (docs/decisions/033)", () => {
    const fresh = () =>
      JSON.parse(
        JSON.stringify(
          persistSnapshot(
            initialTransition(candidacyMachine, {
              candidacyId: "c",
              candidateId: "u",
              certificationCode: "CQP",
              referentialVersionId: "r",
            })[0],
          ),
        ),
      );
    const damaged = () => {
      const stored = fresh();
      stored.context.dossier.currentVersion = "one";
      return stored;
    };
    const identity = (rowVersion: number, at = "2026-01-05T10:00:00.000Z") => ({
      candidacyId: "c",
      rowVersion,
      updatedAt: new Date(at),
    });

    it("still refuses a damaged context read under an identity it has not validated, and does not remember it", () => {
      expect(() => restoreSnapshot(damaged(), undefined, identity(1))).toThrow(
        /invalid context at dossier.currentVersion/,
      );
      expect(() => restoreSnapshot(damaged(), undefined, identity(1))).toThrow(SnapshotError);
    });

    it("validates again when the version or the update instant differ from the one validated", () => {
      expect(restoreSnapshot(fresh(), undefined, identity(2)).context.candidacyId).toBe("c");
      expect(() => restoreSnapshot(damaged(), undefined, identity(3))).toThrow(SnapshotError);
      expect(() => restoreSnapshot(damaged(), undefined, identity(2, "2026-01-05T10:00:00.001Z"))).toThrow(
        SnapshotError,
      );
    });

    it("skips only the context's validation of a known identity: version and state are still checked", () => {
      rememberValidSnapshot(identity(4));
      // Under an identity it validated, the content is what it validated: the context is not parsed again.
      expect(restoreSnapshot(fresh(), undefined, identity(4)).context.candidacyId).toBe("c");
      expect(() => restoreSnapshot({ ...fresh(), machineVersion: 99 }, undefined, identity(4))).toThrow(
        /Unknown candidacy snapshot version/,
      );
      expect(() => restoreSnapshot({ ...fresh(), value: "nowhere" }, undefined, identity(4))).toThrow(/unknown state/);
    });
  });
});
