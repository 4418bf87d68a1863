// The candidacy lifecycle as one pure XState v5 statechart: the single source of truth of what can happen to a
// candidacy, who may do it and when. No I/O, no clock, no invoked actors, no delayed transitions: the service
// steps it with `transition(machine, snapshot, event)`, saves the persisted snapshot, then runs the side effects.
//
// Time-based things (2 months of admissibility silence, validity end) arrive as events from the `system` actor;
// the service stores the timers and uses the functions of ./candidacy-dates to schedule them, and the rules
// re-check the time so that a stale timer is refused.
//
// Every user-driven transition is guarded by one guard, `allowed`, which evaluates the rule of the event type
// (./candidacy-rules): role, ownership, role conflicts, required reasons and dates. `checkEvent` / `explainRefusal`
// evaluate the same rules to tell, in French, why an event is refused. One source of truth.
//
// Evaluation: a parallel state (evaluatorA ∥ evaluatorB), each region pending (assigned, not yet declared free of
// any link with the candidate) → scoring → submitted, or vacant after a conflict of interest until staff replace
// the evaluator. The SUBMIT_SCORES that completes the pair carries `jointOutcome` ("agreed" | "deliberation", from
// ./decision); the parallel state's `onDone` routes on it. Agreed scores and a closed deliberation both lead to
// `minutes`, where the pair writes its recommendations and signs; the second signature makes the decision.

import {
  type AnyActorRef,
  and,
  assign,
  createActor,
  getNextTransitions,
  setup,
  type SnapshotFrom,
  type StateValue,
} from "xstate";
import { WRONG_STATE_MESSAGE, evaluatorSlot, hasText, ruleRefusal, userOf } from "./candidacy-rules";
import type {
  CandidacyContext,
  CandidacyEvent,
  CandidacyInput,
  DecisionResult,
  EvaluatorSlot,
  RefusalCode,
} from "./candidacy-types";

export * from "./candidacy-dates";
export * from "./candidacy-rules";
export * from "./candidacy-types";

/** Stored beside each persisted snapshot; bump it (and add a migration in ./candidacy-snapshot) on any change. */
export const CANDIDACY_MACHINE_VERSION = 2;

function initialContext(input: CandidacyInput): CandidacyContext {
  return {
    candidacyId: input.candidacyId,
    candidateId: input.candidateId,
    certificationCode: input.certificationCode,
    referentialVersionId: input.referentialVersionId,
    admissibility: {},
    dossier: { currentVersion: 0, submittedVersions: [], sentBackOnce: false },
    evaluation: { declarations: {}, conflicts: [], replacements: [] },
    decision: { signatures: {} },
    involvement: { [input.candidateId]: "candidate" },
  };
}

type Assignment = (args: { context: CandidacyContext; event: CandidacyEvent }) => Partial<CandidacyContext>;

/** The role the acting user holds on this candidacy, recorded in `involvement` when it is new. */
const actorInvolvement: Assignment = ({ context, event }) => {
  const user = userOf(event.actor);
  if (!user || user.role === "admin" || context.involvement[user.userId] === user.role) return {};
  return { involvement: { ...context.involvement, [user.userId]: user.role } };
};

/**
 * A user's event records who acted, then what the event says, as ONE assign action: XState clones the whole snapshot
 * for every assign action of a transition (docs/decisions/033), and two actions cloned twice. `record` sees the
 * context with the actor's involvement already recorded, as the second of two actions did.
 */
function byActor(record: Assignment): Assignment {
  return ({ context, event }) => {
    const involvement = actorInvolvement({ context, event });
    const recorded = record({ context: involvement.involvement ? { ...context, ...involvement } : context, event });
    return { ...involvement, ...recorded };
  };
}

