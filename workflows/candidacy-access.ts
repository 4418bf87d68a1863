// Who may do what on a candidacy, in one table: each capability names the roles that may hold it, the states in
// which it applies and, where needed, one more condition on the context; `can` answers with the French refusal.
// Every loader and action on a candidacy asks this table (through `requireCandidacy`), and the services ask it
// again inside their transaction. Events that change the state are also checked by the statechart's own rules;
// this table covers what the statechart cannot see: reading, and edits that do not change the state.
//
// Whoever is not involved in a candidacy (another candidate, an evaluator not or no longer assigned, an admin) is
// told it does not exist (404): a refusal must not reveal that someone else's candidacy is there.
import { type CandidacySnapshot, type CandidacyStateKey, evaluationProgress, stateKey } from "./candidacy-machine";
import { evaluatorSlot } from "./candidacy-rules";
import type { CandidacyContext, EvaluatorSlot, InvolvedRole, Role } from "./candidacy-types";
import { type Refusal, refuse } from "./refusal";

export const CAPABILITIES = [
  "candidacy.view",
  "candidacy.withdraw",
  "request.edit",
  "request.review",
  "request.documents.view",
  "dossier.edit",
  "dossier.view",
  "pair.assign",
  "evaluator.replace",
  "session.schedule",
  "session.attendance",
  "dossier.sendBack",
  "evaluation.declare",
  "scores.edit",
  "scores.submit",
  "evaluation.compare",
  "deliberation.propose",
  "deliberation.castingVote",
  "deliberation.close",
  "recommendations.edit",
  "minutes.sign",
  "minutes.view",
  "decision.validate",
  "result.view",
] as const;

export type Capability = (typeof CAPABILITIES)[number];

/** The signed-in user, acting in one of their roles. */
export interface AccessActor {
  userId: string;
  role: Role;
}

export type Permission = { ok: true } | Refusal;

interface Situation {
  state: CandidacyStateKey;
  context: CandidacyContext;
  actor: AccessActor;
  /** The actor's slot in the pair, when they are one of its evaluators. */
  slot: EvaluatorSlot | null;
  /** Where the actor's own evaluation region is, while the candidacy is in evaluation. */
  ownProgress: "pending" | "scoring" | "submitted" | "vacant" | null;
}

interface CapabilityRule {
  roles: ReadonlyArray<InvolvedRole>;
  states: ReadonlyArray<CandidacyStateKey>;
  /** Said when the state does not allow it. */
  notNow: string;
  /** A further condition: null when met, else the French reason. */
  unless?: (situation: Situation) => string | null;
}

const NOT_FOUND = "Candidature introuvable.";

const AFTER_DELIBERATION: CandidacyStateKey[] = ["minutes", "decided", "certified", "closed"];
const DECIDED: CandidacyStateKey[] = ["decided", "certified", "closed"];
const BEFORE_DECISION: CandidacyStateKey[] = [
  "draft",
  "admissibility.pending",
  "admissibility.review",
  "admissibility.incomplete",
  "admissible",
  "dossier.inProgress",
  "dossier.submitted",
  "evaluation",
  "deliberation",
  "minutes",
];
const EVERY_STATE: CandidacyStateKey[] = [
  ...BEFORE_DECISION,
  "inadmissible",
  "decided",
  "certified",
  "closed",
  "withdrawn",
  "lapsed",
];

const ROLE_REQUIRED: Record<InvolvedRole, string> = {
  candidate: "Cette action est réservée au candidat.",
  admissibility_officer: "Cette action est réservée aux chargés de recevabilité.",
  evaluator: "Cette action est réservée aux évaluateurs désignés pour cette candidature.",
  certifier_staff: "Cette action est réservée au personnel du certificateur.",
};

const mustHaveDeclared = ({ slot, ownProgress, state }: Situation) =>
  slot === null || state !== "evaluation" || ownProgress === "scoring" || ownProgress === "submitted"
    ? null
    : "Déclarez d'abord n'avoir aucun lien avec le candidat : le dossier s'ouvre ensuite.";