const withdraw = {
  guard: "allowed",
  target: "#candidacy.withdrawn",
  actions: "recordWithdrawal",
} as const;
const lapse = { guard: "allowed", target: "#candidacy.lapsed", actions: ["recordLapse"] } as const;
const silenceAccepted = {
  guard: "allowed",
  target: "#candidacy.admissible",
  actions: ["recordTacitAdmissibility"],
} as const;

export const candidacyMachine = setup({
  types: {
    context: {} as CandidacyContext,
    events: {} as CandidacyEvent,
    input: {} as CandidacyInput,
  },
  guards: {
    /** The rule of the event type allows it (role, ownership, conflicts, reasons, dates). */
    allowed: ({ context, event }) => ruleRefusal(context, event) === null,
    actorIsEvaluatorA: ({ context, event }) => evaluatorSlot(context, event.actor) === "A",
    actorIsEvaluatorB: ({ context, event }) => evaluatorSlot(context, event.actor) === "B",
    /** The dossier was sent back by an already assigned pair: its resubmission returns to them. */
    pairAlreadyAssigned: ({ context }) => context.evaluation.pair !== undefined,
    declaredA: ({ context }) => Boolean(context.evaluation.declarations?.A),
    declaredB: ({ context }) => Boolean(context.evaluation.declarations?.B),
    replacingA: ({ event }) => event.type === "REPLACE_EVALUATOR" && event.slot === "A",
    replacingB: ({ event }) => event.type === "REPLACE_EVALUATOR" && event.slot === "B",
    /** The other evaluator has already signed: this signature completes the minutes. */
    otherHasSigned: ({ context, event }) => {
      const slot = evaluatorSlot(context, event.actor);
      const signatures = context.decision.signatures ?? {};
      return slot !== null && Boolean(slot === "A" ? signatures.B : signatures.A);
    },
    /**
     * Both evaluators have submitted. Guards the `onDone` routes so that a forged
     * `xstate.done.state.candidacy.evaluation` event sent from outside cannot end the evaluation early.
     */
    bothSubmitted: ({ context }) => context.evaluation.submittedA === true && context.evaluation.submittedB === true,
    evaluationAgreed: ({ context }) => context.evaluation.jointOutcome === "agreed",
  },
  actions: {
    recordRequest: assign(
      byActor(({ context, event }) => ({
        admissibility: {
          ...context.admissibility,
          requestedAt: context.admissibility.requestedAt ?? event.at,
          completedAt: event.at,
        },
      })),
    ),
    recordReviewOpened: assign(
      byActor(({ context, event }) => ({
        admissibility: { ...context.admissibility, officerId: userOf(event.actor)?.userId, reviewOpenedAt: event.at },
      })),
    ),
    recordIncomplete: assign(
      byActor(({ context, event }) => ({
        admissibility: {
          ...context.admissibility,
          officerId: userOf(event.actor)?.userId,
          completedAt: undefined,
          incompleteReason: event.type === "MARK_INCOMPLETE" ? event.reason.trim() : undefined,
        },
      })),
    ),
    recordCompletion: assign(
      byActor(({ context, event }) => ({
        admissibility: { ...context.admissibility, completedAt: event.at },
      })),
    ),
    recordAdmissible: assign(
      byActor(({ context, event }) => ({
        admissibility: {
          ...context.admissibility,
          officerId: userOf(event.actor)?.userId,
          decidedAt: event.at,
          decision: "admissible" as const,
          decidedBy: "officer" as const,
          validityEndsOn: event.type === "DECLARE_ADMISSIBLE" ? event.validityEndsOn : undefined,
        },
      })),
    ),
    recordInadmissible: assign(
      byActor(({ context, event }) => ({
        admissibility: {
          ...context.admissibility,
          officerId: userOf(event.actor)?.userId,
          decidedAt: event.at,
          decision: "inadmissible" as const,
          decidedBy: "officer" as const,
          reason: event.type === "DECLARE_INADMISSIBLE" ? event.reason.trim() : undefined,
        },
      })),
    ),
    recordTacitAdmissibility: assign(({ context, event }) => ({
      admissibility: {
        ...context.admissibility,
        decidedAt: event.at,
        decision: "admissible" as const,
        decidedBy: "silence" as const,
      },
    })),
    recordDossierStarted: assign(
      byActor(({ context, event }) => ({
        dossier: { ...context.dossier, startedAt: event.at },
      })),
    ),
    recordDossierSubmission: assign(
      byActor(({ context, event }) => {
        const version = event.type === "SUBMIT_DOSSIER" ? event.version : context.dossier.currentVersion + 1;
        return {
          dossier: {
            ...context.dossier,
            currentVersion: version,
            submittedVersions: [...context.dossier.submittedVersions, version],
            submittedAt: event.at,
            firstSubmittedAt: context.dossier.firstSubmittedAt ?? event.at,
          },
        };
      }),
    ),
    recordSendBack: assign(
      byActor(({ context, event }) => ({
        dossier: {
          ...context.dossier,
          sentBackOnce: true,
          sentBack: {
            by: userOf(event.actor)?.userId ?? "",
            at: event.at,
            reason: event.type === "SEND_BACK_DOSSIER" ? event.reason.trim() : "",
            version: context.dossier.currentVersion,
          },
        },
      })),
    ),
    recordPair: assign(
      byActor(({ context, event }) => {
        if (event.type !== "ASSIGN_PAIR") return {};
        return {
          evaluation: {
            ...context.evaluation,
            pair: {
              evaluatorAId: event.evaluatorAId,
              evaluatorBId: event.evaluatorBId,
              presidentId: event.presidentId,
            },
            assignedBy: userOf(event.actor)?.userId,
            assignedAt: event.at,
          },
          involvement: {
            ...context.involvement,
            [event.evaluatorAId]: "evaluator" as const,
            [event.evaluatorBId]: "evaluator" as const,
          },
        };
      }),
    ),
    /**
     * Entering the evaluation (first time, or after a send-back): nobody has submitted yet. A declaration of no
     * link concerns the person, not the version: an evaluator who made it goes straight back to scoring.
     */
    resetScoringProgress: assign(({ context }) => ({
      evaluation: {
        ...context.evaluation,
        startedA: Boolean(context.evaluation.declarations?.A),
        startedB: Boolean(context.evaluation.declarations?.B),
        submittedA: false,
        submittedB: false,
        jointOutcome: undefined,
        completedAt: undefined,
      },
    })),
    recordScoringStarted: assign(
      byActor(({ context, event }) => {
        const slot = evaluatorSlot(context, event.actor) as EvaluatorSlot;
        return {
          evaluation: {
            ...context.evaluation,
            ...(slot === "A" ? { startedA: true } : { startedB: true }),
            declarations: { ...context.evaluation.declarations, [slot]: event.at },
          },
        };
      }),
    ),
    recordConflict: assign(
      byActor(({ context, event }) => {
        const slot = evaluatorSlot(context, event.actor) as EvaluatorSlot;
        const pair = context.evaluation.pair!;
        const leaving = slot === "A" ? pair.evaluatorAId : pair.evaluatorBId;
        return {
          evaluation: {
            ...context.evaluation,
            pair: {
              evaluatorAId: slot === "A" ? null : pair.evaluatorAId,
              evaluatorBId: slot === "B" ? null : pair.evaluatorBId,
              presidentId: pair.presidentId === leaving ? null : pair.presidentId,
            },
            conflicts: [
              ...(context.evaluation.conflicts ?? []),
              {
                slot,
                evaluatorId: leaving ?? "",
                at: event.at,
                reason: event.type === "DECLARE_CONFLICT" ? event.reason.trim() : "",
              },
            ],
          },
        };
      }),
    ),
    recordReplacement: assign(
      byActor(({ context, event }) => {
        if (event.type !== "REPLACE_EVALUATOR") return {};
        const pair = context.evaluation.pair ?? { evaluatorAId: null, evaluatorBId: null, presidentId: null };
        const previous = event.slot === "A" ? pair.evaluatorAId : pair.evaluatorBId;
        const declarations = { ...context.evaluation.declarations };
        delete declarations[event.slot];
        return {
          evaluation: {
            ...context.evaluation,
            pair: {
              evaluatorAId: event.slot === "A" ? event.evaluatorId : pair.evaluatorAId,
              evaluatorBId: event.slot === "B" ? event.evaluatorId : pair.evaluatorBId,
              presidentId: event.presidentId,
            },
            ...(event.slot === "A" ? { startedA: false } : { startedB: false }),
            declarations,
            replacements: [
              ...(context.evaluation.replacements ?? []),
              {
                slot: event.slot,
                previousEvaluatorId: previous,
                evaluatorId: event.evaluatorId,
                at: event.at,
                by: userOf(event.actor)?.userId ?? "",
              },
            ],
          },
          involvement: { ...context.involvement, [event.evaluatorId]: "evaluator" as const },
        };
      }),
    ),
    recordSession: assign(
      byActor(({ context, event }) => {
        if (event.type !== "SCHEDULE_SESSION") return {};
        return {
          evaluation: {
            ...context.evaluation,
            session: {
              startsAt: new Date(event.startsAt).toISOString(),
              mode: event.mode,
              location: event.location.trim(),
              ...(hasText(event.lateReason) ? { lateReason: event.lateReason!.trim() } : {}),
              scheduledAt: event.at,
              scheduledBy: userOf(event.actor)?.userId ?? "",
            },
          },
        };
      }),
    ),
    recordAttendance: assign(
      byActor(({ context, event }) => {
        if (event.type !== "RECORD_ATTENDANCE" || !context.evaluation.session) return {};
        return {
          evaluation: {
            ...context.evaluation,
            session: { ...context.evaluation.session, attendance: event.attendance, attendanceRecordedAt: event.at },
          },
        };
      }),
    ),
    recordScoresSubmitted: assign(
      byActor(({ context, event }) => {
        const slot = evaluatorSlot(context, event.actor);
        const evaluation = { ...context.evaluation, ...(slot === "A" ? { submittedA: true } : { submittedB: true }) };
        if (evaluation.submittedA && evaluation.submittedB && event.type === "SUBMIT_SCORES") {
          evaluation.jointOutcome = event.jointOutcome;
          evaluation.completedAt = event.at;
          if (event.jointOutcome === "agreed") {
            return { evaluation, decision: { ...context.decision, result: event.result as DecisionResult } };
          }
        }
        return { evaluation };
      }),
    ),
    recordAgreedDecision: assign(({ context }) => ({
      decision: { ...context.decision, decidedAt: context.evaluation.completedAt, route: "agreed" as const },
    })),
    recordDeliberation: assign(
      byActor(({ context, event }) => ({
        decision: {
          ...context.decision,
          decidedAt: event.at,
          route: "deliberation" as const,
          deliberationRecordedBy: userOf(event.actor)?.userId,
          result: event.type === "RECORD_DELIBERATION" ? event.result : context.decision.result,
        },
      })),
    ),
    recordSignature: assign(
      byActor(({ context, event }) => {
        const slot = evaluatorSlot(context, event.actor) as EvaluatorSlot;
        return { decision: { ...context.decision, signatures: { ...context.decision.signatures, [slot]: event.at } } };
      }),
    ),
    recordValidation: assign(
      byActor(({ context, event }) => ({
        decision: { ...context.decision, validatedBy: userOf(event.actor)?.userId, validatedAt: event.at },
      })),
    ),
    recordClosure: assign(byActor(({ event }) => ({ closedAt: event.at }))),
    recordWithdrawal: assign(
      byActor(({ event }) => ({
        withdrawnAt: event.at,
        withdrawnReason: event.type === "WITHDRAW" && hasText(event.reason) ? event.reason?.trim() : undefined,
      })),
    ),
    recordLapse: assign(({ event }) => ({ lapsedAt: event.at })),
  },
}).createMachine({
  id: "candidacy",
  context: ({ input }) => initialContext(input),
  initial: "draft",
  states: {
    draft: {
      on: {
        SUBMIT_REQUEST: {
          guard: "allowed",
          target: "admissibility",
          actions: "recordRequest",
        },
        WITHDRAW: withdraw,
      },
    },
    admissibility: {
      initial: "pending",
      on: { WITHDRAW: withdraw },
      states: {
        pending: {
          on: {
            OPEN_REVIEW: { guard: "allowed", target: "review", actions: "recordReviewOpened" },
            ADMISSIBILITY_SILENCE_ELAPSED: silenceAccepted,
          },
        },
        review: {
          on: {
            MARK_INCOMPLETE: {
              guard: "allowed",
              target: "incomplete",
              actions: "recordIncomplete",
            },
            DECLARE_ADMISSIBLE: {
              guard: "allowed",
              target: "#candidacy.admissible",
              actions: "recordAdmissible",
            },
            DECLARE_INADMISSIBLE: {
              guard: "allowed",
              target: "#candidacy.inadmissible",
              actions: "recordInadmissible",
            },
            ADMISSIBILITY_SILENCE_ELAPSED: silenceAccepted,
          },
        },
        incomplete: {
          on: {
            COMPLETE_REQUEST: { guard: "allowed", target: "pending", actions: "recordCompletion" },
          },
        },
      },
    },
    admissible: {
      on: {
        START_DOSSIER: {
          guard: "allowed",
          target: "dossier",
          actions: "recordDossierStarted",
        },
        WITHDRAW: withdraw,
        VALIDITY_EXPIRED: lapse,
      },
    },
    inadmissible: { type: "final" },
    dossier: {
      initial: "inProgress",
      on: { WITHDRAW: withdraw, VALIDITY_EXPIRED: lapse },
      states: {
        inProgress: {
          on: {
            SUBMIT_DOSSIER: [
              {
                guard: and(["allowed", "pairAlreadyAssigned"]),
                target: "#candidacy.evaluation",
                actions: "recordDossierSubmission",
              },
              { guard: "allowed", target: "submitted", actions: "recordDossierSubmission" },
            ],
          },
        },
        submitted: {
          on: {
            ASSIGN_PAIR: {
              guard: "allowed",
              target: "#candidacy.evaluation",
              actions: "recordPair",
            },
            SEND_BACK_DOSSIER: {
              guard: "allowed",
              target: "inProgress",
              actions: "recordSendBack",
            },
          },
        },
      },
    },
    evaluation: {
      type: "parallel",
      entry: "resetScoringProgress",
      on: {
        SEND_BACK_DOSSIER: {
          guard: "allowed",
          target: "#candidacy.dossier.inProgress",
          actions: "recordSendBack",
        },
        SCHEDULE_SESSION: { guard: "allowed", actions: "recordSession" },
        RECORD_ATTENDANCE: { guard: "allowed", actions: "recordAttendance" },
        WITHDRAW: withdraw,
      },
      states: {
        evaluatorA: {
          initial: "pending",
          on: {
            // Declared on the region so that replacing this evaluator resets only their own progress.
            REPLACE_EVALUATOR: {
              guard: and(["allowed", "replacingA"]),
              target: ".pending",
              actions: "recordReplacement",
            },
          },
          states: {
            pending: {
              // Back from a send-back, an evaluator who already declared no link resumes scoring.
              always: { guard: "declaredA", target: "scoring" },
              on: {
                START_SCORING: {
                  guard: and(["allowed", "actorIsEvaluatorA"]),
                  target: "scoring",
                  actions: "recordScoringStarted",
                },
                DECLARE_CONFLICT: {
                  guard: and(["allowed", "actorIsEvaluatorA"]),
                  target: "vacant",
                  actions: "recordConflict",
                },
              },
            },
            scoring: {
              on: {
                SUBMIT_SCORES: {
                  guard: and(["allowed", "actorIsEvaluatorA"]),
                  target: "submitted",
                  actions: "recordScoresSubmitted",
                },
              },
            },
            /** The evaluator declared a conflict of interest and left: staff replace them. */
            vacant: {},
            submitted: { type: "final" },
          },
        },
        evaluatorB: {
          initial: "pending",
          on: {
            // Declared on the region so that replacing this evaluator resets only their own progress.
            REPLACE_EVALUATOR: {
              guard: and(["allowed", "replacingB"]),
              target: ".pending",
              actions: "recordReplacement",
            },
          },
          states: {
            pending: {
              // Back from a send-back, an evaluator who already declared no link resumes scoring.
              always: { guard: "declaredB", target: "scoring" },
              on: {
                START_SCORING: {
                  guard: and(["allowed", "actorIsEvaluatorB"]),
                  target: "scoring",
                  actions: "recordScoringStarted",
                },
                DECLARE_CONFLICT: {
                  guard: and(["allowed", "actorIsEvaluatorB"]),
                  target: "vacant",
                  actions: "recordConflict",
                },
              },
            },
            scoring: {
              on: {
                SUBMIT_SCORES: {
                  guard: and(["allowed", "actorIsEvaluatorB"]),
                  target: "submitted",
                  actions: "recordScoresSubmitted",
                },
              },
            },
            /** The evaluator declared a conflict of interest and left: staff replace them. */
            vacant: {},
            submitted: { type: "final" },
          },
        },
      },
      // Both regions final (the two evaluators have submitted): route on the outcome carried by the last
      // SUBMIT_SCORES. Anything but an explicit agreement goes to deliberation.
      onDone: [
        {
          guard: and(["bothSubmitted", "evaluationAgreed"]),
          target: "minutes",
          actions: "recordAgreedDecision",
        },
        { guard: "bothSubmitted", target: "deliberation" },
      ],
    },
    deliberation: {
      on: {
        RECORD_DELIBERATION: {
          guard: "allowed",
          target: "minutes",
          actions: "recordDeliberation",
        },
        WITHDRAW: withdraw,
      },
    },
    /** The minutes (PV) are completed with recommendations and signed by both evaluators. */
    minutes: {
      on: {
        SIGN_MINUTES: [
          {
            guard: and(["allowed", "otherHasSigned"]),
            target: "decided",
            actions: "recordSignature",
          },
          { guard: "allowed", actions: "recordSignature" },
        ],
        WITHDRAW: withdraw,
      },
    },
    decided: {
      on: {
        VALIDATE_DECISION: {
          guard: "allowed",
          target: "certified",
          actions: "recordValidation",
        },
      },
    },
    certified: {
      on: {
        CLOSE: { guard: "allowed", target: "closed", actions: "recordClosure" },
      },
    },
    closed: { type: "final" },
    withdrawn: { type: "final" },
    lapsed: { type: "final" },
  },
});