/** The table. Read a line as: these roles, in these states, provided that… */
export const CAPABILITY_RULES: Record<Capability, CapabilityRule> = {
  "candidacy.view": {
    roles: ["candidate", "admissibility_officer", "evaluator", "certifier_staff"],
    states: EVERY_STATE,
    notNow: NOT_FOUND,
  },
  "candidacy.withdraw": {
    roles: ["candidate"],
    states: BEFORE_DECISION,
    notNow: "La candidature ne peut plus être abandonnée à cette étape.",
  },
  "request.edit": {
    roles: ["candidate"],
    states: ["draft", "admissibility.incomplete"],
    notNow:
      "La demande de recevabilité est déposée : ses pièces ne peuvent plus être modifiées, sauf si elle est déclarée " +
      "incomplète.",
  },
  "request.review": {
    roles: ["admissibility_officer"],
    states: ["admissibility.pending", "admissibility.review"],
    notNow: "Cette demande de recevabilité n'est pas en attente d'examen.",
  },
  "request.documents.view": {
    roles: ["candidate", "admissibility_officer", "certifier_staff"],
    states: EVERY_STATE,
    notNow: NOT_FOUND,
  },
  "dossier.edit": {
    roles: ["candidate"],
    states: ["dossier.inProgress"],
    notNow:
      "Le dossier se rédige une fois commencé (la candidature recevable), jusqu'à son dépôt ou après son renvoi " +
      "pour précisions.",
  },
  "dossier.view": {
    roles: ["candidate", "evaluator", "certifier_staff"],
    states: EVERY_STATE,
    notNow: NOT_FOUND,
    unless: mustHaveDeclared,
  },
  "pair.assign": {
    roles: ["certifier_staff"],
    states: ["dossier.submitted"],
    notNow: "Le binôme d'évaluateurs se désigne une fois le dossier déposé, et une seule fois.",
  },
  "evaluator.replace": {
    roles: ["certifier_staff"],
    states: ["evaluation"],
    notNow: "Un évaluateur ne se remplace que pendant l'évaluation, avant d'avoir transmis ses notes.",
    unless: ({ context }) =>
      context.evaluation.submittedA && context.evaluation.submittedB
        ? "Les deux évaluateurs ont transmis leurs notes : ils ne peuvent plus être remplacés."
        : null,
  },
  "session.schedule": {
    roles: ["certifier_staff"],
    states: ["evaluation"],
    notNow: "La séance d'évaluation se fixe une fois le binôme d'évaluateurs désigné, pendant l'évaluation.",
    unless: ({ context }) =>
      context.evaluation.session?.attendance === "attended"
        ? "La séance d'évaluation a eu lieu en présence du candidat : elle ne peut plus être déplacée."
        : null,
  },
  "session.attendance": {
    roles: ["certifier_staff"],
    states: ["evaluation"],
    notNow: "La présence du candidat s'enregistre pendant l'évaluation, après la séance.",
    unless: ({ context }) =>
      !context.evaluation.session
        ? "Aucune séance d'évaluation n'est fixée."
        : context.evaluation.session.attendance
          ? "La présence du candidat à cette séance est déjà enregistrée."
          : null,
  },
  "dossier.sendBack": {
    roles: ["certifier_staff", "evaluator"],
    states: ["dossier.submitted", "evaluation"],
    notNow: "Le dossier ne peut être renvoyé au candidat qu'une fois déposé, avant que les notes soient transmises.",
    unless: ({ context, actor, state }) => {
      if (actor.role === "evaluator" && state !== "evaluation") return "Le binôme n'est pas encore désigné.";
      if (context.dossier.sentBackOnce) return "Le dossier a déjà été renvoyé une fois au candidat.";
      if (context.evaluation.submittedA || context.evaluation.submittedB) {
        return "Un évaluateur a déjà transmis ses notes : le dossier ne peut plus être renvoyé.";
      }
      return null;
    },
  },
  "evaluation.declare": {
    roles: ["evaluator"],
    states: ["evaluation"],
    notNow: "Il n'y a pas de déclaration à faire à cette étape.",
    unless: ({ ownProgress }) =>
      ownProgress === "pending" ? null : "Vous avez déjà fait votre déclaration pour ce dossier.",
  },
  "scores.edit": {
    roles: ["evaluator"],
    states: ["evaluation"],
    notNow: "Les notes ne peuvent plus être modifiées à cette étape.",
    unless: ({ ownProgress }) =>
      ownProgress === "scoring"
        ? null
        : ownProgress === "submitted"
          ? "Vous avez transmis vos notes : elles ne peuvent plus être modifiées."
          : "Déclarez d'abord n'avoir aucun lien avec le candidat.",
  },
  "scores.submit": {
    roles: ["evaluator"],
    states: ["evaluation"],
    notNow: "Les notes ne peuvent plus être transmises à cette étape.",
    unless: ({ ownProgress, context }) =>
      ownProgress !== "scoring"
        ? ownProgress === "submitted"
          ? "Vous avez déjà transmis vos notes."
          : "Déclarez d'abord n'avoir aucun lien avec le candidat."
        : context.evaluation.session?.attendance !== "attended"
          ? "Les notes se transmettent après la séance d'évaluation, une fois la présence du candidat enregistrée."
          : null,
  },
  "evaluation.compare": {
    roles: ["evaluator", "certifier_staff"],
    states: ["deliberation", ...AFTER_DELIBERATION],
    notNow: "La comparaison des deux notations s'affiche quand les deux évaluateurs ont transmis leurs notes.",
  },
  "deliberation.propose": {
    roles: ["evaluator"],
    states: ["deliberation"],
    notNow: "Il n'y a pas de délibération en cours pour ce dossier.",
  },
  "deliberation.castingVote": {
    roles: ["evaluator"],
    states: ["deliberation"],
    notNow: "Il n'y a pas de délibération en cours pour ce dossier.",
    unless: ({ context, actor }) =>
      context.evaluation.pair?.presidentId === actor.userId
        ? null
        : "Seul le président du jury peut trancher par sa voix prépondérante.",
  },
  "deliberation.close": {
    roles: ["evaluator"],
    states: ["deliberation"],
    notNow: "Il n'y a pas de délibération en cours pour ce dossier.",
  },
  "recommendations.edit": {
    roles: ["evaluator"],
    states: ["minutes"],
    notNow: "Les préconisations se rédigent sur le procès-verbal, avant sa signature.",
    unless: ({ context }) =>
      context.decision.signatures?.A || context.decision.signatures?.B
        ? "Le procès-verbal est déjà signé : les préconisations ne peuvent plus être modifiées."
        : null,
  },
  "minutes.sign": {
    roles: ["evaluator"],
    states: ["minutes"],
    notNow: "Il n'y a pas de procès-verbal à signer à cette étape.",
    unless: ({ context, slot }) =>
      slot !== null && context.decision.signatures?.[slot] ? "Vous avez déjà signé ce procès-verbal." : null,
  },
  "minutes.view": {
    roles: ["evaluator", "certifier_staff"],
    states: AFTER_DELIBERATION,
    notNow: "Le procès-verbal n'existe pas encore pour cette candidature.",
  },
  "decision.validate": {
    roles: ["certifier_staff"],
    states: ["decided"],
    notNow: "Seule une décision rendue (procès-verbal signé par les deux évaluateurs) peut être validée.",
  },
  "result.view": {
    roles: ["candidate", "certifier_staff"],
    states: DECIDED,
    notNow: "Le résultat s'affiche une fois la décision du jury validée par le certificateur.",
    unless: ({ actor, state }) =>
      actor.role === "candidate" && state === "decided"
        ? "Le résultat s'affiche une fois la décision du jury validée par le certificateur."
        : null,
  },
};