export type CandidacyMachine = typeof candidacyMachine;
export type CandidacySnapshot = SnapshotFrom<typeof candidacyMachine>;

// ---------------------------------------------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------------------------------------------

export type CheckResult = { allowed: true } | { allowed: false; code: RefusalCode; message: string };

/**
 * Whether the candidacy in `snapshot` accepts `event`, and if not why, in French. Wrong state first (no transition
 * for this event type in the current state), then the event type's rule, then `snapshot.can(event)` as the final
 * word (so this can never say "allowed" for an event the machine would ignore).
 */
export function checkEvent(snapshot: CandidacySnapshot, event: CandidacyEvent): CheckResult {
  const wrongState: CheckResult = { allowed: false, code: "wrong_state", message: WRONG_STATE_MESSAGE };
  if (snapshot.status !== "active") return wrongState;
  const handled = getNextTransitions(snapshot).some((transition) => transition.eventType === event?.type);
  if (!handled) return wrongState;
  const refusal = ruleRefusal(snapshot.context, event);
  if (refusal) return { allowed: false, ...refusal };
  return snapshot.can(event) ? { allowed: true } : wrongState;
}

/**
 * `checkEvent` and `nextSnapshot` in one pass, for the service: the same answer, and the next snapshot when the
 * event is allowed. `checkEvent`'s last word, `snapshot.can(event)`, selects the event's transitions (evaluating
 * its rule again); here the step itself does, and an event the machine ignores leaves the snapshot as it was.
 */
export function stepEvent(
  snapshot: CandidacySnapshot,
  event: CandidacyEvent,
): { allowed: true; next: CandidacySnapshot } | Extract<CheckResult, { allowed: false }> {
  const wrongState = { allowed: false as const, code: "wrong_state" as const, message: WRONG_STATE_MESSAGE };
  if (snapshot.status !== "active") return wrongState;
  const handled = getNextTransitions(snapshot).some((transition) => transition.eventType === event?.type);
  if (!handled) return wrongState;
  const refusal = ruleRefusal(snapshot.context, event);
  if (refusal) return { allowed: false, ...refusal };
  const next = nextSnapshot(snapshot, event);
  return next === snapshot ? wrongState : { allowed: true, next };
}

/** Why the event is refused, in French; null when it is allowed. */
export function explainRefusal(snapshot: CandidacySnapshot, event: CandidacyEvent): string | null {
  const result = checkEvent(snapshot, event);
  return result.allowed ? null : result.message;
}

// ---------------------------------------------------------------------------------------------------------------
// State keys and labels
// ---------------------------------------------------------------------------------------------------------------

/** Every state a candidacy can be in, as stored in the database (`stateKey`). */
export const CANDIDACY_STATE_KEYS = [
  "draft",
  "admissibility.pending",
  "admissibility.review",
  "admissibility.incomplete",
  "admissible",
  "inadmissible",
  "dossier.inProgress",
  "dossier.submitted",
  "evaluation",
  "deliberation",
  "minutes",
  "decided",
  "certified",
  "closed",
  "withdrawn",
  "lapsed",
] as const;