/** Whether the actor may know the candidacy exists at all. */
function involved(state: CandidacyStateKey, context: CandidacyContext, actor: AccessActor, slot: EvaluatorSlot | null) {
  switch (actor.role) {
    case "candidate":
      return actor.userId === context.candidateId;
    case "admissibility_officer":
      return state !== "draft" && actor.userId !== context.candidateId;
    case "certifier_staff":
      return actor.userId !== context.candidateId;
    case "evaluator":
      return slot !== null;
    default:
      return false;
  }
}

/** Whether `actor` may do `capability` on this candidacy now, and if not, the refusal to show. */
export function can(snapshot: CandidacySnapshot, actor: AccessActor, capability: Capability): Permission {
  const rule = CAPABILITY_RULES[capability];
  const context = snapshot.context;
  const state = stateKey(snapshot);
  const slot = evaluatorSlot(context, { type: "user", userId: actor.userId, role: actor.role });
  if (!involved(state, context, actor, slot)) return refuse("not_found", NOT_FOUND, { status: 404 });
  if (!(rule.roles as ReadonlyArray<Role>).includes(actor.role)) {
    // A role that never holds this capability on a candidacy it can see is told so; reading what it may not read
    // answers 404 like the rest, so that a URL does not tell what lies behind it.
    return capability.endsWith(".view") || capability === "evaluation.compare"
      ? refuse("not_found", NOT_FOUND, { status: 404 })
      : refuse("wrong_role", ROLE_REQUIRED[rule.roles[0] as InvolvedRole], { status: 403 });
  }
  if (!rule.states.includes(state)) {
    return rule.notNow === NOT_FOUND
      ? refuse("not_found", NOT_FOUND, { status: 404 })
      : refuse("wrong_state", rule.notNow, { status: 409 });
  }
  if (rule.unless) {
    const progress = evaluationProgress(snapshot);
    const ownProgress = progress && slot ? (slot === "A" ? progress.evaluatorA : progress.evaluatorB) : null;
    const reason = rule.unless({ state, context, actor, slot, ownProgress });
    if (reason) return refuse("not_now", reason, { status: 409 });
  }
  return { ok: true };
}

/** Every capability the actor holds now, for showing the buttons and links that lead somewhere. */
export function capabilitiesOf(snapshot: CandidacySnapshot, actor: AccessActor): Record<Capability, boolean> {
  return Object.fromEntries(CAPABILITIES.map((c) => [c, can(snapshot, actor, c).ok])) as Record<Capability, boolean>;
}