export type CandidacyStateKey = (typeof CANDIDACY_STATE_KEYS)[number];

export const FINAL_STATE_KEYS: ReadonlyArray<CandidacyStateKey> = ["inadmissible", "closed", "withdrawn", "lapsed"];

const STATE_LABELS: Record<CandidacyStateKey, string> = {
  draft: "Brouillon",
  "admissibility.pending": "Recevabilité — en attente",
  "admissibility.review": "Recevabilité — en cours d'examen",
  "admissibility.incomplete": "Recevabilité — demande incomplète",
  admissible: "Recevable",
  inadmissible: "Irrecevable",
  "dossier.inProgress": "Dossier en cours de rédaction",
  "dossier.submitted": "Dossier déposé",
  evaluation: "En évaluation",
  deliberation: "En délibération",
  minutes: "Procès-verbal en signature",
  decided: "Décision rendue",
  // Never "Certifié": a validated decision may award some blocs only (see resultLabel).
  certified: "Décision validée",
  closed: "Clôturé",
  withdrawn: "Abandonnée",
  lapsed: "Caduque",
};

/**
 * The flat key of a state: "admissibility.pending", "dossier.submitted"; a parallel state is not descended into
 * ("evaluation", whatever its regions).
 */
export function stateKey(snapshotOrValue: CandidacySnapshot | StateValue): CandidacyStateKey {
  const value: StateValue =
    typeof snapshotOrValue === "object" &&
    snapshotOrValue !== null &&
    "value" in snapshotOrValue &&
    "context" in snapshotOrValue
      ? (snapshotOrValue.value as StateValue)
      : (snapshotOrValue as StateValue);
  const path: string[] = [];
  let node = candidacyMachine.root;
  let current: StateValue = value;
  while (true) {
    const key: string | undefined = typeof current === "string" ? current : Object.keys(current)[0];
    const child = key === undefined ? undefined : node.states[key];
    if (key === undefined || !child) throw new Error(`Unknown candidacy state: ${JSON.stringify(value)}`);
    path.push(key);
    if (typeof current === "string" || child.type !== "compound") break;
    current = (current as Record<string, StateValue>)[key] as StateValue;
    node = child;
  }
  const flat = path.join(".");
  if (!(CANDIDACY_STATE_KEYS as ReadonlyArray<string>).includes(flat)) {
    throw new Error(`Unknown candidacy state: ${JSON.stringify(value)}`);
  }
  return flat as CandidacyStateKey;
}

/** The French label of a state, for the UI: from a state key ("dossier.submitted"), a state value or a snapshot. */
export function stateLabel(state: CandidacyStateKey | StateValue | CandidacySnapshot): string {
  const key =
    typeof state === "string" && Object.hasOwn(STATE_LABELS, state)
      ? (state as CandidacyStateKey)
      : stateKey(state as CandidacySnapshot | StateValue);
  return STATE_LABELS[key];
}

export type EvaluatorProgress = "pending" | "scoring" | "submitted" | "vacant";

/** Where each evaluator of the pair is, while the candidacy is in evaluation (null otherwise). */
export function evaluationProgress(
  snapshot: CandidacySnapshot,
): { evaluatorA: EvaluatorProgress; evaluatorB: EvaluatorProgress } | null {
  const value = snapshot.value as StateValue;
  if (typeof value !== "object" || !("evaluation" in value)) return null;
  const regions = value.evaluation as Record<string, EvaluatorProgress>;
  return { evaluatorA: regions.evaluatorA ?? "pending", evaluatorB: regions.evaluatorB ?? "pending" };
}

const RESULT_LABELS: Record<DecisionResult, string> = {
  full: "CQP obtenu",
  partial: "Validation partielle",
  none: "Aucun bloc obtenu",
};

/** The French label of a decision's result: "Certifié" is only ever said of a full CQP. */
export function resultLabel(result: DecisionResult | undefined): string | null {
  return result ? RESULT_LABELS[result] : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Stepping a restored snapshot
// ---------------------------------------------------------------------------------------------------------------

/**
 * The actor the machine's transitions run "inside". XState's `transition()` creates a fresh one on each call, which
 * evaluates the context factory without input: it throws, XState catches it, and that alone was three quarters of
 * an event's statechart time (docs/decisions/033). The machine has no invoked or spawned actors, no delayed
 * transitions and only `assign` actions, so nothing is ever registered on this actor or its system: one serves
 * every step, in one scope. Created with a placeholder input on first use, never started.
 */
let steppingScope: Parameters<typeof candidacyMachine.transition>[2] | undefined;

/**
 * The snapshot after `event`: what `transition(candidacyMachine, snapshot, event)[0]` returns, without creating an
 * actor each time. Pure; the machine's actions are all `assign`, so there are no actions left to execute.
 */
export function nextSnapshot(snapshot: CandidacySnapshot, event: CandidacyEvent): CandidacySnapshot {
  // The scope is built once with its actor: nothing in it changes from one step to the next.
  steppingScope ??= steppingScopeOf(
    createActor(candidacyMachine, {
      input: { candidacyId: "", candidateId: "", certificationCode: "", referentialVersionId: "" },
    }),
  );
  return candidacyMachine.transition(snapshot, event, steppingScope);
}

function steppingScopeOf(actor: AnyActorRef): Parameters<typeof candidacyMachine.transition>[2] {
  return {
    self: actor,
    id: "",
    sessionId: "",
    logger: () => undefined,
    defer: () => undefined,
    emit: () => undefined,
    stopChild: () => undefined,
    system: actor.system,
    actionExecutor: () => undefined,
  };
}
